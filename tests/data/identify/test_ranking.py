from hypothesis import given
from hypothesis import strategies as st

from data.identify.ranking import Candidate, Ranked, rank
from data.identify.words import ReferenceTerm, TextTerm, Vocabulary, parse

VOCABULARY = Vocabulary(
    suppliers=((1, "ZEISS"), (2, "Hoya"), (3, "Essilor")),
    ranges=((10, "Varilux"),),
    series=((20, "Comfort Max"),),
    materials=((30, "Stylis"),),
)


def lens(ident, engraving, name="Verre", **fields):
    return Candidate(id=ident, engraving=engraving, name=name, **fields)


def ranked(text, candidates):
    return rank(parse(text, VOCABULARY), candidates)


def test_zeiss_spu5o_at_1_5_puts_the_right_lens_first():
    catalogue = [
        lens(1, "SPU50 14", "Progressive Individual", supplier_id=1, supplier="ZEISS", index=1.5),
        lens(2, "SPU50 14", "Progressive Individual", supplier_id=1, supplier="ZEISS", index=1.6),
        lens(3, "SPU56", "Progressive Plus", supplier_id=1, supplier="ZEISS", index=1.56),
        lens(4, "SPU5", "Hoyalux", supplier_id=2, supplier="Hoya", index=1.5),
    ]
    parsed = parse("zeiss spu5o 1,5", VOCABULARY)
    assert [t.label for t in parsed.terms] == ["Fabricant ZEISS", "Gravure spu5o", "Indice 1,50"]
    result = rank(parsed, catalogue)
    assert result[0] == Ranked(1, "code proche : O lu 0")
    assert [r.id for r in result] == [1, 2, 4]  # SPU56 is no reading of SPU5O
    assert result[2].reason == "un caractère en trop"


def test_the_counter_examples_of_the_issue():
    assert ranked("hm50", [lens(1, "HM 50")]) == [Ranked(1, "code exact")]
    assert ranked("sbr60", [lens(1, "SBR-60")]) == [Ranked(1, "code exact")]
    assert ranked("a1cx", [lens(1, "AICX")]) == [Ranked(1, "code proche : 1 lu I")]
    assert ranked("e3s", [lens(1, "E3 ou E3S ou E3XS")]) == [Ranked(1, "code exact, variante E3S")]
    assert ranked("sigma", [lens(1, "ΣIQ")]) == [Ranked(1, "début du code")]
    assert ranked("s", [lens(1, "ΣIQ")]) == [Ranked(1, "début du code")]
    assert ranked("e", [lens(1, "ΣIQ")]) == [Ranked(1, "début du code")]
    assert ranked("sp50", [lens(1, "SPU50")]) == [Ranked(1, "un caractère effacé")]
    assert ranked("8x", [lens(1, "BX")]) == [Ranked(1, "code proche : 8 lu B")]


def test_tiers_order_exact_start_tolerant_then_names():
    catalogue = [
        lens(1, "QQQ", "SPU50 Confort"),  # the word is in its name only
        lens(2, "PSU50"),  # two swapped
        lens(3, "SPU500"),  # starts with it
        lens(4, "SPU5"),  # one extra typed
        lens(5, "SPU50"),
        lens(6, "SPUS0"),  # one misread
        lens(7, "SPX7"),  # not this one
        lens(8, "SPUX50"),  # one faded
    ]
    result = ranked("spu50", catalogue)
    assert result == [
        Ranked(5, "code exact"),
        Ranked(3, "début du code"),
        Ranked(6, "code proche : 5 lu S"),
        Ranked(8, "un caractère effacé"),
        Ranked(4, "un caractère en trop"),
        Ranked(2, "deux caractères inversés"),
        Ranked(1, "nom"),
    ]


def test_within_a_rank_the_index_then_the_maker_comes_first():
    catalogue = [
        lens(1, "HDE", supplier_id=2, index=1.5),
        lens(2, "HDE", supplier_id=1, index=1.81),
        lens(3, "HDE", supplier_id=2, index=1.6),
        lens(4, "HDE", supplier_id=1, index=1.591),
        lens(5, "HDE", supplier_id=1, index=1.6),
        lens(6, "HDE", supplier_id=1, index=None),
    ]
    result = ranked("hde 1,6 zeiss", catalogue)
    assert [r.id for r in result] == [5, 3, 4, 2, 6, 1]
    assert result[2].reason == "code exact, indice proche"
    assert result[0].reason == "code exact"


