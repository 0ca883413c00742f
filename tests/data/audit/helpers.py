"""What the audit tests read back: the entries as stored, and counts."""

from __future__ import annotations

from sqlalchemy import func, select

from data.models import Historique, Verre


def entries(db, **where) -> list[Historique]:
    """Every entry (oldest first), optionally filtered on columns: what the tests compare."""
    stmt = select(Historique).order_by(Historique.id)
    for column, value in where.items():
        stmt = stmt.where(getattr(Historique, column) == value)
    with db.transaction() as s:
        return list(s.execute(stmt).scalars())


def entry_count(db) -> int:
    with db.transaction() as s:
        return s.execute(select(func.count()).select_from(Historique)).scalar_one()


def lens_count(db) -> int:
    with db.transaction() as s:
        return s.execute(select(func.count()).select_from(Verre)).scalar_one()
