"""The code keys of the lenses (table ``verres_codes``): how a typed code finds its lenses fast.

A lens's engraving gives keys (:func:`data.identify.engraving_keys`: each alternative and part,
Greek letters spelled and read as their look-alikes); each key is stored as its *skeleton*
(misread characters folded into one class), so that one primary-key lookup finds the exact
code and its misreadings, a range of it finds the codes starting with it, and an IN list of its
one-edit neighbours finds the faded, extra and swapped ones. Ranking (``data.identify.rank``)
then judges each candidate on the engraving itself.

Write side: :func:`replace_code_keys` (delete then insert, by chunks) for one lens or a whole
import. Read side: :func:`code_candidates` (ids by skeleton, range and neighbours, under the
lens filters) and :func:`stale_code_keys` (the integrity check's comparison).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from itertools import islice
from typing import Any

from sqlalchemy import ColumnElement, Connection, Table, and_, delete, insert, select
from sqlalchemy.orm import Session

from data.identify import engraving_keys, skeleton
from data.models import Verre, VerreCode

#: Longest stored skeleton (the column is bounded): a longer key is cut to this many
#: characters, and so is a typed one before its lookup, so that it is still found by its start.
SKELETON_MAX = 64
#: Lens ids per DELETE and per IN list (well under every driver's parameter limit).
CHUNK = 500
#: Rows per executemany of an insert.
INSERT_CHUNK = 5_000

CODE_TABLE: Table = VerreCode.__table__  # type: ignore[assignment]


def stored_skeleton(key: str) -> str:
    """The skeleton of one key as the table holds it (cut to :data:`SKELETON_MAX`)."""
    return skeleton(key)[:SKELETON_MAX]


def key_rows(lens_id: int, engraving: str | None) -> list[tuple[str, int]]:
    """The ``(squelette, verre_id)`` rows of one lens: each distinct skeleton of its keys."""
    seen = dict.fromkeys(stored_skeleton(key) for key in engraving_keys(engraving))
    return [(skel, lens_id) for skel in seen if skel]


def _chunks(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


def _connection(connection_or_session: Connection | Session) -> Connection:
    if isinstance(connection_or_session, Session):
        return connection_or_session.connection()
    return connection_or_session


def replace_code_keys(
    connection_or_session: Connection | Session, pairs: Iterable[tuple[int, str | None]]
) -> int:
    """Make the keys of each ``(lens id, engraving)`` those of that engraving (in the caller's
    transaction): their old keys deleted, the new ones inserted by executemany. Serves one
    lens (a save) as well as 100,000 (an import). Returns the number of rows inserted."""
    connection = _connection(connection_or_session)
    inserted = 0
    for chunk in _chunks(pairs, INSERT_CHUNK):
        ids = sorted({lens_id for lens_id, _ in chunk})
        for id_chunk in _chunks(ids, CHUNK):
            connection.execute(delete(CODE_TABLE).where(CODE_TABLE.c.verre_id.in_(id_chunk)))
        rows = {row for lens_id, engraving in chunk for row in key_rows(lens_id, engraving)}
        if rows:
            connection.execute(
                insert(CODE_TABLE), [{"squelette": s, "verre_id": i} for s, i in sorted(rows)]
            )
            inserted += len(rows)
    return inserted


def lens_engravings(
    connection_or_session: Connection | Session, chunk: int = 10_000
) -> Iterator[list[tuple[int, str | None]]]:
    """Every lens's ``(id, gravure_nasale)``, by chunks in id order (keyset: each chunk is one
    short indexed read, whatever the catalogue's size)."""
    connection = _connection(connection_or_session)
    last = 0
    while True:
        found = connection.execute(
            select(Verre.id, Verre.gravure_nasale)
            .where(Verre.id > last)
            .order_by(Verre.id)
            .limit(chunk)
        ).all()
        if not found:
            return
        yield [(int(row[0]), row[1]) for row in found]
        last = int(found[-1][0])


