"""A bad catalogue file at start: one clear French sentence, exit 2, and the file left as it was.

Each case runs the real command line (``check`` and ``upgrade``) in a child process, as a shop's
scheduled task would, then the window's entry point in-process. A read-only file opens for
reading; a missing file in an existing folder, and the default data folder, are created.
"""

from __future__ import annotations

import hashlib
import os
import random
import shutil
import subprocess
import sys
import tempfile
import textwrap
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from data import catalogue
from data.config import load_settings
from data.database import open_database
from data.errors import DatabaseOpenError, ReadOnlyError
from data.migrate import upgrade
from data.startup import open_catalogue
from tests.factories import lens_values, make_refs
from tests.reliability.helpers import (
    MAIN,
    PASSWORD,
    assert_french_refusal,
    child_env,
    immutable,
    immutable_supported,
    run_cli,
    sqlite_url,
)

COMMANDS = ("check", "upgrade")


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def good_file(tmp_path: Path) -> Path:
    """A real catalogue at the app's schema with three lenses, closed (no -wal left)."""
    path = tmp_path / "modele.db"
    opened = open_catalogue(sqlite_url(path), seed=False)
    try:
        refs = make_refs(opened.db)
        for n in range(3):
            catalogue.create_lens(opened.db, lens_values(refs, nom=f"Verre {n}"))
    finally:
        opened.db.dispose()
    return path


def _empty(good: bytes) -> bytes:
    return b""


def _truncated(good: bytes) -> bytes:
    return good[: len(good) // 2]


def _header_only(good: bytes) -> bytes:
    return good[:100]


def _text(good: bytes) -> bytes:
    return "Référence;Indice\nVarilux;1,6\n".encode()


def _random(good: bytes) -> bytes:
    return random.Random(8).randbytes(16384)


def _garbled_magic(good: bytes) -> bytes:
    return b"Not a SQLite 3\x00\x00" + good[16:]


def _garbled_page_size(good: bytes) -> bytes:
    return good[:16] + b"\xff" * 8 + good[24:]


BAD_CONTENTS: dict[str, Callable[[bytes], bytes]] = {
    "vide": _empty,
    "tronque": _truncated,
    "en-tete-seul": _header_only,
    "texte": _text,
    "octets-au-hasard": _random,
    "signature-abimee": _garbled_magic,
    "en-tete-abime": _garbled_page_size,
}


@pytest.mark.parametrize("case", sorted(BAD_CONTENTS))
def test_a_damaged_or_foreign_file_is_refused_with_exit_2_and_left_untouched(
    case: str, good_file: Path, tmp_path: Path, data_home: Path
) -> None:
    bad = tmp_path / f"{case}.db"
    bad.write_bytes(BAD_CONTENTS[case](good_file.read_bytes()))
    before = digest(bad)
    for command in COMMANDS:
        done = run_cli(data_home, command, "--database", sqlite_url(bad))
        assert_french_refusal(done, 2, str(bad))
    assert digest(bad) == before, "the app changed a file it could not open"
    assert not (tmp_path / f"{case}.db-wal").exists() or case != "vide"


@pytest.mark.parametrize("case", ["vide", "tronque", "octets-au-hasard"])
def test_the_window_entry_point_refuses_a_bad_file_in_french_naming_it(
    case: str, good_file: Path, tmp_path: Path, qapp: object
) -> None:
    from gui.app import open_main_window

    bad = tmp_path / f"{case}.db"
    bad.write_bytes(BAD_CONTENTS[case](good_file.read_bytes()))
    with pytest.raises(DatabaseOpenError) as caught:
        open_main_window(sqlite_url(bad))
    message = caught.value.message
    assert str(bad) in message
    assert any(word in message for word in ("base", "fichier")) and "Traceback" not in message


def test_the_default_catalogue_emptied_by_accident_is_refused_not_replaced(data_home: Path) -> None:
    """A shop's catalogue truncated to zero bytes must not silently become a new empty one."""
    data_home.mkdir(parents=True)
    (data_home / "catalogue.db").write_bytes(b"")
    done = run_cli(data_home, "check")
    assert_french_refusal(done, 2, "vide", "sauvegarde")
    assert (data_home / "catalogue.db").stat().st_size == 0


# ---------------------------------------------------------------- locked by another program

HOLDER = textwrap.dedent(
    """
    import sqlite3, sys, time
    conn = sqlite3.connect(sys.argv[1], isolation_level=None)
    conn.execute("PRAGMA locking_mode = EXCLUSIVE")
    conn.execute("BEGIN EXCLUSIVE")
    conn.execute("UPDATE verres SET version = version")
    print("verrou pris", flush=True)
    time.sleep(120)
    """
)


@pytest.fixture
def locked_file(good_file: Path) -> Iterator[Path]:
    """``good_file`` held by another program in exclusive mode (as some SQLite browsers do)."""
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(good_file)],
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "verrou pris"
        yield good_file
    finally:
        holder.kill()
        holder.wait()


def test_a_file_locked_by_another_program_is_refused_with_exit_2(
    locked_file: Path, data_home: Path
) -> None:
    for command in COMMANDS:
        done = run_cli(data_home, command, "--database", sqlite_url(locked_file))
        assert_french_refusal(done, 2, "verrouillée", str(locked_file))


def test_a_migration_blocked_by_another_writer_is_refused_with_exit_2(
    tmp_path: Path, data_home: Path
) -> None:
    """A file that must be migrated while another program writes: wait, then say it is locked."""
    import sqlite3

    path = tmp_path / "ancienne.db"
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.close()  # a file at no revision: opening it for use means migrating it
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER.replace('conn.execute("PRAGMA locking_mode = EXCLUSIVE")\n', "")
         .replace("UPDATE verres SET version = version", "CREATE TABLE autre (x)"), str(path)],
        stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "verrou pris"
        done = run_cli(data_home, "upgrade", "--database", sqlite_url(path))
    finally:
        holder.kill()
        holder.wait()
    assert_french_refusal(done, 2, "verrouillée")


