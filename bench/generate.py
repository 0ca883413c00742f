"""Deterministic synthetic catalogues of 10,000 to 1,000,000 lenses for the benchmark.

Why synthetic: real catalogues hold thousands of lenses, and the benchmark must prove the app at a
million. The distributions follow the sample catalogue and real price lists: a few big suppliers and
many small ones, several ranges and series per supplier, indices skewed towards 1.5-1.67, fitting
heights around 14-18 mm, short engraving codes with common maker prefixes ("AI", "CX") and rare
letters, a minority of accented names, and a few hundred small PNG drawings shared by many lenses.
About a third of the lenses carry a sign of 1 to 4 shapes (``verres_symboles``), drawn by how
often the guides show each shape (``catalogue_data.SIGN_SHAPES``: the horizontal bar is on about a fifth of
them), from a random stream of their own (the lens rows are what they were before signs).

The schema comes from the real Alembic revisions (``data.migrate.upgrade``); rows are then written
with raw ``sqlite3`` (or PostgreSQL ``COPY``) for speed, and the folded columns are computed with
the very functions the catalogue service uses (``data.text.fold`` / ``search_key``, and the code
keys of ``data.catalogue.code_keys``), so search and sort behave exactly as on a catalogue the
app filled itself.

Files are cached in ``bench/cache/`` under a key made of this file's source, the drawn-from
values (``bench.catalogue_data``), ``data/text.py`` and the schema head revision: change any of them and the catalogues are generated again.

    python -m bench.generate 100000
"""

from __future__ import annotations

import argparse
import hashlib
import inspect
import io
import os
import random
import sqlite3
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from bench.catalogue_data import (
    CODE_LETTERS,
    CODE_WEIGHTS,
    IMAGE_COUNT,
    IMAGE_SHARE,
    INDEX_WEIGHTS,
    INDICES,
    KNOWN_CODES,
    MATERIAL_WEIGHTS,
    MATERIALS,
    MIN_HEIGHT_WEIGHTS,
    MIN_HEIGHTS,
    RANGE_WORDS,
    SERIES_WORDS,
    SUPPLIERS,
    VARIANT_WEIGHTS,
    VARIANTS,
    sign_rows,
)

BENCH_DIR = Path(__file__).resolve().parent
CACHE_DIR = BENCH_DIR / "cache"
PROJECT_ROOT = BENCH_DIR.parent
SEED = 20_261_124
CHUNK = 50_000
TIMESTAMP = "2025-06-02 09:30:00.000000"

LENS_COLUMNS = (
    "id", "nom", "variante", "fournisseur_id", "gamme_id", "serie_id", "materiau_id", "indice",
    "hauteur_min", "hauteur_max", "gravure_nasale", "url_gravure", "url_source", "image_id",
    "exemple", "version", "cree_le", "modifie_le", "recherche", "tri_nom", "tri_variante",
    "tri_gravure", "tri_gamme", "tri_serie", "tri_materiau",
)


@dataclass
class References:
    """Reference rows in insertion order, plus what the lens generator draws from."""

    suppliers: list[tuple[int, str, str]] = field(default_factory=list)  # id, nom, nom_normalise
    materials: list[tuple[int, str, str]] = field(default_factory=list)
    ranges: list[tuple[int, str, str, int]] = field(default_factory=list)  # + fournisseur_id
    series: list[tuple[int, str, str, int]] = field(default_factory=list)  # + gamme_id
    images: list[tuple[int, bytes, str, int, str, str]] = field(default_factory=list)
    supplier_weights: list[float] = field(default_factory=list)
    ranges_of: dict[int, list[int]] = field(default_factory=dict)
    series_of: dict[int, list[int]] = field(default_factory=dict)
    prefixes_of: dict[int, list[str]] = field(default_factory=dict)
    names: dict[int, str] = field(default_factory=dict)  # range and series id -> name (by table)
    series_names: dict[int, str] = field(default_factory=dict)


@lru_cache(maxsize=200_000)
def _fold(value: str | None) -> str:
    from data.text import fold

    return fold(value)


def cache_key() -> str:
    """Generator source + folding rules + code keys + schema (head and revision files): any
    change makes new catalogues."""
    from data.migrate import head_revision

    digest = hashlib.sha256()
    digest.update(Path(__file__).read_bytes())
    digest.update((BENCH_DIR / "catalogue_data.py").read_bytes())
    digest.update((PROJECT_ROOT / "data" / "text.py").read_bytes())
    # What the stored code keys come from (not the rest of code_keys.py: its read side).
    from data.catalogue.code_keys import engraving_skeletons

    digest.update((PROJECT_ROOT / "data" / "identify" / "codes.py").read_bytes())
    digest.update(inspect.getsource(engraving_skeletons.__wrapped__).encode())
    for revision in sorted((PROJECT_ROOT / "migrations" / "versions").glob("*.py")):
        digest.update(revision.read_bytes())
    digest.update(head_revision().encode())
    return digest.hexdigest()[:12]


