"""`make bench` / `make bench-quick`: every figure of the benchmark, with its anchors, in one run.

    python -m bench.run --quick   # 10,000 and 100,000 lenses, short concurrency run (CI)
    python -m bench.run --full    # adds 1,000,000 lenses, 60 s concurrency runs

Both end with identification (``bench.identification``): cases typed into the real window over
the engraving guide, query-to-paint times by kind of query (quick: 100,000 lenses on SQLite;
full: 1,000,000 on SQLite and 100,000 on PostgreSQL), and the drawing pad's recognition.

Writes ``bench/results/latest.json`` (full) or ``latest-quick.json`` (quick) in the shape the
benchmark issue fixes, plus ``*-details.json`` with every scenario and the machine. A slow figure
never fails the run: the figures are reported, and compared with the targets at the end. Only a
crash of the harness fails it (so CI notices when it rots).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from bench.generate import CACHE_DIR, PROJECT_ROOT, cache_key, catalogue_path
from bench.identification import identification_figures
from bench.import_speed import import_figures
from bench.report import (
    print_browse,
    print_identification,
    print_other,
    print_targets,
    summarise_browse,
)
from bench.stats import p50_p95
from data import formatting

RESULTS_DIR = Path(__file__).resolve().parent / "results"


@dataclass(frozen=True)
class Plan:
    name: str
    sizes: tuple[int, ...]
    reps: int
    save_count: int
    write_rows: int  # catalogue used for saves, concurrency and backup in quick mode
    backup_rows: int
    import_rows: int
    concurrency_s: float
    clients: int = 100
    writers: int = 4
    ident_cases: int = 20  # identification cases per kind, typed into the window
    ident_speed_rows: int = 100_000  # SQLite catalogue of the query-to-paint times
    ident_speed_queries: int = 8  # queries per kind
    ident_pg_rows: int | None = None  # PostgreSQL catalogue of the same times (None: not run)
    sketch_trials: int = 5  # drawings per shape


QUICK = Plan("quick", (10_000, 100_000), 1, 50, 100_000, 100_000, 10_000, 10.0)
FULL = Plan("full", (10_000, 100_000, 1_000_000), 2, 200, 100_000, 1_000_000, 100_000, 60.0,
            ident_cases=200, ident_speed_rows=1_000_000, ident_speed_queries=40, ident_pg_rows=100_000,
            sketch_trials=20)


def say(message: str) -> None:
    print(message, flush=True)


def machine() -> dict[str, Any]:
    memory_gb = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                memory_gb = round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    cpu = platform.processor() or ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {"cpu_count": os.cpu_count(), "ram_gb": memory_gb, "cpu": cpu, "python": platform.python_version(),
            "system": platform.platform(), "load_before": _load()}


def _load() -> list[float] | None:
    """Load average: other work on the machine shows in every figure, so it is recorded."""
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except OSError:
        return None


def git_commit() -> str:
    try:
        done = subprocess.run(["git", "rev-parse", "HEAD"], cwd=PROJECT_ROOT, capture_output=True, text=True, check=True)
        return done.stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "inconnu"


def child_env(home: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["ENGRAVEDETECT_HOME"] = str(home)
    env["QT_QPA_PLATFORM"] = env.get("QT_QPA_PLATFORM") or "offscreen"
    env.pop("ENGRAVEDETECT_DATABASE_URL", None)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(PROJECT_ROOT), env.get("PYTHONPATH")]))
    return env


def run_child(module: str, args: list[str], env: dict[str, str], out: Path) -> dict[str, Any]:
    command = [sys.executable, "-m", module, *args, "--out", str(out)]
    subprocess.run(command, cwd=PROJECT_ROOT, env=env, check=True)
    return dict(json.loads(out.read_text(encoding="utf-8")))


def catalogue(rows: int, env: dict[str, str]) -> tuple[Path, float | None]:
    """The cached catalogue, generated in a child process so that this one stays small."""
    path = catalogue_path(rows, cache_key())
    if path.exists():
        return path, None
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "bench.generate", str(rows)], cwd=PROJECT_ROOT, env=env, check=True)
    if not path.exists():
        raise RuntimeError(f"le catalogue de {rows} verres n'a pas été généré")
    return path, time.perf_counter() - started


# ---------------------------------------------------------------- browsing


def write_plan(db_path: Path, target: Path) -> int:
    from bench.queries import scenarios
    from bench.writes import open_url

    db = open_url("sqlite:///" + db_path.as_posix())
    try:
        plan = [scenario.to_json() for scenario in scenarios(db)]
    finally:
        db.dispose()
    target.write_text(json.dumps(plan, ensure_ascii=False), encoding="utf-8")
    return len(plan)


def browse(rows: int, db_path: Path, plan: Plan, work: Path, env: dict[str, str]) -> tuple[dict[str, Any], dict[str, Any]]:
    plan_file = work / f"plan-{rows}.json"
    count = write_plan(db_path, plan_file)
    say(f"Navigation sur {formatting.lenses(rows)} : {count} filtres × {plan.reps}…")
    measured = {}
    for model in ("ours", "qsql", "raw"):
        started = time.perf_counter()
        measured[model] = run_child(
            "bench.browse",
            ["--db", str(db_path), "--plan", str(plan_file), "--model", model, "--reps", str(plan.reps)],
            env,
            work / f"{model}-{rows}.json",
        )
        say(f"  {model} : {time.perf_counter() - started:.0f} s")
    return summarise_browse(rows, measured), measured


# ---------------------------------------------------------------- writes, servers, backup, import


def save_figures(url: str, count: int, rows: int) -> dict[str, float | None]:
    from bench.writes import measure_saves

    return p50_p95(measure_saves(url, count, rows))


def sqlite_writes(plan: Plan, source: Path, work: Path, queries: list[Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    from bench.concurrency import run_concurrency
    from bench.writes import working_copy

    url = "sqlite:///" + working_copy(source, work / "writes.db").as_posix()
    say(f"Enregistrements SQLite ({plan.save_count})…")
    saves = save_figures(url, plan.save_count, plan.write_rows)
    say(f"Concurrence SQLite : {plan.clients} clients, {plan.concurrency_s:.0f} s…")
    concurrency = run_concurrency(url, queries, plan.write_rows, plan.clients, plan.writers, plan.concurrency_s,
                                  processes=_client_processes())
    return saves, concurrency


def _client_processes() -> int:
    return max(2, min(8, 2 * (os.cpu_count() or 1)))


def postgres_writes(plan: Plan, source: Path, work: Path, queries: list[Any]) -> tuple[dict[str, Any] | None, dict[str, Any] | None, dict[str, Any]]:
    from bench.concurrency import run_concurrency
    from bench.pgserver import PrivatePostgres, find_bindir

    try:
        find_bindir()
    except RuntimeError as exc:
        say(f"PostgreSQL : non disponible ({exc})")
        return None, None, {}
    say("PostgreSQL privé : initdb, démarrage…")
    with PrivatePostgres() as server:
        url = server.create_database("banc")
        started = time.perf_counter()
        how = fill_postgres(url, source, plan.write_rows, work)
        filled_s = time.perf_counter() - started
        say(f"  rempli ({how}) en {filled_s:.1f} s")
        say(f"Enregistrements PostgreSQL ({plan.save_count})…")
        saves = save_figures(url, plan.save_count, plan.write_rows)
        say(f"Concurrence PostgreSQL : {plan.clients} clients, {plan.concurrency_s:.0f} s…")
        concurrency = run_concurrency(url, queries, plan.write_rows, plan.clients, plan.writers,
                                      plan.concurrency_s, processes=_client_processes())
    return saves, concurrency, {"fill": how, "fill_s": filled_s}


def fill_postgres(url: str, source: Path, rows: int, work: Path) -> str:
    """Through the app's portable backup and restore when they exist, else with COPY."""
    try:
        from data.maintenance import backup_database, restore_backup
    except ImportError:
        from bench.pgfill import fill_postgres as copy_fill

        copy_fill(url, rows)
        return "COPY"
    from bench.writes import open_url

    portable = CACHE_DIR / f"catalogue-{rows}-{cache_key()}.json.gz"
    if not portable.exists():
        db = open_url("sqlite:///" + source.as_posix())
        try:
            made = backup_database(db, kind="manual", dest_dir=work, fmt="portable")
        finally:
            db.dispose()
        os.replace(made.path, portable)
    restore_backup(url, portable)
    return "restauration portable de l'app"


