"""A lens's sign: its shapes written, read, audited and refused on the three databases; the
vocabulary as stored, with an admin's shapes."""

from __future__ import annotations

import pytest

from data import audit, catalogue
from data.errors import ValidationError
from data.query import LensQuery
from data.symbols import SHAPES
from tests.factories import lens_values, make_refs


def test_a_lens_keeps_its_shapes_in_vocabulary_order_through_writes(db):
    refs = make_refs(db)
    lens_id = catalogue.create_lens(
        db, {**lens_values(refs, gravure_nasale="e5"), "symboles": ["e_soleil", "Œil", "tiret"]}
    ).lens_id
    detail = catalogue.get_lens(db, lens_id)
    assert detail.symbols == ("tiret", "oeil", "e_soleil")
    (row,) = catalogue.lens_rows(db, [lens_id])
    assert row.symbols == detail.symbols
    assert detail.form_values()["symboles"] == ["tiret", "oeil", "e_soleil"]

    # An update without ``symboles`` keeps them; with it, replaces them.
    changes = catalogue.update_lens(db, lens_id, {**lens_values(refs), "nom": "Autre"}, detail.version)
    detail = catalogue.get_lens(db, lens_id)
    assert detail.symbols == ("tiret", "oeil", "e_soleil")
    catalogue.update_lens(db, lens_id, {**detail.form_values(), "symboles": "cercle, pi"}, changes.version)
    assert catalogue.get_lens(db, lens_id).symbols == ("cercle", "pi")
    page = catalogue.lens_page(db, LensQuery(), 0, 10)
    assert [r.symbols for r in page] == [("cercle", "pi")]

    # Delete, then undo: the restored lens has its shapes back.
    deleted = catalogue.delete_lenses(db, [lens_id])
    restored = catalogue.restore_lens(db, deleted.snapshots[0])
    assert catalogue.get_lens(db, restored.lens_id).symbols == ("cercle", "pi")


def test_an_unknown_shape_is_refused_with_the_closest_names(db):
    refs = make_refs(db)
    with pytest.raises(ValidationError) as caught:
        catalogue.create_lens(db, {**lens_values(refs), "symboles": ["oiel", "cercle"]})
    message = caught.value.report.get("symboles")
    assert message is not None and "« oiel »" in message and "« oeil »" in message
    assert str(caught.value).startswith("Symboles : Symbole inconnu")
    assert catalogue.count_lenses(db, LensQuery()) == 0
    values, report = catalogue.check_lens(db, {**lens_values(refs), "symboles": ["soleilx"]})
    assert values is None and "soleil" in (report.get("symboles") or "")


def test_the_history_shows_the_shapes(db):
    refs = make_refs(db)
    lens_id = catalogue.create_lens(db, {**lens_values(refs), "symboles": ["oeil", "e_soleil"]}).lens_id
    detail = catalogue.get_lens(db, lens_id)
    catalogue.update_lens(db, lens_id, {**detail.form_values(), "symboles": ["oeil"]}, detail.version)
    created, modified = sorted(audit.lens_history(db, lens_id), key=lambda e: e.id)
    assert created.new["symbols"] == ["oeil", "e_soleil"]
    (change,) = [c for c in modified.changes() if c.field == "symbols"]
    assert f"{change.label} : {change.old_text} → {change.new_text}" == (
        "Symboles : œil, « e » avec soleil → œil")
    assert "Symboles œil, « e » avec soleil → œil" in modified.summary()


def test_the_vocabulary_as_stored_counts_lenses_and_takes_an_admin_shape(db):
    refs = make_refs(db)
    catalogue.create_lens(db, {**lens_values(refs), "symboles": ["oeil"]})
    catalogue.create_lens(db, {**lens_values(refs, nom="Autre"), "symboles": ["oeil", "pi"]})
    items = catalogue.list_symbols(db)
    assert [i.key for i in items] == [s.key for s in SHAPES]
    counts = {i.key: i.lens_count for i in items}
    assert counts["oeil"] == 2 and counts["pi"] == 1 and counts["cercle"] == 0
    assert items[0].label == SHAPES[0].label and items[0].path == SHAPES[0].path

    changes = catalogue.create_symbol(db, "e_etoile", "« e » avec étoile", "e d'Essilor",
                                      "M 10 50 H 90 M 50 10 L 50 90")
    assert changes.symbols and not changes.empty
    added = catalogue.list_symbols(db)[-1]
    assert (added.key, added.label, added.lens_count) == ("e_etoile", "« e » avec étoile", 0)
    lens_id = catalogue.create_lens(db, {**lens_values(refs, nom="Trois"), "symboles": ["e etoile"]}).lens_id
    assert catalogue.get_lens(db, lens_id).symbols == ("e_etoile",)

    for key, label, path, field in (
        ("E Etoile", "Étoile e", "M 0 0 L 9 9", "cle"),
        ("rond2", "Œil", "M 0 0 L 9 9", "libelle"),
        ("cercle", "Autre cercle", "M 0 0 L 9 9", "cle"),
        ("gribouillis", "Gribouillis", "X 12", "dessin"),
    ):
        with pytest.raises(ValidationError) as caught:
            catalogue.create_symbol(db, key, label, "Objets", path)
        assert caught.value.report.get(field), (key, caught.value.report.errors)
    assert len(catalogue.list_symbols(db)) == len(SHAPES) + 1


def test_an_added_shape_is_a_name_the_search_box_knows_at_once(db):
    from data.catalogue.vocabulary import vocabulary
    from data.identify import parse

    assert parse("coeur", vocabulary(db)).symbols == ()  # read and kept before the write
    catalogue.create_symbol(db, "coeur", "Cœur", "Objets", "M 50 90 L 10 40 L 50 20 L 90 40 Z")
    assert parse("cœur", vocabulary(db)).symbols == ("coeur",)
    assert "coeur" in [shape.key for shape in catalogue.symbol_shapes(db)]
