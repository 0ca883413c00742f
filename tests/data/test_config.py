import logging
from pathlib import Path

from data.config import load_settings
from data.database import open_database
from data.logs import configure_logging, mask_secrets


def test_default_is_sqlite_in_data_folder(tmp_path):
    settings = load_settings(environ={"ENGRAVEDETECT_HOME": str(tmp_path)}, cwd=tmp_path)
    assert settings.database_url == f"sqlite:///{tmp_path.as_posix()}/catalogue.db"
    assert settings.is_default_database
    assert settings.backup_dir == tmp_path / "backups"
    assert settings.pool.size == 20 and settings.pool.overflow == 10
    assert settings.pool.timeout_s == 30 and settings.pool.recycle_s == 3600


def test_selection_order_cli_env_dotenv_default(tmp_path):
    (tmp_path / ".env").write_text("ENGRAVEDETECT_DATABASE_URL='sqlite:///dotenv.db'\n# c\n")
    env = {"ENGRAVEDETECT_HOME": str(tmp_path / "h")}
    assert load_settings(environ=env, cwd=tmp_path).database_url == "sqlite:///dotenv.db"
    env["ENGRAVEDETECT_DATABASE_URL"] = "sqlite:///env.db"
    assert load_settings(environ=env, cwd=tmp_path).database_url == "sqlite:///env.db"
    chosen = load_settings(cli_url="sqlite:///cli.db", environ=env, cwd=tmp_path)
    assert chosen.database_url == "sqlite:///cli.db" and not chosen.is_default_database


def test_home_moves_everything(tmp_path):
    settings = load_settings(environ={"ENGRAVEDETECT_HOME": str(tmp_path / "x")}, cwd=tmp_path)
    assert settings.data_dir == tmp_path / "x"


def test_passwords_are_masked():
    text = "could not connect postgresql+psycopg://shop:s3cr3t@db.local:5432/cat password=hunter2"
    masked = mask_secrets(text)
    assert "s3cr3t" not in masked and "hunter2" not in masked
    assert "shop:***@db.local" in masked


def test_slow_queries_are_logged_without_password(tmp_path, monkeypatch):
    monkeypatch.setenv("ENGRAVEDETECT_SLOW_QUERY_MS", "0")
    settings = load_settings(environ={"ENGRAVEDETECT_HOME": str(tmp_path), "ENGRAVEDETECT_SLOW_QUERY_MS": "0"}, cwd=tmp_path)
    assert settings.slow_query_ms == 0
    path = configure_logging(settings)
    db = open_database("sqlite:///" + (tmp_path / "c.db").as_posix(), settings)
    with db.engine.connect() as conn:
        conn.exec_driver_sql("SELECT 'postgresql://u:topsecret@h/d'")
    logging.getLogger("engravedetect").handlers[0].flush()
    db.dispose()
    content = Path(path).read_text(encoding="utf-8")
    assert "Requête lente" in content
    assert "topsecret" not in content


def _dotenv_url(tmp_path, content: bytes) -> str:
    (tmp_path / ".env").write_bytes(content)
    env = {"ENGRAVEDETECT_HOME": str(tmp_path / "h")}
    return load_settings(environ=env, cwd=tmp_path).database_url


def test_dotenv_inline_comment_is_not_part_of_the_url(tmp_path):
    url = _dotenv_url(tmp_path, b"ENGRAVEDETECT_DATABASE_URL=postgresql+psycopg://u@srv/db # serveur\n")
    assert url == "postgresql+psycopg://u@srv/db"


def test_dotenv_saved_with_a_byte_order_mark_keeps_its_first_key(tmp_path):
    content = "\ufeffENGRAVEDETECT_DATABASE_URL=sqlite:///bom.db\n".encode()
    assert _dotenv_url(tmp_path, content) == "sqlite:///bom.db"


def test_dotenv_dollar_in_a_password_is_kept_as_typed(tmp_path):
    content = b"PASS=x\nENGRAVEDETECT_DATABASE_URL=postgresql+psycopg://u:pa$PASS${PASS}@srv/db\n"
    assert _dotenv_url(tmp_path, content) == "postgresql+psycopg://u:pa$PASS${PASS}@srv/db"
