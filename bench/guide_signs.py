"""The signs of the engraving guide (issue 19): which designs carry a sign instead of a code,
and its shapes, letters and index digit, drawn as the guides show them."""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bench.catalogue_data import SIGN_SHAPES, SIGN_WEIGHTS

if TYPE_CHECKING:
    from bench.guide import Maker

# The shapes by how often the guides show them (issue 19): ``SIGN_SHAPES``, ``SIGN_WEIGHTS``,
# as in the synthetic catalogues.
ESSILOR_E = ("e_soleil", "e_coeur", "e_oeil", "e_double_courbe")
# Share of a maker's designs engraved with a sign (the others: a small share).
SIGN_SHARE = {
    "Essilor": 0.6, "BBGR": 0.55, "Seiko": 0.55, "Nikon": 0.5, "Novacel": 0.5, "Leica": 0.5,
    "Kodak Lens": 0.3, "Prats": 0.25, "Hoya": 0.15, "ZEISS": 0.12,
}
OTHER_SIGN_SHARE = 0.2
# Letters in the makers' fonts (the annotated guide pictures), the house letters first.
SIGN_LETTERS = "eSPBNMAtVFTDmaLXYbkCEWO"
HOUSE_LETTERS = {"Essilor": "e", "BBGR": "Bb", "Seiko": "Ss", "Nikon": "Nn", "Novacel": "N"}
# The digit of the index a sign carries: 5, 6, 7, 4 for 1.5, 1.6, 1.67, 1.74.
SIGN_DIGITS = {
    1.5: "5", 1.523: "2", 1.53: "3", 1.56: "6", 1.59: "9", 1.591: "9", 1.6: "6", 1.604: "6",
    1.67: "7", 1.7: "7", 1.74: "4", 1.8: "8", 1.9: "9",
}


@dataclass(frozen=True)
class Sign:
    """A design's sign: its shapes (vocabulary order), its letters, whether the index digit
    follows them."""

    shapes: tuple[str, ...]
    letters: str
    with_index: bool

    def code(self, indice: float) -> str:
        return self.letters + (SIGN_DIGITS[indice] if self.with_index else "")


def _vocabulary_order(keys: Sequence[str]) -> tuple[str, ...]:
    from data.symbols import SHAPES

    order = {shape.key: position for position, shape in enumerate(SHAPES)}
    return tuple(sorted(set(keys), key=order.__getitem__))


def draw_sign(rng: random.Random, maker: Maker, used: set[tuple[tuple[str, ...], str, bool]]) -> Sign | None:
    """A design's sign, or None when the design is engraved with a code."""
    if rng.random() >= SIGN_SHARE.get(maker.name, OTHER_SIGN_SHARE):
        return None
    house = HOUSE_LETTERS.get(maker.name, "")
    sign = None
    for _ in range(50):
        count = rng.choices((1, 2, 3, 4), weights=(15, 35, 35, 15))[0]
        shapes: list[str] = []
        if maker.name == "Essilor" and rng.random() < 0.5:
            shapes.append(rng.choice(ESSILOR_E))
        while len(shapes) < count:
            shape = rng.choices(SIGN_SHAPES, SIGN_WEIGHTS)[0]
            if shape not in shapes:
                shapes.append(shape)
        letters = ""
        if house and rng.random() < 0.7:
            letters = rng.choice(house)
        while len(letters) < rng.choice((0, 1, 1, 2)):
            letters += rng.choice(SIGN_LETTERS)
        with_index = rng.random() < 0.6 or not letters  # a sign always has a letter or digit
        sign = Sign(_vocabulary_order(shapes), letters, with_index)
        if (sign.shapes, sign.letters, sign.with_index) not in used:
            break
    assert sign is not None
    used.add((sign.shapes, sign.letters, sign.with_index))
    return sign
