"""The back-office settings: checked, kept in the data folder's .env, and used by the backups."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from data import maintenance, preferences
from data.config import load_settings
from data.database import Database, open_database
from data.errors import ValidationError
from data.maintenance import BackupError
from data.migrate import upgrade


def test_saved_settings_are_what_the_next_start_reads(data_home: Path, tmp_path: Path) -> None:
    stick = tmp_path / "clé USB" / "Sauvegardes d'Hervé"
    stick.mkdir(parents=True)
    settings = load_settings()
    wanted = preferences.Preferences(stick, auto_backup=False, keep_daily=3, keep_weekly=0, idle_minutes=5)
    in_force = preferences.save(settings, wanted)
    again = load_settings()
    for each in (in_force, again):
        assert preferences.current(each) == wanted
        assert each.backup_dir_chosen


def test_the_usual_folder_is_stored_as_no_choice(data_home: Path, tmp_path: Path) -> None:
    settings = load_settings()
    chosen = preferences.save(settings, preferences.Preferences(tmp_path))
    back = preferences.save(chosen, replace(preferences.current(chosen), backup_dir=settings.default_backup_dir))
    assert "ENGRAVEDETECT_BACKUP_DIR" not in preferences.read_stored(back)
    assert not load_settings().backup_dir_chosen


def test_other_lines_of_the_env_file_stay(data_home: Path, tmp_path: Path) -> None:
    data_home.mkdir(parents=True)
    (data_home / ".env").write_text("# serveur\nENGRAVEDETECT_DATABASE_URL='sqlite:///x.db'\nENGRAVEDETECT_KEEP_DAILY=9\n")
    preferences.save(load_settings(), preferences.Preferences(tmp_path, keep_daily=2))
    text = (data_home / ".env").read_text()
    assert "# serveur" in text and "ENGRAVEDETECT_DATABASE_URL='sqlite:///x.db'" in text
    assert text.count("ENGRAVEDETECT_KEEP_DAILY") == 1 and load_settings().keep_daily == 2


@pytest.mark.parametrize("where, message", [
    ("absent", "introuvable : la clé USB ou le disque réseau est-il branché"),
    ("fichier.txt", "est un fichier, pas un dossier"),
    ("relatif", "dossier complet"),
])
def test_a_folder_that_cannot_take_backups_is_refused_in_french(tmp_path: Path, where: str, message: str) -> None:
    (tmp_path / "fichier.txt").write_text("x")
    folder = Path("Sauvegardes") if where == "relatif" else tmp_path / where
    settings = load_settings()
    with pytest.raises(ValidationError) as info:
        preferences.save(settings, preferences.Preferences(folder))
    assert message in info.value.report.errors["backup_dir"]
    assert "ENGRAVEDETECT_BACKUP_DIR" not in preferences.read_stored(settings)


def test_counts_out_of_bounds_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ValidationError) as info:
        preferences.save(load_settings(), preferences.Preferences(tmp_path, keep_daily=0, idle_minutes=0))
    assert set(info.value.report.errors) == {"keep_daily", "idle_minutes"}


def test_a_setting_given_by_the_environment_is_imposed_and_not_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ENGRAVEDETECT_IDLE_MINUTES", "30")
    settings = load_settings()
    assert settings.idle_minutes == 30 and "ENGRAVEDETECT_IDLE_MINUTES" in settings.imposed
    in_force = preferences.save(settings, preferences.Preferences(settings.backup_dir, idle_minutes=2))
    assert in_force.idle_minutes == 30
    assert "ENGRAVEDETECT_IDLE_MINUTES" not in preferences.read_stored(settings)


@pytest.fixture
def default_db(data_home: Path):
    db = open_database(None, load_settings())
    upgrade(db)
    yield db
    db.dispose()


def test_a_missing_usb_stick_is_said_at_backup_time_and_no_folder_is_made(default_db: Database, tmp_path: Path) -> None:
    stick = tmp_path / "media" / "cle"
    (stick / "Sauvegardes").mkdir(parents=True)
    default_db.settings = preferences.save(default_db.settings, preferences.Preferences(stick / "Sauvegardes"))
    (stick / "Sauvegardes").rmdir()  # the stick is unplugged
    with pytest.raises(BackupError) as info:
        maintenance.backup_database(default_db)
    assert "introuvable : la clé USB" in info.value.message
    assert not (stick / "Sauvegardes").exists()


def test_a_backup_goes_to_the_chosen_folder(default_db: Database, tmp_path: Path) -> None:
    default_db.settings = preferences.save(default_db.settings, preferences.Preferences(tmp_path))
    assert maintenance.backup_database(default_db).path.parent == tmp_path


def test_a_safety_copy_never_waits_for_a_missing_stick(default_db: Database, tmp_path: Path) -> None:
    default_db.settings = replace(default_db.settings, backup_dir=tmp_path / "absent")
    result = maintenance.backup_database(default_db, kind="pre-migration")
    assert result.path.parent == default_db.settings.default_backup_dir


def test_automatic_backup_follows_the_settings(default_db: Database) -> None:
    default_db.settings = replace(default_db.settings, auto_backup=False)
    assert maintenance.auto_backup_if_due(default_db) is None
    default_db.settings = replace(default_db.settings, auto_backup=True, keep_daily=1, keep_weekly=0)
    assert maintenance.auto_backup_if_due(default_db) is not None
    assert maintenance.auto_backup_if_due(default_db, now=datetime.now() + timedelta(days=2)) is not None
    autos = [b for b in maintenance.list_backups(default_db.settings.backup_dir) if b.kind == "auto"]
    assert len(autos) == 1
