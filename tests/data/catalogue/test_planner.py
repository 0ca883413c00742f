"""The fast paths give the same lenses as the plain ones, on the three databases.

Search through SQLite's trigram index (read by id and sorted, or tested while reading the sort
order), sorts read in two parts (filled then empty), the sort keys copied onto lenses, and the
search index kept right by triggers whoever writes: every case is compared with what a plain
scan in Python says.
"""

from __future__ import annotations

import itertools
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select, text, update

from data import catalogue
from data.catalogue import planner
from data.catalogue.planner import LIMITS, PlannerLimits
from data.migrate import downgrade, upgrade
from data.models import Verre
from data.query import POSTGRESQL_WHOLE_PLAN, SORT_KEYS, LensQuery, QueryPlan, filter_clauses
from data.text import fold, search_key
from data.transfer import import_lenses
from tests.factories import lens_values, make_refs

FRAGMENTS = ["ai", "pz", "zq", "aipz", "ic", "c7", "74", "x", "z", "ma", "max", "comfort max",
             "max ai", "%", "_", "h_", "100%", "!", "\\", "é", "zz", "q", "xq", "0%", "t_", "t!",
             "é\\", "x ai"]


@pytest.fixture
def catalogue_db(db):
    essilor = make_refs(db)
    hoya = make_refs(db, "Hoya", "Hoyalux", "iD MyStyle", "Eyas")
    codes = ["AIPZ", "AIC", "c74", "HL 60", "H_7", None, "ZQ1", "XAI", "AB", "zq"]
    variants = [None, "Short", "XL", None, "100% net_", "Fit!", None, "Drive", None, "é\\"]
    names = ["Varilux Comfort Max", "Varilux Physio", "Hoyalux Sérénité", "Zen", "Max Pro",
             "Eyezen", "Quartz", "Azur", "Comfort", "Élite"]
    for number in range(40):
        refs = essilor if number % 3 else hoya
        catalogue.create_lens(db, lens_values(
            refs,
            nom=names[number % 10] + ("" if number < 10 else f" {number}"),
            variante=variants[number % 10],
            gravure_nasale=codes[(number * 7) % 10],
            indice=(1.5, 1.6, 1.67, 1.74)[number % 4],
            hauteur_min=None if number % 5 == 0 else 11 + number % 7,
            hauteur_max=None if number % 6 == 0 else 20 + number % 3,
            gamme_id=None if number % 9 == 0 else refs.range_,
            serie_id=None if number % 9 == 0 or number % 4 == 0 else refs.series,
            materiau_id=None if number % 7 == 0 else refs.material,
        ))
    return db


def expected_ids(db, fragment: str) -> set[int]:
    words = [w for w in fold(fragment).split(" ") if w]
    with db.transaction() as s:
        rows = s.execute(select(Verre.id, Verre.nom, Verre.variante, Verre.gravure_nasale)).all()
    return {r.id for r in rows if all(w in search_key(r.nom, r.variante, r.gravure_nasale) for w in words)}


@pytest.fixture(
    params=["rare_word", "sort_by_id", "sort_order", "scan", "scan_first", "scan_cut_short", "scan_out_of_steps"]
)
def search_path(request) -> PlannerLimits:
    """The limits that force each SQLite path (the other databases plan by themselves and
    ignore them).

    ``rare_word``: every word counts as rare, so pages come from the trigram index before any
    scan (the budget is spent, should one run). The others count no word as rare (on this small
    catalogue every word would be). The three plans are forced with a scan-first budget already
    spent (the statement is stopped at its first look); ``scan_first``: the sort order read
    without limit; ``scan_cut_short``: a time budget that runs out in the middle of the
    statement, so the page is read again the planned way; ``scan_out_of_steps``: the same with
    the budget of steps.
    """
    limits = {
        "rare_word": (0, 0, -1.0, 10**12),
        "sort_by_id": (10**9, 10**9, -1.0, 10**12),
        "sort_order": (0, 10**9, -1.0, 10**12),
        "scan": (0, 0, -1.0, 10**12),
        "scan_first": (10**9, 10**9, 60.0, 10**12),
        "scan_cut_short": (0, 10**9, 1.5, 10**12),
        "scan_out_of_steps": (0, 10**9, 60.0, 1),
    }[request.param]
    return PlannerLimits(
        rare_word_rows=10**9 if request.param == "rare_word" else 0,
        fts_sort_limit=limits[0],
        fts_scan_limit=limits[1],
        scan_first_budget_s=limits[2],
        scan_first_steps=limits[3],
        scan_check_steps=1,  # a look at the budget at every step
        # scan_cut_short: a clock that moves one "second" per look: the first look passes, the
        # second one stops.
        clock=itertools.count().__next__ if request.param == "scan_cut_short" else LIMITS.clock,
    )


