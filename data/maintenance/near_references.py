"""References that are likely one and the same: « ESSILOR FR » beside « Essilor », « CR 39 »
beside « CR-39 » (case, accents, punctuation, spaces and company suffixes ignored, as
``data.name_matching.reference_key`` does). Listed by the integrity check for a person to
merge them (the references dialog's merge); never merged by themselves.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from data.kinds import KINDS
from data.name_matching import near_duplicates

MAX_PER_GROUP = 5_000  # names compared within one list (suppliers, materials, one supplier's ranges…)


@dataclass(frozen=True)
class SimilarPair:
    kind: str
    first: tuple[int, str]
    second: tuple[int, str]
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
        for names in groups.values():
            for first, second, score in near_duplicates(names):
                yield SimilarPair(kind.key, first, second, score)
