"""The picture cache: thumbnails decoded at their size, everything within a byte budget."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSize

from data import catalogue
from data.database import Database
from gui.images import ImageStore
from gui.workers.jobs import JobRunner
from tests.factories import lens_values, make_refs


def photo(seed: int, size: tuple[int, int] = (2000, 1500)) -> bytes:
    from PIL import Image

    image = Image.new("RGB", size, (seed * 37 % 256, seed * 91 % 256, 120))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=80)
    return out.getvalue()


@pytest.fixture
def store(qapp, sqlite_db: Database, tmp_path: Path) -> Iterator[ImageStore]:
    runner = JobRunner()
    images = ImageStore(sqlite_db, tmp_path / "cache", runner, cache_bytes=40 * 1024 * 1024)
    yield images
    runner.shutdown()


def stored_images(db: Database, count: int) -> list[str]:
    refs = make_refs(db)
    keys = []
    for number in range(count):
        lens = catalogue.create_lens(db, lens_values(refs, nom=f"V{number}"), image=photo(number))
        keys.append(f"db:{catalogue.get_lens(db, lens.lens_id).image_id}")
    return keys


def test_a_thumbnail_is_decoded_at_its_display_size(qtbot, store: ImageStore, sqlite_db: Database) -> None:
    key, = stored_images(sqlite_db, 1)
    thumb = QSize(208, 130)
    with qtbot.waitSignal(store.loaded, timeout=20_000):
        assert store.scaled(key, thumb) is None
    pixmap = store.scaled(key, thumb)
    assert pixmap is not None and (pixmap.width(), pixmap.height()) == (173, 130)
    assert store.image(key) is None  # the 2000 × 1500 picture was never held whole
    assert store.cached_bytes < 200_000


def test_full_pictures_stay_within_the_byte_budget(qtbot, store: ImageStore, sqlite_db: Database) -> None:
    keys = stored_images(sqlite_db, 6)  # 12 MB decoded each: 72 MB in all
    for key in keys:
        with qtbot.waitSignal(store.loaded, timeout=20_000):
            store.request(key)
        assert store.image(key) is not None
        assert store.cached_bytes <= 40 * 1024 * 1024
    assert store.image(keys[0]) is None and store.image(keys[-1]) is not None


@pytest.fixture
def french(qapp) -> Iterator[None]:
    """Qt's French catalogue installed, as the app installs it."""
    from PySide6.QtCore import QLocale

    from gui.translations import install_french, remove_french

    installed = install_french(qapp)
    yield
    remove_french(qapp, installed)
    QLocale.setDefault(QLocale(QLocale.Language.C))


def png(size: tuple[int, int] = (300, 200)) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", size, (20, 120, 200)).save(out, "PNG")
    return out.getvalue()


@pytest.mark.parametrize("content", [photo(3, (640, 480)), png()], ids=["jpeg", "png"])
def test_pictures_decode_with_qts_french_catalogue_installed(french, content: bytes) -> None:
    from gui.images import decode

    assert not decode(content).isNull()
    assert not decode(content, QSize(208, 130)).isNull()


def test_gallery_thumbnails_load_with_qts_french_catalogue_installed(
        qtbot, french, store: ImageStore, sqlite_db: Database) -> None:
    key, = stored_images(sqlite_db, 1)
    with qtbot.waitSignal(store.loaded, timeout=20_000):
        assert store.scaled(key, QSize(208, 130)) is None
    assert store.scaled(key, QSize(208, 130)) is not None
    assert not store.is_broken(key)


def test_a_thumbnail_of_a_full_picture_held_is_scaled_off_the_ui_thread(
        qtbot, store: ImageStore, sqlite_db: Database) -> None:
    key, = stored_images(sqlite_db, 1)
    with qtbot.waitSignal(store.loaded, timeout=20_000):
        store.request(key)
    with qtbot.waitSignal(store.loaded, timeout=20_000):
        assert store.scaled(key, QSize(104, 65)) is None  # scaling 2000 × 1500 pixels: a pool job
    pixmap = store.scaled(key, QSize(104, 65))
    assert pixmap is not None and (pixmap.width(), pixmap.height()) == (86, 65)


def test_a_fast_scroll_decodes_the_newest_thumbnails_and_forgets_the_oldest(
        qtbot, store: ImageStore, sqlite_db: Database) -> None:
    from gui.images import PICTURE_THREADS, WAITING_THUMBNAILS

    refs = make_refs(sqlite_db)
    keys = []
    for number in range(WAITING_THUMBNAILS + 20):
        lens = catalogue.create_lens(sqlite_db, lens_values(refs, nom=f"V{number}"), image=photo(number, (240, 160)))
        keys.append(f"db:{catalogue.get_lens(sqlite_db, lens.lens_id).image_id}")
    loaded: list[str] = []
    store.loaded.connect(loaded.append)
    for key in keys:  # each painted once, as the gallery flies past it
        assert store.scaled(key, QSize(208, 130)) is None
    qtbot.waitUntil(lambda: keys[-1] in loaded, timeout=20_000)
    qtbot.wait(300)
    assert len(loaded) <= WAITING_THUMBNAILS + PICTURE_THREADS
    assert keys[PICTURE_THREADS] not in loaded  # the oldest still waiting were forgotten
    # The first ones asked started at once; then the newest came first (two threads at a time,
    # so not quite in order).
    after_first = [key for key in loaded if key not in keys[:PICTURE_THREADS]]
    assert set(after_first[:4]) <= set(keys[-6:])
    assert store.scaled(keys[PICTURE_THREADS], QSize(208, 130)) is None  # painted again: asked again
    qtbot.waitUntil(lambda: keys[PICTURE_THREADS] in loaded, timeout=20_000)


def test_a_picture_job_lets_its_picture_go_once_delivered(qtbot) -> None:
    """Qt's pool keeps every job it ran: a picture job must not keep the picture with it."""
    import gc
    import weakref

    from PySide6.QtGui import QImage

    from gui.workers.jobs import Job

    runner = JobRunner(max_threads=1)
    made: list[weakref.ref[QImage]] = []

    def make(_progress: object, _cancelled: object) -> QImage:
        image = QImage(400, 300, QImage.Format.Format_RGB32)
        made.append(weakref.ref(image))
        return image

    job = Job("image", make, keep_result=False)
    with qtbot.waitSignal(job.signals.finished, timeout=10_000):
        runner.start(job)
    qtbot.waitUntil(job.finished_event.is_set)
    gc.collect()
    assert made and made[0]() is None
    assert job.result is None
    runner.shutdown()
