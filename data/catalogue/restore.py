"""Restoring a lens deleted long ago, from its deletion entry in the audit trail (the history
dialog's « Restaurer »). The undo of a deletion just made is ``lens_writes.restore_lens``."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy.orm import Session

from data import audit, formatting
from data.catalogue.checks import ensure_writable
from data.catalogue.lens_writes import reinsert_lens
from data.catalogue.values import Changes
from data.database import Database
from data.errors import ConflictError, DatabaseUnavailableError, DBOperationError, NotFoundError
from data.kinds import KINDS


def missing_references(session: Session, state: Mapping[str, Any]) -> list[str]:
    """The references a deleted lens named that no longer exist, each as a French phrase."""
    missing = []
    for kind in KINDS.values():
        ref_id = state.get(kind.lens_column)
        if ref_id is None:
            continue
        if session.get(kind.model, int(ref_id)) is None:
            name = state.get(kind.name_column)
            missing.append(f"{kind.the} « {name} »" if name else f"{kind.the} n° {ref_id}")
    return missing


def restore_deleted(db: Database, entry_id: int, *, author: str | None = None) -> Changes:
    """Re-create the lens a deletion entry describes (under the same id when it is free):
    ``Changes(lenses={id}, created=(id,))``.

    The lens is validated again; its supplier, range, series and material must still exist,
    else ``NotFoundError`` names what is missing. Writes a ``restauration`` entry that points to
    the deletion entry, so a deletion is restored at most once (``ConflictError`` the second
    time, even when two PCs try at the same moment).
    """
    ensure_writable(db)
    try:
        lens_id = _restore(db, entry_id, author)
        return Changes(lenses=frozenset({lens_id}), created=(lens_id,))
    except DatabaseUnavailableError:
        raise
    except DBOperationError:
        # SQLite: another PC restored it between our check and our write; the unique
        # ``entree_annulee`` refused the twin. Say so plainly rather than quote the database.
        with db.transaction() as session:
            restored_as = audit.restored_as(session, entry_id)
        if restored_as is None:
            raise
        raise ConflictError(
            f"Ce verre vient d'être restauré par un autre poste (verre n° {restored_as})."
        ) from None


def _restore(db: Database, entry_id: int, author: str | None) -> int:
    with db.transaction() as session:
        entry = audit.deletion_entry(session, entry_id)
        state = audit.from_json(entry.anciennes_valeurs)
        if not state:
            raise NotFoundError(
                f"L'entrée n° {entry_id} ne contient pas les valeurs du verre supprimé."
            )
        missing = missing_references(session, state)
        if missing:
            verb = "n'existe" if len(missing) == 1 else "n'existent"
            raise NotFoundError(
                f"Impossible de restaurer « {entry.libelle} » : {formatting.join(missing)} {verb} plus. "
                "Recréez d'abord ce qui manque dans les données de référence, puis réessayez."
            )
        return reinsert_lens(session, state, deletion_entry=entry.id, author=author)
