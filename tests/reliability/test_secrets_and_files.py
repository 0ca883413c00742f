"""Secrets and files: passwords masked everywhere, only http(s) links, only real PNG/JPEG
images under 5 MB, backups and exports readable by their owner alone.
"""

from __future__ import annotations

import io
import os
import random
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image

from data import catalogue, maintenance
from data.database import Database, describe_error, mask_secrets
from data.errors import ValidationError
from data.transfer import export_lenses
from data.validation import validate_lens
from tests.factories import lens_values, make_refs
from tests.reliability.helpers import count_rows, run_cli

SECRET = "S3cret"


@pytest.mark.parametrize("url", [
    f"postgresql+psycopg://postgres:{SECRET}@127.0.0.1:1/x",
    f"mysql+pymysql://root:{SECRET}@127.0.0.1:1/x",
])
def test_a_server_password_never_shows_in_messages_or_the_log(url: str, data_home: Path) -> None:
    for done in (
        run_cli(data_home, "check", "--database", url),
        run_cli(data_home, "backup", extra_env={"ENGRAVEDETECT_DATABASE_URL": url}),
    ):
        assert done.returncode in (1, 2)
        assert done.stderr.startswith("Erreur") and "Traceback" not in done.stderr
        assert "indisponible" in done.stderr.lower() or "impossible" in done.stderr.lower()
        assert SECRET not in done.stderr + done.stdout
    log = data_home / "database.log"
    assert not log.exists() or SECRET not in log.read_text(encoding="utf-8")


def test_a_refused_server_password_is_masked_too() -> None:
    """A real server refusing the login: the driver's words, never the password."""
    admin_url = os.environ.get("ENGRAVEDETECT_TEST_MARIADB_URL")
    if not admin_url:
        pytest.skip("ENGRAVEDETECT_TEST_MARIADB_URL non défini")
    from sqlalchemy import make_url

    from data.config import load_settings
    from data.database import open_database
    from data.errors import CatalogueError

    url = make_url(admin_url).set(username="edt_inconnu", password=SECRET)
    raw = url.render_as_string(hide_password=False)
    with pytest.raises(CatalogueError) as caught:
        open_database(raw, load_settings(cli_url=raw), pool_size=1)
    assert SECRET not in caught.value.message
    assert SECRET not in mask_secrets(f"connexion {raw} refusée password={SECRET}")
    assert SECRET not in describe_error(RuntimeError(f"échec sur {raw}")).message


# ---------------------------------------------------------------- links

REFUSED_LINKS = [
    "file:///etc/passwd",
    "FILE://C:/Windows/win.ini",
    "javascript:alert(1)",
    "JavaScript:alert(document.cookie)",
    " javascript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "vbscript:msgbox(1)",
    "/home/marc/gravure.png",
    "C:\\Images\\gravure.png",
    "\\\\serveur\\partage\\gravure.png",
    "~/gravure.png",
    "gravure.png",
    "ftp://exemple.fr/g.png",
    "http://",
    "https:///chemin",
    "http://exemple .fr/g.png",
]


@pytest.mark.parametrize("link", REFUSED_LINKS)
def test_only_http_links_are_accepted(link: str, sqlite_db: Database) -> None:
    for field in ("url_gravure", "url_source"):
        values, report = validate_lens({"nom": "Verre", "fournisseur_id": 1, "indice": 1.6,
                                        field: link})
        assert values is None and report.get(field), (field, link)
    refs = make_refs(sqlite_db)
    with pytest.raises(ValidationError):
        catalogue.create_lens(sqlite_db, lens_values(refs, url_gravure=link))
    assert count_rows(str(sqlite_db.url), "verres") == 0


def test_http_and_https_links_are_kept(sqlite_db: Database) -> None:
    refs = make_refs(sqlite_db)
    lens = catalogue.create_lens(sqlite_db, lens_values(
        refs, url_gravure="HTTPS://exemple.fr/g.png", url_source="http://fournisseur.example/v")).lens_id
    assert catalogue.get_lens(sqlite_db, lens).url_gravure == "HTTPS://exemple.fr/g.png"


# ---------------------------------------------------------------- images


def image_bytes(fmt: str, size: tuple[int, int] = (32, 16), noise: bool = False) -> bytes:
    image = Image.new("RGB", size, "white")
    if noise:
        image = Image.frombytes("RGB", size, random.Random(5).randbytes(size[0] * size[1] * 3))
    out = io.BytesIO()
    image.save(out, fmt, compress_level=0) if fmt == "PNG" else image.save(out, fmt)
    return out.getvalue()


def test_png_and_jpeg_images_are_stored(sqlite_db: Database) -> None:
    refs = make_refs(sqlite_db)
    for fmt in ("PNG", "JPEG"):
        lens = catalogue.create_lens(sqlite_db, lens_values(refs, nom=fmt), image=image_bytes(fmt)).lens_id
        image_id = catalogue.get_lens(sqlite_db, lens).image_id
        assert image_id is not None
        content, mime = catalogue.get_image(sqlite_db, image_id)
        assert mime == f"image/{fmt.lower()}" and content == image_bytes(fmt)


@pytest.fixture
def refused_images() -> Iterator[dict[str, bytes]]:
    png = image_bytes("PNG")
    big = image_bytes("PNG", (1400, 1300), noise=True)
    assert len(big) > 5 * 1024 * 1024
    yield {
        "gif": image_bytes("GIF"),
        "bmp": image_bytes("BMP"),
        "texte": b"<svg xmlns='http://www.w3.org/2000/svg'/>",
        "vide": b"",
        "png-tronque": png[: len(png) // 2],
        "signature-png-seule": b"\x89PNG\r\n\x1a\n" + b"\0" * 200,
        "signature-jpeg-seule": b"\xff\xd8\xff\xe0" + os.urandom(300),
        "png-trop-gros": big,
    }


def test_other_files_and_images_over_5_mb_are_refused_and_nothing_is_written(
    sqlite_db: Database, refused_images: dict[str, bytes]
) -> None:
    refs = make_refs(sqlite_db)
    lens = catalogue.create_lens(sqlite_db, lens_values(refs)).lens_id
    url = str(sqlite_db.url)
    for name, content in refused_images.items():
        with pytest.raises(ValidationError) as caught:
            catalogue.create_lens(sqlite_db, lens_values(refs, nom=name), image=content)
        assert caught.value.report.get("image"), name
        with pytest.raises(ValidationError):
            catalogue.update_lens(sqlite_db, lens, lens_values(refs), 1, image=content)
    assert (count_rows(url, "verres"), count_rows(url, "images_gravure")) == (1, 0)
    assert catalogue.get_lens(sqlite_db, lens).version == 1


# ---------------------------------------------------------------- owner-only files


@pytest.fixture
def open_umask() -> Iterator[None]:
    """A permissive umask (as some shops' session scripts set), so permissions come from the app."""
    previous = os.umask(0)
    try:
        yield
    finally:
        os.umask(previous)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_backups_and_exports_are_readable_by_their_owner_only(
    db: Database, tmp_path: Path, open_umask: None
) -> None:
    refs = make_refs(db)
    catalogue.create_lens(db, lens_values(refs))
    files = [maintenance.backup_database(db, dest_dir=tmp_path / "sauvegardes").path,
             maintenance.backup_database(db, dest_dir=tmp_path / "sauvegardes", fmt="portable").path]
    files += [Path(export_lenses(db, tmp_path / f"verres.{fmt}").path) for fmt in ("csv", "xlsx", "json")]
    for path in files:
        assert mode(path) == 0o600, (path.name, oct(mode(path)))
