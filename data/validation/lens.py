"""A whole lens checked: every field's rule, the heights together, the range of a series, and
the references against what the database knows (``ReferenceFacts``)."""

from __future__ import annotations

from collections.abc import Mapping

from data.validation.fields import (
    checked_value,
    index_value,
    optional_text,
    reference_id,
    url_value,
    validate_name,
    variant_value,
)
from data.validation.heights import height_value, read_heights
from data.validation.values import (
    ENGRAVING_MAX,
    LensValues,
    ReferenceFacts,
    ValidationReport,
    fast_lens_values,
)


def validate_lens(
    raw: Mapping[str, object], refs: ReferenceFacts | None = None
) -> tuple[LensValues | None, ValidationReport]:
    """Check every rule; return the cleaned values (None when invalid) and the report."""
    report = ValidationReport()
    nom, message = validate_name(raw.get("nom"))
    if message:
        report.add("nom", message)
    variante = checked_value(report, "variante", variant_value(raw.get("variante")))
    gravure = optional_text(report, "gravure_nasale", raw.get("gravure_nasale"), ENGRAVING_MAX)
    indice = checked_value(report, "indice", index_value(raw.get("indice")))
    hmin, hmax = _heights(report, raw.get("hauteur_min"), raw.get("hauteur_max"))
    if hmin is not None and hmax is not None and hmin > hmax:
        report.add(
            "hauteur_max",
            f"La hauteur max. ({hmax} mm) doit être supérieure ou égale à la hauteur min. "
            f"({hmin} mm).",
        )
    url_gravure = checked_value(report, "url_gravure", url_value(raw.get("url_gravure")))
    url_source = checked_value(report, "url_source", url_value(raw.get("url_source")))
    supplier = reference_id(report, "fournisseur_id", raw.get("fournisseur_id"), required=True)
    range_id = reference_id(report, "gamme_id", raw.get("gamme_id"), required=False)
    series_id = reference_id(report, "serie_id", raw.get("serie_id"), required=False)
    material = reference_id(report, "materiau_id", raw.get("materiau_id"), required=False)

    if series_id is not None and range_id is None and not report.get("gamme_id"):
        report.add("gamme_id", "Choisissez la gamme de cette série.")
    if refs is not None:
        _check_references(report, refs, supplier, range_id, series_id, material)

    if not report.is_valid:
        return None, report
    assert supplier is not None and indice is not None
    return (
        fast_lens_values(
            nom, supplier, indice, variante, range_id, series_id, material, hmin, hmax, gravure,
            url_gravure, url_source,
        ),
        report,
    )


def _heights(report: ValidationReport, raw_min: object, raw_max: object) -> tuple[int | None, int | None]:
    """Both height fields (``read_heights``). A range in the minimum's field with an empty
    maximum fills both (``14 à 20mm`` in a file's single « hauteur » column)."""
    (low, high), problem = read_heights(raw_min)
    if problem:
        report.add("hauteur_min", problem)
    hmax = checked_value(report, "hauteur_max", height_value(raw_max, 1))
    if hmax is None and high is not None and not report.get("hauteur_max") and _blank(raw_max):
        hmax = high
    return low, hmax


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _check_references(
    report: ValidationReport,
    refs: ReferenceFacts,
    supplier: int | None,
    range_id: int | None,
    series_id: int | None,
    material: int | None,
) -> None:
    if supplier is not None and supplier not in refs.supplier_ids:
        report.add("fournisseur_id", "Ce fournisseur n'existe pas (ou plus).")
    if material is not None and material not in refs.material_ids:
        report.add("materiau_id", "Ce matériau n'existe pas (ou plus).")
    if range_id is not None:
        owner = refs.range_supplier.get(range_id)
        if owner is None:
            report.add("gamme_id", "Cette gamme n'existe pas (ou plus).")
        elif supplier is not None and owner != supplier:
            report.add("gamme_id", "Cette gamme n'appartient pas au fournisseur choisi.")
    if series_id is not None:
        parent = refs.series_range.get(series_id)
        if parent is None:
            report.add("serie_id", "Cette série n'existe pas (ou plus).")
        elif range_id is not None and parent != range_id:
            report.add("serie_id", "Cette série n'appartient pas à la gamme choisie.")

