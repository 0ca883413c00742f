"""Small helpers that build reference rows and lenses through the real service."""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

from PIL import Image

from data import catalogue
from data.database import Database


@dataclass
class Refs:
    supplier: int
    range_: int
    series: int
    material: int


def make_refs(db: Database, supplier: str = "Essilor", range_: str = "Varilux",
              series: str = "Comfort Max", material: str = "Orma") -> Refs:
    with db.transaction() as s:
        f = catalogue.get_or_create_reference(s, "fournisseur", supplier)
        g = catalogue.get_or_create_reference(s, "gamme", range_, f)
        se = catalogue.get_or_create_reference(s, "serie", series, g)
        m = catalogue.get_or_create_reference(s, "materiau", material)
    return Refs(f, g, se, m)


def lens_values(refs: Refs, **overrides: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "nom": "Varilux Comfort Max",
        "variante": None,
        "fournisseur_id": refs.supplier,
        "gamme_id": refs.range_,
        "serie_id": refs.series,
        "materiau_id": refs.material,
        "indice": 1.6,
        "hauteur_min": 14,
        "hauteur_max": 20,
        "gravure_nasale": "AIPZ",
        "url_gravure": None,
        "url_source": "https://www.essilor.com/fr-fr/",
    }
    values.update(overrides)
    return values


def picture(color: str = "white", fmt: str = "PNG", size: tuple[int, int] = (24, 12)) -> bytes:
    """A small real image (PNG or JPEG) of one colour: distinct colours, distinct bytes."""
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, fmt)
    return out.getvalue()
