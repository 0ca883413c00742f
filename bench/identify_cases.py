"""Identification cases drawn from the engraving guide, and their scoring (issue 18).

An optician reads ONE alternative of a lens's code whole (``E3S`` of ``E3 ou E3S ou E3XS``,
``KR 1.60 POL``), then types, by kind (``KINDS``):

- ``code``: the code as read, in a random case, spaces sometimes dropped;
- ``code+index``: the code and the index (``e3s 1,67``: French comma or dot, sometimes short);
- ``code, index ticked``: the code; the index is ticked in the list (``Case.ticked_index``);
- ``maker+code+index``: ``zeiss spu50 1,5`` (the maker as said, sometimes its first 4+ letters);
- ``misread+index``: one character replaced by a confusable one (O↔0, D↔0, I↔1↔l, S↔5, B↔8,
  Z↔2, G↔6, U↔V);
- ``faded+index``: one character dropped;
- ``two chars+maker+index``: only the first two characters are legible.

Lenses sharing supplier, index (2 decimals) and code form a **group**: their engravings are the
same, so the case counts as found when any lens of the target's group is ranked. For each case
``candidates`` is the number of groups an ideal matcher would have to offer for what was typed
(groups whose code has an alternative or a part consistent with the observation: the same once
case, spaces and punctuation are ignored; for a misread, also at one confusable substitution; for
a faded code, also at one deletion; for two characters, any starting with them; within the
maker and index when they were given). More than ``DECIDABLE_MAX`` cannot be decided by any
search: such cases are reported apart.

``score(cases, search)`` takes any ``search(text, ticked_index) -> ranked lens ids``: today's
search (``anchor_search``), the future ranked search, or the real window driven key by key.
Lenses whose engraving is a sign are left to the sign cases. How a code is read (alternatives,
keys, Greek readings, confusable characters) is ``bench.codes_as_read``.

**Sign cases** (issue 19) live in ``bench.identify_signs``, which scores them with ``figures``.

    python -m bench.identify_cases --anchor    # the table for today's search on the guide
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.codes_as_read import (
    CONFUSABLE,
    GREEK_READINGS,
    alternatives,
    code_key,
    code_keys,
    index_text,
)
from data.text import fold

SEED = 20_261_206
DECIDABLE_MAX = 5
TOP = (1, 5)
KINDS = (
    "code",
    "code+index",
    "code, index ticked",
    "maker+code+index",
    "misread+index",
    "faded+index",
    "two chars+maker+index",
)
Group = tuple[str, float, str]  # supplier, index rounded to 2 decimals, code
Search = Callable[[str, float | None], Sequence[int]]


# --------------------------------------------------------------------------- cases


@dataclass(frozen=True)
class Case:
    """One identification at the counter: what was typed, and which lens it was."""

    kind: str
    text: str
    ticked_index: float | None
    lens_id: int
    group: Group
    group_ids: tuple[int, ...]  # the lenses of the target's group (any of them is right)
    read: str  # the alternative the optician read, before it was degraded
    observed: str  # the code as observed (degraded), before case and spacing were applied
    candidates: int  # groups an ideal matcher has to offer for what was typed

    @property
    def decidable(self) -> bool:
        return self.candidates <= DECIDABLE_MAX


class GroupIndex:
    """The guide's lens groups, indexed by the keys an observation is compared with."""

    def __init__(self, lenses: Sequence[Mapping[str, Any]], ids: Sequence[int]) -> None:
        self.members: dict[Group, list[int]] = defaultdict(list)
        self.lens_group: dict[int, Group] = {}
        for lens, lens_id in zip(lenses, ids, strict=True):
            group = group_of(lens)
            self.members[group].append(lens_id)
            self.lens_group[lens_id] = group
        self.exact: dict[str, set[Group]] = defaultdict(set)
        self.deleted: dict[str, set[Group]] = defaultdict(set)  # key with one character less
        self.prefix: dict[str, set[Group]] = defaultdict(set)
        for group in self.members:
            for key in code_keys(group[2]):
                self.exact[key].add(group)
                self.prefix[key[:2]].add(group)
                for i in range(len(key)):
                    self.deleted[key[:i] + key[i + 1 :]].add(group)

    def consistent(
        self, kind: str, observed: str, maker: str | None, indice: float | None
    ) -> set[Group]:
        """The groups an ideal matcher has to offer for the observed code (a folded key, Greek
        signs already typed), maker and index (2 decimals)."""
        key = code_key(observed)
        if kind == "two chars+maker+index":
            found = set(self.prefix.get(key[:2], ()))
        else:
            found = set(self.exact.get(key, ()))
            if kind == "misread+index":
                for variant in substitutions(key):
                    found |= self.exact.get(variant, set())
            elif kind == "faded+index":
                found |= self.deleted.get(key, set())
        return {
            g for g in found
            if (maker is None or g[0] == maker) and (indice is None or g[1] == round(indice, 2))
        }


