"""A realistic engraving guide of about 11,000 progressive lenses, for the identification benchmark.

Shaped like the French engraving guides (issue 18, "What real engravings look like"), invented but
for the makers' names:

- makers of very different sizes (Essilor, ZEISS and Hoya big; Leica, Ophtalmic small), each with
  its own house style of nasal codes;
- short mixed-case codes (``SPU50``, ``mfP67``, ``acU6``, ``KHD``, ``VS53``, ``7N2``), the index
  inside the code for some makers (``SPU50`` = 1.50, ``SPL67``), second parts (``SPU50 14``,
  ``KR 1.60 POL``, ``iP8 PZ6``, ``MSV _7``, ``CFXA CORRIDOR``), alternatives (``E3 ou E3S ou
  E3XS``, ``PY67/P8Y67``, ``wr67 /wir67``, ``S26 / S29  BZ``), Greek signs (``ΣIQ``);
- codes shared by several lenses: one design at several indices when the index is not engraved
  (``HDE`` at 1.50, 1.60 and 1.80), several coatings or photochromic variants of one design;
- signs instead of codes on about a third of the lenses (issue 19), most often at the makers
  that engrave them (Essilor, BBGR, Seiko, Nikon, Novacel, Leica): 1 to 4 shapes drawn by how
  often the guides show them (``SIGN_SHAPES``), Essilor's signs often around one of its « e »,
  and the letters and digits of the sign kept as the code as read (``e5``, ``BbA6``: letters
  in the maker's font, then the index digit, 5, 6, 7, 4 for 1.5, 1.6, 1.67, 1.74, on most).

``guide_lenses()`` gives the lenses as plain dicts with the keys of a catalogue file (references
by name: ``fournisseur``, ``gamme``, ``serie``, ``materiau``, then the lens fields), the shape of
``resources/sample/catalogue.json`` and of the import. ``load_guide`` writes them through the
catalogue's own write path (``data.catalogue.insert_lens``: every derived column the catalogue
computes is right), ``build_guide_database`` makes a fresh SQLite file with the app's migrations.

Deterministic: a fixed seed and fixed iteration orders; no timestamps.

    python -m bench.guide            # prints a summary of the guide
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.guide_signs import draw_sign

SEED = 20_261_205
MIN_LENSES = 10_000

# How an index is written inside a code: 1.5 -> "50", 1.67 -> "67", 1.591 -> "59".
INDEX_DIGITS = {
    1.5: "50", 1.523: "52", 1.53: "53", 1.56: "56", 1.59: "59", 1.591: "59", 1.6: "60",
    1.604: "60", 1.67: "67", 1.7: "70", 1.74: "74", 1.8: "80", 1.9: "90",
}
MATERIALS = {
    1.5: "CR-39", 1.523: "Crown minéral", 1.53: "Trivex", 1.56: "Organique 1.56",
    1.59: "Polycarbonate", 1.591: "Polycarbonate", 1.6: "MR-8", 1.604: "Verre minéral 1.6",
    1.67: "MR-7", 1.7: "Verre minéral 1.7", 1.74: "MR-174", 1.8: "Verre minéral 1.8",
    1.9: "Verre minéral 1.9",
}
ORGANIC = (1.5, 1.53, 1.56, 1.59, 1.6, 1.67, 1.74)
MINERAL = (1.523, 1.604, 1.7, 1.8, 1.9)
UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
LOWER = UPPER.lower()
# Coatings, photochromic and polarised versions: same design, usually the same code.
VARIANTS = (
    "Court", "Photochromique", "Polarisé", "Lumière bleue", "Transitions", "Teinté",
    "Anti-reflet premium", "Durci",
)
SERIES_WORDS = (
    "Confort", "Expert", "Essentiel", "Premium", "Élite", "Balance", "Digital", "Office", "Drive",
    "Sport", "Natural", "Active", "Classic", "Précision", "Harmonie", "Équilibre", "Vision",
    "Fusion", "Horizon", "Panorama", "Infini", "Zénith", "Nomade", "Lumière", "Clarté",
)
RANGE_SYLLABLES = (
    "va", "ri", "lux", "pro", "gre", "ssiv", "ana", "teo", "ne", "va", "lu", "mis", "op", "ti",
    "ma", "zen", "ith", "ho", "ri", "zon", "sy", "nea", "cla", "ra", "vi", "sia", "ex", "ia",
)
WORD_PARTS = ("CORRIDOR", "OFFICE", "NEAR", "DRIVE", "SPORT", "WIDE", "SOFT", "HARD")
TREATMENTS = ("POL", "KB", "HC", "ST", "BL", "UV")


@dataclass(frozen=True)
class Maker:
    """A maker of the guide: its name as the guide writes it, how an optician says it, how many
    designs it lists, the house style of its codes, and the indices it makes."""

    name: str
    spoken: str
    designs: int
    style: str
    indices: tuple[float, ...]
    url: str | None = None


MAKERS = (
    Maker("Essilor", "essilor", 300, "letters", (*ORGANIC, 1.8), "https://www.essilor.com/fr-fr/"),
    Maker("ZEISS", "zeiss", 220, "index_in", (1.5, 1.53, 1.59, 1.6, 1.67, 1.74, 1.9)),
    Maker("Hoya", "hoya", 190, "mixed", (1.5, 1.53, 1.6, 1.67, 1.74)),
    Maker("Rodenstock", "rodenstock", 110, "index_part", (1.5, 1.6, 1.67, 1.74, 1.8, 1.9)),
    Maker("Nikon", "nikon", 100, "digits", (1.5, 1.59, 1.6, 1.67, 1.74)),
    Maker("Seiko", "seiko", 90, "slash", (1.5, 1.6, 1.67, 1.74)),
    Maker("BBGR", "bbgr", 100, "words", (1.5, 1.56, 1.591, 1.6, 1.67, 1.74)),
    Maker("Shamir", "shamir", 60, "greek", (1.5, 1.53, 1.59, 1.6, 1.67, 1.74)),
    Maker("Novacel", "novacel", 80, "slash_index", (1.5, 1.53, 1.56, 1.6, 1.67, 1.74, 1.8)),
    Maker("Indo", "indo", 45, "index_in", (1.5, 1.6, 1.67, 1.74)),
    Maker("Kodak Lens", "kodak", 35, "letters", (1.5, 1.59, 1.6, 1.67, 1.74)),
    Maker("Optiswiss", "optiswiss", 30, "mixed", (1.5, 1.523, 1.6, 1.604, 1.67, 1.7, 1.8)),
    Maker("Prats", "prats", 20, "digits", (1.5, 1.6, 1.67)),
    Maker("Leica", "leica", 15, "index_part", (1.5, 1.6, 1.67, 1.74)),
    Maker("Thai Optical", "thai", 12, "slash", (1.5, 1.56, 1.6, 1.67)),
    Maker("Ophtalmic", "ophtalmic", 8, "words", (*MINERAL,)),
)


def guide_lenses(seed: int = SEED) -> list[dict[str, Any]]:
    """The guide's lenses, in a fixed order (the order ``load_guide`` writes them in).

    Each dict has the keys of a catalogue file: ``fournisseur``, ``gamme``, ``serie``,
    ``materiau``, ``nom``, ``variante``, ``indice``, ``hauteur_min``, ``hauteur_max``,
    ``gravure_nasale``, ``url_gravure``, ``url_source``, and for a lens whose engraving is a sign,
    ``symboles`` (its shape keys, in vocabulary order). ``(fournisseur, nom, variante, indice)``
    is unique, as in a maker's price list.

    The signs are drawn from a random stream of their own: the codes of the other lenses are
    what they were before signs existed.
    """
    rng = random.Random(seed)
    sign_rng = random.Random(seed + 1)
    lenses: list[dict[str, Any]] = []
    for maker in MAKERS:
        lenses.extend(_maker_lenses(rng, maker, sign_rng))
    return lenses


# --------------------------------------------------------------------------- signs

def _maker_lenses(rng: random.Random, maker: Maker, sign_rng: random.Random | None = None) -> list[dict[str, Any]]:
    ranges = _range_names(rng, maker)
    styler = _Styler(rng, maker)
    signs: set[tuple[tuple[str, ...], str, bool]] = set()
    names: set[str] = set()
    lenses: list[dict[str, Any]] = []
    for _ in range(maker.designs):
        # A few big ranges and a tail of small ones.
        gamme = ranges[min(int(rng.paretovariate(1.2)) - 1, len(ranges) - 1)]
        serie = rng.choice(SERIES_WORDS)
        if rng.random() < 0.4:
            serie = f"{serie} {rng.randint(2, 9)}"
        nom = f"{gamme} {serie}"
        number = 2
        while nom in names:
            nom = f"{gamme} {serie} {'HD' if number == 2 else number}"
            number += 1
        names.add(nom)
        indices = sorted(rng.sample(maker.indices, rng.randint(min(2, len(maker.indices)), min(6, len(maker.indices)))))
        variants: list[str | None] = [None]
        extra = rng.choices((0, 1, 2, 3), weights=(30, 35, 25, 10))[0]
        variants += rng.sample(VARIANTS, extra)
        hmin: int | None = rng.choice((13, 14, 14, 15, 15, 16, 16, 17, 18))
        hmax: int | None = rng.choice((30, 32, 34, 35, 36, 38, 40))
        if rng.random() < 0.07:
            hmin = hmax = None
        design = styler.design()
        sign = draw_sign(sign_rng, maker, signs) if sign_rng is not None else None
        for variant in variants:
            low, high = hmin, hmax
            if variant == "Court" and hmin is not None:
                low, high = rng.choice((11, 12, 13)), rng.choice((28, 30, 32))
            for indice in indices:
                lenses.append({
                    "fournisseur": maker.name,
                    "gamme": gamme,
                    "serie": serie,
                    "materiau": MATERIALS[indice],
                    "nom": nom,
                    "variante": variant,
                    "indice": indice,
                    "hauteur_min": low,
                    "hauteur_max": high,
                    "gravure_nasale": design.code(indice, variant, low) if sign is None else sign.code(indice),
                    "url_gravure": None,
                    "url_source": maker.url,
                    **({"symboles": list(sign.shapes)} if sign is not None else {}),
                })
    return lenses


def _range_names(rng: random.Random, maker: Maker) -> list[str]:
    count = max(2, min(14, maker.designs // 15))
    names: list[str] = []
    while len(names) < count:
        word = "".join(rng.choice(RANGE_SYLLABLES) for _ in range(rng.randint(2, 3))).capitalize()
        if word not in names:
            names.append(word)
    return names


@dataclass(frozen=True)
class _Design:
    """How one design's code is written, at each index and for each variant."""

    style: str
    stem: str
    other: str = ""     # a second stem (alternatives) or a second part
    suffixes: tuple[str, ...] = ()
    index_inside: bool = False
    height_part: bool = False

    def code(self, indice: float, variant: str | None, hmin: int | None) -> str:
        digits = INDEX_DIGITS[indice]
        style, stem, other = self.style, self.stem, self.other
        if style == "index_in":  # SPU50, SPU50 14, SPU50 ou SPV50
            code = f"{stem}{digits}"
            if other:
                code += f" ou {other}{digits}"
            if self.height_part and variant == "Court" and hmin is not None:
                code += f" {hmin}"
            return code
        if style == "mixed":  # mfP67, acU6, iP8 PZ6, wr67 /wir67
            short = digits[0] if digits.endswith("0") else digits
            index = short if self.index_inside else ""
            code = f"{stem}{index}"
            if self.suffixes:  # an alternative with a letter more
                code += f" /{self.suffixes[0]}{index}"
            if other:
                code += f" {other}"
            return code
        if style == "letters":  # HDE, E3 ou E3S ou E3XS, L_5I ou L_5O ou L_5U
            if self.suffixes:
                return " ou ".join(f"{stem}{s}" for s in self.suffixes)
            return stem
        if style == "index_part":  # KR 1.60 POL, KSP 1.67 KB
            part = "POL" if variant == "Polarisé" else other
            return f"{stem} {indice:.2f}" + (f" {part}" if part else "")
        if style == "digits":  # 7N2 (index not engraved), VS53
            return f"{stem}{digits}" if self.index_inside else stem
        if style == "slash":  # S26 / S29  BZ, Bi17 ou Bi47
            if other == "ou":
                return " ou ".join(f"{stem}{s}" for s in self.suffixes)
            code = " / ".join(f"{stem}{s}" for s in self.suffixes)
            return code + (f" {other}" if other else "")  # the guide's double space is cleaned
        if style == "words":  # CFXA CORRIDOR, MSV _7
            if other:
                return f"{stem} {other}"
            return f"{stem} _{digits[1] if digits[1] != '0' else digits[0]}"
        if style == "slash_index":  # PY67/P8Y67
            return f"{stem}{digits}/{other}{digits}"
        if style == "greek":  # ΣIQ, ΣE 60
            return f"Σ{stem} {digits}" if self.index_inside else f"Σ{stem}"
        raise ValueError(style)


