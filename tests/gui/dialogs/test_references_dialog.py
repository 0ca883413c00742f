"""Reference data from the window: add, rename, merge duplicates, refuse orphaning deletes."""

from __future__ import annotations

from data import catalogue
from data.query import LensQuery


def page(window, kind):
    assert window.unlock_admin("secret-admin")
    dialog = window.editing.references_dialog()
    return dialog, dialog.pages[kind]


def item_named(tab, name):
    return next(i for i in tab.items if i.nom == name)


def test_duplicate_suppliers_are_merged_and_lenses_follow(window):
    dialog, tab = page(window, "fournisseur")
    essilor = item_named(tab, "Essilor")
    # An old import left "ESSILOR SA" beside "Essilor": create it with one lens.
    assert tab.add_named("ESSILOR SA")
    twin = item_named(tab, "ESSILOR SA")
    with window.db.transaction() as s:
        range_id = catalogue.get_or_create_reference(s, "gamme", "Varilux", twin.id)
    catalogue.create_lens(window.db, {"nom": "Verre du doublon", "fournisseur_id": twin.id,
                                      "gamme_id": range_id, "indice": "1,6"})
    tab.reload()
    twin = item_named(tab, "ESSILOR SA")
    assert tab.merge_into(twin, essilor)
    assert "1 verre(s) déplacé(s)" in tab.message.text()
    assert "ESSILOR SA" not in [i.nom for i in tab.items]
    moved = catalogue.lens_ids(window.db, LensQuery(text="verre du doublon"))
    lens = catalogue.get_lens(window.db, moved[0])
    assert lens.fournisseur == "Essilor" and lens.gamme == "Varilux"
    labels = [window.filters.supplier_list.item(i).text() for i in range(window.filters.supplier_list.count())]
    assert not any(label.startswith("ESSILOR SA") for label in labels)


def test_delete_refused_while_lenses_use_it(window):
    dialog, tab = page(window, "materiau")
    used = next(i for i in tab.items if i.lens_count > 1)
    assert not tab.delete_item(used)
    assert f"{used.lens_count} verres l'utilisent" in tab.message.text()
    assert tab.add_named("Matériau inutilisé")
    assert tab.delete_item(item_named(tab, "Matériau inutilisé"))


def test_same_name_ignoring_case_and_accents_is_refused(window):
    dialog, tab = page(window, "fournisseur")
    assert not tab.add_named("  hoya ")
    assert "existe déjà" in tab.message.text()


def test_rename(window):
    dialog, tab = page(window, "gamme")
    varilux = item_named(tab, "Varilux")
    assert tab.rename_to(varilux, "Varilux®")
    assert "Varilux®" in [i.nom for i in tab.items]
