"""The ranked search of a sign: picked or typed shapes, then the letters, index and maker, on the
three databases."""

from __future__ import annotations

from data import catalogue
from data.catalogue.ranked import ranked_search
from data.catalogue.vocabulary import vocabulary
from data.identify import parse
from data.query import LensQuery


def _lens(db, supplier: int, name: str, code: str, index: float, symbols: list[str]) -> int:
    return catalogue.create_lens(db, {
        "nom": name, "fournisseur_id": supplier, "indice": index, "gravure_nasale": code,
        "symboles": symbols,
    }).lens_id


def _shelf(db) -> dict[str, int]:
    with db.transaction() as s:
        essilor = catalogue.get_or_create_reference(s, "fournisseur", "Essilor")
        hoya = catalogue.get_or_create_reference(s, "fournisseur", "Hoya")
    return {
        "eye_e5": _lens(db, essilor, "Varilux Comfort", "e5", 1.5, ["oeil", "e_soleil"]),
        "eye_e5_twin": _lens(db, essilor, "Varilux Comfort Orma", "e5", 1.5, ["oeil", "e_soleil"]),
        "eye_e6": _lens(db, essilor, "Varilux Comfort 1.6", "e6", 1.6, ["oeil", "e_soleil"]),
        "eye_only": _lens(db, essilor, "Varilux Liberty", "e5", 1.5, ["oeil"]),
        "circle_e5": _lens(db, hoya, "Hoyalux", "e5", 1.5, ["cercle"]),
        "bar_e5": _lens(db, hoya, "Hoyalux Summit", "e5", 1.5, ["barre_horizontale", "tiret"]),
        "plain": _lens(db, hoya, "Amplitude", "E5X", 1.5, []),
    }


def _search(db, text: str, symbols: tuple[str, ...] = ()):
    return ranked_search(db, LensQuery(symbols=symbols), parse(text, vocabulary(db)))


def test_an_eye_clicked_and_e5_typed_find_the_essilor_lens_first(db):
    shelf = _shelf(db)
    result = _search(db, "e5 1,5", ("oeil",))
    assert result is not None
    assert result.ids[:2] == (shelf["eye_e5"], shelf["eye_e5_twin"])
    assert shelf["circle_e5"] not in result.ids and shelf["plain"] not in result.ids
    assert result.reasons[shelf["eye_e5"]].startswith("symboles : œil")
    assert "même signe" in result.reasons[shelf["eye_e5_twin"]]
    # Typed by name, the eye is the same query.
    typed = _search(db, "oeil e5 1,5")
    assert typed is not None and typed.ids == result.ids


def test_every_picked_shape_present_first_then_one_missing(db):
    shelf = _shelf(db)
    result = _search(db, "", ("oeil", "e_soleil"))
    assert result is not None
    full = {shelf["eye_e5"], shelf["eye_e5_twin"], shelf["eye_e6"]}
    assert set(result.ids[:3]) == full
    assert result.ids[3] == shelf["eye_only"]
    assert result.reasons[shelf["eye_only"]] == "symboles : œil ; 1 symbole manquant"
    assert len(result.ids) == 4
    # Two picked, one of them a neighbour by mistake: the lens with the other still comes.
    mistaken = _search(db, "e5", ("cercle", "barre_horizontale"))
    assert mistaken is not None
    assert set(mistaken.ids) == {shelf["circle_e5"], shelf["bar_e5"]}
    # The plain browse counts the lenses with at least one picked shape.
    assert catalogue.count_lenses(db, LensQuery(symbols=("oeil", "cercle"))) == 5
    assert _search(db, "oeil 1,6") is not None and _search(db, "oeil 1,6").ids[0] == shelf["eye_e6"]


def test_a_look_alike_picked_instead_of_a_shape_ranks_before_a_shape_missing(db):
    shelf = _shelf(db)
    with db.transaction() as s:
        hoya = catalogue.get_or_create_reference(s, "fournisseur", "Hoya")
    bar_only = _lens(db, hoya, "Hoyalux Id", "e5", 1.5, ["barre_horizontale"])
    # The dash seen as a double dash: the lens with the bar and the dash comes first.
    result = _search(db, "e5", ("barre_horizontale", "double_tiret"))
    assert result is not None
    assert result.ids == (shelf["bar_e5"], bar_only)
    assert result.reasons[shelf["bar_e5"]].startswith("symboles : barre horizontale ; 1 symbole ressemblant")
    assert "1 symbole manquant" in result.reasons[bar_only]
    # Only a look-alike picked, nothing with it: the lenses with a look-alike of it (a sun:
    # the « e » with a sun, the circle).
    only = _search(db, "e5 1,5", ("soleil",))
    assert only is not None
    assert set(only.ids) == {shelf["eye_e5"], shelf["eye_e5_twin"], shelf["circle_e5"]}
    assert only.reasons[shelf["eye_e5"]].startswith("1 symbole ressemblant")
    assert _search(db, "e5", ("lune",)).ids == ()  # a moon: nothing like it


