"""``backup``, ``restore``, ``check`` and ``vacuum``: the maintenance jobs for scheduled tasks.

They call the same ``data.maintenance`` functions as the window's workers. ``restore`` is the
only one that changes the catalogue, so it alone asks for ``--admin`` and the password. When the
current database cannot be opened at all, the password is checked against the backup being
restored (a catalogue without a password gets the one given, as the first ``--admin`` use does).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from data import formatting, maintenance
from data.admin import cli_authorize
from data.commands import say
from data.config import Settings, load_settings
from data.database import Database, open_database
from data.errors import DatabaseOpenError
from data.logs import configure_logging
from data.startup import open_catalogue


def cmd_backup(args: argparse.Namespace) -> int:
    """Print the backup file's path on stdout (scripts capture it); the rest goes to stderr."""
    opened = open_catalogue(args.database, seed=False)
    try:
        result = maintenance.backup_database(
            opened.db, kind="manual", dest_dir=Path(args.to) if args.to else None,
            fmt=args.format,
        )
    finally:
        opened.db.dispose()
    if args.format == "native" and result.fmt == "portable":
        say("Programme de sauvegarde du serveur introuvable : sauvegarde au format portable.")
    lenses = f", {formatting.lenses(result.lens_count)}" if result.lens_count is not None else ""
    seconds = formatting.decimal(result.duration_s, 1)
    say(f"Sauvegarde terminée ({formatting.size(result.size_bytes)}{lenses}, {seconds} s).")
    print(result.path)
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    if not args.admin:
        say("Erreur : la restauration remplace le catalogue ; relancez-la avec --admin "
            "(mot de passe administrateur demandé).")
        return 2
    settings = load_settings(cli_url=args.database)
    configure_logging(settings)
    url = args.database or settings.database_url
    backup_file = Path(args.file)
    try:
        # An empty database (a new server, say) gets the schema first, so that the admin
        # password can be set or checked before the content is replaced.
        db: Database | None = open_catalogue(url, settings, seed=False, pool_size=2).db
    except DatabaseOpenError as exc:
        if not url.startswith("sqlite"):
            raise
        say(f"La base actuelle ne s'ouvre pas ({exc}) : le mot de passe est vérifié sur la "
            "sauvegarde à restaurer.")
        return _restore_unopenable(url, settings, backup_file)
    assert db is not None
    try:
        refused = cli_authorize(True, db)
        if refused is not None:
            return refused
        result = maintenance.restore_backup(db, backup_file, settings=settings)
    finally:
        db.dispose()
    _report_restore(result)
    return 0


def _restore_unopenable(url: str, settings: Settings, backup_file: Path) -> int:
    """Check the password against the backup itself, then restore it over the unreadable file."""
    from sqlalchemy import make_url

    target = Path(make_url(url).database or "")
    prepared = maintenance.prepare_restore(backup_file, target.parent, settings)
    try:
        copy = open_database(prepared.sqlite_url(), settings, pool_size=1)
        try:
            refused = cli_authorize(True, copy)
        finally:
            copy.dispose()
        if refused is not None:
            return refused
        result = maintenance.restore_backup(url, backup_file, settings=settings, prepared=prepared)
    finally:
        prepared.discard()
    _report_restore(result)
    return 0


def _report_restore(result: maintenance.RestoreResult) -> None:
    if result.safety_backup:
        say(f"Copie de sécurité de la base remplacée : {result.safety_backup}")
    if result.moved_aside:
        say(f"Base illisible mise de côté : {result.moved_aside}")
    if result.migrated:
        say(f"Sauvegarde mise à jour du schéma {result.from_schema} au schéma {result.schema}.")
    count = f" ({formatting.lenses(result.lens_count)})" if result.lens_count is not None else ""
    say(f"Restauration terminée{count} : {result.backup_file}")


def cmd_check(args: argparse.Namespace) -> int:
    """Findings on stdout, one per line (``kind<TAB>lens id<TAB>message``); exit 1 when any."""
    opened = open_catalogue(args.database, seed=False)
    try:
        report = maintenance.check_integrity(opened.db)
    finally:
        opened.db.dispose()
    for finding in report.findings:
        lens = "" if finding.lens_id is None else str(finding.lens_id)
        print(f"{finding.kind}\t{lens}\t{finding.message}")
    if report.ok:
        say("Vérification terminée : aucun problème trouvé.")
        return 0
    titles = ", ".join(
        f"{maintenance.KIND_TITLES.get(kind, kind).lower()} : {len(items)}"
        for kind, items in report.by_kind().items()
    )
    found = formatting.count(len(report.findings), "problème trouvé", "problèmes trouvés")
    say(f"Vérification terminée : {found} ({titles}).")
    return 1


def cmd_vacuum(args: argparse.Namespace) -> int:
    opened = open_catalogue(args.database, seed=False)
    try:
        result = maintenance.vacuum(opened.db)
    finally:
        opened.db.dispose()
    if result.size_before is not None and result.size_after is not None:
        say(f"Base compactée : {formatting.size(result.size_before)} → {formatting.size(result.size_after)}.")
    else:
        say("Base compactée et statistiques mises à jour.")
    return 0
