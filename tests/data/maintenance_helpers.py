"""Helpers shared by the maintenance tests: filling a catalogue, planting problems by raw SQL,
reading a SQLite file without its WAL."""

from __future__ import annotations

import gzip
import shutil
import sqlite3
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from data.database import Database
from data.sample import load_sample

TABLES = ["fournisseurs", "materiaux", "gammes", "series", "images_gravure", "verres",
          "parametres", "historique", "symboles", "verres_symboles"]


def filled(db: Database) -> Database:
    load_sample(db)
    return db


def snapshot(db: Database) -> dict[str, list[dict[str, Any]]]:
    """Every row of every catalogue table, ordered by primary key, values normalised."""
    from data.models import Base

    out: dict[str, list[dict[str, Any]]] = {}
    with db.engine.connect() as conn:
        for name in TABLES:
            table = Base.metadata.tables[name]
            order = list(table.primary_key.columns)
            rows = conn.execute(sa.select(table).order_by(*order)).mappings().all()
            out[name] = [{k: _plain(v) for k, v in row.items()} for row in rows]
    return out


def _plain(value: Any) -> Any:
    if isinstance(value, memoryview | bytearray):
        return bytes(value)
    if isinstance(value, bool):
        return int(value)
    return value


def lens_count(db: Database) -> int:
    with db.engine.connect() as conn:
        return int(conn.execute(sa.text("SELECT count(*) FROM verres")).scalar_one())


def unpack(gz: Path, dest: Path) -> Path:
    with gzip.open(gz, "rb") as src, open(dest, "wb") as dst:
        shutil.copyfileobj(src, dst)
    return dest


def plant_sqlite(path: Path, *statements: str) -> None:
    """Write rows the constraints would refuse, as another tool could."""
    conn = sqlite3.connect(str(path), isolation_level=None)
    try:
        conn.execute("PRAGMA foreign_keys = OFF")
        conn.execute("PRAGMA ignore_check_constraints = ON")
        for statement in statements:
            conn.execute(statement)
    finally:
        conn.close()


CHECKS_TO_DROP = ["ck_verres_indice", "ck_verres_hauteurs_ordonnees", "ck_verres_hauteur_max",
                  "ck_verres_hauteur_min", "ck_verres_serie_sans_gamme",
                  "ck_images_gravure_taille", "ck_images_gravure_type_mime"]


def plant(db: Database, *statements: str) -> None:
    """Plant rows that break the catalogue's rules, on any backend."""
    if db.is_sqlite:
        assert db.sqlite_path is not None
        plant_sqlite(db.sqlite_path, *statements)
        return
    with db.engine.begin() as conn:
        if db.backend == "postgresql":
            conn.exec_driver_sql("SET session_replication_role = replica")
            for name in CHECKS_TO_DROP:
                table = "images_gravure" if "images" in name else "verres"
                conn.exec_driver_sql(f"ALTER TABLE {table} DROP CONSTRAINT IF EXISTS {name}")
        else:
            conn.exec_driver_sql("SET foreign_key_checks = 0")
            conn.exec_driver_sql("SET check_constraint_checks = 0")
        for statement in statements:
            conn.exec_driver_sql(statement)
        if db.backend == "postgresql":
            conn.exec_driver_sql("SET session_replication_role = origin")
        else:
            conn.exec_driver_sql("SET foreign_key_checks = 1")
            conn.exec_driver_sql("SET check_constraint_checks = 1")


def checkpoint_now(db: Database) -> None:
    """Copy a SQLite catalogue's WAL into its file (a fresh schema would sit in the WAL)."""
    with db.engine.connect() as connection:
        connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")


def rows_in_file_alone(db: Database, table: str, folder: Path) -> int:
    """Rows of ``table`` in the SQLite database file read without its ``-wal``: what
    checkpoints have copied into the file so far."""
    assert db.sqlite_path is not None
    copy = folder / "fichier-seul.db"
    shutil.copyfile(db.sqlite_path, copy)
    connection = sqlite3.connect(copy)
    try:
        return int(connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0])
    finally:
        connection.close()
        copy.unlink()
