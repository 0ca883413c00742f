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

import string
from collections.abc import Iterable, Iterator, Sequence
from functools import lru_cache
from itertools import islice
from typing import Any

from sqlalchemy import (
    ARRAY,
    ColumnElement,
    Connection,
    Subquery,
    Table,
    and_,
    any_,
    bindparam,
    delete,
    func,
    insert,
    literal,
    select,
    true,
)
from sqlalchemy.dialects.postgresql import aggregate_order_by
from sqlalchemy.orm import Session

from data.identify import engraving_keys, skeleton
from data.identify.codes import ALTERNATIVES, SIGNS
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


@lru_cache(maxsize=65_536)
def engraving_skeletons(engraving: str | None) -> tuple[str, ...]:
    """Each distinct stored skeleton of an engraving's keys (:func:`data.identify.engraving_keys`).

    Computing them is most of the cost of writing an import's keys: a plain ASCII engraving
    (nearly all of them) takes a short way giving the same keys (each alternative whole, and
    each of its parts when it has several: a test holds the two ways equal); and the answers
    are cached, lenses sharing many codes."""
    if not engraving:
        return ()
    if engraving.isascii() and _NO_SIGN.isdisjoint(engraving):
        keys: list[str] = []
        for alternative in ALTERNATIVES.split(engraving):
            key = alternative.translate(_PLAIN_SKELETON)
            if key:
                keys.append(key)
            parts = [p for p in (part.translate(_PLAIN_SKELETON) for part in alternative.split()) if p]
            if len(parts) > 1:
                keys.extend(parts)
        seen = dict.fromkeys(key[:SKELETON_MAX] for key in keys)
    else:
        seen = dict.fromkeys(stored_skeleton(key) for key in engraving_keys(engraving))
    return tuple(skel for skel in seen if skel)


_NO_SIGN = frozenset(SIGNS)
# ASCII: letters lowered and folded into their skeleton class in one pass, the rest dropped.
_PLAIN_SKELETON = str.maketrans(
    {
        **{chr(c): None for c in range(128) if not chr(c).isalnum()},
        **{ch: skeleton(ch) for ch in string.ascii_letters + string.digits},
    }
)


