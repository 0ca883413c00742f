"""The rules of one field at a time: decimal numbers as typed or read from a file, names and
texts (their length once folded for search and sort), the index, links and reference ids.

Each ``*_value`` check returns ``Checked``: the cleaned value and a French message or None.
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from data import formatting
from data.text import clean_text, fold
from data.validation.values import (
    FIELD_LABELS,
    INDEX_MAX,
    INDEX_MIN,
    NAME_MAX,
    URL_MAX,
    VARIANT_MAX,
    ValidationReport,
)

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


def memo(check: Callable[[object], Checked]) -> Callable[[object], Checked]:
    """``check`` remembered for the text values seen last: a file gives the same few heights,
    indices, variants and links on thousands of rows (an import checks them once). Only
    strings are remembered: equal strings are the same input, which ``-0.0 == 0.0`` are not."""
    cached = functools.lru_cache(maxsize=MEMO_SIZE)(check)

    @functools.wraps(check)
    def remembered(value: object) -> Checked:
        return cached(value) if type(value) is str else check(value)

    return remembered


def text_value(value: object, max_len: int) -> Checked:
    if value is None:
        return None, None
    text = clean_text(str(value))
    if not text:
        return None, None
    return text, length_problem(text, max_len)


def optional_text(
    report: ValidationReport, name: str, value: object, max_len: int
) -> str | None:
    text, problem = text_value(value, max_len)
    if problem:
        report.add(name, problem)
    return text


def checked_value(report: ValidationReport, name: str, checked: Checked) -> Any:
    value, problem = checked
    if problem:
        report.add(name, problem)
    return value


@memo
def variant_value(value: object) -> Checked:
    return text_value(value, VARIANT_MAX)


def length_problem(text: str, max_len: int) -> str | None:
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


@memo
def index_value(value: object) -> Checked:
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


@memo
def url_value(value: object) -> Checked:
    text, problem = text_value(value, URL_MAX)
    if text is None or problem:
        return text, problem
    return text, check_url(text)


def reference_id(report: ValidationReport, name: str, value: object, required: bool) -> int | None:
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
    return text, length_problem(text, max_len)

