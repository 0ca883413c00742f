"""Pass 1's decisions kept on disk for pass 2: what to insert and what to update.

Pass 2 then writes without reading and validating the file again (half the work), while memory
stays flat: rows go to a private temporary file in ``marshal`` chunks and come back one chunk
at a time. The file holds catalogue data, so it is created owner-only and deleted after use.
"""

from __future__ import annotations

import marshal
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from data.transfer.readers import TransferError

INSERT = 0
UPDATE = 1
CHUNK = 1000

# One record: (operation, lens id, version, values before (update) or None, *lens columns)
Record = tuple[Any, ...]


class SpillWriter:
    def __init__(self) -> None:
        try:
            fd, name = tempfile.mkstemp(prefix="engravedetect-import-", suffix=".tmp")
        except OSError as exc:
            raise TransferError(f"Impossible de créer le fichier temporaire de l'import : {exc.strerror or exc}.") from exc
        self.path = Path(name)
        self._stream = os.fdopen(fd, "wb")
        self._buffer: list[Record] = []
        self.keys: tuple[str, ...] = ()
        self.count = 0

    def add(
        self, operation: int, lens_id: int, version: int, before: tuple[Any, ...] | None,
        columns: dict[str, Any],
    ) -> None:
        if not self.keys:
            self.keys = tuple(columns)
        self._buffer.append((operation, lens_id, version, before, *(columns[k] for k in self.keys)))
        self.count += 1
        if len(self._buffer) >= CHUNK:
            self._flush()

    def _flush(self) -> None:
        if self._buffer:
            try:
                marshal.dump(self._buffer, self._stream)
            except OSError as exc:
                raise TransferError(
                    "Impossible d'écrire le fichier temporaire de l'import (disque plein ?) : "
                    f"{exc.strerror or exc}."
                ) from exc
            self._buffer = []

    def finish(self) -> Path:
        self._flush()
        self._stream.close()
        return self.path

    def discard(self) -> None:
        self._stream.close()
        discard(self.path)


def read_chunks(path: Path) -> Iterator[list[Record]]:
    with path.open("rb") as stream:
        while True:
            try:
                yield marshal.load(stream)
            except EOFError:
                return


def discard(path: Path | str | None) -> None:
    if path is None:
        return
    try:
        Path(path).unlink()
    except FileNotFoundError:
        pass
