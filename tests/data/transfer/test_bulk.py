"""Large imports: references created in bulk (every database) and, on SQLite, the lens table's
indexes and search triggers set aside while the rows go in, then rebuilt in the same transaction.

What is checked is correctness, never speed: after a large import the schema, the indexes, the
trigram search index and the audit trail are exactly what the row-by-row path gives; after a
cancelled, failed or refused one they are exactly what they were before.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, text

from data import audit, catalogue
from data.catalogue.code_keys import stale_code_keys
from data.database import Database
from data.errors import ConflictError, ValidationError
from data.models import Fournisseur, Gamme, Historique
from data.query import LensQuery
from data.sqlite_bulk import IndexPause
from data.transfer import commit, commit_import, import_lenses, prepare_import, sqlite_copy
from tests.data.maintenance_helpers import checkpoint_now, rows_in_file_alone
from tests.factories import lens_values, make_refs, picture

HEADER = "Fournisseur;Gamme;Série;Nom;Variante;Matériau;Indice;Hauteur min;Hauteur max;Gravure nasale;URL source\n"
BIG = sqlite_copy.PAUSE_MIN_ROWS + 500
FRAGMENTS = ("ai", "pz", "conf", "élite", "7z", "x")


def big_rows(count: int, start: int = 0) -> list[str]:
    """``count`` distinct lenses over a few suppliers, ranges and series, with varied codes."""
    rows = []
    for i in range(start, start + count):
        supplier = ("Essilor", "Hoya", "Zeiss", "Shamir", "BBGR")[i % 5]
        range_ = f"Gamme {i % 11}" if i % 7 else ""
        series = f"Série {i % 3}" if range_ and i % 2 else ""
        code = ("AIPZ", "c74", "YS3", f"X{i % 97}Z", "")[i % 5]
        rows.append(
            f"{supplier};{range_};{series};Élite Confort {i};{'Court' if i % 4 == 0 else ''};"
            f"{'Orma' if i % 3 else ''};{('1,5', '1,6', '1,67', '1,74')[i % 4]};{10 + i % 8};{20 + i % 9};"
            f"{code};https://example.fr/{i}"
        )
    return rows


def write_csv(path: Path, rows: list[str]) -> Path:
    path.write_text(HEADER + "".join(r + "\n" for r in rows), encoding="utf-8")
    return path


def schema(db: Database) -> list[tuple[Any, ...]]:
    with db.transaction() as s:
        return list(s.execute(text(
            "SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name"
        )).tuples())


def search_index(db: Database) -> list[tuple[Any, ...]]:
    """Every trigram of the search index with the number of lenses it points to."""
    with db.transaction() as s:
        return list(s.execute(text("SELECT term, doc FROM verres_fts_vocab ORDER BY term")).tuples())


def lens_table(db: Database) -> list[tuple[Any, ...]]:
    with db.transaction() as s:
        return list(s.execute(text(
            "SELECT id, nom, variante, fournisseur_id, gamme_id, serie_id, materiau_id, indice, "
            "hauteur_min, hauteur_max, gravure_nasale, url_gravure, url_source, image_id, exemple, "
            "version, recherche, tri_nom, tri_variante, tri_gravure, tri_gamme, tri_serie, tri_materiau "
            "FROM verres ORDER BY id"
        )).tuples())


def trail(db: Database) -> list[tuple[Any, ...]]:
    """The audit trail without its timestamps, in no particular order (an import may write
    its entries in another order: the lens rows first, their creation entries after)."""
    with db.transaction() as s:
        rows = s.execute(select(
            Historique.action, Historique.cible, Historique.cible_id, Historique.libelle,
            Historique.anciennes_valeurs, Historique.nouvelles_valeurs, Historique.lot,
        )).tuples()
        return sorted((_without_times(r) for r in rows), key=repr)


def _without_times(row: tuple[Any, ...]) -> tuple[Any, ...]:
    decoded = [audit.from_json(v) if i in (4, 5) else v for i, v in enumerate(row)]
    for values in decoded[4:6]:
        for key in ("cree_le", "modifie_le"):
            values.pop(key, None)
    return tuple(decoded)


def integrity(db: Database) -> list[str]:
    with db.transaction() as s:
        return [r[0] for r in s.execute(text("PRAGMA integrity_check"))]


def searches(db: Database) -> dict[str, list[int]]:
    return {f: list(catalogue.lens_ids(db, LensQuery(text=f))) for f in FRAGMENTS}


def expected_searches(db: Database) -> dict[str, list[int]]:
    """The same searches answered without the trigram index: a plain scan of the folded text."""
    from data.text import fold

    with db.transaction() as s:
        rows = s.execute(text("SELECT id, recherche FROM verres ORDER BY tri_nom, id")).tuples().all()
    return {f: [i for i, found in rows if fold(f) in found] for f in FRAGMENTS}


def code_keys(db: Database) -> list[tuple[Any, ...]]:
    """The code keys, after checking them against a recomputation from the engravings."""
    with db.transaction() as s:
        assert stale_code_keys(s) == []
        return s.execute(text("SELECT squelette, verre_id FROM verres_codes ORDER BY 1, 2")).tuples().all()


def signs(db: Database) -> list[tuple[Any, ...]]:
    with db.transaction() as s:
        return s.execute(text("SELECT verre_id, symbole_id FROM verres_symboles ORDER BY 1, 2")).tuples().all()


def state(db: Database) -> dict[str, Any]:
    return {
        "schema": schema(db),
        "lenses": lens_table(db),
        "code keys": code_keys(db),
        "signs": signs(db),
        "search": search_index(db),
        "trail": trail(db),
        "integrity": integrity(db),
    }


@pytest.fixture
def paused(monkeypatch: pytest.MonkeyPatch) -> list[IndexPause]:
    """Records every IndexPause that set indexes aside (so a test knows the path ran)."""
    seen: list[IndexPause] = []
    real_pause = IndexPause.pause

    def pause(self: IndexPause) -> None:
        real_pause(self)
        seen.append(self)

    monkeypatch.setattr(IndexPause, "pause", pause)
    return seen


def seeded(db: Database) -> None:
    """A catalogue with a few lenses (one of them changed by the big file) and its own trail."""
    refs = make_refs(db, supplier="Essilor", range_="Gamme 5", series="Série 2")
    # Row 5 of ``big_rows`` without its engraving code yet and with other heights: an update
    # (a lens with another code would be another lens).
    catalogue.create_lens(db, lens_values(refs, nom="Élite Confort 5", indice=1.6, hauteur_min=15, hauteur_max=25,
                                          gravure_nasale=None, url_source="https://example.fr/5"))
    catalogue.create_lens(db, lens_values(refs, nom="Déjà là", indice=1.5, gravure_nasale="AIPZ"))


# ---------------------------------------------------------------- every database


def test_a_reference_created_elsewhere_meanwhile_is_reused(db: Database, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "f.csv", ["Hoya;Hoyalux;iD;A;;Orma;1,5;;;;", "Hoya;Hoyalux;;B;;;1,6;;;;"])
    prepared = prepare_import(db, path)
    assert {r.kind for r in prepared.report.new_references} == {"fournisseur", "gamme", "serie", "materiau"}
    other = catalogue.create_reference(db, "fournisseur", "HOYA").reference_id  # another PC, meanwhile
    report = commit_import(db, prepared, author="marc@comptoir")
    assert report.written
    with db.transaction() as s:
        assert s.execute(select(Fournisseur.id)).scalars().all() == [other]
        (range_,) = s.execute(select(Gamme)).scalars().all()
        assert range_.fournisseur_id == other and range_.nom == "Hoyalux"
        created = s.execute(
            select(Historique.cible, Historique.nouvelles_valeurs).where(Historique.lot == report.batch_id)
        ).tuples().all()
    by_kind = {kind: audit.from_json(values) for kind, values in created if kind != "verre"}
    assert set(by_kind) == {"gamme", "serie", "materiau"}  # the supplier was not created by the import
    assert by_kind["gamme"] == {"nom": "Hoyalux", "fournisseur_id": other, "fournisseur": "HOYA"}
    assert by_kind["serie"] == {"nom": "iD", "gamme_id": range_.id, "gamme": "Hoyalux"}
    lenses = catalogue.lens_rows(db, catalogue.lens_ids(db, LensQuery()))
    assert sorted((r.nom, r.fournisseur, r.gamme, r.serie, r.materiau) for r in lenses) == [
        ("A", "HOYA", "Hoyalux", "iD", "Orma"), ("B", "HOYA", "Hoyalux", None, None)
    ]


def test_a_parent_removed_meanwhile_refuses_the_import(db: Database, tmp_path: Path) -> None:
    supplier = catalogue.create_reference(db, "fournisseur", "Hoya").reference_id
    path = write_csv(tmp_path / "f.csv", ["Hoya;Hoyalux;;A;;;1,5;;;;"])
    prepared = prepare_import(db, path)
    catalogue.delete_reference(db, "fournisseur", supplier)  # another PC, meanwhile
    before = audit.count_history(db)
    with pytest.raises(ValidationError, match="fournisseur existant"):
        commit_import(db, prepared)
    assert audit.count_history(db) == before
    with db.transaction() as s:
        assert s.execute(select(Gamme)).first() is None


# ---------------------------------------------------------------- SQLite: indexes set aside


def import_both_ways(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, paused: list[IndexPause], path: Path
) -> tuple[dict[str, dict[str, Any]], dict[str, Any]]:
    """``path`` (``big_rows(BIG)``, maybe with more columns) imported with ``update`` into two
    seeded SQLite catalogues, row by row then with the indexes set aside: each way's state (the
    same both ways) and report."""
    from data.config import load_settings
    from data.database import open_database
    from data.migrate import upgrade

    results = {}
    reports = {}
    for way in ("row by row", "indexes set aside"):
        url = f"sqlite:///{(tmp_path / (way.replace(' ', '-') + '.db')).as_posix()}"
        db = open_database(url, load_settings(cli_url=url), pool_size=2)
        try:
            upgrade(db)
            seeded(db)
            before = schema(db)
            with monkeypatch.context() as m:
                if way == "row by row":
                    m.setattr(sqlite_copy, "PAUSE_MIN_ROWS", 10**9)
                report = reports[way] = import_lenses(db, path, update=True, author="marc@comptoir")
            assert report.written and report.new == BIG - 1 and report.updated == 1
            assert len(paused) == (1 if way == "indexes set aside" else 0)
            assert schema(db) == before  # every index and trigger back, as the migrations wrote it
            results[way] = state(db)
            assert results[way]["integrity"] == ["ok"]
            assert searches(db) == expected_searches(db)
            assert searches(db)["7z"] and searches(db)["ai"]  # the changed lens's new code, new lenses
        finally:
            db.dispose()
    assert results["indexes set aside"] == results["row by row"]
    return results, reports


def test_a_large_import_gives_what_the_row_by_row_path_gives(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, paused: list[IndexPause],
) -> None:
    path = write_csv(tmp_path / "big.csv", big_rows(BIG))
    results, _reports = import_both_ways(tmp_path, monkeypatch, paused, path)
    assert len(paused[0].paused) == 0  # all re-created
    created = [r for r in results["row by row"]["trail"] if r[0] == audit.CREATION and r[1] == "verre"]
    assert len(created) == BIG - 1 + 2


def test_a_large_import_with_images_gives_what_the_row_by_row_path_gives(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, paused: list[IndexPause],
) -> None:
    """Image ids go through the lens rows built straight from the spill and into each new
    lens's audit entry, as row by row; an updated lens gets its image too."""
    folder = tmp_path / "fichiers"
    (folder / "dessins").mkdir(parents=True)
    names = ("rouge.png", "bleu.jpg", "vert.png")
    for name, content in zip(names, (picture("red"), picture("blue", "JPEG"), picture("green")), strict=True):
        (folder / "dessins" / name).write_bytes(content)
    rows = [f"{row};{'dessins/' + names[i % 3] if i % 4 else ''}" for i, row in enumerate(big_rows(BIG))]
    path = folder / "big.csv"
    path.write_text(HEADER.rstrip("\n") + ";Image gravure\n" + "".join(r + "\n" for r in rows), encoding="utf-8")
    results, reports = import_both_ways(tmp_path, monkeypatch, paused, path)
    assert {report.new_images for report in reports.values()} == {3}
    lenses = {row[0]: row for row in results["row by row"]["lenses"]}
    with_image = [row for row in lenses.values() if row[13] is not None]
    assert {row[13] for row in with_image} == {1, 2, 3} and len(with_image) == BIG - BIG // 4
    for action, target, lens_id, _label, old, new, batch in results["indexes set aside"]["trail"]:
        if target == "verre" and action == audit.CREATION and batch is not None:
            assert new["image_id"] == lenses[lens_id][13]
        elif target == "verre" and action == audit.MODIFICATION:  # row 5, seeded without an image
            assert old["image_id"] is None and new["image_id"] == lenses[lens_id][13] is not None


