"""The lens table's columns: keys, French headings, roles, and how each cell is written.

Kept apart from the model so that the table, the gallery, the detail pane and the exports
name a column the same way.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from PySide6.QtCore import QLocale, Qt
from PySide6.QtGui import QBrush, QColor, QFont

from data import formatting
from data.catalogue import LensRow

COLUMNS: tuple[tuple[str, str], ...] = (
    ("nom", "Nom"),
    ("variante", "Variante"),
    ("fournisseur", "Fournisseur"),
    ("gamme", "Gamme"),
    ("serie", "Série"),
    ("materiau", "Matériau"),
    ("indice", "Indice"),
    ("hauteur_min", "H. min"),
    ("hauteur_max", "H. max"),
    ("gravure_nasale", "Gravure"),
)
COLUMN_KEYS = tuple(key for key, _ in COLUMNS)
(COL_NAME, COL_VARIANT, COL_SUPPLIER, COL_RANGE, COL_SERIES, COL_MATERIAL, COL_INDEX,
 COL_HMIN, COL_HMAX, COL_ENGRAVING) = range(len(COLUMNS))

# While the box holds a text word the rows come in the ranked order, each with its reason:
# one more column after the sortable ones (hidden by the view while the list is sorted).
REASON_KEY = "pertinence"
REASON_LABEL = "Pertinence"
COL_REASON = len(COLUMNS)
ALL_KEYS = (*COLUMN_KEYS, REASON_KEY)
ALL_LABELS = (*(label for _key, label in COLUMNS), REASON_LABEL)

# The order an optician compares at the counter: the code, the index and the heights first.
DEFAULT_ORDER = (REASON_KEY, "gravure_nasale", "indice", "hauteur_min", "hauteur_max", "fournisseur", "nom",
                 "variante", "gamme", "serie", "materiau")
DEFAULT_WIDTHS = {"pertinence": 132, "gravure_nasale": 135, "indice": 56, "hauteur_min": 64,
                  "hauteur_max": 64, "fournisseur": 100, "nom": 185, "variante": 80, "gamme": 95,
                  "serie": 105, "materiau": 110}

HEADER_TIPS = {
    "hauteur_min": "Hauteur de montage minimale (mm) — cliquez pour trier",
    "hauteur_max": "Hauteur de montage maximale (mm) — cliquez pour trier",
    "gravure_nasale": "Code gravé sous la marque nasale — cliquez pour trier",
    REASON_KEY: "Pourquoi chaque verre correspond à la recherche — cliquez pour revenir à cet ordre",
}

ID_ROLE = Qt.ItemDataRole.UserRole + 1
ROW_ROLE = Qt.ItemDataRole.UserRole + 2

UNKNOWN_HEIGHT = "inconnue"
FRENCH = QLocale(QLocale.Language.French, QLocale.Country.France)


def format_index(value: float) -> str:
    """``1,50``: two decimals in the table (``data.formatting`` decides the separators)."""
    return formatting.decimal(value, 2)


def format_count(n: int) -> str:
    """``12 345 verres`` (French grouping, singular for 0 and 1)."""
    return formatting.lenses(n)


def format_ranked_count(n: int, cut: bool) -> str:
    """The status bar's count of a ranked result: when the search kept only its best lenses,
    it says so and asks for more words (``2 000 premiers verres, classés par pertinence — précisez``)."""
    if not cut:
        return format_count(n)
    return f"{formatting.integer(n)} premiers verres, classés par pertinence — précisez"


# The view asks for every cell it paints, about 2,000 times a screen: the model compares roles
# with these plain values rather than building a Qt enum value per call.
_DISPLAY = Qt.ItemDataRole.DisplayRole.value
_TOOLTIP = Qt.ItemDataRole.ToolTipRole.value
_ALIGNMENT = Qt.ItemDataRole.TextAlignmentRole.value
_FOREGROUND = Qt.ItemDataRole.ForegroundRole.value
_FONT = Qt.ItemDataRole.FontRole.value
_ROLES = frozenset({_DISPLAY, _ALIGNMENT, _FOREGROUND, _FONT, _TOOLTIP, ID_ROLE, ROW_ROLE})
_HORIZONTAL = Qt.Orientation.Horizontal
_VERTICAL = Qt.Orientation.Vertical
_ROW_FLAGS = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
_NO_FLAGS = Qt.ItemFlag.NoItemFlags
_RIGHT = int((Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter).value)
_NUMBER_COLUMNS = frozenset({COL_INDEX, COL_HMIN, COL_HMAX})
_UNKNOWN_COLOR = QColor("#8a8a8a")


def _display(lens: LensRow, column: int) -> str:
    if column == COL_INDEX:
        return format_index(lens.indice)
    if column == COL_HMIN:
        return UNKNOWN_HEIGHT if lens.hauteur_min is None else str(lens.hauteur_min)
    if column == COL_HMAX:
        return "" if lens.hauteur_max is None else str(lens.hauteur_max)
    value = getattr(lens, COLUMN_KEYS[column])
    return "" if value is None else str(value)


_UNKNOWN_TIP = "Hauteur minimale inconnue : ce verre reste affiché quel que soit le filtre de hauteur."


def _italic() -> QFont:
    font = QFont()
    font.setItalic(True)
    return font


# The view asks for every cell it paints, about 2,000 times a screen, for seven roles each
# (text, font, colours, alignment, icon, check box): the roles no cell answers are turned away
# first (``answers_role``), and nothing here builds a Qt enum value per call.
def answers_role(role: int) -> bool:
    return role in _ROLES


def cell_data(lens: LensRow, column: int, role: int, reason: str | None) -> Any:
    """What the cell of ``lens`` in ``column`` says for ``role``; ``reason`` is why the lens
    matched a ranked search (None otherwise): the Pertinence column, and every cell's tooltip
    with the code as engraved."""
    if role == ID_ROLE:
        return lens.id
    if role == ROW_ROLE:
        return lens
    if reason is not None and (column == COL_REASON or role == _TOOLTIP):
        if role == _DISPLAY:
            return reason if column == COL_REASON else _display(lens, column)
        if role == _TOOLTIP:
            lines = [f"Pertinence : {reason}", f"Gravure : {lens.gravure_nasale or '—'}"]
            if column == COL_HMIN and lens.hauteur_min is None:
                lines.append(_UNKNOWN_TIP)
            elif column == COL_NAME:
                lines.append(f"{lens.nom} — {lens.fournisseur}")
            return "\n".join(lines)
        return None
    if column == COL_REASON:
        return None
    if role == _DISPLAY:
        return _display(lens, column)
    if role == _ALIGNMENT:
        return _RIGHT if column in _NUMBER_COLUMNS else None
    if column == COL_HMIN and lens.hauteur_min is None:
        if role == _FOREGROUND:
            return QBrush(_UNKNOWN_COLOR)
        if role == _FONT:
            return _italic()
        if role == _TOOLTIP:
            return _UNKNOWN_TIP
    if role == _TOOLTIP and column == COL_NAME:
        return f"{lens.nom} — {lens.fournisseur}"
    return None


#: The roles the view asks of every cell it paints. A row is painted cell by cell, column after
#: column: :func:`painted_cells` works a row out once for all of them (the tooltip and the
#: model's own roles are answered cell by cell, by :func:`cell_data`, when asked).
PAINTED_ROLES = frozenset({_DISPLAY, _ALIGNMENT, _FOREGROUND, _FONT})
_ALIGNMENTS = tuple(_RIGHT if column in _NUMBER_COLUMNS else None for column in range(COL_REASON + 1))
_NOTHING = (None,) * (COL_REASON + 1)


@cache
def _unknown_height_styles() -> tuple[tuple[QBrush | None, ...], tuple[QFont | None, ...]]:
    """The colour and font of every column of a row whose minimal height is unknown (made
    once, with the application there: a font needs it)."""
    foreground = tuple(QBrush(_UNKNOWN_COLOR) if c == COL_HMIN else None for c in range(COL_REASON + 1))
    font = tuple(_italic() if c == COL_HMIN else None for c in range(COL_REASON + 1))
    return foreground, font


def painted_cells(lens: LensRow, reason: str | None) -> dict[int, tuple[Any, ...]]:
    """For each of :data:`PAINTED_ROLES`, what every column of ``lens``'s row says (as
    :func:`cell_data`, a test holds them equal); ``reason`` as there."""
    display: list[str | None] = [_display(lens, column) for column in range(COL_REASON)]
    display.append(reason)
    foreground, font = _unknown_height_styles() if lens.hauteur_min is None else (_NOTHING, _NOTHING)
    return {_DISPLAY: tuple(display), _ALIGNMENT: _ALIGNMENTS, _FOREGROUND: foreground, _FONT: font}


def header_data(section: int, orientation: Qt.Orientation, role: int) -> Any:
    """The table's headings (and row numbers), with a tooltip on each column."""
    if role == _DISPLAY:
        if orientation == _VERTICAL:
            return section + 1
        return ALL_LABELS[section] if 0 <= section <= COL_REASON else None
    if role == _TOOLTIP and orientation == _HORIZONTAL and 0 <= section <= COL_REASON:
        return HEADER_TIPS.get(ALL_KEYS[section], f"Trier par {ALL_LABELS[section].lower()}")
    return None


def item_flags(valid: bool) -> Qt.ItemFlag:
    return _ROW_FLAGS if valid else _NO_FLAGS