def test_every_search_plan_finds_exactly_what_a_scan_finds(catalogue_db, search_path):
    limits = search_path
    db = catalogue_db
    for fragment in FRAGMENTS:
        wanted = expected_ids(db, fragment)
        query = LensQuery(text=fragment)
        assert catalogue.count_lenses(db, query, limits=limits) == len(wanted), fragment
        ids = list(catalogue.lens_ids(db, query, limits=limits))
        assert set(ids) == wanted, fragment
        page = [r.id for r in catalogue.lens_page(db, query, 0, 7, limits=limits)]
        assert page == ids[:7], fragment
        last = [r.id for r in catalogue.lens_page(db, query, 0, 7, reverse=True, limits=limits)]
        assert last == ids[::-1][:7], fragment


def test_search_with_other_filters_and_sorts_agrees_with_a_scan(catalogue_db, search_path):
    limits = search_path
    db = catalogue_db
    hoya = next(s.id for s in catalogue.list_suppliers(db) if s.nom == "Hoya")
    for sort in ("nom", "indice", "gamme", "hauteur_min"):
        for fragment in ("ai", "max", "zq"):
            query = LensQuery(text=fragment, indices=(1.5, 1.67), supplier_ids=(hoya,), sort=sort)
            reference = LensQuery(text=fragment, sort=sort)
            kept = {r.id for r in catalogue.lens_rows(db, list(catalogue.lens_ids(db, reference, limits=limits)))
                    if r.indice in (1.5, 1.67) and r.fournisseur == "Hoya"}
            in_order = [i for i in catalogue.lens_ids(db, reference, limits=limits) if i in kept]
            assert list(catalogue.lens_ids(db, query, limits=limits)) == in_order
            assert [r.id for r in catalogue.lens_page(db, query, 0, 3, limits=limits)] == in_order[:3]


@pytest.mark.parametrize("key", SORT_KEYS)
@pytest.mark.parametrize("descending", [False, True])
def test_pages_across_the_filled_and_empty_parts_agree_with_the_ids(catalogue_db, key, descending):
    db = catalogue_db
    query = LensQuery(sort=key, descending=descending)
    ids = list(catalogue.lens_ids(db, query))
    assert len(ids) == 40
    for offset in range(0, 40, 3):
        assert [r.id for r in catalogue.lens_page(db, query, offset, 5)] == ids[offset:offset + 5]
        assert [r.id for r in catalogue.lens_page(db, query, offset, 5, reverse=True)] == ids[::-1][offset:offset + 5]


def test_broad_filters_read_in_sort_order_give_the_same_rows(catalogue_db, monkeypatch):
    db = catalogue_db
    query = LensQuery(indices=(1.5, 1.6, 1.67), sort="hauteur_max", descending=True)
    before = list(catalogue.lens_ids(db, query))
    pages = [r.id for r in catalogue.lens_page(db, query, 0, 40)]
    broad = PlannerLimits(broad_filter_rows=0)  # every filter counts as broad
    with db.transaction() as s:
        plan = catalogue.plan_query(s, query, limits=broad)
    assert plan.no_filter_index == (db.backend == "sqlite")
    assert [r.id for r in catalogue.lens_page(db, query, 0, 40, limits=broad)] == pages == before


def test_indices_match_whatever_the_decimals_typed(catalogue_db):
    db = catalogue_db
    assert catalogue.count_lenses(db, LensQuery(indices=(1.67,))) == 10
    assert catalogue.count_lenses(db, LensQuery(indices=(1.6700000001, 1.5))) == 20


