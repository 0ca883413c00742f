"""The sketch recogniser: each shape's own drawing first; a badly drawn circle still a circle."""

from __future__ import annotations

import math
import random
import time

import pytest

from data.symbols import SHAPES, Shape, by_key, strokes
from data.symbols.sketch import ANGLE_WEIGHT, POINTS, cloud, propose, resample, template


@pytest.mark.parametrize("shape", SHAPES, ids=lambda s: s.key)
def test_the_clean_drawing_of_each_shape_is_proposed_first(shape):
    proposals = propose(strokes(shape.path), n=5)
    assert len(proposals) == 5
    assert proposals[0][0] == shape.key
    assert proposals[0][1] == pytest.approx(1.0, abs=0.01)
    assert [score for _, score in proposals] == sorted((s for _, s in proposals), reverse=True)


def _wobbly_circle(seed: int) -> list[list[tuple[float, float]]]:
    """A circle drawn by hand: not closed (a sixth missing), oval, wobbly, turned, anywhere."""
    rng = random.Random(seed)
    start = rng.uniform(0, 2 * math.pi)
    turn = math.radians(rng.uniform(-20, 20))
    points = []
    for i in range(80):
        angle = start + (2 * math.pi * 5 / 6) * i / 79
        radius = 60 * (1 + 0.06 * math.sin(3 * angle + 1) + rng.gauss(0, 0.015))
        x, y = 1.15 * radius * math.cos(angle), radius * math.sin(angle)
        points.append((400 + x * math.cos(turn) - y * math.sin(turn),
                       250 + x * math.sin(turn) + y * math.cos(turn)))
    return [points]


@pytest.mark.parametrize("seed", range(5))
def test_a_badly_drawn_circle_gets_cercle_in_the_first_three(seed):
    keys = [key for key, _ in propose(_wobbly_circle(seed), n=5)]
    assert "cercle" in keys[:3]


def test_stroke_order_and_direction_do_not_matter():
    eye = strokes(by_key("oeil").path)
    shuffled = [list(reversed(eye[1])), eye[0]]
    (key, score), = propose(shuffled, n=1)
    assert key == "oeil"
    # Resampling may pick slightly different points; the match stays far above the next shape.
    assert score > 0.9 > propose(eye, n=2)[1][1]


def test_a_square_drawn_in_one_stroke_or_four_is_a_square():
    one = [[(0, 0), (100, 0), (100, 100), (0, 100), (0, 0)]]
    four = [[(0, 0), (100, 0)], [(100, 0), (100, 100)], [(0, 100), (100, 100)],
            [(0, 0), (0, 100)]]
    assert propose(one, n=1)[0][0] == "carre"
    assert propose(four, n=1)[0][0] == "carre"


def test_a_vertical_and_a_horizontal_line_are_told_apart():
    assert propose([[(10, 10), (12, 200)]], n=1)[0][0] == "barre_verticale"
    assert propose([[(10, 10), (200, 14)]], n=1)[0][0] in ("barre_horizontale", "tiret")


def test_an_admin_shape_is_recognised_from_its_drawing_alone():
    anchor = Shape("ancre", "Ancre", "Objets", ("ancre",),
                   "M 50 10 V 90 M 20 30 H 80 M 15 65 Q 50 110 85 65")
    vocabulary = (*SHAPES, anchor)
    drawn = [[(x * 2, y * 2) for x, y in stroke] for stroke in strokes(anchor.path)]
    assert propose(drawn, vocabulary, n=1)[0][0] == "ancre"
    assert "ancre" not in [key for key, _ in propose(drawn, n=5)]


def test_empty_input_proposes_nothing_and_a_dot_does_not_crash():
    assert propose([]) == []
    assert propose([[]]) == []
    assert len(propose([[(5, 5)]], n=3)) == 3


def test_resampling_spreads_points_evenly_over_drawn_length_only():
    points = resample([[(0, 0), (10, 0)], [(100, 0), (110, 0)]], n=5)
    assert len(points) == 5
    assert points[0] == (0, 0) and points[-1] == pytest.approx((110, 0))
    assert all(x <= 10 or x >= 100 for x, _ in points)  # nothing on the pen-up jump
    xs, ys, turns = cloud([[(0, 0), (10, 0)], [(100, 0), (110, 0)]])
    assert set(turns) == {0.0}  # straight lines turn nowhere
    assert len(xs) == POINTS and max(xs) - min(xs) == pytest.approx(1.0)


def test_templates_build_fast_and_a_proposal_is_quick():
    template.cache_clear()
    began = time.perf_counter()
    for shape in SHAPES:
        template(shape.path)
    assert time.perf_counter() - began < 1.0
    drawing = _wobbly_circle(9)
    began = time.perf_counter()
    propose(drawing)
    assert time.perf_counter() - began < 0.5  # the 100 ms target is measured by bench.sketch


def test_a_corner_turns_half_way_and_a_stroke_end_not_at_all():
    xs, ys, turns = cloud([[(0, 0), (100, 0), (100, 100)]], n=5)
    # Five points: two ends, (50, 0), the corner (100, 0) and (100, 50).
    assert turns[0] == turns[-1] == 0.0
    assert turns[2] == pytest.approx(0.5 * ANGLE_WEIGHT)
    assert max(turns) == turns[2] and turns[1] == turns[3] == 0.0
