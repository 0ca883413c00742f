"""Engraving images, loaded off the UI thread and cached.

Images held in the database load in a pool thread (decoded to ``QImage`` there, which Qt allows);
``url_gravure`` images load through ``QNetworkAccessManager`` (asynchronous by nature) with a disk
cache in the data folder. A dead network, a missing or undecodable image only means the
placeholder stays: ``failed`` is emitted and nothing else happens.
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from pathlib import Path

from PySide6.QtCore import QObject, QSize, Qt, QUrl, Signal
from PySide6.QtGui import QColor, QImage, QPainter, QPen, QPixmap
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
    """Asynchronous loader with an in-memory LRU of decoded images."""

    loaded = Signal(str)
    failed = Signal(str)

    MAX_IMAGES = 400

    def __init__(self, db: Database, cache_dir: Path, runner: JobRunner, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._db = db
        self._runner = runner
        self._images: OrderedDict[str, QImage] = OrderedDict()
        self._scaled: OrderedDict[tuple[str, int, int], QPixmap] = OrderedDict()
        self._pending: set[str] = set()
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

    def set_database(self, db: Database) -> None:
        self._db = db
        self._images.clear()
        self._scaled.clear()
        self._broken.clear()

    def image(self, key: str) -> QImage | None:
        found = self._images.get(key)
        if found is not None:
            self._images.move_to_end(key)
        return found

    def is_broken(self, key: str) -> bool:
        return key in self._broken

    def is_pending(self, key: str) -> bool:
        return key in self._pending

    def scaled(self, key: str, size: QSize) -> QPixmap | None:
        """The picture fitted into ``size`` (cached), or None while it is not loaded."""
        cache_key = (key, size.width(), size.height())
        found = self._scaled.get(cache_key)
        if found is not None:
            self._scaled.move_to_end(cache_key)
            return found
        image = self.image(key)
        if image is None:
            self.request(key)
            return None
        pixmap = QPixmap.fromImage(
            image.scaled(size, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation)
        )
        self._scaled[cache_key] = pixmap
        while len(self._scaled) > self.MAX_IMAGES * 2:
            self._scaled.popitem(last=False)
        return pixmap

    def request(self, key: str) -> None:
        if key in self._images or key in self._pending or key in self._broken:
            return
        self._pending.add(key)
        if key.startswith("db:"):
            self._load_from_database(key, int(key[3:]))
        else:
            self._load_from_network(key)

    def _load_from_database(self, key: str, image_id: int) -> None:
        db = self._db

        def work(_progress: object, _cancelled: object) -> QImage:
            content, _mime = catalogue.get_image(db, image_id)
            image = QImage.fromData(content)
            if image.isNull():
                raise ValueError("image illisible")
            return image

        job = Job(f"image {image_id}", work)
        job.signals.finished.connect(lambda image, k=key: self._store(k, image))
        job.signals.failed.connect(lambda _message, k=key: self._fail(k))
        self._runner.start(job)

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
            image = QImage.fromData(reply.readAll().data())
            if image.isNull():
                self._fail(key)
            else:
                self._store(key, image)
        finally:
            reply.deleteLater()

    def _store(self, key: str, image: QImage) -> None:
        self._pending.discard(key)
        self._images[key] = image
        while len(self._images) > self.MAX_IMAGES:
            self._images.popitem(last=False)
        self.loaded.emit(key)

    def _fail(self, key: str) -> None:
        self._pending.discard(key)
        self._broken.add(key)
        self.failed.emit(key)
