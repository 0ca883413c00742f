"""Reading the audit trail: a lens's or reference's entries, the whole trail filtered, the
lens deletions (and whether each was restored)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import Select, and_, exists, func, select
from sqlalchemy.orm import Session, aliased

from data.audit.display import HistoryEntry
from data.audit.record import CREATION, SUPPRESSION, from_json
from data.database import Database
from data.errors import ConflictError, NotFoundError
from data.models import Fournisseur, Historique, Verre

if TYPE_CHECKING:
    from sqlalchemy import ColumnElement

DEFAULT_PAGE = 200
_parent = aliased(Historique)



def _entries_statement() -> Select[Any]:
    """Entries with their batch's label and, for a lens that still exists, its name, variant,
    supplier and index now (what tells two lenses of one name apart on an entry that holds
    only the fields it changed). A lens created after the entry is another lens that took a
    freed number: it is left out."""
    lens = and_(Historique.cible == "verre", Verre.id == Historique.cible_id, Verre.cree_le <= Historique.quand)
    return (
        select(Historique, _parent.libelle.label("lot_libelle"), Verre.nom, Verre.variante,
               Fournisseur.nom, Verre.indice)
        .outerjoin(_parent, _parent.id == Historique.lot)
        .outerjoin(Verre, lens)
        .outerjoin(Fournisseur, Fournisseur.id == Verre.fournisseur_id)
    )


def _entry(row: Any) -> HistoryEntry:
    h = row[0]
    now = {} if row[2] is None else {"nom": row[2], "variante": row[3], "fournisseur": row[4], "indice": row[5]}
    return HistoryEntry(
        id=h.id,
        when=h.quand,
        author=h.auteur,
        action=h.action,
        target=h.cible,
        target_id=h.cible_id,
        label=h.libelle,
        old=from_json(h.anciennes_valeurs),
        new=from_json(h.nouvelles_valeurs),
        batch=h.lot,
        batch_label=row[1],
        undoes=h.entree_annulee,
        lens_now=now,
    )


def target_history(
    db: Database, target: str, target_id: int, limit: int | None = None
) -> list[HistoryEntry]:
    """Everything that happened to one lens or reference, newest first."""
    stmt = (
        _entries_statement()
        .where(Historique.cible == target, Historique.cible_id == target_id)
        .order_by(Historique.id.desc())
    )
    if limit is not None:
        stmt = stmt.limit(limit)
    with db.transaction() as session:
        return [_entry(r) for r in session.execute(stmt)]


def lens_history(db: Database, lens_id: int, limit: int | None = None) -> list[HistoryEntry]:
    """A lens's history, newest first, back to its creation.

    A lens restored under its own id keeps its past. SQLite may give a deleted lens's number to
    a new lens: the new lens's history starts at its own creation, not at the old lens's.
    """
    entries = target_history(db, "verre", lens_id, limit)
    for position, entry in enumerate(entries):
        if entry.action == CREATION:
            return entries[: position + 1]
    return entries


def _day_start(value: date | datetime) -> datetime:
    return value if isinstance(value, datetime) else datetime.combine(value, time.min)


def _until(value: date | datetime) -> datetime:
    """``until`` is inclusive: a date means up to the end of that day."""
    if isinstance(value, datetime):
        return value
    return datetime.combine(value + timedelta(days=1), time.min)


def _filters(
    since: date | datetime | None,
    until: date | datetime | None,
    author: str | None,
    action: str | Sequence[str] | None,
    target: str | Sequence[str] | None,
) -> list[ColumnElement[bool]]:
    clauses: list[ColumnElement[bool]] = []
    if since is not None:
        clauses.append(Historique.quand >= _day_start(since))
    if until is not None:
        end = _until(until)
        clauses.append(
            Historique.quand <= end if isinstance(until, datetime) else Historique.quand < end
        )
    if author:
        clauses.append(Historique.auteur == author)
    if action:
        actions = [action] if isinstance(action, str) else list(action)
        clauses.append(Historique.action.in_(actions))
    if target:
        targets = [target] if isinstance(target, str) else list(target)
        clauses.append(Historique.cible.in_(targets))
    return clauses


def catalogue_history(
    db: Database,
    since: date | datetime | None = None,
    until: date | datetime | None = None,
    author: str | None = None,
    action: str | Sequence[str] | None = None,
    limit: int = DEFAULT_PAGE,
    offset: int = 0,
    target: str | Sequence[str] | None = None,
) -> list[HistoryEntry]:
    """The whole catalogue's trail, newest first, filtered; ``since``/``until`` are UTC and
    inclusive (a ``date`` covers the whole day)."""
    stmt = (
        _entries_statement()
        .where(*_filters(since, until, author, action, target))
        .order_by(Historique.quand.desc(), Historique.id.desc())
        .limit(limit)
        .offset(offset)
    )
    with db.transaction() as session:
        return [_entry(r) for r in session.execute(stmt)]


def count_history(
    db: Database,
    since: date | datetime | None = None,
    until: date | datetime | None = None,
    author: str | None = None,
    action: str | Sequence[str] | None = None,
    target: str | Sequence[str] | None = None,
) -> int:
    """How many entries ``catalogue_history`` would page through with the same filters."""
    stmt = select(func.count()).select_from(Historique).where(
        *_filters(since, until, author, action, target)
    )
    with db.transaction() as session:
        return int(session.execute(stmt).scalar_one())


def authors(db: Database) -> list[str]:
    """Every author found in the trail, sorted case-insensitively (for a filter combo)."""
    with db.transaction() as session:
        found = session.execute(select(Historique.auteur).distinct()).scalars().all()
    return sorted(found, key=lambda a: (a.casefold(), a))


@dataclass(frozen=True)
class DeletedLens:
    """A lens deletion found in the trail, with enough to list it and restore it."""

    entry_id: int
    lens_id: int | None
    label: str
    when: datetime
    author: str
    supplier: str | None
    index: float | None
    restored_as: int | None = None


def _restoration_of(entry_id: Any) -> Select[Any]:
    restored = aliased(Historique)
    return (
        select(restored.cible_id)
        .where(restored.entree_annulee == entry_id)
        .order_by(restored.id.desc())
        .limit(1)
    )


def deleted_lenses(
    db: Database,
    since: date | datetime | None = None,
    until: date | datetime | None = None,
    author: str | None = None,
    include_restored: bool = False,
    limit: int = DEFAULT_PAGE,
    offset: int = 0,
) -> list[DeletedLens]:
    """Lens deletions, newest first; by default only those not restored since."""
    restored = aliased(Historique)
    restored_as = _restoration_of(Historique.id).scalar_subquery()
    stmt = (
        select(Historique, restored_as.label("restored_as"))
        .where(
            Historique.action == SUPPRESSION,
            Historique.cible == "verre",
            *_filters(since, until, author, None, None),
        )
        .order_by(Historique.quand.desc(), Historique.id.desc())
        .limit(limit)
        .offset(offset)
    )
    if not include_restored:
        stmt = stmt.where(
            ~exists().where(restored.entree_annulee == Historique.id)
        )
    with db.transaction() as session:
        rows = session.execute(stmt).all()
    result = []
    for h, restored_id in rows:
        old = from_json(h.anciennes_valeurs)
        index = old.get("indice")
        result.append(
            DeletedLens(
                entry_id=h.id,
                lens_id=h.cible_id,
                label=h.libelle,
                when=h.quand,
                author=h.auteur,
                supplier=old.get("fournisseur"),
                index=float(index) if isinstance(index, int | float) else None,
                restored_as=restored_id,
            )
        )
    return result




def deletion_entry(session: Session, entry_id: int) -> Historique:
    """The deletion entry ``entry_id``, refused when it is not a lens deletion or was undone."""
    # Locked on a server so that two PCs restoring the same deletion cannot both succeed: the
    # second waits, then finds the restoration (SQLite serialises writers by itself).
    entry = session.get(Historique, entry_id, with_for_update=True)
    if entry is None or entry.action != SUPPRESSION or entry.cible != "verre":
        raise NotFoundError(
            f"L'entrée n° {entry_id} de l'historique n'est pas la suppression d'un verre."
        )
    restored_as = session.execute(_restoration_of(entry.id)).scalar()
    if restored_as is not None:
        raise ConflictError(
            f"« {entry.libelle} » a déjà été restauré (verre n° {restored_as})."
        )
    return entry


def last_deletion_id(session: Session, lens_id: int) -> int | None:
    """The latest deletion entry of ``lens_id`` not yet restored (what an undo restores)."""
    restored = aliased(Historique)
    return session.execute(
        select(Historique.id)
        .where(
            Historique.action == SUPPRESSION,
            Historique.cible == "verre",
            Historique.cible_id == lens_id,
            ~exists().where(restored.entree_annulee == Historique.id),
        )
        .order_by(Historique.id.desc())
        .limit(1)
    ).scalar()



def restored_as(session: Session, entry_id: int) -> int | None:
    """The lens a deletion entry was restored as, None while it is not restored."""
    found = session.execute(_restoration_of(entry_id)).scalar()
    return None if found is None else int(found)
