"""The spill file between an import's two passes: a private SQLite file written a chunk at a
time, read back in the same order, with the n-th new lens as row n (the copy into a SQLite
catalogue gives it the id ``first + n - 1``)."""

from __future__ import annotations

import sqlite3
import stat
from pathlib import Path

import pytest

from data.transfer import spill
from data.transfer.readers import TransferError


def columns(number: int, **extra: object) -> dict[str, object]:
    return {"nom": f"Verre {number}", "indice": 1.5 + number / 1000, "hauteur_min": number % 3 or None, **extra}


def test_records_come_back_as_written_new_lenses_first(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(spill, "CHUNK", 7)
    writer = spill.SpillWriter()
    expected_new, expected_updates = [], []
    for number in range(40):
        values = columns(number)
        if number % 5 == 0:
            before = (f"Ancien {number}", None, 1.6)
            writer.add(spill.UPDATE, 100 + number, 3, before, values)
            expected_updates.append((spill.UPDATE, 100 + number, 3, before, *values.values()))
        else:
            # The same columns in another order: each value still goes to its own column.
            writer.add(spill.INSERT, 0, 0, None, dict(reversed(list(values.items()))))
            expected_new.append((spill.INSERT, 0, 0, None, *values.values()))
    assert writer.keys == ("nom", "indice", "hauteur_min") and writer.count == 40
    path = writer.finish()
    chunks = list(spill.read_chunks(path, ("nom", "indice", "hauteur_min")))
    assert max(len(chunk) for chunk in chunks) == 7
    assert [record for chunk in chunks for record in chunk] == expected_new + expected_updates
    only_updates = spill.read_chunks(path, ("nom", "indice", "hauteur_min"), (spill.UPDATE,))
    assert [record for chunk in only_updates for record in chunk] == expected_updates
    with sqlite3.connect(path) as raw:
        numbered = raw.execute(f"SELECT rowid, nom FROM {spill.NEW_TABLE} ORDER BY rowid").fetchall()
    raw.close()
    assert numbered == [(n, record[4]) for n, record in enumerate(expected_new, 1)]
    spill.discard(path)
    assert not path.exists()


def test_the_file_is_private_and_removed_when_discarded() -> None:
    writer = spill.SpillWriter()
    writer.add(spill.INSERT, 0, 0, None, columns(1))
    assert stat.S_IMODE(writer.path.stat().st_mode) == 0o600
    writer.discard()
    assert not writer.path.exists()
    spill.discard(writer.path)  # twice: nothing to do


def test_a_file_that_cannot_be_read_says_so(tmp_path: Path) -> None:
    broken = tmp_path / "import.sqlite"
    broken.write_bytes(b"ceci n'est pas une base" * 100)
    with pytest.raises(TransferError, match="fichier temporaire de l'import est illisible"):
        list(spill.read_chunks(broken, ("nom",)))
