"""Naming a file's columns: each column with its first values and the field it likely holds.

When a header is unknown (``nom_du_verre`` is known, ``glass_index`` is not) or ambiguous, the
preview shows every column with its first values and lets the person choose its field, or
« ignorer ». ``suggest_field`` proposes one from the header's words (« haut », « montage » →
fitting height; « index » → index; « formes », « signe » → a sign's shapes) and then from the
values (numbers from 1.4 to 1.9 look like an index, ``http`` like a link — an image's link when
it ends like an image file — heights as guides write them like a fitting height). The choice is
kept by the window for files with the same headers (``headers_key``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from data.transfer.columns import (
    FIELD_NAMES,
    REQUIRED_FIELDS,
    SYMBOLS_FIELD,
    chosen_field,
    header_key,
)
from data.transfer.raw import raw_rows
from data.validation import parse_decimal, read_heights

SAMPLE_ROWS = 5
SCAN_ROWS = 50  # rows looked at for the first values (blank cells skipped)
IGNORE_LABEL = "ignorer"

# Header words -> field, tried in this order (an index header may also say "glass").
_WORDS: tuple[tuple[frozenset[str], str], ...] = (
    (frozenset({"indice", "indices", "index", "refraction", "ind"}), "indice"),
    (frozenset({"hmax", "maxi", "max", "maximum"}), "hauteur_max"),  # with a height word, below
    (frozenset({"haut", "hauteur", "hauteurs", "height", "montage", "fitting", "hmin"}), "hauteur_min"),
    # A sign's shapes before the engraving (« signe nasal », « formes gravées »).
    (frozenset({"symbole", "symboles", "signe", "signes", "symbol", "symbols", "shape", "shapes", "forme", "formes", "pictogramme", "pictogrammes"}), SYMBOLS_FIELD),
    (frozenset({"gravure", "engraving", "nasal", "nasale", "marquage", "code"}), "gravure_nasale"),
    (frozenset({"url", "lien", "link", "http", "web", "site"}), "url_source"),
    (frozenset({"fournisseur", "supplier", "marque", "brand", "fabricant", "maker", "manufacturer", "labo", "laboratoire", "vendor"}), "fournisseur"),
    (frozenset({"materiau", "materiaux", "matiere", "material", "mat", "substrat"}), "materiau"),
    (frozenset({"gamme", "range", "famille", "line", "ligne"}), "gamme"),
    (frozenset({"serie", "series", "sous"}), "serie"),
    (frozenset({"variante", "variant", "declinaison", "version"}), "variante"),
    (frozenset({"nom", "name", "designation", "libelle", "verre", "glass", "lens", "produit", "product", "modele", "model"}), "nom"),
)
_HEIGHT_WORDS = frozenset({"haut", "hauteur", "hauteurs", "height", "montage", "fitting"})
_IMAGE_END = re.compile(r"\.(png|jpe?g|gif|webp|svg|bmp)(\?.*)?$", re.IGNORECASE)


@dataclass(frozen=True)
class ColumnSample:
    header: str
    values: tuple[str, ...]  # its first non-blank values
    field: str | None  # the field it is read as now (recognised or chosen), or None
    suggestion: str | None  # the field it likely holds when it is not read as one


def suggest_field(header: str, values: Sequence[str]) -> str | None:
    """The field ``header`` with these first values most likely holds, or None."""
    words = set(header_key(header).split())
    for vocabulary, field_name in _WORDS:
        if words & vocabulary:
            if field_name == "hauteur_max" and not words & _HEIGHT_WORDS:
                continue
            if field_name == "url_source" and words & {"image", "img", "photo", "gravure", "picture"}:
                return "url_gravure"
            return field_name
    return _suggest_from_values([v for v in values if v.strip()])


def _suggest_from_values(values: Sequence[str]) -> str | None:
    if not values:
        return None
    if all(v.strip().lower().startswith(("http://", "https://")) for v in values):
        return "url_gravure" if all(_IMAGE_END.search(v.strip()) for v in values) else "url_source"
    if all(_looks_like_index(v) for v in values):
        return "indice"
    if all(_looks_like_height(v) for v in values):
        return "hauteur_min"
    return None


def _looks_like_index(value: str) -> bool:
    parts = re.split(r"\s*[-/|;]\s*", value.strip())
    try:
        numbers = [parse_decimal(p) for p in parts]
    except ValueError:
        return False
    return all(n is not None and 1.4 <= n <= 1.9 for n in numbers)


def _looks_like_height(value: str) -> bool:
    (low, _high), problem = read_heights(value)
    return problem is None and low is not None and 8 <= low <= 40


def sample_columns(
    path: Path, fmt: str, chosen: Mapping[str, str] | None = None
) -> tuple[ColumnSample, ...]:
    """Every column of ``path`` with its first values, the field it is read as, and a
    suggestion for the others."""
    with raw_rows(path, fmt) as table:
        header = [h.strip() for h in table.header]
        values: list[list[str]] = [[] for _ in header]
        for count, (_line, cells) in enumerate(table.rows):
            if count >= SCAN_ROWS:
                break
            for position, cell in enumerate(cells[: len(header)]):
                text = "" if cell is None else str(cell).strip()
                if text and len(values[position]) < SAMPLE_ROWS:
                    values[position].append(text)
    samples = []
    taken: set[str] = set()
    for name, first in zip(header, values, strict=True):
        if not name:
            continue
        field_name = chosen_field(name, chosen)
        if field_name in taken:
            field_name = None
        if field_name:
            taken.add(field_name)
        suggestion = None if field_name else suggest_field(name, first)
        samples.append(ColumnSample(name, tuple(first), field_name, suggestion))
    return tuple(samples)


def proposed_columns(samples: Sequence[ColumnSample]) -> dict[str, str]:
    """Header -> field for every column as the preview first shows it: the field it is read
    as, else its suggestion when no other column takes that field; ``""`` (ignored) otherwise."""
    taken = {s.field for s in samples if s.field}
    proposal: dict[str, str] = {}
    for sample in samples:
        field_name = sample.field
        if not field_name and sample.suggestion and sample.suggestion not in taken:
            field_name = sample.suggestion
            taken.add(field_name)
        proposal[sample.header] = field_name or ""
    return proposal


def missing_fields(columns: Mapping[str, str]) -> list[str]:
    """The required fields no column holds (French names)."""
    held = set(columns.values())
    return [FIELD_NAMES[f] for f in REQUIRED_FIELDS if f not in held]


def headers_key(headers: Sequence[str]) -> str:
    """What files « with the same headers » share: their headers, folded, in order."""
    return "|".join(header_key(h) for h in headers if str(h).strip())
