"""Native backups of server databases with the servers' own dump programs, when installed.

PostgreSQL: ``pg_dump --format=custom`` (compressed, restorable table by table with
``pg_restore``). MariaDB/MySQL: ``mariadb-dump`` (or ``mysqldump``) in one consistent transaction,
gzip'd. The password goes through the environment (PGPASSWORD / MYSQL_PWD), never on the command
line where ``ps`` would show it, and never in a log.
"""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path
from typing import IO

from sqlalchemy.engine import URL

from data.database import Database
from data.errors import Cancelled
from data.logs import mask_secrets
from data.maintenance.common import (
    BackupError,
    RestoreError,
    create_private,
    remove_quietly,
    temp_path,
)
from data.maintenance.gzipio import CHUNK, WRITE_BUFFER, GzipWriter
from data.progress import Steps, is_cancelled

log = logging.getLogger("engravedetect.maintenance")

DUMP_PROGRAMS = {"postgresql": ("pg_dump",), "mysql": ("mariadb-dump", "mysqldump")}
LOAD_PROGRAMS = {"postgresql": ("pg_restore",), "mysql": ("mariadb", "mysql")}


def _which(names: tuple[str, ...]) -> str | None:
    for name in names:
        found = shutil.which(name)
        if found:
            return found
    return None


def dump_program(db: Database) -> str | None:
    return _which(DUMP_PROGRAMS.get(db.backend, ()))


def load_program(db: Database) -> str | None:
    return _which(LOAD_PROGRAMS.get(db.backend, ()))


def _environment(url: URL) -> dict[str, str]:
    env = dict(os.environ)
    if url.password is not None:
        env["PGPASSWORD" if url.get_backend_name() == "postgresql" else "MYSQL_PWD"] = str(
            url.password
        )
    env["PGCONNECT_TIMEOUT"] = "10"
    return env


def _connection_args(db: Database) -> list[str]:
    url = db.url
    args: list[str] = []
    if db.backend == "postgresql":
        if url.host:
            args += ["-h", url.host]
        if url.port:
            args += ["-p", str(url.port)]
        if url.username:
            args += ["-U", url.username]
        args += ["--no-password"]
    else:
        if url.host:
            args += ["-h", url.host, "--protocol=TCP"]
        if url.port:
            args += ["-P", str(url.port)]
        if url.username:
            args += ["-u", url.username]
    return args


def _wait(proc: subprocess.Popen[bytes], progress: Steps) -> None:
    while proc.poll() is None:
        if is_cancelled(progress.cancel):
            proc.terminate()
            proc.wait()
            raise Cancelled()
        time.sleep(0.1)


def _failure(proc_stderr: bytes, action: str) -> str:
    detail = mask_secrets(proc_stderr.decode("utf-8", "replace").strip().splitlines()[-1:][0]
                          if proc_stderr.strip() else "erreur inconnue")
    return f"{action} : {detail}"


def dump_server(db: Database, final: Path, progress: Steps) -> Path:
    program = dump_program(db)
    if program is None:
        raise BackupError("Programme de sauvegarde du serveur introuvable.")
    tmp = temp_path(final.parent, final.suffix)
    progress.phase(0.0, 0.9)
    try:
        create_private(tmp)
        if db.backend == "postgresql":
            _pg_dump(program, db, tmp, progress)
        else:
            _mariadb_dump(program, db, tmp, progress)
        progress.phase(0.9, 1.0)
        verify_server_dump(db, tmp)
        os.replace(tmp, final)
        os.chmod(final, 0o600)
        return final
    except BaseException:
        remove_quietly(tmp)
        raise


def _messages() -> IO[bytes]:
    """Where a server program writes its messages: a temporary file, read once it has ended.

    A pipe left unread until then would fill (about 64 KB of warnings) and hang both sides.
    """
    return tempfile.TemporaryFile(prefix="engravedetect-", suffix=".err")


def _read_messages(err: IO[bytes]) -> bytes:
    err.seek(0)
    return err.read()


