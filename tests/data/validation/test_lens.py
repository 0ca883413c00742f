"""A whole lens checked: every field's rule, the heights together, the references."""

import dataclasses
import math

import pytest

from data.validation import LensValues, ReferenceFacts, validate_lens

BASE = {"nom": "Varilux", "fournisseur_id": 1, "indice": "1,6"}


def errors_for(**changes):
    values = {**BASE, **changes}
    _, report = validate_lens(values)
    return report.errors


def test_valid_lens_is_cleaned_and_typed():
    values, report = validate_lens({**BASE, "nom": "  Varilux\tComfort  ", "hauteur_min": "14",
                                    "hauteur_max": 18.0, "variante": ""})
    assert report.is_valid
    assert values is not None
    assert values.nom == "Varilux Comfort"
    assert values.indice == 1.6
    assert values.hauteur_min == 14 and values.hauteur_max == 18
    assert values.variante is None


def test_checked_values_are_an_ordinary_frozen_lens_values():
    raw = {**BASE, "variante": "Short", "gamme_id": 2, "serie_id": 3, "materiau_id": 4,
           "hauteur_min": "14", "hauteur_max": "18", "gravure_nasale": "AI", "url_gravure":
           "https://a.fr/g.png", "url_source": "https://a.fr/"}
    values, _ = validate_lens(raw)
    expected = LensValues(nom="Varilux", fournisseur_id=1, indice=1.6, variante="Short", gamme_id=2,
                          serie_id=3, materiau_id=4, hauteur_min=14, hauteur_max=18,
                          gravure_nasale="AI", url_gravure="https://a.fr/g.png",
                          url_source="https://a.fr/")
    assert values == expected and hash(values) == hash(expected) and repr(values) == repr(expected)
    # Same fields in the same order as __init__ leaves them (an import copies them in that order).
    assert list(vars(values).items()) == list(vars(expected).items())
    assert list(vars(values)) == [f.name for f in dataclasses.fields(LensValues)]
    with pytest.raises(dataclasses.FrozenInstanceError):
        values.nom = "Autre"  # type: ignore[misc]


@pytest.mark.parametrize("raw", ["1.6", "1,6", " 1,60 ", 1.6, "1.600"])
def test_index_accepts_point_and_comma(raw):
    values, report = validate_lens({**BASE, "indice": raw})
    assert report.is_valid and values is not None and values.indice == 1.6


def test_name_is_required():
    assert errors_for(nom="   ")["nom"] == "Le nom est obligatoire."


def test_name_longer_than_100_is_refused():
    assert "100 caractères au maximum" in errors_for(nom="x" * 101)["nom"]


def test_variant_longer_than_50_is_refused():
    assert "50 caractères" in errors_for(variante="v" * 51)["variante"]


@pytest.mark.parametrize("raw", ["abc", "1,6,7", "nan", "inf", float("nan"), float("inf"), -math.inf])
def test_index_must_be_a_finite_number(raw):
    assert "indice" in errors_for(indice=raw)


@pytest.mark.parametrize("raw", ["0,99", "2,5", 2.0001, "-1"])
def test_index_out_of_range_says_the_limits(raw):
    assert "hors limites (1,00 à 2,00)" in errors_for(indice=raw)["indice"]


def test_index_required():
    assert errors_for(indice="")["indice"] == "L'indice est obligatoire."


def test_swapped_heights_are_refused_with_both_values():
    message = errors_for(hauteur_min="18", hauteur_max="14")["hauteur_max"]
    assert "14 mm" in message and "18 mm" in message


@pytest.mark.parametrize("raw", ["-1", "101", "12,5", "douze", float("nan")])
def test_heights_are_whole_millimetres_between_0_and_100(raw):
    assert "hauteur_min" in errors_for(hauteur_min=raw)


def test_empty_heights_are_allowed():
    assert errors_for(hauteur_min="", hauteur_max=None) == {}


@pytest.mark.parametrize(
    "url",
    ["file:///etc/passwd", "javascript:alert(1)", "/home/x.png", "C:\\images\\x.png", "ftp://a/b",
     "https://", "http://exa mple.com"],
)
def test_urls_must_be_http(url):
    assert "url_source" in errors_for(url_source=url)
    assert "url_gravure" in errors_for(url_gravure=url)


def test_url_longer_than_255_is_refused():
    assert "255" in errors_for(url_source="https://e.com/" + "a" * 250)["url_source"]


def test_supplier_required():
    assert "fournisseur_id" in errors_for(fournisseur_id=None)


def test_series_needs_a_range():
    assert "gamme_id" in errors_for(serie_id=3)


def test_references_must_exist_and_agree():
    facts = ReferenceFacts(
        supplier_ids=frozenset({1}),
        material_ids=frozenset(),
        range_supplier={10: 2},
        series_range={20: 11},
    )
    _, report = validate_lens({**BASE, "gamme_id": 10, "serie_id": 20, "materiau_id": 5}, facts)
    assert "n'appartient pas au fournisseur" in report.errors["gamme_id"]
    assert "materiau_id" in report.errors
    _, report = validate_lens({**BASE, "gamme_id": 11, "serie_id": 20}, facts)
    assert "gamme_id" in report.errors  # 11 unknown


@pytest.mark.parametrize("text", ["'; DROP TABLE verres;--", "100%_\\", "😀 émoji", "a\x00b\x07c"])
def test_hostile_text_is_kept_as_text(text):
    values, report = validate_lens({**BASE, "nom": text})
    assert report.is_valid and values is not None
    assert "\x00" not in values.nom


def test_control_characters_and_10000_chars():
    assert "nom" in errors_for(nom="é" * 10_000)


def test_a_range_in_the_minimum_fills_an_empty_maximum() -> None:
    values, report = validate_lens({"nom": "A", "fournisseur_id": 1, "indice": "1,5", "hauteur_min": "14 à 20mm"})
    assert report.is_valid and values is not None
    assert (values.hauteur_min, values.hauteur_max) == (14, 20)
    values, report = validate_lens(
        {"nom": "A", "fournisseur_id": 1, "indice": "1,5", "hauteur_min": "14 à 20mm", "hauteur_max": "18"}
    )
    assert values is not None and (values.hauteur_min, values.hauteur_max) == (14, 18)
