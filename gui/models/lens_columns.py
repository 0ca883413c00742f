"""The lens table's columns: keys, French headings, roles, and how each cell is written.

Kept apart from the model so that the table, the gallery, the detail pane and the exports
name a column the same way.
"""

from __future__ import annotations

from PySide6.QtCore import QLocale, Qt
from PySide6.QtGui import QColor

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
