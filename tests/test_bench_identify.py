"""The identification benchmark's guide and cases: shaped like real engravings, honest about what
was typed, and scored against the lens groups (no timings: figures come from the bench)."""

from __future__ import annotations

import re
from collections import defaultdict

import pytest

from bench.codes_as_read import alternatives, code_key, code_keys, readings
from bench.guide import INDEX_DIGITS, guide_lenses, load_guide
from bench.identify_cases import (
    KINDS,
    Case,
    GroupIndex,
    anchor_search,
    draw_cases,
    score,
    substitutions,
)
from data import catalogue


@pytest.fixture(scope="module")
def guide() -> list[dict]:
    return guide_lenses()


@pytest.fixture(scope="module")
def cases(guide: list[dict]) -> list[Case]:
    return draw_cases(guide, per_kind=60)


def test_guide_is_deterministic_large_and_one_lens_per_key(guide):
    assert guide == guide_lenses()
    assert len(guide) >= 10_000
    keys = {(lens["fournisseur"], lens["nom"], lens["variante"], lens["indice"]) for lens in guide}
    assert len(keys) == len(guide)
    sizes = defaultdict(int)
    for lens in guide:
        sizes[lens["fournisseur"]] += 1
    assert len(sizes) >= 10 and max(sizes.values()) > 20 * min(sizes.values())
    assert all(1.5 <= lens["indice"] <= 1.9 for lens in guide)


def test_guide_codes_have_the_shapes_of_real_engravings(guide):
    codes = [lens["gravure_nasale"] for lens in guide]
    assert any(" ou " in c for c in codes) and any(re.search(r"\S/\S", c) for c in codes)
    assert any(" / " in c for c in codes) and any(re.search(r" /\S", c) for c in codes)
    assert any(len(alternatives(c)) == 3 for c in codes)
    assert any(any(" " in alt for alt in alternatives(c)) for c in codes)  # second parts
    assert any(re.fullmatch(r"[A-Z]+ 1\.\d\d [A-Z]+", c) for c in codes)  # KR 1.60 POL
    assert any(re.fullmatch(r"[a-z]+[A-Z]\d+", c) for c in codes)  # mfP67, acU6
    assert any(re.fullmatch(r"\d[A-Z]\d", c) for c in codes)  # 7N2
    assert any("_" in c for c in codes) and any(c.startswith("Σ") for c in codes)
    # The index inside the code: SPU50 at 1.50, SPU67 at 1.67.
    assert sum(INDEX_DIGITS[lens["indice"]] in lens["gravure_nasale"] for lens in guide) > 2_000
    assert all(0 < len(c) <= 50 for c in codes)


def test_guide_shares_codes_across_indices_and_coatings(guide):
    indices = defaultdict(set)
    lenses_per_group = defaultdict(int)
    for lens in guide:
        indices[(lens["fournisseur"], lens["gravure_nasale"])].add(lens["indice"])
        lenses_per_group[(lens["fournisseur"], round(lens["indice"], 2), lens["gravure_nasale"])] += 1
    assert sum(len(v) >= 3 for v in indices.values()) > 300
    assert sum(n >= 2 for n in lenses_per_group.values()) > 1_000


def test_codes_compare_as_read():
    assert alternatives("E3 ou E3S ou E3XS") == ["E3", "E3S", "E3XS"]
    assert alternatives("PY67/P8Y67") == ["PY67", "P8Y67"]
    assert alternatives("wr67 /wir67") == ["wr67", "wir67"]
    assert alternatives("S26 / S29  BZ") == ["S26", "S29  BZ"]  # as printed; stored cleaned
    assert code_key("KR 1.60 POL") == "kr160pol" and code_key("L_5I") == "l5i"
    assert readings(code_key("ΣIQ")) == {"siq", "eiq", "sigmaiq"}
    assert {"kr160pol", "kr", "160", "pol"} <= code_keys("KR 1.60 POL")
    assert set(substitutions("so")) == {"5o", "s0"}


