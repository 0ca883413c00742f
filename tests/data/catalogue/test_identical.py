"""A lens equal to another in every field but its id, found before a save, on the three
databases."""

from __future__ import annotations

from data import catalogue
from tests.factories import lens_values, make_refs, picture


def test_an_identical_lens_is_found_and_named(db):
    refs = make_refs(db)
    raw = {**lens_values(refs, variante="Short"), "symboles": ["oeil"]}
    first = catalogue.create_lens(db, raw, image=picture("red")).lens_id
    found = catalogue.identical_lens(db, raw, image=picture("red"))
    assert found is not None and found.id == first
    assert (found.fournisseur, found.nom, found.indice, found.variante) == ("Essilor", "Varilux Comfort Max", 1.6, "Short")
    # Typed another way, the same lens: case, a comma for the index.
    again = {**raw, "nom": "VARILUX comfort max", "indice": "1,60", "gravure_nasale": "aipz"}
    assert catalogue.identical_lens(db, again, image=picture("red")).id == first
    assert catalogue.identical_lens(db, raw, image=picture("red"), exclude_id=first) is None


def test_one_field_apart_is_another_lens(db):
    refs = make_refs(db)
    raw = {**lens_values(refs), "symboles": ["oeil"]}
    catalogue.create_lens(db, raw)
    for other in (
        {"hauteur_min": 15},
        {"variante": "Short"},
        {"indice": "1,67"},
        {"materiau_id": None},
        {"url_source": None},
        {"symboles": ["oeil", "pi"]},
        {"symboles": []},
    ):
        assert catalogue.identical_lens(db, {**raw, **other}) is None, other
    assert catalogue.identical_lens(db, raw, image=picture("blue")) is None
    assert catalogue.identical_lens(db, raw) is not None


def test_empty_fields_match_empty_fields(db):
    refs = make_refs(db)
    bare = {"nom": "Nu", "fournisseur_id": refs.supplier, "indice": "1,5"}
    lens_id = catalogue.create_lens(db, bare).lens_id
    assert catalogue.identical_lens(db, bare).id == lens_id
    assert catalogue.identical_lens(db, {**bare, "gravure_nasale": "X"}) is None
