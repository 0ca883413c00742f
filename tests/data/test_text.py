from data.text import FIELD_SEPARATOR, fold, like_escape, search_key


def test_fold_ignores_case_accents_and_spacing():
    assert fold("  ÉSSILOR ") == fold("essilor") == "essilor"
    assert fold("Sérénité\u00a0Œil") == "serenite oeil"


def test_fold_removes_the_field_separator():
    assert FIELD_SEPARATOR not in fold("a" + FIELD_SEPARATOR + "b")


def test_search_key_joins_fields():
    assert search_key("Nom", None, "AIPZ") == f"nom{FIELD_SEPARATOR}{FIELD_SEPARATOR}aipz"


def test_like_escape():
    assert like_escape("50%_!", "!") == "50!%!_!!"