def group_of(lens: Mapping[str, Any]) -> Group:
    return (str(lens["fournisseur"]), round(float(lens["indice"]), 2), str(lens["gravure_nasale"]))


def substitutions(key: str) -> Iterable[str]:
    """``key`` with one character replaced by a confusable one, every way."""
    for i, ch in enumerate(key):
        for other in CONFUSABLE.get(ch, ()):
            yield key[:i] + other + key[i + 1 :]


def draw_cases(
    lenses: Sequence[Mapping[str, Any]],
    ids: Sequence[int] | None = None,
    per_kind: int = 200,
    seed: int = SEED,
    spoken: Mapping[str, str] | None = None,
) -> list[Case]:
    """``per_kind`` cases of each kind, drawn with a fixed seed. ``ids``: the lenses' ids in the
    database (1, 2, ... by default); ``spoken``: how an optician names each maker (lower case;
    by default the guide's, else the first word of the supplier's name)."""
    ids = list(range(1, len(lenses) + 1)) if ids is None else list(ids)
    if spoken is None:
        from bench.guide import MAKERS

        spoken = {maker.name: maker.spoken for maker in MAKERS}
    index = GroupIndex(lenses, ids)
    rng = random.Random(seed)
    cases: list[Case] = []
    for kind in KINDS:
        drawn = 0
        attempts = 0
        while drawn < per_kind and attempts < per_kind * 50:
            attempts += 1
            position = rng.randrange(len(lenses))
            case = _case(rng, kind, lenses[position], ids[position], index, spoken)
            if case is not None:
                cases.append(case)
                drawn += 1
    return cases


def _case(
    rng: random.Random,
    kind: str,
    lens: Mapping[str, Any],
    lens_id: int,
    index: GroupIndex,
    spoken: Mapping[str, str],
) -> Case | None:
    code = lens.get("gravure_nasale")
    if not code or lens.get("symboles"):  # a sign: the sign cases' business
        return None
    read = rng.choice(alternatives(str(code)))
    as_read = _type_greek(rng, read)
    degraded: str | None = as_read
    if kind == "misread+index":
        degraded = misread(rng, as_read)
    elif kind == "faded+index":
        degraded = faded(rng, as_read)
    if degraded is None:
        return None
    typed = observed = degraded
    supplier = str(lens["fournisseur"])
    indice = float(lens["indice"])
    maker = None
    given_index: float | None = indice
    if kind == "two chars+maker+index":
        typed = code_key(typed)[:2]
        observed = typed
        if len(typed) < 2:
            return None
    typed = type_case(rng, typed)
    ticked = None
    words = [typed]
    if kind == "code":
        given_index = None
    elif kind == "code, index ticked":
        ticked = indice
    else:
        words.append(index_text(indice, rng, short=kind != "code+index" or rng.random() < 0.3))
    if kind in ("maker+code+index", "two chars+maker+index"):
        maker = supplier
        said = spoken.get(supplier) or fold(supplier).split(" ")[0]
        if len(said) >= 5 and rng.random() < 0.4:
            said = said[: rng.randint(4, len(said) - 1)]
        said = type_case(rng, said)
        if kind == "maker+code+index" or rng.random() < 0.5:
            words.insert(0, said)
        else:
            words.insert(1, said)
    elif len(words) == 2 and rng.random() < 0.15:
        words.reverse()  # « 1,67 e3s »: words in any order
    group = group_of(lens)
    consistent = index.consistent(kind, observed, maker, given_index)
    assert group in consistent, (kind, observed, group)
    return Case(
        kind=kind,
        text=" ".join(words),
        ticked_index=ticked,
        lens_id=lens_id,
        group=group,
        group_ids=tuple(index.members[group]),
        read=read,
        observed=observed,
        candidates=len(consistent),
    )


