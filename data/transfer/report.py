"""What an import says: problems with their line and column, references to create, counts.

These frozen dataclasses cross from the worker thread to the dialog as they are.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from data import formatting
from data.kinds import KINDS

PROBLEM_LIMIT = 1000  # problems (and duplicates) listed; the rest are only counted

# Problem kinds, so that a dialog can present them differently.
INVALID = "invalide"  # a value breaks a rule
EXISTS = "existe"  # the lens is in the catalogue with other values (needs update=True)
CONFLICT = "conflit"  # the same lens twice in the file with different values
DUPLICATE = "doublon"  # skipped: identical to a catalogue lens or to an earlier row
SWAP = "inversion"  # index and material look swapped (an import with ``swap`` reads them back)

@dataclass(frozen=True)
class ImportProblem:
    """One thing said about one row; ``str()`` gives ``ligne 57, indice : ...``.

    ``line`` is the physical line where the row starts (CSV), the sheet row (XLSX) or the
    position in the list (JSON, ``unit`` "élément"); ``column`` is the header as the file wrote it.
    """

    line: int
    column: str
    message: str
    unit: str = "ligne"
    kind: str = INVALID

    def __str__(self) -> str:
        where = f"{self.unit} {self.line}"
        return f"{where}, {self.column} : {self.message}" if self.column else f"{where} : {self.message}"


@dataclass(frozen=True)
class NewReference:
    """A supplier, range, series or material the import creates (``parents``: supplier, range)."""

    kind: str
    name: str
    parents: tuple[str, ...] = ()
    # Existing references of the same kind (and parent) it may be, best first, with a score
    # (1.0: the same name but for case, accents, punctuation or a company suffix).
    suggestions: tuple[tuple[str, float], ...] = ()
    target: str = ""  # a mapped name: the existing reference used instead

    def __str__(self) -> str:
        owner = f" (de {' › '.join(self.parents)})" if self.parents else ""
        if self.target:
            return f"{KINDS[self.kind].noun} « {self.name} » → « {self.target} »{owner}"
        return f"{KINDS[self.kind].noun} « {self.name} »{owner}"

    @property
    def proposal(self) -> str:
        """The existing name proposed in its place, or ""."""
        return self.suggestions[0][0] if self.suggestions else ""


@dataclass(frozen=True)
class ImportReport:
    """What an import found (the preview) or did. Counts are lenses (a row listing three
    indices is three lenses); ``rows`` counts the file's data rows."""

    path: str
    format: str
    rows: int
    new: int
    updated: int
    duplicate: int
    refused: int
    problems: tuple[ImportProblem, ...]
    more_problems: int
    duplicates: tuple[ImportProblem, ...]
    more_duplicates: int
    new_references: tuple[NewReference, ...]
    ignored_columns: tuple[str, ...]
    dry_run: bool
    written: bool = False
    cancelled: bool = False
    batch_id: int | None = None  # the audit entry of a written import, when there is one
    new_images: int = 0  # engraving images the catalogue does not hold yet (stored once each)
    refused_lines: int = 0  # lines of the file refused (a line may list several lenses)
    swappable: int = 0  # lines refused because index and material look swapped
    swapped: int = 0  # lines read with index and material swapped back (``swap``)
    valid_only: bool = False  # the valid lines are written, the refused ones handed back
    mapped_references: tuple[NewReference, ...] = ()  # names read as existing ones (``aliases``)

    @property
    def ok(self) -> bool:
        return self.refused == 0 and not self.cancelled

    @property
    def to_write(self) -> int:
        return self.new + self.updated

    def summary(self) -> str:
        return (
            f"{formatting.count(self.new, 'nouveau', 'nouveaux')}, "
            f"{formatting.count(self.updated, 'mis à jour', 'mis à jour')}, "
            f"{formatting.count(self.duplicate, 'doublon', 'doublons')}, "
            f"{formatting.count(self.refused, 'refusé', 'refusés')}"
        )

    def counts(self) -> dict[str, int]:
        counts = {
            "lignes": self.rows,
            "nouveaux": self.new,
            "mis_a_jour": self.updated,
            "doublons": self.duplicate,
            "refuses": self.refused,
        }
        if self.new_images:
            counts["images"] = self.new_images
        return counts

    def images_text(self) -> str:
        """``"3 nouvelles images de gravure"`` ("" when none)."""
        if not self.new_images:
            return ""
        return formatting.count(self.new_images, "nouvelle image de gravure", "nouvelles images de gravure")