def test_each_case_is_degraded_as_its_kind_says(guide, cases):
    assert {c.kind for c in cases} == set(KINDS)
    index_word = re.compile(r"^1[,.]\d{1,2}$")
    for case in cases:
        read_keys = readings(code_key(case.read))
        observed = code_key(case.observed)
        words = case.text.split()
        lens = guide[case.lens_id - 1]
        assert case.read in alternatives(lens["gravure_nasale"])
        assert case.lens_id in case.group_ids and case.candidates >= 1
        has_index = [w for w in words if index_word.match(w)]
        if case.kind == "code":
            assert code_key(case.text) in read_keys and case.ticked_index is None
        elif case.kind == "code, index ticked":
            assert code_key(case.text) in read_keys and case.ticked_index == lens["indice"]
        else:
            assert case.ticked_index is None
            assert float(has_index[-1].replace(",", ".")) == pytest.approx(lens["indice"], abs=0.006)
        if case.kind == "code+index":
            assert observed in read_keys
        elif case.kind == "misread+index":
            assert observed not in read_keys
            assert any(variant in read_keys for variant in substitutions(observed))
        elif case.kind == "faded+index":
            assert any(len(k) == len(observed) + 1 and any(
                k[:i] + k[i + 1:] == observed for i in range(len(k))) for k in read_keys)
        elif case.kind == "two chars+maker+index":
            assert len(observed) == 2 and any(k.startswith(observed) for k in read_keys)
            assert observed in code_key(case.text)
        if "maker" in case.kind:
            maker = lens["fournisseur"].lower()
            assert any(len(w) >= 4 and maker.startswith(w.lower()) for w in words)


def test_cases_are_drawn_with_a_fixed_seed(guide, cases):
    assert draw_cases(guide, per_kind=60) == cases


def _lens(supplier: str, indice: float, code: str, nom: str = "Verre") -> dict:
    return {"fournisseur": supplier, "indice": indice, "gravure_nasale": code, "nom": nom}


def test_decidability_counts_the_groups_an_ideal_matcher_offers():
    lenses = [
        _lens("ZEISS", 1.5, "SPU50"), _lens("ZEISS", 1.5, "SPU50", "Autre"),  # one group
        _lens("ZEISS", 1.6, "SPU60"), _lens("ZEISS", 1.5, "SP50"), _lens("ZEISS", 1.5, "SPL50"),
        _lens("ZEISS", 1.5, "SPB50 14"), _lens("Hoya", 1.5, "SPU50"), _lens("Hoya", 1.5, "5PU50"),
        _lens("Essilor", 1.5, "HDE"), _lens("Essilor", 1.6, "HDE"), _lens("Essilor", 1.81, "HDE"),
        _lens("Essilor", 1.5, "E3 ou E3S ou E3XS"), _lens("Shamir", 1.5, "ΣIQ"),
    ]
    index = GroupIndex(lenses, range(1, len(lenses) + 1))
    assert len(index.members) == 12
    assert len(index.consistent("code", "spu50", None, None)) == 2  # ZEISS and Hoya
    assert len(index.consistent("maker+code+index", "spu50", "ZEISS", 1.5)) == 1
    assert len(index.consistent("code", "hde", None, None)) == 3
    assert len(index.consistent("code+index", "hde", None, 1.6)) == 1
    assert len(index.consistent("code", "e3s", None, None)) == 1
    assert len(index.consistent("code", "eiq", None, None)) == 1
    # SPU5O: SPU50 at ZEISS and Hoya (O read for 0); 5PU50 is two substitutions away.
    assert len(index.consistent("misread+index", "spu5o", None, 1.5)) == 2
    assert len(index.consistent("misread+index", "spu50", None, 1.5)) == 3  # and 5PU50
    # SP50 faded from SPU50, SPL50 or the first part of SPB50 14 — or read whole.
    assert len(index.consistent("faded+index", "sp50", "ZEISS", 1.5)) == 4
    assert len(index.consistent("two chars+maker+index", "sp", "ZEISS", 1.5)) == 4
    assert len(index.consistent("two chars+maker+index", "sp", "ZEISS", 1.6)) == 1


def _cases() -> list[Case]:
    made = []
    for n, kind in enumerate(KINDS * 2):
        made.append(Case(kind, f"t{n}", None, n + 1, ("M", 1.5, f"c{n}"), (n + 1, 1000 + n), "c", "c",
                         1 if n < len(KINDS) else 9))
    return made


