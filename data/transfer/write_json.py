"""An export's JSON: a list of objects, one a line, keys as the schema names them (what the
sample catalogue and the import use)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import IO

from data.transfer.export_rows import Fields, Rows


def write_json(stream: IO[str], fields: Fields, rows: Rows, tick: Callable[[int], None]) -> None:
    stream.write("[")
    first = True
    for chunk in rows:
        for row in chunk:
            item = {name: row[name] for name in fields}
            if item["indice"] is not None:
                item["indice"] = round(float(item["indice"]), 3)
            stream.write(("\n" if first else ",\n") + json.dumps(item, ensure_ascii=False))
            first = False
        tick(len(chunk))
    stream.write("\n]\n")
