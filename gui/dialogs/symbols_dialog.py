"""The vocabulary of shapes, for the admin: every shape drawn with its label and key, and a new
one added without a new release — its French name, the key taken from it, its drawing made on a
pad.

The drawing is written as the same kind of path as the built-in shapes
(:func:`data.symbols.path_from_strokes`), so the palette paints it and the pad's recogniser
proposes it with no special case. The dialog checks what it can before writing (a name, a
drawing, a name another shape already answers to: case, accents and separators ignored, the
built-in shapes' other names included), and the data layer checks it all again; either way the
reason shows under its field. The write goes through ``gui.ops``, lands in the history, and its
``Changes`` leave through ``changed`` so the search panel re-reads the vocabulary.
"""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from data import catalogue
from data.catalogue import Changes, SymbolItem
from data.database import Database
from data.errors import CatalogueError, ValidationError
from data.models import SYMBOL_KEY_MAX
from data.symbols import GROUPS, Shape, find_by_name, key_from_label, path_from_strokes
from gui.ops import Ops
from gui.symbol_art import shape_icon, shape_pixmap
from gui.widgets.sketch_pad import SketchPad

LIST_ICON = 32
DRAWING_PAD = 200
ERROR_STYLE = "color: #c62828; font-size: 9pt;"
EMPTY_DRAWING = "Dessinez la forme dans le cadre avant de l'ajouter."
NO_LABEL = "Le libellé est obligatoire."
_FIELDS = {"libelle": "libelle", "cle": "libelle", "dessin": "dessin"}  # data field -> error label


def _read(db: Database) -> tuple[list[SymbolItem], tuple[Shape, ...]]:
    return catalogue.list_symbols(db), catalogue.symbol_shapes(db)


