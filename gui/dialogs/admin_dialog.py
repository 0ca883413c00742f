"""Admin unlock: the first unlock sets the password (asked twice), later ones check it."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from data.admin import check_new_password


class AdminDialog(QDialog):
    def __init__(self, first_time: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("adminDialog")
        self.setWindowTitle("Mode administrateur")
        self.first_time = first_time
        intro = QLabel(
            "Aucun mot de passe administrateur n'existe encore : choisissez-le. "
            "Il sera demandé sur tous les postes qui partagent ce catalogue."
            if first_time
            else "Entrez le mot de passe administrateur pour modifier le catalogue."
        )
        intro.setWordWrap(True)
        self.password = QLineEdit()
        self.password.setObjectName("adminPassword")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.confirm = QLineEdit()
        self.confirm.setObjectName("adminPasswordConfirm")
        self.confirm.setEchoMode(QLineEdit.EchoMode.Password)
        self.error = QLabel()
        self.error.setObjectName("adminError")
        self.error.setStyleSheet("color: #b00020;")
        self.error.setWordWrap(True)
        form = QFormLayout()
        form.addRow("Mot de passe :", self.password)
        if first_time:
            form.addRow("Confirmation :", self.confirm)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Déverrouiller")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("Annuler")
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)

    def show_error(self, message: str) -> None:
        self.error.setText(message)
        self.password.selectAll()
        self.password.setFocus()

    def _accept(self) -> None:
        if self.first_time:
            problem = check_new_password(self.password.text())
            if problem:
                self.show_error(problem)
                return
            if self.password.text() != self.confirm.text():
                self.show_error("Les deux saisies ne sont pas identiques.")
                return
        self.accept()