def test_a_large_import_with_signs_gives_what_the_row_by_row_path_gives(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, paused: list[IndexPause],
) -> None:
    """The shapes of the new lenses are copied from the spill by SQLite, before their creation
    entries (which list them), as row by row; the updated lens gets its shapes too."""
    shapes = ("oeil, e_soleil", "Cercle", "", "barre horizontale ; tiret ; courbe")
    rows = [f"{row};{shapes[i % 4]}" for i, row in enumerate(big_rows(BIG))]
    path = tmp_path / "big.csv"
    path.write_text(HEADER.rstrip("\n") + ";Symboles\n" + "".join(r + "\n" for r in rows), encoding="utf-8")
    results, _reports = import_both_ways(tmp_path, monkeypatch, paused, path)
    with_signs = {lens_id for lens_id, _shape in results["row by row"]["signs"]}
    assert len(with_signs) == BIG - (BIG + 1) // 4  # one row in four has none (row 5: the update)
    for action, target, lens_id, _label, _old, new, batch in results["indexes set aside"]["trail"]:
        if target == "verre" and action == audit.CREATION and batch is not None:
            assert bool(new["symbols"]) == (lens_id in with_signs)
        elif target == "verre" and action == audit.MODIFICATION:  # row 5: « Cercle »
            assert new["symbols"] == ["cercle"]


