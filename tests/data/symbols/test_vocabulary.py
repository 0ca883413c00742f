"""The vocabulary of shapes: the issue's keys, French labels, typed names, drawings."""

from __future__ import annotations

import pytest

from data.symbols import (
    GROUPS,
    SHAPES,
    by_key,
    check_path,
    closest_names,
    find_by_name,
    strokes,
)

ISSUE_KEYS = """cercle barre_horizontale barre_verticale barre_oblique barre_oblique_inverse tiret
double_tiret courbe trois_courbes oeil v_cercle pi omega sigma note triangle triangle_bas
triangles_opposes losange s_losange hexagone carre rectangle_vertical rectangle_horizontal etoile
soleil lune arc pont tortue coureur balance cintre coupe agrafe chemin crochet trident fer manette
ordinateur neutron filament ideogramme e_soleil e_coeur e_oeil e_double_courbe""".split()


def test_every_key_of_the_issue_is_present_exactly_once():
    keys = [shape.key for shape in SHAPES]
    assert len(ISSUE_KEYS) == 48
    assert sorted(keys) == sorted(ISSUE_KEYS)
    assert len(set(keys)) == len(keys)


def test_labels_are_french_non_empty_and_distinct():
    labels = [shape.label for shape in SHAPES]
    assert all(label.strip() == label and label for label in labels)
    assert len(set(labels)) == len(labels)
    assert by_key("oeil").label == "Œil"
    assert by_key("v_cercle").label == "V dans un cercle"
    assert by_key("e_soleil").label == "« e » avec soleil"
    assert by_key("etoile").label == "Étoile"


def test_every_shape_is_in_one_of_the_four_groups_and_every_group_is_used():
    assert {shape.group for shape in SHAPES} == set(GROUPS)
    assert {s.key for s in SHAPES if s.group == "e d'Essilor"} == {
        "e_soleil", "e_coeur", "e_oeil", "e_double_courbe"}


@pytest.mark.parametrize("shape", SHAPES, ids=lambda s: s.key)
def test_every_drawing_parses_inside_the_box(shape):
    check_path(shape.path)
    points = [p for stroke in strokes(shape.path) for p in stroke]
    xs = [x for x, _ in points]
    ys = [y for _, y in points]
    # A drawing uses its box (the dashes are short on purpose: a dash is not a bar).
    assert max(max(xs) - min(xs), max(ys) - min(ys)) >= 40


@pytest.mark.parametrize(("typed", "key"), [
    ("œil", "oeil"), ("oeil", "oeil"), ("ŒIL", "oeil"), ("cercle", "cercle"), ("rond", "cercle"),
    ("barre", "barre_horizontale"), ("trait", "tiret"), ("barre_verticale", "barre_verticale"),
    ("Barre verticale", "barre_verticale"), ("barre-oblique-inverse", "barre_oblique_inverse"),
    ("V dans un cercle", "v_cercle"), ("« e » avec soleil", "e_soleil"), ("e soleil", "e_soleil"),
    ("Idéogramme", "ideogramme"), ("fer à repasser", "fer"), ("Étoile", "etoile"),
])
def test_typed_names_resolve(typed, key):
    found = find_by_name(typed)
    assert found is not None and found.key == key


@pytest.mark.parametrize("typed", ["", "e", "s", "5", "bidule", "barres obliques"])
def test_letters_digits_and_unknown_words_are_no_shape(typed):
    assert find_by_name(typed) is None


def test_a_typed_name_belongs_to_one_shape_and_is_never_a_single_character():
    owners: dict[str, str] = {}
    for shape in SHAPES:
        for name in shape.aliases:
            assert len(name) >= 2
            assert owners.setdefault(name, shape.key) == shape.key, name


def test_closest_names_suggest_the_intended_shape_for_a_typo():
    assert closest_names("cercel")[0] == "cercle"
    assert closest_names("oiel")[0] == "oeil"
    assert closest_names("tortu", n=1) == ["tortue"]
    assert "coureur" in closest_names("courreur")
    assert len(closest_names("courbe", n=3)) <= 3
    assert closest_names("zzzzzz") == []


def test_another_vocabulary_is_searched_by_its_own_names():
    extra = (*SHAPES[:2], type(SHAPES[0])("ancre", "Ancre marine", "Objets", ("ancre",),
                                         "M 50 10 V 90"))
    found = find_by_name("ANCRE MARINE", extra)
    assert found is not None and found.key == "ancre"
    assert find_by_name("oeil", extra) is None
    assert closest_names("ancr", shapes=extra) == ["ancre"]
