"""Turning raw measurements into the issue's JSON figures, and printing them readably.

Every figure is printed beside its anchor with the ratio ours/anchor (below 1 means the app is
faster or lighter than the anchor). Targets are checked on the 1,000,000-lens catalogue (``make
bench``); the quick run prints them for information on its largest catalogue.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bench.stats import p50_p95
from data import formatting

TARGETS_ROWS = 1_000_000


def _values(details: Sequence[dict[str, Any]], key: str) -> list[float]:
    return [float(d[key]) for d in details if d.get(key) is not None]


def summarise_browse(rows: int, measured: dict[str, Any]) -> dict[str, Any]:
    ours, qsql, raw = measured["ours"], measured["qsql"], measured["raw"]
    return {
        "rows": rows,
        "first_screen_ms": p50_p95(_values(ours["details"], "first_screen_ms")),
        "count_ms": p50_p95(_values(ours["details"], "count_ms")),
        "jump_to_end_ms": p50_p95(_values(ours["details"], "jump_to_end_ms")),
        "rss_mb": round(ours["rss_mb"], 1),
        "qsql_first_screen_ms": p50_p95(_values(qsql["details"], "first_screen_ms")),
        "qsql_jump_to_end_ms": p50_p95(_values(qsql["details"], "jump_to_end_ms")),
        "qsql_rss_mb": round(qsql["rss_mb"], 1),
        "raw_first_page_ms": p50_p95(_values(raw["details"], "raw_first_page_ms")),
    }


def ratio(ours: float | None, anchor: float | None) -> str:
    if ours is None or anchor is None or anchor <= 0:
        return "—"
    return f"×{ours / anchor:.2f}"


def _fmt(value: float | None, digits: int = 1) -> str:
    return "—" if value is None else formatting.decimal(value, digits, grouped=True)


def _pp(figure: dict[str, float | None] | None) -> str:
    figure = figure or {}
    return f"{_fmt(figure.get('p50')):>9} {_fmt(figure.get('p95')):>9}"


def print_browse(summary: dict[str, Any], measured: dict[str, Any]) -> None:
    rows = formatting.integer(summary["rows"])
    print(f"\n== Navigation : {rows} verres (p50 / p95, ms) ==")
    print(f"{'':24}{'app':>19}   {'ancre':<16}{'ancre p50/p95':>19}  {'ratio p95':>9}")
    lines = (
        ("premier écran", "first_screen_ms", "QSqlQueryModel", "qsql_first_screen_ms"),
        ("", "first_screen_ms", "sqlite3 (requête simple)", "raw_first_page_ms"),
        ("comptage", "count_ms", "", None),
        ("saut à la fin", "jump_to_end_ms", "QSqlQueryModel", "qsql_jump_to_end_ms"),
    )
    for label, key, anchor_label, anchor_key in lines:
        anchor = summary.get(anchor_key) if anchor_key else None
        ours = _pp(summary[key]) if label else " " * 19
        print(f"{label:24}{ours}   {anchor_label:<16}{_pp(anchor) if anchor_key else '':>19}  "
              f"{ratio(summary[key]['p95'], (anchor or {}).get('p95')) if anchor_key else '':>9}")
    print(f"{'mémoire max (Mo)':24}{_fmt(summary['rss_mb']):>19}   {'QSqlQueryModel':<16}"
          f"{_fmt(summary['qsql_rss_mb']):>19}  {ratio(summary['rss_mb'], summary['qsql_rss_mb']):>9}")
    _print_scenarios(measured)


def _print_scenarios(measured: dict[str, Any]) -> None:
    raw = {(d["name"], d["rep"]): d for d in measured["raw"]["details"]}
    qsql = {(d["name"], d["rep"]): d for d in measured["qsql"]["details"]}
    print(f"  {'filtre':34}{'lignes':>9}{'écran':>8}{'brut':>8}{'qsql':>8}{'compte':>8}{'fin':>8}{'qsql fin':>9}")
    for d in measured["ours"]["details"]:
        if d["rep"]:
            continue
        r, q = raw.get((d["name"], 0), {}), qsql.get((d["name"], 0), {})
        print(f"  {d['name'][:34]:34}{d['rows']:>9}{_fmt(d['first_screen_ms']):>8}"
              f"{_fmt(r.get('raw_first_page_ms')):>8}{_fmt(q.get('first_screen_ms')):>8}"
              f"{_fmt(d['count_ms']):>8}{_fmt(d['jump_to_end_ms']):>8}{_fmt(q.get('jump_to_end_ms')):>9}")


def print_other(output: dict[str, Any], extra: dict[str, Any]) -> None:
    print("\n== Enregistrement d'un verre modifié (update_lens + historique, ms) ==")
    for backend in ("sqlite", "postgresql"):
        print(f"  {backend:12}{_pp(output['save_ms'].get(backend))}")
    backup = output["backup"]
    print(f"\n== Sauvegarde ({_fmt(backup['db_mb'])} Mo) ==")
    print(f"  app : {_fmt(backup['backup_mb_s'])} Mo/s   sqlite3 .backup + gzip -6 : "
          f"{_fmt(backup['cli_backup_mb_s'])} Mo/s   ratio {ratio(backup['backup_mb_s'], backup['cli_backup_mb_s'])}"
          f"   gel max de la fenêtre : {_fmt(backup['max_ui_stall_ms'])} ms"
          + ("" if backup["backup_mb_s"] is not None else "   (sauvegarde de l'app non disponible)"))
    imported = output["import"]
    rate = imported["import_rows_per_s"]
    print(f"\n== Import CSV ({formatting.integer(imported['rows'])} lignes) ==")
    if rate is None:
        print("  non disponible")
    else:
        timed = extra.get("import") or {}
        cli = timed.get("cli_import_rows_per_s")
        print(f"  {_fmt(rate, 0)} lignes/s (vérification {_fmt(timed.get('check_s'), 2)} s, écriture "
              f"{_fmt(timed.get('write_s'), 2)} s ; puis copie du WAL en arrière-plan "
              f"{_fmt(timed.get('background_checkpoint_s'), 2)} s)   sqlite3 .import sans contrôle ni index : "
              f"{_fmt(cli, 0)} lignes/s   ratio {ratio(rate, cli)}")
        runs = timed.get("runs_s") or []
        if len(runs) > 1:
            print(f"  médiane de {len(runs)} imports : {' ; '.join(_fmt(r, 2) for r in runs)} s ; "
                  f"sqlite3 .import : {' ; '.join(_fmt(r, 2) for r in timed.get('cli_runs_s') or [])} s")
        valid = timed.get("valid_only")
        if valid:
            print(f"  lignes valides seulement ({formatting.integer(valid['refused_lines'])} lignes refusées sur "
                  f"{formatting.integer(valid['rows'])}) : {_fmt(valid['import_rows_per_s'], 0)} lignes/s "
                  f"(vérification {_fmt(valid['check_s'], 2)} s, écriture {_fmt(valid['write_s'], 2)} s, "
                  f"fichier des refus {_fmt(valid['rejects_s'], 2)} s ; médiane de "
                  f"{' ; '.join(_fmt(r, 2) for r in valid['runs_s'])} s)")
        if timed.get("csv_export_s") is not None:
            print(f"  export CSV du même catalogue : {_fmt(timed['csv_export_s'], 2)} s")
        for fmt, figures in (timed.get("other_formats") or {}).items():
            print(f"  {fmt.upper():5} (une fois, pour information) : {_fmt(figures['import_rows_per_s'], 0)} lignes/s "
                  f"(vérification {_fmt(figures['check_s'], 2)} s, écriture {_fmt(figures['write_s'], 2)} s, "
                  f"fichier {_fmt(figures['file_mb'])} Mo) ; export {_fmt(figures['export_s'], 2)} s")
    print("\n== Concurrence (filtres : 1re page ; comptes et enregistrements à part) ==")
    for backend in ("sqlite", "postgresql"):
        figures = extra["concurrency"].get(backend)
        if not figures:
            print(f"  {backend:12}non disponible")
            continue
        print(f"  {backend:12}{figures['clients']} clients  page p50 {_fmt(figures['p50_ms'])} / p95 "
              f"{_fmt(figures['p95_ms'])} ms  compte p95 {_fmt(figures['count_p95_ms'])} ms  "
              f"enregistrement p95 {_fmt(figures['save_p95_ms'])} ms  {_fmt(figures['tps'])} tx/s  "
              f"erreurs {figures['errors']}  réessais {figures['retries']}  "
              f"écritures perdues {figures['lost_writes']} / {figures['saves_committed']}")
        for message, n in figures.get("error_messages", {}).items():
            print(f"      {n} × {message}")


def _targets(output: dict[str, Any], at: dict[str, Any]) -> list[tuple[str, float | None, str, bool | None]]:
    def le(value: float | None, limit: float) -> bool | None:
        return None if value is None else value <= limit

    backup = output["backup"]
    pg = (output["concurrency"] or {}).get("postgresql") or {}
    save = output["save_ms"]
    cli = backup.get("cli_backup_mb_s")
    rate = backup.get("backup_mb_s")
    imported = output["import"]["import_rows_per_s"]
    valid_only = output["import"].get("valid_only_rows_per_s")
    return [
        ("premier écran p95 ≤ 50 ms", at["first_screen_ms"]["p95"], "ms", le(at["first_screen_ms"]["p95"], 50)),
        ("comptage p95 ≤ 500 ms", at["count_ms"]["p95"], "ms", le(at["count_ms"]["p95"], 500)),
        ("saut à la fin p95 ≤ 100 ms", at["jump_to_end_ms"]["p95"], "ms", le(at["jump_to_end_ms"]["p95"], 100)),
        ("mémoire ≤ 300 Mo", at["rss_mb"], "Mo", le(at["rss_mb"], 300)),
        ("enregistrement SQLite p95 ≤ 100 ms", (save.get("sqlite") or {}).get("p95"), "ms",
         le((save.get("sqlite") or {}).get("p95"), 100)),
        ("enregistrement PostgreSQL p95 ≤ 100 ms", (save.get("postgresql") or {}).get("p95"), "ms",
         le((save.get("postgresql") or {}).get("p95"), 100)),
        ("gel de la fenêtre ≤ 50 ms", backup.get("max_ui_stall_ms"), "ms", le(backup.get("max_ui_stall_ms"), 50)),
        ("sauvegarde ≥ 0,8 × CLI", rate, "Mo/s", None if rate is None or cli is None else rate >= 0.8 * cli),
        ("import ≥ 20 000 lignes/s", imported, "l/s", None if imported is None else imported >= 20_000),
        ("import lignes valides (5 % refusées) ≥ 20 000 lignes/s", valid_only, "l/s",
         None if valid_only is None else valid_only >= 20_000),
        ("PostgreSQL 100 clients p95 ≤ 50 ms", pg.get("p95_ms"), "ms", le(pg.get("p95_ms"), 50)),
        ("PostgreSQL 0 erreur", pg.get("errors"), "", None if not pg else pg.get("errors") == 0),
        ("PostgreSQL 0 écriture perdue", pg.get("lost_writes"), "", None if not pg else pg.get("lost_writes") == 0),
        *identification_targets(output.get("identification")),
    ]


IDENT_TOP5_OVERALL = 95.0
IDENT_TOP5_KIND = 90.0
IDENT_PAGE_P95_MS = 50.0
IDENT_COUNT_P95_MS = 500.0
IDENT_GROWTH_PCT = 25.0
IDENT_RSS_MB = 300.0
SKETCH_TOP3 = 85.0
SIGNS_TOP5 = 90.0
PALETTE_KIND = "symboles"  # bench.identify_speed.SYMBOLS: the palette's picks
SKETCH_P95_MS = 100.0


def identification_targets(ident: dict[str, Any] | None) -> list[tuple[str, float | None, str, bool | None]]:
    """The identification targets (issue 18) and the drawing pad's (symbols issue)."""
    if not ident:
        return []

    def le(value: float | None, limit: float) -> bool | None:
        return None if value is None else value <= limit

    def ge(value: float | None, limit: float) -> bool | None:
        return None if value is None else value >= limit

    quality = ident.get("quality") or {}
    overall = (quality.get("overall") or {}).get("top5")
    kinds = quality.get("kinds") or {}
    worst = min((row["top5"] for row in kinds.values() if row["decidable"]), default=None)
    found: list[tuple[str, float | None, str, bool | None]] = [
        ("identification top-5 ≥ 95 % (ensemble)", overall, "%", ge(overall, IDENT_TOP5_OVERALL)),
        ("identification top-5 ≥ 90 % (pire type)", worst, "%", ge(worst, IDENT_TOP5_KIND)),
    ]
    for backend, label in (("sqlite", "SQLite"), ("postgresql", "PostgreSQL")):
        speed = (ident.get("speed") or {}).get(backend)
        if not speed:
            if backend == "sqlite":
                found.append(("identification SQLite p95 ≤ 50 ms", None, "ms", None))
            continue
        rows = formatting.integer(speed["rows"])
        page = speed.get("worst_kind_p95_ms")
        found.append((f"identification {label} {rows} p95 ≤ 50 ms (pire genre)", page, "ms",
                      le(page, IDENT_PAGE_P95_MS)))
        if backend == "sqlite":
            count = speed.get("worst_count_p95_ms")
            growth = speed.get("db_growth_pct")
            found += [
                ("identification comptage p95 ≤ 500 ms", count, "ms", le(count, IDENT_COUNT_P95_MS)),
                ("identification base + clés ≤ 25 %", growth, "%", le(growth, IDENT_GROWTH_PCT)),
                ("identification mémoire ≤ 300 Mo", speed.get("rss_mb"), "Mo", le(speed.get("rss_mb"), IDENT_RSS_MB)),
            ]
    signs = quality.get("signs") or {}
    top5 = (signs.get("overall") or {}).get("top5")
    within = signs.get("most_actions") is None or signs["most_actions"] <= signs.get("max_actions", 3)
    found.append(("signes top-5 ≥ 90 % en ≤ 3 actions", top5, "%",
                  None if top5 is None else top5 >= SIGNS_TOP5 and within))
    palette = (((ident.get("speed") or {}).get("sqlite") or {}).get("kinds") or {}).get(PALETTE_KIND)
    at = f" {formatting.integer(ident['speed']['sqlite']['rows'])}" if palette else ""
    painted = (palette or {}).get("first_page_painted_ms", {}).get("p95")
    found.append((f"palette SQLite{at} 1re page peinte p95 ≤ 50 ms", painted, "ms",
                  le(painted, IDENT_PAGE_P95_MS)))
    drawn = ident.get("sketch") or {}
    found += [
        ("dessin top-3 ≥ 85 %", drawn.get("top3"), "%", ge(drawn.get("top3"), SKETCH_TOP3)),
        ("dessin proposition p95 ≤ 100 ms", drawn.get("p95_ms"), "ms", le(drawn.get("p95_ms"), SKETCH_P95_MS)),
    ]
    return found