def test_a_large_import_of_the_valid_lines_gives_each_lens_its_own_shapes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, paused: list[IndexPause],
) -> None:
    """Lines refused for an unknown shape leave the spill before SQLite copies it: each new
    lens still gets the shapes of its own line (the copy numbers them from the spill's rows),
    as row by row."""
    from data.config import load_settings
    from data.database import open_database
    from data.migrate import upgrade

    shapes = ("oeil, e_soleil", "Cercle", "", "barre horizontale, tiret, courbe")
    rows = [f"{row};{'oeill' if i % 50 == 1 else shapes[i % 4]}" for i, row in enumerate(big_rows(BIG))]
    path = tmp_path / "big.csv"
    path.write_text(HEADER.rstrip("\n") + ";Symboles\n" + "".join(r + "\n" for r in rows), encoding="utf-8")
    refused = {i for i in range(BIG) if i % 50 == 1}
    results = {}
    for way in ("row by row", "indexes set aside"):
        url = f"sqlite:///{(tmp_path / (way.replace(' ', '-') + '.db')).as_posix()}"
        db = open_database(url, load_settings(cli_url=url), pool_size=2)
        try:
            upgrade(db)
            seeded(db)
            with monkeypatch.context() as m:
                if way == "row by row":
                    m.setattr(sqlite_copy, "PAUSE_MIN_ROWS", 10**9)
                prepared = prepare_import(db, path, update=True, valid_only=True)
                assert prepared.writable and len(prepared.rejects) == len(refused)
                report = commit_import(db, prepared, author="marc@comptoir")
            assert report.written and (report.new, report.updated) == (BIG - 1 - len(refused), 1)
            assert len(paused) == (1 if way == "indexes set aside" else 0)
            with db.transaction() as s:
                found = s.execute(text(
                    "SELECT v.nom, s.cle FROM verres AS v JOIN verres_symboles AS vs ON vs.verre_id = v.id "
                    "JOIN symboles AS s ON s.id = vs.symbole_id"
                )).tuples().all()
                names = set(s.execute(select(text("nom")).select_from(text("verres"))).scalars())
            by_name: dict[str, set[str]] = {}
            for name, key in found:
                by_name.setdefault(name, set()).add(key)
            for i in range(BIG):
                name = f"Élite Confort {i}"
                assert (name in names) == (i not in refused)
                assert len(by_name.get(name, ())) == (0 if i in refused else (2, 1, 0, 3)[i % 4])
            results[way] = (sorted((n, sorted(k)) for n, k in by_name.items()), signs(db))
            assert state(db)["integrity"] == ["ok"]
        finally:
            db.dispose()
    assert results["indexes set aside"] == results["row by row"]


