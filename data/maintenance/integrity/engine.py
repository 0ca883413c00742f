"""The database engine's own checks (SQLite): the file's structure and the foreign keys."""

from __future__ import annotations

import re
from collections.abc import Iterator

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from data.maintenance.integrity.findings import Context, Finding, V, lens_finding

_RULE_TABLE = re.compile(r"\bin (\w+)")


def sqlite_structure(conn: Connection, ctx: Context) -> Iterator[Finding]:
    pragma = "quick_check" if ctx.quick else "integrity_check"
    from data.maintenance.sqlite_native import is_rule_line

    broken_rules: dict[str, int] = {}
    for (line,) in conn.exec_driver_sql(f"PRAGMA {pragma}"):
        if line == "ok":
            continue
        if is_rule_line(str(line)):
            # SQLite names the table, not the row: count per table; the catalogue's own rule
            # checks below name each lens.
            table = _RULE_TABLE.search(str(line))
            name = table.group(1) if table else "?"
            broken_rules[name] = broken_rules.get(name, 0) + 1
        else:
            yield Finding("structure", None, None, f"Contrôle SQLite : {line}")
    for table_name, count in broken_rules.items():
        yield Finding(
            "contrainte", None, None,
            f"Table « {table_name} » : {count} ligne(s) enfreignent une règle de la base "
            "(contrainte CHECK ou NOT NULL) ; les verres concernés sont détaillés dans les "
            "autres rubriques.",
        )


def sqlite_foreign_keys(conn: Connection, ctx: Context) -> Iterator[Finding]:
    for table, rowid, parent, _fkid in conn.exec_driver_sql("PRAGMA foreign_key_check"):
        if table == "verres" and rowid is not None:
            row = conn.execute(sa.select(V.c.id, V.c.nom).where(V.c.id == rowid)).first()
            if row is not None:
                yield lens_finding("cle_etrangere", row, f"fait référence à une ligne absente de « {parent} ».")
                continue
        yield Finding("cle_etrangere", None, None,
                      f"La ligne {rowid} de « {table} » fait référence à une ligne absente de "
                      f"« {parent} ».")
