"""« Réglages » (admin): where backups go, the start-up backup, how many automatic backups are
kept, and the minutes after which admin mode locks itself.

The folder is checked as soon as it is chosen (a file is really written there); the same rules
run again in ``data.preferences`` when the settings are saved. A setting fixed outside the app
(environment variable, ``.env`` of the current folder) is shown but cannot be changed here.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLayout,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from data import preferences
from data.config import Settings
from data.errors import CatalogueError, ValidationError
from gui.dialogs.field_messages import error_label, fit_to_text, grow_to_fit

IMPOSED_TIP = "Fixé en dehors de l'application (variable {key}) : modifiable seulement à cet endroit."


def _spin(name: str, bounds: tuple[int, int], value: int, suffix: str) -> QSpinBox:
    spin = QSpinBox()
    spin.setObjectName(f"field_{name}")
    spin.setRange(*bounds)
    spin.setValue(value)
    spin.setSuffix(suffix)
    return spin


class SettingsDialog(QDialog):
    def __init__(self, settings: Settings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("settingsDialog")
        self.setWindowTitle("Réglages")
        self.settings = settings
        self.saved: Settings | None = None  # the settings in force once saved
        now = preferences.current(settings)

        self.backup_dir = QLineEdit(str(now.backup_dir))
        self.backup_dir.setObjectName("field_backup_dir")
        self.backup_dir.editingFinished.connect(self.check_folder)
        choose = QPushButton("Choisir…")
        choose.setObjectName("chooseBackupDirButton")
        choose.clicked.connect(self._pick_folder)
        usual = QPushButton("Dossier habituel")
        usual.setObjectName("defaultBackupDirButton")
        usual.setToolTip(f"Le dossier des données de ce poste : {settings.default_backup_dir}")
        usual.clicked.connect(lambda: self.choose_folder(settings.default_backup_dir))
        self.errors = {name: error_label(name) for name in ("backup_dir", "keep_daily", "keep_weekly",
                                                             "idle_minutes")}
        folder_row = QHBoxLayout()
        folder_row.addWidget(self.backup_dir, 1)
        folder_row.addWidget(choose)
        folder_row.addWidget(usual)
        self.auto_backup = QCheckBox("Sauvegarder automatiquement au démarrage (une fois par jour)")
        self.auto_backup.setObjectName("field_auto_backup")
        self.auto_backup.setChecked(now.auto_backup)
        self.keep_daily = _spin("keep_daily", preferences.KEEP_DAILY_RANGE, now.keep_daily, " jours")
        self.keep_weekly = _spin("keep_weekly", preferences.KEEP_WEEKLY_RANGE, now.keep_weekly, " semaines")
        self.idle_minutes = _spin("idle_minutes", preferences.IDLE_MINUTES_RANGE, now.idle_minutes, " min")

        backups = QGroupBox("Sauvegardes")
        box = QVBoxLayout(backups)
        folder_label = QLabel("&Dossier des sauvegardes :")
        folder_label.setBuddy(self.backup_dir)
        hint = QLabel("Une clé USB ou un dossier réseau conviennent : s'il manque au moment de "
                      "sauvegarder, l'application le dit. Les copies de sécurité faites avant une "
                      "mise à jour ou une restauration vont alors dans le dossier habituel.")
        hint.setWordWrap(True)
        hint.setStyleSheet("color: #555;")
        keep = QGridLayout()
        keep.setColumnStretch(2, 1)
        for row, (text, spin) in enumerate((("Garder une sauvegarde automatique par jour pendant", self.keep_daily),
                                            ("et une par semaine pendant", self.keep_weekly))):
            keep.addWidget(QLabel(text), row, 0)
            keep.addWidget(spin, row, 1)
        for widget in (folder_label, folder_row, self.errors["backup_dir"], hint, self.auto_backup, keep,
                       self.errors["keep_daily"], self.errors["keep_weekly"]):
            if isinstance(widget, QLayout):
                box.addLayout(widget)
            else:
                box.addWidget(widget)
        admin = QGroupBox("Mode administrateur")
        idle = QHBoxLayout(admin)
        idle.addWidget(QLabel("Verrouiller après une inactivité de"))
        idle.addWidget(self.idle_minutes)
        idle.addWidget(self.errors["idle_minutes"], 1)
        idle.addStretch(1)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        self.save_button = buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setText("Enregistrer")
        self.save_button.setObjectName("saveButton")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("Annuler")
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        self.message = error_label("settings")
        layout = QVBoxLayout(self)
        layout.addWidget(backups)
        layout.addWidget(admin)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        self._lock_imposed({"backup_dir": (self.backup_dir, choose, usual), "auto_backup": (self.auto_backup,),
                            "keep_daily": (self.keep_daily,), "keep_weekly": (self.keep_weekly,),
                            "idle_minutes": (self.idle_minutes,)})
        fit_to_text(self, 60)

    def _lock_imposed(self, widgets: dict[str, tuple[QWidget, ...]]) -> None:
        """Greyed, with the variable named: a setting given by the environment would not change."""
        for key, attribute in preferences.FIELDS.items():
            group = widgets[attribute]
            if key in self.settings.imposed:
                for widget in group:
                    widget.setEnabled(False)
                    widget.setToolTip(IMPOSED_TIP.format(key=key))

    # ------------------------------------------------------------ the folder
    def _pick_folder(self) -> None:
        start = self.folder() if self.folder().is_dir() else self.settings.default_backup_dir
        chosen = QFileDialog.getExistingDirectory(self, "Dossier des sauvegardes", str(start))
        if chosen:
            self.choose_folder(Path(chosen))

    def choose_folder(self, folder: Path) -> bool:
        """Put ``folder`` in the field and check it at once."""
        self.backup_dir.setText(str(folder))
        return self.check_folder()

    def folder(self) -> Path:
        return Path(self.backup_dir.text().strip()).expanduser()

    def check_folder(self) -> bool:
        folder = self.folder()
        problem = None if folder == self.settings.default_backup_dir else preferences.folder_problem(folder)
        self._show("backup_dir", problem)
        return problem is None

    def _show(self, name: str, message: str | None) -> None:
        label = self.errors[name]
        label.setText(message or "")
        label.setVisible(bool(message))
        grow_to_fit(self)

    # ------------------------------------------------------------ saving
    def values(self) -> preferences.Preferences:
        return preferences.Preferences(
            backup_dir=self.folder(), auto_backup=self.auto_backup.isChecked(),
            keep_daily=self.keep_daily.value(), keep_weekly=self.keep_weekly.value(),
            idle_minutes=self.idle_minutes.value(),
        )

    def save(self) -> None:
        for name in self.errors:
            self._show(name, None)
        self.message.hide()
        try:
            self.saved = preferences.save(self.settings, self.values())
        except ValidationError as exc:
            for name, message in exc.report.errors.items():
                self._show(name, message)
            return
        except CatalogueError as exc:
            self.message.setText(exc.message)
            self.message.show()
            grow_to_fit(self)
            return
        self.accept()
