"""EngraveDetect Catalogue: ``python main.py [--database URL] [COMMAND ...]``.

Without a command the window opens. Commands: upgrade, backup, restore, check, vacuum, import,
export (see README). ``--database`` is accepted before or after the command. Installed, the same
entry point is the ``engravedetect`` (window) and ``engravedetect-cli`` (commands) launchers.
"""

from __future__ import annotations

import sys

from gui.entry import main

__all__ = ["main"]

if __name__ == "__main__":
    sys.exit(main())