def _type_greek(rng: random.Random, read: str) -> str:
    out = []
    for ch in read:
        options = GREEK_READINGS.get(fold(ch))
        out.append(rng.choice(options) if options else ch)
    return "".join(out)


def type_case(rng: random.Random, text: str) -> str:
    """Case is unknown under the lamp: lower (mostly), upper or as read; spaces sometimes
    dropped, underscores sometimes typed as a space or left out."""
    roll = rng.random()
    text = text.lower() if roll < 0.5 else text.upper() if roll < 0.75 else text
    if "_" in text and rng.random() < 0.5:
        text = text.replace("_", rng.choice((" ", "")))
    if " " in text and rng.random() < 0.3:
        text = text.replace(" ", "")
    return " ".join(text.split())


def misread(rng: random.Random, text: str) -> str | None:
    """``text`` with one character replaced by one it is confused with (``None``: none can be)."""
    # A capital L is not read as a 1: only the lower-case l is.
    positions = [i for i, ch in enumerate(text) if ch != "L" and ch.lower() in CONFUSABLE]
    if not positions:
        return None
    i = rng.choice(positions)
    other = rng.choice(CONFUSABLE[text[i].lower()])
    if other == "i" or (text[i].isupper() and other != "l"):
        other = other.upper()
    return text[:i] + other + text[i + 1 :]


def faded(rng: random.Random, text: str) -> str | None:
    """``text`` with one letter or digit gone (``None`` when it has fewer than two)."""
    positions = [i for i, ch in enumerate(text) if ch.isalnum()]
    if len(positions) < 2:
        return None
    i = rng.choice(positions)
    return " ".join((text[:i] + text[i + 1 :]).split())


# --------------------------------------------------------------------------- scoring


def score(cases: Sequence[Case], search: Search, top: Sequence[int] = TOP) -> dict[str, Any]:
    """Top-k per kind and overall over the decidable cases; undecidable cases counted apart
    (with their own top-5, for information). A case is found at k when any lens of its group is
    among the first k ids ``search(case.text, case.ticked_index)`` returns."""
    deepest = max(top)
    ranks: list[int | None] = []
    for case in cases:
        ranked = list(search(case.text, case.ticked_index))[:deepest]
        members = set(case.group_ids)
        ranks.append(next((i for i, lens_id in enumerate(ranked) if lens_id in members), None))
    return figures(cases, ranks, top, KINDS)


def figures(
    cases: Sequence[Any], ranks: Sequence[int | None], top: Sequence[int], known_kinds: Sequence[str]
) -> dict[str, Any]:
    deepest = max(top)

    def figures(selected: list[tuple[Any, int | None]]) -> dict[str, Any]:
        decidable = [rank for case, rank in selected if case.decidable]
        undecidable = [rank for case, rank in selected if not case.decidable]
        result: dict[str, Any] = {
            "cases": len(selected),
            "decidable": len(decidable),
            "undecidable": len(undecidable),
        }
        for k in top:
            found = sum(1 for rank in decidable if rank is not None and rank < k)
            result[f"top{k}"] = 100.0 * found / len(decidable) if decidable else 0.0
        found = sum(1 for rank in undecidable if rank is not None and rank < deepest)
        result[f"undecidable_top{deepest}"] = 100.0 * found / len(undecidable) if undecidable else 0.0
        return result

    pairs = list(zip(cases, ranks, strict=True))
    kinds = [kind for kind in known_kinds if any(c.kind == kind for c in cases)]
    kinds += sorted({c.kind for c in cases} - set(kinds))
    return {
        "kinds": {kind: figures([p for p in pairs if p[0].kind == kind]) for kind in kinds},
        "overall": figures(pairs),
    }


