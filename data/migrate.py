"""Schema migrations run by the app itself: upgrade to head at start, after a backup, under a lock.

The lock lives in ``migrations/env.py`` so that the plain ``alembic upgrade head`` command takes it
too. An app older than the database (a revision it does not know) opens it read-only.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect

from data.database import Database, describe_error
from data.errors import CatalogueError, DBOperationError

log = logging.getLogger("engravedetect.migrations")
PROJECT_ROOT = Path(__file__).resolve().parent.parent
MIGRATIONS_DIR = PROJECT_ROOT / "migrations"


@dataclass(frozen=True)
class SchemaState:
    current: str | None
    head: str
    known: bool  # the current revision is one this app knows

    @property
    def is_empty(self) -> bool:
        return self.current is None

    @property
    def up_to_date(self) -> bool:
        return self.current == self.head

    @property
    def newer_than_app(self) -> bool:
        return self.current is not None and not self.known


class MigrationError(CatalogueError):
    pass


def alembic_config() -> Config:
    config = Config(str(PROJECT_ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


def head_revision() -> str:
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def schema_state(db: Database) -> SchemaState:
    script = ScriptDirectory.from_config(alembic_config())
    head = script.get_current_head()
    assert head is not None
    with db.engine.connect() as conn:
        current = MigrationContext.configure(conn).get_current_revision()
        if current is None and inspect(conn).has_table("verres"):
            # Tables without a version stamp: not something this app created.
            raise MigrationError(
                "Cette base contient des tables du catalogue mais pas de numéro de version : "
                "elle n'a pas été créée par EngraveDetect Catalogue."
            )
    known = True
    if current is not None:
        try:
            known = script.get_revision(current) is not None
        except Exception:  # noqa: BLE001 - alembic raises several kinds for unknown revisions
            known = False
    return SchemaState(current=current, head=head, known=known)


def upgrade(
    db: Database, backup: Callable[[Database], Path | None] | None = None, target: str = "head"
) -> tuple[SchemaState, Path | None]:
    """Bring the schema to ``target``; back up first when there is anything to lose.

    Returns the state before migrating and the backup file (if one was made). A database newer
    than the app is left alone (the caller opens it read-only).
    """
    state = schema_state(db)
    if state.newer_than_app or (target == "head" and state.up_to_date):
        return state, None
    backup_file = None
    if backup is not None and not state.is_empty:
        backup_file = backup(db)
    config = alembic_config()
    try:
        with db.engine.connect() as conn:
            config.attributes["connection"] = conn
            command.upgrade(config, target)
    except CatalogueError:
        raise
    except Exception as exc:
        log.exception("Migration échouée")
        detail = describe_error(exc).message
        where = f" La sauvegarde d'avant la mise à jour est {backup_file}." if backup_file else ""
        raise MigrationError(
            f"La mise à jour du schéma a échoué ; la base reste à sa version précédente.{where} "
            f"Détail : {detail}"
        ) from exc
    return state, backup_file


def downgrade(db: Database, target: str = "base") -> None:
    config = alembic_config()
    try:
        with db.engine.connect() as conn:
            config.attributes["connection"] = conn
            command.downgrade(config, target)
    except Exception as exc:
        raise DBOperationError(f"Retour de version impossible : {exc}", exc) from exc
