"""Text folding shared by search, sorting and reference-name uniqueness.

One function decides what "the same text" means everywhere: lower case, accents removed,
invisible format characters dropped (a soft hyphen or a zero-width space pasted from a web page:
``Va\u00adrilux`` is ``varilux``), other control characters made spaces, white space folded. The database stores the folded form in its own
columns so that search, sort and unique constraints behave identically on SQLite, PostgreSQL and
MariaDB, whatever collation each server was installed with.
"""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")
# Separates the searchable fields inside the folded search column; fold() removes it from
# any user text, so a fragment can never match across two fields.
FIELD_SEPARATOR = "\x1f"


def clean_text(value: str) -> str:
    """Trim, fold white space, drop invisible format characters (Unicode category Cf: soft
    hyphen, zero-width space and joiners, word joiner, byte-order mark) and turn other control
    characters into spaces (what we store for display)."""
    if value.isprintable():
        # No control character to drop, and the only white space is " " (tabs, newlines and
        # other spaces are not printable): without a double space there is nothing to fold
        # either (an import cleans a dozen values per row: this is the common case).
        if "  " not in value:
            return value.strip()
    else:
        value = "".join(_visible(ch) for ch in value)
    return _SPACES.sub(" ", value).strip()


def _visible(ch: str) -> str:
    category = unicodedata.category(ch)
    if category[0] != "C":
        return ch
    return "" if category == "Cf" else " "


def fold(value: str | None) -> str:
    """Case- and accent-insensitive key: ``"  Éloïse  ÉSSILOR" -> "eloise essilor"``."""
    if not value:
        return ""
    cleaned = clean_text(value)
    if cleaned.isascii():  # nothing to decompose: same result, much faster (imports, search)
        return cleaned.lower()
    decomposed = unicodedata.normalize("NFKD", cleaned)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    # A spacing accent decomposes into a space and its combining mark (« ´ » is " " + U+0301):
    # once the mark is gone the space may lead, trail or double. « ´ » alone folds to "".
    stripped = _SPACES.sub(" ", stripped).strip()
    # casefold() maps ß to ss and similar; ligatures were split by NFKD already.
    return stripped.casefold().replace("œ", "oe").replace("æ", "ae")


def search_key(*fields: str | None) -> str:
    """The folded search column of a lens: its searchable fields joined by a separator."""
    return folded_search_key(*(fold(f) for f in fields))


def folded_search_key(*folded: str) -> str:
    """``search_key`` of fields folded already (a lens stores their folded copies too)."""
    return FIELD_SEPARATOR.join(folded)


def like_escape(fragment: str, escape: str = "\\") -> str:
    """Make ``%``, ``_`` and the escape character literal inside a LIKE pattern."""
    return (
        fragment.replace(escape, escape + escape)
        .replace("%", escape + "%")
        .replace("_", escape + "_")
    )
