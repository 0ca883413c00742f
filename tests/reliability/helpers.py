"""What the fault tests share: running the command line as a shop would, and judging its words.

A fault is only survived when the person at the terminal gets one clear French sentence: no
traceback, no English driver message, no password.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
from collections.abc import Iterator, Mapping
from pathlib import Path

import sqlalchemy as sa

PROJECT = Path(__file__).resolve().parents[2]
MAIN = PROJECT / "main.py"
PASSWORD = "vitrine-42"

# Words a driver or Python would print; none belongs in a message to an optician.
ENGLISH_TELLS = ("Traceback", "Error:", "Exception", "File \"", "sqlite3.", "psycopg", "pymysql")


def child_env(home: Path, extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment of a child: our data folder, none of the caller's app settings."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("ENGRAVEDETECT_") or k.startswith("ENGRAVEDETECT_TEST_")}
    env["ENGRAVEDETECT_HOME"] = str(home)
    env["QT_QPA_PLATFORM"] = "offscreen"
    env["PYTHONPATH"] = str(PROJECT)
    env.update(extra or {})
    return env


def run_cli(
    home: Path,
    *args: str,
    password: str | None = None,
    extra_env: Mapping[str, str] | None = None,
    timeout: float = 120,
) -> subprocess.CompletedProcess[str]:
    """``python main.py ARGS`` in a child process, stdin closed (no password prompt)."""
    env = child_env(home, extra_env)
    if password is not None:
        env["ENGRAVEDETECT_ADMIN_PASSWORD"] = password
    return subprocess.run([sys.executable, str(MAIN), *args], capture_output=True, text=True,
                          env=env, stdin=subprocess.DEVNULL, timeout=timeout, check=False,
                          cwd=str(_existing_ancestor(home)))


def _existing_ancestor(path: Path) -> Path:
    while not path.is_dir():
        path = path.parent
    return path


def assert_french_refusal(done: subprocess.CompletedProcess[str], code: int, *words: str) -> None:
    """Exit ``code``, one clear French message on stderr naming ``words``, nothing on stdout."""
    assert done.returncode == code, (done.returncode, done.stderr)
    assert done.stderr.startswith("Erreur"), done.stderr
    for tell in ENGLISH_TELLS:
        assert tell not in done.stderr, done.stderr
    for word in words:
        assert word in done.stderr, (word, done.stderr)
    assert done.stdout == ""


def sqlite_url(path: Path) -> str:
    return "sqlite:///" + path.as_posix()


def count_rows(url: str, table: str) -> int:
    """A row count read with a plain engine, independent of the app's own code."""
    engine = sa.create_engine(url, poolclass=sa.NullPool)
    try:
        with engine.connect() as conn:
            return int(conn.exec_driver_sql(f"SELECT count(*) FROM {table}").scalar_one())
    finally:
        engine.dispose()


def immutable_supported(probe_dir: Path) -> bool:
    """Whether ``chattr +i`` works here (root on ext4 does; os.access then tells the truth)."""
    probe = probe_dir / ".probe-immutable"
    probe.write_bytes(b"")
    try:
        done = subprocess.run(["chattr", "+i", str(probe)], capture_output=True, check=False)
        if done.returncode != 0:
            return False
        subprocess.run(["chattr", "-i", str(probe)], capture_output=True, check=False)
        return True
    except FileNotFoundError:
        return False
    finally:
        probe.unlink(missing_ok=True)


@contextlib.contextmanager
def immutable(path: Path) -> Iterator[Path]:
    """Make ``path`` (a file or a folder) unwritable even for root, for the block's duration."""
    subprocess.run(["chattr", "+i", str(path)], check=True, capture_output=True)
    try:
        yield path
    finally:
        subprocess.run(["chattr", "-i", str(path)], check=False, capture_output=True)