# ---------------------------------------------------------------- folders and missing files


def test_an_explicit_url_whose_folder_is_missing_is_refused_and_nothing_is_created(
    tmp_path: Path, data_home: Path
) -> None:
    target = tmp_path / "cle-usb-absente" / "catalogue.db"
    for command in COMMANDS:
        done = run_cli(data_home, command, "--database", sqlite_url(target))
        assert_french_refusal(done, 2, "n'existe pas", str(target.parent))
    assert not target.parent.exists()


def test_a_missing_file_in_an_existing_folder_is_created(tmp_path: Path, data_home: Path) -> None:
    target = tmp_path / "nouveau.db"
    done = run_cli(data_home, "upgrade", "--database", sqlite_url(target))
    assert done.returncode == 0, done.stderr
    assert target.stat().st_size > 0
    assert run_cli(data_home, "check", "--database", sqlite_url(target)).returncode == 0


def test_the_default_data_folder_is_created_with_its_catalogue(tmp_path: Path) -> None:
    home = tmp_path / "profil" / "AppData" / "EngraveDetect"
    done = run_cli(home, "check")
    assert done.returncode == 0, done.stderr
    assert (home / "catalogue.db").stat().st_size > 0


# ---------------------------------------------------------------- read-only file


def _read_only_or_skip(tmp_path: Path) -> None:
    if not immutable_supported(tmp_path):
        pytest.skip("chattr +i indisponible ici : root écrit dans un fichier en lecture seule, "
                    "le cas ne peut pas être reproduit fidèlement")


def test_a_read_only_file_opens_for_reading_and_every_writing_command_refuses(
    good_file: Path, tmp_path: Path, data_home: Path
) -> None:
    _read_only_or_skip(tmp_path)
    url = sqlite_url(good_file)
    csv_file = tmp_path / "nouveaux.csv"
    csv_file.write_text("fournisseur;nom;indice\nHoya;Lifestyle;1,6\n", encoding="utf-8")
    before = digest(good_file)
    with immutable(good_file):
        done = run_cli(data_home, "check", "--database", url)
        assert done.returncode == 0, done.stderr
        done = run_cli(data_home, "upgrade", "--database", url)
        assert done.returncode == 0 and "déjà à jour" in done.stderr, done.stderr
        done = run_cli(data_home, "import", str(csv_file), "--admin", "--database", url,
                       password=PASSWORD)
        assert_french_refusal(done, 1, "lecture seule")
        done = run_cli(data_home, "import", str(csv_file), "--database", url)
        assert done.returncode == 2
        opened = open_catalogue(url, seed=False)
        try:
            assert opened.db.read_only
            refs_supplier = catalogue.list_suppliers(opened.db)[0].id
            with pytest.raises(ReadOnlyError) as caught:
                catalogue.create_lens(opened.db, {"nom": "X", "fournisseur_id": refs_supplier,
                                                  "indice": 1.6})
            assert "lecture seule" in caught.value.message
            assert catalogue.count_lenses(opened.db, catalogue.LensQuery()) == 3
        finally:
            opened.db.dispose()
    assert digest(good_file) == before


def test_a_read_only_file_that_needs_a_migration_is_refused_with_exit_2(
    tmp_path: Path, data_home: Path
) -> None:
    _read_only_or_skip(tmp_path)
    path = tmp_path / "ancienne.db"
    db = open_database(sqlite_url(path), load_settings(cli_url=sqlite_url(path)))
    try:
        upgrade(db, target="0001")
    finally:
        db.dispose()
    with immutable(path):
        done = run_cli(data_home, "check", "--database", sqlite_url(path))
    assert_french_refusal(done, 2, "lecture seule")


def test_read_only_as_an_unprivileged_user(good_file: Path) -> None:
    """The read-only case seen by a real shop account (not root, so permissions are honest)."""
    if os.geteuid() != 0 or shutil.which("runuser") is None:
        pytest.skip("runuser (ou root) indisponible : le cas chattr +i couvre la lecture seule")
    folder = Path(tempfile.mkdtemp(prefix="edt-lecture-seule-"))
    try:
        os.chmod(folder, 0o755)
        target = folder / "catalogue.db"
        target.write_bytes(good_file.read_bytes())
        os.chmod(target, 0o444)
        home = folder / "home"
        home.mkdir(mode=0o777)
        os.chmod(home, 0o777)
        csv_file = folder / "nouveaux.csv"
        csv_file.write_text("fournisseur;nom;indice\nHoya;Lifestyle;1,6\n", encoding="utf-8")
        os.chmod(csv_file, 0o444)
        before = digest(target)

        def as_nobody(*args: str) -> subprocess.CompletedProcess[str]:
            env = child_env(home, {"ENGRAVEDETECT_ADMIN_PASSWORD": PASSWORD})
            return subprocess.run(
                ["runuser", "-u", "nobody", "--", sys.executable, str(MAIN), *args,
                 "--database", sqlite_url(target)],
                capture_output=True, text=True, env=env, timeout=120, check=False, cwd=str(home))

        probe = as_nobody("--help")
        if probe.returncode != 0:
            pytest.skip(f"nobody ne peut pas lancer l'application : {probe.stderr[-200:]}")
        done = as_nobody("check")
        assert done.returncode == 0, done.stderr
        assert_french_refusal(as_nobody("import", str(csv_file), "--admin"), 1, "lecture seule")
        assert digest(target) == before
    finally:
        shutil.rmtree(folder, ignore_errors=True)
