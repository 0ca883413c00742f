"""Identification through the real window, each measurement in its own process (its peak memory
is its own).

    python -m bench.identify_window quality --db GUIDE.db --per-kind 20 --out OUT.json
    python -m bench.identify_window speed --url URL --per-kind 10 --out OUT.json

Both open the app's main window (``gui.app.open_main_window``, 1400×900, offscreen platform) on
the database given, with ``ENGRAVEDETECT_HOME`` in the caller's temporary folder, and type into
its search box (``searchBox``) key by key (``QTest.keyClicks``) as an optician would.

``quality``: the cases of ``bench.identify_cases.draw_cases`` over the guide. For each: every
filter cleared (Esc twice), the index ticked in the index list for the « index ticked » kind,
the text typed over the box's content (Ctrl+F selects it), the typing pause ended (the box's
debounce timer fired at once, as Enter does), then the event loop runs until the model has shown
the answer for that text (``firstPageReady`` with that query) and the table has painted it; the
first 5 lens ids are read from the model in row order. Today's search (``anchor_search``) is
scored on the same cases, on the same database, in the same process.

The sign cases (``bench.identify_signs.draw_sign_cases``) follow: the shapes clicked in the
palette, the text typed, the index ticked as each case says; the top 5 answers read (a sign's
group mates, « même signe », skipped).

``speed``: the queries of ``bench.identify_speed.draw_queries`` over the catalogue's own codes,
each typed over the previous one, then the palette's picks (``draw_palettes``, the kind
« symboles »: the shapes clicked, timed from the last click to the first page painted). Timed from the end of the typing pause (the debounce timer's
work started: the box read, the chips, the lists asked for, the model's ``set_query``) until the
table's viewport has painted the first ranked page (the model's ``firstPageReady`` for that
text, then the event loop run until the viewport's paint event has been handled — or a forced
``repaint()`` when no paint was pending); the count until ``countReady``. Today's plain search
(``lens_page(LensQuery(text=…))``, first page) is timed on the same texts in the same process,
alternating with the window. Peak resident memory of the process is reported.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from bench.browse import peak_rss_mb, wait_for

WINDOW_SIZE = (1400, 900)
TIMEOUT_S = 120.0
WARM_UP = 3


def type_keys(widget: Any, text: str) -> None:
    """``text`` typed into ``widget`` key by key: ``QTest.keyClick`` for the keys it knows (ASCII),
    a key press and release carrying the character for the others (``é`` of a French keyboard;
    ``QTest.keyClicks`` aborts on them)."""
    from PySide6.QtCore import QEvent, Qt
    from PySide6.QtGui import QKeyEvent
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    for ch in text:
        if ch.isascii():
            QTest.keyClick(widget, ch)
            continue
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(widget, QKeyEvent(kind, Qt.Key.Key_unknown, Qt.KeyboardModifier.NoModifier, ch))


class WindowDriver:
    """The main window driven as an optician drives it, with the moments that matter recorded."""

    def __init__(self, url: str) -> None:
        from PySide6.QtCore import QEvent, QObject

        from gui.app import application, open_main_window

        self.app = application()
        self.window = open_main_window(url)
        self.window.resize(*WINDOW_SIZE)
        self.window.show()
        self.model = self.window.model
        self.filters = self.window.filters
        self.box = self.filters.search_box
        self.paints = 0
        self.painted_at = 0.0
        self.counted_at: list[float] = []
        self.paged_at: list[float] = []
        self.model.countReady.connect(lambda _n: self.counted_at.append(time.perf_counter()))
        self.model.firstPageReady.connect(lambda: self.paged_at.append(time.perf_counter()))

        driver = self

        class PaintWatch(QObject):
            """Counts the table viewport's paint events (the paint runs once this returns)."""

            def eventFilter(self, _watched: Any, event: Any) -> bool:  # noqa: N802 - Qt override
                if event.type() == QEvent.Type.Paint:
                    driver.paints += 1
                return False

        self._watch = PaintWatch()
        self.window.table.viewport().installEventFilter(self._watch)
        wait_for(self.app, self.filters.vocabularyReady, lambda: self.filters.vocabulary_ready, TIMEOUT_S)
        self._settle(lambda: True)
        self._wait_count()

    # ------------------------------------------------------------ waiting
    def _settle(self, shown: Callable[[], bool]) -> None:
        """Run the event loop until the model shows what ``shown`` says (nothing still loading)."""
        model = self.model
        wait_for(self.app, model.firstPageReady, lambda: not model.loading and shown(), TIMEOUT_S)

    def _wait_count(self) -> None:
        model = self.model
        wait_for(self.app, model.countReady, lambda: model.total_count() is not None, TIMEOUT_S)

    def _paint(self) -> float:
        """Let the table take the new rows in and paint them; return when the paint was over."""
        before = self.paints
        self.app.processEvents()
        if self.paints == before:
            self.window.table.viewport().repaint()
        return time.perf_counter()

    # ------------------------------------------------------------ actions
    def clear(self) -> None:
        """Esc twice: the box, every filter and the palette's picks cleared; wait for the whole
        catalogue shown and painted (a paint still pending would be timed with the next case)."""
        query = self.filters.build_ticked_query()
        if self.box.text() or query.has_reference_filters or query.symbols:
            self.filters.clear()
            self._settle(lambda: self.model.shown_query.text == "" and not self.model.shown_query.indices
                         and not self.model.shown_query.symbols)
            # The whole catalogue on screen and counted, as the optician sees it before the next
            # customer: a paint or a count still pending would be timed with the next case.
            self._paint()
            self._wait_count()
            self._paint()

    def pick_shapes(self, keys: Sequence[str]) -> tuple[float, float, float]:
        """The shapes clicked in the palette (the buttons' toggles, one per shape, in order);
        returns (last click, first page shown, first page painted) perf times for the last one.

        Each earlier click's answer is shown and painted before the next click, as for typed
        text (``type_text``): an optician looks at the list between two clicks; without it, the
        last click was timed with the paint of the answer before it."""
        palette = self.filters.symbols.palette_widget
        for key in keys[:-1]:
            palette.set_key_checked(key)
            self._settle(lambda: self.model.shown_query.symbols == palette.checked_keys())
            self._paint()
        self.paged_at.clear()
        started = time.perf_counter()
        palette.set_key_checked(keys[-1])
        wanted = tuple(keys)
        if palette.checked_keys() != wanted:
            raise RuntimeError(f"la palette a {palette.checked_keys()} au lieu de {wanted}")
        self._settle(lambda: self.model.shown_query.symbols == wanted)
        painted = self._paint()
        return started, self.paged_at[-1], painted

    def tick_index(self, indice: float) -> None:
        from data.catalogue import index_group_of

        group = index_group_of(indice)
        if group not in self.filters.index_list.values():
            raise RuntimeError(f"indice {indice} absent de la liste des indices")
        self.filters.index_list.set_checked([group])
        self._settle(lambda: bool(self.model.shown_query.indices))

    def type_text(self, text: str) -> tuple[float, float, float, float | None]:
        """Ctrl+F (the box's text selected), the text typed key by key over it, then the end of
        the typing pause. Returns (pause over, first page shown, first page painted, count known)
        perf times; the count is waited for only when the page gave none.

        It starts from a settled window: what the previous query's count brought (its rows
        added to the table, the status bar's text) is laid out and painted first. An optician
        types the next code seconds after the last count, never within the few milliseconds
        that paint takes; started at once, the next query would be timed with it."""
        self._paint()
        self.window.focus_search()
        type_keys(self.box, text)
        if self.box.text() != text:
            raise RuntimeError(f"la recherche contient {self.box.text()!r} au lieu de {text!r}")
        self.counted_at.clear()
        self.paged_at.clear()
        started = time.perf_counter()
        self.filters.flush_search()  # the debounce timer's work, now
        self._settle(lambda: self.model.shown_query.text == text)
        painted = self._paint()
        if not self.counted_at:
            self._wait_count()
        counted = self.counted_at[0] if self.counted_at else None
        return started, self.paged_at[-1], painted, counted

    def first_ids(self, n: int) -> list[int]:
        rows = min(n, self.model.rowCount())
        return [lens_id for row in range(rows) if (lens_id := self.model.lens_id_at(row)) is not None]

    def search(self, text: str, ticked: float | None) -> list[int]:
        """One identification case: cleared, index ticked if any, text typed, the top 5 read."""
        self.clear()
        if ticked is not None:
            self.tick_index(ticked)
        self.type_text(text)
        return self.first_ids(5)

    def search_sign(self, text: str, ticked: float | None, symbols: Sequence[str]) -> list[int]:
        """One sign case: cleared, index ticked if any, the shapes clicked, the text typed (if
        any), the top 5 answers read (the lenses after the first of one sign, maker and index,
        « même signe », are that answer's, not answers of their own)."""
        self.clear()
        if ticked is not None:
            self.tick_index(ticked)
        if symbols:
            self.pick_shapes(symbols)
        if text:
            self.type_text(text)
        return self.first_answers(5)

    def first_answers(self, n: int) -> list[int]:
        found: list[int] = []
        for row in range(min(self.model.rowCount(), 20 * n)):
            if (self.model.reason_at(row) or "").endswith("même signe"):
                continue
            lens_id = self.model.lens_id_at(row)
            if lens_id is not None:
                found.append(lens_id)
            if len(found) == n:
                break
        return found

    def close(self) -> None:
        self.window.close()
        self.app.processEvents()


