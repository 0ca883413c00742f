"""Opening the catalogue: migrations, sample, and a read-only database role on a server."""

from __future__ import annotations

import uuid

import pytest
import sqlalchemy as sa

from data import catalogue
from data.errors import ReadOnlyError
from data.startup import READ_ONLY_USER_REASON, open_catalogue
from tests.factories import lens_values, make_refs


def test_server_database_is_never_seeded(db_url, backend):
    opened = open_catalogue(db_url)
    try:
        assert opened.seeded == 0
        assert not opened.db.read_only
    finally:
        opened.db.dispose()


def test_default_sqlite_is_seeded_once():
    first = open_catalogue()
    assert first.seeded >= 300
    first.db.dispose()
    second = open_catalogue()
    assert second.seeded == 0
    second.db.dispose()


def _read_only_url(db, backend: str) -> tuple[str, list[str]]:
    """Create a role that may only read the catalogue; return its URL and the cleanup SQL."""
    name = f"ro_{uuid.uuid4().hex[:10]}"
    url = db.url
    with db.engine.connect() as conn:
        if backend == "postgresql":
            conn.execute(sa.text(f'CREATE ROLE "{name}" LOGIN'))
            conn.execute(sa.text(f'GRANT CONNECT ON DATABASE "{url.database}" TO "{name}"'))
            conn.execute(sa.text(f'GRANT USAGE ON SCHEMA public TO "{name}"'))
            conn.execute(sa.text(f'GRANT SELECT ON ALL TABLES IN SCHEMA public TO "{name}"'))
            cleanup = [f'DROP OWNED BY "{name}"', f'DROP ROLE "{name}"']
        else:
            conn.execute(sa.text(f"CREATE USER '{name}'@'%'"))
            conn.execute(sa.text(f"GRANT SELECT ON `{url.database}`.* TO '{name}'@'%'"))
            cleanup = [f"DROP USER '{name}'@'%'"]
        conn.commit()
    return url.set(username=name, password=None).render_as_string(hide_password=False), cleanup


@pytest.mark.parametrize("backend", ["postgresql", "mariadb"], indirect=True)
def test_read_only_role_opens_read_only_and_says_why(db, backend):
    refs = make_refs(db)
    catalogue.create_lens(db, lens_values(refs))
    url, cleanup = _read_only_url(db, backend)
    try:
        opened = open_catalogue(url)
        try:
            assert opened.db.read_only
            assert opened.db.read_only_reason == READ_ONLY_USER_REASON
            assert catalogue.count_lenses(opened.db, catalogue.LensQuery()) == 1
            with pytest.raises(ReadOnlyError):
                catalogue.create_lens(opened.db, lens_values(refs, nom="Interdit"))
        finally:
            opened.db.dispose()
    finally:
        with db.engine.connect() as conn:
            for statement in cleanup:
                conn.execute(sa.text(statement))
            conn.commit()
