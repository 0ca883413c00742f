"""A writer killed with SIGKILL in the middle of its work, 20 times: nothing committed is lost,
nothing half-written appears, and the audit trail matches the lenses exactly.

The child (``writer_child``) creates and updates lenses through ``data.catalogue`` in a loop and
prints each write once committed. The parent kills it after a seeded random delay, so the kill
lands anywhere: inside a transaction, during COMMIT, between COMMIT and the printed line. Then it
opens the database the app's way and checks it by content:

- SQLite's ``integrity_check`` and ``foreign_key_check`` are clean;
- every acknowledged lens is there with its acknowledged version (one more only for the single
  write that may have committed without being printed);
- no lens exists that the child did not write, except that one unprinted write, recognised by
  its name (the next sequence number);
- every row passes the validation rules and its folded search and sort columns match its text;
- the trail holds exactly one ``creation`` entry per lens and one ``modification`` per update.
"""

from __future__ import annotations

import random
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from data.config import load_settings
from data.database import Database, open_database
from data.text import fold, search_key
from data.validation import validate_lens
from tests.factories import make_refs
from tests.reliability.helpers import PROJECT, child_env

pytestmark = pytest.mark.slow

KILLS = 20
SEED = 20261124
COLUMNS = ("id", "nom", "variante", "version", "recherche", "tri_nom", "gravure_nasale",
           "fournisseur_id", "gamme_id", "serie_id", "materiau_id", "indice", "hauteur_min",
           "hauteur_max", "url_gravure", "url_source")


@dataclass
class Tally:
    """What was injected and what the database kept, for the closing note."""

    kills: int = 0
    acknowledged_creates: int = 0
    acknowledged_updates: int = 0
    committed_unacknowledged: int = 0
    lost: int = 0
    expected: dict[int, tuple[int, int]] = field(default_factory=dict)  # id -> (seq, version)
    next_seq: int = 1


