"""What every write checks first: the database is writable, the values and their references
are valid (``data.validation`` with the facts the database gives)."""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy import select
from sqlalchemy.orm import Session

from data.catalogue.symbols import shapes, split_names, symbol_problem
from data.database import Database
from data.errors import ReadOnlyError, ValidationError
from data.models import Fournisseur, Gamme, Materiau, Serie
from data.validation import (
    ID_MAX,
    LensValues,
    ReferenceFacts,
    ValidationReport,
    validate_lens,
)


def ensure_writable(db: Database) -> None:
    if db.read_only:
        raise ReadOnlyError(db.read_only_reason or "La base est ouverte en lecture seule.")


def reference_facts(session: Session, raw: Mapping[str, object]) -> ReferenceFacts:
    """What the database says about the references named in ``raw`` (a few indexed reads)."""

    def ids(name: str) -> list[int]:
        # Only ids a 32-bit INTEGER column can hold: a larger one would fail in PostgreSQL's
        # query itself instead of being reported by the validation as "référence invalide".
        value = raw.get(name)
        try:
            ident = int(str(value)) if value not in (None, "") else 0
        except ValueError:
            return []
        return [ident] if 0 < ident <= ID_MAX else []

    suppliers = ids("fournisseur_id")
    materials = ids("materiau_id")
    ranges = ids("gamme_id")
    series = ids("serie_id")
    return ReferenceFacts(
        supplier_ids=frozenset(
            session.execute(select(Fournisseur.id).where(Fournisseur.id.in_(suppliers))).scalars()
        )
        if suppliers
        else frozenset(),
        material_ids=frozenset(
            session.execute(select(Materiau.id).where(Materiau.id.in_(materials))).scalars()
        )
        if materials
        else frozenset(),
        range_supplier=dict(
            session.execute(
                select(Gamme.id, Gamme.fournisseur_id).where(Gamme.id.in_(ranges))
            ).tuples().all()
        )
        if ranges
        else {},
        series_range=dict(
            session.execute(select(Serie.id, Serie.gamme_id).where(Serie.id.in_(series))).tuples().all()
        )
        if series
        else {},
    )


def check_lens(db: Database, raw: Mapping[str, object]) -> tuple[LensValues | None, ValidationReport]:
    """Validate ``raw`` including its references and its shapes (``symboles``, when given):
    what the dialog calls as the user types."""
    with db.transaction() as session:
        return _checked(session, raw)


def _checked(session: Session, raw: Mapping[str, object]) -> tuple[LensValues | None, ValidationReport]:
    values, report = validate_lens(raw, reference_facts(session, raw))
    if "symboles" in raw:
        _, problem = symbol_problem(split_names(raw["symboles"]), shapes(session))
        if problem is not None:
            report.add("symboles", problem)
            values = None
    return values, report


def validated(session: Session, raw: Mapping[str, object]) -> LensValues:
    values, report = _checked(session, raw)
    if values is None:
        raise ValidationError(report)
    return values

