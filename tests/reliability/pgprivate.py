"""A private PostgreSQL the fault tests may stop and start again: never the shared server.

Built on the benchmark's ``bench.pgserver.PrivatePostgres`` (``initdb`` as the ``postgres``
user in a temporary folder, its own port, its own socket folder), with a small footprint and
``halt``/``resume`` that keep the data folder between a stop and a restart.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from bench.pgserver import SHARED_PORT, PrivatePostgres, free_port


class StoppablePostgres(PrivatePostgres):
    def __init__(self) -> None:
        super().__init__(max_connections=30)

    def _options(self) -> str:
        return " ".join((
            f"-p {self.port}",
            "-c listen_addresses=127.0.0.1",
            f"-c unix_socket_directories={self.folder}",
            f"-c max_connections={self.max_connections}",
            "-c shared_buffers=16MB",
            "-c fsync=on",
        ))

    def start(self) -> StoppablePostgres:
        self.folder = Path(tempfile.mkdtemp(prefix="edt-fiabilite-pg-"))
        if self._as_postgres:
            shutil.chown(self.folder, "postgres", "postgres")
        self.port = free_port()
        assert self.port != SHARED_PORT
        self._run("initdb", "-D", str(self.data_dir), "-U", "postgres", "-A", "trust", "-E", "UTF8",
                  "--locale=C", "--no-sync")
        self.resume()
        return self

    def halt(self) -> None:
        """Stop the server as an admin would for maintenance (fast: open sessions are cut)."""
        assert self.port != SHARED_PORT
        self._run("pg_ctl", "-D", str(self.data_dir), "-m", "fast", "-w", "-t", "60", "stop")

    def resume(self) -> None:
        self._run("pg_ctl", "-D", str(self.data_dir), "-l", str(self.folder / "server.log"),
                  "-o", self._options(), "-w", "-t", "60", "start")