# ---------------------------------------------------------------- quality


def measure_quality(db_path: Path, per_kind: int, limit: int | None = None) -> dict[str, Any]:
    """Top-1/top-5 per kind through the window and for today's search, on the guide at
    ``db_path`` (already built from ``guide_lenses()``, or its first ``limit`` lenses)."""
    from bench.guide import guide_lenses
    from bench.identify_cases import anchor_search, draw_cases, score
    from data.models import Verre

    lenses = guide_lenses()
    if limit is not None:
        lenses = lenses[:limit]
    url = "sqlite:///" + db_path.as_posix()
    driver = WindowDriver(url)
    try:
        with driver.window.db.transaction() as session:
            ids = [row[0] for row in session.query(Verre.id).order_by(Verre.id)]
        if len(ids) != len(lenses):
            raise RuntimeError(f"le guide a {len(ids)} verres, {len(lenses)} attendus")
        cases = draw_cases(lenses, ids, per_kind=per_kind)
        started = time.perf_counter()
        ours = score(cases, driver.search)
        window_s = time.perf_counter() - started
        started = time.perf_counter()
        anchor = score(cases, anchor_search(driver.window.db))
        anchor_s = time.perf_counter() - started
        signs = measure_signs(driver, lenses, ids, per_kind)
    finally:
        driver.close()
    return {
        "lenses": len(lenses),
        "per_kind": per_kind,
        "cases": len(cases),
        "ours": ours,
        "anchor": anchor,
        "window_s": window_s,
        "anchor_s": anchor_s,
        "signs": signs,
        "rss_mb": peak_rss_mb(),
    }


