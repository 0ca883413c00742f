"""The values the catalogue hands out: table rows, lens details, reference items, and what a
write reports (``Changes``: which lenses and which reference lists it touched).

Every write of ``data.catalogue`` returns a ``Changes``. The window hands it to every part that
shows catalogue data (table, detail pane, filter lists), and each decides what it must refresh:
only the touched rows are repainted, nobody re-reads everything after a save.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from data.validation import LENS_FIELDS


@dataclass(frozen=True)
class Changes:
    """The result of one write.

    - ``lenses``: lenses whose stored values changed (created, updated, moved by a merge).
    - ``created``: the new lenses' ids, in the order they were written (a subset of ``lenses``).
    - ``deleted``: lenses that no longer exist.
    - ``references``: the reference kinds (``fournisseur``, ``materiau``, ``gamme``, ``serie``)
      whose lists changed (a name added, renamed, merged or deleted, or their lens counts).
    - ``version``: the new version of the one lens an update saved (optimistic locking).
    - ``snapshots``: the deleted lenses as they were just before (what an undo re-creates).
    - ``moved``: how many lenses a reference merge moved.
    - ``everything``: the whole catalogue may have changed (an import, a restore, the sample
      removed): every view re-reads.
    - ``reference_id``: the one reference a reference write created, renamed, deleted or merged
      into (None for a lens write).
    - ``symbols``: the vocabulary of shapes changed (an admin added one): palettes re-read it.
      A lens's own shapes changing is a lens change (``lenses``).
    """

    lenses: frozenset[int] = frozenset()
    created: tuple[int, ...] = ()
    deleted: frozenset[int] = frozenset()
    references: frozenset[str] = frozenset()
    version: int | None = None
    snapshots: tuple[Any, ...] = field(default=(), compare=False)
    moved: int = 0
    everything: bool = False
    reference_id: int | None = None
    symbols: bool = False

    @property
    def lens_id(self) -> int:
        """The one lens this write created or saved (a single save, a restore)."""
        if self.created:
            return self.created[0]
        if len(self.lenses) == 1:
            return next(iter(self.lenses))
        raise ValueError("this write touched no single lens")

    @property
    def empty(self) -> bool:
        return not (
            self.lenses or self.deleted or self.references or self.everything or self.symbols
        )

    def __or__(self, other: Changes) -> Changes:
        """Two writes seen as one (an undo of several deletions, a dialog's several saves)."""
        return Changes(
            lenses=self.lenses | other.lenses,
            created=self.created + tuple(i for i in other.created if i not in self.created),
            deleted=(self.deleted | other.deleted) - other.lenses,
            references=self.references | other.references,
            version=other.version if other.version is not None else self.version,
            snapshots=self.snapshots + other.snapshots,
            moved=self.moved + other.moved,
            everything=self.everything or other.everything,
            reference_id=other.reference_id if other.reference_id is not None else self.reference_id,
            symbols=self.symbols or other.symbols,
        )


EVERYTHING = Changes(everything=True)


@dataclass(frozen=True)
class LensRow:
    """The cells of one table row."""

    id: int
    nom: str
    variante: str | None
    fournisseur: str
    gamme: str | None
    serie: str | None
    materiau: str | None
    indice: float
    hauteur_min: int | None
    hauteur_max: int | None
    gravure_nasale: str | None
    image_id: int | None
    url_gravure: str | None
    version: int
    #: The shape keys of its sign, in vocabulary order (its letters and digits are the code).
    symbols: tuple[str, ...] = ()


@dataclass(frozen=True)
class LensDetail:
    """Every field of one lens, for the detail pane and the edit dialog."""

    id: int
    nom: str
    variante: str | None
    fournisseur_id: int
    fournisseur: str
    gamme_id: int | None
    gamme: str | None
    serie_id: int | None
    serie: str | None
    materiau_id: int | None
    materiau: str | None
    indice: float
    hauteur_min: int | None
    hauteur_max: int | None
    gravure_nasale: str | None
    url_gravure: str | None
    url_source: str | None
    image_id: int | None
    exemple: bool
    version: int
    cree_le: datetime
    modifie_le: datetime
    #: The shape keys of its sign, in vocabulary order (its letters and digits are the code).
    symbols: tuple[str, ...] = ()

    def form_values(self) -> dict[str, object]:
        """The raw values ``create_lens`` / ``update_lens`` take, as they are now (the
        ``validate_lens`` fields, and ``symboles``: the shape keys)."""
        values: dict[str, object] = {name: getattr(self, name) for name in LENS_FIELDS}
        values["symboles"] = list(self.symbols)
        return values


@dataclass(frozen=True)
class ReferenceItem:
    id: int
    nom: str
    parent_id: int | None = None
    lens_count: int = 0


def lens_row(cells: Sequence[Any]) -> LensRow:
    """A row of ``rows_statement`` (its columns are ``LensRow``'s fields, in order: a test holds
    it), read as plain tuples: a page is 100 rows, the window asks for many. The last cell is
    the lens's shapes as the database aggregates them (:func:`sign_keys`)."""
    return LensRow(*cells[:-1], symbols=sign_keys(cells[-1]))  # type: ignore[misc]


def sign_keys(aggregated: str | None) -> tuple[str, ...]:
    """The shape keys of ``data.query.symbol_keys`` (``"0000012oeil,0000003tiret"``: each key
    after its zero-padded shape id, in any order) in id order (the vocabulary's)."""
    if not aggregated:
        return ()
    return tuple(part[7:] for part in sorted(aggregated.split(",")))


@dataclass(frozen=True)
class RankedResult:
    """The ranked lenses: ``ids`` best first, ``reasons`` the French reason of each (« code
    exact »), ``cut`` True when a candidate set reached the limit (a lens may be missing)."""

    ids: tuple[int, ...]
    reasons: Mapping[int, str] = field(default_factory=dict)
    cut: bool = False

    def __len__(self) -> int:
        return len(self.ids)
