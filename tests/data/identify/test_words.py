import pytest
from hypothesis import given
from hypothesis import strategies as st

from data.identify.words import (
    HeightTerm,
    IndexTerm,
    Kind,
    ReferenceTerm,
    TextTerm,
    Vocabulary,
    format_index,
    parse,
)

VOCABULARY = Vocabulary(
    suppliers=((1, "ZEISS"), (2, "Essilor"), (3, "Hoya"), (4, "Kodak")),
    ranges=((10, "Varilux"), (11, "Kodak Lens"), (12, "Classic"), (13, "Classic")),
    series=((20, "Comfort Max"), (21, "Comfort"), (22, "Physio 360"), (23, "Varilux Comfort")),
    materials=((30, "Stylis"), (31, "Ormix"), (32, "Orma"), (33, "Ormex"), (34, "Ormax")),
)


def labels(text):
    return [t.label for t in parse(text, VOCABULARY).terms]


def test_the_counter_example_reads_maker_code_and_index():
    parsed = parse("zeiss spu5o 1,5", VOCABULARY)
    assert labels("zeiss spu5o 1,5") == ["Fabricant ZEISS", "Gravure spu5o", "Indice 1,50"]
    maker, code, index = parsed.terms
    assert isinstance(maker, ReferenceTerm) and maker.kind is Kind.SUPPLIER and maker.ids == (1,)
    assert maker.whole
    assert isinstance(code, TextTerm) and code.code == "spu5o"
    assert isinstance(index, IndexTerm) and index.value == 1.5
    assert parsed.indices == (1.5,) and parsed.texts == (code,) and parsed.references == (maker,)


@pytest.mark.parametrize(
    ("word", "value", "label"),
    [("1,67", 1.67, "Indice 1,67"), ("1.67", 1.67, "Indice 1,67"), ("1,6", 1.6, "Indice 1,60"),
     ("1.5", 1.5, "Indice 1,50"), ("1,591", 1.591, "Indice 1,591"), ("2,00", 2.0, "Indice 2,00"),
     ("1,0", 1.0, "Indice 1,00")],
)
def test_indices_in_either_notation(word, value, label):
    (term,) = parse(word, VOCABULARY).terms
    assert isinstance(term, IndexTerm) and term.value == value and term.label == label


@pytest.mark.parametrize("word", ["2,5", "1,6789", "0,9", "167", "1,", ",67"])
def test_what_is_not_an_index_stays_text(word):
    assert all(isinstance(t, TextTerm) for t in parse(word, VOCABULARY).terms)


def test_fitting_heights_with_or_without_a_space():
    parsed = parse("16 mm hm50 18MM", VOCABULARY)
    assert [t.label for t in parsed.terms] == ["Hauteur 16 mm", "Gravure hm50", "Hauteur 18 mm"]
    assert parsed.terms[0].span == (0, 5)
    assert parsed.height == 18
    assert isinstance(parse("14", VOCABULARY).terms[0], TextTerm)  # a bare number is a code part
    assert isinstance(parse("400mm", VOCABULARY).terms[0], TextTerm)


def test_names_whole_or_started_ignoring_case_and_accents():
    assert labels("essi") == ["Fabricant Essilor"]
    assert labels("ESSILOR") == ["Fabricant Essilor"]
    assert labels("varilux") == ["Gamme Varilux"]
    assert labels("stylis") == ["Matériau Stylis"]
    assert labels("Stylïs") == ["Matériau Stylis"]
    assert labels("comfort max") == ["Série Comfort Max"]
    assert labels("kodak lens 1,5") == ["Gamme Kodak Lens", "Indice 1,50"]
    assert labels("kodak") == ["Fabricant Kodak"]  # a whole maker beats the started range
    assert labels("physio 360") == ["Série Physio 360"]


