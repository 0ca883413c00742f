"""Pure validation rules for a lens, shared by the dialog (as the user types) and the service
(again before every write). The database CHECK/NOT NULL/FK constraints are the last line.

``validate_lens`` takes raw values as a form or a file gives them (strings with decimal commas,
numbers, None) and returns the cleaned values with a report of field -> French message.
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from data import formatting
from data.text import clean_text, fold

NAME_MAX = 100
VARIANT_MAX = 50
ENGRAVING_MAX = 50
URL_MAX = 255
INDEX_MIN = 1.0
INDEX_MAX = 2.0
HEIGHT_MIN = 0
HEIGHT_MAX = 100
REFERENCE_NAME_MAX = 100
IMAGE_MAX_BYTES = 5 * 1024 * 1024
ID_MAX = 2**31 - 1  # largest id a 32-bit INTEGER column holds (the service never queries above)

LENS_FIELDS = (
    "nom",
    "variante",
    "fournisseur_id",
    "gamme_id",
    "serie_id",
    "materiau_id",
    "indice",
    "hauteur_min",
    "hauteur_max",
    "gravure_nasale",
    "url_gravure",
    "url_source",
)

FIELD_LABELS = {
    "nom": "Nom",
    "variante": "Variante",
    "fournisseur_id": "Fournisseur",
    "gamme_id": "Gamme",
    "serie_id": "Série",
    "materiau_id": "Matériau",
    "indice": "Indice",
    "hauteur_min": "Hauteur min.",
    "hauteur_max": "Hauteur max.",
    "gravure_nasale": "Gravure nasale",
    "url_gravure": "URL de l'image de gravure",
    "url_source": "URL de la source",
    "image": "Image de gravure",
    "symboles": "Symboles",
}


@dataclass
class ValidationReport:
    """Field -> French message. Empty means valid."""

    errors: dict[str, str] = field(default_factory=dict)

    @property
    def is_valid(self) -> bool:
        return not self.errors

    def add(self, field_name: str, message: str) -> None:
        # The first problem found for a field is the one worth showing.
        self.errors.setdefault(field_name, message)

    def get(self, field_name: str) -> str | None:
        return self.errors.get(field_name)

    def summary(self) -> str:
        if not self.errors:
            return "Aucune erreur."
        return " ; ".join(
            f"{FIELD_LABELS.get(name, name)} : {message}" for name, message in self.errors.items()
        )


@dataclass(frozen=True)
class LensValues:
    """A lens's fields, cleaned and typed, ready to be written."""

    nom: str
    fournisseur_id: int
    indice: float
    variante: str | None = None
    gamme_id: int | None = None
    serie_id: int | None = None
    materiau_id: int | None = None
    hauteur_min: int | None = None
    hauteur_max: int | None = None
    gravure_nasale: str | None = None
    url_gravure: str | None = None
    url_source: str | None = None


_new_object = object.__new__


def _lens_values(
    nom: str, fournisseur_id: int, indice: float, variante: str | None, gamme_id: int | None,
    serie_id: int | None, materiau_id: int | None, hauteur_min: int | None,
    hauteur_max: int | None, gravure_nasale: str | None, url_gravure: str | None,
    url_source: str | None,
) -> LensValues:
    """``LensValues(...)`` of values just checked, built at a third of the cost: a frozen
    dataclass's ``__init__`` sets each field through ``object.__setattr__``, most of a valid
    lens's check (an import checks every lens of its file). Fields in declaration order, as
    ``__init__`` leaves them; the instance is as frozen as any other."""
    values = _new_object(LensValues)
    values.__dict__.update(
        nom=nom, fournisseur_id=fournisseur_id, indice=indice, variante=variante,
        gamme_id=gamme_id, serie_id=serie_id, materiau_id=materiau_id, hauteur_min=hauteur_min,
        hauteur_max=hauteur_max, gravure_nasale=gravure_nasale, url_gravure=url_gravure,
        url_source=url_source,
    )
    return values


@dataclass(frozen=True)
class ReferenceFacts:
    """What the database knows about the references a lens names (built by the service)."""

    supplier_ids: frozenset[int] = frozenset()
    material_ids: frozenset[int] = frozenset()
    range_supplier: Mapping[int, int] = field(default_factory=dict)  # gamme_id -> fournisseur_id
    series_range: Mapping[int, int] = field(default_factory=dict)  # serie_id -> gamme_id


format_decimal = formatting.decimal  # French display of a number: ``1.5 -> "1,50"``


