"""A catalogue that cannot be opened: a French explanation and a restore of the latest backup."""

from __future__ import annotations

import pytest

from data import admin, maintenance
from data.config import load_settings
from data.errors import CatalogueError
from data.startup import open_catalogue
from gui.app import open_main_window
from gui.startup_problem import StartupProblemWindow


@pytest.fixture
def broken_with_backup(tmp_path):
    url = "sqlite:///" + (tmp_path / "cat.db").as_posix()
    settings = load_settings(cli_url=url)
    opened = open_catalogue(url, settings, seed=False)
    from data.sample import load_sample

    load_sample(opened.db)
    admin.set_password(opened.db, "secret-admin")
    backup = maintenance.backup_database(opened.db, kind="manual")
    opened.db.dispose()
    (tmp_path / "cat.db").write_bytes(b"ceci n'est plus une base" * 100)
    for extra in ("cat.db-wal", "cat.db-shm"):
        (tmp_path / extra).unlink(missing_ok=True)
    return url, settings, backup


def test_open_main_window_refuses_with_a_french_message(broken_with_backup, qapp):
    url, _settings, _backup = broken_with_backup
    with pytest.raises(CatalogueError) as info:
        open_main_window(url)
    assert "n'est pas une base de catalogue valide" in str(info.value)


def test_problem_window_offers_and_restores_the_latest_backup(broken_with_backup, qtbot):
    url, settings, backup = broken_with_backup
    reopened: list[bool] = []
    window = StartupProblemWindow("Le fichier n'est pas une base.", url, settings, lambda: reopened.append(True))
    qtbot.addWidget(window)
    assert window.restore_latest.isEnabled()
    assert window.latest is not None and window.latest.path == backup.path
    assert not window.restore(backup.path, password="mauvais-mdp")
    assert not reopened
    assert "mot de passe administrateur incorrect" in window.error.text()
    assert window.restore(backup.path, password="secret-admin")
    assert reopened == [True]
    opened = open_catalogue(url, settings, seed=False)
    try:
        from data import catalogue
        from data.query import LensQuery

        assert catalogue.count_lenses(opened.db, LensQuery()) == backup.lens_count
    finally:
        opened.db.dispose()


def test_server_problem_offers_retry_not_restore(qtbot, tmp_path):
    settings = load_settings()
    window = StartupProblemWindow("Base indisponible.", "postgresql+psycopg://u@127.0.0.1:1/x", settings, lambda: None)
    qtbot.addWidget(window)
    assert not window.restore_latest.isEnabled()
    assert "serveur" in window.hint.text()
