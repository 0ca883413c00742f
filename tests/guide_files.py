"""A supplier engraving guide as real ones come: written by a script, with its clean twin.

``write_guide`` writes ``lines`` lenses (suppliers, ranges of names, materials, indices, nasal
codes, heights in the shapes guides write them, a source link) and spoils 10 % of them with the
refusals met in real guides: names of 101 to 187 characters, index and material swapped, an index
« Tbc », « pas d'indice », « 1,6è » or « 1,7' », heights nobody can read, and conflicting copies
(a second line for the same lens with another height). It also writes the clean twin: the same
lenses, every one right. ``fix_rejects`` plays the admin fixing the rejects file: each refused
line is put right from its lens's number (in its source link), a conflicting pair kept once.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

SUPPLIERS = ("Essilor", "Hoya", "Zeiss", "Shamir", "Rodenstock", "Nikon")
MATERIALS = ("ORG", "CR-39", "Polycarbonate", "Minéral", "Trivex")
INDICES = ("1,5", "1,6", "1,67", "1,74", "1,5 / 1,6")
HEIGHTS = ("14", "18mm", "≥ 14", "14 à 20mm", "14-18", "16/19", "17/15", "16/15/14", "")
BAD_INDICES = ("Tbc", "pas d'indice", "1,6è", "1,7'")
BAD_HEIGHTS = ("environ 14", "14 ou plus", "haute", "1,5 cm")
HEADER = ("Fournisseur", "Nom du verre", "Matériau", "Indice", "Gravure nasale", "Hauteur de montage", "URL source")
LONG_WORDS = "Short Stylis Eye Protect System et Airwear Eye Protect System Crizal Sapphire HR UV Transitions Signature GEN 8"


@dataclass(frozen=True)
class Guide:
    path: Path
    clean: Path
    bad_lines: int  # lines written spoiled (a conflicting pair counts its two lines)


def clean_row(i: int) -> list[str]:
    supplier = SUPPLIERS[i % len(SUPPLIERS)]
    return [
        supplier,
        f"Design {i // 3} {('Confort', 'Actif', 'Court')[i % 3]}",
        MATERIALS[i % len(MATERIALS)],
        INDICES[i % len(INDICES)],
        f"{supplier[:2].upper()}{i}",
        HEIGHTS[i % len(HEIGHTS)],
        f"https://guide.example/verres/{i}",
    ]


def _spoiled(i: int, kind: int) -> list[list[str]]:
    row = clean_row(i)
    if kind == 0:  # a name over the limit
        row[1] = (row[1] + " " + LONG_WORDS * 2)[: 101 + (i % 87)].rstrip().ljust(101, "x")
    elif kind == 1:  # index and material swapped
        row[2], row[3] = "1,5", "ORG"
    elif kind == 2:
        row[3] = BAD_INDICES[(i // 10) % len(BAD_INDICES)]
    elif kind == 3:
        row[5] = BAD_HEIGHTS[(i // 10) % len(BAD_HEIGHTS)]
    else:  # the same lens twice, with another height: both lines are refused
        other = list(row)
        other[5] = "22"
        return [row, other]
    return [row]


def write_guide(folder: Path, lines: int = 6000, *, encoding: str = "utf-8-sig", delimiter: str = ";",
                header: tuple[str, ...] = HEADER, name: str = "guide.csv") -> Guide:
    folder.mkdir(parents=True, exist_ok=True)
    path, clean = folder / name, folder / f"propre-{name}"
    plain = "≥".encode(encoding, errors="ignore") == b""  # Windows-1252 has no « ≥ »
    bad = 0
    with path.open("w", encoding=encoding, newline="") as out, clean.open("w", encoding=encoding, newline="") as twin:
        writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
        clean_writer = csv.writer(twin, delimiter=delimiter, lineterminator="\r\n")
        writer.writerow(header)
        clean_writer.writerow(header)
        for i in range(lines):
            clean_writer.writerow(_plain(clean_row(i), plain))
            if i % 10 == 7:
                rows = [_plain(row, plain) for row in _spoiled(i, (i // 10) % 5)]
                bad += len(rows)
                writer.writerows(rows)
            else:
                writer.writerow(_plain(clean_row(i), plain))
    return Guide(path, clean, bad)


def _plain(row: list[str], plain: bool) -> list[str]:
    return [cell.replace("≥", ">=") for cell in row] if plain else row


def fix_rejects(rejects: Path, fixed: Path, *, encoding: str = "utf-8-sig", delimiter: str = ";") -> int:
    """Each refused line put right (its lens's number is at the end of its link); returns
    how many lines the fixed file has."""
    with rejects.open(encoding=encoding, newline="") as f:
        rows = list(csv.reader(f, delimiter=delimiter))
    header, body = rows[0], rows[1:]
    assert header[-1] == "Motif" and all(row[-1] for row in body)
    numbers = sorted({int(row[header.index("URL source")].rsplit("/", 1)[1]) for row in body})
    with fixed.open("w", encoding=encoding, newline="") as out:
        writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
        writer.writerow(header[:-1])
        writer.writerows(clean_row(i) for i in numbers)
    return len(numbers)
