"""What a catalogue file's columns mean: header synonyms, the export layout, formula safety.

Suppliers name their columns as they please ("Nom du verre", "Indice", "Min height"...): headers
are matched once folded (case, accents and punctuation ignored) against a table of French and
English synonyms. The export writes headers this table recognises, so a file we write always
reads back.

``IMAGE_FIELD`` is the engraving image stored in the database, carried in a file as the path of
an image file relative to the catalogue file (see ``data.transfer.images``). A bare "image" is
not one of its names: the shipped sample's JSON uses that key for a file of its own ``images/``
folder, read only by ``data.sample``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from data.text import fold

# Lens fields as they appear in files (references by name), in export order.
FILE_FIELDS = (
    "fournisseur",
    "gamme",
    "serie",
    "nom",
    "variante",
    "materiau",
    "indice",
    "hauteur_min",
    "hauteur_max",
    "gravure_nasale",
    "url_gravure",
    "url_source",
)
REQUIRED_FIELDS = ("nom", "fournisseur", "indice")
NUMBER_FIELDS = frozenset({"indice", "hauteur_min", "hauteur_max"})
TEXT_FIELDS = tuple(f for f in FILE_FIELDS if f not in NUMBER_FIELDS)
REFERENCE_FIELDS = ("fournisseur", "gamme", "serie", "materiau")
# The stored engraving image, as a path to an image file (written only when some lens has one).
IMAGE_FIELD = "image_gravure"
# The shapes of a lens's nasal sign: keys or labels, comma-separated (CSV, XLSX), a list (JSON);
# case, accents and separators ignored (``data.catalogue.symbols``). Written after the engraving
# code when some exported lens has a sign.
SYMBOLS_FIELD = "symboles"

# Headers the export writes (each one is also a synonym below).
EXPORT_HEADERS = {
    "fournisseur": "Fournisseur",
    "gamme": "Gamme",
    "serie": "Série",
    "nom": "Nom",
    "variante": "Variante",
    "materiau": "Matériau",
    "indice": "Indice",
    "hauteur_min": "Hauteur min",
    "hauteur_max": "Hauteur max",
    "gravure_nasale": "Gravure nasale",
    "url_gravure": "URL gravure",
    "url_source": "URL source",
    IMAGE_FIELD: "Image gravure (fichier)",
    SYMBOLS_FIELD: "Symboles",
}
# How a field is named in a message when the file has no column for it.
FIELD_NAMES = {
    "fournisseur": "fournisseur",
    "gamme": "gamme",
    "serie": "série",
    "nom": "nom",
    "variante": "variante",
    "materiau": "matériau",
    "indice": "indice",
    "hauteur_min": "hauteur min",
    "hauteur_max": "hauteur max",
    "gravure_nasale": "gravure nasale",
    "url_gravure": "URL gravure",
    "url_source": "URL source",
    IMAGE_FIELD: "image gravure",
    SYMBOLS_FIELD: "symboles",
}

_SYNONYMS: dict[str, tuple[str, ...]] = {
    "nom": (
        "nom", "nom du verre", "nom verre", "nom de verre", "name", "lens name", "lens",
        "verre", "designation", "libelle", "produit", "product", "product name", "modele",
        "model",
    ),
    "variante": ("variante", "variant", "declinaison", "variation"),
    "fournisseur": (
        "fournisseur", "supplier", "marque", "brand", "fabricant", "manufacturer", "maker",
        "vendor", "laboratoire",
    ),
    "gamme": ("gamme", "range", "gamme de produits", "product range", "product line", "famille"),
    "serie": ("serie", "series", "sous gamme"),
    "materiau": (
        "materiau", "materiaux", "material", "matiere", "matiere du verre", "lens material",
    ),
    "indice": (
        "indice", "indices", "index", "indice de refraction", "refractive index",
        "refraction index",
    ),
    "hauteur_min": (
        "hauteur min", "hauteur minimum", "hauteur minimale", "hauteur mini",
        "hauteur de montage min", "hauteur de montage minimum", "hauteur de montage minimale",
        "hauteur montage min", "min height",
        # One fitting-height column: a range in it (« 14 à 20mm ») fills the maximum too.
        "hauteur", "hauteur de montage", "hauteur montage", "haut de montage", "haut montage",
        "fitting height", "height", "hauteur mini maxi", "hauteurs", "minimum height", "min fitting height",
        "minimum fitting height", "height min", "hmin", "h min",
    ),
    "hauteur_max": (
        "hauteur max", "hauteur maximum", "hauteur maximale", "hauteur maxi",
        "hauteur de montage max", "hauteur de montage maximum", "hauteur de montage maximale",
        "hauteur montage max", "max height", "maximum height", "max fitting height",
        "maximum fitting height", "height max", "hmax", "h max",
    ),
    "gravure_nasale": (
        "gravure nasale", "gravure", "code gravure", "code de gravure", "code gravure nasale",
        "engraving", "engraving code", "nasal engraving", "nasal engraving code", "nasal code",
        "marquage", "marquage nasal", "code nasal",
    ),
    "url_gravure": (
        "url gravure", "url de la gravure", "url image", "url de l image",
        "url de l image de gravure", "url image gravure", "image url", "engraving url",
        "engraving image url", "lien gravure", "lien image",
    ),
    "url_source": (
        "url source", "url de la source", "source", "source url", "lien source", "url", "lien",
        "link",
    ),
    SYMBOLS_FIELD: (
        "symboles", "symbole", "signe", "signes", "signe nasal", "symboles du signe", "symbols",
        "symbol", "sign", "signs", "shapes",
    ),
    IMAGE_FIELD: (
        "image gravure", "image gravure fichier", "image de gravure", "image de la gravure",
        "fichier image", "fichier image gravure", "fichier de l image", "fichier gravure",
        "chemin image", "chemin de l image", "chemin image gravure", "engraving image",
        "engraving image file", "engraving image path", "image file", "image path",
    ),
}
_HEADER_FIELD = {syn: name for name, synonyms in _SYNONYMS.items() for syn in synonyms}
_NOT_ALNUM = re.compile(r"[^a-z0-9]+")
_UNIT_SUFFIX = re.compile(r"(?: en)? mm$")


def header_key(text: object) -> str:
    """``"Hauteur min. (mm)" -> "hauteur min"``: what header matching compares."""
    key = _NOT_ALNUM.sub(" ", fold(str(text) if text is not None else "")).strip()
    return _UNIT_SUFFIX.sub("", key).strip()


def field_of_header(text: object) -> str | None:
    return _HEADER_FIELD.get(header_key(text))


@dataclass(frozen=True)
class HeaderMap:
    """Which file column holds which field; ``labels`` names each field as the file does."""

    positions: tuple[tuple[int, str], ...]  # (column position, field)
    labels: dict[str, str]
    ignored: tuple[str, ...]

    def label(self, field_name: str) -> str:
        return self.labels.get(field_name) or FIELD_NAMES.get(field_name, field_name)


class HeaderError(ValueError):
    """The header cannot be used; the message is French and says what to fix. ``headers``:
    the file's headers, for a person to name the columns."""

    def __init__(self, message: str, headers: Sequence[str] = ()) -> None:
        super().__init__(message)
        self.headers = tuple(headers)


