"""The sample catalogue shipped in ``resources/sample`` (invented codes, real maker names).

It is loaded once into the default SQLite database on first start (never into a server database)
and marked ``exemple`` so that "Supprimer les données d'exemple" removes exactly it. Once removed
it is not loaded again.
"""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import delete, exists, func, select

from data.catalogue import (
    Changes,
    ensure_writable,
    get_or_create_reference,
    insert_lens,
    store_image,
)
from data.database import Database
from data.models import Fournisseur, Gamme, ImageGravure, Materiau, Parametre, Serie, Verre
from data.shipped import RESOURCES_DIR

SAMPLE_DIR = RESOURCES_DIR / "sample"
SEEDED_KEY = "catalogue_initialise"


def sample_entries(folder: Path = SAMPLE_DIR) -> list[dict[str, object]]:
    return list(json.loads((folder / "catalogue.json").read_text(encoding="utf-8")))


def is_seeded(db: Database) -> bool:
    with db.transaction() as session:
        return session.get(Parametre, SEEDED_KEY) is not None


def has_sample(db: Database) -> bool:
    with db.transaction() as session:
        return bool(session.execute(select(exists().where(Verre.exemple.is_(True)))).scalar())


def seed_if_new(db: Database, folder: Path = SAMPLE_DIR) -> int:
    """Load the sample into an empty, never-seeded catalogue; return the lenses added."""
    if db.read_only:
        return 0
    with db.transaction() as session:
        if session.get(Parametre, SEEDED_KEY) is not None:
            return 0
        if session.execute(select(func.count()).select_from(Verre)).scalar_one():
            session.add(Parametre(cle=SEEDED_KEY, valeur="existant"))
            return 0
        added = _load(session, folder)
        session.add(Parametre(cle=SEEDED_KEY, valeur="exemple"))
        return added


def load_sample(db: Database, folder: Path = SAMPLE_DIR) -> int:
    ensure_writable(db)
    with db.transaction() as session:
        return _load(session, folder)


def _load(session, folder: Path) -> int:  # type: ignore[no-untyped-def]
    images: dict[str, int] = {}
    count = 0
    for entry in sample_entries(folder):
        supplier = get_or_create_reference(session, "fournisseur", str(entry["fournisseur"]), exemple=True)
        range_id = (
            get_or_create_reference(session, "gamme", str(entry["gamme"]), supplier, exemple=True)
            if entry.get("gamme")
            else None
        )
        series_id = (
            get_or_create_reference(session, "serie", str(entry["serie"]), range_id, exemple=True)
            if entry.get("serie") and range_id
            else None
        )
        material = (
            get_or_create_reference(session, "materiau", str(entry["materiau"]), exemple=True)
            if entry.get("materiau")
            else None
        )
        image_name = str(entry.get("image") or "")
        if image_name and image_name not in images:
            images[image_name] = store_image(session, (folder / "images" / image_name).read_bytes())
        raw = {
            "nom": entry["nom"],
            "variante": entry.get("variante"),
            "fournisseur_id": supplier,
            "gamme_id": range_id,
            "serie_id": series_id,
            "materiau_id": material,
            "indice": entry["indice"],
            "hauteur_min": entry.get("hauteur_min"),
            "hauteur_max": entry.get("hauteur_max"),
            "gravure_nasale": entry.get("gravure_nasale"),
            "url_source": entry.get("url_source"),
            "symboles": entry.get("symboles") or [],  # its sign's shapes (keys)
        }
        lens_id = insert_lens(session, raw, None, exemple=True)
        if image_name:
            session.get(Verre, lens_id).image_id = images[image_name]  # type: ignore[union-attr]
        count += 1
    session.flush()
    return count


def remove_sample(db: Database) -> Changes:
    """Delete the sample lenses, then the sample references and images nothing else uses.

    The answer names the lenses deleted and says that every view must re-read (reference lists
    lose their sample names too).
    """
    ensure_writable(db)
    with db.transaction() as session:
        removed = frozenset(
            session.execute(select(Verre.id).where(Verre.exemple.is_(True))).scalars()
        )
        session.execute(delete(Verre).where(Verre.exemple.is_(True)))
        session.execute(
            delete(Serie).where(
                Serie.exemple.is_(True), ~exists().where(Verre.serie_id == Serie.id)
            )
        )
        session.execute(
            delete(Gamme).where(
                Gamme.exemple.is_(True),
                ~exists().where(Verre.gamme_id == Gamme.id),
                ~exists().where(Serie.gamme_id == Gamme.id),
            )
        )
        session.execute(
            delete(Fournisseur).where(
                Fournisseur.exemple.is_(True),
                ~exists().where(Verre.fournisseur_id == Fournisseur.id),
                ~exists().where(Gamme.fournisseur_id == Fournisseur.id),
            )
        )
        session.execute(
            delete(Materiau).where(
                Materiau.exemple.is_(True), ~exists().where(Verre.materiau_id == Materiau.id)
            )
        )
        session.execute(
            delete(ImageGravure).where(~exists().where(Verre.image_id == ImageGravure.id))
        )
        return Changes(deleted=removed, everything=True)
