"""The admin password across a restore: a backup made before any password was set must not
remove the one in use (the catalogue would open to anyone in admin mode).

A backup that holds a password brings it back (the password in use when it was made); one that
holds none keeps the current one. The hash goes into the prepared SQLite copy before it replaces
the catalogue (or is loaded into the server), so it arrives in the same step; a server's own
dump gets it once loaded.
"""

from __future__ import annotations

import logging
import sqlite3
from pathlib import Path

import sqlalchemy as sa

from data.admin import PASSWORD_KEY
from data.database import Database
from data.models import Parametre

log = logging.getLogger("engravedetect.maintenance")


def current_password(db: Database | None) -> str | None:
    """The password hash of the catalogue now (None: none, or the catalogue cannot be read)."""
    if db is None:
        return None
    try:
        with db.engine.connect() as conn:
            found = conn.execute(
                sa.select(Parametre.valeur).where(Parametre.cle == PASSWORD_KEY)
            ).scalar_one_or_none()
    except Exception as exc:  # noqa: BLE001 - a damaged catalogue is what a restore is for
        log.warning("Mot de passe actuel illisible avant restauration : %s", type(exc).__name__)
        return None
    return None if found is None else str(found)


def file_password(work: Path) -> str | None:
    """The password hash a prepared SQLite copy holds."""
    conn = sqlite3.connect(f"file:{work.as_posix()}?mode=ro", uri=True)
    try:
        row = conn.execute("SELECT valeur FROM parametres WHERE cle = ?", (PASSWORD_KEY,)).fetchone()
    finally:
        conn.close()
    return None if row is None else str(row[0])


def keep_in_file(work: Path, hash_: str) -> bool:
    """Give the prepared copy ``hash_`` when it holds no password; True when it was given."""
    conn = sqlite3.connect(work)
    try:
        with conn:
            added = conn.execute(
                "INSERT INTO parametres (cle, valeur) SELECT ?, ? "
                "WHERE NOT EXISTS (SELECT 1 FROM parametres WHERE cle = ?)",
                (PASSWORD_KEY, hash_, PASSWORD_KEY),
            ).rowcount
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # in the file itself, which alone moves
    finally:
        conn.close()
    return bool(added)


def keep_in_server(db: Database, hash_: str) -> bool:
    """The same for a server whose dump was just loaded."""
    with db.engine.begin() as conn:
        found = conn.execute(
            sa.select(Parametre.cle).where(Parametre.cle == PASSWORD_KEY)
        ).scalar_one_or_none()
        if found is not None:
            return False
        conn.execute(sa.insert(Parametre).values(cle=PASSWORD_KEY, valeur=hash_))
    return True
