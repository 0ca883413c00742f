"""The benchmark's valid-only import: which lines it spoils, and what one round checks.

No timings here: figures come from ``make bench``, never from tests.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from bench.generate import generate
from bench.import_valid import SPOIL_EVERY, spoil, valid_only_once

ROWS = 400


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from bench.writes import open_url
    from data.transfer import export_lenses

    folder = tmp_path_factory.mktemp("valid-only")
    generate(ROWS, folder / "catalogue.db")
    db = open_url("sqlite:///" + (folder / "catalogue.db").as_posix())
    try:
        export_lenses(db, folder / "export.csv", "csv")
    finally:
        db.dispose()
    return folder / "export.csv"


def test_one_line_in_twenty_is_spoiled_alternately_index_and_long_name(exported: Path) -> None:
    target = exported.with_name("spoiled.csv")
    assert spoil(exported, target) == ROWS // SPOIL_EVERY
    with exported.open(encoding="utf-8-sig", newline="") as a, target.open(encoding="utf-8-sig", newline="") as b:
        before, after = list(csv.reader(a, delimiter=";")), list(csv.reader(b, delimiter=";"))
    header = after[0]
    name, index = header.index("Nom"), header.index("Indice")
    changed = [n for n, (old, new) in enumerate(zip(before, after, strict=True)) if old != new]
    assert changed == list(range(SPOIL_EVERY, ROWS + 1, SPOIL_EVERY))
    assert after[SPOIL_EVERY][index] == "Tbc"
    assert len(after[2 * SPOIL_EVERY][name]) > 100


def test_a_round_writes_the_valid_lines_and_hands_back_the_refused_ones(exported: Path, tmp_path: Path) -> None:
    target = exported.with_name("round.csv")
    refused = spoil(exported, target)
    figures = valid_only_once(target, tmp_path / "round.db", refused)
    assert figures["rows"] == ROWS and figures["refused_lines"] == refused
    assert figures["written"] == ROWS - refused
    assert not (tmp_path / "round.db").exists() and not target.with_name("round.refus.csv").exists()
    with pytest.raises(RuntimeError, match="inattendu"):
        valid_only_once(target, tmp_path / "again.db", refused + 1)
