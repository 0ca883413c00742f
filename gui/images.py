"""Engraving images, loaded off the UI thread and cached.

Images held in the database load in a pool thread (decoded to ``QImage`` there, which Qt allows);
a thumbnail is decoded straight at its display size (``QImageReader.setScaledSize``: a 5 MB
JPEG of 4000 × 3000 pixels never becomes 48 MB of pixels for a 208 × 130 tile), and only the
zoom asks for the full picture. Decoded pictures are kept in a cache bounded in bytes
(``CACHE_BYTES``), least recently used first out: a gallery of photos stays within it.
``url_gravure`` images load through ``QNetworkAccessManager`` (asynchronous by nature) with a disk
cache in the data folder. A dead network, a missing or undecodable image only means the
placeholder stays: ``failed`` is emitted and nothing else happens.

Nothing is decoded or scaled on the UI thread: a network picture's bytes are decoded in a pool
thread too, and a thumbnail made from a full picture already held is scaled there. Qt is told
each picture's format, read from its first bytes (``picture_format``): left to guess, with Qt's
French catalogue installed, it took JPEG data for TGA and showed no picture at all.
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from collections.abc import Callable, Hashable
from pathlib import Path
from typing import Generic, TypeVar

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QObject, QSize, Qt, QUrl, Signal
from PySide6.QtGui import QColor, QImage, QImageReader, QPainter, QPen, QPixmap
from PySide6.QtNetwork import (
    QNetworkAccessManager,
    QNetworkDiskCache,
    QNetworkReply,
    QNetworkRequest,
)

from data import catalogue
from data.catalogue import LensRow
from data.database import Database
from gui.workers.jobs import Job, JobRunner

log = logging.getLogger("engravedetect.gui.images")

NETWORK_TIMEOUT_MS = 10_000
CACHE_BYTES = 64 * 1024 * 1024
# Pictures decode in a pool of their own: a gallery scrolled fast asks for hundreds, which must
# neither queue in front of the window's other jobs nor keep more threads than cores busy (each
# thread also runs Python, and takes the interpreter from the UI thread painting the gallery).
PICTURE_THREADS = 2
WAITING_THUMBNAILS = 64

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class ByteBoundedCache(Generic[K, V]):
    """A least-recently-used cache that holds at most ``limit`` bytes (the newest entry stays
    even when it alone is larger: it is the one on screen)."""

    def __init__(self, limit: int, cost: Callable[[V], int]) -> None:
        self.limit = limit
        self._cost = cost
        self._items: OrderedDict[K, tuple[V, int]] = OrderedDict()
        self.size_bytes = 0

    def get(self, key: K) -> V | None:
        found = self._items.get(key)
        if found is None:
            return None
        self._items.move_to_end(key)
        return found[0]

    def put(self, key: K, value: V) -> None:
        self.discard(key)
        cost = self._cost(value)
        self._items[key] = (value, cost)
        self.size_bytes += cost
        while self.size_bytes > self.limit and len(self._items) > 1:
            _old, (_value, old_cost) = self._items.popitem(last=False)
            self.size_bytes -= old_cost

    def discard(self, key: K) -> None:
        found = self._items.pop(key, None)
        if found is not None:
            self.size_bytes -= found[1]

    def clear(self) -> None:
        self._items.clear()
        self.size_bytes = 0

    def __contains__(self, key: object) -> bool:
        return key in self._items

    def __len__(self) -> int:
        return len(self._items)


def _pixmap_bytes(pixmap: QPixmap) -> int:
    return pixmap.width() * pixmap.height() * max(1, pixmap.depth()) // 8


SIGNATURES: tuple[tuple[bytes, bytes], ...] = (
    (b"\xff\xd8\xff", b"jpeg"),
    (b"\x89PNG\r\n\x1a\n", b"png"),
    (b"GIF87a", b"gif"),
    (b"GIF89a", b"gif"),
    (b"BM", b"bmp"),
)


def picture_format(content: bytes) -> bytes:
    """Qt's name of the picture's format, read from its signature (b"" when unknown)."""
    if content[:4] == b"RIFF" and content[8:12] == b"WEBP":
        return b"webp"
    return next((name for signature, name in SIGNATURES if content.startswith(signature)), b"")


def decode(content: bytes, size: QSize | None = None) -> QImage:
    """Decode ``content``; with ``size``, straight at the size that fits in it (aspect kept,
    never enlarged), so the full picture is never held in memory."""
    data = QByteArray(content)
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.ReadOnly)
    reader = QImageReader(buffer, QByteArray(picture_format(content)))
    reader.setAutoTransform(True)
    original = reader.size()
    if size is not None and original.isValid() and (
        original.width() > size.width() or original.height() > size.height()
    ):
        reader.setScaledSize(original.scaled(size, Qt.AspectRatioMode.KeepAspectRatio))
    image = reader.read()
    buffer.close()
    return image


def checked_job(make: Callable[[], QImage]) -> Callable[[object, object], QImage]:
    """A job's function: the picture ``make()`` gives, a failure when it is not one."""

    def work(_progress: object, _cancelled: object) -> QImage:
        image = make()
        if image.isNull():
            raise ValueError("image illisible")
        return image

    return work