def test_an_exact_code_beats_a_start_whatever_the_index():
    result = ranked("hde 1,6", [lens(1, "HDE2", index=1.6), lens(2, "HDE", index=1.5)])
    assert [r.id for r in result] == [2, 1]


def test_every_text_word_must_be_accounted_for():
    catalogue = [
        lens(1, "KR 1.60 POL"),
        lens(2, "KR 1.60", "Polar"),
        lens(3, "KR"),
        lens(4, "HM 50"),
    ]
    assert [r.id for r in ranked("kr pol", catalogue)] == [1, 2]
    assert ranked("kr pol", catalogue)[0].reason == "code exact"
    assert ranked("pol", [lens(1, "KR 1.60 POL")]) == [Ranked(1, "code exact, 2e partie du code")]
    assert ranked("hm 50", catalogue) == [Ranked(4, "code exact")]
    assert ranked("spu 50", [lens(9, "SPU50")]) == [Ranked(9, "code exact")]


def test_a_second_part_ranks_after_first_parts():
    catalogue = [lens(1, "SPU50 14"), lens(2, "14X"), lens(3, "14")]
    assert ranked("14", catalogue) == [
        Ranked(3, "code exact"),
        Ranked(2, "début du code"),
        Ranked(1, "code exact, 2e partie du code"),
    ]


def test_name_fields_account_for_words_in_their_order():
    catalogue = [
        lens(1, "AAA", "Lens", material="Stylis 1.67"),
        lens(2, "BBB", "Lens", series="Comfort Max"),
        lens(3, "CCC", "Lens", range="Varilux Physio"),
        lens(4, "DDD", "Lens", variant="Physio"),
        lens(5, "EEE", "Physio"),
    ]
    assert ranked("physio", catalogue) == [Ranked(5, "nom"), Ranked(4, "variante"),
                                           Ranked(3, "gamme")]
    assert ranked("max", catalogue) == [Ranked(2, "série")]
    assert ranked("ai", [lens(1, "X", "Varilux AI"), lens(2, "Y", "Hoya Maxi")]) == [
        Ranked(1, "nom")]


def test_lenses_that_agree_on_everything_sort_by_name_then_id():
    catalogue = [lens(3, "HDE", "Beta"), lens(2, "HDE", "alpha"), lens(1, "HDE", "Beta"),
                 lens(1, "HDE", "Beta")]
    assert [r.id for r in ranked("hde", catalogue)] == [2, 1, 3]


def test_only_names_and_index_order_without_text_words():
    catalogue = [lens(1, "A", supplier_id=2, index=1.5), lens(2, "B", supplier_id=1, index=1.6),
                 lens(3, "C", supplier_id=1, index=1.5)]
    result = ranked("zeiss 1,5", catalogue)
    assert result == [Ranked(3, "fabricant"), Ranked(1, "indice"), Ranked(2, "fabricant")]
    assert ranked("varilux", [lens(1, "A", range="Varilux")]) == [Ranked(1, "gamme")]


def _read_as_a_code(word: str) -> bool:
    """The box reads ``word`` as one code word: not a maker's name started (``ZEI`` is
    « Fabricant ZEISS »), a shape's name (``OEIL``) nor a height (``16MM``), as the box's
    rules say (``tests/data/identify/test_words.py``)."""
    return [type(t) for t in parse(word, VOCABULARY).terms] == [TextTerm]


code_text = st.text(alphabet="ABDEIKLMOPSUXZ0125678", min_size=1, max_size=6).filter(_read_as_a_code)


def test_a_code_spelling_a_started_maker_name_is_read_as_the_maker():
    """Why the codes below are read as codes: ``ZEI`` typed alone is ZEISS started."""
    assert [type(t) for t in parse("ZEI", VOCABULARY).terms] == [ReferenceTerm]
    assert _read_as_a_code("ZE1") and _read_as_a_code("SPU50")


