"""Many clients at once: the original design's 100 simultaneous connections.

Each client is one PC running the app: its own ``Database`` (own engine, own connection), filter
changes through ``data.catalogue`` (the first page, then the count, as the table model does), with
0.5-2 s of think time between actions; 4 of the clients are admins who also save lenses. Clients run
as threads inside a few processes (``--worker``), so that Python's GIL does not serialise all of
them; on a 2-core machine the clients and the database server share the same two cores, which makes
these figures pessimistic rather than flattering.

A "database is locked" coming out of the service would reach the user as an error message; the
client retries it (as the app should, invisibly) and counts the retry. What still fails after the
retries is an error surfaced to the user. At the end every committed save is reconciled against the
lens versions in the database: a save that reported success but left no trace is a lost write.
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select

from bench.stats import percentile
from data import catalogue
from data.errors import CatalogueError, DBOperationError
from data.models import Verre
from data.query import LensQuery

MAX_RETRIES = 5
LENSES_PER_WRITER = 25
CONNECT_MARGIN_S = 6.0


@dataclass
class ClientResult:
    page_ms: list[float] = field(default_factory=list)
    count_ms: list[float] = field(default_factory=list)
    save_ms: list[float] = field(default_factory=list)
    transactions: int = 0
    retries: int = 0
    errors: list[str] = field(default_factory=list)
    committed: dict[str, int] = field(default_factory=dict)  # lens id -> saves that succeeded
    last_value: dict[str, str] = field(default_factory=dict)  # lens id -> last variant saved


def is_lock_error(exc: CatalogueError) -> bool:
    if not isinstance(exc, DBOperationError):
        return False
    detail = f"{exc.message} {exc.cause or ''}".lower()
    return "locked" in detail or "busy" in detail or "occupée" in detail


class Client:
    def __init__(self, number: int, url: str, queries: list[LensQuery], lenses: list[int],
                 start_at: float, end_at: float) -> None:
        self.number = number
        self.url = url
        self.queries = queries
        self.lenses = lenses  # empty for readers
        self.start_at = start_at
        self.end_at = end_at
        self.rng = random.Random(1000 + number)
        self.result = ClientResult()
        self.saves = 0

    def call(self, function: Any, *args: Any) -> Any:
        """One service call; lock errors are retried (and counted), never shown."""
        for attempt in range(MAX_RETRIES + 1):
            try:
                value = function(*args)
                self.result.transactions += 1
                return value
            except CatalogueError as exc:
                if is_lock_error(exc) and attempt < MAX_RETRIES:
                    self.result.retries += 1
                    time.sleep(0.02 * (2**attempt) * (0.5 + self.rng.random()))
                    continue
                raise
        raise AssertionError("unreachable")

    def run(self) -> None:
        from bench.writes import open_url

        db = open_url(self.url, pool_size=1)
        try:
            time.sleep(max(0.0, self.start_at - time.time()) + self.rng.uniform(0, 2.0))
            while time.time() < self.end_at:
                try:
                    if self.lenses and self.rng.random() < 0.5:
                        self.save(db)
                    else:
                        self.browse(db)
                except CatalogueError as exc:
                    self.result.errors.append(exc.message)
                time.sleep(self.rng.uniform(0.5, 2.0))
        finally:
            db.dispose()

    def browse(self, db: Any) -> None:
        query = self.rng.choice(self.queries)
        start = time.perf_counter()
        self.call(catalogue.lens_page, db, query, 0, 100)
        self.result.page_ms.append((time.perf_counter() - start) * 1000)
        start = time.perf_counter()
        self.call(catalogue.count_lenses, db, query)
        self.result.count_ms.append((time.perf_counter() - start) * 1000)

    def save(self, db: Any) -> None:
        from bench.writes import edited, save_lens

        lens_id = self.lenses[self.saves % len(self.lenses)]
        self.saves += 1
        detail = self.call(catalogue.get_lens, db, lens_id)
        label = f"c{self.number}-{self.saves}"
        start = time.perf_counter()
        self.call(save_lens, db, lens_id, edited(detail, label), detail.version)
        self.result.save_ms.append((time.perf_counter() - start) * 1000)
        key = str(lens_id)
        self.result.committed[key] = self.result.committed.get(key, 0) + 1
        self.result.last_value[key] = label


# ---------------------------------------------------------------- worker process


def _query(fields: dict[str, Any]) -> LensQuery:
    values: dict[str, Any] = {k: tuple(v) if isinstance(v, list) else v for k, v in fields.items()}
    return LensQuery(**values)


def worker(spec_path: Path, out_path: Path) -> None:
    from bench.quiet import quiet_app_logs

    quiet_app_logs()
    spec = json.loads(spec_path.read_text(encoding="utf-8"))
    queries = [_query(fields) for fields in spec["queries"]]
    clients = [
        Client(c["number"], spec["url"], queries, c["lenses"], spec["start_at"], spec["end_at"])
        for c in spec["clients"]
    ]
    threads = [threading.Thread(target=c.run, name=f"client-{c.number}") for c in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    out_path.write_text(json.dumps([asdict(c.result) for c in clients]), encoding="utf-8")


# ---------------------------------------------------------------- orchestration


def run_concurrency(url: str, queries: list[LensQuery], rows: int, clients: int = 100,
                    writers: int = 4, duration_s: float = 60.0, processes: int = 4) -> dict[str, Any]:
    """Run the clients against ``url``; return the figures and the write reconciliation."""
    rng = random.Random(99)
    lenses = rng.sample(range(1, rows + 1), writers * LENSES_PER_WRITER)
    initial = _versions(url, lenses)
    start_at = time.time() + CONNECT_MARGIN_S
    specs = []
    for number in range(clients):
        own = lenses[number * LENSES_PER_WRITER:(number + 1) * LENSES_PER_WRITER] if number < writers else []
        specs.append({"number": number, "lenses": own})
    with tempfile.TemporaryDirectory(prefix="edt-bench-conc-") as tmp:
        outputs = _spawn_workers(Path(tmp), url, queries, specs, processes, start_at, start_at + duration_s)
        results = [ClientResult(**item) for out in outputs for item in json.loads(out.read_text())]
    final = _versions(url, lenses)
    return summarise(results, initial, final, clients, duration_s)


def _spawn_workers(folder: Path, url: str, queries: list[LensQuery], specs: list[dict[str, Any]],
                   processes: int, start_at: float, end_at: float) -> list[Path]:
    children = []
    outputs = []
    for index in range(processes):
        spec = {
            "url": url,
            "queries": [asdict(q) for q in queries],
            "clients": specs[index::processes],
            "start_at": start_at,
            "end_at": end_at,
        }
        spec_path, out_path = folder / f"spec-{index}.json", folder / f"out-{index}.json"
        spec_path.write_text(json.dumps(spec), encoding="utf-8")
        command = [sys.executable, "-m", "bench.concurrency", "--worker", str(spec_path), str(out_path)]
        children.append(subprocess.Popen(command))
        outputs.append(out_path)
    failed = [child.wait() for child in children]
    if any(failed):
        raise RuntimeError(f"un processus client a échoué (codes {failed})")
    return outputs


def _versions(url: str, lenses: list[int]) -> dict[int, tuple[int, str | None]]:
    from bench.writes import open_url

    db = open_url(url, pool_size=1)
    try:
        with db.transaction() as session:
            found = session.execute(select(Verre.id, Verre.version, Verre.variante).where(Verre.id.in_(lenses)))
            return {row.id: (row.version, row.variante) for row in found}
    finally:
        db.dispose()


def summarise(results: list[ClientResult], initial: dict[int, tuple[int, str | None]],
             final: dict[int, tuple[int, str | None]], clients: int, duration_s: float) -> dict[str, Any]:
    page = [v for r in results for v in r.page_ms]
    counts = [v for r in results for v in r.count_ms]
    saves = [v for r in results for v in r.save_ms]
    committed: Counter[int] = Counter()
    last: dict[int, str] = {}
    for result in results:
        for key, n in result.committed.items():
            committed[int(key)] += n
        last.update({int(k): v for k, v in result.last_value.items()})
    lost = unconfirmed = 0
    for lens_id, (version, _variant) in initial.items():
        delta = final[lens_id][0] - version
        lost += max(0, committed[lens_id] - delta)
        unconfirmed += max(0, delta - committed[lens_id])
        if committed[lens_id] and final[lens_id][1] != last.get(lens_id) and delta == committed[lens_id]:
            lost += 1  # versions add up but the last value saved is not the one in the database
    errors = [message for r in results for message in r.errors]
    return {
        "clients": clients,
        "p50_ms": _round(percentile(page, 0.50)),
        "p95_ms": _round(percentile(page, 0.95)),
        "tps": round(sum(r.transactions for r in results) / duration_s, 1),
        "errors": len(errors),
        "lost_writes": lost,
        "retries": sum(r.retries for r in results),
        "count_p50_ms": _round(percentile(counts, 0.50)),
        "count_p95_ms": _round(percentile(counts, 0.95)),
        "save_p50_ms": _round(percentile(saves, 0.50)),
        "save_p95_ms": _round(percentile(saves, 0.95)),
        "saves_committed": sum(committed.values()),
        "unconfirmed_writes": unconfirmed,
        "filter_changes": len(page),
        "error_messages": dict(Counter(errors).most_common(5)),
        "duration_s": duration_s,
    }


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Clients simultanés (processus de travail).")
    parser.add_argument("--worker", nargs=2, type=Path, metavar=("SPEC", "OUT"), required=True)
    args = parser.parse_args(argv)
    worker(*args.worker)
    return 0


if __name__ == "__main__":
    sys.exit(main())