def test_a_common_fragment_fills_its_page_in_sort_order_without_the_trigram_index(catalogue_db, monkeypatch):
    db = catalogue_db
    if db.backend != "sqlite":
        pytest.skip("the scan-first budget is SQLite's")
    planned = []
    real_plan = planner.plan_query
    monkeypatch.setattr(planner, "plan_query", lambda *a, **k: planned.append(a[1]) or real_plan(*a, **k))
    limits = PlannerLimits(rare_word_rows=2)  # in 40 lenses, every word would be rare
    query = LensQuery(text="ai")
    ids = list(catalogue.lens_ids(db, query, limits=limits))
    planned.clear()
    assert [r.id for r in catalogue.lens_page(db, query, 0, 5, limits=limits)] == ids[:5]
    assert planned == []  # found within the budget: no estimate, no trigram lookup

    cut_short = PlannerLimits(
        rare_word_rows=2, scan_first_budget_s=1.5, scan_check_steps=1, clock=itertools.count().__next__
    )
    assert [r.id for r in catalogue.lens_page(db, query, 0, 5, limits=cut_short)] == ids[:5]
    assert planned == [query]  # cut short, then read the planned way
    out_of_steps = PlannerLimits(
        rare_word_rows=2, scan_first_budget_s=10.0**9, scan_first_steps=1, scan_check_steps=1,
        clock=itertools.count().__next__,
    )
    assert [r.id for r in catalogue.lens_page(db, query, 0, 5, limits=out_of_steps)] == ids[:5]
    assert planned == [query, query]  # out of steps, however much time is left
    # The budget left with the page: later statements on the pooled connection run to the end
    # (the spent budget would interrupt them at their first step).
    assert list(catalogue.lens_ids(db, query)) == ids
    assert catalogue.count_lenses(db, LensQuery()) == 40


@pytest.mark.parametrize("fragment", ["zq", "aipz", "max zq", "qqq", "qq"])
def test_a_rare_word_is_read_from_the_trigram_index_without_a_scan(catalogue_db, monkeypatch, fragment):
    """A word found in few lenses: the page comes from its lenses at once, no budget spent in
    vain reading the sort order (a scan that would find nothing for long)."""
    db = catalogue_db
    if db.backend != "sqlite":
        pytest.skip("the trigram index is SQLite's")
    query = LensQuery(text=fragment)
    ids = list(catalogue.lens_ids(db, query))
    assert set(ids) == expected_ids(db, fragment)
    scanned = []
    real_scan = planner.page_within_budget
    monkeypatch.setattr(planner, "page_within_budget", lambda *a, **k: scanned.append(query) or real_scan(*a, **k))
    assert [r.id for r in catalogue.lens_page(db, query, 0, 5)] == ids[:5]
    assert [r.id for r in catalogue.lens_page(db, query, 0, 5, reverse=True)] == ids[::-1][:5]
    assert scanned == []
    only_absent = PlannerLimits(rare_word_rows=1)  # now only a word no lens holds is rare
    assert [r.id for r in catalogue.lens_page(db, query, 0, 5, limits=only_absent)] == ids[:5]
    assert scanned == ([] if fragment in ("qqq", "qq") else [query])  # a word in no lens is "rare"


def test_the_rare_word_lookup_stops_at_its_limit(catalogue_db):
    """A common word costs its lookup no more than ``rare_word_rows`` lenses; a word is rare
    below that many, whichever of the words it is."""
    db = catalogue_db
    if db.backend != "sqlite":
        pytest.skip("the trigram index is SQLite's")
    common, rare, pair = "comfort", "aipz", "ai"
    limit = len(expected_ids(db, rare)) + 1
    assert 0 < limit - 1 and len(expected_ids(db, common)) >= limit and len(expected_ids(db, pair)) >= limit
    limits = PlannerLimits(rare_word_rows=limit)
    with db.transaction() as s:
        assert planner.rare_match(s, (common,), limits) is None
        assert planner.rare_match(s, (pair,), limits) is None  # a common pair
        assert planner.rare_match(s, (common, rare), limits) == planner.rare_match(s, (rare,), limits) != ""
        assert planner.rare_match(s, ("x",), limits) is None  # one character: the index cannot say
        assert planner.rare_match(s, ("qqqq",), limits) == ""  # in no lens at all