def print_identification(ident: dict[str, Any] | None) -> None:
    """The identification figures: quality by kind (the window, today's search), then the
    query-to-paint times by kind of query on each database, then the drawing pad."""
    if not ident:
        return
    quality = ident["quality"]
    print(f"\n== Identification : qualité par la fenêtre (guide de {formatting.integer(quality['lenses'])} verres, "
          f"{quality['cases_per_kind']} cas par type ; % des cas décidables) ==")
    print(f"  {'type de saisie':24}{'cas':>5}{'décid.':>8}{'top-1':>8}{'top-5':>8}   {'ancre top-1':>11}"
          f"{'top-5':>8}   {'indécid. (top-5 app / ancre)':>29}")
    for kind, row in [*quality["kinds"].items(), ("ensemble", quality["overall"])]:
        print(f"  {kind:24}{row['cases']:>5}{row['decidable']:>8}{_fmt(row['top1']):>8}{_fmt(row['top5']):>8}   "
              f"{_fmt(row['anchor_top1']):>11}{_fmt(row['anchor_top5']):>8}   "
              f"{row['undecidable']:>8} ({_fmt(row['undecidable_top5'])} / {_fmt(row['anchor_undecidable_top5'])})")
    print(f"  cibles : top-5 ≥ {_fmt(IDENT_TOP5_OVERALL, 0)} % sur l'ensemble, ≥ {_fmt(IDENT_TOP5_KIND, 0)} % par type "
          "(ancre : la recherche actuelle, même base, même processus)")
    print_signs(quality.get("signs"))
    for backend, label in (("sqlite", "SQLite"), ("postgresql", "PostgreSQL")):
        speed = ident["speed"].get(backend)
        if not speed:
            continue
        print(f"\n== Identification : de la requête à la 1re page peinte, {label}, "
              f"{formatting.integer(speed['rows'])} verres ({speed['queries_per_kind']} requêtes par genre ; "
              "p50 / p95, ms) ==")
        print(f"  {'genre':34}{'peinte':>19}{'signal':>19}{'compte':>19}   {'ancre (1re page)':>19}  "
              f"{'ratio p95':>9}")
        for kind, row in speed["kinds"].items():
            painted = row["first_page_painted_ms"]
            anchor = row["anchor_first_page_ms"]
            print(f"  {kind[:34]:34}{_pp(painted)}{_pp(row['first_page_signal_ms'])}{_pp(row['count_ms'])}   "
                  f"{_pp(anchor)}  {ratio(painted['p95'], anchor['p95']):>9}")
        print(f"  pire genre p95 {_fmt(speed['worst_kind_p95_ms'])} ms (cible ≤ {_fmt(IDENT_PAGE_P95_MS, 0)}), "
              f"comptage p95 {_fmt(speed['worst_count_p95_ms'])} ms, mémoire max {_fmt(speed['rss_mb'])} Mo, "
              f"clés de gravure {_fmt(speed['keys_mb'])} Mo sur {_fmt(speed['db_mb'])} Mo "
              f"(+{_fmt(speed['db_growth_pct'])} %)")
    drawn = ident.get("sketch")
    if drawn:
        print(f"\n== Dessin ({drawn['trials_per_shape']} essais par forme) ==")
        print(f"  top-1 {_fmt(drawn['top1'])} %   top-3 {_fmt(drawn['top3'])} % (cible ≥ {_fmt(SKETCH_TOP3, 0)})   "
              f"proposition p50 {_fmt(drawn['p50_ms'])} / p95 {_fmt(drawn['p95_ms'])} ms "
              f"(cible ≤ {_fmt(SKETCH_P95_MS, 0)})")


