"""References that are likely one and the same: « ESSILOR FR » beside « Essilor », « CR 39 »
beside « CR-39 » (case, accents, punctuation, spaces and company suffixes ignored, as
``data.name_matching.reference_key`` does). Listed by the integrity check for a person to
merge them (from the check's report or the references dialog); never merged by themselves.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from data.kinds import KINDS
from data.models import Verre
from data.name_matching import near_duplicates

MAX_PER_GROUP = 5_000  # names compared within one list (suppliers, materials, one supplier's ranges…)


@dataclass(frozen=True)
class SimilarPair:
    """Two references of one kind (and one parent): ``(id, name, lenses)`` each, ``lenses``
    being how many lenses name it."""

    kind: str
    first: tuple[int, str, int]
    second: tuple[int, str, int]
    score: float


def similar_references(conn: Connection) -> Iterator[SimilarPair]:
    """Pairs of references of one kind (and one parent) whose names are likely the same."""
    for kind in KINDS.values():
        table = kind.model.__table__
        parent = table.c[kind.parent_fk.key] if kind.parent_fk is not None else sa.literal(0)
        groups: dict[int, list[tuple[int, str]]] = {}
        for ref_id, name, owner in conn.execute(sa.select(table.c.id, table.c.nom, parent).order_by(table.c.id)):
            group = groups.setdefault(int(owner or 0), [])
            if len(group) < MAX_PER_GROUP:
                group.append((int(ref_id), str(name)))
        pairs = [pair for names in groups.values() for pair in near_duplicates(names)]
        if not pairs:
            continue
        counts = _lens_counts(conn, kind.lens_column, {ref[0] for pair in pairs for ref in pair[:2]})
        for first, second, score in pairs:
            yield SimilarPair(kind.key, (*first, counts.get(first[0], 0)),
                              (*second, counts.get(second[0], 0)), score)


def _lens_counts(conn: Connection, lens_column: str, ref_ids: set[int]) -> dict[int, int]:
    """How many lenses name each of ``ref_ids`` (through the index on the lens's column)."""
    column = Verre.__table__.c[lens_column]
    counts: dict[int, int] = {}
    ordered = sorted(ref_ids)
    for start in range(0, len(ordered), 500):  # a bounded IN list on every backend
        chunk = ordered[start:start + 500]
        rows = conn.execute(sa.select(column, sa.func.count()).where(column.in_(chunk)).group_by(column))
        counts.update({int(ref): int(n) for ref, n in rows})
    return counts
