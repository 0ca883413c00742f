"""The catalogue writes the window makes, each answering ``Changes``.

Plain functions of the database (they run in a pool thread through ``gui.ops``). The data layer
is moving to writes that return ``Changes`` themselves; until then this is the one place that
turns their older answers (an id, a version, snapshots, a count) into ``Changes``, so that
everything above already speaks ``Changes``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from data import catalogue, history, sample
from data.catalogue import EVERYTHING, Changes, LensDetail
from data.database import Database


def create_lens(db: Database, raw: Mapping[str, object], image: bytes | None = None) -> Changes:
    lens_id = catalogue.create_lens(db, raw, image=image)
    return Changes(lenses=frozenset({lens_id}), created=(lens_id,))


def update_lens(
    db: Database, lens_id: int, raw: Mapping[str, object], version: int, *, image: bytes | None = None,
    image_changed: bool = False,
) -> Changes:
    if image_changed:
        new_version = catalogue.update_lens(db, lens_id, raw, version, image=image)
    else:
        new_version = catalogue.update_lens(db, lens_id, raw, version)
    return Changes(lenses=frozenset({lens_id}), version=new_version)


def delete_lenses(db: Database, ids: Sequence[int]) -> Changes:
    snapshots = catalogue.delete_lenses(db, list(ids))
    return Changes(deleted=frozenset(s.id for s in snapshots), snapshots=tuple(snapshots))


def restore_lens(db: Database, snapshot: LensDetail) -> Changes:
    lens_id = catalogue.restore_lens(db, snapshot)
    return Changes(lenses=frozenset({lens_id}), created=(lens_id,))


def restore_deleted(db: Database, entry_id: int) -> Changes:
    """Re-create a lens from its deletion entry in the history."""
    lens_id = history.restore_deleted(db, entry_id)
    return Changes(lenses=frozenset({lens_id}), created=(lens_id,))


def create_reference(db: Database, kind: str, name: str, parent_id: int | None = None) -> tuple[int, Changes]:
    """The new reference's id (the lens dialog selects it) and the changes."""
    ref_id = catalogue.create_reference(db, kind, name, parent_id)  # type: ignore[arg-type]
    return ref_id, Changes(references=frozenset({kind}))


def rename_reference(db: Database, kind: str, ref_id: int, name: str) -> Changes:
    catalogue.rename_reference(db, kind, ref_id, name)  # type: ignore[arg-type]
    return Changes(references=frozenset({kind}))


def delete_reference(db: Database, kind: str, ref_id: int) -> Changes:
    catalogue.delete_reference(db, kind, ref_id)  # type: ignore[arg-type]
    return Changes(references=frozenset({kind}))


def merge_references(db: Database, kind: str, source_id: int, target_id: int) -> Changes:
    moved = catalogue.merge_references(db, kind, source_id, target_id)  # type: ignore[arg-type]
    return Changes(references=frozenset({kind}), moved=moved)


def remove_sample(db: Database) -> tuple[int, Changes]:
    """How many sample lenses went, and the changes (every view re-reads)."""
    return sample.remove_sample(db), EVERYTHING
