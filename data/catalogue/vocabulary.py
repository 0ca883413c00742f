"""The names the search box knows — makers, ranges, series, materials and shapes — kept per
database while they do not change (a cheap marker read with every query)."""

from __future__ import annotations

import threading
import time
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from data.database import Database
from data.identify import Vocabulary
from data.models import Fournisseur, Gamme, Materiau, Serie, Symbole

_MODELS: tuple[Any, ...] = (Fournisseur, Gamme, Serie, Materiau)


def vocabulary(db: Database) -> Vocabulary:
    """The reference names the box knows (makers, ranges, series, materials) and the shapes.

    Read once per database and kept while a cheap marker (each reference table's row count,
    highest id and total name length, the shapes' count and highest id: one statement) stays the same, and at most
    :data:`VOCABULARY_TTL_S` seconds (a rename keeping the name's length, on another PC)."""
    with db.transaction() as session:
        marker = tuple(session.execute(_VOCABULARY_MARKER).one())
        key = (id(db.engine), db.engine.url.render_as_string(hide_password=True))
        known = _VOCABULARIES.get(key)
        now = time.monotonic()
        if known is not None and known[0] == marker and now - known[1] < VOCABULARY_TTL_S:
            return known[2]
        found = _vocabulary(session)
    with _VOCABULARY_LOCK:
        _VOCABULARIES[key] = (marker, now, found)
    return found


#: Longest a vocabulary is kept without reading the names again.
VOCABULARY_TTL_S = 30.0
_VOCABULARIES: dict[tuple[int, str], tuple[tuple[Any, ...], float, Vocabulary]] = {}
_VOCABULARY_LOCK = threading.Lock()
_VOCABULARY_MARKER = select(*(
    select(aggregate).select_from(model).scalar_subquery()
    for model in _MODELS
    for aggregate in (func.count(), func.max(model.id), func.sum(func.length(model.nom)))
), *(  # an admin's new shape is a name the box knows at once
    select(aggregate).select_from(Symbole).scalar_subquery()
    for aggregate in (func.count(), func.max(Symbole.id))
))


def _vocabulary(session: Session) -> Vocabulary:
    def entries(model: Any) -> tuple[tuple[int, str], ...]:
        found = session.execute(select(model.id, model.nom).order_by(model.nom_normalise, model.id))
        return tuple((int(i), str(n)) for i, n in found)

    from data.catalogue.symbols import shapes  # the shapes typed by name, an admin's included

    return Vocabulary(
        entries(Fournisseur), entries(Gamme), entries(Serie), entries(Materiau), shapes(session)
    )
