"""Speed of the ranked search: from the box's text to the first ranked page's rows.

Builds (or reuses) the benchmark's catalogue (``bench.generate``: a million lenses, their code
keys included), draws queries of each kind with a fixed seed from the catalogue's own lenses
(the optician reads one alternative of the code whole, then it may be degraded), and times
each as the window runs it: the vocabulary, the box read (``parse``), ``ranked_search`` and the
rows of the first page. Today's plain search on the same text (``lens_page(LensQuery(text=...))``)
is the anchor, timed in the same run.

The « symboles » kind is the palette (issue 19): 1 to 3 shapes clicked, taken from the signs of
the catalogue's lenses (a third of them have one), a frequent shape alone among them (the
horizontal bar), no text; timed from the click to the first ranked page's rows. Its anchor is
the plain browse (the first page of the whole catalogue, sorted).

    python -m bench.identify_speed                  # SQLite, 1,000,000 lenses
    python -m bench.identify_speed --rows 100000 --postgres postgresql+psycopg://…/bench

``--postgres`` fills that (empty) database with the same catalogue first (``bench.pgfill``).
Prints p50 and p95 per kind in ms; ``--json`` writes them to a file too.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select

SEED = 18_2026
PAGE = 100
QUERIES_PER_KIND = 40
WARM_UP = 5

#: Characters an optician confuses under the lamp (as in ``data.identify.codes``).
MISREADS = {"o": "0", "0": "o", "d": "0", "i": "1", "1": "i", "l": "1", "s": "5", "5": "s",
            "b": "8", "8": "b", "z": "2", "2": "z", "g": "6", "6": "g", "u": "v", "v": "u"}
KINDS = (
    "code", "code + indice", "fabricant + code + indice", "mal lu + indice", "effacé + indice",
    "2 premiers + fabricant + indice", "1 caractère", "2 caractères",
)


@dataclass(frozen=True)
class Lens:
    code: str
    index: float
    maker: str


def _alternative(code: str, rng: random.Random) -> str:
    from data.identify.codes import ALTERNATIVES

    alternatives = [a.strip() for a in ALTERNATIVES.split(code) if a.strip()]
    return rng.choice(alternatives).replace(" ", "")


def _index_text(index: float) -> str:
    return f"{index:.3f}".rstrip("0").rstrip(".").replace(".", ",")


def _query(kind: str, lens: Lens, rng: random.Random) -> str | None:
    code = _alternative(lens.code, rng).lower()
    index = _index_text(lens.index)
    maker = lens.maker.split()[0].lower()
    if kind == "code":
        return code
    if kind == "code + indice":
        return f"{code} {index}"
    if kind == "fabricant + code + indice":
        return f"{maker} {code} {index}"
    if kind == "mal lu + indice":
        spots = [i for i, ch in enumerate(code) if ch in MISREADS]
        if not spots:
            return None
        i = rng.choice(spots)
        return f"{code[:i]}{MISREADS[code[i]]}{code[i + 1:]} {index}"
    if kind == "effacé + indice":
        if len(code) < 4:
            return None
        i = rng.randrange(len(code))
        return f"{code[:i]}{code[i + 1:]} {index}"
    if kind == "2 premiers + fabricant + indice":
        return f"{maker} {code[:2]} {index}" if len(code) >= 2 else None
    if kind == "1 caractère":
        return code[:1]
    if kind == "2 caractères":
        return code[:2] if len(code) >= 2 else None
    raise ValueError(kind)


def draw_queries(db: Any, per_kind: int = QUERIES_PER_KIND, seed: int = SEED) -> dict[str, list[str]]:
    """``per_kind`` texts of each kind, from lenses drawn with ``seed``."""
    from data.models import Fournisseur, Verre

    rng = random.Random(seed)
    with db.transaction() as session:
        highest = session.execute(select(Verre.id).order_by(Verre.id.desc()).limit(1)).scalar_one()
        wanted = sorted({rng.randint(1, highest) for _ in range(per_kind * len(KINDS) * 3)})
        rows = session.execute(
            select(Verre.gravure_nasale, Verre.indice, Fournisseur.nom)
            .join(Fournisseur, Fournisseur.id == Verre.fournisseur_id)
            .where(Verre.id.in_(wanted), Verre.gravure_nasale.is_not(None))
        ).all()
    lenses = [Lens(str(code), float(index), str(maker)) for code, index, maker in rows]
    rng.shuffle(lenses)
    queries: dict[str, list[str]] = {kind: [] for kind in KINDS}
    for kind in KINDS:
        for lens in lenses:
            if len(queries[kind]) >= per_kind:
                break
            text = _query(kind, lens, rng)
            if text:
                queries[kind].append(text)
    return queries


SYMBOLS = "symboles"
FREQUENT_SHAPE = "barre_horizontale"


def draw_palettes(db: Any, count: int = QUERIES_PER_KIND, seed: int = SEED) -> list[tuple[str, ...]]:
    """``count`` palette picks: a third of them the frequent shape alone, the others 2 or 3
    shapes of the sign of a lens drawn with ``seed`` (1 when its sign has fewer)."""
    from data.models import Symbole, VerreSymbole

    rng = random.Random(seed + 19)
    picks: list[tuple[str, ...]] = []
    with db.transaction() as session:
        highest = session.execute(select(VerreSymbole.verre_id).order_by(VerreSymbole.verre_id.desc()).limit(1)).scalar()
        if highest is None:
            return []
        while len(picks) < count:
            if len(picks) % 3 == 0:
                picks.append((FREQUENT_SHAPE,))
                continue
            lens = session.execute(
                select(VerreSymbole.verre_id).where(VerreSymbole.verre_id >= rng.randint(1, highest))
                .order_by(VerreSymbole.verre_id).limit(1)
            ).scalar()
            if lens is None:
                continue
            keys = list(session.execute(
                select(Symbole.cle).join(VerreSymbole, VerreSymbole.symbole_id == Symbole.id)
                .where(VerreSymbole.verre_id == lens)
            ).scalars())
            rng.shuffle(keys)
            picks.append(tuple(keys[: rng.choice((2, 3))]))
    return picks


def palette_first_page(db: Any, keys: tuple[str, ...]) -> int:
    """What the window does for shapes clicked in the palette: ranked search, first page."""
    from data import catalogue
    from data.catalogue.ranked import ranked_search
    from data.catalogue.vocabulary import vocabulary
    from data.identify import parse
    from data.query import LensQuery

    result = ranked_search(db, LensQuery(symbols=keys), parse("", vocabulary(db)))
    assert result is not None
    return len(catalogue.lens_rows(db, result.ids[:PAGE]))


def browse_first_page(db: Any, _keys: tuple[str, ...]) -> int:
    """The plain browse: the first page of the whole catalogue, in the default order."""
    from data import catalogue
    from data.query import LensQuery

    return len(catalogue.lens_page(db, LensQuery(), 0, PAGE))


def ranked_first_page(db: Any, text: str) -> int:
    """What the window does for one query: vocabulary, box read, ranked search, first page."""
    from data import catalogue
    from data.catalogue.candidates import browse_query
    from data.catalogue.ranked import ranked_search
    from data.catalogue.vocabulary import vocabulary
    from data.identify import parse
    from data.query import LensQuery

    parsed = parse(text, vocabulary(db))
    result = ranked_search(db, LensQuery(), parsed)
    if result is None:
        return len(catalogue.lens_page(db, browse_query(LensQuery(), parsed), 0, PAGE))
    return len(catalogue.lens_rows(db, result.ids[:PAGE]))


def anchor_first_page(db: Any, text: str) -> int:
    """Today's plain search on the same text: its first page."""
    from data import catalogue
    from data.query import LensQuery

    return len(catalogue.lens_page(db, LensQuery(text=text), 0, PAGE))