def test_each_imported_lens_is_audited_as_the_service_audits_a_new_lens(db: Database, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "f.csv", big_rows(40))
    report = import_lenses(db, path, author="marc@comptoir")
    ids = list(catalogue.lens_ids(db, LensQuery()))
    assert len(ids) == 40
    for lens_id in ids:
        (created,) = audit.lens_history(db, lens_id)
        assert created.batch == report.batch_id and created.author == "marc@comptoir"
        expected = audit.from_json(audit.to_json(catalogue.lens_state(catalogue.get_lens(db, lens_id))))
        written = dict(created.new)
        assert set(written) == set(expected)
        for key in ("cree_le", "modifie_le"):  # the same instant, as each database stores it
            assert written.pop(key)[:19] == expected.pop(key)[:19]
        assert written == expected


def cancel_when(progress_from: int, seen: list[int]) -> Callable[[], bool]:
    return lambda: bool(seen) and seen[-1] >= progress_from


@pytest.mark.parametrize("how", ["cancel while writing", "cancel while rebuilding", "cancel while writing entries",
                                 "cancel as the entries end", "failure while rebuilding", "conflict found first",
                                 "refused"])
def test_a_large_import_stopped_leaves_everything_as_it_was(
    sqlite_db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, paused: list[IndexPause], how: str,
) -> None:
    db = sqlite_db
    seeded(db)
    rows = big_rows(BIG, start=6)
    if how == "refused":
        rows.append("Hoya;;;Indice faux;;;3,5;;;;")
    path = write_csv(tmp_path / "big.csv", rows)
    before = state(db)
    seen: list[int] = []
    def progress(done: int, _total: int) -> None:
        seen.append(done)

    # Pass 2 is the second half of the progress; with nothing to update, its first step is the
    # copy of the new lenses: past 500, that copy is over and the rebuild has begun.
    cancel = {"cancel while rebuilding": cancel_when(501, seen)}.get(how)
    if how == "cancel while writing":
        # The user cancels as SQLite starts copying the new lenses from the spill file.
        copy_started: list[bool] = []
        real_copy = sqlite_copy.SqliteBatch.copy_new_lenses

        def copy(self: Any) -> None:
            copy_started.append(True)
            real_copy(self)

        monkeypatch.setattr(sqlite_copy.SqliteBatch, "copy_new_lenses", copy)
        cancel = lambda: bool(copy_started)  # noqa: E731
    if how in ("cancel while writing entries", "cancel as the entries end"):
        # The entries are the rebuild's last step: the user cancels as SQLite starts them, or
        # just as they are written (after the last look at the cancel flag during the rebuild).
        entries_started: list[bool] = []
        real_record = audit.record_lens_creations

        def record(*args: Any, **kwargs: Any) -> int:
            if how == "cancel while writing entries":
                entries_started.append(True)
            written = real_record(*args, **kwargs)
            entries_started[:] = [True]
            return written

        monkeypatch.setattr(audit, "record_lens_creations", record)
        cancel = lambda: bool(entries_started)  # noqa: E731
    if how == "failure while rebuilding":
        real_resume = IndexPause.resume

        def failing(self: IndexPause, first: int, step: Callable[[], None] | None = None) -> None:
            count = itertools.count(1)

            def broken() -> None:
                if next(count) == 3:
                    raise OSError("disque plein")
            real_resume(self, first, broken)

        monkeypatch.setattr(IndexPause, "resume", failing)
    if how == "conflict found first":
        prepared = prepare_import(db, path)
        refs = make_refs(db, supplier="Essilor")
        # Row 10 of ``big_rows``, added by another PC meanwhile.
        catalogue.create_lens(db, lens_values(refs, nom="Élite Confort 10", gamme_id=None, serie_id=None,
                                              materiau_id=None, indice=1.67))
        before = state(db)
        with pytest.raises(ConflictError, match="autre poste"):
            commit_import(db, prepared)
        assert paused == []  # checked before anything was set aside
    elif how == "failure while rebuilding":
        with pytest.raises(OSError, match="disque plein"):
            import_lenses(db, path, progress=progress, cancel=cancel)
    else:
        report = import_lenses(db, path, progress=progress, cancel=cancel)
        assert not report.written
        assert report.cancelled == how.startswith("cancel")
        assert bool(report.refused) == (how == "refused")
    if how.startswith(("cancel", "failure")):
        assert len(paused) == 1  # the indexes had been set aside
    if how in ("cancel while writing entries", "cancel as the entries end"):
        assert entries_started == [True]
    if how == "cancel while writing":
        assert copy_started == [True]
    assert state(db) == before
    assert searches(db) == expected_searches(db)
    # The same pooled connection then imports normally.
    again = import_lenses(db, write_csv(tmp_path / "small.csv", big_rows(3, start=90_000)))
    assert again.written and again.new == 3
    assert integrity(db) == ["ok"] and searches(db) == expected_searches(db)


