"""``upgrade``: bring the schema to the app's version (after a backup, under a lock)."""

from __future__ import annotations

import argparse

from data.commands import say
from data.startup import open_catalogue


def cmd_upgrade(args: argparse.Namespace) -> int:
    opened = open_catalogue(args.database, seed=False)
    try:
        state = opened.state_before
        if opened.db.read_only and state.newer_than_app:
            say(opened.db.read_only_reason or "Base plus récente que l'application.")
            return 1
        if state.up_to_date:
            say(f"La base est déjà à jour (version {state.head}).")
        else:
            source = state.current or "vide"
            say(f"Base mise à jour : version {source} → {state.head}.")
            if opened.backup_file:
                say(f"Sauvegarde d'avant la mise à jour : {opened.backup_file}")
        return 0
    finally:
        opened.db.dispose()
