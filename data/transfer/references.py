"""Suppliers, ranges, series and materials named in a file, resolved by folded name.

Pass 1 gives every unknown name a placeholder id (far above any real id) and plans its
creation; pass 2 creates the planned references in its transaction (``create_planned``) and
maps each placeholder to the real id. "ESSILOR" and "Essilor" fold alike: one supplier.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from data.models import Fournisseur, Gamme, Materiau, Serie
from data.text import fold
from data.transfer.report import NewReference
from data.validation import REFERENCE_NAME_MAX, validate_name

PLACEHOLDER = 10**15
MEMO_LIMIT = 100_000  # raw names remembered (a file names the same few on every row)

_NAME_LABELS = {
    "fournisseur": "Le nom du fournisseur",
    "gamme": "Le nom de la gamme",
    "serie": "Le nom de la série",
    "materiau": "Le nom du matériau",
}


@dataclass(frozen=True)
class PlannedReference:
    """A reference to create: its placeholder id and its parent's id (real or placeholder)."""

    placeholder: int
    kind: str
    name: str
    parent: int | None
    shown: NewReference


class ReferenceResolver:
    """Reference ids by folded name, loaded once from the catalogue."""

    def __init__(self, session: Session) -> None:
        self.ids: dict[tuple[str, int, str], int] = {}  # (kind, parent id or 0, folded) -> id
        self.names: dict[tuple[str, int], str] = {}
        self.planned: list[PlannedReference] = []
        self._paths: dict[int, tuple[str, ...]] = {}
        self._memo: dict[tuple[str, int, str], tuple[int | None, str | None]] = {}
        self._next = PLACEHOLDER
        self._load(session)

    def _load(self, session: Session) -> None:
        for kind, model, parent in (
            ("fournisseur", Fournisseur, None),
            ("materiau", Materiau, None),
            ("gamme", Gamme, Gamme.fournisseur_id),
            ("serie", Serie, Serie.gamme_id),
        ):
            columns = [model.id, model.nom, model.nom_normalise]
            if parent is not None:
                columns.append(parent)
            for row in session.execute(select(*columns)):
                owner = row[3] if parent is not None else 0
                self.ids[(kind, owner, row[2])] = row[0]
                self.names[(kind, row[0])] = row[1]

    @staticmethod
    def is_placeholder(ref_id: int | None) -> bool:
        return ref_id is not None and ref_id >= PLACEHOLDER

    @property
    def new_references(self) -> tuple[NewReference, ...]:
        return tuple(p.shown for p in self.planned)

    def resolve(self, kind: str, raw: object, parent_id: int) -> tuple[int | None, str | None]:
        """(id, or None when the cell is blank; French problem or None). ``parent_id`` is 0
        for suppliers and materials."""
        if raw is None:
            return None, None
        memo = (kind, parent_id, str(raw))
        known = self._memo.get(memo)
        if known is None:
            known = self._resolve(kind, str(raw), parent_id)
            if len(self._memo) < MEMO_LIMIT:
                self._memo[memo] = known
        return known

    def _resolve(self, kind: str, raw: str, parent_id: int) -> tuple[int | None, str | None]:
        if not raw.strip():
            return None, None
        cleaned, problem = validate_name(raw, _NAME_LABELS[kind], REFERENCE_NAME_MAX)
        if problem:
            return None, problem
        key = (kind, parent_id, fold(cleaned))
        found = self.ids.get(key)
        if found is None:
            found = self._plan(kind, cleaned, parent_id)
            self.ids[key] = found
        return found, None

    def _plan(self, kind: str, name: str, parent_id: int) -> int:
        placeholder = self._next
        self._next += 1
        parents: tuple[str, ...] = ()
        if parent_id:
            parents = self._paths.get(parent_id) or self._path_of_existing(kind, parent_id)
        self._paths[placeholder] = (*parents, name)
        self.names[(kind, placeholder)] = name
        self.planned.append(
            PlannedReference(placeholder, kind, name, parent_id or None, NewReference(kind, name, parents))
        )
        return placeholder

    def _path_of_existing(self, kind: str, parent_id: int) -> tuple[str, ...]:
        if kind == "gamme":
            return (self.names.get(("fournisseur", parent_id), "?"),)
        for (owner_kind, owner, folded), ref_id in self.ids.items():
            if owner_kind == "gamme" and ref_id == parent_id:
                supplier = self.names.get(("fournisseur", owner), "?")
                return (supplier, self.names.get(("gamme", parent_id), folded))
        return (self.names.get(("gamme", parent_id), "?"),)


def create_planned(
    planned: tuple[PlannedReference, ...],
    create: Callable[[str, str, int | None], int],
) -> dict[int, int]:
    """Create each planned reference (parents first, as planned); placeholder -> real id."""
    real: dict[int, int] = {}
    for item in planned:
        parent = real.get(item.parent, item.parent) if item.parent is not None else None
        real[item.placeholder] = create(item.kind, item.name, parent)
    return real