def test_sqlite_and_postgresql_whole_results_are_given_their_plans(catalogue_db):
    with catalogue_db.transaction() as s:
        plan = catalogue.plan_query(s, LensQuery(text="zq"), whole=True)
        page_plan = catalogue.plan_query(s, LensQuery(text="zq"))
    if catalogue_db.backend == "sqlite":
        assert plan.fts_match and not plan.fts_in_sort_order
    elif catalogue_db.backend == "postgresql":
        assert plan == QueryPlan(pair_index=True)
        assert page_plan == QueryPlan(pair_index=True)  # a rare pair: found through its index
        common = PlannerLimits(pair_page_rows=0)  # as if every pair were common
        with catalogue_db.transaction() as s:
            assert catalogue.plan_query(s, LensQuery(text="zq"), limits=common) == QueryPlan()  # LIKE in name order
    else:
        assert plan == page_plan == QueryPlan()


def explained(db, stmt: str, params, settings: tuple[str, ...] = ()) -> str:
    """PostgreSQL's plan of a statement the app ran (``captured``), with planner settings."""
    with db.transaction() as s:
        for setting in settings:
            s.execute(text(f"SET LOCAL {setting}"))
        rows = s.connection().exec_driver_sql("EXPLAIN " + stmt, params)
        return "\n".join(r[0] for r in rows)


def captured(db, call) -> list[tuple[str, object]]:
    """The SELECT statements (with their parameters) that ``call()`` sends to the database."""
    from sqlalchemy import event

    seen: list[tuple[str, object]] = []

    def remember(_conn, _cursor, statement, parameters, _context, _many):
        if statement.lstrip().upper().startswith("SELECT"):
            seen.append((statement, parameters))

    event.listen(db.engine, "before_cursor_execute", remember)
    try:
        call()
    finally:
        event.remove(db.engine, "before_cursor_execute", remember)
    return seen


def vacuum_analyze(db) -> None:
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.exec_driver_sql("VACUUM ANALYZE verres")


def test_postgresql_estimates_a_pair_from_its_statistics(catalogue_db):
    if catalogue_db.backend != "postgresql":
        pytest.skip("PostgreSQL only")
    vacuum_analyze(catalogue_db)
    with catalogue_db.transaction() as s:
        common, absent = planner.pair_rows(s, "ai"), planner.pair_rows(s, "qj")
    assert len(expected_ids(catalogue_db, "ai")) >= 10 and not expected_ids(catalogue_db, "qj")
    assert common >= 5 * absent


@pytest.mark.parametrize("fragment", ["x", "comfort", "zq comfort", ""])
def test_postgresql_pages_ask_no_pair_estimate_without_a_two_character_word_alone(catalogue_db, monkeypatch, fragment):
    if catalogue_db.backend != "postgresql":
        pytest.skip("PostgreSQL only")
    asked = []
    monkeypatch.setattr(planner, "pair_rows", lambda s, pair: asked.append(pair) or 0.0)
    with catalogue_db.transaction() as s:
        assert catalogue.plan_query(s, LensQuery(text=fragment)) == QueryPlan()
    assert asked == []  # pg_trgm serves longer words; one character has no pair


def test_postgresql_search_pages_in_name_order_test_the_search_in_the_index(catalogue_db):
    """Ids first, through an index-only scan of the name index (which carries the search
    text), then the page's lenses by id; where the lens row is needed anyway, one statement."""
    db = catalogue_db
    if db.backend != "postgresql":
        pytest.skip("PostgreSQL only")
    vacuum_analyze(db)  # index-only scans need the visibility map
    ids = list(catalogue.lens_ids(db, LensQuery(text="ai")))
    pages = []
    statements = captured(db, lambda: pages.append(catalogue.lens_page(db, LensQuery(text="ai"), 0, 5)))
    assert [r.id for r in pages[0]] == ids[:5]
    (page_sql, params), = statements
    assert "FROM (SELECT verres.id" in page_sql
    plan = explained(db, page_sql, params, ("enable_seqscan = off", "enable_bitmapscan = off"))
    assert "Index Only Scan using idx_verre_nom_recherche" in plan
    for query in (LensQuery(text="ai", sort="indice"), LensQuery(text="ai", fitting_height=15), LensQuery()):
        statements = captured(db, lambda query=query: catalogue.lens_page(db, query, 0, 5))
        assert all("FROM (SELECT verres.id" not in sql for sql, _ in statements), query


