"""Where the files shipped beside the code are: ``resources/`` (icons, symbol drawings, the
sample catalogue) and ``migrations/`` (the Alembic revisions).

From the source tree (and an editable install, and the PyInstaller folder, which keeps the same
layout) they sit next to ``data/``; a wheel installs them as the packages
``engravedetect_resources`` and ``engravedetect_migrations`` (see pyproject.toml).
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

SOURCE_ROOT = Path(__file__).resolve().parent.parent
# A file each folder must hold: a folder of that name from another package is not ours.
_MARKERS = {"resources": "icons", "migrations": "env.py"}


def shipped_dir(name: str) -> Path:
    """The folder ``name`` ("resources" or "migrations") as this installation has it."""
    source = SOURCE_ROOT / name
    if (source / _MARKERS[name]).exists():
        return source
    spec = importlib.util.find_spec(f"engravedetect_{name}")
    if spec is not None and spec.submodule_search_locations:
        return Path(next(iter(spec.submodule_search_locations)))
    return source


RESOURCES_DIR = shipped_dir("resources")
MIGRATIONS_DIR = shipped_dir("migrations")
