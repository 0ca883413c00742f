"""Who may import whom in gui/: controllers see the window only through WindowPort."""

from __future__ import annotations

import ast
from pathlib import Path

GUI = Path(__file__).resolve().parents[2] / "gui"


def imported_modules(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def test_controllers_never_import_the_main_window():
    controllers = sorted((GUI / "controllers").glob("*.py"))
    assert controllers
    for path in controllers:
        found = {name for name in imported_modules(path) if name.startswith("gui.main_window")}
        assert not found, f"{path.name} imports {found}"


def test_only_the_application_module_imports_the_main_window():
    importers = sorted(
        path.relative_to(GUI).as_posix() for path in GUI.rglob("*.py")
        if any(name.startswith("gui.main_window") for name in imported_modules(path))
    )
    assert importers == ["app.py"]


def test_widgets_models_and_dialogs_never_import_controllers_of_the_window():
    """Parts of the window are told what changed (gui.events); they do not drive the window."""
    for folder in ("widgets", "models"):
        for path in (GUI / folder).glob("*.py"):
            found = {n for n in imported_modules(path) if n.startswith(("gui.controllers", "gui.main_window"))}
            assert not found, f"{folder}/{path.name} imports {found}"