class _Styler:
    """A maker's house style: draws each design's stem, mostly unique within the maker."""

    def __init__(self, rng: random.Random, maker: Maker) -> None:
        self.rng = rng
        self.style = maker.style
        self.used: set[str] = set()
        # Makers reuse a few prefixes for many designs (SPU, SPL, SPB...).
        self.prefixes = ["".join(rng.choice(UPPER) for _ in range(rng.randint(1, 2))) for _ in range(6)]

    def design(self) -> _Design:
        for _ in range(50):
            design = self._draw()
            if design.stem + design.other + "".join(design.suffixes) not in self.used:
                break
        self.used.add(design.stem + design.other + "".join(design.suffixes))
        return design

    def _letters(self, low: int, high: int, alphabet: str = UPPER) -> str:
        return "".join(self.rng.choice(alphabet) for _ in range(self.rng.randint(low, high)))

    def _draw(self) -> _Design:
        rng, style = self.rng, self.style
        if style == "index_in":
            stem = rng.choice(self.prefixes) + self._letters(1, 1)
            other = rng.choice(self.prefixes) + self._letters(1, 1) if rng.random() < 0.1 else ""
            return _Design(style, stem, other, height_part=rng.random() < 0.5)
        if style == "mixed":
            stem = self._letters(1, 2, LOWER) + self._letters(1, 1)
            if rng.random() < 0.3:
                stem += str(rng.randint(1, 9))
            suffixes: tuple[str, ...] = ()
            if rng.random() < 0.15:
                cut = rng.randint(1, len(stem) - 1)
                suffixes = (stem[:cut] + rng.choice(LOWER) + stem[cut:],)
            other = self._letters(2, 2) + str(rng.randint(1, 9)) if rng.random() < 0.2 else ""
            return _Design(style, stem, other, suffixes, index_inside=rng.random() < 0.75)
        if style == "letters":
            if rng.random() < 0.3:  # E3 ou E3S ou E3XS, L_5I ou L_5O ou L_5U
                if rng.random() < 0.4:
                    stem = self._letters(1, 1) + "_" + str(rng.randint(1, 9))
                    vowels = sorted(rng.sample("AEIOUY", rng.randint(2, 3)))
                    return _Design(style, stem, suffixes=tuple(vowels))
                stem = self._letters(1, 2) + str(rng.randint(1, 9))
                endings = sorted(rng.sample(("S", "XS", "L", "X", "T", "HD"), rng.randint(1, 2)))
                return _Design(style, stem, suffixes=("", *endings))
            stem = self._letters(2, 4)
            if rng.random() < 0.25:
                stem = stem[: rng.randint(1, len(stem))] + str(rng.randint(1, 9)) + stem[len(stem) :]
            return _Design(style, stem)
        if style == "index_part":
            stem = rng.choice(self.prefixes)[:1] + self._letters(1, 2)
            other = rng.choice(TREATMENTS) if rng.random() < 0.5 else ""
            return _Design(style, stem, other)
        if style == "digits":
            if rng.random() < 0.5:
                return _Design(style, f"{rng.randint(1, 9)}{self._letters(1, 1)}{rng.randint(1, 9)}")
            return _Design(style, self._letters(2, 2), index_inside=True)
        if style == "slash":
            if rng.random() < 0.5:
                stem = self._letters(1, 1) + rng.choice(LOWER)
                return _Design(style, stem, "ou", (f"{rng.randint(10, 49)}", f"{rng.randint(50, 99)}"))
            stem = self._letters(1, 1)
            other = self._letters(2, 2) if rng.random() < 0.5 else ""
            return _Design(style, stem, other, (f"{rng.randint(10, 49)}", f"{rng.randint(10, 49)}"))
        if style == "words":
            stem = self._letters(3, 4)
            return _Design(style, stem, rng.choice(WORD_PARTS) if rng.random() < 0.4 else "")
        if style == "slash_index":
            stem = self._letters(2, 2)
            return _Design(style, stem, stem[0] + str(rng.randint(1, 9)) + stem[1:])
        if style == "greek":
            return _Design(style, self._letters(1, 2), index_inside=rng.random() < 0.3)
        raise ValueError(style)


