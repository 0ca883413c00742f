"""The reference kinds (supplier, material, range, series): one table, read by every module.

A lens names a supplier (required), a material, a range (of its supplier) and a series (of its
range). Each kind's model, French words, lens column and parent are written here once; the
catalogue, the audit trail, the import and the checks look them up instead of keeping copies.

It lives beside ``data.models`` rather than in ``data.catalogue``: the audit trail needs it too,
and ``data.audit`` never imports the catalogue.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from data.models import Fournisseur, Gamme, Materiau, Serie, Verre

ReferenceKind = Literal["fournisseur", "materiau", "gamme", "serie"]


@dataclass(frozen=True)
class Kind:
    """One reference kind.

    - ``key``: its name in code, entries and ``Changes`` (``fournisseur``).
    - ``noun``: the French word (``matériau``); ``the``/``this``/``of``: the same with its article
      (« le matériau », « ce matériau », « du matériau »); ``title``: capitalised (« Matériau »).
    - ``lens_column``: the lens's column holding its id (``materiau_id``).
    - ``parent``: the kind it belongs to (a range's supplier), ``parent_column`` the column.
    - ``sort_key``: the lens's copy of its folded name (a sort key), if the lens keeps one.
    """

    key: str
    model: Any
    noun: str
    the: str
    this: str
    of: str
    lens_column: str
    parent: str | None = None
    parent_column: str | None = None
    sort_key: str | None = None

    @property
    def title(self) -> str:
        return self.noun.capitalize()

    @property
    def The(self) -> str:  # noqa: N802 - « Le fournisseur », the start of a sentence
        return self.the[0].upper() + self.the[1:]

    @property
    def name_column(self) -> str:
        """The lens state's key holding the reference's name (``fournisseur``)."""
        return self.key

    @property
    def lens_fk(self) -> Any:
        """The lens's foreign key column (``Verre.fournisseur_id``)."""
        return getattr(Verre, self.lens_column)

    @property
    def parent_fk(self) -> Any:
        """The column naming the parent (``Gamme.fournisseur_id``), None for a top kind."""
        return getattr(self.model, self.parent_column) if self.parent_column else None


# Parents before children; the order the audit trail and the checks list them.
KINDS: dict[str, Kind] = {
    kind.key: kind
    for kind in (
        Kind("fournisseur", Fournisseur, "fournisseur", "le fournisseur", "ce fournisseur",
             "du fournisseur", "fournisseur_id"),
        Kind("gamme", Gamme, "gamme", "la gamme", "cette gamme", "de la gamme", "gamme_id",
             parent="fournisseur", parent_column="fournisseur_id", sort_key="tri_gamme"),
        Kind("serie", Serie, "série", "la série", "cette série", "de la série", "serie_id",
             parent="gamme", parent_column="gamme_id", sort_key="tri_serie"),
        Kind("materiau", Materiau, "matériau", "le matériau", "ce matériau", "du matériau",
             "materiau_id", sort_key="tri_materiau"),
    )
}
KIND_OF_LENS_COLUMN: dict[str, str] = {kind.lens_column: kind.key for kind in KINDS.values()}
# The kinds whose folded name the lens copies (range, series, material), with that sort key.
SORT_KEYS: tuple[tuple[Kind, str], ...] = tuple(
    (kind, kind.sort_key) for kind in KINDS.values() if kind.sort_key
)


def kind(key: str) -> Kind:
    return KINDS[key]


def descendants(key: str) -> tuple[str, ...]:
    """The kinds that belong to ``key``, directly or not (a supplier's ranges and series)."""
    found: list[str] = []
    wanted = [key]
    while wanted:
        parent = wanted.pop()
        for other in KINDS.values():
            if other.parent == parent:
                found.append(other.key)
                wanted.append(other.key)
    return tuple(found)
