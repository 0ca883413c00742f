"""The filter lists: counts that follow the other filters, indices named alike grouped, on the
three databases."""

from __future__ import annotations

import pytest

from data import catalogue
from data.catalogue import lists
from data.catalogue.lists import INDICES, SUPPLIERS, read_lists
from data.query import LensQuery
from tests.factories import lens_values, make_refs


def _counts(items) -> dict[int, int]:
    return {item.id: item.lens_count for item in items if item.lens_count}


@pytest.fixture
def shop(db):
    """Essilor: 4 lenses at 1,67 (2 fit 16 mm), 3 at 1,5; Zeiss: 1 at 1,67 (fits), 2 at 1,6."""
    essilor = make_refs(db)
    zeiss = make_refs(db, "Zeiss", "SmartLife", "Individual", "Polycarbonate")
    rows = [(essilor, 1.67, 14), (essilor, 1.67, 15), (essilor, 1.67, 18), (essilor, 1.67, 20),
            (essilor, 1.5, 14), (essilor, 1.5, 14), (essilor, 1.5, 14),
            (zeiss, 1.67, 16), (zeiss, 1.6, 14), (zeiss, 1.6, 22)]
    for i, (refs, index, height) in enumerate(rows):
        catalogue.create_lens(db, lens_values(refs, nom=f"Verre {i}", indice=index, hauteur_min=height,
                                              hauteur_max=height + 10))
    return db, essilor, zeiss


def test_each_list_counts_with_the_other_filters_only(shop):
    db, essilor, zeiss = shop
    found = read_lists(db, LensQuery(indices=(1.67,), fitting_height=16))
    assert _counts(found.suppliers) == {essilor.supplier: 2, zeiss.supplier: 1}
    assert _counts(found.materials) == {essilor.material: 2, zeiss.material: 1}
    assert _counts(found.ranges) == {essilor.range_: 2, zeiss.range_: 1}
    # The index list ignores its own filter: every index that fits 16 mm.
    assert [(g.value, g.lens_count) for g in found.indices] == [(1.5, 3), (1.6, 1), (1.67, 3)]
    assert found.unfiltered == frozenset()

    # A maker ticked: the maker list still shows the others (its own filter never narrows it),
    # the other lists count that maker's lenses only, and the range list holds its ranges.
    found = read_lists(db, LensQuery(supplier_ids=(zeiss.supplier,), indices=(1.67,)))
    assert _counts(found.suppliers) == {essilor.supplier: 4, zeiss.supplier: 1}
    assert [(g.value, g.lens_count) for g in found.indices] == [(1.6, 2), (1.67, 1)]
    assert [(r.id, r.lens_count) for r in found.ranges] == [(zeiss.range_, 1)]
    assert [(s.id, s.lens_count) for s in found.series] == [(zeiss.series, 1)]


def test_without_filters_the_lists_hold_the_whole_catalogue(shop):
    db, essilor, zeiss = shop
    found = read_lists(db, LensQuery(text="ignored"))
    assert _counts(found.suppliers) == {essilor.supplier: 7, zeiss.supplier: 3}
    assert found.base.total == 10
    assert [(g.value, g.lens_count) for g in found.indices] == [(1.5, 3), (1.6, 2), (1.67, 5)]


def test_too_broad_filters_show_the_unfiltered_counts_and_say_so(shop, monkeypatch):
    db, essilor, zeiss = shop
    monkeypatch.setattr(lists, "FILTERED_COUNT_ROWS", 4)
    # 1,67 may keep 5 lenses (more than 4): the lists it narrows show the whole catalogue's counts.
    found = read_lists(db, LensQuery(indices=(1.67,)))
    assert SUPPLIERS in found.unfiltered and INDICES not in found.unfiltered
    assert _counts(found.suppliers) == {essilor.supplier: 7, zeiss.supplier: 3}
    # With Zeiss (3 lenses) the bound is small enough: counted with the filters again.
    found = read_lists(db, LensQuery(indices=(1.67,), supplier_ids=(zeiss.supplier,)))
    assert found.unfiltered == {SUPPLIERS}  # the maker list alone: 1,67 keeps 5
    assert [(g.value, g.lens_count) for g in found.indices] == [(1.6, 2), (1.67, 1)]


def test_indices_an_optician_names_alike_are_one_entry_that_filters_them_all(db):
    refs = make_refs(db)
    for i, index in enumerate((1.59, 1.59, 1.591, 1.6, 1.604, 1.5, 1.53)):
        catalogue.create_lens(db, lens_values(refs, nom=f"Verre {i}", indice=index))
    groups = read_lists(db, LensQuery()).indices
    assert [(g.value, g.members, g.lens_count) for g in groups] == [
        (1.5, (1.5,), 1), (1.53, (1.53,), 1), (1.59, (1.59, 1.591), 3), (1.6, (1.6, 1.604), 2)
    ]
    assert catalogue.count_lenses(db, LensQuery(indices=groups[2].members)) == 3


@pytest.mark.parametrize(("raw", "named"), [(1.591, 1.59), (1.604, 1.6), (1.5, 1.5), (1.595, 1.6),
                                            (1.585, 1.59), (1.749, 1.75), (2.0, 2.0)])
def test_index_group_is_the_nearest_two_decimal_value(raw, named):
    assert lists.index_group_of(raw) == named
