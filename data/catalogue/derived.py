"""What a lens stores besides what the user typed, written once for every path that writes
lenses (the dialog's save, the import's bulk path, the sample, the integrity check):

- ``lens_columns``: the folded search text and the sort keys derived from the lens's own texts;
- ``add_sort_keys`` / ``refresh_sort_keys``: the folded names of its range, series and material,
  copied onto the lens (sorting a million lenses by range needs them on the lens row);
- ``write_code_keys``: the keys its engraving is found by (table ``verres_codes``, see
  ``data.catalogue.code_keys``), replaced after every single write of a lens; the bulk paths
  (import, restore, sample, benchmark files) write the same keys from the same function;
- ``write_signs``: the shapes of its sign (table ``verres_symboles``, see
  ``data.catalogue.symbols``), after every single write that names them;
- ``lens_state``: the lens as the audit trail keeps it (the SQLite bulk path of ``data.audit``
  writes the same text from the rows; a test holds the two to the same bytes).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from data.catalogue.code_keys import replace_code_keys
from data.catalogue.symbols import checked_symbols, replace_lens_symbols
from data.catalogue.values import LensDetail
from data.kinds import KINDS, SORT_KEYS
from data.models import Verre
from data.text import fold, folded_search_key
from data.validation import LensValues


def lens_columns(values: LensValues) -> dict[str, Any]:
    """The lens's columns with their folded copies (a shallow copy: ``asdict`` is slow).

    Each text is folded once (an import computes this for every lens of the file)."""
    columns = dict(values.__dict__)  # its fields, in declaration order (no copy of each value)
    name, variant, engraving = fold(values.nom), fold(values.variante), fold(values.gravure_nasale)
    columns["recherche"] = folded_search_key(name, variant, engraving)
    columns["tri_nom"] = name
    columns["tri_variante"] = variant or None
    columns["tri_gravure"] = engraving or None
    return columns


# The lens's sort keys copied from its references: (its id column, the key column, the model).
SORT_KEY_COLUMNS = tuple((kind.lens_column, key, kind.model) for kind, key in SORT_KEYS)


def add_sort_keys(session: Session, columns: dict[str, Any]) -> dict[str, Any]:
    """Copy the folded names of the lens's range, series and material onto it (sort keys).

    Sorting a million lenses by range needs the name on the lens row itself, in an index;
    ``rename_reference`` and ``merge_references`` keep these copies right.
    """
    for id_column, key_column, model in SORT_KEY_COLUMNS:
        ref_id = columns.get(id_column)
        columns[key_column] = (
            None
            if ref_id is None
            else session.execute(select(model.nom_normalise).where(model.id == ref_id)).scalar_one_or_none()
        )
    return columns


def refresh_sort_keys(session: Session, kind: str, ref_id: int) -> None:
    """After a rename or a merge: the lenses of reference ``ref_id`` get its current folded name."""
    for id_column, key_column, model in SORT_KEY_COLUMNS:
        if KINDS[kind].model is model:
            name = select(model.nom_normalise).where(model.id == ref_id).scalar_subquery()
            session.execute(
                update(Verre)
                .where(getattr(Verre, id_column) == ref_id)
                .values({key_column: name})
                .execution_options(synchronize_session=False)
            )


def write_code_keys(session: Session, lens_id: int, engraving: str | None) -> None:
    """Make the lens's code keys those of ``engraving`` (after it was inserted or updated)."""
    replace_code_keys(session, [(lens_id, engraving)])


def sign_of(session: Session, raw: Mapping[str, object]) -> tuple[str, ...] | None:
    """The shape keys ``raw`` names (``symboles``: keys, labels or typed names), or None when
    it does not name them (an update then keeps the lens's shapes)."""
    if "symboles" not in raw:
        return None
    return checked_symbols(session, raw["symboles"])


def write_signs(session: Session, lens_id: int, keys: Sequence[str] | None) -> None:
    """Make the lens's shapes ``keys`` (None: leave them as they are)."""
    if keys is not None:
        replace_lens_symbols(session, {lens_id: keys})


_DETAIL_FIELDS = tuple(LensDetail.__dataclass_fields__)


def lens_state(detail: LensDetail) -> dict[str, Any]:
    """A lens as the audit trail keeps it: every field, with the names of its references.

    A shallow copy (every field is a plain value): ``asdict`` deep-copies and is slow in bulk.
    """
    return {name: getattr(detail, name) for name in _DETAIL_FIELDS}