def test_score_is_full_for_a_perfect_search_and_zero_for_an_empty_one():
    cases = _cases()
    by_text = {c.text: c for c in cases}
    perfect = score(cases, lambda text, ticked: [by_text[text].group_ids[1], 5000])
    assert perfect["overall"]["top1"] == perfect["overall"]["top5"] == 100.0
    assert perfect["overall"]["decidable"] == len(KINDS) and perfect["overall"]["undecidable"] == len(KINDS)
    assert all(row["top1"] == 100.0 and row["decidable"] == 1 for row in perfect["kinds"].values())
    empty = score(cases, lambda text, ticked: [])
    assert empty["overall"]["top5"] == 0.0 and empty["overall"]["undecidable"] == len(KINDS)
    third = score(cases, lambda text, ticked: [9999, 9998, by_text[text].lens_id])
    assert third["overall"]["top1"] == 0.0 and third["overall"]["top5"] == 100.0


def test_guide_loads_through_the_catalogue_and_today_search_runs_on_it(db, guide):
    sample = [lens for lens in guide if lens["fournisseur"] in ("Leica", "Thai Optical")]
    ids = load_guide(db, sample)
    assert len(ids) == len(sample) == catalogue.count_lenses(db, catalogue.LensQuery())
    rows = {row.id: row for row in catalogue.lens_rows(db, ids)}
    for lens, lens_id in zip(sample, ids, strict=True):
        assert rows[lens_id].gravure_nasale == lens["gravure_nasale"]
        assert rows[lens_id].indice == pytest.approx(lens["indice"])
    cases = draw_cases(sample, ids, per_kind=10)
    result = score(cases, anchor_search(db))
    assert set(result["kinds"]) == set(KINDS)
    assert result["kinds"]["code, index ticked"]["top5"] > 50.0


# ---------------------------------------------------------------- signs


def test_a_third_of_the_guide_carries_signs_composed_as_real_ones(guide):
    from data.symbols import by_key

    signed = [lens for lens in guide if lens.get("symboles")]
    assert 0.28 < len(signed) / len(guide) < 0.4
    assert all(1 <= len(lens["symboles"]) <= 4 for lens in signed)
    assert all(by_key(key) for lens in signed for key in lens["symboles"])
    assert {"Essilor", "BBGR", "Seiko", "Nikon"} <= {lens["fournisseur"] for lens in signed}
    # Letters and the index digit kept as the code: e5 on an Essilor 1.5.
    assert any(lens["gravure_nasale"] == "e5" and lens["indice"] == 1.5 for lens in signed)
    assert all(re.fullmatch(r"[A-Za-z]{0,2}\d?", lens["gravure_nasale"]) for lens in signed)


def test_sign_cases_take_at_most_three_actions_and_hold_their_lens():
    from bench.identify_signs import LOOK_ALIKE, MAX_ACTIONS, SIGN_KINDS, draw_sign_cases

    lenses = guide_lenses()
    cases = draw_sign_cases(lenses, per_kind=40)
    assert cases == draw_sign_cases(lenses, per_kind=40)  # a fixed seed
    assert {c.kind for c in cases} == set(SIGN_KINDS)
    by_id = dict(enumerate(lenses, start=1))
    for case in cases:
        assert case.actions <= MAX_ACTIONS and case.observed
        shapes = set(by_id[case.lens_id]["symboles"])
        absent = [s for s in case.observed if s not in shapes]
        if case.kind == "sign, look-alike picked":
            assert len(absent) == 1 and set(LOOK_ALIKE[absent[0]]) & shapes
        else:
            assert not absent
        if case.kind == "sign, one shape missing":
            assert len(case.observed) < len(shapes)
        assert case.lens_id in case.group_ids and case.candidates >= 1


def test_sign_score_is_full_for_a_perfect_search_and_zero_for_an_empty_one():
    from bench.identify_signs import draw_sign_cases, score_signs

    cases = draw_sign_cases(guide_lenses(), per_kind=10)
    by_shapes = {(c.text, c.ticked_index, c.symbols): c.group_ids for c in cases}
    perfect = score_signs(cases, lambda text, ticked, symbols: by_shapes[(text, ticked, symbols)])
    assert perfect["overall"]["top1"] == 100.0
    assert score_signs(cases, lambda *_: [])["overall"]["top5"] == 0.0
