"""Which lenses are the same lens, in a file and against the catalogue.

Two lenses are the same lens when they share supplier, name, variant and index
(folded, index to 3 decimals) **and** material and engraving code: a guide lists the same design
in organic and in mineral, or with two engravings, and those are two lenses, never duplicates
nor conflicts. An empty material or engraving (on either side) matches any: a file without those
columns, or a catalogue lens without a code yet, still finds its lens (and an update fills the
code in); a lens whose code or material *differs* is another lens, added beside it. The rule
lives here (``catalogue_match``, also used by pass 2's checks), not in a unique key of the
database: no migration, and the lens dialog is not bound by it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from data.models import Verre
from data.validation import LENS_FIELDS, LensValues

Key = tuple[int, str, str, float, int, str]
BaseKey = tuple[int, str, str, float]  # supplier, folded name and variant, index


def lens_key(values: LensValues, columns: dict[str, Any]) -> Key:
    """What makes two lenses the same lens: supplier, folded name and variant, index, material
    and folded engraving (``columns``: the lens's columns, with their folded copies)."""
    return (
        values.fournisseur_id, columns["tri_nom"], columns["tri_variante"] or "", values.indice,
        values.materiau_id or 0, columns["tri_gravure"] or "",
    )


def row_key(row: Mapping[Any, Any]) -> Key:
    """``lens_key`` of a lens row as written (a mapping of its columns, real ids)."""
    return (
        row["fournisseur_id"], row["tri_nom"], row["tri_variante"] or "", round(row["indice"], 3),
        row["materiau_id"] or 0, row["tri_gravure"] or "",
    )


_EXISTING_COLUMNS = (
    Verre.id,
    Verre.version,
    Verre.tri_nom,
    Verre.tri_variante,
    Verre.tri_gravure,
    *(getattr(Verre, name) for name in LENS_FIELDS),
    Verre.image_id,
)


def existing_lenses(session: Session, suppliers: set[int], names: set[str]) -> dict[BaseKey, list[Any]]:
    """Catalogue lenses of these suppliers and folded names, by supplier, name, variant and
    index, lowest id first (``catalogue_match`` picks the one a file's lens is)."""
    stmt = (
        select(*_EXISTING_COLUMNS)
        .where(Verre.fournisseur_id.in_(suppliers), Verre.tri_nom.in_(names))
        .order_by(Verre.id)
    )
    found: dict[BaseKey, list[Any]] = {}
    for row in session.execute(stmt):
        found.setdefault(row_key(row._mapping)[:4], []).append(row)
    return found


def catalogue_match(found: dict[BaseKey, list[Any]], key: Key) -> Any:
    """The catalogue lens (lowest id) that is the lens of ``key``: same supplier, name,
    variant and index, and the same material and engraving unless either side leaves it empty."""
    material, engraving = key[4], key[5]
    for row in found.get(key[:4], ()):
        if material and row.materiau_id and row.materiau_id != material:
            continue
        if engraving and row.tri_gravure and row.tri_gravure != engraving:
            continue
        return row
    return None
