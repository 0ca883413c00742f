"""``backup``, ``restore``, ``check`` and ``vacuum`` from the command line, as cron would run them."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from data import admin
from data.config import load_settings
from data.database import open_database
from data.startup import open_catalogue
from tests.data.maintenance_helpers import plant_sqlite

MAIN = Path(__file__).resolve().parents[2] / "main.py"
PASSWORD = "vitrine-42"


def run(home: Path, *args: str, password: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("ENGRAVEDETECT_") or k.startswith("ENGRAVEDETECT_TEST_")}
    env["ENGRAVEDETECT_HOME"] = str(home)
    if password is not None:
        env["ENGRAVEDETECT_ADMIN_PASSWORD"] = password
    return subprocess.run([sys.executable, str(MAIN), *args], capture_output=True, text=True,
                          env=env, stdin=subprocess.DEVNULL, timeout=120, check=False)


@pytest.fixture
def home(data_home: Path) -> Path:
    """A default catalogue (with its sample) and an admin password."""
    opened = open_catalogue()
    try:
        admin.set_password(opened.db, PASSWORD)
    finally:
        opened.db.dispose()
    return data_home


def _lens_total(home: Path) -> int:
    db = open_database(None, load_settings())
    try:
        with db.engine.connect() as conn:
            return int(conn.exec_driver_sql("SELECT count(*) FROM verres").scalar_one())
    finally:
        db.dispose()


def test_backup_prints_the_file_path(home: Path) -> None:
    done = run(home, "backup")
    assert done.returncode == 0, done.stderr
    path = Path(done.stdout.strip())
    assert path.is_file() and path.parent == home / "backups"
    assert path.name.startswith("catalogue_") and path.name.endswith(".db.gz")
    assert "Sauvegarde terminée" in done.stderr


def test_backup_to_a_folder_in_portable_format(home: Path, tmp_path: Path) -> None:
    done = run(home, "backup", "--to", str(tmp_path / "cle-usb"), "--format", "portable")
    assert done.returncode == 0, done.stderr
    path = Path(done.stdout.strip())
    assert path.parent == tmp_path / "cle-usb" and path.name.endswith(".json.gz")


def test_backup_into_an_unwritable_place_fails_with_exit_1(home: Path, tmp_path: Path) -> None:
    blocker = tmp_path / "fichier"
    blocker.write_text("x")
    done = run(home, "backup", "--to", str(blocker / "sous-dossier"))
    assert done.returncode == 1
    assert "Erreur" in done.stderr and "Traceback" not in done.stderr
    assert done.stdout == ""


def test_check_exits_0_on_a_clean_catalogue_and_1_with_problems(home: Path) -> None:
    clean = run(home, "check")
    assert clean.returncode == 0, clean.stderr
    assert "aucun problème" in clean.stderr
    plant_sqlite(home / "catalogue.db", "UPDATE verres SET indice = 3.2 WHERE id = 1")
    broken = run(home, "check")
    assert broken.returncode == 1
    assert "indice\t1\tVerre n° 1 « " in broken.stdout
    assert "problème" in broken.stderr


def test_vacuum_exits_0(home: Path) -> None:
    done = run(home, "vacuum")
    assert done.returncode == 0, done.stderr
    assert "compactée" in done.stderr


def test_restore_needs_admin_and_the_right_password(home: Path) -> None:
    backup = Path(run(home, "backup").stdout.strip())
    before = _lens_total(home)
    without = run(home, "restore", str(backup), password=PASSWORD)
    assert without.returncode == 2 and "--admin" in without.stderr
    wrong = run(home, "restore", str(backup), "--admin", password="pas-le-bon")
    assert wrong.returncode == 1 and "incorrect" in wrong.stderr
    assert PASSWORD not in wrong.stderr
    assert not list((home / "backups").glob("*pre-restore*"))
    plant_sqlite(home / "catalogue.db", "DELETE FROM verres WHERE id > 10")
    done = run(home, "restore", str(backup), "--admin", password=PASSWORD)
    assert done.returncode == 0, done.stderr
    assert _lens_total(home) == before
    assert list((home / "backups").glob("*pre-restore*"))


def test_restore_refuses_a_file_that_is_not_a_backup(home: Path, tmp_path: Path) -> None:
    bogus = tmp_path / "photo.db.gz"
    bogus.write_bytes(b"\x89PNG not a backup")
    done = run(home, "restore", str(bogus), "--admin", password=PASSWORD)
    assert done.returncode == 1
    assert "pas une sauvegarde" in done.stderr


def test_restore_over_an_unreadable_database_checks_the_backups_password(home: Path) -> None:
    backup = Path(run(home, "backup").stdout.strip())
    before = _lens_total(home)
    database = home / "catalogue.db"
    for suffix in ("-wal", "-shm"):
        Path(f"{database}{suffix}").unlink(missing_ok=True)
    database.write_bytes(b"ceci n'est plus une base" * 200)
    wrong = run(home, "restore", str(backup), "--admin", password="pas-le-bon")
    assert wrong.returncode == 1
    assert database.read_bytes().startswith(b"ceci")  # nothing moved on a refusal
    done = run(home, "restore", str(backup), "--admin", password=PASSWORD)
    assert done.returncode == 0, done.stderr
    assert "mise de côté" in done.stderr
    assert list(home.glob("catalogue.db.illisible-*"))
    assert _lens_total(home) == before


def test_restore_of_a_backup_without_password_sets_the_one_given(home: Path, tmp_path: Path) -> None:
    bare_home = tmp_path / "autre"
    env_home = os.environ["ENGRAVEDETECT_HOME"]
    os.environ["ENGRAVEDETECT_HOME"] = str(bare_home)
    try:
        open_catalogue().db.dispose()
    finally:
        os.environ["ENGRAVEDETECT_HOME"] = env_home
    backup = Path(run(bare_home, "backup").stdout.strip())
    (home / "catalogue.db").write_bytes(b"illisible" * 500)
    for suffix in ("-wal", "-shm"):
        Path(f"{home / 'catalogue.db'}{suffix}").unlink(missing_ok=True)
    done = run(home, "restore", str(backup), "--admin", password="nouveau-mdp")
    assert done.returncode == 0, done.stderr
    db = open_database(None, load_settings())
    try:
        assert admin.verify_password(db, "nouveau-mdp")
    finally:
        db.dispose()