class SymbolsDialog(QDialog):
    changed = Signal(object)  # the Changes of each shape added

    def __init__(self, ops: Ops, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ops = ops
        self.setObjectName("symbolsDialog")
        self.setWindowTitle("Formes de signes")
        self.items: list[SymbolItem] = []
        self.shapes: tuple[Shape, ...] = ()
        self._added: str | None = None  # the key of the shape this dialog added last

        self.list = QListWidget(self)
        self.list.setObjectName("symbolList")
        self.list.setIconSize(QSize(LIST_ICON, LIST_ICON))
        self.list.setAccessibleName("Formes connues")
        self.list.setMinimumWidth(300)
        self.count_label = QLabel(self)

        self.label_edit = QLineEdit(self)
        self.label_edit.setObjectName("field_libelle")
        self.label_edit.setPlaceholderText("Par exemple : e avec étoile")
        self.label_edit.setMaxLength(100)
        self.label_edit.textChanged.connect(self._label_changed)
        self.key_label = QLabel(self)
        self.key_label.setObjectName("symbolKey")
        self.key_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.group_box = QComboBox(self)
        self.group_box.setObjectName("field_groupe")
        self.group_box.addItems(list(GROUPS))
        self.group_box.setCurrentText(GROUPS[2])
        self.pad = SketchPad(self)
        self.pad.setObjectName("symbolDrawingPad")
        self.pad.setAccessibleName("Zone de dessin de la nouvelle forme")
        self.pad.setToolTip("Dessinez la forme comme elle est gravée (souris ou stylet), "
                            "en un ou plusieurs traits.")
        self.pad.setFixedSize(QSize(DRAWING_PAD, DRAWING_PAD))
        self.pad.strokeFinished.connect(self._drawing_changed)
        self.pad.cleared.connect(self._drawing_changed)
        self.preview = QLabel(self)
        self.preview.setObjectName("symbolPreview")
        self.preview.setFixedSize(QSize(LIST_ICON + 8, LIST_ICON + 8))
        self.preview.setToolTip("La forme telle que la palette la montrera")
        self.clear_drawing = QPushButton("Effacer le dessin", self)
        self.clear_drawing.setObjectName("symbolDrawingClear")
        self.clear_drawing.clicked.connect(self.pad.clear)
        self.errors = {name: self._error_label(name) for name in ("libelle", "dessin")}
        self.save_button = QPushButton("Ajouter la forme", self)
        self.save_button.setObjectName("saveButton")
        self.save_button.clicked.connect(self.save)
        self.message = QLabel(self)
        self.message.setObjectName("symbolsMessage")
        self.message.setWordWrap(True)
        self._lay_out()
        self._label_changed("")
        self._drawing_changed()
        self.reload()

    def _error_label(self, name: str) -> QLabel:
        label = QLabel(self)
        label.setObjectName(f"error_{name}")
        label.setStyleSheet(ERROR_STYLE)
        label.setWordWrap(True)
        label.hide()
        return label

    def _lay_out(self) -> None:
        known = QVBoxLayout()
        known.addWidget(QLabel("<b>Formes connues</b>"))
        known.addWidget(self.list, 1)
        known.addWidget(self.count_label)

        form = QFormLayout()
        form.addRow("Libellé :", self.label_edit)
        form.addRow(self.errors["libelle"])
        form.addRow("Clé :", self.key_label)
        form.addRow("Groupe :", self.group_box)
        drawing_side = QVBoxLayout()
        drawing_side.addWidget(QLabel("Aperçu :"))
        drawing_side.addWidget(self.preview)
        drawing_side.addStretch(1)
        drawing_side.addWidget(self.clear_drawing)
        drawing_row = QHBoxLayout()
        drawing_row.addWidget(self.pad, 0, Qt.AlignmentFlag.AlignTop)
        drawing_row.addLayout(drawing_side)
        new = QGroupBox("Nouvelle forme", self)
        inner = QVBoxLayout(new)
        inner.addLayout(form)
        inner.addWidget(QLabel("Dessin :"))
        inner.addLayout(drawing_row)
        inner.addWidget(self.errors["dessin"])
        inner.addWidget(self.save_button, 0, Qt.AlignmentFlag.AlignRight)
        inner.addWidget(self.message)
        inner.addStretch(1)

        body = QHBoxLayout()
        body.addLayout(known, 1)
        body.addWidget(new)
        close = QPushButton("Fermer", self)
        close.clicked.connect(self.accept)
        bottom = QHBoxLayout()
        bottom.addStretch(1)
        bottom.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addLayout(body, 1)
        layout.addLayout(bottom)
        self.resize(720, 520)

    # ------------------------------------------------------------ the shapes known
    def reload(self) -> None:
        self.ops.run(_read, self._show, lambda exc: self._say(exc.message, ok=False),
                     key=f"symbols.dialog.{id(self)}", quick=True, name="formes de signes")

    def _show(self, read: tuple[list[SymbolItem], tuple[Shape, ...]]) -> None:
        self.items, self.shapes = read
        colour = self.palette().color(QPalette.ColorRole.WindowText)
        self.list.clear()
        for item in self.items:
            lenses = {0: "aucun verre", 1: "1 verre"}.get(item.lens_count, f"{item.lens_count} verres")
            entry = QListWidgetItem(shape_icon(item.path, colour, LIST_ICON),
                                    f"{item.label}\nclé : {item.key} · {item.group} · {lenses}")
            entry.setData(Qt.ItemDataRole.UserRole, item.key)
            entry.setToolTip(item.label)
            self.list.addItem(entry)
        self.count_label.setText(f"{len(self.items)} formes")
        if self._added in self.keys():  # the shape just added: shown and selected at the end
            entry = self.list.item(self.keys().index(self._added))
            self.list.setCurrentItem(entry)
            self.list.scrollToItem(entry)
        self._label_changed(self.label_edit.text())

    def keys(self) -> list[str]:
        return [item.key for item in self.items]

    # ------------------------------------------------------------ the new shape
    def key(self) -> str:
        return key_from_label(self.label_edit.text(), SYMBOL_KEY_MAX)

    def _label_changed(self, text: str) -> None:
        if text.strip():
            self.message.clear()  # the last add's report is old news once a new name is typed
        key = self.key()
        self.key_label.setText(key or "— (tirée du libellé)")
        self._error("libelle", self._duplicate())

    def _duplicate(self) -> str | None:
        """Why the name is taken, or None (the built-in shapes' other names count too)."""
        label = self.label_edit.text().strip()
        if not label or not self.shapes:
            return None
        for name in (label, self.key()):
            taken = find_by_name(name, self.shapes) if name else None
            if taken is not None:
                return (f"Une forme porte déjà ce nom : « {taken.label} » (clé {taken.key}). "
                        "Choisissez un autre libellé.")
        return None

    def path(self) -> str | None:
        """The drawing as a path, None while the pad is empty."""
        return None if self.pad.is_empty() else path_from_strokes(self.pad.strokes())

    def _drawing_changed(self) -> None:
        path = self.path()
        if path is None:
            self.preview.clear()
            return
        self._error("dessin", None)
        colour = self.palette().color(QPalette.ColorRole.WindowText)
        self.preview.setPixmap(shape_pixmap(path, colour, LIST_ICON, self.devicePixelRatioF()))

    def save(self) -> bool:
        """Add the shape; False when refused (the reason shows under its field)."""
        label = " ".join(self.label_edit.text().split())
        path = self.path()
        problems = {
            "libelle": NO_LABEL if not label else self._duplicate(),
            "dessin": EMPTY_DRAWING if path is None else None,
        }
        for name, problem in problems.items():
            self._error(name, problem)
        if any(problems.values()) or path is None:
            self._say("La forme n'est pas ajoutée : voir les messages ci-dessus.", ok=False)
            return False
        key, group = self.key(), self.group_box.currentText()
        refused: list[CatalogueError] = []

        def failed(exc: CatalogueError) -> None:
            refused.append(exc)
            self._refused(exc)

        def done(changes: Changes) -> None:
            self._say(f"Forme « {label} » ajoutée (clé {key}) : elle est dans la palette de recherche, "
                      "se tape par son nom et sera proposée quand on la dessine.")
            self._added = key
            self.label_edit.clear()
            self.pad.clear()
            self.reload()
            self.changed.emit(changes)

        self.ops.run(lambda db: catalogue.create_symbol(db, key, label, group, path), done, failed,
                     quick=True, name="nouvelle forme")
        return not refused

    def _refused(self, exc: CatalogueError) -> None:
        if isinstance(exc, ValidationError):
            shown: dict[str, str] = {}
            for field, message in exc.report.errors.items():
                if field in _FIELDS:
                    shown.setdefault(_FIELDS[field], message)  # the label's own reason first
            for name, message in shown.items():
                self._error(name, message)
        self._say(f"La forme n'est pas ajoutée : {exc.message}", ok=False)

    def _error(self, name: str, message: str | None) -> None:
        """A field's reason, shown under it; nothing takes room while there is none."""
        label = self.errors[name]
        label.setText(message or "")
        label.setVisible(bool(message))

    def _say(self, message: str, ok: bool = True) -> None:
        self.message.setText(message)
        self.message.setStyleSheet("" if ok else ERROR_STYLE)
