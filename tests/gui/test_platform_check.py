"""``make run``'s check of the libraries Qt's xcb plugin needs (no Qt imported by it)."""

from __future__ import annotations

from pathlib import Path

import pytest

from gui import platform_check

LDD = """\tlinux-vdso.so.1 (0x00007ffd)
\tlibQt6XcbQpa.so.6 => /x/PySide6/Qt/lib/libQt6XcbQpa.so.6 (0x00007f)
\tlibxcb-cursor.so.0 => not found
\tlibxcb-icccm.so.4 => not found
\tlibglib-2.0.so.0 => not found
\tlibxcb-icccm.so.4 => not found
\tlibweird.so.9 => not found
"""


def test_missing_libraries_are_named_with_their_debian_packages() -> None:
    missing = platform_check.missing_libraries(LDD)
    assert missing == ["libxcb-cursor.so.0", "libxcb-icccm.so.4", "libglib-2.0.so.0", "libweird.so.9"]
    packages, unknown = platform_check.packages_for(missing, known=lambda name: name != "libglib2.0-0t64")
    assert packages == ["libxcb-cursor0", "libxcb-icccm4", "libglib2.0-0"]
    assert unknown == ["libweird.so.9"]


@pytest.mark.parametrize(
    ("environ", "platform", "expected"),
    [
        ({"DISPLAY": ":0"}, "linux", True),
        ({"WAYLAND_DISPLAY": "wayland-0"}, "linux", True),
        ({}, "linux", False),
        ({"DISPLAY": ":0", "QT_QPA_PLATFORM": "offscreen"}, "linux", False),
        ({"DISPLAY": ":0"}, "win32", False),
        ({"DISPLAY": ":0"}, "darwin", False),
    ],
)
def test_the_check_runs_only_on_a_linux_desktop(environ, platform, expected) -> None:
    assert platform_check.should_check(environ, platform) is expected


def test_without_root_the_exact_command_is_printed_and_make_stops(monkeypatch, capsys) -> None:
    monkeypatch.setattr(platform_check, "xcb_plugin", lambda: Path("/x/libqxcb.so"))
    monkeypatch.setattr(platform_check, "run_ldd", lambda _plugin: LDD)
    monkeypatch.setattr(platform_check, "apt_knows", lambda name: name != "libglib2.0-0t64")
    monkeypatch.setattr(platform_check.os, "geteuid", lambda: 1000)
    installed: list[object] = []
    monkeypatch.setattr(platform_check, "apt_install", installed.append)
    assert platform_check.check(environ={"DISPLAY": ":0"}) == 1
    err = capsys.readouterr().err
    assert "il manque à ce poste des bibliothèques X" in err
    assert ("sudo apt-get install -y --no-install-recommends libxcb-cursor0 libxcb-icccm4 "
            "libglib2.0-0") in err
    assert installed == []


def test_as_root_the_packages_are_installed_then_checked_again(monkeypatch, capsys) -> None:
    answers = [LDD, "\tlibxcb.so.1 => /usr/lib/libxcb.so.1\n"]
    monkeypatch.setattr(platform_check, "xcb_plugin", lambda: Path("/x/libqxcb.so"))
    monkeypatch.setattr(platform_check, "run_ldd", lambda _plugin: answers.pop(0))
    monkeypatch.setattr(platform_check, "apt_knows", lambda name: True)
    monkeypatch.setattr(platform_check.os, "geteuid", lambda: 0)
    installed: list[list[str]] = []
    monkeypatch.setattr(platform_check, "apt_install", lambda packages: installed.append(list(packages)) or True)
    assert platform_check.check(environ={"DISPLAY": ":0"}) == 0
    assert installed == [["libxcb-cursor0", "libxcb-icccm4", "libglib2.0-0t64"]]


def test_the_check_imports_no_qt() -> None:
    import ast

    tree = ast.parse(Path(platform_check.__file__).read_text(encoding="utf-8"))
    names = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
    names |= {node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    assert not any(name.startswith("PySide6") for name in names)
