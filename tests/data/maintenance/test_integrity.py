"""The integrity check finds every kind of problem planted by raw SQL, on the three backends."""

from __future__ import annotations

import hashlib

import pytest
import sqlalchemy as sa

from data import catalogue, maintenance
from data.database import Database
from tests.data.maintenance_helpers import filled, plant
from tests.factories import lens_values, make_refs

INSERT_LENS = (
    "INSERT INTO verres (id, nom, variante, fournisseur_id, gamme_id, serie_id, materiau_id, "
    "indice, hauteur_min, hauteur_max, exemple, version, cree_le, modifie_le, recherche, tri_nom) "
    "VALUES ({id}, '{nom}', NULL, {f}, {g}, {s}, NULL, {indice}, {hmin}, {hmax}, {false}, 1, "
    "'2026-01-01 00:00:00', '2026-01-01 00:00:00', '{key}', '{key}')"
)


def _lens_sql(db: Database, **values: object) -> str:
    defaults: dict[str, object] = {"g": "NULL", "s": "NULL", "indice": 1.6, "hmin": 14,
                                   "hmax": 18, "false": "false" if db.backend == "postgresql" else 0}
    defaults.update(values)
    name = str(defaults["nom"])
    return INSERT_LENS.format(key=name.lower() + "\x1f\x1f", **defaults)


def _kinds(report: maintenance.IntegrityReport, lens_id: int) -> set[str]:
    return {f.kind for f in report.findings if f.lens_id == lens_id}


def test_clean_catalogue_has_no_findings(db: Database) -> None:
    filled(db)
    report = maintenance.check_integrity(db)
    assert report.ok, report.findings


def test_check_finds_every_planted_problem(db: Database) -> None:
    refs = make_refs(db)
    other = make_refs(db, supplier="Hoya", range_="Hoyalux", series="iD", material="Eyas")
    good = catalogue.create_lens(db, lens_values(refs, nom="Modèle sain")).lens_id
    twin = catalogue.create_lens(db, lens_values(refs, nom="Jumeau")).lens_id
    sorted_wrong = catalogue.create_lens(db, lens_values(refs, nom="Tri de gamme faux")).lens_id
    decimals = catalogue.create_lens(db, lens_values(refs, nom="Indice non arrondi")).lens_id
    f = refs.supplier
    plant(
        db,
        _lens_sql(db, id=101, nom="Indice fou", f=f, indice=2.5),
        _lens_sql(db, id=102, nom="Hauteurs inversees", f=f, hmin=30, hmax=20),
        _lens_sql(db, id=103, nom="Trop haut", f=f, hmin=10, hmax=150),
        _lens_sql(db, id=104, nom="Gamme etrangere", f=f, g=other.range_),
        _lens_sql(db, id=105, nom="Fournisseur absent", f=9999),
        f"UPDATE verres SET tri_nom = 'pas a jour' WHERE id = {good}",
        f"UPDATE verres SET indice = 1.6000001 WHERE id = {twin}",
        f"UPDATE verres SET tri_gamme = 'zzz' WHERE id = {sorted_wrong}",
        f"UPDATE verres SET indice = 1.6666667 WHERE id = {decimals}",
    )
    duplicate = catalogue.create_lens(db, lens_values(refs, nom="Jumeau")).lens_id
    report = maintenance.check_integrity(db)
    assert "indice" in _kinds(report, 101)
    assert "hauteur" in _kinds(report, 102)
    assert "hauteur" in _kinds(report, 103)
    assert "reference_incoherente" in _kinds(report, 104)
    assert "cle_etrangere" in _kinds(report, 105)
    assert "normalisation" in _kinds(report, good)
    assert "doublon" in _kinds(report, duplicate)
    assert _kinds(report, sorted_wrong) == {"normalisation"}
    assert "tri_gamme" in next(f.message for f in report.findings if f.lens_id == sorted_wrong)
    assert _kinds(report, decimals) == {"indice_decimales"}
    assert "1,6666667" in next(f.message for f in report.findings if f.lens_id == decimals)
    names = {f.lens_id: f.lens_name for f in report.findings if f.lens_id}
    assert names[101] == "Indice fou"
    assert all(f.message for f in report.findings)


def test_check_finds_images_that_cannot_be_decoded(db: Database) -> None:
    refs = make_refs(db)
    lens = catalogue.create_lens(db, lens_values(refs)).lens_id
    content = b"\x89PNG\r\n\x1a\n" + b"not really an image" * 10
    with db.engine.begin() as conn:
        conn.execute(
            sa.text("INSERT INTO images_gravure (donnees, type_mime, taille, sha256, cree_le) "
                    "VALUES (:d, 'image/png', :t, :h, '2026-01-01 00:00:00')"),
            {"d": content, "t": len(content), "h": hashlib.sha256(content).hexdigest()},
        )
        image_id = conn.execute(sa.text("SELECT max(id) FROM images_gravure")).scalar()
        conn.execute(sa.text("UPDATE verres SET image_id = :i WHERE id = :v"),
                     {"i": image_id, "v": lens})
    report = maintenance.check_integrity(db)
    assert "image" in _kinds(report, lens)
    quick = maintenance.check_integrity(db, quick=True)  # signature only: this one passes
    assert "image" not in _kinds(quick, lens)


def test_check_reports_progress_and_can_be_cancelled(db: Database) -> None:
    filled(db)
    seen: list[tuple[int, int]] = []
    maintenance.check_integrity(db, progress=lambda d, t: seen.append((d, t)))
    assert seen[-1][0] == seen[-1][1]
    with pytest.raises(maintenance.Cancelled):
        maintenance.check_integrity(db, cancel=lambda: True)


