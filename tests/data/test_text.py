import pytest

from data.text import FIELD_SEPARATOR, clean_text, fold, like_escape, search_key


def test_fold_ignores_case_accents_and_spacing():
    assert fold("  ÉSSILOR ") == fold("essilor") == "essilor"
    assert fold("Sérénité\u00a0Œil") == "serenite oeil"


def test_fold_removes_the_field_separator():
    assert FIELD_SEPARATOR not in fold("a" + FIELD_SEPARATOR + "b")


def test_search_key_joins_fields():
    assert search_key("Nom", None, "AIPZ") == f"nom{FIELD_SEPARATOR}{FIELD_SEPARATOR}aipz"


def test_like_escape():
    assert like_escape("50%_!", "!") == "50!%!_!!"


@pytest.mark.parametrize("invisible", ["\u00ad", "\u200b", "\u200c", "\u200d", "\ufeff", "\u2060"])
def test_fold_drops_invisible_format_characters(invisible):
    """Text pasted from a web page: ``Va<soft hyphen>rilux`` is found by ``varilux``."""
    assert fold(f"Va{invisible}rilux") == "varilux"
    assert fold(f"{invisible}AI{invisible}PZ{invisible}") == "aipz"


def test_clean_text_drops_invisible_characters_but_spaces_other_controls():
    assert clean_text("Va\u00adrilux\u200b Comfort") == "Varilux Comfort"
    assert clean_text("A\x07B") == "A B"


@pytest.mark.parametrize("spacing_accent", ["´", "¨", "˜", "¸", "¯"])
def test_a_spacing_accent_leaves_no_space_behind(spacing_accent):
    """« ´ » decomposes into a space and a combining accent: alone it folds to nothing (a name
    of it is refused), beside letters to no leading, trailing or double space."""
    assert fold(spacing_accent) == ""
    assert fold(f"Caf{spacing_accent}") == "caf"
    assert fold(f"a{spacing_accent} b") == "a b"
