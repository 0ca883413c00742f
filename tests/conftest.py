"""Shared fixtures: a fresh database per test, on SQLite and on the real servers.

The PostgreSQL and MariaDB variants run when ``ENGRAVEDETECT_TEST_POSTGRES_URL`` /
``ENGRAVEDETECT_TEST_MARIADB_URL`` are set (``.ci/run`` sets them). When a URL is set but its server
cannot be reached, the test fails: CI never silently skips a backend.
"""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from data.config import load_settings
from data.database import Database, open_database
from data.migrate import upgrade

SERVER_ENV = {
    "postgresql": "ENGRAVEDETECT_TEST_POSTGRES_URL",
    "mariadb": "ENGRAVEDETECT_TEST_MARIADB_URL",
}
BACKENDS = ["sqlite", "postgresql", "mariadb"]


@pytest.fixture(autouse=True)
def data_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test gets its own data folder; nothing touches the user's."""
    home = tmp_path / "home"
    monkeypatch.setenv("ENGRAVEDETECT_HOME", str(home))
    monkeypatch.delenv("ENGRAVEDETECT_DATABASE_URL", raising=False)
    monkeypatch.delenv("ENGRAVEDETECT_ADMIN_PASSWORD", raising=False)
    monkeypatch.chdir(tmp_path)
    return home


class ServerDatabase:
    """Creates a uniquely named database on a server and drops it afterwards."""

    def __init__(self, backend: str, admin_url: str) -> None:
        self.backend = backend
        self.admin_url = sa.make_url(admin_url)
        self.name = f"edt_{uuid.uuid4().hex[:12]}"
        self.engine = sa.create_engine(self.admin_url, isolation_level="AUTOCOMMIT", poolclass=sa.NullPool)

    @property
    def url(self) -> str:
        return self.admin_url.set(database=self.name).render_as_string(hide_password=False)

    def create(self) -> str:
        try:
            with self.engine.connect() as conn:
                if self.backend == "postgresql":
                    conn.execute(sa.text(f'CREATE DATABASE "{self.name}"'))
                else:
                    conn.execute(
                        sa.text(f"CREATE DATABASE `{self.name}` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci")
                    )
        except sa.exc.OperationalError as exc:
            pytest.fail(f"{self.backend} server unreachable at {self.admin_url!r}: {exc}")
        return self.url

    def drop(self) -> None:
        with self.engine.connect() as conn:
            if self.backend == "postgresql":
                conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)'))
            else:
                conn.execute(sa.text(f"DROP DATABASE IF EXISTS `{self.name}`"))
        self.engine.dispose()


def make_database_url(backend: str, tmp_path: Path) -> Iterator[str]:
    if backend == "sqlite":
        yield "sqlite:///" + (tmp_path / "catalogue.db").as_posix()
        return
    admin = os.environ.get(SERVER_ENV[backend])
    if not admin:
        pytest.skip(f"{SERVER_ENV[backend]} not set")
    server = ServerDatabase(backend, admin)
    url = server.create()
    try:
        yield url
    finally:
        server.drop()


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def db_url(backend: str, tmp_path: Path) -> Iterator[str]:
    yield from make_database_url(backend, tmp_path)


@pytest.fixture
def empty_db(db_url: str) -> Iterator[Database]:
    """An open database with no schema yet."""
    database = open_database(db_url, load_settings(cli_url=db_url), pool_size=2)
    try:
        yield database
    finally:
        database.dispose()


@pytest.fixture
def db(empty_db: Database) -> Database:
    """A database migrated to head, empty of lenses."""
    upgrade(empty_db)
    return empty_db


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return "sqlite:///" + (tmp_path / "catalogue.db").as_posix()


@pytest.fixture
def sqlite_db(sqlite_url: str) -> Iterator[Database]:
    database = open_database(sqlite_url, load_settings(cli_url=sqlite_url), pool_size=2)
    upgrade(database)
    try:
        yield database
    finally:
        database.dispose()
