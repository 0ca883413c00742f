"""The audit trail as a person reads it: French labels, values, one line per entry."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from data import formatting
from data.audit.record import (
    CREATION,
    FUSION,
    IMPORT,
    MODIFICATION,
    NOT_DIFFED,
    RENOMMAGE,
    RESTAURATION,
    SUPPRESSION,
)
from data.kinds import KINDS
from data.validation import FIELD_LABELS as _VALIDATION_LABELS

ACTION_LABELS = {
    CREATION: "Création",
    MODIFICATION: "Modification",
    SUPPRESSION: "Suppression",
    RESTAURATION: "Restauration",
    FUSION: "Fusion",
    IMPORT: "Import",
    RENOMMAGE: "Renommage",
}
TARGET_LABELS = {
    "verre": "Verre",
    **{kind.key: kind.title for kind in KINDS.values()},
    "catalogue": "Catalogue",
    "symbole": "Symbole",
}
FIELD_LABELS: dict[str, str] = {
    **_VALIDATION_LABELS,
    **{kind.name_column: kind.title for kind in KINDS.values()},
    "image_id": "Image de gravure",
    "exemple": "Donnée d'exemple",
    "version": "Version",
    "cree_le": "Créé le",
    "modifie_le": "Modifié le",
    "id": "N°",
    "verres_deplaces": "Verres déplacés",
    "gammes": "Gammes supprimées avec lui",
    "series": "Séries supprimées avec elle",
    "symbols": "Symboles",
    "cle": "Clé",
    "libelle": "Libellé",
    "groupe": "Groupe",
    "dessin": "Dessin",
}
# Order in which a lens's fields are shown; reference ids are shown through their names.
LENS_FIELD_ORDER = (
    "nom",
    "variante",
    "fournisseur",
    "gamme",
    "serie",
    "materiau",
    "indice",
    "hauteur_min",
    "hauteur_max",
    "gravure_nasale",
    "symbols",
    "url_gravure",
    "url_source",
    "image_id",
    "exemple",
)
# An import's counts (``ImportReport.counts``) as its summary says them.
IMPORT_LABELS = {"lignes": "lignes", "nouveaux": "nouveaux", "mis_a_jour": "mis à jour",
                 "doublons": "doublons", "refuses": "refusés", "images": "images"}
# What names a lens on an entry (the element), and what else a creation's summary tells.
IDENTITY = ("nom", "variante", "fournisseur", "indice")
CONTENT = ("gravure_nasale", "symbols", "hauteur_min", "hauteur_max", "gamme", "serie", "materiau")
# A lens state's reference id -> the key of the reference's name (shown instead of the id).
REFERENCE_NAME_OF_ID = {kind.lens_column: kind.name_column for kind in KINDS.values()}


def _symbol_label(key: str) -> str:
    """A shape as the history shows it: its label starting in lower case (« œil », « « e »
    avec soleil »), its key when the app does not know it."""
    from data.symbols import by_key

    try:
        label = by_key(key).label
    except KeyError:
        return key
    return label[:1].lower() + label[1:]


@dataclass(frozen=True)
class FieldChange:
    """One line of an entry as the history view shows it."""

    field: str
    label: str
    old: Any
    new: Any

    @property
    def old_text(self) -> str:
        return format_value(self.field, self.old)

    @property
    def new_text(self) -> str:
        return format_value(self.field, self.new)


def format_value(name: str, value: Any) -> str:
    """A value as a French reader expects it (decimal comma, oui/non, a dash for nothing)."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return "oui" if value else "non"
    if name == "indice" and isinstance(value, int | float):
        return formatting.lens_index(float(value))
    if isinstance(value, float):
        return formatting.plain(value)
    if name == "symbols" and isinstance(value, (list, tuple)):
        return ", ".join(_symbol_label(str(v)) for v in value) or "—"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value) or "—"
    return str(value)


