import pytest
from hypothesis import given
from hypothesis import strategies as st

from data.identify.codes import (
    SKELETON_ALPHABET,
    compact,
    compact_variants,
    engraving_key_roles,
    engraving_keys,
    implied_index,
    skeleton,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("HM 50", "hm50"),
        ("SBR-60", "sbr60"),
        ("KR 1.60 POL", "kr160pol"),
        ("L_5I", "l5i"),
        ("wr67 /wir67", "wr67wir67"),
        ("Éco 1,5", "eco15"),
        ("ΣIQ", "sigmaiq"),
        ("AV+", "avplus"),
        ("", ""),
        (None, ""),
    ],
)
def test_compact_reads_the_code_without_separators_case_or_accents(text, expected):
    assert compact(text) == expected


def test_greek_letters_are_read_by_name_and_by_look_alike():
    assert compact_variants("ΣIQ") == ("sigmaiq", "siq", "eiq")
    assert compact_variants("σ-2") == ("sigma2", "s2", "e2")
    assert compact_variants("HM 50") == ("hm50",)
    assert compact_variants("") == ()


def test_engraving_keys_give_each_alternative_and_each_part():
    assert engraving_keys("SPU50 14") == ("spu5014", "spu50", "14")
    assert engraving_keys("KR 1.60 POL") == ("kr160pol", "kr", "160", "pol")
    assert engraving_keys("E3 ou E3S ou E3XS") == ("e3", "e3s", "e3xs")
    assert engraving_keys("PY67/P8Y67") == ("py67", "p8y67")
    assert engraving_keys("wr67 /wir67") == ("wr67", "wir67")
    assert engraving_keys("Bi17 ou Bi47") == ("bi17", "bi47")
    assert engraving_keys("L_5I ou L_5O ou L_5U") == ("l5i", "l5o", "l5u")
    assert engraving_keys("S26 / S29  BZ") == ("s26", "s29bz", "s29", "bz")
    assert engraving_keys("iP8 PZ6") == ("ip8pz6", "ip8", "pz6")
    assert engraving_keys("MSV _7") == ("msv7", "msv", "7")
    assert engraving_keys("CFXA CORRIDOR") == ("cfxacorridor", "cfxa", "corridor")
    assert engraving_keys("A; B or C") == ("a", "b", "c")
    assert engraving_keys("ΣIQ") == ("sigmaiq", "siq", "eiq")
    assert engraving_keys("") == engraving_keys(None) == ()


def test_key_roles_tell_second_parts_alternatives_and_written_form():
    roles = {r.key: r for r in engraving_key_roles("SPU50 14")}
    assert roles["spu5014"].part_no is None and not roles["spu5014"].second_part
    assert roles["spu50"].part_no == 0 and not roles["spu50"].second_part
    assert roles["14"].second_part
    assert roles["spu50"].written == "SPU50"
    first = {r.key: r for r in engraving_key_roles("14 SPU")}
    assert first["14"].part_no == 0 and first["14"].second_part  # a bare number: a second part
    alt = {r.key: r for r in engraving_key_roles("E3 ou E3S")}
    assert (alt["e3"].alternative_no, alt["e3s"].alternative_no) == (0, 1)
    assert alt["e3s"].alternative == "E3S"
    greek = {r.key: r for r in engraving_key_roles("ΣIQ")}
    assert greek["sigmaiq"].written == "ΣΣΣΣΣIQ" and not greek["sigmaiq"].lookalike
    assert greek["siq"].lookalike


def test_skeleton_merges_the_characters_misread_under_a_lamp():
    assert skeleton("O0D") == skeleton("ood") == "000"
    assert skeleton("I1l") == "111"
    assert skeleton("S5B8Z2G6UV") == skeleton("s5b8z2g6uv") == "55882266uu"
    assert skeleton("aicx") == skeleton("a1cx")
    assert skeleton("spu5o") == skeleton("spu50")
    assert skeleton("hm50") != skeleton("hm60")


@given(st.text(max_size=12))
def test_skeleton_of_compact_is_idempotent_and_in_the_alphabet(text):
    skel = skeleton(compact(text))
    assert skeleton(skel) == skel
    if compact(text).isascii():
        assert set(skel) <= set(SKELETON_ALPHABET)


@pytest.mark.parametrize(
    ("key", "index"),
    [
        ("spu50", 1.5),
        ("mfp67", 1.67),
        ("spl67", 1.67),
        ("ssb74", 1.74),
        ("vs53", 1.53),
        ("acu6", 1.6),
        ("msv7", 1.67),
        ("160", 1.6),
        ("e3", None),
        ("bi17", None),
        ("7n2", None),
        ("spu5014", None),
        ("a6", None),
        ("khd", None),
        ("14", None),
        ("1", None),
    ],
)
def test_implied_index_is_read_only_where_the_code_says_it(key, index):
    assert implied_index(key) == index