def test_a_page_sorted_by_index_reads_the_index_in_order(catalogue_db):
    """(indice, id): no sort of a whole index value on PostgreSQL (revision 0006)."""
    db = catalogue_db
    if db.backend != "postgresql":
        pytest.skip("PostgreSQL only")
    query = LensQuery(sort="indice")
    ids = list(catalogue.lens_ids(db, query))
    pages = []
    (page_sql, params), = captured(db, lambda: pages.append(catalogue.lens_page(db, query, 0, 5)))
    assert [r.id for r in pages[0]] == ids[:5]
    plan = explained(db, page_sql, params, ("enable_seqscan = off", "enable_bitmapscan = off"))
    assert "idx_verre_indice " in plan and "Sort" not in plan


def test_postgresql_reads_two_character_words_in_its_index_of_pairs(catalogue_db):
    if catalogue_db.backend != "postgresql":
        pytest.skip("PostgreSQL only")
    stmt = select(func.count()).select_from(Verre).where(
        *filter_clauses(LensQuery(text="zq"), POSTGRESQL_WHOLE_PLAN))
    with catalogue_db.transaction() as s:
        s.execute(text("SET LOCAL enable_seqscan = off"))  # 40 lenses: a scan would be cheaper
        conn = s.connection()
        compiled = stmt.compile(dialect=conn.dialect)
        plan = "\n".join(r[0] for r in conn.exec_driver_sql("EXPLAIN " + str(compiled), compiled.params))
    assert "idx_verre_recherche_paires" in plan


def test_search_index_follows_edits_deletes_and_raw_writes(catalogue_db):
    db = catalogue_db
    refs = make_refs(db)
    lens_id = catalogue.create_lens(db, lens_values(refs, nom="Kryptonite", gravure_nasale="QWX")).lens_id
    assert list(catalogue.lens_ids(db, LensQuery(text="qwx"))) == [lens_id]
    detail = catalogue.get_lens(db, lens_id)
    catalogue.update_lens(db, lens_id, {**detail.form_values(), "gravure_nasale": "WQV"}, detail.version)
    assert catalogue.count_lenses(db, LensQuery(text="qwx")) == 0
    assert list(catalogue.lens_ids(db, LensQuery(text="wq"))) == [lens_id]
    with db.transaction() as s:  # a raw write (an old tool, a restore): triggers keep the index
        s.execute(update(Verre).where(Verre.id == lens_id).values(recherche=search_key("Kryptonite", None, "JJY")))
    assert list(catalogue.lens_ids(db, LensQuery(text="jjy"))) == [lens_id]
    assert catalogue.count_lenses(db, LensQuery(text="wq")) == 0
    catalogue.delete_lenses(db, [lens_id])
    assert catalogue.count_lenses(db, LensQuery(text="jjy")) == 0
    if db.backend == "sqlite":
        with db.transaction() as s:
            s.execute(text("INSERT INTO verres_fts(verres_fts, rank) VALUES ('integrity-check', 0)"))


def sort_keys(db, lens_id: int) -> tuple[str | None, str | None, str | None]:
    with db.transaction() as s:
        row = s.execute(select(Verre.tri_gamme, Verre.tri_serie, Verre.tri_materiau).where(Verre.id == lens_id)).one()
    return row.tri_gamme, row.tri_serie, row.tri_materiau


