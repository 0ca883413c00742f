"""A shape drawn by an admin on a pad becomes a path like the vocabulary's own: it reads back,
fits the box, keeps its proportions, and the recogniser proposes it."""

from __future__ import annotations

import math

import pytest

from data.symbols import (
    SHAPES,
    Shape,
    check_path,
    key_from_label,
    name_key,
    path_from_strokes,
    propose,
    strokes,
)
from data.symbols.drawing import BOX
from data.symbols.traced import MARGIN


def heart(cx: float = 300, cy: float = 200, r: float = 40) -> list[list[tuple[float, float]]]:
    """A heart drawn in pad pixels (the classic parametric one), far from the box's origin and
    scale, in two strokes: each half from the dip at the top down to the point."""
    def point(t: float) -> tuple[float, float]:
        x = 16 * math.sin(t) ** 3
        y = -(13 * math.cos(t) - 5 * math.cos(2 * t) - 2 * math.cos(3 * t) - math.cos(4 * t))
        return cx + x * r / 16, cy + y * r / 16

    right = [point(i * math.pi / 40) for i in range(41)]
    left = [(2 * cx - x, y) for x, y in right]
    return [right, left]


def test_a_drawing_fits_the_box_keeps_its_proportions_and_reads_back():
    wide = [[(100.0, 100.0), (300.0, 100.0)], [(100.0, 150.0), (300.0, 150.0)]]  # 4:1
    path = path_from_strokes(wide)
    check_path(path)
    lines = strokes(path)
    assert len(lines) == 2
    xs = [x for line in lines for x, _ in line]
    ys = [y for line in lines for _, y in line]
    assert min(xs) == pytest.approx(MARGIN) and max(xs) == pytest.approx(BOX - MARGIN)
    assert max(ys) - min(ys) == pytest.approx((BOX - 2 * MARGIN) / 4)
    assert (min(ys) + max(ys)) / 2 == pytest.approx(BOX / 2)


def test_a_hand_drawn_curve_is_thinned_and_a_dot_is_kept():
    path = path_from_strokes(heart())
    assert path.count("M") == 2 and len(path.split()) < 2 * 2 * 41
    check_path(path)
    dot = path_from_strokes([[(5.0, 5.0)]])
    assert strokes(dot)  # a dot is still a stroke: it is drawn, and it counts
    with pytest.raises(ValueError):
        path_from_strokes([])
    with pytest.raises(ValueError):
        path_from_strokes([[]])


def test_the_key_comes_from_the_french_label():
    assert key_from_label("« e » avec étoile") == "e_avec_etoile"
    assert key_from_label("Cœur") == "coeur"
    assert key_from_label("  Barre-double  ") == "barre_double"
    assert key_from_label("8 couché") == "forme_8_couche"
    assert key_from_label("« ! »") == ""
    assert len(key_from_label("très " * 30)) <= 40


def test_the_recogniser_proposes_a_traced_shape_drawn_again():
    drawn = heart()
    path = path_from_strokes(drawn)
    added = Shape("coeur", "Cœur", "Objets", (name_key("coeur"),), path)
    again = heart(cx=80, cy=70, r=30)  # smaller, elsewhere on the pad
    found = propose(again, (*SHAPES, added), 5)
    assert found[0][0] == "coeur"
