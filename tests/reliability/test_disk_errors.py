"""Disk full and permission denied while writing backups, logs and exported files.

Where the machine allows it the disk is really full (a tiny ``tmpfs`` mounted for the test) and
the folder really read-only (``chattr +i``, which binds root too); the compression step is also
failed by hand at the exact write. Each time: one clear French message, no partial file, no
temporary file left, and nothing else damaged (the catalogue, older backups, an older export).
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from data import catalogue, maintenance
from data.config import load_settings
from data.database import Database, open_database
from data.maintenance.common import BackupError
from data.migrate import schema_state, upgrade
from data.query import LensQuery
from data.startup import open_catalogue
from data.transfer import TransferError, export_lenses
from tests.factories import lens_values, make_refs
from tests.reliability.helpers import immutable, immutable_supported, run_cli, sqlite_url

LENSES = 40


@contextlib.contextmanager
def full_disk(free_bytes: int = 0) -> Iterator[Path]:
    """A real file system with ``free_bytes`` left (a tmpfs of our own, unmounted afterwards)."""
    folder = Path(tempfile.mkdtemp(prefix="edt-disque-plein-"))
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", str(folder)],
                             capture_output=True, check=False)
    if mounted.returncode != 0:
        folder.rmdir()
        pytest.skip("impossible de monter un petit tmpfs ici : le disque plein est simulé ailleurs")
    try:
        filler = folder / "remplissage"
        with open(filler, "wb", buffering=0) as handle, contextlib.suppress(OSError):
            while True:
                handle.write(b"\0" * 4096)
        if free_bytes:
            with open(filler, "r+b") as handle:
                handle.truncate(max(0, filler.stat().st_size - free_bytes))
        yield folder
    finally:
        # Lazy: detached at once even if a file on it is still held (the test then fails on
        # its own assertions, never by leaving a mount behind).
        subprocess.run(["umount", "-l", str(folder)], capture_output=True, check=False)
        folder.rmdir()


def readonly_or_skip(tmp_path: Path) -> None:
    if not immutable_supported(tmp_path):
        pytest.skip("chattr +i indisponible : root écrit partout, refus simulé par les autres cas")


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def shop(sqlite_db: Database) -> Database:
    refs = make_refs(sqlite_db)
    for n in range(LENSES):
        catalogue.create_lens(sqlite_db, lens_values(refs, nom=f"Verre {n:03d}", gravure_nasale=f"G{n}"))
    return sqlite_db


def assert_catalogue_intact(db: Database) -> None:
    with db.engine.connect() as conn:
        assert [r[0] for r in conn.exec_driver_sql("PRAGMA integrity_check")] == ["ok"]
    assert catalogue.count_lenses(db, LensQuery()) == LENSES


# ---------------------------------------------------------------- backups


@pytest.mark.parametrize("fmt", ["native", "portable"])
def test_a_backup_onto_a_full_disk_says_so_and_leaves_nothing(shop: Database, fmt: str) -> None:
    older = maintenance.backup_database(shop).path
    kept = digest(older)
    with full_disk() as disk:
        with pytest.raises(BackupError) as caught:
            maintenance.backup_database(shop, dest_dir=disk, fmt=fmt)
        assert "Plus de place sur le disque" in caught.value.message
        assert sorted(p.name for p in disk.iterdir()) == ["remplissage"]
    assert digest(older) == kept
    assert_catalogue_intact(shop)


def test_a_disk_filling_up_during_compression_leaves_no_partial_backup(
    shop: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from data.maintenance import gzipio

    real_write = gzipio.GzipWriter.write
    calls = {"n": 0}

    def write_until_full(self: gzipio.GzipWriter, data: bytes | memoryview) -> None:
        calls["n"] += 1
        if calls["n"] > 1:
            raise OSError(errno.ENOSPC, "No space left on device")
        real_write(self, data)

    monkeypatch.setattr(gzipio.GzipWriter, "write", write_until_full)
    monkeypatch.setattr("data.maintenance.sqlite_native.CHUNK", 4096)
    folder = tmp_path / "sauvegardes"
    with pytest.raises(BackupError) as caught:
        maintenance.backup_database(shop, dest_dir=folder)
    assert calls["n"] == 2, "the fault was not injected where the backup writes"
    assert "Plus de place" in caught.value.message
    assert list(folder.iterdir()) == []
    assert_catalogue_intact(shop)


def test_a_backup_into_a_read_only_folder_is_refused_in_french(shop: Database, tmp_path: Path) -> None:
    readonly_or_skip(tmp_path)
    folder = tmp_path / "sauvegardes-verrouillees"
    folder.mkdir()
    with immutable(folder):
        with pytest.raises(BackupError) as caught:
            maintenance.backup_database(shop, dest_dir=folder)
    assert "accès refusé" in caught.value.message
    assert list(folder.iterdir()) == []
    assert_catalogue_intact(shop)


def test_the_backup_command_on_a_full_disk_exits_1_without_traceback(
    shop: Database, data_home: Path
) -> None:
    with full_disk() as disk:
        done = run_cli(data_home, "backup", "--to", str(disk), "--database", str(shop.url))
        assert sorted(p.name for p in disk.iterdir()) == ["remplissage"]
    assert done.returncode == 1 and done.stdout == ""
    assert "Plus de place" in done.stderr and "Traceback" not in done.stderr


def test_no_migration_runs_when_its_backup_cannot_be_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The backup comes first: a full backup disk leaves the catalogue at its old revision."""
    url = sqlite_url(tmp_path / "ancienne.db")
    old = open_database(url, load_settings(cli_url=url))
    try:
        upgrade(old, target="0001")
    finally:
        old.dispose()
    with full_disk() as disk:
        monkeypatch.setenv("ENGRAVEDETECT_BACKUP_DIR", str(disk))
        with pytest.raises(BackupError) as caught:
            open_catalogue(url, seed=False)
    assert "Plus de place" in caught.value.message
    again = open_database(url, load_settings(cli_url=url))
    try:
        assert schema_state(again).current == "0001"
    finally:
        again.dispose()


