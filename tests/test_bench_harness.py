"""The benchmark harness itself: its catalogues are what the app would store, its anchors run the
app's own SQL, its reconciliation catches a lost write, and its JSON has the issue's shape.

No timings here: figures come from ``make bench``, never from tests.
"""

from __future__ import annotations

import hashlib
import sqlite3
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from bench.concurrency import ClientResult, summarise
from bench.generate import LENS_COLUMNS, generate
from bench.queries import scenarios
from bench.report import summarise_browse
from bench.run import build_output
from bench.stats import p50_p95
from data import catalogue
from data.config import load_settings
from data.database import open_database
from data.validation import validate_lens

ROWS = 2_000


@pytest.fixture(scope="module")
def bench_catalogue(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("bench") / "catalogue.db"
    generate(ROWS, path)
    return path


def _rows(path: Path) -> list[tuple]:
    with sqlite3.connect(path) as conn:
        return conn.execute(f"SELECT {', '.join(LENS_COLUMNS)} FROM verres ORDER BY id").fetchall()


def test_generated_catalogue_has_the_rows_and_keeps_its_foreign_keys(bench_catalogue: Path) -> None:
    with sqlite3.connect(bench_catalogue) as conn:
        assert conn.execute("SELECT count(*) FROM verres").fetchone()[0] == ROWS
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert conn.execute("SELECT count(*) FROM images_gravure").fetchone()[0] > 100
        indexes = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='index'")}
    assert {"idx_verre_nom_recherche", "idx_verre_indice"} <= indexes


def test_generated_folded_columns_are_what_the_service_stores(bench_catalogue: Path) -> None:
    for row in _rows(bench_catalogue)[::7]:
        stored = dict(zip(LENS_COLUMNS, row, strict=True))
        raw = {key: stored[key] for key in (
            "nom", "variante", "fournisseur_id", "gamme_id", "serie_id", "materiau_id", "indice",
            "hauteur_min", "hauteur_max", "gravure_nasale", "url_gravure", "url_source")}
        values, report = validate_lens(raw)
        assert values is not None, report.summary()
        expected = catalogue.lens_columns(values)
        for key in ("recherche", "tri_nom", "tri_variante", "tri_gravure", *raw):
            assert stored[key] == expected[key], (key, stored)


def test_generated_lenses_never_share_supplier_name_variant_and_index(bench_catalogue: Path) -> None:
    with sqlite3.connect(bench_catalogue) as conn:
        duplicates = conn.execute(
            "SELECT count(*) FROM (SELECT 1 FROM verres GROUP BY fournisseur_id, tri_nom, "
            "coalesce(tri_variante, ''), indice HAVING count(*) > 1)"
        ).fetchone()[0]
    assert duplicates == 0


def test_generator_is_deterministic(bench_catalogue: Path, tmp_path: Path) -> None:
    again = tmp_path / "again.db"
    generate(ROWS, again)

    def digest(path: Path) -> str:
        return hashlib.sha256(repr(_rows(path)).encode()).hexdigest()

    assert digest(again) == digest(bench_catalogue)


def test_anchor_sql_returns_the_page_the_app_shows(bench_catalogue: Path) -> None:
    url = "sqlite:///" + bench_catalogue.as_posix()
    db = open_database(url, load_settings(cli_url=url))
    try:
        plan = scenarios(db)
        assert len(plan) >= 20
        with sqlite3.connect(bench_catalogue) as conn:
            for scenario in plan:
                app_ids = [row.id for row in catalogue.lens_page(db, scenario.query, 0, 100)]
                raw_ids = [row[0] for row in conn.execute(scenario.page_sql, scenario.page_params)]
                full_ids = [row[0] for row in conn.execute(scenario.full_sql, scenario.full_params)]
                assert raw_ids == app_ids, scenario.name
                assert full_ids[:100] == app_ids, scenario.name
    finally:
        db.dispose()


def test_reconciliation_counts_a_save_that_left_no_trace() -> None:
    committed = ClientResult(committed={"5": 3, "6": 1}, last_value={"5": "c0-3", "6": "c0-1"})
    initial = {5: (1, None), 6: (1, None)}
    final = {5: (3, "c0-2"), 6: (2, "c0-1")}  # lens 5: three saves reported, two in the database
    figures = summarise([committed], initial, final, clients=1, duration_s=1.0)
    assert figures["lost_writes"] == 1
    assert figures["saves_committed"] == 4


def test_output_has_the_shape_of_the_issue() -> None:
    ours = {"rss_mb": 120.0, "details": [
        {"first_screen_ms": 10.0, "count_ms": 5.0, "jump_to_end_ms": 8.0},
        {"first_screen_ms": 30.0, "count_ms": 7.0, "jump_to_end_ms": 9.0},
    ]}
    qsql = {"rss_mb": 150.0, "details": [{"first_screen_ms": 12.0, "jump_to_end_ms": 200.0}]}
    raw = {"rss_mb": 20.0, "details": [{"raw_first_page_ms": 1.0}]}
    result = summarise_browse(10_000, {"ours": ours, "qsql": qsql, "raw": raw})
    concurrency = {"clients": 100, "p50_ms": 1.0, "p95_ms": 2.0, "tps": 3.0, "errors": 0, "lost_writes": 0,
                   "retries": 0, "count_p95_ms": 4.0}
    output = build_output(
        2, [result], {"sqlite": p50_p95([1.0, 2.0]), "postgresql": None},
        {"db_mb": 1.0, "backup_mb_s": 2.0, "cli_backup_mb_s": 2.0, "max_ui_stall_ms": 11.0, "app": {}},
        {"rows": 10, "import_rows_per_s": 5.0, "seconds": 2.0, "valid_only": {"import_rows_per_s": 4.0}},
        {"sqlite": concurrency, "postgresql": None},
    )
    assert set(output) == {"date", "commit", "cpu_count", "results", "save_ms", "backup", "import", "concurrency",
                           "identification"}
    assert output["identification"] is None  # not measured
    assert set(result) == {
        "rows", "first_screen_ms", "count_ms", "jump_to_end_ms", "rss_mb", "qsql_first_screen_ms",
        "qsql_jump_to_end_ms", "qsql_rss_mb", "raw_first_page_ms"}
    assert result["first_screen_ms"] == {"p50": 10.0, "p95": 30.0}
    assert set(output["backup"]) == {"db_mb", "backup_mb_s", "cli_backup_mb_s", "max_ui_stall_ms"}
    assert output["import"] == {"rows": 10, "import_rows_per_s": 5.0, "valid_only_rows_per_s": 4.0}
    assert set(output["concurrency"]["sqlite"]) >= {"clients", "p50_ms", "p95_ms", "tps", "errors", "lost_writes"}
    assert output["concurrency"]["postgresql"] is None


def test_the_import_figure_is_the_median_of_runs_alternated_with_the_anchor(
    bench_catalogue: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Each round imports into a new database (nothing is a duplicate of an earlier round) and
    the figure is the median round's, whatever the order the rounds came in."""
    from bench import import_speed

    order: list[str] = []
    real_once = import_speed.import_once
    cli_seconds = iter([0.5, 0.1, 0.3])

    def once(path: Path, target: Path, fmt: str = "csv") -> dict[str, float]:
        figures = real_once(path, target, fmt)
        assert figures["rows"] == ROWS and not target.exists()
        if fmt != "csv":
            order.append(fmt)
            return figures
        order.append("app")
        figures["seconds"] = (3.0, 1.0, 2.0)[order.count("app") - 1]
        return figures

    def cli(csv_path: Path, work: Path) -> float | None:
        order.append("cli")
        return next(cli_seconds)

    monkeypatch.setattr(import_speed, "import_once", once)
    monkeypatch.setattr(import_speed, "cli_import_seconds", cli)
    figures = import_speed.import_figures(ROWS, bench_catalogue, tmp_path, runs=3)
    # Then the same catalogue exported to JSON and XLSX, each imported once, for information.
    assert order == ["cli", "app"] * 3 + ["json", "xlsx"]
    assert set(figures["other_formats"]) == {"json", "xlsx"}
    for other in figures["other_formats"].values():
        assert other["rows"] == ROWS and other["import_rows_per_s"] == ROWS / other["seconds"]
        assert other["export_s"] > 0 and other["file_mb"] > 0
    assert figures["csv_export_s"] > 0
    assert figures["runs_s"] == [3.0, 1.0, 2.0] and figures["cli_runs_s"] == [0.5, 0.1, 0.3]
    assert figures["import_rows_per_s"] == ROWS / 2.0
    assert figures["cli_import_rows_per_s"] == ROWS / 0.3
    # The valid-only path: the same CSV with one line in twenty refused, the rest written.
    valid = figures["valid_only"]
    assert valid["rows"] == ROWS and valid["refused_lines"] == ROWS // 20
    assert valid["written"] == ROWS - ROWS // 20 and len(valid["runs_s"]) == 3
    assert valid["import_rows_per_s"] == ROWS / valid["seconds"]


# ---------------------------------------------------------------- identification (issue 18)

GUIDE_LENSES = 600  # the guide's first lenses: enough for every kind of case, built in seconds


def guide_window(tmp_path: Path) -> tuple[list[Any], list[int], Any]:
    """The guide's first lenses written to a SQLite file, and the window driven on it."""
    from bench.guide import build_guide_database, guide_lenses
    from bench.identify_window import WindowDriver

    lenses = guide_lenses()[:GUIDE_LENSES]
    path = tmp_path / "guide.db"
    ids = build_guide_database(path, lenses)
    return lenses, ids, WindowDriver("sqlite:///" + path.as_posix())


def test_the_window_reads_the_ranked_search_own_first_lenses(qapp, tmp_path: Path) -> None:
    """Typed key by key into the real window's box (an index ticked for one kind), the top 5 read
    from the table are the ranked search's first lenses for that text and tick."""
    from bench.identify_cases import KINDS, draw_cases
    from data.query import LensQuery
    from gui.models.answers import first_answer

    lenses, ids, driver = guide_window(tmp_path)
    cases = draw_cases(lenses, ids, per_kind=2)
    assert {case.kind for case in cases} == set(KINDS)
    try:
        for case in cases:
            shown = driver.search(case.text, case.ticked_index)
            assert driver.box.text() == case.text
            query = LensQuery(text=case.text, indices=driver.model.shown_query.indices)
            assert bool(query.indices) == (case.ticked_index is not None), case
            answer = first_answer(driver.window.db, query, 5)
            expected = list(answer.shown[:5]) if answer.ranked else [r.id for r in answer.rows if r][:5]
            assert shown == expected, case
        driver.type_text("précilens ΣIQ 1,67")  # keys QTest.keyClicks cannot type
        assert driver.box.text() == "précilens ΣIQ 1,67"
    finally:
        driver.close()


def test_the_window_reads_a_sign_case_as_the_ranked_sign_search_answers_it(qapp, tmp_path: Path) -> None:
    """Shapes clicked in the palette, text typed, index ticked: the top 5 answers read from the
    table (a sign's group mates skipped) are the data layer's for the same case."""
    from bench.identify_signs import SIGN_KINDS, draw_sign_cases, ranked_sign_search

    lenses, ids, driver = guide_window(tmp_path)
    cases = draw_sign_cases(lenses, ids, per_kind=2)
    assert {case.kind for case in cases} == set(SIGN_KINDS)
    try:
        expected = ranked_sign_search(driver.window.db)
        for case in cases:
            shown = driver.search_sign(case.text, case.ticked_index, case.symbols)
            assert driver.filters.symbols.checked_keys() == case.symbols, case
            assert shown == expected(case.text, case.ticked_index, case.symbols)[:5], case
        driver.clear()
        started, paged, painted = driver.pick_shapes(("oeil",))
        assert started <= paged <= painted
    finally:
        driver.close()


def test_identification_runs_every_step_of_the_full_plan_at_tiny_scale(
    bench_catalogue: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Quality through the window, speed on SQLite and (where the machine has it) on a private
    PostgreSQL, the code keys' share of the database and the drawing pad: the full plan's paths,
    with tiny sizes. No figure is judged here; only their presence and shape."""
    from bench import identification
    from bench.pgserver import find_bindir
    from bench.run import FULL, child_env

    try:
        find_bindir()
        pg_rows: int | None = ROWS
    except RuntimeError:
        pg_rows = None
    monkeypatch.setattr(identification, "CACHE_DIR", tmp_path / "cache")
    plan = replace(FULL, ident_cases=2, ident_speed_rows=ROWS, ident_speed_queries=2, ident_pg_rows=pg_rows,
                   sketch_trials=1)
    messages: list[str] = []
    summary, raw = identification.identification_figures(
        plan, bench_catalogue, tmp_path, child_env(tmp_path / "home"), messages.append, guide_limit=GUIDE_LENSES)
    quality = summary["quality"]
    assert quality["lenses"] == GUIDE_LENSES and quality["cases_per_kind"] == 2
    assert quality["overall"]["cases"] == 2 * len(quality["kinds"]) == 14
    for row in [*quality["kinds"].values(), quality["overall"]]:
        assert row["decidable"] + row["undecidable"] == row["cases"]
        assert 0 <= row["top1"] <= row["top5"] <= 100 and 0 <= row["anchor_top1"] <= row["anchor_top5"] <= 100
    signs = quality["signs"]
    assert signs["cases"] == signs["overall"]["cases"] == 2 * len(signs["kinds"]) == 10
    assert signs["most_actions"] <= signs["max_actions"] == 3
    for row in [*signs["kinds"].values(), signs["overall"]]:
        assert 0 <= row["top1"] <= row["top5"] <= 100
    assert summary["speed"]["sqlite"]["kinds"]["symboles"]["count_ms"]["p95"] is None  # the page is timed
    assert raw["quality"]["guide_build_s"] is not None  # built once, then taken from the cache
    assert identification.guide_database(child_env(tmp_path / "home"), GUIDE_LENSES)[1] is None
    backends = ("sqlite", "postgresql") if pg_rows else ("sqlite",)
    for backend in backends:
        speed = summary["speed"][backend]
        assert speed["rows"] == ROWS and len(speed["kinds"]) == 9  # 8 kinds typed, the palette
        for kind, row in speed["kinds"].items():
            assert row["n"] == 2 and row["first_page_painted_ms"]["p95"] is not None, kind
            assert row["anchor_first_page_ms"]["p95"] is not None, kind
            assert row["first_page_signal_ms"]["p95"] <= row["first_page_painted_ms"]["p95"], kind
        assert speed["rss_mb"] > 0 and speed["worst_kind_p95_ms"] is not None
        assert 0 < speed["keys_mb"] < speed["db_mb"] and speed["db_growth_pct"] > 0
    if not pg_rows:
        assert summary["speed"]["postgresql"] is None
    assert summary["sketch"]["trials_per_shape"] == 1 and 0 <= summary["sketch"]["top3"] <= 100


def test_identification_figures_are_in_the_results_and_the_targets(capsys: pytest.CaptureFixture[str]) -> None:
    kind_row = {"cases": 10, "decidable": 8, "undecidable": 2, "top1": 75.0, "top5": 87.5, "undecidable_top5": 50.0,
                "anchor_top1": 12.5, "anchor_top5": 25.0, "anchor_undecidable_top5": 0.0}
    timing = {"n": 4, "first_page_painted_ms": {"p50": 20.0, "p95": 60.0},
              "first_page_signal_ms": {"p50": 15.0, "p95": 40.0}, "count_ms": {"p50": 15.0, "p95": 40.0},
              "anchor_first_page_ms": {"p50": 5.0, "p95": 9.0}, "ranked": 4}
    palette = {**timing, "first_page_painted_ms": {"p50": 12.0, "p95": 31.0}, "count_ms": {"p50": None, "p95": None}}
    speed = {"rows": 1_000_000, "queries_per_kind": 4, "kinds": {"code": timing, "symboles": palette},
             "first_page_painted_ms": {"p50": 20.0, "p95": 60.0}, "worst_kind_p95_ms": 60.0,
             "worst_count_p95_ms": 40.0, "rss_mb": 150.0, "keys_mb": 40.0, "db_mb": 840.0, "db_growth_pct": 5.0}
    ident = {
        "quality": {"lenses": 11_000, "cases_per_kind": 10, "kinds": {"code": kind_row},
                    "overall": {**kind_row, "top5": 96.0},
                    "signs": {"cases": 20, "max_actions": 3, "most_actions": 3,
                              "kinds": {"sign+code+index": {"cases": 20, "decidable": 18, "top1": 80.0, "top5": 94.4}},
                              "overall": {"cases": 20, "decidable": 18, "top1": 80.0, "top5": 94.4}}},
        "speed": {"sqlite": speed, "postgresql": {**speed, "rows": 100_000, "worst_kind_p95_ms": 30.0}},
        "sketch": {"trials_per_shape": 20, "top1": 70.0, "top3": 90.0, "p50_ms": 3.0, "p95_ms": 8.0},
    }
    browse = {"rows": 10, "first_screen_ms": {"p50": 1.0, "p95": 2.0}, "count_ms": {"p50": 1.0, "p95": 2.0},
              "jump_to_end_ms": {"p50": 1.0, "p95": 2.0}, "rss_mb": 100.0}
    output = build_output(2, [browse], {}, {}, {"rows": 10, "import_rows_per_s": 5.0}, {}, ident)
    assert output["identification"] is ident
    from bench.report import identification_targets, print_identification

    verdicts = {label: met for label, _value, _unit, met in identification_targets(ident)}
    assert verdicts["identification top-5 ≥ 95 % (ensemble)"] is True
    assert verdicts["identification top-5 ≥ 90 % (pire type)"] is False  # 87.5 % for « code »
    by_start = {label.split(" p95")[0].split(" ")[1]: met for label, met in verdicts.items()
                if label.endswith("(pire genre)")}
    assert by_start == {"SQLite": False, "PostgreSQL": True}  # 60 ms at 1,000,000; 30 ms at 100,000
    assert verdicts["identification base + clés ≤ 25 %"] is True
    assert verdicts["dessin top-3 ≥ 85 %"] is True and verdicts["dessin proposition p95 ≤ 100 ms"] is True
    assert verdicts["signes top-5 ≥ 90 % en ≤ 3 actions"] is True
    assert verdicts["palette SQLite 1\u202f000\u202f000 1re page peinte p95 ≤ 50 ms"] is True  # 31 ms
    print_identification(ident)
    printed = capsys.readouterr().out
    assert "qualité par la fenêtre" in printed and "PostgreSQL, 100\u202f000 verres" in printed and "Dessin" in printed
    assert "== Signes" in printed and "94,4" in printed and "symboles" in printed
    assert identification_targets(None) == []
