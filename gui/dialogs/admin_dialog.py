"""The password dialogs: admin unlock (the first unlock sets the password, asked twice) and
« Changer le mot de passe » (the current one, then the new one twice).

A message about a field goes away as soon as what is typed fixes it, and the dialogs take the
width their text needs (``fit_to_text``), so nothing is cut at 100 % or 150 % scaling.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from data import admin
from data.admin import MIN_LENGTH, check_new_password
from data.database import Database
from data.errors import CatalogueError, ValidationError
from gui.dialogs.field_messages import TouchedFields, error_label, fit_to_text, grow_to_fit
from gui.ops import Ops

MISMATCH = "Les deux saisies ne sont pas identiques."


def _password_field(name: str) -> QLineEdit:
    field = QLineEdit()
    field.setObjectName(name)
    field.setEchoMode(QLineEdit.EchoMode.Password)
    return field


def _buttons(dialog: QDialog, ok_text: str) -> QDialogButtonBox:
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
    buttons.button(QDialogButtonBox.StandardButton.Ok).setText(ok_text)
    buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("Annuler")
    buttons.rejected.connect(dialog.reject)
    return buttons


def new_password_problems(new: str, confirm: str) -> tuple[str | None, str | None]:
    """(message for the new password, message for its confirmation)."""
    problem = check_new_password(new)
    return problem, (MISMATCH if not problem and confirm != new else None)


class AdminDialog(QDialog):
    def __init__(self, first_time: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("adminDialog")
        self.setWindowTitle("Mode administrateur")
        self.first_time = first_time
        intro = QLabel(
            "Aucun mot de passe administrateur n'existe encore : choisissez-le "
            f"({MIN_LENGTH} caractères au moins). "
            "Il sera demandé sur tous les postes qui partagent ce catalogue."
            if first_time
            else "Entrez le mot de passe administrateur pour modifier le catalogue."
        )
        intro.setObjectName("adminIntro")
        intro.setWordWrap(True)
        self.password = _password_field("adminPassword")
        self.confirm = _password_field("adminPasswordConfirm")
        self.error = error_label("admin", reserve=True)
        self.error.setObjectName("adminError")
        form = QFormLayout()
        form.addRow("Mot de passe :", self.password)
        if first_time:
            form.addRow("Confirmation :", self.confirm)
        buttons = _buttons(self, "Déverrouiller")
        buttons.accepted.connect(self._accept)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        for field in (self.password, self.confirm):
            field.textChanged.connect(self._typed)
        fit_to_text(self, 75)

    def show_error(self, message: str) -> None:
        self.error.setText(message)
        self.error.setVisible(bool(message))
        grow_to_fit(self)
        self.password.selectAll()
        self.password.setFocus()

    def _problem(self) -> str | None:
        if not self.first_time:
            return None
        problem, mismatch = new_password_problems(self.password.text(), self.confirm.text())
        return problem or mismatch

    def _typed(self) -> None:
        """A shown message goes as soon as it no longer holds (a wrong password's, at the first key)."""
        if self.error.isVisible() and self.error.text() != self._problem():
            self.error.setText("")
            self.error.hide()

    def _accept(self) -> None:
        problem = self._problem()
        if problem:
            self.show_error(problem)
            return
        self.accept()


class ChangePasswordDialog(QDialog):
    """Old password, new one twice; the change runs through ``ops`` (a wrong old password counts
    as a failed attempt, as at unlock)."""

    changed = Signal()

    def __init__(self, ops: Ops, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("changePasswordDialog")
        self.setWindowTitle("Changer le mot de passe")
        self.ops = ops
        intro = QLabel("Le nouveau mot de passe sera demandé sur tous les postes qui partagent ce catalogue.")
        intro.setWordWrap(True)
        self.current = _password_field("field_current_password")
        self.new = _password_field("field_new_password")
        self.confirm = _password_field("field_confirm_password")
        self.fields = {"current_password": self.current, "new_password": self.new, "confirm_password": self.confirm}
        self.errors = {name: error_label(name, reserve=True) for name in self.fields}
        self.touched = TouchedFields(self)
        form = QFormLayout()
        for (name, field), text in zip(self.fields.items(), ("Mot de passe actuel :", "Nouveau mot de passe :",
                                                              "Nouveau, une seconde fois :"), strict=True):
            form.addRow(text, field)
            form.addRow("", self.errors[name])
            self.touched.watch(name, field)
            field.textChanged.connect(self._check)
        self.touched.left.connect(lambda _name: self._check())
        self._refusal: str | None = None  # why the current password was refused, until it is edited
        self.current.textChanged.connect(self._current_edited)
        buttons = _buttons(self, "Changer")
        buttons.accepted.connect(self.save)
        self.save_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.save_button.setObjectName("saveButton")
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(buttons)
        fit_to_text(self, 75)

    def _show(self, name: str, message: str | None) -> None:
        self.errors[name].setText(message or "")
        self.errors[name].setVisible(bool(message))
        grow_to_fit(self)

    def _check(self) -> bool:
        """Messages of the fields left (all after a try); True when the entry may be sent."""
        problem, mismatch = new_password_problems(self.new.text(), self.confirm.text())
        found = {"current_password": self._refusal if self.current.text() else "Entrez le mot de passe actuel.",
                 "new_password": problem, "confirm_password": mismatch}
        for name, message in found.items():
            self._show(name, message if self.touched.shown(name) else None)
        return bool(self.current.text()) and problem is None and mismatch is None  # a refusal may be retried

    def _current_edited(self) -> None:
        self._refusal = None
        self._check()

    def save(self) -> None:
        self.touched.touch_all()
        if not self._check():
            return
        current, new = self.current.text(), self.new.text()

        def call(db: Database) -> None:
            admin.change_password(db, current, new)

        self.save_button.setEnabled(False)
        self.ops.run(call, lambda _none: self._done(), self._refused, quick=True, name="mot de passe")

    def _done(self) -> None:
        self.changed.emit()
        self.accept()

    def _refused(self, exc: CatalogueError) -> None:
        self.save_button.setEnabled(True)
        if isinstance(exc, ValidationError):
            self._show("new_password", " ".join(exc.report.errors.values()))
            self.new.setFocus()
            return
        self._refusal = exc.message
        self._show("current_password", exc.message)
        self.current.selectAll()
        self.current.setFocus()
