"""The import rules of the house, read from the source with ``ast`` (no module is imported):

- ``data`` imports no Qt (PySide6, shiboken6): the data layer runs in tools and tests without it;
- ``data.audit`` imports nothing of ``data.catalogue``: the catalogue's writes call the audit trail,
  never the other way round;
- ``gui.controllers`` never import the main window (they are typed against a small interface),
  only ``gui.app`` does, and widgets and models never import controllers or the window;
- no import circle among the modules of ``data``.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def modules(package: str) -> dict[str, Path]:
    folder = ROOT / package.replace(".", "/")
    return {module_name(path): path for path in sorted(folder.rglob("*.py"))}


def imports(path: Path) -> set[str]:
    """Every module ``path`` names in an import (``from a import b`` gives ``a`` and ``a.b``),
    wherever the import stands (top level, function body, TYPE_CHECKING block)."""
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return found


def is_within(name: str, package: str) -> bool:
    return name == package or name.startswith(package + ".")


def test_data_imports_no_qt():
    offenders = {
        module: sorted(n for n in imports(path) if is_within(n, "PySide6") or is_within(n, "shiboken6"))
        for module, path in modules("data").items()
    }
    assert {m: names for m, names in offenders.items() if names} == {}


def test_the_audit_trail_never_imports_the_catalogue():
    offenders = {
        module: sorted(n for n in imports(path) if is_within(n, "data.catalogue"))
        for module, path in modules("data").items()
        if is_within(module, "data.audit")
    }
    assert offenders, "data.audit has no module"
    assert {m: names for m, names in offenders.items() if names} == {}


def test_gui_controllers_do_not_import_the_main_window():
    controllers = {m: p for m, p in modules("gui").items() if is_within(m, "gui.controllers")}
    offenders = {
        module: sorted(n for n in imports(path) if is_within(n, "gui.main_window"))
        for module, path in controllers.items()
    }
    assert controllers, "gui.controllers has no module"
    assert {m: names for m, names in offenders.items() if names} == {}


def test_only_the_application_module_imports_the_main_window():
    importers = sorted(
        module for module, path in modules("gui").items()
        if any(is_within(n, "gui.main_window") for n in imports(path))
    )
    assert importers == ["gui.app"]


def test_widgets_and_models_never_drive_the_window():
    """Parts of the window are told what changed (``gui.events``); they do not drive the window."""
    offenders = {
        module: sorted(
            n for n in imports(path) if is_within(n, "gui.controllers") or is_within(n, "gui.main_window")
        )
        for module, path in modules("gui").items()
        if is_within(module, "gui.widgets") or is_within(module, "gui.models")
    }
    assert {m: names for m, names in offenders.items() if names} == {}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The import circles of ``graph`` (one path per strongly connected group of modules)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []

    def visit(node: str) -> None:  # Tarjan's algorithm
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for other in sorted(graph[node]):
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in on_stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1 or node in graph[node]:
                groups.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return groups


def data_graph() -> dict[str, set[str]]:
    """Module -> the data modules it imports. Importing ``data.x.y`` runs ``data.x`` (its
    package front) first, so that counts as importing the package too."""
    found = modules("data")
    graph: dict[str, set[str]] = {}
    for module, path in found.items():
        targets: set[str] = set()
        for name in imports(path):
            if name not in found:
                continue  # a name imported from a module (a function, a class)
            parts = name.split(".")
            for end in range(2, len(parts) + 1):
                target = ".".join(parts[:end])
                # A module's own package is already running when the module is imported.
                if target in found and target != module and not is_within(module, target):
                    targets.add(target)
        graph[module] = targets
    return graph


def test_data_modules_import_no_circle():
    assert cycles(data_graph()) == []


def test_the_cycle_finder_finds_a_circle():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []
