"""The large-catalogue benchmark, run whole on a small catalogue: its pictures are what the app
would store, and every figure comes out, sane. No timing thresholds: speed is proven by
``make bench-big``, never by tests."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from bench.big_catalogue import MIME, generate_catalogue, lens_count
from data.catalogue import decode_check_image

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SIZE_MB = 30


@pytest.fixture(scope="module")
def figures(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    work = tmp_path_factory.mktemp("big")
    out = work / "big.json"
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "ENGRAVEDETECT_HOME": str(work / "home")}
    env.pop("ENGRAVEDETECT_DATABASE_URL", None)
    done = subprocess.run(
        [sys.executable, "-m", "bench.big", "--size-mb", str(SIZE_MB), "--cache", str(work), "--out", str(out)],
        cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=240,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    result: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
    result["stdout"] = done.stdout
    return result


def test_every_lens_has_its_own_picture_that_the_app_accepts(tmp_path: Path) -> None:
    path = tmp_path / "big.db"
    generate_catalogue(6, path, say=lambda _line: None)
    with sqlite3.connect(path) as conn:
        images = conn.execute("SELECT id, donnees, type_mime, taille, sha256 FROM images_gravure").fetchall()
        lenses = conn.execute("SELECT image_id FROM verres ORDER BY id").fetchall()
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    assert len(lenses) == lens_count(6) == len(images)
    assert sorted(image_id for (image_id,) in lenses) == sorted(row[0] for row in images)
    assert len({row[4] for row in images}) == len(images)  # distinct pictures
    for _id, content, mime, size, _sha in images:
        assert (mime, size) == (MIME, len(content))
        assert 0.8e6 < size < 1.4e6
        assert decode_check_image(content) == (MIME, None)


def test_the_window_opens_and_paints_its_first_page(figures: dict[str, Any]) -> None:
    runs = figures["open"]["runs"]
    assert len(runs) == 3
    assert all(run["open_s"] > 0 and run["rows"] > 0 for run in runs)


def test_the_gallery_is_scrolled_to_the_end_with_every_thumbnail_shown(figures: dict[str, Any]) -> None:
    gallery = figures["gallery"]
    assert gallery["lenses"] == lens_count(SIZE_MB)
    assert gallery["scrolled_px"] > 0 and gallery["scroll_steps"] > 0
    assert gallery["longest_gap_ms"] is not None and gallery["ticks"] > 0
    assert gallery["thumbnails_failed"] == 0
    assert gallery["thumbnails_loaded"] >= gallery["last_screen_thumbnails"] > 0


def test_the_backup_reports_progress_and_the_cancelled_one_leaves_no_file(figures: dict[str, Any]) -> None:
    backup = figures["backup"]
    assert backup["file"].endswith(".db.gz") and backup["file_mb"] > 0
    assert backup["progress_updates"] > 0
    assert backup["cancelled"] and backup["files_left"] == []
    assert backup["status"].startswith("Sauvegarde annulée")


def test_the_integrity_check_passes(figures: dict[str, Any]) -> None:
    assert figures["check"]["findings"] == 0 and figures["check"]["check_s"] > 0


def test_memory_and_the_table_are_reported(figures: dict[str, Any]) -> None:
    assert figures["rss_mb"] > 0
    assert "Mémoire résidente maximale" in figures["stdout"]
    assert figures["file_mb"] >= SIZE_MB * 0.9