# ---------------------------------------------------------------- exported files


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "json"])
def test_an_export_onto_a_full_disk_keeps_the_previous_file_and_leaves_no_partial_one(
    shop: Database, fmt: str
) -> None:
    with full_disk(free_bytes=4096) as disk:  # room for the previous file, not one byte more
        previous = disk / f"catalogue.{fmt}"
        previous.write_bytes(b"ancienne version")
        with pytest.raises(TransferError) as caught:
            export_lenses(shop, previous, fmt)
        assert "Disque plein" in caught.value.message
        assert previous.read_bytes() == b"ancienne version"
        assert sorted(p.name for p in disk.iterdir()) == [previous.name, "remplissage"]
    assert_catalogue_intact(shop)


def test_an_export_into_a_read_only_folder_is_refused_in_french(shop: Database, tmp_path: Path) -> None:
    readonly_or_skip(tmp_path)
    folder = tmp_path / "partage"
    folder.mkdir()
    with immutable(folder):
        with pytest.raises(TransferError) as caught:
            export_lenses(shop, folder / "catalogue.csv")
    assert "Accès refusé" in caught.value.message
    assert list(folder.iterdir()) == []


def test_the_export_command_on_a_full_disk_exits_1_without_traceback(
    shop: Database, data_home: Path
) -> None:
    with full_disk() as disk:
        done = run_cli(data_home, "export", str(disk / "verres.json"), "--database", str(shop.url))
        assert sorted(p.name for p in disk.iterdir()) == ["remplissage"]
    assert done.returncode == 1 and done.stdout == ""
    assert "Disque plein" in done.stderr and "Traceback" not in done.stderr


# ---------------------------------------------------------------- the log


def test_a_full_disk_under_the_log_never_shows_a_traceback(shop: Database) -> None:
    with full_disk() as disk:
        done = run_cli(disk, "check", "--database", str(shop.url),
                       extra_env={"ENGRAVEDETECT_LOG_LEVEL": "DEBUG"})
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr and "Logging error" not in done.stderr
    assert "Attention : le journal" in done.stderr
    assert "Vérification terminée" in done.stderr


def test_an_unwritable_data_folder_leaves_the_log_out_but_the_command_works(
    shop: Database, tmp_path: Path
) -> None:
    readonly_or_skip(tmp_path)
    home = tmp_path / "profil"
    home.mkdir()
    with immutable(home):
        done = run_cli(home, "check", "--database", str(shop.url))
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    assert not (home / "database.log").exists()