def measure_signs(driver: WindowDriver, lenses: Sequence[Any], ids: Sequence[int], per_kind: int) -> dict[str, Any]:
    """The sign cases (``bench.identify_signs.draw_sign_cases``: 2–3 shapes clicked, one
    sometimes missing or a look-alike, the letters or digits, the index typed or ticked,
    sometimes the maker; at most ``MAX_ACTIONS`` actions) through the window."""
    from bench.identify_signs import MAX_ACTIONS, draw_sign_cases, score_signs

    cases = draw_sign_cases(lenses, ids, per_kind=per_kind)
    started = time.perf_counter()
    figures = score_signs(cases, driver.search_sign)
    return {"cases": len(cases), "figures": figures, "window_s": time.perf_counter() - started,
            "max_actions": MAX_ACTIONS, "most_actions": max((c.actions for c in cases), default=None)}


# ---------------------------------------------------------------- speed


def measure_speed(url: str, per_kind: int) -> dict[str, Any]:
    """Query-to-paint times per kind through the window, today's first page on the same texts."""
    from bench.identify_speed import SYMBOLS, anchor_first_page, draw_palettes, draw_queries

    driver = WindowDriver(url)
    try:
        db = driver.window.db
        queries = draw_queries(db, per_kind)
        warm = [text for texts in queries.values() for text in texts[:1]][:WARM_UP]
        for text in warm:  # not counted: the first statements of a connection pay for the plans
            driver.type_text(text)
            anchor_first_page(db, text)
        kinds: dict[str, Any] = {}
        for kind, texts in queries.items():
            rows = []
            for text in texts:
                started, paged, painted, counted = driver.type_text(text)
                anchor_started = time.perf_counter()
                anchor_rows = anchor_first_page(db, text)
                anchor_ms = (time.perf_counter() - anchor_started) * 1000
                rows.append({
                    "text": text,
                    "first_page_ms": (paged - started) * 1000,
                    "first_page_painted_ms": (painted - started) * 1000,
                    "count_ms": None if counted is None else (counted - started) * 1000,
                    "rows": driver.model.rowCount(),
                    "ranked": driver.model.ranked,
                    "anchor_first_page_ms": anchor_ms,
                    "anchor_rows": anchor_rows,
                })
            kinds[kind] = rows
        palettes = draw_palettes(db, per_kind)
        if palettes:
            kinds[SYMBOLS] = [palette_row(driver, db, keys) for keys in palettes]
            driver.clear()
        lenses = driver.model.total_count() if not driver.box.text() else None
    finally:
        driver.close()
    return {"url_kind": url.split(":", 1)[0], "per_kind": per_kind, "kinds": kinds, "lenses": lenses,
            "rss_mb": peak_rss_mb()}