_NUMBER = re.compile(r"^[+-]?(\d+([.,]\d*)?|[.,]\d+)$")
_WHITE_SPACE = re.compile(r"\s")  # what ``str.isspace`` calls white space


def parse_decimal(value: object) -> float | None:
    """Accept ``1.6``, ``"1,6"``, ``" 1.60 "``; None/empty -> None; raise ValueError otherwise."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, int | float):
        return float(value)
    text = clean_text(str(value)).replace(" ", "").replace("\u202f", "")
    if not text:
        return None
    if not _NUMBER.match(text):
        raise ValueError(text)
    return float(text.replace(",", "."))


Checked = tuple[Any, str | None]  # (cleaned value or None, French message or None)
MEMO_SIZE = 4096


def _memo(check: Callable[[object], Checked]) -> Callable[[object], Checked]:
    """``check`` remembered for the text values seen last: a file gives the same few heights,
    indices, variants and links on thousands of rows (an import checks them once). Only
    strings are remembered: equal strings are the same input, which ``-0.0 == 0.0`` are not."""
    cached = functools.lru_cache(maxsize=MEMO_SIZE)(check)

    @functools.wraps(check)
    def remembered(value: object) -> Checked:
        return cached(value) if type(value) is str else check(value)

    return remembered


def _text_value(value: object, max_len: int) -> Checked:
    if value is None:
        return None, None
    text = clean_text(str(value))
    if not text:
        return None, None
    return text, _length_problem(text, max_len)


def _optional_text(
    report: ValidationReport, name: str, value: object, max_len: int
) -> str | None:
    text, problem = _text_value(value, max_len)
    if problem:
        report.add(name, problem)
    return text


def _checked(report: ValidationReport, name: str, checked: Checked) -> Any:
    value, problem = checked
    if problem:
        report.add(name, problem)
    return value


@_memo
def _variant_value(value: object) -> Checked:
    return _text_value(value, VARIANT_MAX)


def _length_problem(text: str, max_len: int) -> str | None:
    """Too long as typed, or once folded for search and sort (``ß`` -> ``ss``, ``ﬃ`` -> ``ffi``).

    The folded copy lives in a column of the same length: without this check a name of 100
    ``ß`` passes here and then fails in the database (PostgreSQL, MariaDB) as a driver error.
    """
    if len(text) > max_len:
        return f"{max_len} caractères au maximum (actuellement {len(text)})."
    if text.isascii():
        return None  # clean ASCII text folds to its lower case: the same length
    folded = len(fold(text))
    if folded > max_len:
        return (
            f"{max_len} caractères au maximum une fois développés les caractères comme « ß » "
            f"ou « ﬃ » (actuellement {folded})."
        )
    return None


HEIGHT_FORMS = "14, 18mm, ≥ 14, 14 à 20mm, 14-18, 16/19"
HEIGHT_HELP = f"Hauteur en millimètres, par exemple {HEIGHT_FORMS}."
_HEIGHT_UNIT = re.compile(r"\s*mm\.?\s*$", re.IGNORECASE)
_HEIGHT_NUMBER = r"\d+(?:[.,]0+)?"
_HEIGHT_AT_LEAST = re.compile(rf"^(?:≥|>=|>|min\.?|mini|minimum|dès|des|à partir de|a partir de)\s*({_HEIGHT_NUMBER})$", re.IGNORECASE)
_HEIGHT_RANGE = re.compile(rf"^(?:de\s+)?({_HEIGHT_NUMBER})\s*(?:mm)?\s*(?:à|a|-|–|—|au|to)\s*({_HEIGHT_NUMBER})$", re.IGNORECASE)
_HEIGHT_CHOICES = re.compile(rf"^{_HEIGHT_NUMBER}(?:\s*(?:/|ou)\s*{_HEIGHT_NUMBER})+$", re.IGNORECASE)
_HEIGHT_SPLIT = re.compile(r"\s*(?:/|ou)\s*", re.IGNORECASE)


@_memo
def read_heights(value: object) -> tuple[tuple[int | None, int | None], str | None]:
    """A fitting height as guides write it -> ((minimum, maximum), None), or (_, French message).

    ``14`` and ``18mm`` -> (14, None); ``≥ 14`` -> (14, None); ``14 à 20mm`` and ``14-18`` ->
    (14, 20) and (14, 18), a range (its ends in either order); ``16/19``, ``17/15``,
    ``16/15/14`` -> the smallest, (16, None), (15, None), (14, None): a guide lists the
    corridors a design comes in, and the shortest is the one that fits every frame the others
    fit. Blank -> (None, None). Anything else is refused, the message showing the forms read.
    """
    if value is None:
        return (None, None), None
    if isinstance(value, bool):
        return (None, None), f"« {value} » n'est pas une hauteur. {HEIGHT_HELP}"
    if isinstance(value, int | float):
        return _one_height(float(value), str(value))
    text = clean_text(str(value))
    if not text:
        return (None, None), None
    core = _HEIGHT_UNIT.sub("", text).strip()
    if match := _HEIGHT_AT_LEAST.match(core):
        return _one_height(_height_number(match.group(1)), text)
    if match := _HEIGHT_RANGE.match(core):
        ends = []
        for group in match.groups():
            (height, _none), problem = _one_height(_height_number(group), text)
            if problem or height is None:
                return (None, None), problem
            ends.append(height)
        return (min(ends), max(ends)), None
    if _HEIGHT_CHOICES.match(core):
        heights = []
        for part in _HEIGHT_SPLIT.split(core):
            (height, _none), problem = _one_height(_height_number(part), text)
            if problem:
                return (None, None), problem
            heights.append(height)
        return (min(h for h in heights if h is not None), None), None
    try:
        number = parse_decimal(core)
    except ValueError:
        return (None, None), f"« {text} » n'est pas une hauteur lisible. {HEIGHT_HELP}"
    if number is None:
        return (None, None), f"« {text} » n'est pas une hauteur lisible. {HEIGHT_HELP}"
    return _one_height(number, text)


def _height_number(text: str) -> float:
    return float(text.replace(",", "."))


def _one_height(number: float, shown: str) -> tuple[tuple[int | None, int | None], str | None]:
    if not math.isfinite(number) or number != int(number):
        return (None, None), f"« {shown} » : entrez un nombre entier de millimètres. {HEIGHT_HELP}"
    height = int(number)
    if not HEIGHT_MIN <= height <= HEIGHT_MAX:
        return (None, None), f"La hauteur doit être comprise entre {HEIGHT_MIN} et {HEIGHT_MAX} mm."
    return (height, None), None


def _height_value(value: object, end: int = 0) -> Checked:
    """One height field: a range gives its low end (``end`` 0, minimum) or its high end (1)."""
    (low, high), problem = read_heights(value)
    if problem:
        return None, problem
    if end == 1 and high is not None:
        return high, None
    return low, None


@_memo
def _index_value(value: object) -> Checked:
    try:
        number = parse_decimal(value)
    except ValueError:
        return None, "Entrez un nombre, par exemple 1,67."
    if number is None:
        return None, "L'indice est obligatoire."
    if not math.isfinite(number):
        return None, "Entrez un nombre, par exemple 1,67."
    if not INDEX_MIN <= number <= INDEX_MAX:
        return None, (
            f"Indice {format_decimal(number, 3).rstrip('0').rstrip(',')} hors limites "
            f"({format_decimal(INDEX_MIN)} à {format_decimal(INDEX_MAX)})."
        )
    return round(number, 3), None


def check_url(value: str) -> str | None:
    """Return a French message when ``value`` is not an http(s) URL, else None."""
    try:
        parts = urlsplit(value)
    except ValueError:
        return "Adresse invalide."
    if parts.scheme.lower() not in ("http", "https"):
        return "Seules les adresses http:// ou https:// sont acceptées."
    if not parts.netloc or _WHITE_SPACE.search(value):
        return "Adresse invalide : il manque le nom du site."
    return None


@_memo
def _url_value(value: object) -> Checked:
    text, problem = _text_value(value, URL_MAX)
    if text is None or problem:
        return text, problem
    return text, check_url(text)


def _reference_id(report: ValidationReport, name: str, value: object, required: bool) -> int | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            report.add(name, f"Choisissez un {FIELD_LABELS[name].lower()}.")
        return None
    if isinstance(value, bool):
        report.add(name, "Référence invalide.")
        return None
    try:
        ident = int(str(value).strip()) if not isinstance(value, int) else value
    except ValueError:
        report.add(name, "Référence invalide.")
        return None
    if ident <= 0:
        report.add(name, "Référence invalide.")
        return None
    return ident


def validate_name(value: object, label: str = "Le nom", max_len: int = NAME_MAX) -> tuple[str, str | None]:
    """Clean a required name; return (cleaned, message or None)."""
    text = clean_text(str(value)) if value is not None else ""
    if not text:
        return text, f"{label} est obligatoire."
    if not text.isascii() and not fold(text):
        # Only combining accents or invisible marks: nothing left to search, sort or compare.
        return text, f"{label} doit contenir au moins une lettre, un chiffre ou un signe."
    return text, _length_problem(text, max_len)


def validate_lens(
    raw: Mapping[str, object], refs: ReferenceFacts | None = None
) -> tuple[LensValues | None, ValidationReport]:
    """Check every rule; return the cleaned values (None when invalid) and the report."""
    report = ValidationReport()
    nom, message = validate_name(raw.get("nom"))
    if message:
        report.add("nom", message)
    variante = _checked(report, "variante", _variant_value(raw.get("variante")))
    gravure = _optional_text(report, "gravure_nasale", raw.get("gravure_nasale"), ENGRAVING_MAX)
    indice = _checked(report, "indice", _index_value(raw.get("indice")))
    hmin, hmax = _heights(report, raw.get("hauteur_min"), raw.get("hauteur_max"))
    if hmin is not None and hmax is not None and hmin > hmax:
        report.add(
            "hauteur_max",
            f"La hauteur max. ({hmax} mm) doit être supérieure ou égale à la hauteur min. "
            f"({hmin} mm).",
        )
    url_gravure = _checked(report, "url_gravure", _url_value(raw.get("url_gravure")))
    url_source = _checked(report, "url_source", _url_value(raw.get("url_source")))
    supplier = _reference_id(report, "fournisseur_id", raw.get("fournisseur_id"), required=True)
    range_id = _reference_id(report, "gamme_id", raw.get("gamme_id"), required=False)
    series_id = _reference_id(report, "serie_id", raw.get("serie_id"), required=False)
    material = _reference_id(report, "materiau_id", raw.get("materiau_id"), required=False)

    if series_id is not None and range_id is None and not report.get("gamme_id"):
        report.add("gamme_id", "Choisissez la gamme de cette série.")
    if refs is not None:
        _check_references(report, refs, supplier, range_id, series_id, material)

    if not report.is_valid:
        return None, report
    assert supplier is not None and indice is not None
    return (
        _lens_values(
            nom, supplier, indice, variante, range_id, series_id, material, hmin, hmax, gravure,
            url_gravure, url_source,
        ),
        report,
    )


def _heights(report: ValidationReport, raw_min: object, raw_max: object) -> tuple[int | None, int | None]:
    """Both height fields (``read_heights``). A range in the minimum's field with an empty
    maximum fills both (``14 à 20mm`` in a file's single « hauteur » column)."""
    (low, high), problem = read_heights(raw_min)
    if problem:
        report.add("hauteur_min", problem)
    hmax = _checked(report, "hauteur_max", _height_value(raw_max, 1))
    if hmax is None and high is not None and not report.get("hauteur_max") and _blank(raw_max):
        hmax = high
    return low, hmax


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _check_references(
    report: ValidationReport,
    refs: ReferenceFacts,
    supplier: int | None,
    range_id: int | None,
    series_id: int | None,
    material: int | None,
) -> None:
    if supplier is not None and supplier not in refs.supplier_ids:
        report.add("fournisseur_id", "Ce fournisseur n'existe pas (ou plus).")
    if material is not None and material not in refs.material_ids:
        report.add("materiau_id", "Ce matériau n'existe pas (ou plus).")
    if range_id is not None:
        owner = refs.range_supplier.get(range_id)
        if owner is None:
            report.add("gamme_id", "Cette gamme n'existe pas (ou plus).")
        elif supplier is not None and owner != supplier:
            report.add("gamme_id", "Cette gamme n'appartient pas au fournisseur choisi.")
    if series_id is not None:
        parent = refs.series_range.get(series_id)
        if parent is None:
            report.add("serie_id", "Cette série n'existe pas (ou plus).")
        elif range_id is not None and parent != range_id:
            report.add("serie_id", "Cette série n'appartient pas à la gamme choisie.")


def check_image_bytes(content: bytes) -> tuple[str | None, str | None]:
    """Return (mime type, None) for a PNG/JPEG under 5 MB, else (None, French message).

    Only the signature and size are checked here (pure); the service also decodes it.
    """
    problem = image_size_problem(len(content))
    if problem:
        return None, problem
    if content.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png", None
    if content.startswith(b"\xff\xd8\xff"):
        return "image/jpeg", None
    return None, "Seules les images PNG ou JPEG sont acceptées."


def image_size_problem(size: int) -> str | None:
    """The size rule of an image alone: an import checks it before reading a file."""
    if size == 0:
        return "Le fichier image est vide."
    if size > IMAGE_MAX_BYTES:
        size_mb = format_decimal(size / 1024 / 1024, 1)
        return f"Image trop volumineuse ({size_mb} Mo) : 5 Mo au maximum."
    return None
