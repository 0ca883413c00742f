"""What a catalogue write reports: which lenses and which reference lists it touched.

Every write of ``data.catalogue`` returns a ``Changes``. The window hands it to every part that
shows catalogue data (table, detail pane, filter lists), and each decides what it must refresh:
only the touched rows are repainted, nobody re-reads everything after a save.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


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
    """

    lenses: frozenset[int] = frozenset()
    created: tuple[int, ...] = ()
    deleted: frozenset[int] = frozenset()
    references: frozenset[str] = frozenset()
    version: int | None = None
    snapshots: tuple[Any, ...] = field(default=(), compare=False)
    moved: int = 0
    everything: bool = False

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
        return not (self.lenses or self.deleted or self.references or self.everything)

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
        )


EVERYTHING = Changes(everything=True)
