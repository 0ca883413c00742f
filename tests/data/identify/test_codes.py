import pytest
from hypothesis import given
from hypothesis import strategies as st

from data.identify.codes import (
    SKELETON_ALPHABET,
    Tier,
    compact,
    compact_variants,
    engraving_key_roles,
    engraving_keys,
    implied_index,
    match_code,
    neighbours,
    reason_on,
    skeleton,
)

codes = st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", min_size=1, max_size=8)
engravings = st.lists(
    st.text(alphabet="ABDEGHIKLMOPSUVXYZ0125678 ._-Σé", min_size=1, max_size=9),
    min_size=1,
    max_size=3,
).map(" ou ".join)


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


def test_reason_on_names_second_parts_and_alternatives():
    roles = {r.key: r for r in engraving_key_roles("E3 ou E3S SX")}
    assert reason_on(roles["e3"], "code exact") == "code exact"
    assert reason_on(roles["e3ssx"], "code exact") == "code exact, variante E3S SX"
    assert reason_on(roles["sx"], "code exact") == "code exact, 2e partie du code"


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


def test_neighbours_of_a_six_character_key():
    found = neighbours("acefhj")
    assert len(found) == 194  # 6 deleted + 5 swapped + 7 × 27 inserted - 6 doubles
    assert "acefh" in found and "caefhj" in found and "acefhjx" in found
    assert "acefhj" not in found
    assert "acefxj" not in found  # a substitution is not an edit: misreads share the skeleton


@given(codes, st.integers(min_value=0), st.sampled_from(SKELETON_ALPHABET), st.sampled_from("dis"))
def test_a_key_read_with_one_edit_is_found_among_the_neighbours(code, where, ch, kind):
    key = compact(code)
    i = where % (len(key) + 1)
    if kind == "d":  # a faded character: the optician types one less
        if i == len(key):
            return
        typed = key[:i] + key[i + 1 :]
    elif kind == "i":  # one character too many
        typed = key[:i] + ch + key[i:]
    else:  # two adjacent characters swapped
        if i + 1 >= len(key):
            return
        typed = key[:i] + key[i + 1] + key[i] + key[i + 2 :]
    stored = skeleton(key)
    assert stored == skeleton(typed) or stored in neighbours(skeleton(typed))
    if len(typed) >= 3:
        assert match_code(typed, key) is not None


@given(engravings)
def test_every_key_of_an_engraving_matches_itself_exactly(engraving):
    for role in engraving_key_roles(engraving):
        assert role.key
        assert len(role.written) == len(role.key)
        match = match_code(role.key, role.key, role.written)
        assert match is not None and match.tier is Tier.EXACT


@pytest.mark.parametrize(
    ("typed", "key", "tier", "reason"),
    [
        ("hm50", "hm50", Tier.EXACT, "code exact"),
        ("spu", "spu50", Tier.START, "début du code"),
        ("spu5o", "spu50", Tier.MISREAD, "code proche : O lu 0"),
        ("a1cx", "aicx", Tier.MISREAD, "code proche : 1 lu I"),
        ("8x", "bx", Tier.MISREAD, "code proche : 8 lu B"),
        ("5pu5o", "spu50", Tier.MISREAD, "code proche : 5 lu S, O lu 0"),
        ("spu5o", "spu5014", Tier.START_MISREAD, "début du code proche : O lu 0"),
        ("sp50", "spu50", Tier.FADED, "un caractère effacé"),
        ("sp5o", "spu50", Tier.FADED, "un caractère effacé, O lu 0"),
        ("spu5o", "spu5", Tier.EXTRA, "un caractère en trop"),
        ("spuu50", "spu50", Tier.EXTRA, "un caractère en trop"),
        ("psu50", "spu50", Tier.SWAPPED, "deux caractères inversés"),
        ("sp5", "spu50", Tier.START_EDIT, "début du code, un caractère effacé"),
        ("pus5", "spu50", None, None),
        ("psu5", "spu50", Tier.START_EDIT, "début du code, deux caractères inversés"),
    ],
)
def test_match_code_tiers_and_reasons(typed, key, tier, reason):
    match = match_code(typed, key)
    if tier is None:
        assert match is None
    else:
        assert match is not None
        assert (match.tier, match.reason) == (tier, reason)


def test_the_reason_shows_the_character_as_engraved():
    match = match_code("mfb67", "mf867", "mF867")
    assert match is not None and match.reason == "code proche : B lu 8"


def test_short_fragments_are_not_matched_loosely():
    assert match_code("o", "0x") is None  # one character: start only
    assert match_code("sp", "s") is None  # an extra character needs 3 typed
    assert match_code("ab", "b") is None
    assert match_code("spu5o", "spu56") is None  # dropping the last typed character is no start
    assert match_code("", "a") is None and match_code("a", "") is None


def test_misreads_rank_after_starts_and_fewer_misreads_first():
    one = match_code("spu5o", "spu50")
    two = match_code("5pu5o", "spu50")
    assert one is not None and two is not None
    assert one.order < two.order
    assert Tier.START < Tier.MISREAD < Tier.START_MISREAD < Tier.FADED < Tier.EXTRA
    assert Tier.EXTRA < Tier.SWAPPED < Tier.START_EDIT


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


def test_with_the_index_or_maker_two_legible_characters_find_a_code_with_one_faded():
    # VBS read under the lamp as « VS », the B faded: the index narrows enough to offer it.
    found = match_code("vs", "vbs", "VBS", narrowed=True)
    assert found is not None and (found.tier, found.reason) == (Tier.FADED, "un caractère effacé")
    assert match_code("kn", "kin", narrowed=True) is not None
    assert match_code("ic", "gic", narrowed=True) is not None  # the first one faded
    assert match_code("j", "pj", narrowed=True) is not None  # one legible character of two
    assert match_code("vs", "vbs") is None  # without an index or a maker: no guessing
    assert match_code("j", "pj") is None


def test_a_short_faded_reading_takes_no_other_liberty():
    assert match_code("vs", "vbbs", narrowed=True) is None  # two characters faded
    assert match_code("v5", "vbs", narrowed=True) is None  # faded and misread
    assert match_code("sv", "vs", narrowed=True) is None  # swapped
    assert match_code("vsx", "vs", narrowed=True) is not None  # 3 typed: one extra as before
    assert match_code("ab", "b", narrowed=True) is None  # one extra typed needs 3


def test_a_code_one_character_longer_is_as_likely_whichever_character_faded():
    faded = match_code("fm74", "zfm74")
    one_more = match_code("fm74", "fm74x")
    several_more = match_code("fm74", "fm74ab")
    assert faded is not None and one_more is not None and several_more is not None
    assert (faded.doubts, one_more.doubts, several_more.doubts) == (1, 1, 2)
    # ZFM74 before FM74AB: one character unread rather than two; at equal doubt the start first.
    assert one_more.order < faded.order < several_more.order
    assert faded.place < several_more.place


def test_each_misread_and_each_unread_character_is_one_doubt():
    assert match_code("spu50", "spu50").doubts == 0
    assert match_code("spu5o", "spu50").doubts == 1
    assert match_code("5pu5o", "spu50").doubts == 2
    assert match_code("spu5o", "spu5014").doubts == 3  # one misread, two unread
    assert match_code("spuu50", "spu50").doubts == 1
    assert match_code("psu50", "spu50").doubts == 1
    assert match_code("sp5", "spu50").doubts == 2  # one faded, one unread after it
