"""Who may write: nobody without the admin password, the password never leaks, the audit trail
cannot be edited, and hostile text reaches the database only as bound parameters.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import event

from data import admin, audit, catalogue, maintenance
from data.database import Database
from data.models import Parametre
from data.query import LensQuery
from data.startup import open_catalogue
from data.text import fold
from data.transfer import export_lenses, import_lenses
from tests.factories import lens_values, make_refs
from tests.reliability.helpers import PASSWORD, PROJECT, count_rows, run_cli, sqlite_url

CSV = "fournisseur;nom;indice\nHoya;Lifestyle;1,6\nZeiss;Précision;1,67\n"


@pytest.fixture
def shop(tmp_path: Path) -> Iterator[str]:
    """A catalogue file with three lenses and an admin password."""
    url = sqlite_url(tmp_path / "boutique.db")
    opened = open_catalogue(url, seed=False)
    try:
        refs = make_refs(opened.db)
        for n in range(3):
            catalogue.create_lens(opened.db, lens_values(refs, nom=f"Verre {n}"))
        admin.set_password(opened.db, PASSWORD)
    finally:
        opened.db.dispose()
    yield url


def test_writing_commands_without_admin_exit_2_and_change_nothing(
    shop: str, tmp_path: Path, data_home: Path
) -> None:
    source = tmp_path / "nouveaux.csv"
    source.write_text(CSV, encoding="utf-8")
    backup = run_cli(data_home, "backup", "--database", shop).stdout.strip()
    before = (count_rows(shop, "verres"), count_rows(shop, "historique"))
    attempts = [("import", str(source)), ("restore", backup)]
    for command in attempts:
        done = run_cli(data_home, *command, "--database", shop, password=PASSWORD)
        assert done.returncode == 2, done.stderr
        assert "--admin" in done.stderr and "Traceback" not in done.stderr
    assert (count_rows(shop, "verres"), count_rows(shop, "historique")) == before


def test_a_wrong_password_exits_1_and_changes_nothing(shop: str, tmp_path: Path, data_home: Path) -> None:
    source = tmp_path / "nouveaux.csv"
    source.write_text(CSV, encoding="utf-8")
    before = (count_rows(shop, "verres"), count_rows(shop, "historique"))
    done = run_cli(data_home, "import", str(source), "--admin", "--database", shop,
                   password="pas-le-bon")
    assert done.returncode == 1
    assert "mot de passe administrateur incorrect" in done.stderr
    assert (count_rows(shop, "verres"), count_rows(shop, "historique")) == before


def test_the_password_is_salted_slow_and_never_logged(shop: str, tmp_path: Path, data_home: Path) -> None:
    first, second = admin.hash_password(PASSWORD), admin.hash_password(PASSWORD)
    assert first != second, "same password, same hash: no salt"
    scheme, n, r, _p, salt, digest = first.split("$")
    assert scheme == "scrypt" and int(n) >= 2**14 and int(r) >= 8 and len(salt) >= 20
    source = tmp_path / "nouveaux.csv"
    source.write_text(CSV, encoding="utf-8")
    debug = {"ENGRAVEDETECT_LOG_LEVEL": "DEBUG", "ENGRAVEDETECT_SLOW_QUERY_MS": "0"}
    runs = [
        run_cli(data_home, "import", str(source), "--admin", "--database", shop,
                password="mauvais-essai", extra_env=debug),
        run_cli(data_home, "import", str(source), "--admin", "--database", shop,
                password=PASSWORD, extra_env=debug),
    ]
    assert runs[1].returncode == 0, runs[1].stderr
    db_hash = _stored_hash(shop)
    log_text = (data_home / "database.log").read_text(encoding="utf-8")
    assert "Requête lente" in log_text, "the DEBUG log did not record statements: test is blind"
    for text in (log_text, *(r.stdout + r.stderr for r in runs)):
        for secret in (PASSWORD, "mauvais-essai", db_hash, db_hash.split("$")[-1]):
            assert secret not in text


def _stored_hash(url: str) -> str:
    from data.config import load_settings
    from data.database import open_database

    db = open_database(url, load_settings(cli_url=url))
    try:
        with db.transaction() as session:
            row = session.get(Parametre, admin.PASSWORD_KEY)
            assert row is not None
            return row.valeur
    finally:
        db.dispose()


# ---------------------------------------------------------------- the audit trail

_TRAIL_WRITE = re.compile(r"^\s*(UPDATE\s+[`\"]?historique|DELETE\s+FROM\s+[`\"]?historique)", re.I)


@pytest.fixture
def statements(db: Database) -> Iterator[list[str]]:
    """Every SQL statement the app sends, as text (parameters are not part of it)."""
    seen: list[str] = []

    def capture(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
        seen.append(statement)

    event.listen(db.engine, "before_cursor_execute", capture)
    yield seen
    event.remove(db.engine, "before_cursor_execute", capture)


def test_no_path_of_the_app_updates_or_deletes_an_audit_entry(
    db: Database, statements: list[str], tmp_path: Path
) -> None:
    """Every writer of the service and of the trail, run once: none touches past entries."""
    refs = make_refs(db)
    other = catalogue.create_reference(db, "fournisseur", "Autre").reference_id
    lens = catalogue.create_lens(db, lens_values(refs)).lens_id
    catalogue.update_lens(db, lens, lens_values(refs, variante="XL"), 1)
    snapshot = catalogue.delete_lenses(db, [lens]).snapshots
    catalogue.restore_lens(db, snapshot[0])
    gone = catalogue.create_lens(db, lens_values(refs, nom="Éphémère")).lens_id
    catalogue.delete_lenses(db, [gone])
    deletion = next(d for d in audit.deleted_lenses(db) if d.restored_as is None)
    catalogue.restore_deleted(db, deletion.entry_id)
    catalogue.rename_reference(db, "fournisseur", other, "Autre fournisseur")
    catalogue.merge_references(db, "fournisseur", other, refs.supplier)
    spare = catalogue.create_reference(db, "materiau", "Polycarbonate").reference_id
    catalogue.delete_reference(db, "materiau", spare)
    source = tmp_path / "import.csv"
    source.write_text(CSV, encoding="utf-8")
    import_lenses(db, source)
    audit.catalogue_history(db)
    assert count_rows(str(db.url.render_as_string(hide_password=False)), "historique") >= 10
    assert len(statements) > 50
    offenders = [s for s in statements if _TRAIL_WRITE.match(s)]
    assert offenders == []


def test_no_module_of_the_data_layer_writes_update_or_delete_on_the_trail() -> None:
    """The static side of the same rule: no ``update(Historique)``/``delete(Historique)``, no
    ``session.delete`` of an entry, no SQL text editing ``historique`` anywhere in ``data/``."""
    problems: list[str] = []
    for path in sorted((PROJECT / "data").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and node.args:
                name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
                target = ast.unparse(node.args[0])
                if name in ("update", "delete") and "Historique" in target:
                    problems.append(f"{path.name}:{node.lineno} {ast.unparse(node)}")
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                if _TRAIL_WRITE.search(node.value) or re.search(
                        r"(UPDATE|DELETE\s+FROM)\s+[`\"]?historique", node.value, re.I):
                    problems.append(f"{path.name}:{node.lineno} {node.value[:60]!r}")
    assert problems == []


# ---------------------------------------------------------------- hostile text

HOSTILE = [
    "'; DROP TABLE verres; --",
    "\" OR \"1\"=\"1",
    "x' UNION SELECT valeur FROM parametres --",
    "%' OR 1=1 OR nom LIKE '%",
    "\\'; DELETE FROM historique; #",
    "Robert'); DROP TABLE fournisseurs;--",
    "1; UPDATE verres SET indice = 3",
    "$$; SELECT pg_sleep(5); $$",
]


def test_hostile_text_reaches_the_database_only_as_bound_parameters(
    db: Database, statements: list[str], tmp_path: Path
) -> None:
    refs = make_refs(db)
    created = []
    for n, hostile in enumerate(HOSTILE):
        supplier = catalogue.create_reference(db, "fournisseur", hostile[:90]).reference_id
        created.append(catalogue.create_lens(db, lens_values(
            refs, nom=hostile, variante=hostile[:50], gravure_nasale=hostile[:50],
            url_source=f"https://exemple.fr/?q={n}")).lens_id)
        assert supplier > 0
        assert catalogue.count_lenses(db, LensQuery(text=hostile)) >= 1
        catalogue.lens_ids(db, LensQuery(text=hostile, sort="fournisseur"))
        catalogue.update_lens(db, created[-1], lens_values(refs, nom=hostile + " (modifié)"), 1)
    export_lenses(db, tmp_path / "export.csv", query=LensQuery(text=HOSTILE[0]))
    maintenance.check_integrity(db)
    for hostile in HOSTILE:
        for fragment in {hostile, fold(hostile), hostile.replace("'", "''")}:
            assert not [s for s in statements if fragment in s], fragment
    for lens_id, hostile in zip(created, HOSTILE, strict=True):
        assert catalogue.get_lens(db, lens_id).nom == hostile + " (modifié)"
    assert catalogue.count_lenses(db, LensQuery()) == len(HOSTILE)