def catalogue_path(rows: int, key: str | None = None) -> Path:
    return CACHE_DIR / f"catalogue-{rows}-{key or cache_key()}.db"


# ---------------------------------------------------------------- reference data


def build_references(rng: random.Random) -> References:
    refs = References()
    for number, name in enumerate(SUPPLIERS, start=1):
        refs.suppliers.append((number, name, _fold(name)))
        # Zipf-like: the first suppliers hold most of the catalogue.
        refs.supplier_weights.append(1.0 / number**1.05)
    for number, name in enumerate(MATERIALS, start=1):
        refs.materials.append((number, name, _fold(name)))
    _build_ranges(rng, refs)
    _build_prefixes(rng, refs)
    refs.images = [_image_row(number) for number in range(1, IMAGE_COUNT + 1)]
    return refs


def _build_ranges(rng: random.Random, refs: References) -> None:
    range_id = series_id = 0
    for supplier_id, _name, _folded in refs.suppliers:
        words = rng.sample(RANGE_WORDS, k=rng.randint(2, 9))
        refs.ranges_of[supplier_id] = []
        for word in words:
            range_id += 1
            refs.ranges.append((range_id, word, _fold(word), supplier_id))
            refs.ranges_of[supplier_id].append(range_id)
            refs.names[range_id] = word
            refs.series_of[range_id] = []
            for serie in rng.sample(SERIES_WORDS, k=rng.choice((0, 1, 2, 3, 3, 4, 5, 6))):
                series_id += 1
                refs.series.append((series_id, serie, _fold(serie), range_id))
                refs.series_of[range_id].append(series_id)
                refs.series_names[series_id] = serie


def _build_prefixes(rng: random.Random, refs: References) -> None:
    letters = "ABCDEFGHIKLMNPRSTVWXY"
    for supplier_id, _name, _folded in refs.suppliers:
        count = rng.randint(1, 3)
        prefixes = ["".join(rng.choice(letters) for _ in range(rng.randint(1, 2))) for _ in range(count)]
        refs.prefixes_of[supplier_id] = prefixes
    # The biggest maker engraves "AI…" on its premium designs, as in Claire's scenario.
    refs.prefixes_of[1] = ["AI", "CX", "AI"]


def _image_row(number: int) -> tuple[int, bytes, str, int, str, str]:
    data = engraving_png(number)
    return (number, data, "image/png", len(data), hashlib.sha256(data).hexdigest(), TIMESTAMP)


def engraving_png(number: int) -> bytes:
    """A small, deterministic drawing of two engraving circles and a code."""
    from PIL import Image, ImageDraw

    rng = random.Random(number)
    image = Image.new("L", (160, 64), 255)
    draw = ImageDraw.Draw(image)
    for x in (30, 130):
        draw.ellipse((x - 9, 20, x + 9, 38), outline=40, width=2)
    draw.text((12, 44), f"{rng.randint(10, 99)}", fill=20)
    draw.text((112, 44), "".join(rng.choice("ACEHKLMPRSTVX") for _ in range(3)), fill=20)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=False)
    return out.getvalue()


# ---------------------------------------------------------------- lenses


def _code(rng: random.Random, prefixes: Sequence[str]) -> str | None:
    roll = rng.random()
    if roll < 0.05:
        return None
    if roll < 0.053:
        return rng.choice(KNOWN_CODES)
    prefix = rng.choice(prefixes) if rng.random() < 0.7 else ""
    length = rng.randint(max(2, len(prefix)), 6)
    tail = "".join(rng.choices(CODE_LETTERS, CODE_WEIGHTS, k=length - len(prefix)))
    code = prefix + tail
    shape = rng.random()
    if shape < 0.12:
        return code[:-1] + code[-1].lower()
    if shape < 0.17 and len(code) >= 3:
        return code[:2] + " " + code[2:]
    if shape < 0.20:
        return code.lower()
    return code


def _name(rng: random.Random, range_name: str | None, series_name: str | None) -> str:
    base = range_name or rng.choice(RANGE_WORDS)
    words = [base, series_name or rng.choice(SERIES_WORDS)]
    roll = rng.random()
    if roll < 0.25:
        words.append(str(rng.choice((2, 3, 4, 5, 360, 1.74))))
    elif roll < 0.35:
        words.append(rng.choice(("HD", "4K", "Plus", "Pro", "Mono", "Digital", "Précis")))
    return " ".join(words)


