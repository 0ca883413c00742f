"""The large catalogue: photos of 10 GB open, scroll, back up, cancel and check through the window.

    python -m bench.big [--size-mb 10240]        # make bench-big

The catalogue (``bench.big_catalogue``: about one lens per megabyte, each with its own 1 MB JPEG)
is generated once and cached. Each measurement (``bench.big_session``) runs in its own process,
with a fresh data folder (``ENGRAVEDETECT_HOME``) under ``bench/cache/``, removed at the end:
``open`` three times (the first after the generation or another run: whatever the system's file
cache holds), ``gallery``, ``backup`` (then a cancelled one), ``check``. Prints a table with the
targets and writes ``bench/results/big-latest.json`` (git-ignored, like ``latest.json``).
Slow figures never fail the run; a crash, a failed thumbnail, a cancelled backup that leaves a
file or an integrity check that finds problems does.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.big_catalogue import DISK_FACTOR, check_disk, ensure_big_catalogue, lens_count
from bench.generate import CACHE_DIR
from bench.run import RESULTS_DIR, child_env, git_commit, machine, run_child, say

OPEN_RUNS = 3
TARGETS = {"open_s": 2.0, "gallery_longest_gap_ms": 50.0, "rss_mb": 400.0}


def measure(size_mb: int, cache_dir: Path = CACHE_DIR) -> dict[str, Any]:
    started = time.perf_counter()
    path, generated_s = ensure_big_catalogue(size_mb, say, cache_dir)
    check_disk(size_mb, cache_dir, DISK_FACTOR - 1)  # the backup's working copy and its file
    url = "sqlite:///" + path.as_posix()
    home = Path(tempfile.mkdtemp(prefix="big-home-", dir=cache_dir))
    env = child_env(home)
    try:
        def step(what: str, *extra: str) -> dict[str, Any]:
            out = home / f"{what}.json"
            say(f"  {what}…")
            return run_child("bench.big_session", [what, "--url", url, *extra], env, out)

        opens = [step("open", "--started", repr(time.time())) for _ in range(OPEN_RUNS)]
        gallery = step("gallery")
        backup = step("backup")
        check = step("check")
    finally:
        shutil.rmtree(home, ignore_errors=True)
    open_times = [run["open_s"] for run in opens]
    return {
        "size_mb": size_mb, "file_mb": round(path.stat().st_size / 1e6), "lenses": lens_count(size_mb),
        "generated_s": None if generated_s is None else round(generated_s, 1),
        "open": {"runs": opens, "median_s": statistics.median(open_times), "max_s": max(open_times)},
        "gallery": gallery, "backup": backup, "check": check,
        "rss_mb": max(run["rss_mb"] for run in [*opens, gallery, backup, check]),
        "targets": TARGETS, "machine": machine(), "commit": git_commit(), "date": time.strftime("%Y-%m-%d %H:%M"),
        "session_s": round(time.perf_counter() - started, 1),
    }


def problems(result: dict[str, Any]) -> list[str]:
    """What makes the run fail: wrong answers, not slow ones."""
    found = []
    if result["gallery"]["thumbnails_failed"]:
        found.append(f"{result['gallery']['thumbnails_failed']} vignettes illisibles dans la galerie")
    cancel = result["backup"]
    if not cancel["cancelled"] or cancel["files_left"]:
        found.append(f"sauvegarde annulée : annulée={cancel['cancelled']}, fichiers laissés={cancel['files_left']}")
    if "annulée" not in cancel["status"]:
        found.append(f"barre d'état après l'annulation : « {cancel['status']} »")
    if result["check"]["findings"]:
        found.append(f"vérification : {result['check']['findings']} problèmes ({result['check']['first_findings']})")
    return found


def table(result: dict[str, Any]) -> list[str]:
    gallery, backup, check, opened = result["gallery"], result["backup"], result["check"], result["open"]

    def verdict(value: float, limit: float) -> str:
        return "oui" if value <= limit else "NON"

    rows = [
        ("Ouverture → première page peinte (médiane, max)", f"{opened['median_s']:.2f} s, {opened['max_s']:.2f} s",
         "< 2 s", verdict(opened["max_s"], TARGETS["open_s"])),
        ("Galerie : plus long arrêt de l'interface en défilant", f"{gallery['longest_gap_ms']:.0f} ms",
         "≤ 50 ms", verdict(gallery["longest_gap_ms"], TARGETS["gallery_longest_gap_ms"])),
        ("Galerie : défilement, vignettes chargées / illisibles",
         f"{gallery['scroll_s']:.1f} s, {gallery['thumbnails_loaded']} / {gallery['thumbnails_failed']}", "0 illisible",
         verdict(gallery["thumbnails_failed"], 0)),
        ("Sauvegarde : durée, mises à jour de la progression, fichier",
         f"{backup['backup_s']:.1f} s, {backup['progress_updates']}, {backup['file_mb']:.0f} Mo", "progression", ""),
        ("Annulation : clic → fin, fichier laissé", f"{backup['cancel_to_end_s']:.2f} s, {len(backup['files_left'])}",
         "aucun fichier", verdict(len(backup["files_left"]), 0)),
        ("Vérification de l'intégrité : durée, problèmes", f"{check['check_s']:.1f} s, {check['findings']}", "0 problème",
         verdict(check["findings"], 0)),
        ("Mémoire résidente maximale de la fenêtre", f"{result['rss_mb']:.0f} Mo", "≤ 400 Mo",
         verdict(result["rss_mb"], TARGETS["rss_mb"])),
    ]
    width = max(len(row[0]) for row in rows)
    lines = [f"Catalogue de {result['file_mb']} Mo, {result['lenses']} verres avec photo"]
    lines += [f"{name:<{width}}  {value:<28} {target:<14} {ok}" for name, value, target, ok in rows]
    lines.append(f"Barre d'état après l'annulation : « {backup['status']} »")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Le gros catalogue (photos) par la vraie fenêtre.")
    parser.add_argument("--size-mb", type=int, default=10240)
    parser.add_argument("--out", type=Path, default=RESULTS_DIR / "big-latest.json")
    parser.add_argument("--cache", type=Path, default=CACHE_DIR, help="dossier du catalogue et des essais")
    args = parser.parse_args(argv)
    result = measure(args.size_mb, args.cache)
    for line in table(result):
        say(line)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")
    say(f"Résultats : {args.out}")
    found = problems(result)
    for problem in found:
        say(f"ÉCHEC : {problem}")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
