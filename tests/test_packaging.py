"""The installed application is the source tree: every package, the shipped files, launchers."""

from __future__ import annotations

import tomllib
from pathlib import Path

from setuptools import find_namespace_packages

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
SETUPTOOLS = PYPROJECT["tool"]["setuptools"]


def test_every_package_of_data_and_gui_is_installed() -> None:
    found = set(find_namespace_packages(where=str(ROOT), include=["data*", "gui*"],
                                        exclude=["*.__pycache__"]))
    assert {"data.catalogue", "data.audit", "data.identify", "data.symbols", "data.transfer",
            "data.maintenance", "data.commands", "gui.controllers"} <= found
    assert found <= set(SETUPTOOLS["packages"]), "add the new package to pyproject.toml"


def test_the_shipped_files_are_package_data() -> None:
    mapped = SETUPTOOLS["package-dir"]
    assert mapped == {"engravedetect_migrations": "migrations", "engravedetect_resources": "resources"}
    resources = ROOT / "resources"
    shipped = set()
    for package, globs in SETUPTOOLS["package-data"].items():
        if package.startswith("engravedetect_resources."):
            assert package in SETUPTOOLS["packages"]
            folder = resources.joinpath(*package.split(".")[1:])
            shipped |= {p for pattern in globs for p in folder.glob(pattern)}
    needed = {p for p in resources.rglob("*") if p.is_file() and p.suffix != ".py"}
    assert needed <= shipped, sorted(str(p.relative_to(resources)) for p in needed - shipped)
    assert {"engravedetect_migrations", "engravedetect_migrations.versions"} <= set(SETUPTOOLS["packages"])


def test_the_launchers_open_the_window_and_run_the_commands() -> None:
    assert PYPROJECT["project"]["gui-scripts"] == {"engravedetect": "gui.entry:main"}
    assert PYPROJECT["project"]["scripts"] == {"engravedetect-cli": "gui.entry:main"}
    from gui.entry import main

    assert callable(main)
