"""The ranked search on the three databases: the same words give the same ranked answer."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from sqlalchemy import func, select, text

from data import catalogue
from data.catalogue.candidates import FRAGMENT_LIMIT, browse_query
from data.catalogue.code_keys import (
    code_candidates,
    key_rows,
    rebuild_code_keys,
    replace_code_keys,
    stale_code_keys,
    stored_skeleton,
)
from data.catalogue.lens_writes import insert_lens
from data.catalogue.ranked import near_misses, ranked_search
from data.catalogue.vocabulary import vocabulary
from data.identify import parse
from data.models import Verre, VerreCode
from data.query import LensQuery
from tests.factories import lens_values, make_refs


@dataclass
class Shelf:
    db: object
    ids: dict[str, int]
    essilor: int
    zeiss: int


LENSES = {
    # key: (maker, name, engraving, index)
    "spu50": ("zeiss", "Zeiss Progressive Individual", "SPU50 14", 1.5),
    "spu50_67": ("zeiss", "Zeiss Progressive Individual", "SPU50 14", 1.67),
    "spl67": ("zeiss", "Zeiss Progressive Light", "SPL67", 1.67),
    "hm50": ("hoya", "Hoyalux Summit", "HM 50", 1.5),
    "sbr60": ("hoya", "Hoyalux Balansis", "SBR-60", 1.6),
    "aicx": ("essilor", "Varilux X Series", "AICX", 1.67),
    "ai_67": ("essilor", "Varilux Comfort", "AI", 1.67),
    "ai_50": ("essilor", "Varilux Comfort", "AI", 1.5),
    "aipz": ("essilor", "Varilux Physio", "AIPZ", 1.67),
    "e3_67": ("essilor", "Varilux E Series", "E3 ou E3S ou E3XS", 1.67),
    "e3_50": ("essilor", "Varilux E Series", "E3 ou E3S ou E3XS", 1.5),
    "sigma": ("rodenstock", "Impression Sigma", "ΣIQ", 1.6),
    "hde_60": ("rodenstock", "Multigressiv HDE", "HDE", 1.6),
    "hde_604": ("rodenstock", "Multigressiv HDE", "HDE", 1.604),
    "hde_67": ("rodenstock", "Multigressiv HDE", "HDE", 1.67),
}


@pytest.fixture
def shelf(db) -> Shelf:
    makers = {
        "essilor": make_refs(db, "Essilor", "Varilux", "Comfort", "Orma"),
        "zeiss": make_refs(db, "ZEISS", "Progressive", "Individual", "Clarlet"),
        "hoya": make_refs(db, "Hoya", "Hoyalux", "Summit", "Eyas"),
        "rodenstock": make_refs(db, "Rodenstock", "Multigressiv", "Mono", "Perfalit"),
    }
    ids = {
        key: catalogue.create_lens(db, lens_values(
            makers[maker], nom=name, gravure_nasale=code, indice=index, hauteur_min=14)).created[0]
        for key, (maker, name, code, index) in LENSES.items()
    }
    return Shelf(db, ids, makers["essilor"].supplier, makers["zeiss"].supplier)


def search(shelf: Shelf, box: str, query: LensQuery | None = None):
    parsed = parse(box, vocabulary(shelf.db))
    return ranked_search(shelf.db, query or LensQuery(), parsed)


def keys_of(shelf: Shelf, result) -> list[str]:
    by_id = {v: k for k, v in shelf.ids.items()}
    return [by_id[i] for i in result.ids]


def test_maker_misread_code_and_index_put_the_lens_first_with_its_misreading(shelf):
    result = search(shelf, "zeiss spu5o 1,5")
    assert keys_of(shelf, result)[0] == "spu50"
    assert result.reasons[shelf.ids["spu50"]] == "code proche : O lu 0"
    assert "spl67" not in keys_of(shelf, result)  # 1.67: not within 0.02 of 1,5
    assert not result.cut


@pytest.mark.parametrize("box, first, reason", [
    ("hm50", "hm50", "code exact"),
    ("sbr60", "sbr60", "code exact"),
    ("a1cx", "aicx", "code proche : 1 lu I"),
    ("sigma", "sigma", "début du code"),
])
def test_codes_compare_as_read(shelf, box, first, reason):
    result = search(shelf, box)
    assert keys_of(shelf, result)[0] == first
    assert result.reasons[shelf.ids[first]] == reason


def test_an_alternative_with_its_index_comes_first(shelf):
    assert keys_of(shelf, search(shelf, "e3s 1,67")) == ["e3_67"]
    assert set(keys_of(shelf, search(shelf, "e3s"))) == {"e3_50", "e3_67"}


def test_exact_codes_before_codes_starting_with_them(shelf):
    found = keys_of(shelf, search(shelf, "ai 1,67"))
    assert found[:1] == ["ai_67"]
    assert set(found[1:3]) == {"aicx", "aipz"}
    assert "ai_50" not in found


def test_typed_index_keeps_the_near_ones_after_the_exact_one(shelf):
    result = search(shelf, "hde 1,6")
    assert keys_of(shelf, result) == ["hde_60", "hde_604"]
    assert result.reasons[shelf.ids["hde_604"]] == "code exact, indice proche"


def test_ticked_lists_narrow_the_ranked_search(shelf):
    assert keys_of(shelf, search(shelf, "ai", LensQuery(indices=(1.5,)))) == ["ai_50"]
    assert search(shelf, "hm50", LensQuery(supplier_ids=(shelf.essilor,))).ids == ()


def test_a_code_typed_in_two_words_is_found_joined(shelf):
    assert keys_of(shelf, search(shelf, "spu 50 1,5"))[0] == "spu50"


def test_a_name_fragment_finds_lenses_by_name_after_codes(shelf):
    result = search(shelf, "balansis")
    assert keys_of(shelf, result) == ["sbr60"]
    assert result.reasons[shelf.ids["sbr60"]] == "nom"


def test_a_maker_alone_is_the_sorted_list_narrowed_to_it(shelf):
    parsed = parse("essilor", vocabulary(shelf.db))
    assert ranked_search(shelf.db, LensQuery(), parsed) is None
    narrowed = browse_query(LensQuery(), parsed)
    assert narrowed.supplier_ids == (shelf.essilor,)
    assert catalogue.count_lenses(shelf.db, narrowed) == 6


def test_an_empty_result_offers_the_nearest_ways_out(shelf):
    parsed = parse("zeiss spu5o 1,74", vocabulary(shelf.db))
    assert ranked_search(shelf.db, LensQuery(), parsed).ids == ()
    offers = near_misses(shelf.db, LensQuery(), parsed)
    assert offers[0] == "sans l'indice : 2 verres"
    assert "code proche : SPU50 14 (indice 1,50 ou 1,67)" in offers  # found at other indices only
    parsed = parse("hoya ai", vocabulary(shelf.db))
    assert ranked_search(shelf.db, LensQuery(), parsed).ids == ()
    assert near_misses(shelf.db, LensQuery(), parsed) == ["sans le fabricant : 4 verres"]


def test_with_no_code_one_edit_away_the_makers_codes_that_look_most_like_it_are_offered(shelf):
    """« essilor pzai 1,67 »: no code of any maker is one edit away; Essilor's codes sharing most
    of it are offered, the one at the typed index first, none of another maker."""
    parsed = parse("essilor pzai 1,67", vocabulary(shelf.db))
    assert ranked_search(shelf.db, LensQuery(), parsed).ids == ()
    offers = near_misses(shelf.db, LensQuery(), parsed)
    near = [o for o in offers if o.startswith("code proche : ")]
    assert near and near[0] == "code proche : AIPZ"
    assert not any("SPU50" in o or "HDE" in o for o in offers)
    ticked = parse("pzai", vocabulary(shelf.db))  # the maker ticked in its list instead
    assert "code proche : AIPZ" in near_misses(shelf.db, LensQuery(supplier_ids=(shelf.essilor,)), ticked)
    assert not any(o.startswith("code proche") for o in near_misses(shelf.db, LensQuery(), ticked))


# ---------------------------------------------------------------- the keys table


def test_key_rows_hold_each_skeleton_once():
    assert key_rows(7, "SPU50 14") == [("5pu5014", 7), ("5pu50", 7), ("14", 7)]
    assert key_rows(3, "ΣIQ") == [("516ma1q", 3), ("51q", 3), ("e1q", 3)]
    assert key_rows(1, None) == [] and key_rows(1, " - ") == []
    assert all(len(s) <= 64 for s, _ in key_rows(2, "Ω" * 40))


def test_candidates_come_from_the_keys_and_deleting_a_lens_drops_them(shelf):
    db, lens = shelf.db, shelf.ids["hm50"]
    with db.transaction() as session:
        replace_code_keys(session, [(lens, "HX 60")])  # keys no longer those of its HM 50
    assert search(shelf, "hm5").ids == ()
    with db.transaction() as session:
        assert stale_code_keys(session) == [lens]
        replace_code_keys(session, [(lens, "HM 50")])
        assert stale_code_keys(session) == []
    assert keys_of(shelf, search(shelf, "hm5")) == ["hm50"]
    catalogue.delete_lenses(db, [lens])
    with db.transaction() as session:
        left = session.execute(
            select(func.count()).select_from(VerreCode).where(VerreCode.verre_id == lens)
        ).scalar_one()
    assert left == 0


def test_stale_keys_report_missing_extra_and_orphan_rows(shelf):
    db = shelf.db
    with db.transaction() as session:
        session.execute(text("DELETE FROM verres_codes WHERE verre_id = :i"), {"i": shelf.ids["aicx"]})
        session.execute(text("INSERT INTO verres_codes (squelette, verre_id) VALUES ('zz', :i)"),
                        {"i": shelf.ids["sigma"]})
        assert stale_code_keys(session) == sorted([shelf.ids["aicx"], shelf.ids["sigma"]])
        rebuild_code_keys(session)
        assert stale_code_keys(session) == []


def test_key_lookups_read_the_primary_key_on_sqlite(sqlite_db):
    with sqlite_db.engine.connect() as conn:
        for condition in ("squelette >= 'a1' AND squelette < 'a2'", "squelette IN ('e35', 'e3')"):
            plan = " ".join(str(row[-1]) for row in conn.exec_driver_sql(
                "EXPLAIN QUERY PLAN SELECT verres_codes.verre_id FROM verres_codes "
                f"JOIN verres ON verres.id = verres_codes.verre_id WHERE {condition} "
                "AND verres.indice BETWEEN 1.65 AND 1.69 ORDER BY squelette, verre_id LIMIT 10"))
            assert "SEARCH verres_codes USING PRIMARY KEY" in plan, plan
            assert "TEMP B-TREE" not in plan or "IN" in condition, plan


def test_bounded_key_lookups_say_when_they_were_cut_alike_on_every_database(shelf):
    """A lookup reads at most ``scan`` keys before the lens filters apply: it is cut when it
    read that many (a lens may lie beyond), or when ``limit`` lenses were found; the ids kept
    are the same on the three databases, in key order (the nearest keys first)."""
    sp = [stored_skeleton("sp")]  # SPL67, SPU50 14 (twice): 5 keys, 2 lenses at 1.67
    at_167 = [(Verre.indice + 0).between(1.669, 1.671)]
    wanted = {shelf.ids["spl67"], shelf.ids["spu50_67"]}
    with shelf.db.transaction() as session:
        ids, cut = code_candidates(session, [], sp, at_167, 10, scan=6)
        assert (set(ids), cut) == (wanted, False)
        ids, cut = code_candidates(session, [], sp, at_167, 10, scan=2)
        assert cut and set(ids) < wanted
        ids, cut = code_candidates(session, [], sp, [], 2, scan=6)
        assert cut and len(ids) == 2
        ids, cut = code_candidates(session, [stored_skeleton("spu5o")], [], at_167, 10, scan=6)
        assert (ids, cut) == ([shelf.ids["spu50_67"]], False)
        ids, cut = code_candidates(session, [stored_skeleton("spu5o")], [], at_167, 10, scan=2)
        assert (ids, cut) == ([shelf.ids["spu50_67"]], True)


def test_a_first_keystroke_alone_lists_the_nearest_hundred_and_says_it_was_cut(shelf):
    """One or two characters and nothing else (the optician is still typing): the nearest
    hundred lenses, cut (« précisez »); with an index they narrow, and every lens is read."""
    refs = make_refs(shelf.db, "Essilor", "Varilux", "Comfort", "Orma")
    with shelf.db.transaction() as session:
        for i in range(130):
            code = f"CQ{chr(65 + i // 26)}{chr(65 + i % 26)}"
            insert_lens(session, lens_values(refs, nom=f"Verre {code}", gravure_nasale=code,
                                             indice=1.6), None, False, audit=False)
    alone = search(shelf, "cq")
    assert (len(alone), alone.cut) == (FRAGMENT_LIMIT, True)
    narrowed = search(shelf, "cq 1,6")
    assert (len(narrowed), narrowed.cut) == (130, False)
    three = search(shelf, "cqa")  # three characters: not a first keystroke
    assert not three.cut and len(three) >= 26  # CQAA to CQAZ, then CQBA... one edit away


def test_two_legible_characters_and_the_index_find_a_code_with_one_faded(shelf):
    # HDE read « HE » under the lamp (the D faded): the index narrows enough to offer it.
    result = search(shelf, "he 1,6")
    assert keys_of(shelf, result)[:2] == ["hde_60", "hde_604"]
    assert result.reasons[shelf.ids["hde_60"]] == "un caractère effacé"
    assert keys_of(shelf, search(shelf, "he", LensQuery(indices=(1.6,))))[0] == "hde_60"
    assert "hde_67" in keys_of(shelf, search(shelf, "rodenstock he"))
    assert not {"hde_60", "hde_604", "hde_67"} & set(keys_of(shelf, search(shelf, "he")))


def test_a_faded_character_in_one_part_of_the_code(shelf):
    # HM 50 read « M 50 » at 1,5 (the H faded).
    result = search(shelf, "m 50 1,5")
    assert keys_of(shelf, result)[0] == "hm50"
    assert result.reasons[shelf.ids["hm50"]] == "un caractère effacé"