def test_a_frequent_shape_is_read_a_bounded_slice_at_a_time(sqlite_db, monkeypatch):
    """Shapes without text: the lenses with every picked shape first, then every one but one,
    each set read from its rarest shape and capped (``cut`` says so)."""
    import data.catalogue.sign_ranking as sign_ranking

    db = sqlite_db
    with db.transaction() as s:
        hoya = catalogue.get_or_create_reference(s, "fournisseur", "Hoya")
    bars = [_lens(db, hoya, f"Barre {i}", f"B{i}", 1.5, ["barre_horizontale"]) for i in range(8)]
    both = _lens(db, hoya, "Barre et œil", "BO", 1.5, ["barre_horizontale", "oeil"])
    monkeypatch.setattr(sign_ranking, "SYMBOL_LIMIT", 4)
    result = _search(db, "", ("barre_horizontale", "oeil"))
    assert result is not None and result.cut
    assert result.ids[0] == both and len(result.ids) == 4
    assert set(result.ids[1:]) <= set(bars)
    whole = _search(db, "", ("oeil",))
    assert whole is not None and whole.ids == (both,) and not whole.cut


def test_two_frequent_shapes_are_told_apart_by_how_far_their_lenses_reach(db, monkeypatch):
    """Past the counting cap, the sparser shape (its capped lenses reaching further in the ids)
    is the rarer one: a set of shapes is read from it, and finds the same lenses either way."""
    import data.catalogue.sign_ranking as sign_ranking
    from data.catalogue.symbols import symbol_ids

    with db.transaction() as s:
        hoya = catalogue.get_or_create_reference(s, "fournisseur", "Hoya")
    for i in range(12):  # bars on every lens, eyes on every third
        _lens(db, hoya, f"Verre {i}", f"B{i}", 1.5, ["barre_horizontale", "oeil"] if i % 3 == 0 else ["barre_horizontale"])
    monkeypatch.setattr(sign_ranking, "_SIZE_CAP", 3)
    with db.transaction() as s:
        (bar,), (eye,) = symbol_ids(s, ["barre_horizontale"]), symbol_ids(s, ["oeil"])
        assert sign_ranking._shape_rarity(s, bar)[0] == sign_ranking._shape_rarity(s, eye)[0] == 3
        assert sign_ranking._shape_rarity(s, eye) < sign_ranking._shape_rarity(s, bar)
    both = _search(db, "", ("barre_horizontale", "oeil"))
    assert both is not None and len(both.ids) == 12
    assert {both.reasons[i] for i in both.ids[:4]} == {"symboles : barre horizontale, œil"}


def test_an_empty_sign_result_offers_the_greek_name_as_its_shape_and_the_shapes_alone(db):
    """« oeil pi » with no lens coded « pi »: « pi » is read as a code (codes write their Greek
    letters by name), so the ways out offer it as the pi shape, and the eye without the code."""
    from data.catalogue.ranked import near_misses

    shelf = _shelf(db)
    with db.transaction() as s:
        essilor = catalogue.get_or_create_reference(s, "fournisseur", "Essilor")
    pi_eye = _lens(db, essilor, "Varilux Design", "e7", 1.67, ["oeil", "pi"])
    parsed = parse("oeil pi", vocabulary(db))
    assert [t.label for t in parsed.terms] == ["Symbole Œil", "Gravure pi"]
    assert _search(db, "oeil pi").ids == ()
    offers = near_misses(db, LensQuery(), parsed)
    eyes = {pi_eye, shelf["eye_e5"], shelf["eye_e5_twin"], shelf["eye_e6"], shelf["eye_only"]}
    assert "symbole Pi au lieu de « pi » : 5 verres" in offers
    assert "sans la gravure : 5 verres" in offers
    # What the first way out searches: the eye typed, the pi picked; the lens with both first.
    as_shape = ranked_search(db, LensQuery(symbols=("pi",)), parse("oeil", vocabulary(db)))
    assert as_shape is not None and as_shape.ids[0] == pi_eye and set(as_shape.ids) == eyes
    # Without a shape asked, or with the pi shape already picked, neither is offered.
    plain = near_misses(db, LensQuery(), parse("pi 1,5", vocabulary(db)))
    assert not any(o.startswith(("symbole", "sans la gravure")) for o in plain)
    picked = near_misses(db, LensQuery(symbols=("pi",)), parse("pi", vocabulary(db)))
    assert not any(o.startswith("symbole") for o in picked)
