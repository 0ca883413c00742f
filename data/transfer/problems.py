"""What an import says about a refused value: the value itself, and what to do with it.

The shared rules (``data.validation``) speak to someone typing in a field (« Entrez un nombre,
par exemple 1,67. »). A file's line needs more: the value as the file has it (« Indice :
« Tbc » n'est pas un nombre »), where to cut a name that is too long, and the likely cause of
the shapes real guides take:

- an index cell that says there is none (« pas d'indice », « nc », « ? »), or that it is still
  to be confirmed (« Tbc », « à confirmer »): refused, saying so;
- ``1,6è`` and ``1,7'``: the digit row of a French (AZERTY) keyboard typed without Shift gives
  ``è`` for 7 and ``'`` for 4. The likely index is shown (« 1,67 tapé sans Maj ? ») but never
  taken: a wrong index identifies a wrong lens, so the person decides;
- an index cell holding a material word while the material cell holds a number: « indice et
  matériau inversés ? » (the preview offers to swap them on every such line).
"""

from __future__ import annotations

import re

from data.text import clean_text, fold
from data.validation import NAME_MAX, parse_decimal

SHOWN_MAX = 60  # characters of a value shown in a message (a long name shows NAME_MAX)
SWAPPED = "indice et matériau inversés ?"

# The unshifted digit row of a French keyboard: what a digit becomes without Shift.
_AZERTY_DIGITS = str.maketrans({"&": "1", "é": "2", '"': "3", "'": "4", "(": "5", "-": "6", "è": "7", "_": "8", "ç": "9", "à": "0"})
_NONE_WORDS = frozenset({
    "pas d indice", "sans indice", "aucun", "aucune", "sans", "nc", "n c", "na", "n a", "nd", "n d",
    "non communique", "inconnu", "none", "null", "x", "-", "?", "??",
})
_PENDING_WORDS = frozenset({"tbc", "tbd", "a confirmer", "a definir", "a venir", "en attente", "?"})
_PUNCTUATION = re.compile(r"[^a-z0-9?-]+")


def shown(value: object, limit: int = SHOWN_MAX) -> str:
    """``« value »`` as a message quotes it, cut after ``limit`` characters."""
    text = clean_text(str(value)) if value is not None else ""
    if len(text) > limit:
        text = text[:limit] + "…"
    return f"« {text} »"


def _words(value: object) -> str:
    return _PUNCTUATION.sub(" ", fold(str(value))).strip()


def index_problem(value: object, message: str) -> str:
    """The refusal of an index cell, with its value and its likely cause."""
    if value is None or not str(value).strip():
        return "l'indice est vide (il est obligatoire)."
    words = _words(value)
    if words in _PENDING_WORDS:
        return f"{shown(value)} : indice à confirmer, pas encore un nombre ; indiquez-le quand il est connu."
    if words in _NONE_WORDS or "pas d indice" in words or "sans indice" in words:
        return f"{shown(value)} : le fichier ne donne pas d'indice (il est obligatoire)."
    guess = azerty_guess(value)
    if guess is not None:
        return f"{shown(value)} n'est pas un nombre ({guess} tapé sans Maj ?)."
    if "hors limites" in message:
        return message
    return f"{shown(value)} n'est pas un nombre (exemple : 1,67)."


def azerty_guess(value: object) -> str | None:
    """``"1,6è" -> "1,67"``: a number once its AZERTY-without-Shift characters are read as digits."""
    text = clean_text(str(value)).replace(" ", "")
    if not text or not any(ch in "&é\"'(-è_çà" for ch in text[1:]):
        return None
    guess = text[0] + text[1:].translate(_AZERTY_DIGITS)
    try:
        number = parse_decimal(guess)
    except ValueError:
        return None
    if number is None or not 1.0 <= number <= 2.0:
        return None
    return guess.replace(".", ",")


def looks_like_index(value: object) -> bool:
    """A material cell holding what is surely an index (a number from 1 to 2)."""
    if isinstance(value, bool) or value is None:
        return False
    try:
        number = parse_decimal(value)
    except ValueError:
        return False
    return number is not None and 1.0 <= number <= 2.0


def looks_like_material(value: object) -> bool:
    """An index cell holding a word (« ORG », « Polycarbonate »): letters, no index in it."""
    if not isinstance(value, str) or not value or value[0].isdigit():
        return False  # the common case, decided at once
    words = _words(value)
    if not words or words in _NONE_WORDS or words in _PENDING_WORDS or azerty_guess(value):
        return False
    return any(ch.isalpha() for ch in words)


def swapped_problem(index: object, material: object) -> str:
    return f"{shown(index)} dans l'indice et {shown(material)} dans le matériau : {SWAPPED}"


def name_problem(value: object, message: str) -> str:
    """A name over the limit shows where to cut: its first ``NAME_MAX`` characters."""
    text = clean_text(str(value)) if value is not None else ""
    if len(text) > NAME_MAX:
        return (
            f"{len(text)} caractères pour {NAME_MAX} au maximum ; ce qui tient : "
            f"« {text[:NAME_MAX]}… »"
        )
    return message


def value_problem(value: object, message: str) -> str:
    """Any other refused value: ``« value » : message`` (unless the message quotes it)."""
    if value is None or not str(value).strip() or "« " in message or clean_text(str(value)) in message:
        return message  # the message quotes the value already
    return f"{shown(value)} : {message[:1].lower()}{message[1:]}"