def _time(run: Callable[[Any, Any], int], db: Any, texts: Sequence[Any]) -> list[float]:
    for text in texts[:WARM_UP]:
        run(db, text)
    times = []
    for text in texts:
        started = time.perf_counter()
        run(db, text)
        times.append((time.perf_counter() - started) * 1000)
    return times


def _p95(times: Sequence[float]) -> float:
    ordered = sorted(times)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def measure(
    db: Any, per_kind: int = QUERIES_PER_KIND, anchor: bool = True, kinds: Sequence[str] | None = None
) -> dict[str, dict[str, float]]:
    """p50/p95 (ms) per kind for the ranked search and, with ``anchor``, today's search
    (``kinds``: only those, ``SYMBOLS`` among them)."""
    figures: dict[str, dict[str, float]] = {}
    for kind, texts in draw_queries(db, per_kind).items():
        if kinds is not None and kind not in kinds:
            continue
        ours = _time(ranked_first_page, db, texts)
        row = {"n": len(texts), "p50_ms": statistics.median(ours), "p95_ms": _p95(ours)}
        if anchor:
            theirs = _time(anchor_first_page, db, texts)
            row.update(anchor_p50_ms=statistics.median(theirs), anchor_p95_ms=_p95(theirs))
        figures[kind] = row
    palettes = draw_palettes(db, per_kind) if kinds is None or SYMBOLS in kinds else []
    if palettes:
        ours = _time(palette_first_page, db, palettes)
        row = {"n": len(palettes), "p50_ms": statistics.median(ours), "p95_ms": _p95(ours)}
        if anchor:
            theirs = _time(browse_first_page, db, palettes)
            row.update(anchor_p50_ms=statistics.median(theirs), anchor_p95_ms=_p95(theirs))
        figures[SYMBOLS] = row
    return figures


def table(figures: dict[str, dict[str, float]]) -> str:
    lines = [f"{'genre':34} {'n':>3} {'p50':>7} {'p95':>7}   {'ancre p50':>9} {'ancre p95':>9}"]
    for kind, row in figures.items():
        anchor = (
            f"{row['anchor_p50_ms']:9.1f} {row['anchor_p95_ms']:9.1f}" if "anchor_p50_ms" in row else ""
        )
        lines.append(f"{kind:34} {int(row['n']):3d} {row['p50_ms']:7.1f} {row['p95_ms']:7.1f}   {anchor}")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Vitesse de la recherche classée (p50/p95 par genre).")
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--per-kind", type=int, default=QUERIES_PER_KIND)
    parser.add_argument("--postgres", help="URL d'une base PostgreSQL vide, remplie d'abord")
    parser.add_argument("--no-anchor", action="store_true")
    parser.add_argument("--json", type=Path)
    parser.add_argument("--kind", action="append", help=f"seulement ce genre (« {SYMBOLS} », …)")
    args = parser.parse_args(argv)
    from bench.writes import open_url

    if args.postgres:
        from bench.pgfill import fill_postgres

        print(f"Remplissage PostgreSQL ({args.rows} verres)… {fill_postgres(args.postgres, args.rows):.0f} s")
        url = args.postgres
    else:
        from bench.generate import ensure_catalogue

        path, _seconds = ensure_catalogue(args.rows)
        url = "sqlite:///" + path.as_posix()
    db = open_url(url)
    try:
        figures = measure(db, args.per_kind, anchor=not args.no_anchor, kinds=args.kind)
    finally:
        db.dispose()
    print(table(figures))
    if args.json:
        args.json.write_text(json.dumps(figures, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
