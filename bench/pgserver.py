"""A private PostgreSQL instance for the benchmark: its own folder, its own port, gone afterwards.

Never the machine's shared server (port 5432): the benchmark raises ``max_connections`` and loads
catalogues, which must not disturb anything else. ``initdb`` refuses to run as root, so as root
the server runs as the ``postgres`` user (``runuser``) in a temporary folder that user owns.

    with PrivatePostgres() as server:
        url = server.create_database("bench")
"""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path
from types import TracebackType

MAX_CONNECTIONS = 250
SHARED_PORT = 5432


def find_bindir() -> Path:
    """The newest ``/usr/lib/postgresql/N/bin``, else the folder of ``initdb`` on PATH."""
    candidates = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/initdb"),
        key=lambda p: int(Path(p).parent.parent.name) if Path(p).parent.parent.name.isdigit() else 0,
    )
    if candidates:
        return Path(candidates[-1]).parent
    found = shutil.which("initdb")
    if found:
        return Path(found).resolve().parent
    raise RuntimeError("PostgreSQL (initdb) est introuvable sur cette machine")


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port = int(sock.getsockname()[1])
    if port == SHARED_PORT:  # pragma: no cover - the kernel never hands out 5432 in practice
        return free_port()
    return port


class PrivatePostgres:
    """Start with ``start()`` (or ``with``); ``stop()`` stops the server and deletes its folder."""

    def __init__(self, max_connections: int = MAX_CONNECTIONS) -> None:
        self.bindir = find_bindir()
        self.max_connections = max_connections
        self.folder: Path | None = None
        self.port = 0
        self._as_postgres = os.geteuid() == 0

    @property
    def data_dir(self) -> Path:
        assert self.folder is not None
        return self.folder / "data"

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"

    def _run(self, *args: str, timeout: float = 120) -> None:
        command = [str(self.bindir / args[0]), *args[1:]]
        if self._as_postgres:
            command = ["runuser", "-u", "postgres", "--", *command]
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=False)
        if done.returncode != 0:
            raise RuntimeError(f"{args[0]} a échoué : {done.stderr.strip() or done.stdout.strip()}")

    def start(self) -> PrivatePostgres:
        self.folder = Path(tempfile.mkdtemp(prefix="edt-bench-pg-"))
        if self._as_postgres:
            shutil.chown(self.folder, "postgres", "postgres")
        self.port = free_port()
        self._run("initdb", "-D", str(self.data_dir), "-U", "postgres", "-A", "trust", "-E", "UTF8",
                  "--locale=C", "--no-sync")
        options = " ".join((
            f"-p {self.port}",
            "-c listen_addresses=127.0.0.1",
            f"-c unix_socket_directories={self.folder}",
            f"-c max_connections={self.max_connections}",
            "-c shared_buffers=256MB",
        ))
        self._run("pg_ctl", "-D", str(self.data_dir), "-l", str(self.folder / "server.log"),
                  "-o", options, "-w", "-t", "60", "start")
        return self

    def create_database(self, name: str) -> str:
        import psycopg

        with psycopg.connect(f"host=127.0.0.1 port={self.port} user=postgres dbname=postgres",
                             autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def stop(self) -> None:
        if self.folder is None:
            return
        try:
            if (self.data_dir / "postmaster.pid").exists():
                try:
                    self._run("pg_ctl", "-D", str(self.data_dir), "-m", "fast", "-w", "-t", "60", "stop")
                except (RuntimeError, subprocess.TimeoutExpired):
                    self._kill_postmaster()
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)
            self.folder = None

    def _kill_postmaster(self) -> None:
        """Last resort: stop the server we started, by the pid it wrote (nothing else)."""
        with contextlib.suppress(OSError, ValueError, IndexError):
            pid = int((self.data_dir / "postmaster.pid").read_text().splitlines()[0])
            os.kill(pid, signal.SIGQUIT)
            time.sleep(1)

    def __enter__(self) -> PrivatePostgres:
        try:
            return self.start()
        except BaseException:
            self.stop()
            raise

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()
