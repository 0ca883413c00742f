"""Guard against the PySide6 6.12.0 / Python 3.11 ``None`` reference leak.

That binding drops a reference to ``None`` on every call of a method returning nothing; after a few
thousand calls the interpreter aborts ("none_dealloc"). The pin in pyproject.toml avoids it; this
test proves the installed binding is clean by making 10,000 such calls in a child process.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

CALLS = 10_000

CHILD = textwrap.dedent(
    f"""
    import sys
    from PySide6.QtWidgets import QApplication, QLabel, QMainWindow
    app = QApplication([])
    window = QMainWindow()
    label = QLabel()
    bar = window.statusBar()
    before = sys.getrefcount(None)
    for i in range({CALLS} // 4):
        label.setText(str(i))
        bar.showMessage("x")
        app.processEvents()
        label.setVisible(False)
    after = sys.getrefcount(None)
    print(before, after)
    """
)


def test_void_calls_do_not_leak_none_references():
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    child = subprocess.run(
        [sys.executable, "-c", CHILD], capture_output=True, text=True, env=env, timeout=120
    )
    assert child.returncode == 0, f"child died ({child.returncode}): {child.stderr[-2000:]}"
    before, after = (int(x) for x in child.stdout.split())
    assert before - after < CALLS // 2, f"None refcount fell from {before} to {after}"


def test_binding_is_pinned_below_the_broken_release():
    import PySide6

    assert PySide6.__version__ != "6.12.0"