# --------------------------------------------------------------------------- writing


def load_guide(db: Any, lenses: Sequence[dict[str, Any]] | None = None) -> list[int]:
    """Write ``lenses`` (the guide by default) into ``db`` through the catalogue's own write path,
    in one transaction; return their ids, in order. References are created by name (case and
    accents ignored) as the import does. No history entries: this is a bench fixture."""
    from data.catalogue import get_or_create_reference, insert_lens

    lenses = guide_lenses() if lenses is None else lenses
    refs: dict[tuple[str, str, int | None], int] = {}

    def ref(session: Any, kind: str, name: str | None, parent: int | None = None) -> int | None:
        if not name:
            return None
        key = (kind, name, parent)
        if key not in refs:
            refs[key] = get_or_create_reference(session, kind, name, parent, audit=False)
        return refs[key]

    ids: list[int] = []
    with db.transaction() as session:
        for lens in lenses:
            supplier = ref(session, "fournisseur", lens["fournisseur"])
            gamme = ref(session, "gamme", lens.get("gamme"), supplier)
            serie = ref(session, "serie", lens.get("serie"), gamme) if gamme else None
            raw = {
                "nom": lens["nom"],
                "variante": lens.get("variante"),
                "fournisseur_id": supplier,
                "gamme_id": gamme,
                "serie_id": serie,
                "materiau_id": ref(session, "materiau", lens.get("materiau")),
                "indice": lens["indice"],
                "hauteur_min": lens.get("hauteur_min"),
                "hauteur_max": lens.get("hauteur_max"),
                "gravure_nasale": lens.get("gravure_nasale"),
                "url_gravure": lens.get("url_gravure"),
                "url_source": lens.get("url_source"),
            }
            if lens.get("symboles"):
                raw["symboles"] = lens["symboles"]  # the shapes of its sign
            ids.append(insert_lens(session, raw, None, False, audit=False))
    return ids


