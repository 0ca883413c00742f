"""How a typed code matches a stored one: one-edit neighbours, tiers, reasons and doubts."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from data.identify.codes import SKELETON_ALPHABET, compact, engraving_key_roles, skeleton
from data.identify.matching import Tier, match_code, neighbours, reason_on

codes = st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", min_size=1, max_size=8)
engravings = st.lists(
    st.text(alphabet="ABDEGHIKLMOPSUVXYZ0125678 ._-Σé", min_size=1, max_size=9),
    min_size=1,
    max_size=3,
).map(" ou ".join)


def test_reason_on_names_second_parts_and_alternatives():
    roles = {r.key: r for r in engraving_key_roles("E3 ou E3S SX")}
    assert reason_on(roles["e3"], "code exact") == "code exact"
    assert reason_on(roles["e3ssx"], "code exact") == "code exact, variante E3S SX"
    assert reason_on(roles["sx"], "code exact") == "code exact, 2e partie du code"


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