def backup_figures(source: Path, work: Path, env: dict[str, str]) -> dict[str, Any]:
    from bench.writes import working_copy

    say("Sauvegarde : app contre sqlite3 .backup + gzip -6…")
    copy = working_copy(source, work / "backup-source.db")
    try:
        return run_child("bench.backup", ["--db", str(copy)], env, work / "backup.json")
    finally:
        for path in (copy, Path(f"{copy}-wal"), Path(f"{copy}-shm")):
            path.unlink(missing_ok=True)


# ---------------------------------------------------------------- main


def run(plan: Plan, say_: Callable[[str], None] = say) -> Path:
    from bench.quiet import quiet_app_logs

    quiet_app_logs()
    info = machine()
    say_(f"Banc d'essai ({plan.name}) — {info['cpu_count']} cœurs, {info['ram_gb']} Go, {info['cpu']}, "
         f"charge {info['load_before']}")
    with tempfile.TemporaryDirectory(prefix="edt-bench-") as tmp:
        work = Path(tmp)
        home = work / "home"
        os.environ["ENGRAVEDETECT_HOME"] = str(home)
        env = child_env(home)
        paths, generation = {}, {}
        for rows in sorted(set(plan.sizes) | {plan.write_rows, plan.backup_rows}):
            paths[rows], generation[rows] = catalogue(rows, env)
        results, details = [], {}
        for rows in plan.sizes:
            summary, measured = browse(rows, paths[rows], plan, work, env)
            results.append(summary)
            details[str(rows)] = measured
            print_browse(summary, measured)
        queries = _queries(work / f"plan-{plan.write_rows}.json", paths[plan.write_rows], work)
        sqlite_save, sqlite_conc = sqlite_writes(plan, paths[plan.write_rows], work, queries)
        pg_save, pg_conc, pg_info = postgres_writes(plan, paths[plan.write_rows], work, queries)
        backup = backup_figures(paths[plan.backup_rows], work, env)
        imported = import_figures(plan.import_rows, paths[plan.import_rows], work)
        identification, identification_raw = identification_figures(
            plan, catalogue(plan.ident_speed_rows, env)[0], work, env, say_)
    output = build_output(info["cpu_count"], results, {"sqlite": sqlite_save, "postgresql": pg_save}, backup,
                          imported, {"sqlite": sqlite_conc, "postgresql": pg_conc}, identification)
    info["load_after"] = _load()
    extra = {
        "machine": info,
        "plan": plan.__dict__,
        "generation_s": generation,
        "browse": details,
        "concurrency": {"sqlite": sqlite_conc, "postgresql": pg_conc},
        "postgresql": pg_info,
        "backup": backup,
        "import": imported,
        "catalogue_rows": {"saves_and_concurrency": plan.write_rows, "backup": plan.backup_rows},
        "identification": identification_raw,
    }
    print_other(output, extra)
    print_identification(output["identification"])
    print_targets(output, plan.name == "full")
    suffix = "" if plan.name == "full" else "-quick"
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    target = RESULTS_DIR / f"latest{suffix}.json"
    target.write_text(json.dumps(output, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    (RESULTS_DIR / f"latest{suffix}-details.json").write_text(
        json.dumps(extra, indent=1, ensure_ascii=False, default=str) + "\n", encoding="utf-8")
    say_(f"Charge de la machine (1, 5, 15 min) avant : {info['load_before']}, après : {info['load_after']}")
    say_(f"Résultats : {target.relative_to(PROJECT_ROOT)}")
    return target


def build_output(cpu_count: int | None, results: list[dict[str, Any]], saves: dict[str, Any], backup: dict[str, Any],
                 imported: dict[str, Any], concurrency: dict[str, Any],
                 identification: dict[str, Any] | None = None) -> dict[str, Any]:
    """The figures in exactly the shape the benchmark issue fixes (details go to another file);
    ``identification``: ``bench.identification.identification_figures``'s summary."""
    return {
        "date": datetime.now().astimezone().isoformat(timespec="seconds"),
        "commit": git_commit(),
        "cpu_count": cpu_count,
        "results": results,
        "save_ms": {"sqlite": saves.get("sqlite"), "postgresql": saves.get("postgresql")},
        "backup": {key: backup.get(key) for key in ("db_mb", "backup_mb_s", "cli_backup_mb_s", "max_ui_stall_ms")},
        "import": {"rows": imported.get("rows"), "import_rows_per_s": imported.get("import_rows_per_s"),
                   "valid_only_rows_per_s": (imported.get("valid_only") or {}).get("import_rows_per_s")},
        "concurrency": {backend: _conc_shape(concurrency.get(backend)) for backend in ("sqlite", "postgresql")},
        "identification": identification,
    }


def _queries(plan_file: Path, db_path: Path, work: Path) -> list[Any]:
    from bench.queries import Scenario

    if not plan_file.exists():
        write_plan(db_path, plan_file)
    return [Scenario.from_json(item).query for item in json.loads(plan_file.read_text(encoding="utf-8"))]


CONCURRENCY_KEYS = ("clients", "p50_ms", "p95_ms", "tps", "errors", "lost_writes", "retries")


def _conc_shape(figures: dict[str, Any] | None) -> dict[str, Any] | None:
    return {key: figures.get(key) for key in CONCURRENCY_KEYS} if figures else None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Banc d'essai d'EngraveDetect Catalogue.")
    mode = parser.add_mutually_exclusive_group(required=True)
    mode.add_argument("--quick", action="store_true", help="10 000 et 100 000 verres, concurrence courte")
    mode.add_argument("--full", action="store_true", help="jusqu'à 1 000 000 de verres, concurrence 60 s")
    args = parser.parse_args(argv)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    # A stop request must still run the clean-ups (private PostgreSQL, temporary folders).
    signal.signal(signal.SIGTERM, lambda _signum, _frame: sys.exit("Banc d'essai interrompu."))
    run(FULL if args.full else QUICK)
    return 0


if __name__ == "__main__":
    sys.exit(main())
