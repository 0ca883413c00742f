"""The path subset read into strokes, and the standalone SVG."""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from data.symbols import SHAPES, PathError, by_key, strokes, svg_document

RESOURCES = Path(__file__).resolve().parents[3] / "resources" / "symbols"


def _close(a, b, tol=1e-6):
    return math.dist(a, b) <= tol


def test_lines_are_cut_into_points_at_most_a_step_apart():
    (stroke,) = strokes("M 0 0 L 10 0 V 10 H 0 Z", step=1.0)
    assert _close(stroke[0], (0, 0)) and _close(stroke[-1], (0, 0))
    assert len(stroke) == 41
    assert all(math.dist(p, q) <= 1.0 + 1e-9 for p, q in zip(stroke, stroke[1:], strict=False))


def test_each_move_starts_a_stroke_and_numbers_repeat_their_command():
    result = strokes("M 0 0 10 0 M 0 5 L 10 5 10 10", step=100)
    assert [len(s) for s in result] == [2, 3]
    assert _close(result[1][-1], (10, 10))


def test_relative_commands_follow_the_current_point():
    (stroke,) = strokes("m 10 10 l 5 0 v 5 h -5 z", step=100)
    assert [tuple(round(c, 6) for c in p) for p in stroke] == [
        (10, 10), (15, 10), (15, 15), (10, 15), (10, 10)]


def test_curves_pass_through_their_ends_and_bulge_toward_their_controls():
    (quad,) = strokes("M 0 50 Q 50 0 100 50", step=1)
    assert _close(quad[-1], (100, 50))
    assert min(y for _, y in quad) == pytest.approx(25, abs=0.5)
    (cubic,) = strokes("M 0 0 C 0 100 100 100 100 0", step=1)
    assert max(y for _, y in cubic) == pytest.approx(75, abs=0.5)


def test_arcs_follow_svg_flags_and_rotation():
    (circle,) = strokes("M 95 50 A 45 45 0 1 0 5 50 A 45 45 0 1 0 95 50", step=1)
    assert all(math.dist(p, (50, 50)) == pytest.approx(45, abs=1e-6) for p in circle)
    (upper,) = strokes("M 10 50 A 40 40 0 0 1 90 50", step=1)  # sweep 1: over the top
    assert min(y for _, y in upper) == pytest.approx(10, abs=0.2)
    (lower,) = strokes("M 10 50 A 40 40 0 0 0 90 50", step=1)
    assert max(y for _, y in lower) == pytest.approx(90, abs=0.2)
    # An ellipse turned 45°: its far points lie on the diagonal.
    (tilted,) = strokes("M 18.9 18.9 A 44 15 45 1 0 81.1 81.1 A 44 15 45 1 0 18.9 18.9", step=1)
    farthest = max(tilted, key=lambda p: math.dist(p, (50, 50)))
    assert abs(farthest[0] - 50) == pytest.approx(abs(farthest[1] - 50), abs=1.5)
    assert min(math.dist(p, (50, 50)) for p in tilted) == pytest.approx(15, abs=0.5)


def test_radii_too_small_are_grown_as_svg_does():
    (stroke,) = strokes("M 0 0 A 1 1 0 0 1 20 0", step=1)
    assert min(y for _, y in stroke) == pytest.approx(-10, abs=0.2)


def test_compact_arc_flags_are_read():
    assert strokes("M0,0A10,10,0,01,20,0", step=5) == strokes("M 0 0 A 10 10 0 0 1 20 0", step=5)


@pytest.mark.parametrize(("path", "words"), [
    ("L 10 10", "commencer par « M »"),
    ("M 0 0 S 1 1 2 2", "« S » non prise en charge"),
    ("M 0 0 L 10", "attend 2 nombres"),
    ("M 0 0 A 5 5 0 2 0 10 10", "drapeau"),
    ("M 0 0 Z 5", "après « Z »"),
    ("M 10 10", "aucun trait"),
    ("M 0 0 L 10 10 # 5", "illisible"),
])
def test_a_drawing_outside_the_subset_is_refused_in_french(path, words):
    with pytest.raises(PathError, match=words):
        strokes(path)


def test_svg_document_is_a_standalone_svg_of_the_given_size():
    text = svg_document(by_key("oeil"), size=48)
    root = ET.fromstring(text)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert root.get("width") == root.get("height") == "48"
    path = root.find("{http://www.w3.org/2000/svg}path")
    assert path is not None and path.get("d") == by_key("oeil").path
    assert root.findtext("{http://www.w3.org/2000/svg}title") == "Œil"
    assert float(path.get("stroke-width")) > float(
        ET.fromstring(svg_document(by_key("oeil"), size=96)).find(
            "{http://www.w3.org/2000/svg}path").get("stroke-width"))
    assert 'stroke="#123456"' in svg_document("M 0 0 L 1 1", color="#123456")
    with pytest.raises(PathError):
        svg_document("M 0 0 X")


def test_every_shape_has_its_svg_written_by_the_script():
    for shape in SHAPES:
        written = RESOURCES / f"{shape.key}.svg"
        assert written.read_text(encoding="utf-8") == svg_document(shape, size=24), shape.key
