"""The identification part of ``make bench``: quality and speed through the real window, with
today's search as the anchor in the same run, and the drawing pad's recognition.

- **Quality**: the engraving guide (``bench.guide``, cached in ``bench/cache/`` under a hash of
  the guide, the data layer and the schema), ``bench.identify_cases``'s cases typed key by key
  into the window's search box (``bench.identify_window quality``, its own process).
- **Speed**: ``bench.identify_speed``'s queries over the benchmark catalogue's own codes, typed
  into the window (``bench.identify_window speed``, its own process): SQLite at
  ``plan.ident_speed_rows`` lenses, and PostgreSQL at ``plan.ident_pg_rows`` (a private server
  filled by ``bench.pgfill``) when the plan asks for it. The database's growth from the code keys
  (``verres_codes`` and its indexes) is read from the database itself.
- **Signs** (issue 19): the sign cases typed and clicked into the same window after the quality
  cases (top-5 with at most 3 actions), and the palette's picks among the speed queries (the
  kind « symboles »: first page painted).
- **Drawing**: ``bench.sketch.run`` (top-3 and proposal time).
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.generate import CACHE_DIR, PROJECT_ROOT, cache_key
from bench.stats import p50_p95

KEYS_TABLE = "verres_codes"


def guide_key() -> str:
    """The benchmark catalogues' key, the guide's source and every file of the data layer (the
    guide is written through the catalogue's own write path)."""
    digest = hashlib.sha256(cache_key().encode())
    for name in ("guide.py", "guide_signs.py"):
        digest.update((PROJECT_ROOT / "bench" / name).read_bytes())
    for source in sorted((PROJECT_ROOT / "data").rglob("*.py")):
        digest.update(source.relative_to(PROJECT_ROOT).as_posix().encode())
        digest.update(source.read_bytes())
    return digest.hexdigest()[:12]


def guide_database(env: dict[str, str], limit: int | None = None) -> tuple[Path, float | None]:
    """The guide as a SQLite catalogue, built in a child process when missing or stale; returns
    its path and the seconds the build took (None from the cache). ``limit``: the guide's first
    lenses only (the harness's tiny runs)."""
    suffix = "" if limit is None else f"-{limit}"
    key = guide_key()
    path = CACHE_DIR / f"guide{suffix}-{key}.db"
    if path.exists():
        return path, None
    CACHE_DIR.mkdir(parents=True, exist_ok=True)
    for stale in CACHE_DIR.glob(f"guide{suffix}-*.db*"):
        if not stale.name.startswith(f"guide{suffix}-{key}"):
            stale.unlink(missing_ok=True)
    partial = path.with_suffix(".partial")
    started = time.perf_counter()
    code = ("import sys; from pathlib import Path; from bench.guide import build_guide_database, guide_lenses; "
            "n = None if sys.argv[2] == '-' else int(sys.argv[2]); "
            "build_guide_database(Path(sys.argv[1]), guide_lenses()[:n])")
    subprocess.run([sys.executable, "-c", code, str(partial), "-" if limit is None else str(limit)],
                   cwd=PROJECT_ROOT, env=env, check=True)
    connection = sqlite3.connect(partial)  # everything into the one file before it is moved
    try:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        connection.close()
    os.replace(partial, path)
    return path, time.perf_counter() - started


def _child(args: list[str], env: dict[str, str], out: Path) -> dict[str, Any]:
    from bench.run import run_child

    return run_child("bench.identify_window", args, env, out)


# ---------------------------------------------------------------- quality


def quality_figures(per_kind: int, work: Path, env: dict[str, str], limit: int | None = None
                    ) -> tuple[dict[str, Any], dict[str, Any]]:
    """Top-1/top-5 per kind through the window and for today's search (summary, raw)."""
    from bench.writes import working_copy

    guide, built_s = guide_database(env, limit)
    copy = working_copy(guide, work / "guide.db")
    args = ["quality", "--db", str(copy), "--per-kind", str(per_kind)]
    if limit is not None:
        args += ["--limit", str(limit)]
    raw = _child(args, env, work / "identify-quality.json")
    raw["guide_build_s"] = built_s
    return summarise_quality(raw), raw


def summarise_quality(raw: dict[str, Any]) -> dict[str, Any]:
    ours, anchor = raw["ours"], raw["anchor"]

    def row(figures: dict[str, Any], theirs: dict[str, Any]) -> dict[str, Any]:
        return {
            "cases": figures["cases"],
            "decidable": figures["decidable"],
            "undecidable": figures["undecidable"],
            "top1": round(figures["top1"], 1),
            "top5": round(figures["top5"], 1),
            "undecidable_top5": round(figures["undecidable_top5"], 1),
            "anchor_top1": round(theirs["top1"], 1),
            "anchor_top5": round(theirs["top5"], 1),
            "anchor_undecidable_top5": round(theirs["undecidable_top5"], 1),
        }

    return {
        "lenses": raw["lenses"],
        "cases_per_kind": raw["per_kind"],
        "kinds": {kind: row(figures, anchor["kinds"][kind]) for kind, figures in ours["kinds"].items()},
        "overall": row(ours["overall"], anchor["overall"]),
        "signs": summarise_signs(raw.get("signs")),
    }


def summarise_signs(raw: dict[str, Any] | None) -> dict[str, Any] | None:
    """The sign cases' top-1/top-5 per kind and overall (% of the decidable cases), with the
    most actions a case took (the issue allows ``max_actions``)."""
    if not raw:
        return None
    figures = raw["figures"]

    def row(found: dict[str, Any]) -> dict[str, Any]:
        return {"cases": found["cases"], "decidable": found["decidable"],
                "top1": round(found["top1"], 1), "top5": round(found["top5"], 1)}

    return {
        "cases": raw["cases"],
        "max_actions": raw["max_actions"],
        "most_actions": raw["most_actions"],
        "kinds": {kind: row(found) for kind, found in figures["kinds"].items()},
        "overall": row(figures["overall"]),
    }


# ---------------------------------------------------------------- speed


def speed_figures(url: str, rows: int, per_kind: int, work: Path, env: dict[str, str], name: str
                  ) -> tuple[dict[str, Any], dict[str, Any]]:
    """Query-to-paint times per kind through the window on ``url`` (summary, raw)."""
    raw = _child(["speed", "--url", url, "--per-kind", str(per_kind)], env, work / f"identify-speed-{name}.json")
    growth = keys_growth(url)
    return summarise_speed(rows, raw, growth), raw


def summarise_speed(rows: int, raw: dict[str, Any], growth: dict[str, float | None]) -> dict[str, Any]:
    kinds: dict[str, Any] = {}
    every: list[float] = []
    for kind, queries in raw["kinds"].items():
        painted = [q["first_page_painted_ms"] for q in queries]
        every += painted
        kinds[kind] = {
            "n": len(queries),
            "first_page_painted_ms": p50_p95(painted),
            "first_page_signal_ms": p50_p95([q["first_page_ms"] for q in queries]),
            "count_ms": p50_p95([q["count_ms"] for q in queries if q["count_ms"] is not None]),
            "anchor_first_page_ms": p50_p95([q["anchor_first_page_ms"] for q in queries]),
            "ranked": sum(1 for q in queries if q["ranked"]),
        }
    p95s = [k["first_page_painted_ms"]["p95"] for k in kinds.values() if k["first_page_painted_ms"]["p95"] is not None]
    counts = [k["count_ms"]["p95"] for k in kinds.values() if k["count_ms"]["p95"] is not None]
    return {
        "rows": rows,
        "queries_per_kind": raw["per_kind"],
        "kinds": kinds,
        "first_page_painted_ms": p50_p95(every),
        "worst_kind_p95_ms": max(p95s) if p95s else None,
        "worst_count_p95_ms": max(counts) if counts else None,
        "rss_mb": round(raw["rss_mb"], 1),
        **growth,
    }


def keys_growth(url: str) -> dict[str, float | None]:
    """The code keys' share of the database: their MB, the database's MB, and how much bigger
    the database is than it would be without them (%)."""
    if url.startswith("sqlite"):
        keys, total = _sqlite_sizes(Path(url.split(":///", 1)[1]))
    else:
        keys, total = _postgres_sizes(url)
    if keys is None or total is None:
        return {"keys_mb": None, "db_mb": None, "db_growth_pct": None}
    mb = 1024 * 1024
    return {"keys_mb": round(keys / mb, 1), "db_mb": round(total / mb, 1),
            "db_growth_pct": round(100.0 * keys / (total - keys), 1) if total > keys else None}


def _sqlite_sizes(path: Path) -> tuple[int | None, int | None]:
    connection = sqlite3.connect(f"file:{path.as_posix()}?mode=ro", uri=True)
    try:
        names = [r[0] for r in connection.execute(
            "SELECT name FROM sqlite_master WHERE tbl_name = ?", (KEYS_TABLE,))]
        try:
            total = connection.execute("SELECT sum(pgsize) FROM dbstat").fetchone()[0]
            marks = ", ".join("?" * len(names))
            keys = connection.execute(f"SELECT sum(pgsize) FROM dbstat WHERE name IN ({marks})", names).fetchone()[0]
        except sqlite3.OperationalError:  # SQLite built without dbstat
            return None, None
    finally:
        connection.close()
    return int(keys or 0), int(total or 0)


def _postgres_sizes(url: str) -> tuple[int | None, int | None]:
    from sqlalchemy import text

    from bench.writes import open_url

    db = open_url(url)
    try:
        with db.engine.connect() as connection:
            keys = connection.execute(text(f"SELECT pg_total_relation_size('{KEYS_TABLE}')")).scalar_one()
            total = connection.execute(text("SELECT pg_database_size(current_database())")).scalar_one()
    finally:
        db.dispose()
    return int(keys), int(total)


def postgres_speed(rows: int, per_kind: int, work: Path, env: dict[str, str], say: Callable[[str], None]
                   ) -> tuple[dict[str, Any] | None, dict[str, Any]]:
    """The same times on a private PostgreSQL filled with ``rows`` lenses (None when there is no
    PostgreSQL on the machine)."""
    from bench.pgfill import fill_postgres
    from bench.pgserver import PrivatePostgres, find_bindir

    try:
        find_bindir()
    except RuntimeError as exc:
        say(f"Identification PostgreSQL : non disponible ({exc})")
        return None, {}
    with PrivatePostgres() as server:
        url = server.create_database("identification")
        fill_s = fill_postgres(url, rows)
        say(f"  PostgreSQL rempli ({rows} verres, COPY) en {fill_s:.1f} s")
        summary, raw = speed_figures(url, rows, per_kind, work, env, "postgresql")
    raw["fill_s"] = fill_s
    return summary, raw


# ---------------------------------------------------------------- all of it


def identification_figures(plan: Any, speed_catalogue: Path, work: Path, env: dict[str, str],
                           say: Callable[[str], None], guide_limit: int | None = None
                           ) -> tuple[dict[str, Any], dict[str, Any]]:
    """Every identification figure of ``plan`` (``bench.run.Plan``): (summary for the results
    file, raw measurements for the details file)."""
    from bench import sketch

    say(f"Identification : {plan.ident_cases} cas par type tapés dans la fenêtre, et la recherche actuelle…")
    started = time.perf_counter()
    quality, quality_raw = quality_figures(plan.ident_cases, work, env, guide_limit)
    say(f"  {time.perf_counter() - started:.0f} s (guide : "
        + ("en cache" if quality_raw["guide_build_s"] is None else f"écrit en {quality_raw['guide_build_s']:.0f} s")
        + ")")
    say(f"Identification, vitesse SQLite à {plan.ident_speed_rows} verres : {plan.ident_speed_queries} "
        "requêtes par genre…")
    started = time.perf_counter()
    url = "sqlite:///" + speed_catalogue.as_posix()
    sqlite_speed, sqlite_raw = speed_figures(url, plan.ident_speed_rows, plan.ident_speed_queries, work, env,
                                             "sqlite")
    say(f"  {time.perf_counter() - started:.0f} s")
    pg_speed: dict[str, Any] | None = None
    pg_raw: dict[str, Any] = {}
    if plan.ident_pg_rows:
        say(f"Identification, vitesse PostgreSQL à {plan.ident_pg_rows} verres…")
        pg_speed, pg_raw = postgres_speed(plan.ident_pg_rows, plan.ident_speed_queries, work, env, say)
    say(f"Dessin : {plan.sketch_trials} essais par forme…")
    drawn = sketch.run(plan.sketch_trials)
    summary = {
        "quality": quality,
        "speed": {"sqlite": sqlite_speed, "postgresql": pg_speed},
        "sketch": {key: drawn[key] for key in ("trials_per_shape", "top1", "top3", "p50_ms", "p95_ms")},
    }
    raw = {"quality": quality_raw, "speed": {"sqlite": sqlite_raw, "postgresql": pg_raw},
           "sketch": drawn}
    return summary, raw
