"""The real application, started as a user starts it, on an X server (Xvfb) with Qt's ``xcb``
platform instead of ``offscreen``: the window opens, shows the catalogue, and closes cleanly.

CI runs it (``make test`` installs Xvfb, xdotool and ImageMagick, and the X libraries Qt needs,
when they are missing and it may); elsewhere it is skipped when those tools are missing.
The same test starts the folder application ``make dist`` built when ``ENGRAVEDETECT_TEST_DIST``
names it (CI: ``dist/engravedetect``), with none of the virtual environment's variables.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from gui import platform_check

ROOT = Path(__file__).resolve().parents[2]
TITLE = "EngraveDetect Catalogue"
pytestmark = [pytest.mark.desktop, pytest.mark.timeout(240)]


def unavailable(reason: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"CI must run the desktop test: {reason}")
    pytest.skip(reason)


@pytest.fixture
def x_display(tmp_path: Path) -> Iterator[str]:
    for tool in ("Xvfb", "xdotool", "import"):
        if shutil.which(tool) is None:
            unavailable(f"{tool} is missing (apt-get install xvfb xdotool imagemagick)")
    plugin = platform_check.xcb_plugin()
    if plugin is None:
        unavailable("PySide6 has no xcb plugin here")
    assert plugin is not None
    missing = platform_check.missing_libraries(platform_check.run_ldd(plugin))
    if missing:
        unavailable(f"Qt's xcb plugin lacks {', '.join(missing)} (python -m gui.platform_check --force)")
    number = next(n for n in range(91, 200) if not Path(f"/tmp/.X11-unix/X{n}").exists()
                  and not Path(f"/tmp/.X{n}-lock").exists())
    display = f":{number}"
    server = subprocess.Popen(["Xvfb", display, "-screen", "0", "1280x800x24", "-nolisten", "tcp"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 20
        while not Path(f"/tmp/.X11-unix/X{number}").exists():
            assert server.poll() is None and time.monotonic() < deadline, "Xvfb did not start"
            time.sleep(0.1)
        yield display
    finally:
        server.terminate()
        server.wait(10)


def find_window(display: str, app: subprocess.Popen[bytes], timeout_s: float = 90) -> str:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        assert app.poll() is None, "the application stopped before showing its window"
        found = subprocess.run(["xdotool", "search", "--onlyvisible", "--name", f"^{TITLE}$"],
                               env={**os.environ, "DISPLAY": display}, capture_output=True, text=True)
        if found.returncode == 0 and found.stdout.split():
            return found.stdout.split()[0]
        time.sleep(0.5)
    raise AssertionError("no window appeared")


def program(kind: str) -> tuple[list[str], dict[str, str]]:
    """The command that starts the app, and the environment it starts in (without display)."""
    if kind == "source":
        env = {k: v for k, v in os.environ.items() if k not in ("WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
        return [sys.executable, str(ROOT / "main.py")], env
    folder = os.environ.get("ENGRAVEDETECT_TEST_DIST")
    if not folder:
        pytest.skip("ENGRAVEDETECT_TEST_DIST names no folder built by make dist")
    launcher = (ROOT / folder / "engravedetect").resolve()
    assert launcher.is_file(), f"{launcher} is missing: run make dist"
    return [str(launcher)], {"PATH": "/usr/bin:/bin", "HOME": os.environ.get("HOME", "/tmp")}


@pytest.mark.parametrize("kind", ["source", "dist"])
def test_the_real_app_opens_on_xvfb_with_the_xcb_platform(kind: str, x_display: str, tmp_path: Path) -> None:
    from PIL import Image

    home = tmp_path / "home"
    command, env = program(kind)
    env.update(DISPLAY=x_display, QT_QPA_PLATFORM="xcb", ENGRAVEDETECT_HOME=str(home))
    out = tmp_path / "app.out"
    with open(out, "wb") as output:
        started = time.monotonic()
        app = subprocess.Popen(command, env=env, cwd=tmp_path, stdout=output, stderr=subprocess.STDOUT)
        try:
            window = find_window(x_display, app)
            print(f"{kind}: window shown {time.monotonic() - started:.1f} s after start")
            time.sleep(3)  # the sample catalogue's first page and the pictures paint
            shot = Path(os.environ.get("ENGRAVEDETECT_SCREENSHOT", str(tmp_path / "xcb.png")))
            shot = shot.with_name(f"{shot.stem}-{kind}{shot.suffix}")
            subprocess.run(["import", "-display", x_display, "-window", "root", str(shot)], check=True,
                           timeout=30)
            with Image.open(shot) as image:
                assert image.size == (1280, 800)
                colours = image.convert("RGB").getcolors(maxcolors=1_000_000) or []
            assert len(colours) > 50, "the screenshot is blank"
            # Close as a user does (Ctrl+Q); the window has the focus once clicked into.
            xdo = {**os.environ, "DISPLAY": x_display}
            subprocess.run(["xdotool", "mousemove", "--window", window, "20", "120", "click", "1"],
                           env=xdo, check=True)
            subprocess.run(["xdotool", "windowfocus", "--sync", window], env=xdo, check=False)
            subprocess.run(["xdotool", "key", "--clearmodifiers", "ctrl+q"], env=xdo, check=True)
            assert app.wait(30) == 0
        finally:
            if app.poll() is None:
                app.kill()
                app.wait()
    log = out.read_text(encoding="utf-8", errors="replace")
    assert "Could not load the Qt platform plugin" not in log and "Traceback" not in log, log
    assert (home / "catalogue.db").exists()