def run_and_kill(url: str, refs: list[int], tally: Tally, rnd: random.Random, home: Path) -> list[str]:
    """Start the writer, let it write for a random moment, SIGKILL it; return its lines."""
    child = subprocess.Popen(
        [sys.executable, "-m", "tests.reliability.writer_child", url, str(rnd.randrange(10**9)),
         str(tally.next_seq), *map(str, refs)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=str(PROJECT),
        env=child_env(home))
    assert child.stdout is not None
    first = child.stdout.readline().strip()
    if first != "PRET":
        child.kill()
        raise AssertionError(f"writer did not start: {first!r} {child.communicate()[1][-2000:]}")
    time.sleep(rnd.uniform(0.05, 0.6))
    child.send_signal(signal.SIGKILL)
    out, err = child.communicate(timeout=60)
    assert child.returncode == -signal.SIGKILL, f"writer died on its own: {err[-2000:]}"
    tally.kills += 1
    return out.splitlines()


def apply_acknowledged(lines: list[str], tally: Tally) -> int:
    """Record the acknowledged writes; return the sequence number the next create would use."""
    next_seq = tally.next_seq
    for line in lines:
        parts = line.split()
        if parts[0] == "C":
            seq, lens_id = int(parts[1]), int(parts[2])
            tally.expected[lens_id] = (seq, 1)
            tally.acknowledged_creates += 1
            next_seq = seq + 1
        elif parts[0] == "U":
            lens_id, version = int(parts[1]), int(parts[2])
            seq, _ = tally.expected[lens_id]
            tally.expected[lens_id] = (seq, version)
            tally.acknowledged_updates += 1
        else:
            raise AssertionError(f"unexpected line from the writer: {line!r}")
    return next_seq


def check_database(db: Database, refs: list[int], tally: Tally, next_seq: int) -> None:
    """Compare the database with what was acknowledged; adopt the one unprinted write."""
    if db.is_sqlite:
        with db.engine.connect() as conn:
            assert [r[0] for r in conn.exec_driver_sql("PRAGMA integrity_check")] == ["ok"]
            assert conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall() == []
    with db.engine.connect() as conn:
        rows = {r[0]: r for r in conn.exec_driver_sql(f"SELECT {', '.join(COLUMNS)} FROM verres")}
        trail = conn.exec_driver_sql(
            "SELECT cible_id, action, count(*) FROM historique WHERE cible = 'verre' "
            "GROUP BY cible_id, action").fetchall()
    surprises = 0
    for lens_id, (seq, version) in tally.expected.items():
        row = rows.get(lens_id)
        if row is None:
            tally.lost += 1
            raise AssertionError(f"acknowledged lens {lens_id} (Verre {seq:06d}) is lost")
        assert row[1] == f"Verre {seq:06d}"
        if row[3] == version + 1:
            surprises += 1  # an update committed, killed before its line was printed
        elif row[3] != version:
            tally.lost += 1
            raise AssertionError(f"lens {lens_id}: version {row[3]}, acknowledged {version}")
        tally.expected[lens_id] = (seq, row[3])
    for lens_id in set(rows) - set(tally.expected):
        surprises += 1
        assert rows[lens_id][1] == f"Verre {next_seq:06d}", f"unknown lens {rows[lens_id]}"
        assert rows[lens_id][3] == 1
        tally.expected[lens_id] = (next_seq, 1)
        next_seq += 1
    assert surprises <= 1, "more than one write committed without being acknowledged"
    tally.committed_unacknowledged += surprises
    tally.next_seq = next_seq

    for row in rows.values():
        lens = dict(zip(COLUMNS, row, strict=True))
        values, report = validate_lens(lens)
        assert values is not None, report.summary()
        assert [lens[k] for k in ("fournisseur_id", "gamme_id", "serie_id", "materiau_id")] == refs
        assert lens["recherche"] == search_key(lens["nom"], lens["variante"], lens["gravure_nasale"])
        assert lens["tri_nom"] == fold(lens["nom"])
        assert lens["variante"] == (f"v{lens['version']}" if lens["version"] > 1 else None)
    entries: dict[tuple[int, str], int] = {(r[0], r[1]): int(r[2]) for r in trail}
    for lens_id, (_seq, version) in tally.expected.items():
        assert entries.get((lens_id, "creation")) == 1, f"lens {lens_id}: creation entries"
        assert entries.get((lens_id, "modification"), 0) == version - 1, f"lens {lens_id}: updates"
    assert sum(entries.values()) == len(tally.expected) + sum(v - 1 for _s, v in tally.expected.values())


def wait_for_killed_sessions(db: Database, timeout_s: float = 30.0) -> None:
    """A server goes on with a killed client's COMMIT after the client is gone: wait until its
    session has ended, so that the check sees every commit the writer sent."""
    if db.is_sqlite:
        return
    others = (
        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
        "AND pid <> pg_backend_pid()"
        if db.backend == "postgresql"
        else "SELECT count(*) FROM information_schema.processlist WHERE db = DATABASE() "
        "AND id <> CONNECTION_ID()"
    )
    deadline = time.monotonic() + timeout_s
    with db.engine.connect() as conn:
        while conn.exec_driver_sql(others).scalar_one() and time.monotonic() < deadline:
            conn.rollback()
            time.sleep(0.05)


def test_a_writer_killed_twenty_times_loses_nothing_committed(
    db_url: str, backend: str, data_home: Path
) -> None:
    settings = load_settings(cli_url=db_url)
    db = open_database(db_url, settings, pool_size=2)
    try:
        from data.migrate import upgrade

        upgrade(db)
        made = make_refs(db)
    finally:
        db.dispose()
    refs = [made.supplier, made.range_, made.series, made.material]
    rnd = random.Random(SEED + len(backend))
    tally = Tally()
    for _ in range(KILLS):
        lines = run_and_kill(db_url, refs, tally, rnd, data_home)
        next_seq = apply_acknowledged(lines, tally)
        db = open_database(db_url, settings, pool_size=2)
        try:
            wait_for_killed_sessions(db)
            check_database(db, refs, tally, next_seq)
        finally:
            db.dispose()
    print(
        f"\n[{backend}] kills={tally.kills} créations acquittées={tally.acknowledged_creates} "
        f"modifications acquittées={tally.acknowledged_updates} "
        f"validées-sans-accusé={tally.committed_unacknowledged} perdues={tally.lost} "
        f"verres={len(tally.expected)}"
    )
    assert tally.kills == KILLS and tally.lost == 0
    assert tally.acknowledged_creates + tally.acknowledged_updates > KILLS, "the writer hardly wrote"