@given(st.lists(code_text, min_size=1, max_size=3), st.integers(min_value=0, max_value=2))
def test_any_alternative_typed_whole_finds_its_lens_first(alternatives, which):
    engraving = " ou ".join(alternatives)
    typed = alternatives[which % len(alternatives)]
    result = ranked(typed, [lens(1, "QQQQQQQQ"), lens(2, engraving)])
    assert result and result[0].id == 2 and result[0].reason.startswith("code exact")


def test_the_public_front_answers_the_counter_example():
    import data.identify as identify

    parsed = identify.parse("zeiss spu5o 1,5", identify.Vocabulary(suppliers=((1, "ZEISS"),)))
    lenses = [identify.Candidate(1, "SPU50 14", "Verre", supplier_id=1, index=1.5)]
    assert identify.rank(parsed, lenses) == [(1, "code proche : O lu 0")]


def test_two_legible_characters_and_the_index_find_the_code_with_one_faded():
    catalogue = [lens(1, "VBS", index=1.59), lens(2, "VS53", index=1.59)]
    assert ranked("vs 1,59", catalogue) == [Ranked(1, "un caractère effacé"),
                                            Ranked(2, "début du code")]
    assert [r.id for r in ranked("vs", catalogue)] == [2]  # no index nor maker: no guessing


def test_the_maker_or_a_ticked_index_narrows_as_a_typed_index_does():
    catalogue = [lens(1, "KIN", supplier_id=1, supplier="ZEISS"), lens(2, "KN8", supplier_id=2)]
    assert ranked("zeiss kn", catalogue)[0] == Ranked(1, "un caractère effacé")
    assert [r.id for r in rank(parse("kn", VOCABULARY), catalogue, narrowed=True)] == [2, 1]
    assert [r.id for r in rank(parse("kn", VOCABULARY), catalogue)] == [2]


def test_one_legible_character_with_the_index_finds_two_character_codes_first():
    catalogue = [lens(1, "JD56", index=1.56), lens(2, "PJ", index=1.56), lens(3, "J5", index=1.56)]
    assert ranked("j 1,56", catalogue) == [
        Ranked(3, "début du code"), Ranked(2, "un caractère effacé"), Ranked(1, "début du code")]
    assert [r.id for r in ranked("j", catalogue)] == [3, 1]


def test_one_faded_character_beats_a_code_needing_several_more():
    # « TT » read for T6T: the 6 faded is likelier than TTW3's two characters unread.
    catalogue = [lens(1, "TTW3", index=1.6), lens(2, "T6T", index=1.6)]
    assert ranked("tt 1,6", catalogue) == [Ranked(2, "un caractère effacé"), Ranked(1, "début du code")]
    catalogue = [lens(1, "FM74AB", index=1.74), lens(2, "ZFM74", index=1.74), lens(3, "FM74X", index=1.74)]
    assert [r.id for r in ranked("fm74 1,74", catalogue)] == [3, 2, 1]


def test_a_shorter_code_starting_with_the_fragment_comes_first():
    catalogue = [lens(1, "SPU50"), lens(2, "SPX"), lens(3, "SP")]
    assert [r.id for r in ranked("sp", catalogue)] == [3, 2, 1]


def test_a_faded_character_inside_one_part_of_a_code():
    # EHQ 1.67 BL read « HQ 1.67 BL »: the E faded, the index and BL read whole.
    catalogue = [lens(1, "EHQ 1.67 BL", index=1.67), lens(2, "HQ8 POL", index=1.67),
                 lens(3, "EHQ 1.67 AR", index=1.67)]
    result = ranked("hq 1.67 bl", catalogue)
    assert result == [Ranked(1, "un caractère effacé")]


def test_between_a_code_started_and_one_faded_the_typed_index_decides():
    # « U9 » at 1,59: 3U9 at 1,59 (the 3 faded) before U9Y at 1,60 (only near the index).
    catalogue = [lens(1, "U9Y", index=1.6), lens(2, "3U9", index=1.59)]
    assert ranked("u9 1,59", catalogue) == [
        Ranked(2, "un caractère effacé"), Ranked(1, "début du code, indice proche")]