class UniqueNames:
    """Keeps (supplier, name, variant, index) unique, as in a real catalogue.

    The import treats that quadruple as the identity of a lens and refuses a file holding two
    different lenses under it; a colliding name gets a model number ("Varilux Physio 3.0 12").
    """

    def __init__(self) -> None:
        self.seen: set[tuple[int, str, str, float]] = set()
        self.numbers: dict[tuple[int, str], int] = {}

    def unique(self, supplier: int, nom: str, variante: str | None, indice: float) -> str:
        base, candidate = nom, nom
        while (key := (supplier, _fold(candidate), _fold(variante), indice)) in self.seen:
            number = self.numbers.get((supplier, base), 1) + 1
            self.numbers[(supplier, base)] = number
            candidate = f"{base} {number}"
        self.seen.add(key)
        return candidate


def _heights(rng: random.Random) -> tuple[int | None, int | None]:
    low = None if rng.random() < 0.07 else rng.choices(MIN_HEIGHTS, MIN_HEIGHT_WEIGHTS)[0]
    if rng.random() < 0.10:
        return low, None
    high = (low or 14) + rng.randint(12, 26)
    return low, min(high, 100)


def _image_of(supplier: int, gamme: int | None, serie: int | None) -> int:
    """One drawing per design, shared by all its lenses (deterministic, unlike ``hash(None)``)."""
    return (supplier * 7919 + (gamme or 0) * 104_729 + (serie or 0) * 31) % IMAGE_COUNT + 1


def _slug(name: str) -> str:
    return "".join(ch for ch in _fold(name) if ch.isalnum()) or "optique"


def lens_rows(rng: random.Random, refs: References, count: int, first_id: int = 1) -> Iterator[tuple]:
    """The lens rows, columns in ``LENS_COLUMNS`` order, folded columns as the service computes them."""
    from data.text import search_key

    supplier_ids = [s[0] for s in refs.suppliers]
    supplier_names = {s[0]: s[1] for s in refs.suppliers}
    material_ids = [m[0] for m in refs.materials]
    material_keys = {m[0]: m[2] for m in refs.materials}
    names = UniqueNames()
    for lens_id in range(first_id, first_id + count):
        supplier = rng.choices(supplier_ids, refs.supplier_weights)[0]
        ranges = refs.ranges_of[supplier]
        gamme = None if rng.random() < 0.05 else ranges[min(int(rng.expovariate(0.6)), len(ranges) - 1)]
        series = refs.series_of.get(gamme, []) if gamme else []
        serie = rng.choice(series) if series and rng.random() < 0.75 else None
        nom = _name(rng, refs.names.get(gamme) if gamme else None, refs.series_names.get(serie) if serie else None)
        variante = rng.choices(VARIANTS, VARIANT_WEIGHTS)[0] if rng.random() < 0.42 else None
        materiau = rng.choices(material_ids, MATERIAL_WEIGHTS)[0] if rng.random() < 0.9 else None
        indice = rng.choices(INDICES, INDEX_WEIGHTS)[0]
        nom = names.unique(supplier, nom, variante, indice)
        low, high = _heights(rng)
        code = _code(rng, refs.prefixes_of[supplier])
        url_gravure = f"https://gravures.example.fr/{_slug(supplier_names[supplier])}/{lens_id}.png" if rng.random() < 0.08 else None
        url_source = f"https://www.{_slug(supplier_names[supplier])}.fr/" if rng.random() < 0.6 else None
        image = _image_of(supplier, gamme, serie) if rng.random() < IMAGE_SHARE else None
        yield (
            lens_id, nom, variante, supplier, gamme, serie, materiau, indice, low, high, code,
            url_gravure, url_source, image, False, 1, TIMESTAMP, TIMESTAMP,
            search_key(nom, variante, code), _fold(nom), _fold(variante) or None, _fold(code) or None,
            _fold(refs.names[gamme]) if gamme else None,
            _fold(refs.series_names[serie]) if serie else None,
            material_keys[materiau] if materiau else None,
        )


# ---------------------------------------------------------------- SQLite files


def _create_schema(path: Path) -> None:
    """The real schema, through the app's own migrations."""
    from data.config import load_settings
    from data.database import open_database
    from data.migrate import upgrade

    url = "sqlite:///" + path.as_posix()
    db = open_database(url, load_settings(cli_url=url))
    try:
        upgrade(db)
    finally:
        db.dispose()


