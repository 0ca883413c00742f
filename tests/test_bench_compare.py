"""bench/compare: two runs side by side, every figure with its ratio, a missing one as « — »."""

from __future__ import annotations

from bench.compare import table, value

BEFORE = {"commit": "aaaaaaa1", "results": [{"rows": 1000, "first_screen_ms": {"p50": 10.0, "p95": 20.0}}],
          "import": {"import_rows_per_s": 20000.0}}
AFTER = {"commit": "bbbbbbb2", "results": [{"rows": 1000, "first_screen_ms": {"p50": 5.0, "p95": 30.0}}],
         "import": {"import_rows_per_s": 25000.0}, "save_ms": {"sqlite": {"p95": 3.0}}}


def test_values_are_found_by_size_and_path():
    assert value(AFTER, ("size", 1000, "first_screen_ms", "p95")) == 30.0
    assert value(AFTER, ("size", 999, "first_screen_ms", "p95")) is None
    assert value(BEFORE, ("save_ms", "sqlite", "p95")) is None


def test_the_table_shows_both_runs_and_their_ratio():
    shown = table(BEFORE, AFTER)
    lines = {line.split("  ")[0].strip(): line for line in shown.splitlines()}
    assert "aaaaaaa" in shown and "bbbbbbb" in shown
    assert lines["1\u202f000 verres — premier écran p95 (ms)"].endswith("×1,50")
    assert "×1,25 (plus haut = mieux)" in lines["import CSV (lignes/s)"]
    assert "—" in lines["enregistrement sqlite p95 (ms)"]
    markdown = table(BEFORE, AFTER, markdown=True)
    assert markdown.splitlines()[0].startswith("| figure |")
