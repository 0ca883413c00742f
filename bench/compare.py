"""Two benchmark runs side by side: the code before a change and after it, same machine.

    python -m bench.compare BEFORE.json AFTER.json [--markdown]

Each file is a ``bench/results/latest.json`` (``make bench``). Every figure of the results'
fixed shape is printed with both values and their ratio (after / before; below 1 is faster or
lighter, except for the rates, where above 1 is better). A figure missing on one side prints
« — ». Nothing is judged here: the table is for a person to read, with the two runs' machines
and loads in their details files.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

# (label, path in the results file, True when higher is better)
Figure = tuple[str, tuple[str | int, ...], bool]


def figures(rows: Sequence[int]) -> Iterator[Figure]:
    for size in rows:
        for key, label in (("first_screen_ms", "premier écran"), ("count_ms", "comptage"),
                           ("jump_to_end_ms", "saut à la fin")):
            for pct in ("p50", "p95"):
                yield f"{size:,} verres — {label} {pct} (ms)".replace(",", "\u202f"), ("size", size, key, pct), False
        yield f"{size:,} verres — mémoire max (Mo)".replace(",", "\u202f"), ("size", size, "rss_mb"), False
    for backend in ("sqlite", "postgresql"):
        yield f"enregistrement {backend} p95 (ms)", ("save_ms", backend, "p95"), False
    yield "sauvegarde (Mo/s)", ("backup", "backup_mb_s"), True
    yield "sauvegarde : gel max de la fenêtre (ms)", ("backup", "max_ui_stall_ms"), False
    yield "import CSV (lignes/s)", ("import", "import_rows_per_s"), True
    for backend in ("sqlite", "postgresql"):
        yield f"100 clients {backend} : page p95 (ms)", ("concurrency", backend, "p95_ms"), False
        yield f"100 clients {backend} : erreurs", ("concurrency", backend, "errors"), False
        yield f"100 clients {backend} : écritures perdues", ("concurrency", backend, "lost_writes"), False


def value(results: dict[str, Any], path: tuple[str | int, ...]) -> float | None:
    """The figure at ``path`` (``("size", 1000000, "count_ms", "p95")`` looks in ``results``'
    entry of that size), None when absent."""
    node: Any = results
    if path[0] == "size":
        node = next((r for r in results.get("results", []) if r.get("rows") == path[1]), None)
        path = path[2:]
    for key in path:
        if not isinstance(node, dict) or key not in node:
            return None
        node = node[key]
    return float(node) if isinstance(node, int | float) else None


def _cell(number: float | None) -> str:
    if number is None:
        return "—"
    return f"{number:,.1f}".replace(",", "\u202f").replace(".", ",")


def table(before: dict[str, Any], after: dict[str, Any], markdown: bool = False) -> str:
    sizes = sorted({r["rows"] for r in (*before.get("results", []), *after.get("results", []))})
    head = ("figure", f"avant ({str(before.get('commit', '?'))[:7]})", f"après ({str(after.get('commit', '?'))[:7]})",
            "après / avant")
    lines: list[tuple[str, ...]] = []
    for label, path, higher_better in figures(sizes):
        old, new = value(before, path), value(after, path)
        ratio = "—" if old in (None, 0) or new is None else f"×{new / old:.2f}".replace(".", ",")
        if ratio != "—" and higher_better:
            ratio += " (plus haut = mieux)"
        lines.append((label, _cell(old), _cell(new), ratio))
    if markdown:
        out = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
        out += ["| " + " | ".join(line) + " |" for line in lines]
        return "\n".join(out)
    width = max(len(line[0]) for line in lines)
    out = [f"{head[0]:<{width}}  {head[1]:>16}  {head[2]:>16}  {head[3]}"]
    out += [f"{a:<{width}}  {b:>16}  {c:>16}  {d}" for a, b, c, d in lines]
    return "\n".join(out)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Deux passages du banc d'essai côte à côte.")
    parser.add_argument("before", type=Path)
    parser.add_argument("after", type=Path)
    parser.add_argument("--markdown", action="store_true", help="un tableau pour un fichier .md")
    args = parser.parse_args(argv)
    before = json.loads(args.before.read_text(encoding="utf-8"))
    after = json.loads(args.after.read_text(encoding="utf-8"))
    print(table(before, after, args.markdown))
    return 0


if __name__ == "__main__":
    sys.exit(main())