def palette_row(driver: WindowDriver, db: Any, keys: tuple[str, ...]) -> dict[str, Any]:
    """One palette query (issue 19): the box and the picks cleared, the shapes clicked; timed
    from the last click to the first ranked page painted. The anchor is the plain browse's first
    page (today's window cannot search by shape)."""
    from bench.identify_speed import browse_first_page

    driver.clear()
    started, paged, painted = driver.pick_shapes(keys)
    anchor_started = time.perf_counter()
    anchor_rows = browse_first_page(db, keys)
    return {
        "text": "+".join(keys),
        "first_page_ms": (paged - started) * 1000,
        "first_page_painted_ms": (painted - started) * 1000,
        "count_ms": None,
        "rows": driver.model.rowCount(),
        "ranked": driver.model.ranked,
        "anchor_first_page_ms": (time.perf_counter() - anchor_started) * 1000,
        "anchor_rows": anchor_rows,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Identification par la vraie fenêtre (processus à part).")
    parser.add_argument("what", choices=("quality", "speed"))
    parser.add_argument("--db", type=Path, help="le guide (SQLite), pour quality")
    parser.add_argument("--limit", type=int, help="les N premiers verres du guide seulement")
    parser.add_argument("--url", help="la base, pour speed")
    parser.add_argument("--per-kind", type=int, required=True)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from bench.quiet import quiet_app_logs

    quiet_app_logs()
    if args.what == "quality":
        result = measure_quality(args.db, args.per_kind, args.limit)
    else:
        result = measure_speed(args.url, args.per_kind)
    args.out.write_text(json.dumps(result, ensure_ascii=False), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
