"""A lens equal to another in every field but its id: what the lens dialog asks about before it
saves a new or duplicated lens (« Un verre identique existe déjà »).

Every field counts: supplier, range, series, material, index, heights, engraving code, URLs,
the shapes of the sign and the engraving image (by its SHA-256). Texts typed by hand (name,
variant, code) are compared folded, as the catalogue sorts and searches them: « VARILUX » and
« Varilux » are the same name. This is stricter than the import's identity rule
(``data.transfer.identity``), which finds the lens a file's line updates: two lenses that
differ only by their heights are told apart here, and the question is not asked.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from typing import Any

from sqlalchemy import ColumnElement, select

from data.catalogue.checks import validated
from data.catalogue.derived import lens_columns, sign_of
from data.catalogue.symbols import lens_symbols
from data.catalogue.values import LensRow, lens_row
from data.database import Database
from data.models import ImageGravure, Verre
from data.query import rows_statement

# Columns compared as stored (the validated values, or their folded copies).
_EXACT = ("fournisseur_id", "gamme_id", "serie_id", "materiau_id", "indice", "hauteur_min",
          "hauteur_max", "url_gravure", "url_source")
_FOLDED = ("tri_nom", "tri_variante", "tri_gravure")


def _same(column: Any, value: object) -> ColumnElement[bool]:
    """Equality that holds for two NULLs too, alike on SQLite, PostgreSQL and MariaDB."""
    return column.is_(None) if value is None else column == value  # type: ignore[no-any-return]


def identical_lens(
    db: Database,
    raw: Mapping[str, object],
    image: bytes | None = None,
    exclude_id: int | None = None,
) -> LensRow | None:
    """The lens (lowest id) whose every field equals what ``raw`` and ``image`` would save, or
    None. ``raw`` is what ``create_lens`` takes; invalid values raise ``ValidationError`` as
    the save would. ``exclude_id``: a lens not to compare with (the one being edited)."""
    digest = hashlib.sha256(image).hexdigest() if image is not None else None
    with db.transaction() as session:
        values = validated(session, raw)
        signs = tuple(sorted(sign_of(session, raw) or ()))
        columns = lens_columns(values)
        stmt = select(Verre.id, ImageGravure.sha256).outerjoin(
            ImageGravure, ImageGravure.id == Verre.image_id
        )
        for name in (*_EXACT, *_FOLDED):
            stmt = stmt.where(_same(getattr(Verre, name), columns[name]))
        if exclude_id is not None:
            stmt = stmt.where(Verre.id != exclude_id)
        candidates = [
            lens_id for lens_id, sha in session.execute(stmt.order_by(Verre.id).limit(50))
            if sha == digest
        ]
        if not candidates:
            return None
        shapes = lens_symbols(session, candidates)
        for lens_id in candidates:
            if tuple(sorted(shapes.get(lens_id, ()))) == signs:
                cells = session.connection().execute(rows_statement().where(Verre.id == lens_id)).one()
                return lens_row(cells)
    return None