def test_a_large_import_into_postgresql_leaves_the_planner_statistics_right(
    db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Like a restore: the planner learns the new lenses at once, not when autovacuum passes."""
    if db.backend != "postgresql":
        pytest.skip("PostgreSQL only")
    monkeypatch.setattr(sqlite_copy, "PAUSE_MIN_ROWS", 50)
    path = write_csv(tmp_path / "f.csv", big_rows(300))
    assert import_lenses(db, path).written
    with db.engine.connect() as conn:
        known = conn.execute(text("SELECT reltuples FROM pg_class WHERE oid = 'verres'::regclass")).scalar_one()
        visible = conn.execute(text("SELECT relallvisible FROM pg_class WHERE oid = 'verres'::regclass")).scalar_one()
    assert known == 300  # -1 would mean never analysed since the table was created
    assert visible > 0  # vacuumed: a count reads an index only

    small = write_csv(tmp_path / "g.csv", big_rows(10, start=1000))  # 10 of 310: left to autovacuum
    calls: list[Database] = []
    monkeypatch.setattr(commit, "refresh_after_load", calls.append)
    assert import_lenses(db, small).written
    assert calls == []


def test_a_large_import_returns_before_the_wal_is_copied_into_the_file(
    sqlite_db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, paused: list[IndexPause],
) -> None:
    """The import is committed (every connection reads it) when ``commit_import`` returns; the
    copy of its pages into the database file is left to the background checkpoint."""
    db = sqlite_db
    checkpoint_now(db)
    asked: list[Database] = []
    monkeypatch.setattr(Database, "checkpoint_in_background", lambda self: asked.append(self))
    report = import_lenses(db, write_csv(tmp_path / "big.csv", big_rows(BIG)))
    assert report.written and paused
    assert asked == [db]
    assert len(list(catalogue.lens_ids(db, LensQuery()))) == BIG
    assert rows_in_file_alone(db, "verres", tmp_path) == 0
    monkeypatch.undo()
    db.checkpoint_in_background()
    db.wait_for_checkpoint()
    assert rows_in_file_alone(db, "verres", tmp_path) == BIG
