"""Fill a PostgreSQL database with the same synthetic catalogue as the SQLite files.

The schema comes from the app's migrations; rows go in with ``COPY`` (the lenses, then their code
keys and the shapes of their signs, drawn as for the SQLite files) (secondary indexes dropped
during the load and rebuilt after, as a bulk load should), then the id sequences are moved past the
loaded ids and the tables analysed, as autovacuum would do on a real server.
"""

from __future__ import annotations

import random
import time
from collections.abc import Iterable, Sequence
from typing import Any

from bench.catalogue_data import sign_rows
from bench.generate import LENS_COLUMNS, SEED, code_key_rows, lens_rows, reference_rows
from data.config import load_settings
from data.database import open_database
from data.migrate import upgrade

REFERENCE_COPIES = (
    ("fournisseurs", ("id", "nom", "nom_normalise"), "suppliers"),
    ("materiaux", ("id", "nom", "nom_normalise"), "materials"),
    ("gammes", ("id", "nom", "nom_normalise", "fournisseur_id"), "ranges"),
    ("series", ("id", "nom", "nom_normalise", "gamme_id"), "series"),
    ("images_gravure", ("id", "donnees", "type_mime", "taille", "sha256", "cree_le"), "images"),
)


def _copy(cursor: Any, table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def fill_postgres(url: str, rows: int) -> float:
    """Create the schema at ``url`` and load ``rows`` lenses; return the seconds it took."""
    started = time.perf_counter()
    db = open_database(url, load_settings(cli_url=url), pool_size=1)
    try:
        upgrade(db)
        refs = reference_rows()
        raw = db.engine.raw_connection()
        try:
            cursor = raw.cursor()
            indexes = cursor.execute(
                "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'verres' "
                "AND indexname NOT IN (SELECT conname FROM pg_constraint)"
            ).fetchall()
            for name, _definition in indexes:
                cursor.execute(f'DROP INDEX "{name}"')
            for table, columns, attribute in REFERENCE_COPIES:
                _copy(cursor, table, columns, getattr(refs, attribute))
            lenses = list(lens_rows(random.Random(SEED + rows), refs, rows))
            _copy(cursor, "verres", LENS_COLUMNS, lenses)
            _copy(cursor, "verres_codes", ("squelette", "verre_id"), code_key_rows(lenses))
            shape_ids = dict(cursor.execute("SELECT cle, id FROM symboles").fetchall())
            _copy(cursor, "verres_symboles", ("verre_id", "symbole_id"),
                  sign_rows(random.Random(SEED + 19 + rows), lenses, shape_ids))
            del lenses
            for _name, definition in indexes:
                cursor.execute(definition)
            for table in ("fournisseurs", "materiaux", "gammes", "series", "images_gravure", "verres"):
                cursor.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                    f"(SELECT coalesce(max(id), 1) FROM {table}))"
                )
            cursor.execute("ANALYZE")  # allowed inside a transaction, unlike VACUUM
            raw.commit()
        finally:
            raw.close()
    finally:
        db.dispose()
    return time.perf_counter() - started
