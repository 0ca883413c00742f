"""Fitting heights as guides write them (``14``, ``≥ 14``, ``14 à 20mm``, ``16/19``)."""

from __future__ import annotations

import math
import re

from data.text import clean_text
from data.validation.fields import Checked, memo, parse_decimal
from data.validation.values import HEIGHT_MAX, HEIGHT_MIN

HEIGHT_FORMS = "14, 18mm, ≥ 14, 14 à 20mm, 14-18, 16/19"
HEIGHT_HELP = f"Hauteur en millimètres, par exemple {HEIGHT_FORMS}."
_HEIGHT_UNIT = re.compile(r"\s*mm\.?\s*$", re.IGNORECASE)
_HEIGHT_NUMBER = r"\d+(?:[.,]0+)?"
_HEIGHT_AT_LEAST = re.compile(rf"^(?:≥|>=|>|min\.?|mini|minimum|dès|des|à partir de|a partir de)\s*({_HEIGHT_NUMBER})$", re.IGNORECASE)
_HEIGHT_RANGE = re.compile(rf"^(?:de\s+)?({_HEIGHT_NUMBER})\s*(?:mm)?\s*(?:à|a|-|–|—|au|to)\s*({_HEIGHT_NUMBER})$", re.IGNORECASE)
_HEIGHT_CHOICES = re.compile(rf"^{_HEIGHT_NUMBER}(?:\s*(?:/|ou)\s*{_HEIGHT_NUMBER})+$", re.IGNORECASE)
_HEIGHT_SPLIT = re.compile(r"\s*(?:/|ou)\s*", re.IGNORECASE)


@memo
def read_heights(value: object) -> tuple[tuple[int | None, int | None], str | None]:
    """A fitting height as guides write it -> ((minimum, maximum), None), or (_, French message).

    ``14`` and ``18mm`` -> (14, None); ``≥ 14`` -> (14, None); ``14 à 20mm`` and ``14-18`` ->
    (14, 20) and (14, 18), a range (its ends in either order); ``16/19``, ``17/15``,
    ``16/15/14`` -> the smallest, (16, None), (15, None), (14, None): a guide lists the
    corridors a design comes in, and the shortest is the one that fits every frame the others
    fit. Blank -> (None, None). Anything else is refused, the message showing the forms read.
    """
    if value is None:
        return (None, None), None
    if isinstance(value, bool):
        return (None, None), f"« {value} » n'est pas une hauteur. {HEIGHT_HELP}"
    if isinstance(value, int | float):
        return _one_height(float(value), str(value))
    text = clean_text(str(value))
    if not text:
        return (None, None), None
    core = _HEIGHT_UNIT.sub("", text).strip()
    if match := _HEIGHT_AT_LEAST.match(core):
        return _one_height(_height_number(match.group(1)), text)
    if match := _HEIGHT_RANGE.match(core):
        ends = []
        for group in match.groups():
            (height, _none), problem = _one_height(_height_number(group), text)
            if problem or height is None:
                return (None, None), problem
            ends.append(height)
        return (min(ends), max(ends)), None
    if _HEIGHT_CHOICES.match(core):
        heights = []
        for part in _HEIGHT_SPLIT.split(core):
            (height, _none), problem = _one_height(_height_number(part), text)
            if problem:
                return (None, None), problem
            heights.append(height)
        return (min(h for h in heights if h is not None), None), None
    try:
        number = parse_decimal(core)
    except ValueError:
        return (None, None), f"« {text} » n'est pas une hauteur lisible. {HEIGHT_HELP}"
    if number is None:
        return (None, None), f"« {text} » n'est pas une hauteur lisible. {HEIGHT_HELP}"
    return _one_height(number, text)


def _height_number(text: str) -> float:
    return float(text.replace(",", "."))


def _one_height(number: float, shown: str) -> tuple[tuple[int | None, int | None], str | None]:
    if not math.isfinite(number) or number != int(number):
        return (None, None), f"« {shown} » : entrez un nombre entier de millimètres. {HEIGHT_HELP}"
    height = int(number)
    if not HEIGHT_MIN <= height <= HEIGHT_MAX:
        return (None, None), f"La hauteur doit être comprise entre {HEIGHT_MIN} et {HEIGHT_MAX} mm."
    return (height, None), None


def height_value(value: object, end: int = 0) -> Checked:
    """One height field: a range gives its low end (``end`` 0, minimum) or its high end (1)."""
    (low, high), problem = read_heights(value)
    if problem:
        return None, problem
    if end == 1 and high is not None:
        return high, None
    return low, None