def test_sqlite_structural_damage_is_reported_not_raised(sqlite_db: Database) -> None:
    filled(sqlite_db)
    assert sqlite_db.sqlite_path is not None
    sqlite_db.dispose()
    raw = bytearray(sqlite_db.sqlite_path.read_bytes())
    page = 4096
    for offset in range(page * 8, len(raw) - page, page * 3):
        raw[offset: offset + 64] = b"\x07" * 64
    sqlite_db.sqlite_path.write_bytes(bytes(raw))
    report = maintenance.check_integrity(sqlite_db)
    assert "structure" in report.by_kind()


def test_sqlite_rule_violations_are_summed_up_in_french(sqlite_db):
    import sqlite3

    from data import catalogue as service
    from data import maintenance
    from tests.factories import lens_values, make_refs

    refs = make_refs(sqlite_db)
    ids = [service.create_lens(sqlite_db, lens_values(refs, nom=f"V{i}")).lens_id for i in range(3)]
    with sqlite3.connect(sqlite_db.sqlite_path) as conn:
        conn.execute("PRAGMA ignore_check_constraints = ON")
        conn.execute("UPDATE verres SET hauteur_min = 30, hauteur_max = 10 WHERE id IN (?, ?)", ids[:2])
    report = maintenance.check_integrity(sqlite_db)
    rules = [f for f in report.findings if f.kind == "contrainte"]
    assert len(rules) == 1
    assert "Table « verres » : 2 ligne(s) enfreignent une règle" in rules[0].message
    assert "CHECK constraint failed" not in " ".join(f.message for f in report.findings)
    assert {f.lens_id for f in report.findings if f.lens_id} == set(ids[:2])


def test_near_duplicate_references_are_listed(db: Database) -> None:
    for kind, name in (("fournisseur", "Essilor"), ("fournisseur", "ESSILOR FR"), ("fournisseur", "Hoya"),
                       ("materiau", "CR-39"), ("materiau", "CR 39"), ("materiau", "Polycarbonate")):
        catalogue.create_reference(db, kind, name)
    report = maintenance.check_integrity(db)
    near = sorted(f.message for f in report.findings if f.kind == "reference_proche")
    assert len(near) == 2
    assert near[0].startswith("Fournisseur « Essilor » (n° ") and "« ESSILOR FR »" in near[0]
    assert near[1].startswith("Matériau « CR-39 »") and "fusionnez-les" in near[1]


def test_near_duplicates_offer_to_keep_the_name_more_lenses_use(db: Database) -> None:
    refs = make_refs(db, supplier="ESSILOR FR")
    essilor = make_refs(db, supplier="Essilor", material="CR 39")
    for i in range(3):
        catalogue.create_lens(db, lens_values(essilor, nom=f"Verre {i}"))
    catalogue.create_lens(db, lens_values(refs, nom="Verre importé"))
    report = maintenance.check_integrity(db)
    offers = {f.merge.kind: f for f in report.findings if f.merge is not None}
    supplier = offers["fournisseur"]
    assert f"(n° {refs.supplier}, 1 verre)" in supplier.message
    assert supplier.merge.keep == maintenance.ReferenceSide(essilor.supplier, "Essilor", 3)
    assert supplier.merge.other == maintenance.ReferenceSide(refs.supplier, "ESSILOR FR", 1)
    assert supplier.merge.reversed().keep.name == "ESSILOR FR"
    # « Orma » (1 lens) and « CR 39 » (3) are not alike: no material offer; the ranges are one
    # supplier's each, so never paired.
    assert set(offers) == {"fournisseur"}


def test_lenses_differing_in_material_or_engraving_are_not_duplicates(db: Database) -> None:
    refs = make_refs(db)
    other = make_refs(db, supplier="Essilor", range_="Varilux", series="Comfort Max", material="Minéral")
    catalogue.create_lens(db, lens_values(refs, nom="Deux matières"))
    catalogue.create_lens(db, lens_values(refs, nom="Deux matières", materiau_id=other.material))
    catalogue.create_lens(db, lens_values(refs, nom="Deux matières", gravure_nasale="AUTRE"))
    report = maintenance.check_integrity(db)
    assert not [f for f in report.findings if f.kind == "doublon"], report.findings


def _photo(seed: int) -> bytes:
    """A JPEG of about 400 KB (noise does not compress)."""
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.effect_noise((700, 500), 40 + seed).convert("RGB").save(out, "JPEG", quality=95)
    return out.getvalue()


def test_check_reads_the_pictures_a_few_at_a_time(sqlite_db: Database) -> None:
    import tracemalloc

    photos = [_photo(seed) for seed in range(24)]
    with sqlite_db.engine.begin() as conn:
        for content in photos:
            conn.execute(
                sa.text("INSERT INTO images_gravure (donnees, type_mime, taille, sha256, cree_le) "
                        "VALUES (:d, 'image/jpeg', :t, :h, '2026-01-01 00:00:00')"),
                {"d": content, "t": len(content), "h": hashlib.sha256(content).hexdigest()},
            )
    largest = max(len(content) for content in photos)
    del photos
    tracemalloc.start()
    try:
        report = maintenance.check_integrity(sqlite_db)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert report.ok, report.findings
    assert peak < 12 * largest  # a batch of 8 pictures, never the 24 at once