def chosen_field(header: object, chosen: Mapping[str, str] | None) -> str | None:
    """The field a person chose for ``header`` (``""``: ignored), else the recognised one."""
    if chosen:
        key = header_key(header)
        for named, field_name in chosen.items():
            if header_key(named) == key:
                return field_name or None
    return field_of_header(header)


def map_header(cells: Sequence[object], chosen: Mapping[str, str] | None = None) -> HeaderMap:
    """Which column holds which field; ``chosen`` (header -> field, ``""`` to ignore) wins
    over the recognised names."""
    positions: list[tuple[int, str]] = []
    labels: dict[str, str] = {}
    ignored: list[str] = []
    headers = [str(c).strip() for c in cells if c is not None and str(c).strip()]
    for position, cell in enumerate(cells):
        shown = str(cell).strip() if cell is not None else ""
        if not shown:
            continue
        field_name = chosen_field(shown, chosen)
        if field_name is None:
            ignored.append(shown)
        elif field_name in labels:
            raise HeaderError(
                f"Les colonnes « {labels[field_name]} » et « {shown} » désignent toutes deux "
                f"le champ {FIELD_NAMES[field_name]} : gardez-en une seule, ou nommez-les.",
                headers,
            )
        else:
            labels[field_name] = shown
            positions.append((position, field_name))
    missing = [FIELD_NAMES[f] for f in REQUIRED_FIELDS if f not in labels]
    if missing:
        found = ", ".join(f"« {str(c).strip()} »" for c in cells if c is not None and str(c).strip())
        raise HeaderError(
            f"Colonne{'s' if len(missing) > 1 else ''} obligatoire{'s' if len(missing) > 1 else ''} "
            f"absente{'s' if len(missing) > 1 else ''} : {', '.join(missing)}. "
            f"En-têtes lus : {found or 'aucun'}. "
            "Noms reconnus par exemple : nom, fournisseur, indice (ou name, supplier, index) ; "
            "ou nommez les colonnes (--column \"en-tête=champ\")."
            , headers,
        )
    return HeaderMap(tuple(positions), labels, tuple(ignored))


# ---------------------------------------------------------------- formula safety

# A leading tab or carriage return is skipped by some spreadsheets, which then read what follows.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def protect_formula(text: str) -> str:
    """For CSV: a spreadsheet must show ``=A1`` as text, so such text gets a leading ``'``."""
    return "'" + text if text.startswith(FORMULA_START) else text


def unprotect_formula(text: str) -> str:
    """Undo ``protect_formula``: drop a leading ``'`` only when a formula character follows."""
    if len(text) > 1 and text[0] == "'" and text[1].startswith(FORMULA_START):
        return text[1:]
    return text


# ---------------------------------------------------------------- several indices in one cell

_INDEX_SEPARATOR = re.compile(r"\s*(?:[-/|;]|,\s|\bet\b|\band\b)\s*")
_NUMBER = re.compile(r"^\d+(?:[.,]\d+)?$")


def split_indices(value: object) -> list[object]:
    """``"1.5 - 1.6 - 1.67" -> ["1.5", "1.6", "1.67"]``; one value stays as it is.

    Separators: ``-``, ``/``, ``|``, ``;``, ``, `` (comma then space: ``1,5`` is one number),
    "et", "and", or spaces between numbers only. A leading sign is not a separator (``-1.5``
    stays one, wrong, value).
    """
    if not isinstance(value, str):
        return [value]
    text = value.strip()
    if not text or text[0] in "+-" or _NUMBER.match(text):  # a plain number: one index
        return [value]
    parts = _INDEX_SEPARATOR.split(text)
    if len(parts) > 1:
        return list(parts)
    words = text.split()
    if len(words) > 1 and all(_NUMBER.match(w) for w in words):
        return list(words)
    return [value]


def join_names(names: Iterable[str]) -> str:
    return ", ".join(names)


def symbol_names(value: object) -> list[str]:
    """A ``Symboles`` cell as names: a JSON list, or a text separated by commas or semicolons."""
    if value is None:
        return []
    if isinstance(value, list | tuple):
        return [str(v).strip() for v in value if v is not None and str(v).strip()]
    return [part.strip() for part in re.split(r"[,;]", str(value)) if part.strip()]
