"""The lenses an export writes, read from the database: in id order by chunks (keyset
pagination), never all at once; each chunk a list of dicts keyed by the file's fields, with the
lens's shape keys and, when asked, its image's hash, type and size (never its bytes).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from sqlalchemy import and_, exists, select
from sqlalchemy.orm import Session

from data.catalogue.values import sign_keys
from data.models import Fournisseur, Gamme, ImageGravure, Materiau, Serie, Verre, VerreSymbole
from data.query import LensQuery, filter_clauses, symbol_keys
from data.transfer.columns import FILE_FIELDS, SYMBOLS_FIELD
from data.transfer.images import ImageFolder

CHUNK = 2000

Fields = tuple[str, ...]
Rows = Iterator[list[dict[str, Any]]]  # chunks of lenses, each a dict of its columns

_COLUMNS = {
    "fournisseur": Fournisseur.nom,
    "gamme": Gamme.nom,
    "serie": Serie.nom,
    "nom": Verre.nom,
    "variante": Verre.variante,
    "materiau": Materiau.nom,
    "indice": Verre.indice,
    "hauteur_min": Verre.hauteur_min,
    "hauteur_max": Verre.hauteur_max,
    "gravure_nasale": Verre.gravure_nasale,
    "url_gravure": Verre.url_gravure,
    "url_source": Verre.url_source,
}


_IMAGE_COLUMNS = (Verre.image_id, ImageGravure.sha256, ImageGravure.type_mime, ImageGravure.taille)


def lens_chunks(session: Session, query: LensQuery, images: bool) -> Rows:
    """The matching lenses in id order, ``CHUNK`` at a time (with their images' hash, type and
    size when ``images``: never their bytes)."""
    clauses = filter_clauses(query)
    base = (
        select(Verre.id, *(_COLUMNS[name].label(name) for name in FILE_FIELDS))
        .select_from(Verre)
        .join(Fournisseur, Fournisseur.id == Verre.fournisseur_id)
        .outerjoin(Gamme, Gamme.id == Verre.gamme_id)
        .outerjoin(Serie, Serie.id == Verre.serie_id)
        .outerjoin(Materiau, Materiau.id == Verre.materiau_id)
        .order_by(Verre.id)
        .limit(CHUNK)
    )
    if images:
        base = base.add_columns(*_IMAGE_COLUMNS).outerjoin(ImageGravure, ImageGravure.id == Verre.image_id)
    base = base.add_columns(symbol_keys(Verre.id).label(SYMBOLS_FIELD))
    last = 0
    while True:
        stmt = base.where(and_(Verre.id > last, *clauses))
        rows = [dict(r) for r in session.execute(stmt).mappings()]
        if not rows:
            return
        for row in rows:
            row[SYMBOLS_FIELD] = list(sign_keys(row[SYMBOLS_FIELD]))
        last = rows[-1]["id"]
        yield rows
        if len(rows) < CHUNK:
            return


def any_sign(session: Session, query: LensQuery) -> bool:
    stmt = select(exists().where(
        Verre.id == VerreSymbole.verre_id, *filter_clauses(query)
    ))
    return bool(session.execute(stmt).scalar())


def any_image(session: Session, query: LensQuery) -> bool:
    stmt = select(exists().where(Verre.image_id.is_not(None), *filter_clauses(query)))
    return bool(session.execute(stmt).scalar())


def with_image_paths(
    chunks: Rows, session: Session, folder: ImageFolder, check: Callable[[], None]
) -> Rows:
    """Each chunk once its images are written and its rows carry their paths."""
    for chunk in chunks:
        folder.add(session, chunk, check)
        yield chunk