def _pg_dump(program: str, db: Database, dest: Path, progress: Steps) -> None:
    args = [program, "--format=custom", "--compress=6", "--no-owner", "--no-privileges",
            f"--file={dest}", *_connection_args(db), db.url.database or ""]
    with _messages() as err:
        with subprocess.Popen(args, env=_environment(db.url), stdout=subprocess.DEVNULL,
                              stderr=err) as proc:
            _wait(proc, progress)
        stderr = _read_messages(err)
    if proc.returncode != 0:
        raise BackupError(_failure(stderr, "pg_dump a échoué"))


def _mariadb_dump(program: str, db: Database, dest: Path, progress: Steps) -> None:
    args = [program, "--single-transaction", "--quick", "--hex-blob", "--routines",
            "--default-character-set=utf8mb4", *_connection_args(db), db.url.database or ""]
    with _messages() as err, open(dest, "r+b", buffering=WRITE_BUFFER) as raw:
        proc = subprocess.Popen(args, env=_environment(db.url), stdout=subprocess.PIPE, stderr=err)
        try:
            _compress_stream(proc.stdout, raw, progress)
        finally:
            if proc.poll() is None and is_cancelled(progress.cancel):
                proc.terminate()
            proc.wait()
        raw.flush()
        os.fsync(raw.fileno())
        stderr = _read_messages(err)
    if proc.returncode != 0:
        raise BackupError(_failure(stderr, "mariadb-dump a échoué"))


def _compress_stream(stream: IO[bytes] | None, raw: IO[bytes], progress: Steps) -> None:
    assert stream is not None
    writer = GzipWriter(raw, {"app": "EngraveDetect Catalogue", "fmt": "native",
                              "backend": "mysql"})
    while True:
        block = stream.read(CHUNK)
        if not block:
            break
        writer.write(block)
        if is_cancelled(progress.cancel):
            raise Cancelled()
    writer.close()


def verify_server_dump(db: Database, path: Path) -> None:
    """A dump that its own loader can read: pg_restore's table of contents, or a complete
    mariadb-dump (the trailing "Dump completed" line) with a valid gzip CRC."""
    if path.suffix == ".pgdump" or db.backend == "postgresql":
        program = shutil.which("pg_restore")
        if program is None:
            return
        done = subprocess.run([program, "--list", str(path)], capture_output=True, check=False)
        if done.returncode != 0:
            raise BackupError("La sauvegarde du serveur est illisible : fichier non conservé.")
        return
    import gzip

    tail = b""
    try:
        with gzip.open(path, "rb") as handle:
            while block := handle.read(CHUNK):
                tail = (tail + block)[-4096:]
    except (OSError, EOFError) as exc:
        raise BackupError("La sauvegarde du serveur est illisible : fichier non conservé.") from exc
    if b"Dump completed" not in tail:
        raise BackupError("La sauvegarde du serveur est incomplète : fichier non conservé.")


def restore_server_dump(db: Database, path: Path, progress: Steps) -> None:
    """Load a native server dump into ``db`` (its loader replaces the tables)."""
    program = load_program(db)
    if program is None:
        raise RestoreError(
            "Le programme de restauration du serveur est introuvable : restaurez une sauvegarde "
            "au format portable, ou installez les outils clients du serveur."
        )
    progress.phase(0.3, 0.95)
    if db.backend == "postgresql":
        args = [program, "--clean", "--if-exists", "--no-owner", "--no-privileges",
                "--single-transaction", *_connection_args(db), "-d", db.url.database or "",
                str(path)]
        done = subprocess.run(args, env=_environment(db.url), capture_output=True, check=False)
        stderr, code = done.stderr, done.returncode
    else:
        import gzip

        args = [program, *_connection_args(db), "--default-character-set=utf8mb4",
                db.url.database or ""]
        with _messages() as err:
            with subprocess.Popen(args, env=_environment(db.url), stdin=subprocess.PIPE,
                                  stdout=subprocess.DEVNULL, stderr=err) as proc:
                assert proc.stdin is not None
                with gzip.open(path, "rb") as handle:
                    while block := handle.read(CHUNK):
                        proc.stdin.write(block)
                proc.stdin.close()
                proc.wait()
            stderr, code = _read_messages(err), proc.returncode
    if code != 0:
        raise RestoreError(_failure(stderr, "La restauration par le serveur a échoué"))
