"""Reading one lens (or several) with every field, and an engraving image."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from data.catalogue.values import LensDetail, sign_keys
from data.database import Database
from data.errors import NotFoundError
from data.models import Fournisseur, Gamme, ImageGravure, Materiau, Serie, Verre
from data.query import symbol_keys


def get_lens(db: Database, lens_id: int) -> LensDetail:
    with db.transaction() as session:
        return lens_detail(session, lens_id)


_DETAIL_LENS_COLUMNS = (
    "id", "nom", "variante", "fournisseur_id", "gamme_id", "serie_id", "materiau_id", "indice",
    "hauteur_min", "hauteur_max", "gravure_nasale", "url_gravure", "url_source", "image_id",
    "exemple", "version", "cree_le", "modifie_le",
)


def detail_statement() -> Select[Any]:
    """The fields of ``LensDetail`` only (not the folded copies nor the sort keys)."""
    return (
        select(
            *(getattr(Verre, name) for name in _DETAIL_LENS_COLUMNS),
            Fournisseur.nom.label("fournisseur"),
            Gamme.nom.label("gamme"),
            Serie.nom.label("serie"),
            Materiau.nom.label("materiau"),
            symbol_keys(Verre.id).label("symbols"),
        )
        .select_from(Verre)
        .join(Fournisseur, Fournisseur.id == Verre.fournisseur_id)
        .outerjoin(Gamme, Gamme.id == Verre.gamme_id)
        .outerjoin(Serie, Serie.id == Verre.serie_id)
        .outerjoin(Materiau, Materiau.id == Verre.materiau_id)
    )


DETAIL_FIELDS = tuple(LensDetail.__dataclass_fields__)


def lens_detail(session: Session, lens_id: int) -> LensDetail:
    found = session.execute(detail_statement().where(Verre.id == lens_id)).first()
    if found is None:
        raise NotFoundError(f"Le verre n° {lens_id} n'existe pas (ou plus).")
    return detail_from(found)


def lens_details(session: Session, ids: Sequence[int]) -> dict[int, LensDetail]:
    """Several lenses at once (by chunks of 500): a merge may move thousands."""
    found: dict[int, LensDetail] = {}
    for start in range(0, len(ids), 500):
        chunk = list(ids[start : start + 500])
        for row in session.execute(detail_statement().where(Verre.id.in_(chunk))):
            found[row.id] = detail_from(row)
    return found




def detail_from(found: Any) -> LensDetail:
    row = found._mapping
    values = {name: row[name] for name in DETAIL_FIELDS}
    values["symbols"] = sign_keys(values["symbols"])
    return LensDetail(**values)


def get_image(db: Database, image_id: int) -> tuple[bytes, str]:
    with db.transaction() as session:
        found = session.execute(
            select(ImageGravure.donnees, ImageGravure.type_mime).where(ImageGravure.id == image_id)
        ).first()
    if found is None:
        raise NotFoundError(f"L'image n° {image_id} n'existe pas (ou plus).")
    return bytes(found[0]), found[1]

