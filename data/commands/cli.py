"""The command line, without Qt: ``[--database URL] [COMMAND ...]``.

``build_parser`` reads the arguments; ``run_command`` runs a command (upgrade, backup, restore,
check, vacuum, import, export; see README) and turns every failure into a French message and an
exit code. Without a command, ``gui.entry`` opens the window instead.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Callable
from pathlib import Path

import data.cli_text  # noqa: F401 - French messages for argparse, before any parser exists
from data.errors import CatalogueError, DatabaseOpenError
from data.logs import mask_secrets

log = logging.getLogger("engravedetect.main")


def program_name() -> str:
    """``main.py`` when run from the source tree, else the launcher's name (``engravedetect``)."""
    name = Path(sys.argv[0]).name if sys.argv and sys.argv[0] else ""
    return name if name in ("main.py", "engravedetect", "engravedetect-cli") else "engravedetect"


class FrenchParser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        print(f"Erreur d'utilisation : {message}", file=sys.stderr)
        raise SystemExit(2)


def _add_database(parser: argparse.ArgumentParser, default: object) -> None:
    parser.add_argument(
        "--database",
        metavar="URL",
        default=default,
        help="adresse de la base (sqlite:///chemin, postgresql+psycopg://..., mysql+pymysql://...)",
    )


def build_parser(prog: str | None = None) -> argparse.ArgumentParser:
    """The command line; ``prog`` names the program in its help (``main.py``, ``engravedetect``)."""
    parser = FrenchParser(
        prog=prog or program_name(),
        description="EngraveDetect Catalogue : catalogue des gravures de verres progressifs.",
    )
    _add_database(parser, None)
    sub = parser.add_subparsers(dest="command", metavar="COMMANDE", parser_class=FrenchParser)

    def command(name: str, help_text: str) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_text, description=help_text)
        _add_database(p, argparse.SUPPRESS)
        return p

    command("upgrade", "met le schéma de la base à jour (après une sauvegarde)")
    p = command("backup", "sauvegarde la base et affiche le chemin du fichier")
    p.add_argument("--to", metavar="DOSSIER", help="dossier de destination")
    p.add_argument("--format", choices=("native", "portable"), default="native")
    p = command("restore", "restaure une sauvegarde")
    p.add_argument("file", metavar="FICHIER")
    p.add_argument("--admin", action="store_true", help="mode administrateur (mot de passe requis)")
    command("check", "vérifie l'intégrité de la base et les règles du catalogue")
    command("vacuum", "compacte la base et met à jour ses statistiques")
    p = command("import", "importe un catalogue fournisseur (CSV, XLSX, JSON)")
    p.add_argument("file", metavar="FICHIER")
    p.add_argument("--format", choices=("csv", "xlsx", "json"))
    p.add_argument("--dry-run", action="store_true", help="vérifie sans rien écrire")
    p.add_argument("--update", action="store_true", help="met à jour les verres existants")
    p.add_argument("--valid-only", action="store_true",
                   help="importe les lignes valides et rend les autres dans NOM.refus.csv")
    p.add_argument("--rejects", metavar="FICHIER", help="fichier des lignes refusées (avec leur motif)")
    p.add_argument("--column", action="append", default=[], metavar="EN-TÊTE=CHAMP",
                   help="nomme une colonne (nom, fournisseur, indice, hauteur_min… ou ignorer)")
    p.add_argument("--swap", action="store_true",
                   help="lit dans l'autre sens l'indice et le matériau qui semblent inversés")
    p.add_argument("--map", action="append", default=[], metavar="TYPE:NOM=EXISTANT",
                   help="lit un nom comme une référence existante (ex. fournisseur:ESSILOR FR=Essilor)")
    p.add_argument("--admin", action="store_true", help="mode administrateur (mot de passe requis)")
    p = command("export", "exporte les verres (filtrés) en CSV, XLSX ou JSON")
    p.add_argument("file", metavar="FICHIER")
    p.add_argument("--format", choices=("csv", "xlsx", "json"))
    p.add_argument("--supplier", action="append", default=[], metavar="NOM")
    p.add_argument("--index", action="append", default=[], metavar="X")
    p.add_argument("--height", type=int, metavar="MM")
    p.add_argument("--search", default="", metavar="TEXTE")
    return parser


def _handler(name: str) -> Callable[[argparse.Namespace], int]:
    import importlib

    from data.commands import COMMANDS

    module_name, _, function = COMMANDS[name].partition(":")
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        if exc.name != module_name:
            raise
        raise CatalogueError(f"La commande « {name} » n'est pas disponible dans cette version.") from exc
    return getattr(module, function)  # type: ignore[no-any-return]


def run_command(args: argparse.Namespace) -> int:
    """Run the command ``args`` names; its exit code (0 success, 1 failure, 2 cannot open)."""
    try:
        return _handler(args.command)(args)
    except DatabaseOpenError as exc:
        print(f"Erreur : {exc}", file=sys.stderr)
        return 2
    except CatalogueError as exc:
        print(f"Erreur : {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("Interrompu.", file=sys.stderr)
        return 1
    except Exception as exc:  # noqa: BLE001 - last resort: a French message, never a traceback
        log.exception("Erreur inattendue dans la commande %s", args.command)
        print(f"Erreur inattendue : {mask_secrets(str(exc))}", file=sys.stderr)
        return 1