def table(result: Mapping[str, Any], title: str) -> str:
    """The per-kind figures as a plain-text table."""
    lines = [
        title,
        f"{'type de saisie':<24} {'cas':>5} {'décid.':>6} {'top-1':>7} {'top-5':>7} {'indécid.':>8}",
    ]
    rows = [*result["kinds"].items(), ("ensemble", result["overall"])]
    for kind, row in rows:
        lines.append(
            f"{kind:<24} {row['cases']:>5} {row['decidable']:>6} {row['top1']:>6.1f}% "
            f"{row['top5']:>6.1f}% {row['undecidable']:>8}"
        )
    return "\n".join(lines)


# --------------------------------------------------------------------------- today's search


def anchor_search(db: Any) -> Search:
    """Today's search: the text as ``LensQuery.text``, the ticked index as the index filter,
    the default sort, the first page of ``data.catalogue.lens_page``."""
    from data.catalogue import lens_page
    from data.query import LensQuery

    def search(text: str, ticked: float | None) -> list[int]:
        query = LensQuery(text=text, indices=(ticked,) if ticked is not None else ())
        return [row.id for row in lens_page(db, query, 0, max(TOP))]

    return search


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Banc d'identification sur le guide de gravures.")
    parser.add_argument("--anchor", action="store_true", help="mesurer la recherche actuelle")
    parser.add_argument("--per-kind", type=int, default=200, help="cas par type de saisie")
    parser.add_argument("--database", type=Path, help="fichier SQLite du guide (créé)")
    parser.add_argument("--show", type=int, default=0, help="afficher N cas par type")
    parser.add_argument("--signs", action="store_true", help="mesurer la recherche des signes")
    args = parser.parse_args(argv)

    from bench.guide import build_guide_database, guide_lenses, summary

    lenses = guide_lenses()
    print(summary(lenses))
    with tempfile.TemporaryDirectory(prefix="guide-") as folder:
        path = args.database or Path(folder) / "guide.db"
        started = time.perf_counter()
        ids = build_guide_database(path, lenses)
        print(f"guide écrit en {time.perf_counter() - started:.1f} s")
        cases = draw_cases(lenses, ids, per_kind=args.per_kind)
        if args.show:
            for kind in KINDS:
                for case in [c for c in cases if c.kind == kind][: args.show]:
                    print(f"  {kind:<24} {case.text!r:<28} coché={case.ticked_index} "
                          f"lu={case.read!r} groupes={case.candidates}")
        if args.anchor:
            from data.config import load_settings
            from data.database import open_database

            url = "sqlite:///" + Path(path).as_posix()
            db = open_database(url, load_settings(cli_url=url))
            try:
                started = time.perf_counter()
                result = score(cases, anchor_search(db))
                elapsed = time.perf_counter() - started
            finally:
                db.dispose()
            print(table(result, f"Recherche actuelle ({len(cases)} cas, {elapsed:.1f} s)"))
        if args.signs:
            from bench.identify_signs import draw_sign_cases, ranked_sign_search, score_signs
            from data.config import load_settings
            from data.database import open_database

            sign_cases = draw_sign_cases(lenses, ids, per_kind=args.per_kind)
            for case in sign_cases[:: max(1, len(sign_cases) // max(1, args.show))] if args.show else ():
                print(f"  {case.kind:<26} {case.text!r:<26} palette={list(case.symbols)} "
                      f"coché={case.ticked_index} groupes={case.candidates}")
            url = "sqlite:///" + Path(path).as_posix()
            db = open_database(url, load_settings(cli_url=url))
            try:
                started = time.perf_counter()
                result = score_signs(sign_cases, ranked_sign_search(db))
                elapsed = time.perf_counter() - started
            finally:
                db.dispose()
            print(table(result, f"Signes, recherche classée ({len(sign_cases)} cas, {elapsed:.1f} s)"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