def cancelled_report(path: Path, fmt: str, dry_run: bool) -> ImportReport:
    return ImportReport(
        path=str(path), format=fmt, rows=0, new=0, updated=0, duplicate=0, refused=0,
        problems=(), more_problems=0, duplicates=(), more_duplicates=0, new_references=(),
        ignored_columns=(), dry_run=dry_run, written=False, cancelled=True,
    )


def report_lines(report: ImportReport, duplicate_lines: int = 20) -> list[str]:
    """The report in French, line by line (the command prints it; a dialog may show it)."""
    lines = [f"{Path(report.path).name} : {formatting.count(report.rows, 'ligne lue', 'lignes lues')}."]
    lines.append(f"Verres : {report.summary()}.")
    if report.ignored_columns:
        ignored = ", ".join(f"« {c} »" for c in report.ignored_columns)
        lines.append(f"Colonnes ignorées : {ignored}.")
    if report.new_references:
        lines.append("À créer : " + " ; ".join(str(r) for r in report.new_references) + ".")
        proposed = [r for r in report.new_references if r.suggestions]
        if proposed:
            lines.append(
                "Peut-être déjà au catalogue : "
                + " ; ".join(f"{r} → « {r.proposal} » ?" for r in proposed)
                + " (--map \"TYPE:NOM=EXISTANT\" pour l'utiliser)."
            )
    if report.mapped_references:
        lines.append("Lus comme existants : " + " ; ".join(str(r) for r in report.mapped_references) + ".")
    if report.new_images:
        lines.append(f"À enregistrer : {report.images_text()}.")
    if report.swappable:
        lines.append(
            f"{formatting.count(report.swappable, 'ligne semble avoir', 'lignes semblent avoir')} "
            "l'indice et le matériau inversés (--swap les lit dans l'autre sens)."
        )
    lines.extend(f"  {problem}" for problem in report.problems)
    if report.more_problems:
        lines.append(f"  ... et {formatting.count(report.more_problems, 'autre problème', 'autres problèmes')}.")
    shown = report.duplicates[:duplicate_lines]
    lines.extend(f"  {note}" for note in shown)
    hidden = len(report.duplicates) - len(shown) + report.more_duplicates
    if hidden:
        lines.append(f"  ... et {formatting.count(hidden, 'autre doublon ignoré', 'autres doublons ignorés')}.")
    lines.append(outcome(report))
    return lines


def outcome(report: ImportReport) -> str:
    if report.cancelled:
        return "Import annulé : rien n'a été écrit."
    if report.refused and report.valid_only and report.written:
        return (
            f"Import des lignes valides terminé : "
            f"{formatting.count(report.to_write, 'verre écrit', 'verres écrits')} ; "
            f"{formatting.count(report.refused_lines, 'ligne refusée', 'lignes refusées')}, rien "
            "d'elles n'a été écrit."
        )
    if report.refused and report.valid_only and not report.dry_run:
        return (
            f"Aucune ligne valide à écrire : "
            f"{formatting.count(report.refused_lines, 'ligne refusée', 'lignes refusées')}."
        )
    if report.refused:
        return "Import refusé : rien n'a été écrit. Corrigez le fichier puis relancez l'import."
    if report.dry_run:
        return "Vérification seule : rien n'a été écrit."
    if report.written:
        return f"Import terminé : {formatting.count(report.to_write, 'verre écrit', 'verres écrits')}."
    return "Rien à importer : le catalogue contient déjà tous ces verres."
