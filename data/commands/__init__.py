"""Command-line commands (no Qt), one module per area; ``data.commands.cli`` dispatches through COMMANDS.

Each handler takes the parsed arguments and returns an exit code. Results go to stdout; messages
and errors, in French, to stderr. Exit codes: 0 success; 1 when a check finds problems, input is
refused or a password is wrong, or any runtime failure; 2 for usage errors, a missing ``--admin``
and a database that cannot be opened.
"""

from __future__ import annotations

import sys

# command name -> "module:function" (modules are imported only when their command runs)
COMMANDS = {
    "upgrade": "data.commands.schema:cmd_upgrade",
    "backup": "data.commands.maintenance:cmd_backup",
    "restore": "data.commands.maintenance:cmd_restore",
    "check": "data.commands.maintenance:cmd_check",
    "vacuum": "data.commands.maintenance:cmd_vacuum",
    "import": "data.commands.transfer:cmd_import",
    "export": "data.commands.transfer:cmd_export",
}


def say(message: str) -> None:
    """A message for the person at the terminal (stderr, French)."""
    print(message, file=sys.stderr)
