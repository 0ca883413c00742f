"""Before the window opens on a Linux desktop: are the X libraries Qt's ``xcb`` plugin needs here?

Qt 6 needs a few X libraries that a Debian or Ubuntu desktop does not always have
(``libxcb-cursor0``, ``libxcb-icccm4``, ``libxcb-keysyms1`` …). Without them Qt stops with
« Could not load the Qt platform plugin "xcb" » and the window never opens. ``make run`` runs
``python -m gui.platform_check`` first: it asks ``ldd`` which libraries of the plugin
(``libqxcb.so`` in PySide6) are missing and names their Debian packages. As root it installs them
(``apt-get``, non-interactive); otherwise it prints the exact ``sudo apt-get install …`` command
and stops with exit code 1. Nothing is checked off Linux, without a display (``DISPLAY`` or
``WAYLAND_DISPLAY``), or when ``QT_QPA_PLATFORM`` chooses another plugin; ``--force`` checks all
the same (``make test`` prepares the desktop test that way).

This module imports no Qt: it must run when Qt itself cannot start.
"""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

# shared library -> Debian packages that provide it (the first one apt knows is installed;
# Debian 13 renamed a few libraries with a "t64" suffix).
PACKAGES: dict[str, tuple[str, ...]] = {
    "libxcb-cursor.so.0": ("libxcb-cursor0",),
    "libxcb-icccm.so.4": ("libxcb-icccm4",),
    "libxcb-keysyms.so.1": ("libxcb-keysyms1",),
    "libxcb-image.so.0": ("libxcb-image0",),
    "libxcb-render-util.so.0": ("libxcb-render-util0",),
    "libxcb-xinerama.so.0": ("libxcb-xinerama0",),
    "libxcb-randr.so.0": ("libxcb-randr0",),
    "libxcb-shape.so.0": ("libxcb-shape0",),
    "libxcb-xfixes.so.0": ("libxcb-xfixes0",),
    "libxcb-sync.so.1": ("libxcb-sync1",),
    "libxcb-xkb.so.1": ("libxcb-xkb1",),
    "libxcb-shm.so.0": ("libxcb-shm0",),
    "libxcb-render.so.0": ("libxcb-render0",),
    "libxcb-util.so.1": ("libxcb-util1",),
    "libxcb-glx.so.0": ("libxcb-glx0",),
    "libxcb-xinput.so.0": ("libxcb-xinput0",),
    "libxcb.so.1": ("libxcb1",),
    "libX11-xcb.so.1": ("libx11-xcb1",),
    "libX11.so.6": ("libx11-6",),
    "libxkbcommon-x11.so.0": ("libxkbcommon-x11-0",),
    "libxkbcommon.so.0": ("libxkbcommon0",),
    "libEGL.so.1": ("libegl1",),
    "libGL.so.1": ("libgl1",),
    "libOpenGL.so.0": ("libopengl0",),
    "libGLX.so.0": ("libglx0",),
    "libfontconfig.so.1": ("libfontconfig1",),
    "libfreetype.so.6": ("libfreetype6",),
    "libdbus-1.so.3": ("libdbus-1-3",),
    "libglib-2.0.so.0": ("libglib2.0-0t64", "libglib2.0-0"),
    "libgthread-2.0.so.0": ("libglib2.0-0t64", "libglib2.0-0"),
    "libICE.so.6": ("libice6",),
    "libSM.so.6": ("libsm6",),
}

_NOT_FOUND = re.compile(r"^\s*(\S+)\s+=>\s+not found", re.MULTILINE)


def xcb_plugin() -> Path | None:
    """``libqxcb.so`` of the PySide6 this interpreter imports, without importing Qt."""
    spec = importlib.util.find_spec("PySide6")
    if spec is None or not spec.submodule_search_locations:
        return None
    plugin = Path(next(iter(spec.submodule_search_locations))) / "Qt" / "plugins" / "platforms" / "libqxcb.so"
    return plugin if plugin.is_file() else None


def missing_libraries(ldd_output: str) -> list[str]:
    """The libraries ``ldd`` could not find, each once, in its order."""
    return list(dict.fromkeys(_NOT_FOUND.findall(ldd_output)))


def packages_for(libraries: Sequence[str], known: Callable[[str], bool]) -> tuple[list[str], list[str]]:
    """(Debian packages to install, libraries no package is known for)."""
    packages: list[str] = []
    unknown: list[str] = []
    for library in libraries:
        candidates = PACKAGES.get(library)
        if candidates is None:
            unknown.append(library)
            continue
        chosen = next((name for name in candidates if known(name)), candidates[-1])
        if chosen not in packages:
            packages.append(chosen)
    return packages, unknown


def should_check(environ: Mapping[str, str], platform: str = sys.platform, force: bool = False) -> bool:
    if not platform.startswith("linux"):
        return False
    if force:
        return True
    if environ.get("QT_QPA_PLATFORM", "xcb").split(":")[0] not in ("", "xcb"):
        return False
    return bool(environ.get("DISPLAY") or environ.get("WAYLAND_DISPLAY"))


def apt_knows(name: str) -> bool:
    done = subprocess.run(["apt-cache", "show", name], capture_output=True, check=False)
    return done.returncode == 0 and bool(done.stdout.strip())


def run_ldd(plugin: Path) -> str:
    return subprocess.run(["ldd", str(plugin)], capture_output=True, text=True, check=False).stdout


def install_command(packages: Sequence[str]) -> list[str]:
    return ["apt-get", "install", "-y", "--no-install-recommends", *packages]


def apt_install(packages: Sequence[str]) -> bool:
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    if subprocess.run(install_command(packages), env=env, check=False).returncode == 0:
        return True
    # A fresh machine may have no package lists yet.
    subprocess.run(["apt-get", "update"], env=env, check=False)
    return subprocess.run(install_command(packages), env=env, check=False).returncode == 0


def check(force: bool = False, environ: Mapping[str, str] | None = None) -> int:
    """0 when the window can open (or nothing to check), 1 when libraries are still missing."""
    env = os.environ if environ is None else environ
    if not should_check(env, force=force):
        return 0
    plugin = xcb_plugin()
    if plugin is None or shutil.which("ldd") is None:
        return 0  # no plugin to check (another Qt), or no ldd: Qt will say what it lacks
    missing = missing_libraries(run_ldd(plugin))
    if not missing:
        return 0
    has_apt = shutil.which("apt-get") is not None
    packages, unknown = packages_for(missing, apt_knows if has_apt else (lambda _name: False))
    if packages and has_apt and os.geteuid() == 0:
        print("Installation des bibliothèques X dont Qt a besoin : " + " ".join(packages), file=sys.stderr)
        if apt_install(packages):
            missing = missing_libraries(run_ldd(plugin))
            if not missing:
                return 0
            packages, unknown = packages_for(missing, apt_knows)
    print(
        "La fenêtre ne peut pas s'ouvrir : il manque à ce poste des bibliothèques X dont Qt a "
        "besoin (" + ", ".join(missing) + ").",
        file=sys.stderr,
    )
    if packages:
        print("Installez-les avec la commande suivante, puis relancez « make run » :", file=sys.stderr)
        print("  sudo " + " ".join(install_command(packages)), file=sys.stderr)
    if unknown:
        print("Bibliothèques sans paquet connu (cherchez-les avec votre gestionnaire de paquets) : "
              + ", ".join(unknown), file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(check(force="--force" in sys.argv[1:]))
