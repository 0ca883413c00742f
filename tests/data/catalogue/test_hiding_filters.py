"""Which filters of a query leave a lens out (what the window says after a save)."""

from __future__ import annotations

from data import catalogue
from data.query import LensQuery
from tests.factories import lens_values, make_refs


def test_each_filter_that_leaves_a_lens_out_is_named(db):
    refs = make_refs(db)
    other = make_refs(db, supplier="Hoya", range_="Hoyalux", series="iD", material="Eyas")
    lens_id = catalogue.create_lens(db, lens_values(refs, indice="1,6", hauteur_min=18)).lens_id
    assert catalogue.hiding_filters(db, LensQuery(), lens_id) == ()
    assert catalogue.hiding_filters(db, LensQuery(supplier_ids=(refs.supplier,), indices=(1.6,)), lens_id) == ()
    query = LensQuery(supplier_ids=(other.supplier,), indices=(1.67,), fitting_height=16, text="zzz")
    assert catalogue.hiding_filters(db, query, lens_id) == ("fournisseur", "indice", "hauteur", "recherche")
    assert catalogue.hiding_filters(db, LensQuery(material_ids=(other.material,)), lens_id) == ("materiau",)
    assert catalogue.hiding_filters(db, query, lens_id + 1000) == ()
