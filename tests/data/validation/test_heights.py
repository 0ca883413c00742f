"""Fitting heights as guides write them."""

from __future__ import annotations

import pytest

from data.validation import HEIGHT_FORMS, read_heights


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("14", (14, None)),
        ("18mm", (18, None)),
        ("18 mm", (18, None)),
        ("≥ 14", (14, None)),
        (">= 15", (15, None)),
        ("14 à 20mm", (14, 20)),
        ("de 14 à 18 mm", (14, 18)),
        ("14-18", (14, 18)),
        ("18-14", (14, 18)),
        ("16/19", (16, None)),
        ("17/15", (15, None)),
        ("16/15/14", (14, None)),
        ("", (None, None)),
        (17, (17, None)),
    ],
)
def test_heights_as_guides_write_them(text: object, expected: tuple[int | None, int | None]) -> None:
    assert read_heights(text) == (expected, None)


@pytest.mark.parametrize("text", ["abc", "14,5", "14 à", "environ 14", "14/abc"])
def test_unreadable_heights_show_the_accepted_forms(text: str) -> None:
    (_low, _high), problem = read_heights(text)
    assert problem is not None and HEIGHT_FORMS in problem and text in problem
