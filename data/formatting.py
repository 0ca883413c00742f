"""French numbers, counts, sizes and dates: one module for the data layer, the command line and
the window alike, so that a count reads the same in the status bar, a report and the terminal.

The thousands separator is the narrow no-break space (U+202F) that Qt's French locale writes
(``QLocale(QLocale.French).toString(12345)`` gives ``12\u202f345``); ``tests`` compare the two.
No Qt here: ``data`` never imports it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

THOUSANDS = "\u202f"  # what QLocale(QLocale.French) groups thousands with
DECIMAL = ","


def integer(n: int) -> str:
    """``12345 -> "12 345"`` (narrow no-break spaces between groups of three)."""
    return f"{int(n):,}".replace(",", THOUSANDS)


def count(n: int, one: str, many: str) -> str:
    """``12345, "verre", "verres" -> "12 345 verres"``; French: 0 and 1 are singular."""
    return f"{integer(n)} {plural(n, one, many)}"


def lenses(n: int) -> str:
    """``12 345 verres``: what the status bar, reports and the command line say of lenses."""
    return count(n, "verre", "verres")


def plural(n: int, one: str, many: str) -> str:
    """The noun for ``n`` things (0 and 1 singular)."""
    return one if n <= 1 else many


def decimal(value: float, places: int = 2, *, grouped: bool = False) -> str:
    """A fixed number of decimals with a comma: ``1.5 -> "1,50"``; ``grouped``: thousands
    grouped as ``integer`` groups them (``12345.6, 1 -> "12 345,6"``)."""
    text = f"{value:,.{places}f}" if grouped else f"{value:.{places}f}"
    return text.replace(",", THOUSANDS).replace(".", DECIMAL)


def index(value: float) -> str:
    """A lens index: up to 3 decimals, trailing zeros dropped: ``1.670 -> "1,67"``, ``2.0 -> "2"``."""
    return f"{value:.3f}".rstrip("0").rstrip(".").replace(".", DECIMAL)


def lens_index(value: float) -> str:
    """A lens index as opticians write it: two decimals at least, the third when it counts:
    ``1.6 -> "1,60"``, ``1.67 -> "1,67"``, ``1.523 -> "1,523"``."""
    text = f"{value:.3f}"
    return (text[:-1] if text.endswith("0") else text).replace(".", DECIMAL)


def exact(value: float) -> str:
    """The shortest exact form of a number (``repr``), with a comma: ``1.67 -> "1,67"``,
    ``2.0 -> "2"`` (what an export writes: read back, it is the same number)."""
    text = repr(float(value))
    if text.endswith(".0"):
        text = text[:-2]
    return text.replace(".", DECIMAL)


def plain(value: object) -> str:
    """Any number as Python prints it, with a decimal comma (``1.5 -> "1,5"``)."""
    return str(value).replace(".", DECIMAL)


def size(n_bytes: int) -> str:
    """``2_500_000 -> "2,4 Mo"`` (octets, Ko, Mo, Go; one decimal above octets)."""
    value = float(n_bytes)
    for unit in ("octets", "Ko", "Mo", "Go"):
        if value < 1024 or unit == "Go":
            text = f"{value:.0f}" if unit == "octets" else decimal(value, 1)
            return f"{text} {unit}"
        value /= 1024
    return f"{n_bytes} octets"


def day(value: date | datetime) -> str:
    """``31/12/2024`` (a datetime: its date)."""
    return value.strftime("%d/%m/%Y")


def moment(value: datetime, seconds: bool = False) -> str:
    """``31/12/2024 14:05`` (``14:05:09`` with ``seconds``)."""
    return value.strftime("%d/%m/%Y %H:%M:%S" if seconds else "%d/%m/%Y %H:%M")


def join(items: Sequence[str]) -> str:
    """``a, b et c`` (one item: itself)."""
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " et " + items[-1]


_ELIDING = frozenset("aeiouàâäéèêëîïôöùûü")


def of(name: str) -> str:
    """``de ZEISS``, ``d'Essilor``: French elides « de » before a vowel."""
    return f"d'{name}" if name[:1].lower() in _ELIDING else f"de {name}"
