"""What an integrity check reports (``Finding``, ``IntegrityReport``, the kinds and their French
titles), and what every check is given: the connection and a ``Context``."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.engine import Connection

from data import formatting
from data.kinds import ReferenceKind
from data.models import Fournisseur, Gamme, ImageGravure, Materiau, Serie, Verre
from data.progress import Steps

# Finding kinds (stable keys the report dialog groups by), with their French titles.
KIND_TITLES = {
    "structure": "Fichier de base endommagé",
    "contrainte": "Règle de la base non respectée",
    "cle_etrangere": "Référence vers une ligne absente",
    "indice": "Indice hors plage",
    "indice_decimales": "Indice à plus de 3 décimales",
    "hauteur": "Hauteurs de montage incohérentes",
    "reference_incoherente": "Fournisseur, gamme et série en désaccord",
    "doublon": "Verres en double",
    "image": "Image de gravure illisible",
    "normalisation": "Colonnes de recherche à recalculer",
    "cles_gravure": "Clés de recherche des gravures à recalculer",
    "reference_proche": "Références presque identiques (doublons probables)",
}


DAMAGED_FILE = (
    "Une partie du fichier de la base est illisible (pages endommagées) : restaurez une "
    "sauvegarde ou faites réparer la base."
)


@dataclass(frozen=True)
class ReferenceSide:
    """One reference of a merge offer: its id, its name and how many lenses name it."""

    id: int
    name: str
    lenses: int


@dataclass(frozen=True)
class MergeOffer:
    """Two references of one kind (and one parent) that are likely one: merging ``other`` into
    ``keep`` is what the report offers. ``keep`` is the one more lenses name (the older one on
    a tie): the fewest lenses change. ``reversed()`` is the other direction, for the admin who
    prefers the other name."""

    kind: ReferenceKind
    keep: ReferenceSide
    other: ReferenceSide

    @classmethod
    def between(cls, kind: ReferenceKind, older: ReferenceSide, newer: ReferenceSide) -> MergeOffer:
        if newer.lenses > older.lenses:
            return cls(kind, newer, older)
        return cls(kind, older, newer)

    def reversed(self) -> MergeOffer:
        return MergeOffer(self.kind, self.other, self.keep)

    def involves(self, kind: str, ref_id: int) -> bool:
        return self.kind == kind and ref_id in (self.keep.id, self.other.id)


@dataclass(frozen=True)
class Finding:
    """One problem. ``merge``: for near-identical references, the merge that would solve it."""

    kind: str
    lens_id: int | None
    lens_name: str | None
    message: str
    merge: MergeOffer | None = None


@dataclass(frozen=True)
class IntegrityReport:
    findings: list[Finding] = field(default_factory=list)
    quick: bool = False
    duration_s: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.findings

    def by_kind(self) -> dict[str, list[Finding]]:
        grouped: dict[str, list[Finding]] = {}
        for finding in self.findings:
            grouped.setdefault(finding.kind, []).append(finding)
        return grouped


V = Verre.__table__
F = Fournisseur.__table__
M = Materiau.__table__
G = Gamme.__table__
S = Serie.__table__
IMG = ImageGravure.__table__


def lens_finding(kind: str, row: Any, message: str) -> Finding:
    return Finding(kind, int(row.id), str(row.nom), f"Verre n° {row.id} « {row.nom} » : {message}")


number = formatting.plain


Check = Callable[[Connection, "Context"], Iterator[Finding]]


@dataclass
class Context:
    backend: str
    quick: bool
    progress: Steps
