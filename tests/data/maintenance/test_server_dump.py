"""The servers' dump and load programs may write a lot on stderr: the backup never hangs on it."""

from __future__ import annotations

import gzip
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest
from sqlalchemy.engine import make_url

from data.maintenance import server_dump
from data.maintenance.common import BackupError, RestoreError
from data.progress import Steps

NOISE = 200_000  # bytes of messages: far beyond a pipe's 64 KB buffer


def fake_program(folder: Path, name: str, body: str) -> None:
    path = folder / name
    path.write_text(f"#!{sys.executable}\nimport sys\n{body}\n", encoding="utf-8")
    path.chmod(0o755)


@pytest.fixture
def fake_bin(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "bin"
    folder.mkdir()
    monkeypatch.setenv("PATH", str(folder))
    return folder


def server(url: str) -> SimpleNamespace:
    parsed = make_url(url)
    return SimpleNamespace(url=parsed, backend=parsed.get_backend_name())


NOISY = f"sys.stderr.write('avertissement du serveur\\n' * ({NOISE} // 24)); sys.stderr.flush()"


@pytest.mark.timeout(20)
def test_pg_dump_writing_200_kb_of_messages_fails_with_its_last_line_instead_of_hanging(
    fake_bin: Path, tmp_path: Path
) -> None:
    fake_program(fake_bin, "pg_dump", NOISY + "\nsys.stderr.write('pg_dump: connexion refusée\\n')\nsys.exit(1)")
    with pytest.raises(BackupError) as caught:
        server_dump.dump_server(server("postgresql+psycopg://u:secret@h/db"), tmp_path / "a.pgdump",
                                Steps(None))
    assert "connexion refusée" in caught.value.message
    assert [p.name for p in tmp_path.iterdir()] == ["bin"]


@pytest.mark.timeout(20)
def test_mariadb_dump_writing_200_kb_of_messages_fails_with_its_last_line_instead_of_hanging(
    fake_bin: Path, tmp_path: Path
) -> None:
    fake_program(fake_bin, "mariadb-dump", NOISY + "\nsys.stderr.write('accès refusé\\n')\nsys.exit(2)")
    with pytest.raises(BackupError) as caught:
        server_dump.dump_server(server("mysql+pymysql://u:secret@h/db"), tmp_path / "a.sql.gz",
                                Steps(None))
    assert "accès refusé" in caught.value.message


@pytest.mark.timeout(20)
def test_the_mariadb_loader_writing_200_kb_of_messages_before_reading_never_hangs(
    fake_bin: Path, tmp_path: Path
) -> None:
    fake_program(fake_bin, "mariadb",
                 NOISY + "\nsys.stdin.buffer.read()\nsys.stderr.write('ERREUR 1064\\n')\nsys.exit(1)")
    dump = tmp_path / "a.sql.gz"
    with gzip.open(dump, "wb") as handle:
        handle.write(b"INSERT INTO t VALUES (1);\n" * 20_000)  # 500 KB to load
    with pytest.raises(RestoreError) as caught:
        server_dump.restore_server_dump(server("mysql+pymysql://u:secret@h/db"), dump, Steps(None))
    assert "ERREUR 1064" in caught.value.message