def _fill_sqlite(path: Path, rows: int) -> None:
    rng = random.Random(SEED)
    refs = build_references(rng)
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("PRAGMA journal_mode=OFF")
        conn.execute("PRAGMA synchronous=OFF")
        conn.execute("PRAGMA foreign_keys=OFF")
        conn.execute("PRAGMA cache_size=-262144")
        indexes = conn.execute(
            "SELECT name, sql FROM sqlite_master WHERE type='index' AND tbl_name='verres' AND sql IS NOT NULL"
        ).fetchall()
        conn.execute("BEGIN")
        for name, _sql in indexes:
            conn.execute(f'DROP INDEX "{name}"')
        _insert_references(conn.executemany, refs)
        insert = f"INSERT INTO verres ({', '.join(LENS_COLUMNS)}) VALUES ({', '.join('?' * len(LENS_COLUMNS))})"
        produced = lens_rows(random.Random(SEED + rows), refs, rows)
        shape_ids = dict(conn.execute("SELECT cle, id FROM symboles").fetchall())
        signs = random.Random(SEED + 19 + rows)
        while chunk := [row for _, row in zip(range(CHUNK), produced, strict=False)]:
            conn.executemany(insert, chunk)
            conn.executemany(INSERT_KEYS, code_key_rows(chunk))
            conn.executemany(INSERT_SIGNS, sign_rows(signs, chunk, shape_ids))
        for _name, sql in indexes:
            conn.execute(sql)
        conn.execute("COMMIT")
        problems = conn.execute("PRAGMA foreign_key_check").fetchall()
        if problems:
            raise RuntimeError(f"generated catalogue breaks {len(problems)} foreign keys")
        conn.execute("PRAGMA journal_mode=WAL")
    finally:
        conn.close()


INSERT_KEYS = "INSERT INTO verres_codes (squelette, verre_id) VALUES (?, ?)"
INSERT_SIGNS = "INSERT INTO verres_symboles (verre_id, symbole_id) VALUES (?, ?)"


_ENGRAVING = LENS_COLUMNS.index("gravure_nasale")


def code_key_rows(lenses: Sequence[tuple]) -> list[tuple[str, int]]:
    """The code keys of generated lens rows (``verres_codes``), computed as the app computes them."""
    from data.catalogue.code_keys import engraving_skeletons

    return [(skel, row[0]) for row in lenses for skel in engraving_skeletons(row[_ENGRAVING])]


def _insert_references(executemany: Callable[[str, list[tuple]], object], refs: References) -> None:
    executemany("INSERT INTO fournisseurs (id, nom, nom_normalise, exemple) VALUES (?, ?, ?, 0)", refs.suppliers)
    executemany("INSERT INTO materiaux (id, nom, nom_normalise, exemple) VALUES (?, ?, ?, 0)", refs.materials)
    executemany(
        "INSERT INTO gammes (id, nom, nom_normalise, fournisseur_id, exemple) VALUES (?, ?, ?, ?, 0)", refs.ranges
    )
    executemany("INSERT INTO series (id, nom, nom_normalise, gamme_id, exemple) VALUES (?, ?, ?, ?, 0)", refs.series)
    executemany(
        "INSERT INTO images_gravure (id, donnees, type_mime, taille, sha256, cree_le) VALUES (?, ?, ?, ?, ?, ?)",
        refs.images,
    )


def generate(rows: int, path: Path) -> float:
    """Write a fresh catalogue of ``rows`` lenses to ``path``; return the seconds it took."""
    started = time.perf_counter()
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".partial")
    for leftover in (partial, Path(f"{partial}-wal"), Path(f"{partial}-shm")):
        leftover.unlink(missing_ok=True)
    _create_schema(partial)
    _fill_sqlite(partial, rows)
    os.replace(partial, path)
    return time.perf_counter() - started


def ensure_catalogue(rows: int, say: Callable[[str], None] = print) -> tuple[Path, float | None]:
    """The cached catalogue of ``rows`` lenses, generated when missing or stale.

    Returns its path and the generation time in seconds (None when it came from the cache).
    """
    key = cache_key()
    path = catalogue_path(rows, key)
    if path.exists():
        return path, None
    for stale in CACHE_DIR.glob(f"catalogue-{rows}-*.db*"):
        stale.unlink(missing_ok=True)
    say(f"Génération du catalogue de {rows:,} verres…".replace(",", " "))
    seconds = generate(rows, path)
    say(f"  fait en {seconds:.1f} s ({path.stat().st_size / 1e6:.0f} Mo)")
    return path, seconds


def reference_rows(seed: int = SEED) -> References:
    """The same reference data as the SQLite files (for filling a PostgreSQL database)."""
    return build_references(random.Random(seed))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Génère un catalogue synthétique pour le banc d'essai.")
    parser.add_argument("rows", type=int, nargs="+")
    args = parser.parse_args(argv)
    for rows in args.rows:
        path, seconds = ensure_catalogue(rows)
        print(f"{path} ({'cache' if seconds is None else f'{seconds:.1f} s'})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