@dataclass(frozen=True)
class HistoryEntry:
    """One row of the trail, decoded. ``when`` is naive UTC (convert for display)."""

    id: int
    when: datetime
    author: str
    action: str
    target: str
    target_id: int | None
    label: str
    old: Mapping[str, Any] = field(default_factory=dict, hash=False, compare=False)
    new: Mapping[str, Any] = field(default_factory=dict, hash=False, compare=False)
    batch: int | None = None
    batch_label: str | None = None
    undoes: int | None = None
    #: The lens as it is now (name, variant, supplier, index), when the entry is about a lens
    #: that still exists (``data.audit.read``).
    lens_now: Mapping[str, Any] = field(default_factory=dict, hash=False, compare=False)

    @property
    def action_label(self) -> str:
        return ACTION_LABELS.get(self.action, self.action)

    @property
    def target_label(self) -> str:
        return TARGET_LABELS.get(self.target, self.target)

    def changes(self) -> list[FieldChange]:
        """The fields of the entry in display order; reference ids shown through their names."""
        keys = set(self.old) | set(self.new)
        shown = [k for k in LENS_FIELD_ORDER if k in keys]
        shown += sorted(k for k in keys if k not in shown and k not in NOT_DIFFED)
        hidden = {
            key for key, name in REFERENCE_NAME_OF_ID.items() if key in shown and name in keys
        }
        return [
            FieldChange(k, FIELD_LABELS.get(k, k), self.old.get(k), self.new.get(k))
            for k in shown
            if k not in hidden
        ]

    def lens_identity(self) -> dict[str, Any]:
        """Name, variant, supplier and index of the entry's lens: as the entry wrote them (a
        value it changed, a whole state it kept), else as the lens is now."""
        whole = self.old if self.action == SUPPRESSION else self.new
        found: dict[str, Any] = {}
        for key in IDENTITY:
            for source in (self.new, whole, self.lens_now):
                if key in source:
                    found[key] = source[key]
                    break
        return found

    @property
    def element(self) -> str:
        """What the entry is about, one line: a lens by its name and variant, supplier, index
        and number (``Verre « Varilux Comfort Max Short » — Essilor, indice 1,60, n° 12``)."""
        if self.target != "verre":
            text_ = f"{self.target_label} « {self.label} »" if self.label else self.target_label
        else:
            lens = self.lens_identity()
            name = " ".join(str(lens[k]).strip() for k in ("nom", "variante") if lens.get(k)) or self.label
            parts = [str(lens["fournisseur"])] if lens.get("fournisseur") else []
            if isinstance(lens.get("indice"), int | float):
                parts.append(f"indice {formatting.lens_index(float(lens['indice']))}")
            if self.target_id is not None:
                parts.append(f"n° {self.target_id}")
            text_ = f"Verre « {name} »" + (" — " + ", ".join(parts) if parts else "")
        return f"{text_} ({self.batch_label})" if self.batch_label else text_

    def summary(self, most: int = 4) -> str:
        """One line for a list: ``Indice 1,60 → 1,67 ; Gravure nasale AI → AIPZ``.

        A modification, merge or renaming: what changed, old → new. A creation or restoration:
        what the lens holds besides its name, supplier and index (the element says those); a
        deletion: that it was deleted, with its code; an import: its counts.
        """
        if self.action in (MODIFICATION, FUSION, RENOMMAGE) and self.old:
            parts = [
                f"{c.label} {c.old_text} → {c.new_text}"
                for c in self.changes()
                if c.field not in ("id", "verres_deplaces")
            ]
            if self.action == FUSION and "verres_deplaces" in self.new:
                moved = int(self.new["verres_deplaces"])
                parts.append(f"{formatting.lenses(moved)} déplacé{'s' if moved > 1 else ''}")
        elif self.action == IMPORT:
            parts = [f"{format_value(k, self.new[k])} {label}" for k, label in IMPORT_LABELS.items()
                     if self.new.get(k)]
        elif self.action in (CREATION, RESTAURATION, SUPPRESSION) and self.target == "verre":
            state = self.old if self.action == SUPPRESSION else self.new
            parts = [
                f"{FIELD_LABELS.get(key, key)} {format_value(key, state.get(key))}"
                for key in CONTENT
                if state.get(key) not in (None, "", [], ())
            ]
            if self.action == RESTAURATION and "id" in self.old:
                parts.insert(0, f"ancien n° {self.old['id']}")
        else:
            return ""
        extra = len(parts) - most
        text_ = " ; ".join(parts[:most])
        return f"{text_} ; … (+{extra})" if extra > 0 else text_

