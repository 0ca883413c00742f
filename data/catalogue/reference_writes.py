"""Reference writes (suppliers, materials, ranges, series): create, rename, delete, merge, each
with its audit entry in the same transaction, each returning ``Changes``."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import Select, delete, func, select, update
from sqlalchemy.orm import Session

from data import audit as trail  # ``audit``: the writers' keyword that turns entries off
from data.catalogue.checks import ensure_writable
from data.catalogue.derived import lens_state, refresh_sort_keys
from data.catalogue.reads import lens_details
from data.catalogue.values import Changes, LensDetail
from data.database import Database
from data.errors import NotFoundError, ReferenceInUseError, ValidationError
from data.kinds import KINDS, ReferenceKind, descendants
from data.models import Fournisseur, Gamme, Serie, Verre, utcnow
from data.text import fold
from data.validation import REFERENCE_NAME_MAX, ValidationReport, validate_name


def _reference_name(kind: str, name: object) -> tuple[str, str]:
    cleaned, message = validate_name(name, f"Le nom {KINDS[kind].of}", REFERENCE_NAME_MAX)
    if message:
        raise ValidationError(ValidationReport({"nom": message}))
    return cleaned, fold(cleaned)


def find_reference(session: Session, kind: str, name: str, parent_id: int | None = None) -> int | None:
    model = KINDS[kind].model
    stmt = select(model.id).where(model.nom_normalise == fold(name))
    parent = KINDS[kind].parent_fk
    if parent is not None:
        stmt = stmt.where(parent == parent_id)
    return session.execute(stmt).scalar_one_or_none()


def reference_state(session: Session, kind: str, row: Any) -> dict[str, Any]:
    """A reference as the audit trail keeps it: its name and, for a range or series, its parent."""
    state: dict[str, Any] = {"nom": row.nom}
    if kind == "gamme":
        supplier = session.get(Fournisseur, row.fournisseur_id)
        state.update(fournisseur_id=row.fournisseur_id, fournisseur=supplier.nom if supplier else None)
    elif kind == "serie":
        range_ = session.get(Gamme, row.gamme_id)
        state.update(gamme_id=row.gamme_id, gamme=range_.nom if range_ else None)
    return state


def get_or_create_reference(
    session: Session,
    kind: str,
    name: str,
    parent_id: int | None = None,
    exemple: bool = False,
    *,
    batch: int | None = None,
    author: str | None = None,
    audit: bool = True,
) -> int:
    """The id of the reference named ``name`` (case and accents ignored), created when missing.

    A creation writes its ``creation`` entry (not for the shipped sample, nor when ``audit``
    is False).
    """
    cleaned, folded = _reference_name(kind, name)
    existing = find_reference(session, kind, cleaned, parent_id)
    if existing is not None:
        return existing
    model = KINDS[kind].model
    extra: dict[str, Any] = {}
    if kind == "gamme":
        extra["fournisseur_id"] = _require_parent(session, Fournisseur, parent_id, "fournisseur")
    elif kind == "serie":
        extra["gamme_id"] = _require_parent(session, Gamme, parent_id, "gamme")
    row = model(nom=cleaned, nom_normalise=folded, exemple=exemple, **extra)
    session.add(row)
    session.flush()
    if audit and not exemple:
        trail.record(
            session,
            trail.CREATION,
            kind,
            int(row.id),
            cleaned,
            None,
            reference_state(session, kind, row),
            batch=batch,
            author=author,
        )
    return int(row.id)


def _require_parent(session: Session, model: Any, parent_id: int | None, label: str) -> int:
    if parent_id is None or session.get(model, parent_id) is None:
        raise ValidationError(ValidationReport({"parent": f"Choisissez d'abord un(e) {label} existant(e)."}))
    return parent_id


def create_reference(
    db: Database,
    kind: ReferenceKind,
    name: str,
    parent_id: int | None = None,
    *,
    batch: int | None = None,
    author: str | None = None,
) -> Changes:
    """Add a supplier, material, range or series; an existing one (same folded name) is refused.
    ``Changes(references={kind})``; the new id is ``Changes.reference_id``."""
    ensure_writable(db)
    with db.transaction() as session:
        cleaned, _ = _reference_name(kind, name)
        if find_reference(session, kind, cleaned, parent_id) is not None:
            raise ValidationError(
                ValidationReport({"nom": f"« {cleaned} » existe déjà (majuscules et accents ignorés)."})
            )
        ref_id = get_or_create_reference(
            session, kind, cleaned, parent_id, batch=batch, author=author
        )
    return Changes(references=frozenset({kind}), reference_id=ref_id)


def rename_reference(
    db: Database,
    kind: ReferenceKind,
    ref_id: int,
    name: str,
    *,
    batch: int | None = None,
    author: str | None = None,
) -> Changes:
    """Rename a reference; writes a ``renommage`` entry when the name really changes.

    ``Changes(references={kind}, lenses=the lenses that show the name)`` when it changed (their
    rows, and for a range, series or material their sort keys); no lens when it did not.
    """
    ensure_writable(db)
    model = KINDS[kind].model
    with db.transaction() as session:
        row = session.get(model, ref_id)
        if row is None:
            raise NotFoundError(f"{KINDS[kind].The} n° {ref_id} n'existe pas (ou plus).")
        cleaned, folded = _reference_name(kind, name)
        parent = KINDS[kind].parent_fk
        other = find_reference(
            session, kind, cleaned, getattr(row, parent.key) if parent is not None else None
        )
        if other is not None and other != ref_id:
            raise ValidationError(
                ValidationReport({"nom": f"« {cleaned} » existe déjà : fusionnez plutôt les deux."})
            )
        old_name, old_folded = row.nom, row.nom_normalise
        shown: frozenset[int] = frozenset()
        if old_name != cleaned:
            shown = frozenset(_lens_ids(session, kind, ref_id))
        row.nom, row.nom_normalise = cleaned, folded
        if old_folded != folded:
            session.flush()
            refresh_sort_keys(session, kind, ref_id)
        if old_name != cleaned:
            trail.record(
                session,
                trail.RENOMMAGE,
                kind,
                ref_id,
                cleaned,
                {"nom": old_name},
                {"nom": cleaned},
                batch=batch,
                author=author,
            )
    return Changes(references=frozenset({kind}), lenses=shown, reference_id=ref_id)


def delete_reference(
    db: Database,
    kind: ReferenceKind,
    ref_id: int,
    *,
    batch: int | None = None,
    author: str | None = None,
) -> Changes:
    """Delete an unused reference; one that lenses (or child ranges/series) use is refused.
    ``Changes(references={kind and the kinds below it})``.

    Unused ranges (and their series) of a deleted supplier, or series of a deleted range, go
    with it; the entry names them.
    """
    ensure_writable(db)
    model = KINDS[kind].model
    with db.transaction() as session:
        row = session.get(model, ref_id)
        if row is None:
            raise NotFoundError(f"{KINDS[kind].The} n° {ref_id} n'existe pas (ou plus).")
        used = session.execute(
            select(func.count()).select_from(Verre).where(KINDS[kind].lens_fk == ref_id)
        ).scalar_one()
        if used:
            plural = "verres l'utilisent" if used > 1 else "verre l'utilise"
            raise ReferenceInUseError(
                f"Impossible de supprimer {KINDS[kind].this} : {used} {plural}. "
                "Fusionnez-le avec un autre ou modifiez d'abord ces verres.",
                int(used),
            )
        old = reference_state(session, kind, row)
        if kind == "fournisseur":
            ranges = select(Gamme.id).where(Gamme.fournisseur_id == ref_id)
            old["gammes"] = _names(session, select(Gamme.nom).where(Gamme.fournisseur_id == ref_id))
            old["series"] = _names(session, select(Serie.nom).where(Serie.gamme_id.in_(ranges)))
            session.execute(delete(Serie).where(Serie.gamme_id.in_(ranges)))
            session.execute(delete(Gamme).where(Gamme.fournisseur_id == ref_id))
        elif kind == "gamme":
            old["series"] = _names(session, select(Serie.nom).where(Serie.gamme_id == ref_id))
            session.execute(delete(Serie).where(Serie.gamme_id == ref_id))
        trail.record(
            session, trail.SUPPRESSION, kind, ref_id, row.nom, _compact(old), None,
            batch=batch, author=author,
        )
        session.execute(delete(model).where(model.id == ref_id))
    return Changes(references=frozenset({kind, *descendants(kind)}), reference_id=ref_id)


def _names(session: Session, stmt: Select[Any]) -> list[str]:
    return sorted(str(n) for n in session.execute(stmt).scalars())


def _compact(state: dict[str, Any]) -> dict[str, Any]:
    """Drop empty child lists so an entry shows only what happened."""
    return {k: v for k, v in state.items() if v != []}


def merge_references(
    db: Database,
    kind: ReferenceKind,
    source_id: int,
    target_id: int,
    *,
    batch: int | None = None,
    author: str | None = None,
) -> Changes:
    """Merge ``source`` into ``target``: its lenses (and ranges/series) follow.
    ``Changes(references={kind and the kinds below it}, lenses=moved, moved=how many)``.

    Writes one ``fusion`` entry for the reference, then one per lens moved (its old and new
    supplier/range/series/material) with the merge entry as ``lot``, so each lens's own history
    says why it changed.
    """
    ensure_writable(db)
    if source_id == target_id:
        raise ValidationError(ValidationReport({"nom": "Choisissez deux éléments différents."}))
    model = KINDS[kind].model
    with db.transaction() as session:
        source, target = session.get(model, source_id), session.get(model, target_id)
        if source is None or target is None:
            raise NotFoundError(f"{KINDS[kind].The} à fusionner n'existe plus.")
        if kind == "gamme" and source.fournisseur_id != target.fournisseur_id:
            raise ValidationError(
                ValidationReport({"nom": "Deux gammes de fournisseurs différents ne se fusionnent pas."})
            )
        if kind == "serie" and source.gamme_id != target.gamme_id:
            raise ValidationError(
                ValidationReport({"nom": "Deux séries de gammes différentes ne se fusionnent pas."})
            )
        author = author or trail.who(session)
        moved_ids = _lens_ids(session, kind, source_id)
        before = lens_details(session, moved_ids)
        entry = trail.record(
            session,
            trail.FUSION,
            kind,
            target_id,
            target.nom,
            {"id": source_id, **reference_state(session, kind, source)},
            {"id": target_id, **reference_state(session, kind, target), "verres_deplaces": len(moved_ids)},
            batch=batch,
            author=author,
        )
        if kind == "materiau":
            move_lenses(session, {Verre.materiau_id: source_id}, {"materiau_id": target_id})
        elif kind == "fournisseur":
            _merge_suppliers(session, source_id, target_id, entry, author)
        elif kind == "gamme":
            _merge_ranges(session, source_id, target_id, entry, author)
        else:
            move_lenses(session, {Verre.serie_id: source_id}, {"serie_id": target_id})
        session.execute(delete(model).where(model.id == source_id))
        refresh_sort_keys(session, kind, target_id)
        _record_moves(session, before, entry, author)
    return Changes(
        references=frozenset({kind, *descendants(kind)}),
        lenses=frozenset(moved_ids),
        moved=len(moved_ids),
        reference_id=target_id,
    )


def _lens_ids(session: Session, kind: str, ref_id: int) -> list[int]:
    """The lenses that name reference ``ref_id`` (through the index on their column)."""
    return list(session.execute(select(Verre.id).where(KINDS[kind].lens_fk == ref_id)).scalars())


def _record_moves(
    session: Session, before: Mapping[int, LensDetail], entry: int, author: str
) -> None:
    after = lens_details(session, list(before))
    changes = []
    for lens_id, old_detail in before.items():
        new_detail = after.get(lens_id)
        if new_detail is None:
            continue
        old, new = trail.diff(lens_state(old_detail), lens_state(new_detail))
        if old or new:
            changes.append(
                trail.Change(
                    trail.FUSION, "verre", lens_id, trail.lens_label(lens_state(old_detail)), old, new
                )
            )
    trail.record_many(session, changes, batch=entry, author=author)


def move_lenses(session: Session, where: Mapping[Any, int], values: Mapping[str, Any]) -> None:
    stmt = update(Verre).where(*(col == val for col, val in where.items()))
    session.execute(
        stmt.values(**values, version=Verre.version + 1, modifie_le=utcnow()).execution_options(
            synchronize_session=False
        )
    )


def _merge_ranges(
    session: Session, source_id: int, target_id: int, entry: int | None = None, author: str | None = None
) -> None:
    """Series of the source range join the target (same-named ones merge); lenses follow."""
    for serie in session.execute(select(Serie).where(Serie.gamme_id == source_id)).scalars().all():
        twin = find_reference(session, "serie", serie.nom, target_id)
        if twin is None:
            twin = get_or_create_reference(
                session, "serie", serie.nom, target_id, serie.exemple, batch=entry, author=author
            )
        move_lenses(
            session,
            {Verre.gamme_id: source_id, Verre.serie_id: serie.id},
            {"gamme_id": target_id, "serie_id": twin},
        )
        session.execute(delete(Serie).where(Serie.id == serie.id))
    move_lenses(session, {Verre.gamme_id: source_id}, {"gamme_id": target_id})


def _merge_suppliers(
    session: Session, source_id: int, target_id: int, entry: int | None = None, author: str | None = None
) -> None:
    """Ranges move to the target supplier (same-named ones merge); lenses follow."""
    for gamme in session.execute(select(Gamme).where(Gamme.fournisseur_id == source_id)).scalars().all():
        twin = find_reference(session, "gamme", gamme.nom, target_id)
        if twin is None:
            twin = get_or_create_reference(
                session, "gamme", gamme.nom, target_id, gamme.exemple, batch=entry, author=author
            )
        # Lenses of this range: move supplier and range together (composite key stays valid),
        # dropping the series for a moment, then re-attach them to the twin range's series.
        for serie in session.execute(select(Serie).where(Serie.gamme_id == gamme.id)).scalars().all():
            twin_serie = find_reference(session, "serie", serie.nom, twin)
            if twin_serie is None:
                twin_serie = get_or_create_reference(
                    session, "serie", serie.nom, twin, serie.exemple, batch=entry, author=author
                )
            move_lenses(
                session,
                {Verre.serie_id: serie.id},
                {"fournisseur_id": target_id, "gamme_id": twin, "serie_id": twin_serie},
            )
        move_lenses(
            session,
            {Verre.gamme_id: gamme.id},
            {"fournisseur_id": target_id, "gamme_id": twin},
        )
        session.execute(delete(Serie).where(Serie.gamme_id == gamme.id))
        session.execute(delete(Gamme).where(Gamme.id == gamme.id))
    move_lenses(session, {Verre.fournisseur_id: source_id}, {"fournisseur_id": target_id})
