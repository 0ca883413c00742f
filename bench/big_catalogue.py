"""A catalogue of N megabytes of engraving photos, for the large-catalogue benchmark.

    python -m bench.big_catalogue 10240      # about 10,000 lenses, each with its own 1 MB JPEG

Opticians photograph engravings with a phone: a picture weighs about a megabyte. A catalogue of
10,000 such lenses is 10 GB, and the app must open, browse, back up and check it as easily as a
small one. Each lens gets its own picture (``picture``): one of a few noisy gradient photos,
shifted by an offset of its own and labelled with its number, then encoded as a full baseline
JPEG of about 1 MB (quality 95, 1400 × 1000 pixels). Shifting is cheap; the encoding (about
10 ms) runs in a pool of processes. Every picture is a different image that the app's own check
(``data.catalogue.decode_check_image``) accepts.

The lens rows are those of ``bench.generate`` (suppliers, ranges, series, indices, codes, signs,
folded columns), over the schema the app's migrations create; the pictures are stored as the app
stores them (``images_gravure``: bytes, type, size, SHA-256; ``verres.image_id``). Files are cached
in ``bench/cache/`` under a key made of this file and ``bench.generate``'s key (generator, folding
rules, schema).
"""

from __future__ import annotations

import argparse
import hashlib
import io
import multiprocessing
import os
import random
import shutil
import sqlite3
import sys
import time
from collections.abc import Callable, Iterator
from functools import lru_cache
from pathlib import Path

from bench import generate

PICTURE_SIZE = (1400, 1000)
QUALITY = 95
BASE_PICTURES = 6
PICTURE_MB = 1.0  # what one picture weighs, about: N MB of catalogue is N lenses
BATCH = 32
MIME = "image/jpeg"
IMAGE_COLUMN = generate.LENS_COLUMNS.index("image_id")
INSERT_IMAGE = "INSERT INTO images_gravure (id, donnees, type_mime, taille, sha256, cree_le) VALUES (?, ?, ?, ?, ?, ?)"
DISK_FACTOR = 3  # the catalogue, the backup's working copy and the backup itself


def cache_key() -> str:
    digest = hashlib.sha256(Path(__file__).read_bytes())
    digest.update(generate.cache_key().encode())
    return digest.hexdigest()[:12]


def lens_count(size_mb: int) -> int:
    return max(1, round(size_mb / PICTURE_MB))


def catalogue_path(size_mb: int, key: str | None = None, cache_dir: Path = generate.CACHE_DIR) -> Path:
    return cache_dir / f"big-{size_mb}mb-{key or cache_key()}.db"


# ---------------------------------------------------------------- pictures


@lru_cache(maxsize=BASE_PICTURES)
def _base(number: int) -> object:
    """A noisy colour gradient (a photo's grain makes JPEG as heavy as a real photo's)."""
    from PIL import Image, ImageChops

    width, height = PICTURE_SIZE
    gradient = Image.linear_gradient("L").resize(PICTURE_SIZE)
    bands = [
        ImageChops.add(Image.effect_noise(PICTURE_SIZE, 40 + 8 * band + number), gradient.rotate(90 * (band + number)),
                       scale=2)
        for band in range(3)
    ]
    return Image.merge("RGB", bands)


def picture(number: int) -> bytes:
    """Picture ``number``: a base photo shifted by its own offset, its number drawn on it."""
    from PIL import ImageChops, ImageDraw

    width, height = PICTURE_SIZE
    base = _base(number % BASE_PICTURES)
    image = ImageChops.offset(base, (number * 37) % width, (number * 91) % height)  # type: ignore[arg-type]
    draw = ImageDraw.Draw(image)
    draw.rectangle((40, 40, 420, 140), fill=(250, 250, 245))
    draw.text((60, 60), f"Gravure n° {number}", fill=(20, 20, 20), font_size=48)
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=QUALITY)
    return out.getvalue()


def picture_row(number: int) -> tuple[int, bytes, str, int, str, str]:
    data = picture(number)
    return (number, data, MIME, len(data), hashlib.sha256(data).hexdigest(), generate.TIMESTAMP)


def picture_rows(count: int, workers: int) -> Iterator[tuple[int, bytes, str, int, str, str]]:
    """Rows 1..count in order, encoded by ``workers`` processes (inline for one)."""
    numbers = range(1, count + 1)
    if workers <= 1:
        yield from map(picture_row, numbers)
        return
    with multiprocessing.get_context("spawn").Pool(workers) as pool:
        yield from pool.imap(picture_row, numbers, chunksize=4)


# ---------------------------------------------------------------- the file