def test_the_longest_run_of_words_wins_then_a_whole_name():
    assert labels("varilux comfort") == ["Série Varilux Comfort"]
    assert labels("varilux comf") == ["Série Varilux Comfort"]
    assert labels("comfort") == ["Série Comfort"]  # whole "Comfort" beats "Comfort Max" started
    term = parse("comf", VOCABULARY).terms[0]
    assert isinstance(term, ReferenceTerm) and not term.whole and term.ids == (20, 21)


def test_a_name_shared_by_several_ranges_gives_every_id():
    term = parse("classic", VOCABULARY).terms[0]
    assert isinstance(term, ReferenceTerm) and term.ids == (12, 13)
    assert term.label == "Gamme Classic"


def test_ambiguous_or_short_starts_stay_text():
    assert labels("orm") == ["Gravure orm"]  # fits 4 materials: too vague
    assert labels("ormi") == ["Matériau Ormix"]
    assert labels("es") == ["Gravure es"]  # 1–2 letters are never names
    assert labels("zei5s") == ["Gravure zei5s"]  # letters with digits: a code
    assert labels("360") == ["Gravure 360"]
    both = Vocabulary(suppliers=((1, "Nikon"),), series=((2, "Nikkor"),))
    assert [t.label for t in parse("nik", both).terms] == ["Gravure nik"]
    assert [t.label for t in parse("niko", both).terms] == ["Fabricant Nikon"]


def test_after_a_code_word_a_started_range_series_or_material_stays_a_code_part():
    """``kr 1.60 pol``: the last word is the code's next part, not the start of a material."""
    assert labels("kr 1.60 styl") == ["Gravure kr", "Indice 1,60", "Gravure styl"]
    assert labels("styl 1.60 kr") == ["Matériau Stylis", "Indice 1,60", "Gravure kr"]  # no code before
    assert labels("kr vari") == ["Gravure kr", "Gravure vari"]
    assert labels("kr stylis") == ["Gravure kr", "Matériau Stylis"]  # a whole name is still a name
    assert labels("spu50 zeis") == ["Gravure spu50", "Fabricant ZEISS"]  # a maker is still a maker


def test_a_whole_name_in_several_kinds_is_taken_maker_first():
    same = Vocabulary(ranges=((5, "Hoya"),), suppliers=((3, "Hoya"),), materials=((6, "Hoya"),))
    term = parse("hoya", same).terms[0]
    assert isinstance(term, ReferenceTerm) and term.kind is Kind.SUPPLIER and term.ids == (3,)


def test_text_terms_keep_the_code_compact_and_the_name_folded():
    (term,) = parse("SBR-60", VOCABULARY).terms
    assert isinstance(term, TextTerm)
    assert (term.text, term.code, term.folded, term.label) == ("SBR-60", "sbr60", "sbr-60", "Gravure sbr60")
    assert parse("ΣIQ", VOCABULARY).terms[0].label == "Gravure sigmaiq"
    assert parse(" - / ", VOCABULARY).terms == ()
    assert parse("", VOCABULARY).terms == ()


def test_without_removes_exactly_one_term():
    text = "zeiss  spu5o 1,5 16 mm"
    parsed = parse(text, VOCABULARY)
    maker, code, index, height = parsed.terms
    assert parsed.without(maker) == "spu5o 1,5 16 mm"
    assert parsed.without(code) == "zeiss 1,5 16 mm"
    assert parsed.without(height) == "zeiss  spu5o 1,5"
    assert isinstance(height, HeightTerm)
    assert parse(parsed.without(index), VOCABULARY).indices == ()


@given(st.text(alphabet="abc 1,.5mzeisΣ-", max_size=30))
def test_any_text_parses_and_spans_cover_the_words(text):
    parsed = parse(text, VOCABULARY)
    for term in parsed.terms:
        start, end = term.span
        piece = text[start:end]
        assert piece == piece.strip() and piece
        assert term.label
        again = parse(parsed.without(term), VOCABULARY)
        assert len(again.terms) <= len(parsed.terms)


def test_format_index():
    assert [format_index(v) for v in (1.5, 1.6, 1.67, 1.591, 2.0)] == [
        "1,50", "1,60", "1,67", "1,591", "2,00"]