def build_guide_database(path: Path, lenses: Sequence[dict[str, Any]] | None = None) -> list[int]:
    """A fresh SQLite catalogue at ``path`` (replaced if present), created by the app's
    migrations and filled with ``load_guide``; returns the lens ids in the lenses' order."""
    from data.config import load_settings
    from data.database import open_database
    from data.migrate import upgrade

    path = Path(path)
    for stale in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        stale.unlink(missing_ok=True)
    url = "sqlite:///" + path.as_posix()
    db = open_database(url, load_settings(cli_url=url))
    try:
        upgrade(db)
        return load_guide(db, lenses)
    finally:
        db.dispose()


def summary(lenses: Sequence[dict[str, Any]]) -> str:
    makers = Counter(lens["fournisseur"] for lens in lenses)
    codes = Counter((lens["fournisseur"], lens["gravure_nasale"]) for lens in lenses)
    groups = {(lens["fournisseur"], round(lens["indice"], 2), lens["gravure_nasale"]) for lens in lenses}
    signs = sum(1 for lens in lenses if lens.get("symboles"))
    lines = [
        f"{len(lenses)} verres, {len(makers)} fabricants, {len(codes)} codes, {len(groups)} groupes "
        f"(fabricant, indice, code), {signs} verres à signe",
        "  " + ", ".join(f"{name} {count}" for name, count in makers.most_common()),
    ]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Le guide de gravures du banc d'identification.")
    parser.add_argument("--database", type=Path, help="écrire le guide dans ce fichier SQLite")
    args = parser.parse_args(argv)
    lenses = guide_lenses()
    print(summary(lenses))
    if args.database:
        started = time.perf_counter()
        build_guide_database(args.database, lenses)
        print(f"écrit dans {args.database} en {time.perf_counter() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
