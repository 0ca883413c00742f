"""The ``Symboles`` column of an import (pass 1): each cell's shapes checked against the
catalogue's vocabulary, and carried to the spill file.

A cell names shapes by key or label (comma-separated in CSV and XLSX, a list in JSON; case and
accents ignored); an unknown name refuses the line with the closest known names. The spill keeps
each lens's shape keys as a JSON list (``SIGN_COLUMN``), NULL when the file says nothing about
them (no such column, or a JSON object without the key): an updated lens then keeps its shapes,
while an empty cell removes them.
"""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Any

from sqlalchemy.orm import Session

from data.catalogue.symbols import shapes, symbol_problem
from data.transfer.columns import symbol_names

# The file says nothing about the lens's shapes (no such column, or a JSON object without the key).
NO_SIGN_GIVEN: Any = object()
SIGN_CACHE = 4096  # distinct Symboles cells remembered at most


class SignCells:
    """The shapes of a file's ``Symboles`` cells, against the catalogue's vocabulary (an admin's
    shapes included). A file repeats few distinct cells: each is checked once."""

    def __init__(self, session: Session) -> None:
        self.known = shapes(session)
        self._cells: dict[tuple[str, ...], tuple[tuple[str, ...], str | None]] = {}

    def check(self, cell: object) -> tuple[tuple[str, ...], str | None]:
        """The shape keys a cell names (in vocabulary order), and the French message for an
        unknown name (with the closest known names)."""
        key = tuple(symbol_names(cell))
        known = self._cells.get(key)
        if known is None:
            if len(self._cells) >= SIGN_CACHE:
                self._cells.clear()
            known = self._cells[key] = symbol_problem(key, self.known)
        return known


def sign_text(sign: Any) -> str | None:
    """A lens's shapes as the spill keeps them: a JSON list of keys, None when not given."""
    if sign is NO_SIGN_GIVEN:
        return None
    return _keys_text(tuple(sign)) if sign else "[]"


@lru_cache(maxsize=4096)
def _keys_text(keys: tuple[str, ...]) -> str:
    return json.dumps(list(keys))
