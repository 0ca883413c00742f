"""The question before a restore: what it will do, read from the backup itself
(``data.maintenance.read_backup``): its date and kind, the lens counts now and after, what
becomes of the admin password."""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox, QWidget

from data import formatting
from data.maintenance import summary as fate
from data.maintenance.summary import BackupSummary

FORMAT_LABELS = {
    "sqlite": "copie du catalogue SQLite",
    "portable": "sauvegarde au format portable",
    "pgdump": "export du serveur PostgreSQL (pg_dump)",
    "mariadb": "export du serveur MariaDB (mariadb-dump)",
}
PURPOSE_LABELS = {
    "manual": "manuelle",
    "auto": "automatique",
    "pre-migration": "faite avant une mise à jour",
    "pre-restore": "faite avant une restauration",
}
PASSWORD_TEXTS = {
    fate.SAME: "inchangé.",
    fate.CHANGES: "remplacé par celui qui était en vigueur à la date de la sauvegarde.",
    fate.KEPT: "l'actuel est conservé (la sauvegarde n'en contient pas).",
    fate.NONE: "aucun, avant comme après.",
    fate.SET: "celui de la sauvegarde s'appliquera (le catalogue actuel n'en a pas).",
    fate.UNKNOWN: "celui de la sauvegarde s'il en contient un, sinon l'actuel est conservé.",
}


def _lenses(n: int | None) -> str:
    return "nombre inconnu" if n is None else formatting.lenses(n)


def confirmation_text(summary: BackupSummary) -> str:
    """The confirmation's lines, in the order an admin checks them."""
    kind = FORMAT_LABELS.get(summary.fmt, summary.fmt)
    purpose = PURPOSE_LABELS.get(summary.purpose or "")
    when = f"{formatting.day(summary.created)} à {summary.created.strftime('%H:%M')}"
    counts = f"{_lenses(summary.lenses_now)} maintenant → {_lenses(summary.lenses)} après la restauration"
    if summary.lenses is not None and summary.lenses_now is not None and summary.lenses < summary.lenses_now:
        counts += f" ({formatting.integer(summary.lenses_now - summary.lenses)} de moins)"
    if summary.lenses is None:
        counts = f"{_lenses(summary.lenses_now)} maintenant ; le nombre de la sauvegarde se lit une fois restaurée"
    lines = [
        f"Remplacer le catalogue actuel par la sauvegarde « {summary.path.name} » ?",
        "",
        f"Sauvegarde : {kind}{', ' + purpose if purpose else ''}, du {when}.",
        f"Verres : {counts}.",
        f"Mot de passe administrateur : {PASSWORD_TEXTS.get(summary.password, '')}",
    ]
    if summary.migrated:
        lines.append("Elle vient d'une version plus ancienne de l'application : elle sera mise à jour.")
    lines += ["", "Le catalogue actuel est d'abord copié dans une sauvegarde de sécurité."]
    return "\n".join(lines)


class RestoreConfirmation(QMessageBox):
    """« Restaurer » or « Annuler »; shown window-modal without blocking (``open``)."""

    def __init__(self, summary: BackupSummary, parent: QWidget | None = None) -> None:
        super().__init__(QMessageBox.Icon.Question, "Restaurer une sauvegarde", confirmation_text(summary),
                         parent=parent)
        self.setObjectName("restoreConfirmation")
        self.summary = summary
        self.restore_button = self.addButton("Restaurer", QMessageBox.ButtonRole.AcceptRole)
        self.restore_button.setObjectName("confirmRestoreButton")
        self.cancel_button = self.addButton("Annuler", QMessageBox.ButtonRole.RejectRole)
        self.setDefaultButton(self.cancel_button)
