"""How well the drawing pad recognises each shape drawn as a person would (symbols issue).

    python -m bench.sketch                 # 20 trials per shape, fixed seed
    python -m bench.sketch --trials 5

Each trial starts from the shape's own drawing and degrades it as a hand on a pad does: strokes in
a random order and direction, the whole turned by up to ±15°, scaled by 0.6–1.4 and moved
anywhere; a smooth wobble of the line (a few % of the size) plus a little noise per point; and one
piece missing (a run of 15–25 % of one stroke's points dropped, splitting it when the run is
inside). Stroke width does not exist for the recogniser (it sees points). The figures: the right
shape first (top-1) and among the first three proposals (top-3), overall and per shape, and the
95th percentile of one proposal's time. Targets: top-3 ≥ 85 %, a proposal ≤ 100 ms.
"""

from __future__ import annotations

import argparse
import math
import random
import time
from collections.abc import Sequence
from typing import Any

from bench.stats import p50_p95
from data.symbols import SHAPES, Shape, strokes
from data.symbols.drawing import Point, Stroke
from data.symbols.sketch import propose, template

SEED = 20_261_219
TRIALS = 20
TARGET_TOP3 = 85.0
TARGET_MS = 100.0


def user_drawing(shape: Shape, rng: random.Random) -> list[Stroke]:
    """The shape as a person might draw it on the pad (see the module's docstring)."""
    lines = [list(stroke) for stroke in strokes(shape.path, step=2.0)]
    rng.shuffle(lines)
    lines = [line[::-1] if rng.random() < 0.5 else line for line in lines]
    lines = _drop_piece(lines, rng)
    angle = math.radians(rng.uniform(-15, 15))
    scale = rng.uniform(0.6, 1.4)
    dx, dy = rng.uniform(-300, 300), rng.uniform(-300, 300)
    size = 100 * scale
    # A smooth wobble: two waves in each direction, half to two periods across the box, each
    # 1–2 % of the size (up to about 4 % together), plus noise of 0.8 % per point.
    waves = [(rng.uniform(0.5, 2.0), rng.uniform(0, 2 * math.pi), rng.uniform(1.0, 2.0))
             for _ in range(4)]
    cos_a, sin_a = math.cos(angle), math.sin(angle)
    drawn = []
    for line in lines:
        points: list[Point] = []
        for x, y in line:
            x, y = x - 50, y - 50
            wx = sum(a * math.sin(f * (x + y) * 2 * math.pi / 100 + p) for f, p, a in waves[:2])
            wy = sum(a * math.sin(f * (x - y) * 2 * math.pi / 100 + p) for f, p, a in waves[2:])
            x, y = x + wx + rng.gauss(0, 0.8), y + wy + rng.gauss(0, 0.8)
            points.append((scale * (cos_a * x - sin_a * y) + dx + size,
                           scale * (sin_a * x + cos_a * y) + dy + size))
        drawn.append(points)
    return drawn


def _drop_piece(lines: list[Stroke], rng: random.Random) -> list[Stroke]:
    """Drop a run of 15–25 % of one stroke's points (the stroke is split when the run is inside)."""
    which = rng.randrange(len(lines))
    line = lines[which]
    run = max(1, round(len(line) * rng.uniform(0.15, 0.25)))
    if run >= len(line) - 1:
        return lines
    start = rng.randrange(0, len(line) - run + 1)
    pieces = [piece for piece in (line[:start], line[start + run:]) if len(piece) >= 2]
    return [*lines[:which], *pieces, *lines[which + 1:]]


def run(trials: int = TRIALS, seed: int = SEED,
        shapes: Sequence[Shape] = SHAPES) -> dict[str, Any]:
    """Score the recogniser; returns the figures (percentages, milliseconds) and the misses."""
    rng = random.Random(seed)
    started = time.perf_counter()
    template.cache_clear()
    for shape in shapes:
        template(shape.path)
    build_ms = (time.perf_counter() - started) * 1000
    per_shape: dict[str, dict[str, Any]] = {}
    timings: list[float] = []
    hits1 = hits3 = 0
    for shape in shapes:
        top1 = top3 = 0
        confused: dict[str, int] = {}
        for _ in range(trials):
            drawing = user_drawing(shape, rng)
            begin = time.perf_counter()
            keys = [key for key, _ in propose(drawing, shapes)]
            timings.append((time.perf_counter() - begin) * 1000)
            top1 += keys[0] == shape.key
            top3 += shape.key in keys[:3]
            if keys[0] != shape.key:
                confused[keys[0]] = confused.get(keys[0], 0) + 1
        hits1 += top1
        hits3 += top3
        per_shape[shape.key] = {
            "top1": 100.0 * top1 / trials,
            "top3": 100.0 * top3 / trials,
            "taken_for": sorted(confused, key=lambda k: -confused[k])[:2],
        }
    total = trials * len(shapes)
    spread = p50_p95(timings)
    p50, p95 = spread["p50"] or 0.0, spread["p95"] or 0.0
    return {
        "trials_per_shape": trials,
        "seed": seed,
        "top1": 100.0 * hits1 / total,
        "top3": 100.0 * hits3 / total,
        "p50_ms": p50,
        "p95_ms": p95,
        "templates_ms": build_ms,
        "per_shape": per_shape,
        "targets_met": 100.0 * hits3 / total >= TARGET_TOP3 and p95 <= TARGET_MS,
    }


def print_table(result: dict[str, Any]) -> None:
    print(f"{'shape':<24}{'top-1':>7}{'top-3':>7}  first proposal when missed")
    rows = sorted(result["per_shape"].items(), key=lambda item: (item[1]["top3"], item[1]["top1"]))
    for key, row in rows:
        print(f"{key:<24}{row['top1']:>6.0f}%{row['top3']:>6.0f}%  {', '.join(row['taken_for'])}")
    print(f"{'overall':<24}{result['top1']:>6.1f}%{result['top3']:>6.1f}%")
    print(f"proposal p50 {result['p50_ms']:.1f} ms, p95 {result['p95_ms']:.1f} ms; "
          f"templates built in {result['templates_ms']:.1f} ms "
          f"({result['trials_per_shape']} trials per shape, seed {result['seed']})")
    print(f"targets (top-3 >= {TARGET_TOP3:.0f} %, p95 <= {TARGET_MS:.0f} ms): "
          f"{'met' if result['targets_met'] else 'NOT met'}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=TRIALS)
    parser.add_argument("--seed", type=int, default=SEED)
    args = parser.parse_args(argv)
    print_table(run(args.trials, args.seed))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