def rebuild_code_keys(connection_or_session: Connection | Session) -> int:
    """Recompute the whole table from the lenses (a repair, a restore without keys)."""
    connection = _connection(connection_or_session)
    connection.execute(delete(CODE_TABLE))
    inserted = 0
    for chunk in lens_engravings(connection):
        rows = [row for lens_id, engraving in chunk for row in key_rows(lens_id, engraving)]
        if rows:
            connection.execute(insert(CODE_TABLE), [{"squelette": s, "verre_id": i} for s, i in rows])
            inserted += len(rows)
    return inserted


def stale_code_keys(connection_or_session: Connection | Session) -> list[int]:
    """Ids of the lenses whose stored keys differ from a recomputation (missing, extra or
    stale keys), plus ids holding keys without a lens; read by chunks of lenses."""
    connection = _connection(connection_or_session)
    wrong: list[int] = []
    for chunk in lens_engravings(connection):
        low, high = chunk[0][0], chunk[-1][0]
        stored: dict[int, set[str]] = {}
        for skel, lens_id in connection.execute(
            select(CODE_TABLE.c.squelette, CODE_TABLE.c.verre_id).where(
                CODE_TABLE.c.verre_id.between(low, high)
            )
        ):
            stored.setdefault(int(lens_id), set()).add(skel)
        for lens_id, engraving in chunk:
            expected = {skel for skel, _ in key_rows(lens_id, engraving)}
            if stored.pop(lens_id, set()) != expected:
                wrong.append(lens_id)
        wrong.extend(stored)  # keys of an id between two lenses that does not exist
    orphans = connection.execute(
        select(CODE_TABLE.c.verre_id.distinct()).where(
            ~select(Verre.id).where(Verre.id == CODE_TABLE.c.verre_id).exists()
        )
    ).scalars()
    return sorted(set(wrong) | {int(i) for i in orphans})


# ---------------------------------------------------------------- read side


def _after(prefix: str) -> str:
    """The smallest string greater than every string starting with ``prefix`` (binary order:
    code points, which is also UTF-8 byte order)."""
    return prefix[:-1] + chr(ord(prefix[-1]) + 1)


def starts_with(prefix: str) -> ColumnElement[bool]:
    """Skeletons starting with ``prefix``: a range of the primary key, never a LIKE."""
    column = CODE_TABLE.c.squelette
    return and_(column >= prefix, column < _after(prefix))


def code_candidates(
    connection_or_session: Connection | Session,
    exact: Iterable[str],
    prefixes: Iterable[str],
    filters: Sequence[ColumnElement[bool]],
    limit: int,
) -> tuple[list[int], bool]:
    """Ids of the lenses kept by ``filters`` (clauses over ``verres``) having a key whose
    skeleton is one of ``exact`` (an IN list looked up in the primary key) or starts with one of
    ``prefixes`` (one range of the primary key each, read in skeleton order: the typed key
    itself, then the nearest codes), the ranges first; at most ``limit`` distinct ids, and whether more were left out.
    Skeletons longer than the column are cut as stored ones are."""
    connection = _connection(connection_or_session)
    found: dict[int, None] = {}

    def read(condition: ColumnElement[bool], ordered: bool) -> bool:
        """Add the ids ``condition`` finds; True once ``limit`` is reached."""
        stmt = (
            select(CODE_TABLE.c.verre_id)
            .join(Verre, Verre.id == CODE_TABLE.c.verre_id)
            .where(condition, *filters)
        )
        if ordered:
            stmt = stmt.order_by(CODE_TABLE.c.squelette, CODE_TABLE.c.verre_id)
        # A lens may hold several keys of a range (its whole code and a part): read one more
        # than the ids still wanted, and as many again for those repeats.
        stmt = stmt.limit(2 * (limit - len(found)) + 1)
        for lens_id in connection.execute(stmt).scalars():
            if len(found) >= limit:
                return True
            found[int(lens_id)] = None
        return False

    for prefix in sorted({s[:SKELETON_MAX] for s in prefixes if s}):
        if read(starts_with(prefix), ordered=True):
            return list(found), True
    wanted = sorted({s[:SKELETON_MAX] for s in exact if s})
    for chunk in _chunks(wanted, CHUNK):
        if read(CODE_TABLE.c.squelette.in_(chunk), ordered=False):
            return list(found), True
    return list(found), False