def fit(image: QImage, size: QSize) -> QImage:
    """``image`` fitted into ``size`` (aspect kept), smoothly."""
    return image.scaled(size, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation)


def image_key(image_id: int | None, url: str | None) -> str | None:
    """One key per picture: a stored image wins over a URL."""
    if image_id is not None:
        return f"db:{image_id}"
    if url and url.lower().startswith(("http://", "https://")):
        return url
    return None


def row_image_key(lens: LensRow) -> str | None:
    return image_key(lens.image_id, lens.url_gravure)


def placeholder(size: QSize, text: str) -> QPixmap:
    """A quiet frame with a short message, for a lens without a usable picture."""
    pixmap = QPixmap(size)
    pixmap.fill(QColor("#f4f5f7"))
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(QPen(QColor("#c5c9d0"), 1, Qt.PenStyle.DashLine))
    painter.drawRoundedRect(pixmap.rect().adjusted(2, 2, -3, -3), 6, 6)
    painter.setPen(QColor("#7a808a"))
    painter.drawText(pixmap.rect(), Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap, text)
    painter.end()
    return pixmap


class ImageStore(QObject):
    """Asynchronous loader with caches of decoded pictures bounded in bytes.

    ``scaled(key, size)`` gives a picture fitted into ``size`` (decoded at that size), ``image(key)``
    the full picture once ``request(key)`` loaded it (the zoom); ``loaded(key)`` says either came.
    """

    loaded = Signal(str)
    failed = Signal(str)

    def __init__(
        self, db: Database, cache_dir: Path, runner: JobRunner | None = None, parent: QObject | None = None,
        cache_bytes: int = CACHE_BYTES,
    ) -> None:
        super().__init__(parent)
        self._db = db
        self._runner = runner if runner is not None else JobRunner(self, max_threads=PICTURE_THREADS)
        # Full pictures (the zoom, and network pictures) and fitted ones share the budget.
        self._images: ByteBoundedCache[str, QImage] = ByteBoundedCache(
            cache_bytes // 2, lambda image: image.sizeInBytes())
        self._scaled: ByteBoundedCache[tuple[str, int, int], QPixmap] = ByteBoundedCache(
            cache_bytes - cache_bytes // 2, _pixmap_bytes)
        self._pending: set[object] = set()
        # Pictures asked for and not started, oldest first; the newest starts first (the screen
        # looked at now); beyond WAITING_THUMBNAILS the oldest thumbnails are forgotten (asked
        # again if painted again): a fast scroll through 10,000 photos decodes what is shown.
        self._waiting: OrderedDict[object, tuple[str, Callable[[], QImage]]] = OrderedDict()
        self._working = 0
        self._broken: set[str] = set()
        self._network = QNetworkAccessManager(self)
        try:
            cache_dir.mkdir(parents=True, exist_ok=True)
            disk = QNetworkDiskCache(self)
            disk.setCacheDirectory(str(cache_dir))
            disk.setMaximumCacheSize(200 * 1024 * 1024)
            self._network.setCache(disk)
        except OSError:
            log.warning("Cache d'images indisponible : %s", cache_dir)

    def shutdown(self) -> None:
        """Forget the pictures still waiting and wait for those being decoded."""
        self._waiting.clear()
        self._runner.shutdown()

    @property
    def cached_bytes(self) -> int:
        return self._images.size_bytes + self._scaled.size_bytes

    def set_database(self, db: Database) -> None:
        self._db = db
        self._images.clear()
        self._scaled.clear()
        self._broken.clear()

    def image(self, key: str) -> QImage | None:
        return self._images.get(key)

    def is_broken(self, key: str) -> bool:
        return key in self._broken

    def is_pending(self, key: str) -> bool:
        return key in self._pending

    def scaled(self, key: str, size: QSize) -> QPixmap | None:
        """The picture fitted into ``size`` (cached), or None while it loads."""
        cache_key = (key, size.width(), size.height())
        found = self._scaled.get(cache_key)
        if found is not None:
            return found
        image = self._images.get(key)
        if image is None:
            if key.startswith("db:"):
                self._load_from_database(key, int(key[3:]), QSize(size))
            else:
                self.request(key)  # a network picture comes whole; it is fitted on arrival
            return None
        if image.width() <= size.width() and image.height() <= size.height():
            pixmap = QPixmap.fromImage(image)
            self._scaled.put(cache_key, pixmap)
            return pixmap
        self._run(key, cache_key, lambda: fit(image, size))  # scaling a big picture takes a while
        return None

    def request(self, key: str) -> None:
        """Load the full picture (``image(key)`` once ``loaded`` says so)."""
        if key in self._images or key in self._pending or key in self._broken:
            return
        if key.startswith("db:"):
            self._load_from_database(key, int(key[3:]), None)
        else:
            self._pending.add(key)
            self._load_from_network(key)

    def _load_from_database(self, key: str, image_id: int, size: QSize | None) -> None:
        pending: object = key if size is None else (key, size.width(), size.height())
        db = self._db
        self._run(key, pending, lambda: decode(catalogue.get_image(db, image_id)[0], size))

    def _run(self, key: str, pending: object, make: Callable[[], QImage]) -> None:
        """``make()`` in a pool thread; its picture kept as ``key`` (full) or ``pending`` (fitted)."""
        if pending in self._pending or key in self._broken:
            return
        self._pending.add(pending)
        self._waiting[pending] = (key, make)
        if len(self._waiting) > WAITING_THUMBNAILS:
            stale = next((p for p in self._waiting if p != self._waiting[p][0]), None)  # a thumbnail
            if stale is not None:
                del self._waiting[stale]
                self._pending.discard(stale)
        self._start_next()

    def _start_next(self) -> None:
        while self._working < PICTURE_THREADS and self._waiting:
            pending, (key, make) = self._waiting.popitem(last=True)
            self._working += 1
            job = Job(f"image {key}", checked_job(make), keep_result=False)
            if pending == key:
                job.signals.finished.connect(lambda image, k=key: self._store(k, image))
            else:
                job.signals.finished.connect(lambda image, k=key, p=pending: self._store_scaled(k, p, image))
            job.signals.failed.connect(lambda _message, k=key, p=pending: self._fail(k, p))
            job.signals.done.connect(self._job_done)
            self._runner.start(job)

    def _job_done(self) -> None:
        self._working -= 1
        self._start_next()

    def _load_from_network(self, url: str) -> None:
        request = QNetworkRequest(QUrl(url))
        request.setAttribute(
            QNetworkRequest.Attribute.CacheLoadControlAttribute,
            QNetworkRequest.CacheLoadControl.PreferCache,
        )
        request.setTransferTimeout(NETWORK_TIMEOUT_MS)
        reply = self._network.get(request)
        reply.finished.connect(lambda r=reply, k=url: self._network_done(k, r))

    def _network_done(self, key: str, reply: QNetworkReply) -> None:
        try:
            if reply.error() != QNetworkReply.NetworkError.NoError:
                self._fail(key)
                return
            content = bytes(reply.readAll().data())
            self._pending.discard(key)
            self._run(key, key, lambda: decode(content))
        finally:
            reply.deleteLater()

    def _store(self, key: str, image: QImage) -> None:
        self._pending.discard(key)
        self._images.put(key, image)
        self.loaded.emit(key)

    def _store_scaled(self, key: str, pending: object, image: QImage) -> None:
        self._pending.discard(pending)
        assert isinstance(pending, tuple)
        self._scaled.put(pending, QPixmap.fromImage(image))
        self.loaded.emit(key)

    def _fail(self, key: str, pending: object = None) -> None:
        self._pending.discard(key if pending is None else pending)
        self._broken.add(key)
        self.failed.emit(key)
