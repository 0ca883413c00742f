"""Filters, search and sort computed in SQL, identical on the three databases."""

from __future__ import annotations

import pytest

from data import catalogue
from data.query import SORT_KEYS, LensQuery
from tests.factories import lens_values, make_refs


@pytest.fixture
def filled(db):
    essilor = make_refs(db)
    physio = make_refs(db, "Essilor", "Varilux", "Physio", "Stylis")
    hoya = make_refs(db, "Hoya", "Hoyalux", "iD MyStyle", "Eyas")
    rows = [
        lens_values(essilor, nom="Varilux Comfort Max", indice=1.67, gravure_nasale="AIPZ", hauteur_min=14),
        lens_values(essilor, nom="Varilux Comfort Max", variante="Short", indice=1.5, gravure_nasale="AIC", hauteur_min=11),
        lens_values(physio, nom="Varilux Physio", indice=1.6, gravure_nasale="c74", hauteur_min=None, hauteur_max=None),
        lens_values(hoya, nom="Hoyalux Sérénité", indice=1.67, gravure_nasale="HL 60", hauteur_min=18, materiau_id=None),
        lens_values(hoya, nom="Hoyalux 100% net_", indice=1.74, gravure_nasale="H_7", hauteur_min=16, serie_id=None),
        lens_values(hoya, nom="Hoyalux Zen", variante="", indice=1.6, gravure_nasale=None, hauteur_min=15),
    ]
    ids = [catalogue.create_lens(db, r).lens_id for r in rows]
    return db, ids, essilor, hoya


def names(db, query):
    return [catalogue.get_lens(db, i).nom for i in catalogue.lens_ids(db, query)]


def test_filters_combine(filled):
    db, ids, essilor, hoya = filled
    assert catalogue.count_lenses(db, LensQuery()) == 6
    assert catalogue.count_lenses(db, LensQuery(supplier_ids=(essilor.supplier,))) == 3
    assert catalogue.count_lenses(db, LensQuery(indices=(1.67,))) == 2
    assert catalogue.count_lenses(db, LensQuery(indices=(1.67, 1.74))) == 3
    assert catalogue.count_lenses(db, LensQuery(supplier_ids=(hoya.supplier,), indices=(1.67,))) == 1
    assert catalogue.count_lenses(db, LensQuery(series_ids=(essilor.series,))) == 2
    assert catalogue.count_lenses(db, LensQuery(material_ids=(hoya.material,))) == 2
    assert catalogue.count_lenses(db, LensQuery(range_ids=(hoya.range_,))) == 3


def test_fitting_height_keeps_unknown_minimums(filled):
    db, *_ = filled
    got = set(names(db, LensQuery(fitting_height=14)))
    assert got == {"Varilux Comfort Max", "Varilux Physio"}
    assert catalogue.count_lenses(db, LensQuery(fitting_height=14)) == 3


@pytest.mark.parametrize(
    "text, expected",
    [
        ("ai", 2),
        ("AI", 2),
        ("serenite", 1),
        ("SÉRÉNITÉ", 1),
        ("short", 1),
        ("%", 1),
        ("_", 1),
        ("h_", 1),
        ("100%", 1),
        ("comfort max", 2),
        ("max comfort", 2),
        ("'; DROP TABLE verres;--", 0),
        ("\\", 0),
        ("😀", 0),
        ("x" * 10_000, 0),
    ],
)
def test_search_by_fragment(filled, text, expected):
    db, *_ = filled
    assert catalogue.count_lenses(db, LensQuery(text=text)) == expected


def test_search_does_not_match_across_fields(filled):
    db, *_ = filled
    # "max" ends the name and "short" is the variant: "maxshort" must not match.
    assert catalogue.count_lenses(db, LensQuery(text="maxshort")) == 0


@pytest.mark.parametrize("key", SORT_KEYS)
@pytest.mark.parametrize("descending", [False, True])
def test_sort_by_every_column_with_empty_last(filled, key, descending):
    db, *_ = filled
    query = LensQuery(sort=key, descending=descending)
    ids = list(catalogue.lens_ids(db, query))
    assert len(ids) == 6
    rows = catalogue.lens_rows(db, ids)
    values = [getattr(r, key) for r in rows]
    filled_values = [v for v in values if v not in (None, "")]
    empties = [v for v in values if v in (None, "")]
    assert values == filled_values + empties
    folded = [v.casefold() if isinstance(v, str) else v for v in filled_values]
    assert folded == sorted(folded, reverse=descending) or key in ("nom", "gamme", "serie", "fournisseur", "materiau", "variante", "gravure_nasale")
    # Pages agree with the ids, forwards and from the end.
    assert [r.id for r in catalogue.lens_page(db, query, 0, 4)] == ids[:4]
    assert [r.id for r in catalogue.lens_page(db, query, 0, 2, reverse=True)] == ids[::-1][:2]


def test_text_sort_ignores_accents_and_case(filled):
    db, *_ = filled
    got = names(db, LensQuery(sort="nom"))
    assert got == sorted(got, key=lambda n: (n.casefold().replace("é", "e")))


def test_facets(filled):
    db, _, essilor, _ = filled
    suppliers = {s.nom: s.lens_count for s in catalogue.list_suppliers(db)}
    assert suppliers == {"Essilor": 3, "Hoya": 3}
    assert [r.nom for r in catalogue.list_ranges(db, [essilor.supplier])] == ["Varilux"]
    assert {s.nom for s in catalogue.list_series(db, [essilor.range_])} == {"Comfort Max", "Physio"}
    assert catalogue.list_indices(db) == [(1.5, 1), (1.6, 2), (1.67, 2), (1.74, 1)]
    # Narrowed lists count each listed reference on its own: same counts as the full lists.
    every_range = {r.id: r.lens_count for r in catalogue.list_ranges(db)}
    every_series = {s.id: s.lens_count for s in catalogue.list_series(db)}
    suppliers_ids = [s.id for s in catalogue.list_suppliers(db)]
    narrowed = catalogue.list_ranges(db, suppliers_ids)
    assert {r.id: r.lens_count for r in narrowed} == every_range and sum(every_range.values()) > 0
    series = catalogue.list_series(db, list(every_range))
    assert {s.id: s.lens_count for s in series} == every_series and sum(every_series.values()) > 0


def test_table_rows_are_read_column_for_field():
    """``lens_page`` and ``lens_rows`` build each row from the cells in order."""
    from dataclasses import fields

    from data.query import rows_statement

    assert [c.name for c in rows_statement().selected_columns] == [f.name for f in fields(catalogue.LensRow)]


def test_a_page_row_holds_every_cell_of_its_lens(filled):
    db, ids, essilor, hoya = filled
    detail = catalogue.get_lens(db, ids[3])
    (row,) = [r for r in catalogue.lens_page(db, LensQuery(text="serenite"), 0, 10)]
    assert row == catalogue.lens_rows(db, [ids[3]])[0]
    assert (row.id, row.nom, row.variante, row.fournisseur, row.gamme, row.serie, row.materiau) == (
        detail.id, detail.nom, detail.variante, "Hoya", "Hoyalux", "iD MyStyle", None)
    assert (row.indice, row.hauteur_min, row.hauteur_max, row.gravure_nasale, row.image_id,
            row.url_gravure, row.version) == (1.67, 18, detail.hauteur_max, "HL 60", None,
                                              detail.url_gravure, 1)
