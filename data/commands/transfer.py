"""``import`` and ``export``: supplier catalogues in and out (CSV, XLSX, JSON).

``import`` checks the whole file before writing anything and prints the report in French on
stderr, with a one-line summary on stdout; it exits 1 when any row is refused (nothing written).
``--dry-run`` only checks and needs no ``--admin``. ``export`` prints the written file's path
(the folder of engraving images written beside it, if any, is named on stderr).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from data import catalogue, formatting
from data.admin import cli_authorize
from data.commands import say
from data.database import Database
from data.query import LensQuery
from data.startup import open_catalogue
from data.text import fold
from data.transfer import export_lenses, import_lenses, report_lines
from data.validation import parse_decimal


def cmd_import(args: argparse.Namespace) -> int:
    opened = open_catalogue(args.database, seed=False)
    db = opened.db
    try:
        if not args.dry_run:
            refused = cli_authorize(args.admin, db)
            if refused is not None:
                return refused
        report = import_lenses(
            db, Path(args.file), args.format, update=args.update, dry_run=args.dry_run
        )
        for line in report_lines(report):
            say(line)
        print(f"{Path(args.file).name} : {report.summary()}")
        return 1 if report.refused else 0
    finally:
        db.dispose()


def _supplier_ids(db: Database, names: list[str]) -> tuple[int, ...] | str:
    """The ids of the named suppliers (case and accents ignored), or a French message."""
    known = {fold(item.nom): item.id for item in catalogue.list_suppliers(db)}
    ids = []
    for name in names:
        found = known.get(fold(name))
        if found is None:
            return f"Fournisseur inconnu : « {name} »."
        ids.append(found)
    return tuple(ids)


def _indices(values: list[str]) -> tuple[float, ...] | str:
    result = []
    for value in values:
        try:
            number = parse_decimal(value)
        except ValueError:
            number = None
        if number is None:
            return f"Indice invalide : « {value} » (exemple : 1,67)."
        result.append(number)
    return tuple(result)


def cmd_export(args: argparse.Namespace) -> int:
    indices = _indices(args.index)
    if isinstance(indices, str):
        say(f"Erreur d'utilisation : {indices}")
        return 2
    opened = open_catalogue(args.database, seed=False)
    db = opened.db
    try:
        suppliers = _supplier_ids(db, args.supplier)
        if isinstance(suppliers, str):
            say(f"Erreur : {suppliers}")
            return 1
        query = LensQuery(
            supplier_ids=suppliers,
            indices=indices,
            fitting_height=args.height,
            text=args.search or "",
        )
        result = export_lenses(db, Path(args.file), args.format, query)
        exported = formatting.count(result.count, "verre exporté", "verres exportés")
        say(f"{exported} ({result.format.upper()}).")
        if result.images_folder:
            say(result.images_note())
        print(result.path)
        return 0
    finally:
        db.dispose()
