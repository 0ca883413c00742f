"""Lens writes: create, update, delete, restore (the undo), each with its audit entry in the
same transaction, each returning ``Changes``."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from data import audit as trail  # ``audit``: the writers' keyword that turns entries off
from data.catalogue.checks import ensure_writable, validated
from data.catalogue.derived import (
    add_sort_keys,
    lens_columns,
    lens_state,
    sign_of,
    write_code_keys,
    write_signs,
)
from data.catalogue.images import store_image
from data.catalogue.reads import lens_detail, lens_details
from data.catalogue.values import Changes, LensDetail
from data.database import Database
from data.errors import ConflictError, NotFoundError
from data.models import ImageGravure, Verre, utcnow
from data.validation import LensValues

_KEEP_IMAGE = object()


def create_lens(
    db: Database,
    raw: Mapping[str, object],
    image: bytes | None = None,
    exemple: bool = False,
    *,
    batch: int | None = None,
    author: str | None = None,
) -> Changes:
    """Validate and add one lens: ``Changes(lenses={id}, created=(id,))``.

    ``raw`` holds the ``validate_lens`` fields and, optionally, ``symboles``: the shapes of its
    sign (a list of keys, labels or typed names; an unknown one is refused with the closest
    known names)."""
    ensure_writable(db)
    with db.transaction() as session:
        lens_id = insert_lens(session, raw, image, exemple, batch=batch, author=author)
    return Changes(lenses=frozenset({lens_id}), created=(lens_id,))


def insert_lens(
    session: Session,
    raw: Mapping[str, object],
    image: bytes | None,
    exemple: bool,
    *,
    batch: int | None = None,
    author: str | None = None,
    audit: bool = True,
) -> int:
    """Validate and insert one lens in the caller's transaction, with its ``creation`` entry.

    ``batch``: the import's id (``audit.record_import``) so the lens's history shows where it
    came from. No entry for the shipped sample (``exemple``) or when ``audit`` is False.
    """
    values = validated(session, raw)
    signs = sign_of(session, raw)
    columns = add_sort_keys(session, lens_columns(values))
    if image is not None:
        columns["image_id"] = store_image(session, image)
    lens = Verre(**columns, exemple=exemple)
    session.add(lens)
    session.flush()
    write_code_keys(session, lens.id, values.gravure_nasale)
    write_signs(session, lens.id, signs)
    if audit and not exemple:
        state = lens_state(lens_detail(session, lens.id))
        trail.record(
            session,
            trail.CREATION,
            "verre",
            lens.id,
            trail.lens_label(state),
            None,
            state,
            batch=batch,
            author=author,
        )
    return lens.id


def update_lens(
    db: Database,
    lens_id: int,
    raw: Mapping[str, object],
    expected_version: int,
    image: bytes | None | object = _KEEP_IMAGE,
    *,
    batch: int | None = None,
    author: str | None = None,
) -> Changes:
    """Save an edit made on version ``expected_version``: ``Changes(lenses={id}, version=new)``.

    ``image``: new PNG/JPEG bytes, ``None`` to remove the image, omitted to keep it.
    ``raw["symboles"]``: the sign's shapes (as in ``create_lens``); without it they are kept.
    Raises ``ConflictError`` when someone else saved (or deleted) the lens meanwhile.
    """
    ensure_writable(db)
    with db.transaction() as session:
        version = apply_lens_update(
            session, lens_id, raw, expected_version, image, batch=batch, author=author
        )
    return Changes(lenses=frozenset({lens_id}), version=version)


def apply_lens_update(
    session: Session,
    lens_id: int,
    raw: Mapping[str, object],
    expected_version: int,
    image: bytes | None | object = _KEEP_IMAGE,
    *,
    batch: int | None = None,
    author: str | None = None,
) -> int:
    """``update_lens`` in the caller's transaction (an import updating many lenses at once).

    Writes a ``modification`` entry with only the fields that changed; a save that changes
    nothing still bumps the version but writes no entry. A conflict writes nothing.
    """
    values = validated(session, raw)
    signs = sign_of(session, raw)
    columns = add_sort_keys(session, lens_columns(values))
    if image is None:
        columns["image_id"] = None
    elif isinstance(image, bytes):
        columns["image_id"] = store_image(session, image)
    columns["version"] = expected_version + 1
    columns["modifie_le"] = utcnow()
    before = lens_details(session, [lens_id]).get(lens_id)
    result = session.execute(
        update(Verre)
        .where(Verre.id == lens_id, Verre.version == expected_version)
        .values(**columns)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1 or before is None:  # type: ignore[attr-defined]
        current = session.execute(
            select(Verre.version).where(Verre.id == lens_id)
        ).scalar_one_or_none()
        if current is None:
            raise ConflictError("Ce verre a été supprimé par un autre poste entre-temps.")
        raise ConflictError(
            "Ce verre a été modifié par un autre poste depuis son ouverture. "
            "Rechargez-le pour voir sa version actuelle avant de l'enregistrer."
        )
    write_code_keys(session, lens_id, values.gravure_nasale)
    write_signs(session, lens_id, signs)
    after = lens_state(lens_detail(session, lens_id))
    old, new = trail.diff(lens_state(before), after)
    if old or new:
        trail.record(
            session,
            trail.MODIFICATION,
            "verre",
            lens_id,
            trail.lens_label(after),
            old,
            new,
            batch=batch,
            author=author,
        )
    return expected_version + 1


def snapshot_lenses(session: Session, lens_ids: Sequence[int]) -> dict[int, LensDetail]:
    """The lenses as they are now, by id (missing ids left out): the ``before`` of ``audit_lenses``."""
    return lens_details(session, list(lens_ids))


def audit_lenses(
    session: Session,
    lens_ids: Sequence[int],
    *,
    before: Mapping[int, LensDetail] | None = None,
    batch: int | None = None,
    author: str | None = None,
) -> int:
    """Audit entries for lenses written in bulk by SQL (an import): return how many were written.

    A lens found in ``before`` (from ``snapshot_lenses`` taken before the writes) gets a
    ``modification`` entry with the fields that changed; any other a ``creation`` entry.
    """
    before = before or {}
    changes = []
    for lens_id, detail in lens_details(session, list(lens_ids)).items():
        now = lens_state(detail)
        old_detail = before.get(lens_id)
        if old_detail is None:
            changes.append(
                trail.Change(trail.CREATION, "verre", lens_id, trail.lens_label(now), None, now)
            )
            continue
        old, new = trail.diff(lens_state(old_detail), now)
        if old or new:
            changes.append(
                trail.Change(trail.MODIFICATION, "verre", lens_id, trail.lens_label(now), old, new)
            )
    return trail.record_many(session, changes, batch=batch, author=author)


def delete_lenses(
    db: Database,
    lens_ids: Iterable[int],
    *,
    batch: int | None = None,
    author: str | None = None,
) -> Changes:
    """Delete lenses: ``Changes(deleted=ids, snapshots=what they were)`` (the snapshots, in id
    order, are what an undo re-creates). Unknown ids are an error.

    Each deletion's entry keeps the whole lens (``restore_deleted`` rebuilds it).
    """
    ensure_writable(db)
    wanted = sorted(set(lens_ids))
    if not wanted:
        return Changes()
    with db.transaction() as session:
        found = lens_details(session, wanted)
        for lens_id in wanted:
            if lens_id not in found:
                raise NotFoundError(f"Le verre n° {lens_id} n'existe pas (ou plus).")
        snapshots = [found[lens_id] for lens_id in wanted]
        trail.record_many(
            session,
            (
                trail.Change(
                    trail.SUPPRESSION,
                    "verre",
                    snap.id,
                    trail.lens_label(lens_state(snap)),
                    old=lens_state(snap),
                )
                for snap in snapshots
            ),
            batch=batch,
            author=author,
        )
        session.execute(
            delete(Verre).where(Verre.id.in_(wanted)).execution_options(synchronize_session=False)
        )
    return Changes(deleted=frozenset(wanted), snapshots=tuple(snapshots))


def restore_lens(db: Database, snapshot: LensDetail, *, author: str | None = None) -> Changes:
    """Re-create a deleted lens from its snapshot (same id when it is still free): the undo.
    ``Changes(lenses={id}, created=(id,))``."""
    ensure_writable(db)
    with db.transaction() as session:
        lens_id = reinsert_lens(
            session,
            lens_state(snapshot),
            deletion_entry=trail.last_deletion_id(session, snapshot.id),
            author=author,
        )
    return Changes(lenses=frozenset({lens_id}), created=(lens_id,))


_FORM_FIELDS = tuple(
    name for name in LensDetail.__dataclass_fields__ if name in LensValues.__dataclass_fields__
)


def reinsert_lens(
    session: Session,
    state: Mapping[str, Any],
    *,
    deletion_entry: int | None = None,
    author: str | None = None,
) -> int:
    """Insert a deleted lens again from its recorded state, validated again; return its id.

    It keeps its id when free, its creation date, and a version above the one it had, so that
    an edit dialog still open on the old lens cannot overwrite it silently. Writes the
    ``restauration`` entry, linked to the deletion it undoes.
    """
    values = validated(session, {name: state.get(name) for name in _FORM_FIELDS})
    signs = sign_of(session, {"symboles": state.get("symbols") or ()})
    columns = add_sort_keys(session, lens_columns(values))
    image_id = state.get("image_id")
    if image_id is not None and session.get(ImageGravure, int(image_id)) is None:
        image_id = None
    columns["image_id"] = image_id
    columns["version"] = int(state.get("version") or 0) + 1
    created = state.get("cree_le")
    if isinstance(created, str):
        try:
            created = datetime.fromisoformat(created)
        except ValueError:
            created = None
    if isinstance(created, datetime):
        columns["cree_le"] = created
    old_id = state.get("id")
    free = old_id is not None and session.get(Verre, int(old_id)) is None
    lens = Verre(
        **columns,
        exemple=bool(state.get("exemple", False)),
        **({"id": int(old_id)} if free and old_id is not None else {}),
    )
    session.add(lens)
    session.flush()
    write_code_keys(session, lens.id, values.gravure_nasale)
    write_signs(session, lens.id, signs)
    after = lens_state(lens_detail(session, lens.id))
    trail.record(
        session,
        trail.RESTAURATION,
        "verre",
        lens.id,
        trail.lens_label(after),
        None if lens.id == old_id else {"id": old_id},
        after,
        author=author,
        undoes=deletion_entry,
    )
    return lens.id

