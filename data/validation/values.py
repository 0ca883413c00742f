"""A lens's values and the results of checking them: the limits the rules use, the fields of a
lens, the report of field -> French message, and what the database knows of the references.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

NAME_MAX = 100
VARIANT_MAX = 50
ENGRAVING_MAX = 50
URL_MAX = 255
INDEX_MIN = 1.0
INDEX_MAX = 2.0
HEIGHT_MIN = 0
HEIGHT_MAX = 100
REFERENCE_NAME_MAX = 100
IMAGE_MAX_BYTES = 5 * 1024 * 1024
ID_MAX = 2**31 - 1  # largest id a 32-bit INTEGER column holds (the service never queries above)

LENS_FIELDS = (
    "nom",
    "variante",
    "fournisseur_id",
    "gamme_id",
    "serie_id",
    "materiau_id",
    "indice",
    "hauteur_min",
    "hauteur_max",
    "gravure_nasale",
    "url_gravure",
    "url_source",
)

FIELD_LABELS = {
    "nom": "Nom",
    "variante": "Variante",
    "fournisseur_id": "Fournisseur",
    "gamme_id": "Gamme",
    "serie_id": "Série",
    "materiau_id": "Matériau",
    "indice": "Indice",
    "hauteur_min": "Hauteur min.",
    "hauteur_max": "Hauteur max.",
    "gravure_nasale": "Gravure nasale",
    "url_gravure": "URL de l'image de gravure",
    "url_source": "URL de la source",
    "image": "Image de gravure",
    "symboles": "Symboles",
}


@dataclass
class ValidationReport:
    """Field -> French message. Empty means valid."""

    errors: dict[str, str] = field(default_factory=dict)

    @property
    def is_valid(self) -> bool:
        return not self.errors

    def add(self, field_name: str, message: str) -> None:
        # The first problem found for a field is the one worth showing.
        self.errors.setdefault(field_name, message)

    def get(self, field_name: str) -> str | None:
        return self.errors.get(field_name)

    def summary(self) -> str:
        if not self.errors:
            return "Aucune erreur."
        return " ; ".join(
            f"{FIELD_LABELS.get(name, name)} : {message}" for name, message in self.errors.items()
        )


@dataclass(frozen=True)
class LensValues:
    """A lens's fields, cleaned and typed, ready to be written."""

    nom: str
    fournisseur_id: int
    indice: float
    variante: str | None = None
    gamme_id: int | None = None
    serie_id: int | None = None
    materiau_id: int | None = None
    hauteur_min: int | None = None
    hauteur_max: int | None = None
    gravure_nasale: str | None = None
    url_gravure: str | None = None
    url_source: str | None = None


_new_object = object.__new__


def fast_lens_values(
    nom: str, fournisseur_id: int, indice: float, variante: str | None, gamme_id: int | None,
    serie_id: int | None, materiau_id: int | None, hauteur_min: int | None,
    hauteur_max: int | None, gravure_nasale: str | None, url_gravure: str | None,
    url_source: str | None,
) -> LensValues:
    """``LensValues(...)`` of values just checked, built at a third of the cost: a frozen
    dataclass's ``__init__`` sets each field through ``object.__setattr__``, most of a valid
    lens's check (an import checks every lens of its file). Fields in declaration order, as
    ``__init__`` leaves them; the instance is as frozen as any other."""
    values = _new_object(LensValues)
    values.__dict__.update(
        nom=nom, fournisseur_id=fournisseur_id, indice=indice, variante=variante,
        gamme_id=gamme_id, serie_id=serie_id, materiau_id=materiau_id, hauteur_min=hauteur_min,
        hauteur_max=hauteur_max, gravure_nasale=gravure_nasale, url_gravure=url_gravure,
        url_source=url_source,
    )
    return values


@dataclass(frozen=True)
class ReferenceFacts:
    """What the database knows about the references a lens names (built by the service)."""

    supplier_ids: frozenset[int] = frozenset()
    material_ids: frozenset[int] = frozenset()
    range_supplier: Mapping[int, int] = field(default_factory=dict)  # gamme_id -> fournisseur_id
    series_range: Mapping[int, int] = field(default_factory=dict)  # serie_id -> gamme_id