def key_rows(lens_id: int, engraving: str | None) -> list[tuple[str, int]]:
    """The ``(squelette, verre_id)`` rows of one lens: each distinct skeleton of its keys."""
    return [(skel, lens_id) for skel in engraving_skeletons(engraving)]


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
    lens (a save) as well as 100,000 (an import's updates). Returns the number of rows inserted."""
    connection = _connection(connection_or_session)
    inserted = 0
    for chunk in _chunks(pairs, INSERT_CHUNK):
        ids = sorted({lens_id for lens_id, _ in chunk})
        for id_chunk in _chunks(ids, CHUNK):
            connection.execute(delete(CODE_TABLE).where(CODE_TABLE.c.verre_id.in_(id_chunk)))
        inserted += insert_code_keys(connection, chunk)
    return inserted


def insert_code_keys(
    connection_or_session: Connection | Session, pairs: Iterable[tuple[int, str | None]]
) -> int:
    """Insert the keys of lenses that have none yet (new lenses: an import, a restore), in the
    caller's transaction, by chunks. Returns the number of rows inserted."""
    connection = _connection(connection_or_session)
    inserted = 0
    for chunk in _chunks(pairs, INSERT_CHUNK):
        inserted += insert_key_rows(connection, [
            (skel, lens_id) for lens_id, engraving in chunk for skel in engraving_skeletons(engraving)
        ])
    return inserted


def insert_key_rows(connection_or_session: Connection | Session, rows: Sequence[tuple[str, int]]) -> int:
    """Insert ``(squelette, verre_id)`` rows computed already (:func:`key_rows`), by chunks,
    in the order given (a lens's keys together: faster than the table's order, measured)."""
    connection = _connection(connection_or_session)
    sqlite = connection.dialect.name == "sqlite"
    for start in range(0, len(rows), INSERT_CHUNK):
        chunk = rows[start : start + INSERT_CHUNK]
        if sqlite:  # straight to the driver: an import writes hundreds of thousands of keys
            connection.exec_driver_sql(_SQLITE_INSERT, list(chunk))  # type: ignore[arg-type]
        else:
            connection.execute(insert(CODE_TABLE), [{"squelette": s, "verre_id": i} for s, i in chunk])
    return len(rows)


_SQLITE_INSERT = f"INSERT INTO {CODE_TABLE.name} (squelette, verre_id) VALUES (?, ?)"


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
        inserted += insert_code_keys(connection, chunk)
    return inserted


def repair_code_keys(connection_or_session: Connection | Session) -> int:
    """Rewrite the keys of the lenses :func:`stale_code_keys` finds (and drop keys without a
    lens), leaving right ones untouched. Returns the number of lenses repaired."""
    connection = _connection(connection_or_session)
    wrong = stale_code_keys(connection)
    for id_chunk in _chunks(wrong, CHUNK):
        connection.execute(delete(CODE_TABLE).where(CODE_TABLE.c.verre_id.in_(id_chunk)))
        found = connection.execute(
            select(Verre.id, Verre.gravure_nasale).where(Verre.id.in_(id_chunk))
        ).all()
        insert_code_keys(connection, [(int(i), e) for i, e in found])
    return len(wrong)


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
            expected = set(engraving_skeletons(engraving))
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


#: Keys read at most per lookup (a range, a chunk of the IN list) before the lens filters
#: apply: a short or common typed code reads a bounded slice of the table, in its order (the
#: typed key itself first, then the nearest codes), never every key of a letter.
KEY_SCAN = 3000


def code_candidates(
    connection_or_session: Connection | Session,
    exact: Iterable[str],
    prefixes: Iterable[str],
    filters: Sequence[ColumnElement[bool]],
    limit: int,
    scan: int = KEY_SCAN,
) -> tuple[list[int], bool]:
    """Ids of the lenses kept by ``filters`` (clauses over ``verres``) having a key whose
    skeleton is one of ``exact`` (an IN list looked up in the primary key) or starts with one of
    ``prefixes`` (one range of the primary key each, read in skeleton order: the typed key
    itself, then the nearest codes), the ranges first; at most ``limit`` distinct ids, and
    whether some were left out (``limit`` reached, or a lookup read its ``scan`` keys: the
    filters are tested on the lens of each key read, by id). Skeletons longer than the column
    are cut as stored ones are."""
    connection = _connection(connection_or_session)
    postgresql = connection.dialect.name == "postgresql"
    if not filters:
        # Every key read is kept: twice the limit covers a lens's several keys (alternatives,
        # parts) without reading thousands of keys to keep a hundred lenses.
        scan = min(scan, 2 * limit)
    found: dict[int, None] = {}

    def read(condition: ColumnElement[bool]) -> bool:
        """Add the ids ``condition`` finds; True when some may be left out."""
        keys = (
            select(CODE_TABLE.c.squelette, CODE_TABLE.c.verre_id)
            .where(condition)
            .order_by(CODE_TABLE.c.squelette, CODE_TABLE.c.verre_id)
            .limit(scan)
            .subquery()
        )
        if postgresql:
            kept, read_keys = _postgresql_read(connection, keys, filters)
        else:
            kept, read_keys = _read(connection, keys, condition, filters, scan)
        for lens_id in kept:
            if len(found) >= limit:
                return True
            found[int(lens_id)] = None
        return read_keys >= scan

    for prefix in sorted({s[:SKELETON_MAX] for s in prefixes if s}):
        if read(starts_with(prefix)):
            return list(found), True
    wanted = sorted({s[:SKELETON_MAX] for s in exact if s})
    for chunk in _chunks(wanted, CHUNK):
        if read(one_of(CODE_TABLE.c.squelette, chunk, postgresql)):
            return list(found), True
    return list(found), False


def one_of(column: Any, values: Sequence[Any], postgresql: bool) -> ColumnElement[bool]:
    """``column IN values``; on PostgreSQL ``column = ANY(:array)``: one parameter whatever
    the number of values (no statement text growing with them to build, send and plan)."""
    if postgresql:
        return column == any_(bindparam("values", list(values), type_=ARRAY(column.type), unique=True))
    return column.in_(values)  # type: ignore[no-any-return]


def _read(
    connection: Connection,
    keys: Subquery,
    condition: ColumnElement[bool],
    filters: Sequence[ColumnElement[bool]],
    scan: int,
) -> tuple[list[int], int]:
    """The ids of the keys read (``keys``: one bounded lookup) whose lens the filters keep, in
    key order, and how many keys the lookup read (at most ``scan``: counted again only when
    the filters kept fewer)."""
    stmt = select(keys.c.verre_id)
    if filters:
        stmt = stmt.join(Verre, Verre.id == keys.c.verre_id).where(*filters)
    ids = list(connection.execute(stmt.order_by(keys.c.squelette, keys.c.verre_id)).scalars())
    if not filters or len(ids) >= scan:
        return ids, len(ids)
    bounded = select(CODE_TABLE.c.verre_id).where(condition).limit(scan).subquery()
    return ids, int(connection.execute(select(func.count()).select_from(bounded)).scalar_one())


def _postgresql_read(
    connection: Connection, keys: Subquery, filters: Sequence[ColumnElement[bool]]
) -> tuple[list[int], int]:
    """As :func:`_read`, in one statement returning one row: the kept ids as an array in key
    order, and the number of keys read. Each key's lens is reached by its primary key (a
    LATERAL read of one lens the planner cannot flatten): PostgreSQL cannot estimate the
    filters' ``+ 0`` and would otherwise loop over every filtered lens once per key read."""
    ids = func.array_agg(aggregate_order_by(keys.c.verre_id, keys.c.squelette, keys.c.verre_id))
    if filters:
        lens = (
            select(literal(True).label("kept"))
            .where(Verre.id == keys.c.verre_id, *filters)
            .limit(1)
            .lateral()
        )
        stmt = select(ids.filter(lens.c.kept.is_not(None)), func.count()).select_from(
            keys.outerjoin(lens, true())
        )
    else:
        stmt = select(ids, func.count()).select_from(keys)
    kept, read_keys = connection.execute(stmt).one()
    return list(kept or ()), int(read_keys)
