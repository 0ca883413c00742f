"""A shop moves its SQLite catalogue (images included) to a new server with two commands."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import sqlalchemy as sa

from data.startup import open_catalogue

ROOT = Path(__file__).resolve().parents[2]


def run(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(ROOT / "main.py"), *args], env=env,
                          capture_output=True, text=True, timeout=300)


def test_portable_backup_restores_into_an_empty_database(db_url, data_home, backend):
    env = {**os.environ, "ENGRAVEDETECT_HOME": str(data_home), "ENGRAVEDETECT_ADMIN_PASSWORD": "secret-admin"}
    opened = open_catalogue()  # the default SQLite file, with the sample catalogue
    opened.db.dispose()
    if backend == "sqlite":
        db_url = db_url.replace("catalogue.db", "nouveau.db")
    backup = run("backup", "--format", "portable", env=env)
    assert backup.returncode == 0, backup.stderr
    path = backup.stdout.strip()
    assert path.endswith(".json.gz")
    restored = run("--database", db_url, "restore", path, "--admin", env=env)
    assert restored.returncode == 0, restored.stderr
    assert "Restauration terminée (345 verres)" in restored.stderr
    engine = sa.create_engine(db_url, poolclass=sa.NullPool)
    try:
        with engine.connect() as conn:
            assert conn.execute(sa.text("SELECT count(*) FROM verres")).scalar() == 345
            assert conn.execute(sa.text("SELECT count(*) FROM images_gravure")).scalar() > 100
    finally:
        engine.dispose()
    checked = run("--database", db_url, "check", env=env)
    assert checked.returncode == 0, checked.stdout + checked.stderr