def test_sort_keys_follow_renames_and_merges(db):
    refs = make_refs(db)
    other = make_refs(db, "Essilor", "Varilux", "Physio", "Stylis")
    lens_id = catalogue.create_lens(db, lens_values(refs)).lens_id
    assert sort_keys(db, lens_id) == ("varilux", "comfort max", "orma")
    catalogue.rename_reference(db, "gamme", refs.range_, "Éclat")
    catalogue.rename_reference(db, "materiau", refs.material, "ORMA Plus")
    assert sort_keys(db, lens_id) == ("eclat", "comfort max", "orma plus")
    catalogue.merge_references(db, "serie", refs.series, other.series)
    catalogue.merge_references(db, "materiau", refs.material, other.material)
    assert sort_keys(db, lens_id) == ("eclat", "physio", "stylis")
    detail = catalogue.get_lens(db, lens_id)
    catalogue.update_lens(db, lens_id, {**detail.form_values(), "serie_id": None, "materiau_id": None}, detail.version)
    assert sort_keys(db, lens_id) == ("eclat", None, None)


def test_import_writes_the_sort_keys(db, tmp_path: Path):
    path = tmp_path / "import.csv"
    path.write_text(
        "Fournisseur;Gamme;Série;Nom;Variante;Matériau;Indice;Hauteur min;Hauteur max;Gravure nasale;URL source\n"
        "Zeiss;Précision;Pure;Zeiss Precision Pure;;MR-8;1,6;14;22;ZP;\n"
        "Zeiss;;;Zeiss Office;;;1,5;;;;\n",
        encoding="utf-8",
    )
    report = import_lenses(db, path)
    assert report.written
    ids = {catalogue.get_lens(db, i).nom: i for i in catalogue.lens_ids(db, LensQuery())}
    assert sort_keys(db, ids["Zeiss Precision Pure"]) == ("precision", "pure", "mr-8")
    assert sort_keys(db, ids["Zeiss Office"]) == (None, None, None)
    assert list(catalogue.lens_ids(db, LensQuery(text="zp"))) == [ids["Zeiss Precision Pure"]]


def test_upgrade_fills_sort_keys_and_search_index_of_existing_lenses(db):
    refs = make_refs(db)
    lens_id = catalogue.create_lens(db, lens_values(refs, gravure_nasale="QJ")).lens_id
    downgrade(db, "0002")
    upgrade(db)
    assert sort_keys(db, lens_id) == ("varilux", "comfort max", "orma")
    assert list(catalogue.lens_ids(db, LensQuery(text="qj"))) == [lens_id]
    assert list(catalogue.lens_ids(db, LensQuery(sort="gamme"))) == [lens_id]


def test_timestamps_keep_microseconds(db):
    refs = make_refs(db)
    lens_id = catalogue.create_lens(db, lens_values(refs)).lens_id
    with db.transaction() as s:
        s.execute(update(Verre).where(Verre.id == lens_id).values(modifie_le=datetime(2026, 1, 2, 3, 4, 5, 678901)))
    assert catalogue.get_lens(db, lens_id).modifie_le.microsecond == 678901


def test_reading_all_ids_stops_early_when_cancelled(catalogue_db):
    by_variant = LensQuery(sort="variante")  # read in two parts: filled variants, then empty
    assert len(catalogue.lens_ids(catalogue_db, by_variant, cancelled=lambda: True)) == 24
    assert len(catalogue.lens_ids(catalogue_db, by_variant, cancelled=lambda: False)) == 40


def test_sqlite_reads_ids_first_exactly_when_it_sorts_the_rows_itself():
    """A page SQLite sorts itself (several values of a filter's index, another sort than the
    name's, the trigram index's matches) reads ids and the sort key first, then the page's
    rows: otherwise every matching lens's cells, its shapes' subquery included, are computed
    before the sort."""
    several = LensQuery(series_ids=(3, 4))
    assert planner.sqlite_sorts(several, QueryPlan())
    assert not planner.sqlite_sorts(several, QueryPlan(no_filter_index=True))  # the name index, in order
    assert not planner.sqlite_sorts(LensQuery(series_ids=(3,)), QueryPlan())  # its index keeps the name order
    assert planner.sqlite_sorts(LensQuery(series_ids=(3,), sort="indice"), QueryPlan())
    assert not planner.sqlite_sorts(LensQuery(), QueryPlan())
    assert planner.sqlite_sorts(LensQuery(text="ai"), QueryPlan(fts_match="ai"))
    assert not planner.sqlite_sorts(LensQuery(text="ai"), QueryPlan(fts_match="ai", fts_in_sort_order=True))
