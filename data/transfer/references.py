"""Suppliers, ranges, series and materials named in a file, resolved by folded name.

Pass 1 gives every unknown name a placeholder id (far above any real id) and plans its
creation; pass 2 creates the planned references in its transaction (``create_planned``) and
maps each placeholder to the real id. "ESSILOR" and "Essilor" fold alike: one supplier.

``create_planned`` does what ``data.catalogue.get_or_create_reference`` does for one name (a
reference another PC created meanwhile is reused; a parent that vanished is refused; each
creation gets its audit entry), for all names of a kind in a few statements: a catalogue of a
thousand ranges and series took seconds one by one.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from data import audit
from data.errors import ValidationError
from data.kinds import KINDS
from data.name_matching import rank
from data.text import fold
from data.transfer.report import NewReference
from data.validation import REFERENCE_NAME_MAX, ValidationReport, validate_name

PLACEHOLDER = 10**15
MEMO_LIMIT = 100_000  # raw names remembered (a file names the same few on every row)

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

    def __init__(self, session: Session, aliases: Mapping[tuple[str, str], str] | None = None) -> None:
        # (kind, folded name in the file) -> existing name to use (``ImportOptions.aliases``)
        self.aliases = {(kind, fold(name)): target for (kind, name), target in (aliases or {}).items()}
        self.mapped: list[NewReference] = []
        self.ids: dict[tuple[str, int, str], int] = {}  # (kind, parent id or 0, folded) -> id
        self.names: dict[tuple[str, int], str] = {}
        self.planned: list[PlannedReference] = []
        self._paths: dict[int, tuple[str, ...]] = {}
        self._memo: dict[tuple[str, int, str], tuple[int | None, str | None]] = {}
        self._next = PLACEHOLDER
        self._load(session)

    def _load(self, session: Session) -> None:
        for kind in KINDS.values():
            model, parent = kind.model, kind.parent_fk
            columns = [model.id, model.nom, model.nom_normalise]
            if parent is not None:
                columns.append(parent)
            for row in session.execute(select(*columns)):
                owner = row[3] if parent is not None else 0
                self.ids[(kind.key, owner, row[2])] = row[0]
                self.names[(kind.key, row[0])] = row[1]

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
        cleaned, problem = validate_name(raw, f"Le nom {KINDS[kind].of}", REFERENCE_NAME_MAX)
        if problem:
            return None, problem
        key = (kind, parent_id, fold(cleaned))
        found = self.ids.get(key)
        if found is None:
            target = self.aliases.get((kind, key[2]))
            if target is not None:
                found = self.ids.get((kind, parent_id, fold(target)))
                if found is not None:
                    self.mapped.append(NewReference(kind, cleaned, self._parents(kind, parent_id), target=self.names[(kind, found)]))
            if found is None:
                found = self._plan(kind, cleaned, parent_id)
            self.ids[key] = found
        return found, None

    def _parents(self, kind: str, parent_id: int) -> tuple[str, ...]:
        if not parent_id:
            return ()
        return self._paths.get(parent_id) or self._path_of_existing(kind, parent_id)

    def _existing_names(self, kind: str, parent_id: int) -> list[str]:
        """The catalogue's names of ``kind`` under this parent (not the ones planned)."""
        return [
            self.names[(kind, ref_id)]
            for (k, owner, _folded), ref_id in self.ids.items()
            if k == kind and owner == parent_id and ref_id < PLACEHOLDER
        ]

    def _plan(self, kind: str, name: str, parent_id: int) -> int:
        placeholder = self._next
        self._next += 1
        parents = self._parents(kind, parent_id)
        self._paths[placeholder] = (*parents, name)
        self.names[(kind, placeholder)] = name
        suggestions: tuple[tuple[str, float], ...] = ()
        if parent_id < PLACEHOLDER:  # a new parent has no children to compare with
            suggestions = tuple(rank(name, self._existing_names(kind, parent_id)))
        self.planned.append(
            PlannedReference(
                placeholder, kind, name, parent_id or None, NewReference(kind, name, parents, suggestions)
            )
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


IN_CHUNK = 500  # values in one ``IN (...)`` list


def create_planned(
    session: Session,
    planned: Sequence[PlannedReference],
    *,
    batch: int | None,
    author: str,
) -> tuple[dict[int, int], dict[tuple[str, int], str]]:
    """Create the planned references in the caller's transaction, kind by kind (parents
    first), each with its ``creation`` entry in ``batch``. Returns placeholder -> real id, and
    the name of every reference used, by (kind, real id)."""
    real: dict[int, int] = {}
    names: dict[tuple[str, int], str] = {}
    for kind in KINDS:  # parents first
        items = [p for p in planned if p.kind == kind]
        if items:
            _create_kind(session, kind, items, real, names, batch, author)
    return real, names


def _chunks(values: Sequence[Any]) -> Iterator[Sequence[Any]]:
    for start in range(0, len(values), IN_CHUNK):
        yield values[start : start + IN_CHUNK]


def _create_kind(
    session: Session,
    kind: str,
    items: list[PlannedReference],
    real: dict[int, int],
    names: dict[tuple[str, int], str],
    batch: int | None,
    author: str,
) -> None:
    model, parent_column, parent_kind = KINDS[kind].model, KINDS[kind].parent_fk, KINDS[kind].parent
    parent_model = KINDS[parent_kind].model if parent_kind is not None else None
    table = model.__table__
    # (folded name, real parent id or 0) of each placeholder
    keys = {
        item.placeholder: (
            fold(item.name),
            real.get(item.parent, item.parent) if item.parent is not None else 0,
        )
        for item in items
    }
    parent_names: dict[int, str] = {}
    if parent_model is not None:
        wanted = sorted({parent for _folded, parent in keys.values()})
        for part in _chunks(wanted):
            stmt = select(parent_model.id, parent_model.nom).where(parent_model.id.in_(part))
            parent_names.update((row[0], row[1]) for row in session.execute(stmt))
        if any(parent not in parent_names for _folded, parent in keys.values()):
            raise ValidationError(
                ValidationReport({"parent": f"Choisissez d'abord un(e) {parent_kind} existant(e)."})
            )
    # Another PC may have created some of them since pass 1: those are reused, as they are.
    found = _existing(session, model, parent_column, sorted({folded for folded, _p in keys.values()}))
    to_create: dict[tuple[str, int], dict[str, Any]] = {}
    for item in items:
        key = keys[item.placeholder]
        if key not in found and key not in to_create:
            row: dict[str, Any] = {"nom": item.name, "nom_normalise": key[0], "exemple": False}
            if parent_column is not None:
                row[parent_column.key] = key[1]
            to_create[key] = row
    created: dict[tuple[str, int], int] = {}
    if to_create:
        returned = [table.c.id, table.c.nom_normalise]
        if parent_column is not None:
            returned.append(table.c[parent_column.key])
        creation = insert(table).returning(*returned)
        for part in _chunks(list(to_create.values())):
            for made in session.execute(creation, list(part)):
                created[(made[1], made[2] if parent_column is not None else 0)] = made[0]
    changes = []
    for item in items:
        key = keys[item.placeholder]
        ref_id = found[key] if key in found else created[key]
        real[item.placeholder] = ref_id
        names[(kind, ref_id)] = item.name
        if key in created and to_create.pop(key, None) is not None:
            state: dict[str, Any] = {"nom": item.name}  # as ``catalogue.reference_state``
            if parent_kind is not None:
                state[f"{parent_kind}_id"] = key[1]
                state[parent_kind] = parent_names[key[1]]
            changes.append(audit.Change(audit.CREATION, kind, ref_id, item.name, new=state))
    audit.record_many(session, changes, batch=batch, author=author)


def _existing(session: Session, model: Any, parent_column: Any, folded: list[str]) -> dict[tuple[str, int], int]:
    """Ids of the references of ``model`` with these folded names, by (folded, parent or 0)."""
    columns = [model.id, model.nom_normalise]
    if parent_column is not None:
        columns.append(parent_column)
    found: dict[tuple[str, int], int] = {}
    for part in _chunks(folded):
        for row in session.execute(select(*columns).where(model.nom_normalise.in_(part))):
            found[(row[1], row[2] if parent_column is not None else 0)] = row[0]
    return found
