"""The application's entry point, installed as the ``engravedetect`` launcher (a window) and
``engravedetect-cli`` (the commands, with a console); ``python main.py`` calls it too.

Without a command the window opens; with one, ``data.commands.cli`` runs it without Qt.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

from data.commands.cli import build_parser, run_command


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command is None:
        from gui.app import run

        return run(args.database)
    return run_command(args)


def launch() -> None:
    """For launchers and frozen builds: exit with ``main``'s code."""
    sys.exit(main())