def print_signs(signs: dict[str, Any] | None) -> None:
    """The sign cases through the window: top-1/top-5 by kind (% of the decidable cases)."""
    if not signs:
        return
    print(f"\n== Signes : palette, texte et indice dans la fenêtre ({signs['cases']} cas, "
          f"au plus {signs['most_actions']} actions sur {signs['max_actions']} permises) ==")
    print(f"  {'type de saisie':30}{'cas':>5}{'décid.':>8}{'top-1':>8}{'top-5':>8}")
    for kind, row in [*signs["kinds"].items(), ("ensemble", signs["overall"])]:
        print(f"  {kind:30}{row['cases']:>5}{row['decidable']:>8}{_fmt(row['top1']):>8}{_fmt(row['top5']):>8}")
    print(f"  cible : top-5 ≥ {_fmt(SIGNS_TOP5, 0)} % en au plus {signs['max_actions']} actions")


def print_targets(output: dict[str, Any], full: bool) -> None:
    at = max(output["results"], key=lambda r: r["rows"])
    rows = formatting.integer(at["rows"])
    note = "" if full else " — pour information : les cibles se jugent à 1 000 000 (make bench)"
    print(f"\n== Cibles (navigation à {rows} verres){note} ==")
    for label, value, unit, met in _targets(output, at):
        verdict = "—" if met is None else ("atteinte" if met else "MANQUÉE")
        shown = "—" if value is None else f"{_fmt(float(value))} {unit}".strip()
        print(f"  {label:56}{shown:>16}   {verdict}")