def _fill(path: Path, count: int, workers: int, say: Callable[[str], None]) -> None:
    rng = random.Random(generate.SEED)
    refs = generate.build_references(rng)
    refs.images = []  # every lens has its own photo, below
    lenses = list(generate.lens_rows(random.Random(generate.SEED + count), refs, count))
    lenses = [row[:IMAGE_COLUMN] + (row[0],) + row[IMAGE_COLUMN + 1:] for row in lenses]
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        for pragma in ("journal_mode=OFF", "synchronous=OFF", "foreign_keys=OFF"):
            conn.execute(f"PRAGMA {pragma}")
        conn.execute("BEGIN")
        generate._insert_references(conn.executemany, refs)
        shape_ids = dict(conn.execute("SELECT cle, id FROM symboles").fetchall())
        insert = (f"INSERT INTO verres ({', '.join(generate.LENS_COLUMNS)}) "
                  f"VALUES ({', '.join('?' * len(generate.LENS_COLUMNS))})")
        conn.executemany(insert, lenses)
        conn.executemany(generate.INSERT_KEYS, generate.code_key_rows(lenses))
        conn.executemany(generate.INSERT_SIGNS, generate.sign_rows(random.Random(generate.SEED + 19), lenses, shape_ids))
        conn.execute("COMMIT")
        _write_pictures(conn, count, workers, say)
        _seal(conn)
    finally:
        conn.close()


def _seal(conn: sqlite3.Connection) -> None:
    """Foreign keys checked; the file left in WAL mode, as the app keeps it."""
    if broken := conn.execute("PRAGMA foreign_key_check").fetchall():
        raise RuntimeError(f"generated catalogue breaks {len(broken)} foreign keys")
    conn.execute("PRAGMA journal_mode=WAL")


def _write_pictures(conn: sqlite3.Connection, count: int, workers: int, say: Callable[[str], None]) -> None:
    started = time.perf_counter()
    written = stored = 0
    shown = 0
    batch: list[tuple[int, bytes, str, int, str, str]] = []
    for row in picture_rows(count, workers):
        batch.append(row)
        if len(batch) == BATCH or row[0] == count:
            conn.execute("BEGIN")
            conn.executemany(INSERT_IMAGE, batch)
            conn.execute("COMMIT")
            written += len(batch)
            stored += sum(r[3] for r in batch)
            batch.clear()
            percent = written * 100 // count
            if percent >= shown + 5 or written == count:
                shown = percent
                elapsed = time.perf_counter() - started
                say(f"  {written:>6} / {count} images, {stored / 1e6:,.0f} Mo, {elapsed:.0f} s".replace(",", " "))


def generate_catalogue(size_mb: int, path: Path, say: Callable[[str], None] = print, workers: int | None = None) -> float:
    """Write a fresh catalogue of about ``size_mb`` MB to ``path``; return the seconds it took."""
    started = time.perf_counter()
    count = lens_count(size_mb)
    if workers is None:
        workers = 1 if count < 200 else max(1, min(2, os.cpu_count() or 1))
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    _remove(partial)  # what an interrupted run left
    try:
        generate._create_schema(partial)
        _fill(partial, count, workers, say)
        os.replace(partial, path)
    finally:
        _remove(partial)
    return time.perf_counter() - started


def _remove(database: Path) -> None:
    for name in (database.name, database.name + "-wal", database.name + "-shm"):
        (database.parent / name).unlink(missing_ok=True)


def check_disk(size_mb: int, folder: Path, factor: int) -> None:
    """Refuse clearly, before writing anything, when ``folder``'s disk lacks ``factor`` × the
    catalogue's size (the catalogue, the backup's working copy and the backup itself)."""
    folder.mkdir(parents=True, exist_ok=True)
    available = shutil.disk_usage(folder).free // 1_000_000
    needed = factor * size_mb
    if available < needed:
        raise SystemExit(
            f"Espace disque insuffisant : {needed:,} Mo nécessaires (catalogue, sauvegarde et sa copie "
            f"de travail), {available:,} Mo libres dans {folder}.".replace(",", " ")
        )


def ensure_big_catalogue(size_mb: int, say: Callable[[str], None] = print,
                         cache_dir: Path = generate.CACHE_DIR) -> tuple[Path, float | None]:
    """The cached catalogue of ``size_mb`` MB, generated when missing or stale (refused, with a
    clear message, when the disk cannot hold it and its backup). Returns its path and the
    generation's seconds (None from the cache)."""
    key = cache_key()
    path = catalogue_path(size_mb, key, cache_dir)
    if path.exists():
        return path, None
    for stale in cache_dir.glob(f"big-{size_mb}mb-*.db*"):
        stale.unlink(missing_ok=True)
    check_disk(size_mb, cache_dir, DISK_FACTOR)
    say(f"Génération d'un catalogue de {size_mb:,} Mo ({lens_count(size_mb):,} verres avec photo)…".replace(",", " "))
    seconds = generate_catalogue(size_mb, path, say)
    say(f"  fait en {seconds:.1f} s ({path.stat().st_size / 1e6:,.0f} Mo)".replace(",", " "))
    return path, seconds


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Génère un gros catalogue avec une photo par verre.")
    parser.add_argument("size_mb", type=int, nargs="?", default=10240)
    parser.add_argument("--cache", type=Path, default=generate.CACHE_DIR, help="dossier du cache")
    args = parser.parse_args(argv)
    path, seconds = ensure_big_catalogue(args.size_mb, cache_dir=args.cache)
    print(f"{path} ({'cache' if seconds is None else f'{seconds:.1f} s'})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
