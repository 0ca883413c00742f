"""The drawing benchmark runs end to end (tiny); its figures are the bench's, not asserted here."""

from __future__ import annotations

import random

from bench.sketch import print_table, run, user_drawing
from data.symbols import SHAPES, by_key, strokes


def test_sketch_bench_runs_and_reports_every_shape(capsys):
    result = run(trials=2)
    assert set(result["per_shape"]) == {shape.key for shape in SHAPES}
    assert 0 <= result["top1"] <= result["top3"] <= 100
    assert result["p95_ms"] > 0 and result["trials_per_shape"] == 2
    print_table(result)
    out = capsys.readouterr().out
    assert "overall" in out and "cercle" in out and "p95" in out


def test_user_drawings_are_degraded_but_reproducible():
    shape = by_key("carre")
    first = user_drawing(shape, random.Random(3))
    assert first == user_drawing(shape, random.Random(3))
    clean = sum(len(s) for s in strokes(shape.path, step=2.0))
    drawn = sum(len(s) for s in first)
    assert 0.7 * clean <= drawn <= 0.87 * clean  # one piece of 15-25 % of the only stroke gone
    xs = [x for s in first for x, _ in s]
    assert min(xs) != 14  # moved, turned, scaled
