"""The detail pane: every field of the selected lens and its engraving, zoomable."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QMouseEvent, QPixmap, QResizeEvent
from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QFrame,
    QLabel,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from data import catalogue
from data.catalogue import Changes, LensDetail
from data.errors import CatalogueError
from gui.engraving_drawing import engraving_pixmap
from gui.events import Events
from gui.images import ImageStore, image_key, placeholder
from gui.models.lens_columns import UNKNOWN_HEIGHT, format_index
from gui.ops import Ops
from gui.symbol_art import label_of

NO_IMAGE = "Pas d'image de gravure pour ce verre"
BROKEN_IMAGE = "Image de gravure indisponible"
LOADING_IMAGE = "Chargement de l'image…"


class EngravingImage(QLabel):
    """Shows the engraving scaled to fit; a click opens it large."""

    clicked = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("engravingImage")
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setMinimumSize(220, 140)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.has_image = False
        self.status = NO_IMAGE

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton and self.has_image:
            self.clicked.emit()
        super().mouseReleaseEvent(event)


class ZoomDialog(QDialog):
    def __init__(self, title: str, pixmap: QPixmap, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("zoomDialog")
        self.setWindowTitle(f"Gravure — {title}")
        label = QLabel()
        label.setPixmap(pixmap)
        label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        scroll = QScrollArea()
        scroll.setWidget(label)
        scroll.setWidgetResizable(True)
        layout = QVBoxLayout(self)
        layout.addWidget(scroll)
        self.resize(min(pixmap.width() + 40, 1200), min(pixmap.height() + 40, 900))


class DetailPane(QFrame):
    """The chosen lens in full. Given ``ops`` and ``events``, it reads a lens by id off the UI
    thread (the latest choice wins) and re-reads it when a write touched it.

    With no lens to show it hides itself, giving its room back to the table (a narrow screen
    needs it for the code, index and heights)."""

    readFailed = Signal(str)

    def __init__(self, images: ImageStore, parent: QWidget | None = None, ops: Ops | None = None,
                 events: Events | None = None) -> None:
        super().__init__(parent)
        self._ops = ops
        if events is not None:
            events.changed.connect(self._catalogue_changed)
            events.database_replaced.connect(lambda _db: self.show_lens(None))
        self.setObjectName("detailPane")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setMinimumWidth(280)
        self._images = images
        self._lens: LensDetail | None = None
        self._key: str | None = None
        self._zoom_wanted: str | None = None  # zoom asked before the full picture came

        self.title = QLabel()
        self.title.setObjectName("detailTitle")
        self.title.setWordWrap(True)
        self.title.setStyleSheet("font-size: 15pt; font-weight: 600;")
        self.subtitle = QLabel()
        self.subtitle.setWordWrap(True)
        self.subtitle.setStyleSheet("color: #555;")
        self.image = EngravingImage(self)
        self.image.clicked.connect(self.zoom)
        self.hint = QLabel("Cliquez sur l'image pour l'agrandir.")
        self.hint.setStyleSheet("color: #777; font-size: 9pt;")
        self.fields: dict[str, QLabel] = {}
        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        for key, label in (
            ("fournisseur", "Fabricant"),
            ("gamme", "Gamme"),
            ("serie", "Série"),
            ("variante", "Variante"),
            ("materiau", "Matériau"),
            ("indice", "Indice"),
            ("hauteurs", "Hauteur de montage"),
            ("gravure_nasale", "Gravure nasale"),
            ("symboles", "Symboles"),
            ("source", "Source"),
            ("modifie_le", "Modifié le"),
        ):
            value = QLabel()
            value.setObjectName(f"detail_{key}")
            value.setWordWrap(True)
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)
            self.fields[key] = value
            form.addRow(f"{label} :", value)
        self.fields["source"].setOpenExternalLinks(True)
        self.sample_tag = QLabel("Verre du catalogue d'exemple (données de démonstration)")
        self.sample_tag.setStyleSheet("color: #8a5a00; font-style: italic;")
        self.sample_tag.setWordWrap(True)

        self.empty = QLabel("Sélectionnez un verre pour voir sa fiche.")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setStyleSheet("color: #777;")
        self.content = QWidget()
        inner = QVBoxLayout(self.content)
        inner.setContentsMargins(0, 0, 0, 0)
        inner.addWidget(self.title)
        inner.addWidget(self.subtitle)
        inner.addWidget(self.image)
        inner.addWidget(self.hint)
        inner.addLayout(form)
        inner.addWidget(self.sample_tag)
        inner.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.empty)
        layout.addWidget(self.content)
        images.loaded.connect(self._image_arrived)
        images.failed.connect(self._image_failed)
        self.show_lens(None)

    @property
    def lens(self) -> LensDetail | None:
        return self._lens

    def show_lens_id(self, lens_id: int | None) -> None:
        if lens_id is None or self._ops is None:
            self.show_lens(None)
            return

        def failed(exc: CatalogueError) -> None:
            self.show_lens(None)
            self.readFailed.emit(exc.message)

        self._ops.run(lambda db: catalogue.get_lens(db, lens_id), self.show_lens, failed,
                      key="detail.lens", quick=True, name="détail du verre")

    def _catalogue_changed(self, changes: Changes) -> None:
        shown = self._lens
        if shown is None:
            return
        if shown.id in changes.deleted:
            self.show_lens(None)
        elif changes.everything or changes.references or shown.id in changes.lenses:
            self.show_lens_id(shown.id)

    def show_lens(self, lens: LensDetail | None) -> None:
        self._lens = lens
        self.empty.setVisible(lens is None)
        self.content.setVisible(lens is not None)
        if self.parentWidget() is not None:  # alone (tests), it would open as a window
            self.setVisible(lens is not None)
        if lens is None:
            self._key = None
            return
        self.title.setText(lens.nom + (f" — {lens.variante}" if lens.variante else ""))
        self.subtitle.setText(f"{lens.fournisseur} · indice {format_index(lens.indice)}")
        hmin = UNKNOWN_HEIGHT if lens.hauteur_min is None else f"{lens.hauteur_min} mm"
        hmax = "non précisée" if lens.hauteur_max is None else f"{lens.hauteur_max} mm"
        values = {
            "fournisseur": lens.fournisseur,
            "gamme": lens.gamme or "—",
            "serie": lens.serie or "—",
            "variante": lens.variante or "—",
            "materiau": lens.materiau or "—",
            "indice": format_index(lens.indice),
            "hauteurs": f"min. {hmin}, max. {hmax}",
            "gravure_nasale": lens.gravure_nasale or "—",
            "symboles": ", ".join(label_of(key) for key in lens.symbols) or "—",
            "modifie_le": lens.modifie_le.strftime("%d/%m/%Y %H:%M") + " (UTC)",
        }
        for key, text in values.items():
            self.fields[key].setTextFormat(Qt.TextFormat.PlainText)
            self.fields[key].setText(text)
        self._set_source(lens.url_source)
        self.sample_tag.setVisible(lens.exemple)
        self._key = image_key(lens.image_id, lens.url_gravure)
        self._refresh_image()

    def _set_source(self, url: str | None) -> None:
        label = self.fields["source"]
        if url and url.lower().startswith(("http://", "https://")):
            label.setTextFormat(Qt.TextFormat.RichText)
            safe = url.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")
            label.setText(f'<a href="{safe}">{safe}</a>')
            label.setToolTip("Ouvrir la page du fabricant dans le navigateur")
        else:
            label.setTextFormat(Qt.TextFormat.PlainText)
            label.setText("—")

    def _image_size(self) -> QSize:
        width = max(220, self.image.width())
        return QSize(width, int(width * 0.62))

    def _refresh_image(self) -> None:
        size = self._image_size()
        if self._key is None:
            self._show_placeholder(NO_IMAGE, size)
            if self._lens is not None:  # the engraving drawn from the sign: marks, shapes, code
                lens = self._lens
                self.image.setPixmap(engraving_pixmap(size, lens.gravure_nasale, lens.symbols))
            return
        if self._images.is_broken(self._key):
            self._show_placeholder(BROKEN_IMAGE, size)
            return
        pixmap = self._images.scaled(self._key, size)
        if pixmap is None:
            self._show_placeholder(LOADING_IMAGE, size)
            return
        self.image.setPixmap(pixmap)
        self.image.has_image = True
        self.image.status = "ok"
        self.hint.setVisible(True)

    def _show_placeholder(self, text: str, size: QSize) -> None:
        self.image.setPixmap(placeholder(size, text))
        self.image.has_image = False
        self.image.status = text
        self.hint.setVisible(False)

    def _image_arrived(self, key: str) -> None:
        if key == self._key:
            self._refresh_image()
            if self._zoom_wanted == key and self._images.image(key) is not None:
                self.zoom()

    def _image_failed(self, key: str) -> None:
        if key == self._key:
            self._refresh_image()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if self._lens is not None and (self.image.has_image or self._key is None):
            self._refresh_image()

    def zoom(self) -> None:
        if self._key is None or self._lens is None:
            return
        image = self._images.image(self._key)
        if image is None:  # the pane shows a picture decoded at its size: load the full one
            self._zoom_wanted = self._key
            self._images.request(self._key)
            return
        self._zoom_wanted = None
        pixmap = QPixmap.fromImage(image)
        if pixmap.width() < 900:
            pixmap = pixmap.scaledToWidth(900, Qt.TransformationMode.SmoothTransformation)
        dialog = ZoomDialog(self._lens.nom, pixmap, self.window())
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()
