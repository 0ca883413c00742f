"""``import`` and ``export``: supplier catalogues in and out (CSV, XLSX, JSON).

``import`` checks the whole file before writing anything and prints the report in French on
stderr, with a one-line summary on stdout; it exits 1 when any row is refused (nothing written).
With ``--valid-only`` it writes the valid lines and hands the refused ones back in
``<name>.refus.csv`` (or ``--rejects FILE``), each with its « Motif », and exits 0 once written.
``--column "header=field"`` names a column, ``--swap`` reads swapped index and material back,
``--map "kind:name=existing"`` reads a name as an existing reference.
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
from data.transfer import (
    ImportOptions,
    commit_import,
    detect_format,
    export_lenses,
    parse_aliases,
    parse_columns,
    prepare_import,
    report_lines,
    write_rejects,
)
from data.validation import parse_decimal


def cmd_import(args: argparse.Namespace) -> int:
    options = _options(args)
    if isinstance(options, str):
        say(f"Erreur d'utilisation : {options}")
        return 2
    opened = open_catalogue(args.database, seed=False)
    db = opened.db
    try:
        if not args.dry_run:
            refused = cli_authorize(args.admin, db)
            if refused is not None:
                return refused
            catalogue.ensure_writable(db)
        path = Path(args.file)
        prepared = prepare_import(
            db, path, args.format, update=args.update, dry_run=args.dry_run,
            valid_only=args.valid_only, options=options,
        )
        report = commit_import(db, prepared) if prepared.writable else prepared.report
        for line in report_lines(report):
            say(line)
        if prepared.rejects and (args.rejects or (args.valid_only and not args.dry_run)):
            fmt = detect_format(path, args.format)
            written = write_rejects(path, fmt, prepared.rejects, Path(args.rejects) if args.rejects else None)
            say(
                f"{formatting.count(written.lines, 'ligne refusée rendue', 'lignes refusées rendues')}, "
                f"avec leur motif, dans : {written.path}"
            )
        print(f"{path.name} : {report.summary()}")
        if report.refused and not (args.valid_only and (report.written or args.dry_run)):
            return 1
        return 0
    finally:
        db.dispose()


def _options(args: argparse.Namespace) -> ImportOptions | str:
    try:
        columns = parse_columns(args.column)
        aliases = parse_aliases(args.map)
    except ValueError as exc:
        return str(exc)
    return ImportOptions(columns=columns, swap=args.swap, aliases=aliases)


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
