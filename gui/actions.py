"""Every action of the window in one table: name, French text, shortcut, slot, enabling rule.

The window gives a slot per key; ``ActionSet`` builds the ``QAction``s (object names are the
contract tests and accessibility tools rely on), the menus and the toolbar, and enables each
action from its rule whenever the state changes (admin mode, selection, a writable database,
busy while the catalogue is replaced).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import Flag, auto

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction, QIcon, QKeySequence
from PySide6.QtWidgets import QMainWindow, QMenu

from data.shipped import RESOURCES_DIR
from gui.widgets.tool_bar import AdaptiveToolBar

RESOURCES = RESOURCES_DIR
Key = QKeySequence.StandardKey


class Rule(Flag):
    ALWAYS = 0
    ADMIN = auto()  # admin mode unlocked (which implies a writable database)
    SELECTION = auto()  # a lens is selected
    UNDO = auto()  # something to undo


@dataclass(frozen=True)
class ActionSpec:
    name: str
    text: str
    slot: str
    shortcut: str | Key | None = None
    tip: str = ""
    rule: Rule = Rule.ALWAYS
    checkable: bool = False


ACTIONS: tuple[ActionSpec, ...] = (
    ActionSpec("viewToggleAction", "Galerie", "toggle_view", "Ctrl+G",
               "Basculer entre le tableau et la galerie des gravures", checkable=True),
    ActionSpec("findAction", "Rechercher", "focus_search", Key.Find),
    ActionSpec("adminModeAction", "Mode administrateur", "toggle_admin", None,
               "Déverrouiller les modifications du catalogue (mot de passe)", checkable=True),
    ActionSpec("symbolsAction", "Formes de signes…", "symbols", None,
               "Voir les formes des signes gravés et en ajouter une (nom et dessin)", rule=Rule.ADMIN),
    ActionSpec("removeSampleAction", "Supprimer les données d'exemple", "remove_sample", rule=Rule.ADMIN),
    ActionSpec("backupAction", "Sauvegarder", "backup", "Ctrl+Shift+S",
               "Sauvegarder maintenant tout le catalogue (images comprises)"),
    ActionSpec("restoreAction", "Restaurer…", "restore", None,
               "Remplacer le catalogue par une sauvegarde", rule=Rule.ADMIN),
    ActionSpec("integrityCheckAction", "Vérifier l'intégrité", "check", None,
               "Contrôler la base et les règles du catalogue"),
    ActionSpec("quickCheckAction", "Vérification rapide", "quick_check"),
    ActionSpec("vacuumAction", "Compacter la base", "vacuum"),
    ActionSpec("analyzeAction", "Mettre à jour les statistiques", "analyze"),
    ActionSpec("reindexAction", "Reconstruire les index", "reindex"),
    ActionSpec("slowQueriesAction", "Requêtes lentes…", "slow_queries"),
    ActionSpec("importAction", "Importer…", "import_", None,
               "Importer un catalogue fournisseur (CSV, Excel, JSON)", rule=Rule.ADMIN),
    ActionSpec("exportAction", "Exporter…", "export", None, "Exporter les verres affichés (CSV, Excel, JSON)"),
    ActionSpec("historyAction", "Historique", "history", "Ctrl+H",
               "Qui a modifié quoi, et quand ; restaurer un verre supprimé"),
    ActionSpec("newLensAction", "Nouveau verre", "new_lens", Key.New, "Ajouter un verre au catalogue",
               rule=Rule.ADMIN),
    ActionSpec("editLensAction", "Modifier", "edit_lens", "Ctrl+E", "Modifier le verre sélectionné",
               rule=Rule.ADMIN | Rule.SELECTION),
    ActionSpec("duplicateLensAction", "Dupliquer", "duplicate_lens", "Ctrl+D",
               "Créer un verre à partir du verre sélectionné", rule=Rule.ADMIN | Rule.SELECTION),
    ActionSpec("deleteLensAction", "Supprimer", "delete_lenses", Key.Delete,
               "Supprimer les verres sélectionnés", rule=Rule.ADMIN | Rule.SELECTION),
    ActionSpec("undoAction", "Annuler la suppression", "undo", Key.Undo,
               "Rétablir les derniers verres supprimés", rule=Rule.ADMIN | Rule.UNDO),
    ActionSpec("lensHistoryAction", "Historique du verre", "lens_history", None,
               "Qui a modifié ce verre, et quand", rule=Rule.SELECTION),
    ActionSpec("referencesAction", "Fournisseurs et références…", "references", None,
               "Ajouter, renommer, fusionner ou supprimer fournisseurs, gammes, séries, matériaux",
               rule=Rule.ADMIN),
    ActionSpec("changePasswordAction", "Changer le mot de passe…", "change_password", None,
               "Remplacer le mot de passe administrateur (l'actuel est demandé)", rule=Rule.ADMIN),
    ActionSpec("settingsAction", "Réglages…", "settings", None,
               "Dossier et rythme des sauvegardes, verrouillage après inactivité", rule=Rule.ADMIN),
    ActionSpec("quitAction", "Quitter", "quit", Key.Quit),
)

# None: a separator; a nested tuple (title, names): a submenu.
MenuEntry = str | None | tuple[str, tuple[str, ...]]
MENUS: tuple[tuple[str, tuple[MenuEntry, ...]], ...] = (
    ("&Fichier", ("quitAction",)),
    ("&Catalogue", ("findAction", "newLensAction", "editLensAction", "duplicateLensAction",
                    "deleteLensAction", "undoAction", None, "lensHistoryAction", "historyAction", None,
                    "referencesAction", None, "removeSampleAction")),
    ("&Affichage", ("viewToggleAction",)),
    ("&Données", ("importAction", "exportAction", None, "backupAction", "restoreAction", None,
                  "integrityCheckAction", "quickCheckAction",
                  ("Maintenance", ("vacuumAction", "analyzeAction", "reindexAction", "slowQueriesAction")))),
    ("Ad&ministration", ("adminModeAction", None, "changePasswordAction", "settingsAction", None, "symbolsAction")),
)
# The everyday actions; the others are in the menus. ``AdaptiveToolBar`` keeps them all in sight.
TOOLBAR: tuple[str | None, ...] = (
    "viewToggleAction", None, "newLensAction", "editLensAction", "duplicateLensAction",
    "deleteLensAction", "undoAction", None, "historyAction", "backupAction", "importAction",
    None, "adminModeAction",
)


def icon(name: str) -> QIcon:
    path = RESOURCES / "icons" / f"{name}.svg"
    return QIcon(str(path)) if path.exists() else QIcon()


class ActionSet(QObject):
    """The window's actions, built from ``ACTIONS`` and enabled by their rules."""

    def __init__(self, window: QMainWindow, slots: Mapping[str, Callable[[], object]]) -> None:
        super().__init__(window)
        self._window = window
        self._actions: dict[str, QAction] = {}
        self._rules: dict[str, Rule] = {}
        self._state = Rule.ALWAYS
        self._busy = False
        for spec in ACTIONS:
            action = QAction(icon(spec.name), spec.text, window)
            action.setObjectName(spec.name)
            if spec.shortcut is not None:
                action.setShortcut(QKeySequence(spec.shortcut))
            if spec.tip:
                action.setToolTip(spec.tip)
                action.setStatusTip(spec.tip)
            action.setCheckable(spec.checkable)
            action.triggered.connect(lambda _checked=False, slot=slots[spec.slot]: slot())
            window.addAction(action)
            self._actions[spec.name] = action
            self._rules[spec.name] = spec.rule
        self._build_toolbar()
        self._build_menus()
        self._apply()

    def __getitem__(self, name: str) -> QAction:
        return self._actions[name]

    def _build_toolbar(self) -> None:
        toolbar = AdaptiveToolBar("Outils", self._window)
        toolbar.setObjectName("mainToolBar")
        for name in TOOLBAR:
            if name is None:
                toolbar.addSeparator()
            else:
                toolbar.addAction(self._actions[name])
                self._actions[name].changed.connect(toolbar.action_changed)
        self._window.addToolBar(toolbar)
        self.toolbar = toolbar

    def _build_menus(self) -> None:
        bar = self._window.menuBar()
        for title, entries in MENUS:
            self._fill(bar.addMenu(title), entries)

    def _fill(self, menu: QMenu, entries: tuple[MenuEntry, ...]) -> None:
        for entry in entries:
            if entry is None:
                menu.addSeparator()
            elif isinstance(entry, tuple):
                self._fill(menu.addMenu(entry[0]), entry[1])  # type: ignore[arg-type]
            else:
                menu.addAction(self._actions[entry])

    # ------------------------------------------------------------ enabling
    def set_state(self, rule: Rule, on: bool) -> None:
        """One condition of the rules changed (admin mode, a selection, something to undo)."""
        self._state = self._state | rule if on else self._state & ~rule
        self._apply()

    def set_busy(self, busy: bool) -> None:
        """Everything but the view toggle is off while the catalogue is being replaced."""
        self._busy = busy
        self._apply()

    def _apply(self) -> None:
        for name, action in self._actions.items():
            allowed = (self._rules[name] & self._state) == self._rules[name]
            if self._busy and name not in ("viewToggleAction", "quitAction"):
                allowed = False
            action.setEnabled(allowed)
