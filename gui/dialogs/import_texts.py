"""What the import dialog says of a preview and of a finished import (French, pure functions)."""

from __future__ import annotations

from data import formatting
from data.transfer import ImportReport, RejectsResult


def images_text(report: ImportReport) -> str:
    """`` ; 2 nouvelles images de gravure`` after the counts, when the file brings any."""
    return f" ; {report.images_text()}" if report.new_images else ""


def preview_message(report: ImportReport, listed: int) -> str:
    """The line under a preview's counts; ``listed`` problems are shown in the list."""
    if report.cancelled:
        return "Analyse annulée : rien n'a été écrit."
    if report.refused:
        lines = formatting.count(report.refused_lines, "ligne refusée", "lignes refusées")
        more = f" (les {formatting.integer(listed)} premières sont listées)" if report.more_problems else ""
        return (
            f"{lines}{more}. Corrigez le fichier puis relancez l'analyse (tout ou rien), ou importez "
            "les verres valides : les lignes refusées vous seront rendues dans un fichier, avec leur motif."
        )
    if report.to_write == 0:
        return "Rien de nouveau à importer : tous les verres du fichier existent déjà."
    return f"Prêt : {report.summary()}{images_text(report)}. Cliquez sur « Importer » pour tout écrire en une fois."


def written_message(report: ImportReport, rejects: RejectsResult | None) -> str:
    """What a finished import wrote, and where the refused lines were handed back."""
    if rejects is None:
        return f"Import terminé : {report.summary()}{images_text(report)}."
    return (
        f"Import terminé : {formatting.count(report.to_write, 'verre écrit', 'verres écrits')}"
        f"{images_text(report)}. {formatting.count(rejects.lines, 'ligne refusée', 'lignes refusées')}, "
        f"rien d'elles n'a été écrit : elles vous sont rendues avec leur motif dans\n{rejects.path}\n"
        "Corrigez-les puis importez ce fichier."
    )
