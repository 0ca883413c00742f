"""Keep the app's own log messages (slow-query warnings...) out of the benchmark's output.

Without a handler, Python prints warnings of the ``engravedetect`` loggers to stderr; at a million
lenses every slow query would interleave with the figures. The benchmark reports timings itself.
"""

from __future__ import annotations

import logging


def quiet_app_logs() -> None:
    root = logging.getLogger("engravedetect")
    root.addHandler(logging.NullHandler())
    root.propagate = False
