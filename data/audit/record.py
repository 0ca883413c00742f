"""Recording the audit trail (table ``historique``): who changed what, when, with old and new values.

Why it is built this way:
- Entries are written by the catalogue service **inside the transaction of the change**
  (``record`` takes the caller's session): a write that fails leaves no entry, and a committed
  change always has one.
- Values are stored as JSON text (portable across SQLite, PostgreSQL and MariaDB): only the
  changed fields for an update; the whole row, with the names of its references, for a delete —
  enough to restore it and to say which reference is missing when it cannot be.
- ``lot`` points to the entry that caused a group of entries: an import's summary entry
  (``record_import``) or a reference merge (one entry per lens it moved). A restoration points
  to the deletion it undoes (``entree_annulee``, unique: the database refuses a second one).
- The trail is append-only: this package has no function to edit or delete entries.

Author: the computer's login and host (``marc@COMPTOIR-2``), plus the database user on a server
(``marc@COMPTOIR-2 (bd: admin_boutique)``), computed once per engine.
"""

from __future__ import annotations

import getpass
import json
import logging
import socket
import weakref
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from sqlalchemy import Engine, Table, insert, text
from sqlalchemy.orm import Session

from data import formatting
from data.database import Database
from data.models import Historique, utcnow
from data.sqlite_bulk import RawInsert, is_sqlite

log = logging.getLogger("engravedetect.history")

# ---------------------------------------------------------------- vocabulary

CREATION = "creation"
MODIFICATION = "modification"
SUPPRESSION = "suppression"
RESTAURATION = "restauration"
FUSION = "fusion"
IMPORT = "import"
RENOMMAGE = "renommage"

# Fields of a lens state that are bookkeeping, not content: never part of an update's diff.
NOT_DIFFED = frozenset({"id", "version", "cree_le", "modifie_le"})
LABEL_MAX = 255
AUTHOR_MAX = 200

# ---------------------------------------------------------------- who


_server_users: weakref.WeakKeyDictionary[Engine, str | None] = weakref.WeakKeyDictionary()


def local_author() -> str:
    """``login@host`` of this computer; never raises (a kiosk account may have no login name)."""
    try:
        login = getpass.getuser()
    except Exception:  # noqa: BLE001 - getuser raises OSError/KeyError/ImportError depending on OS
        login = ""
    try:
        host = socket.gethostname()
    except OSError:
        host = ""
    return f"{login or 'inconnu'}@{host or 'poste-inconnu'}"


def _engine_of(source: Database | Session | Engine) -> Engine | None:
    if isinstance(source, Engine):
        return source
    if isinstance(source, Database):
        return source.engine
    bind = source.get_bind()
    return bind if isinstance(bind, Engine) else getattr(bind, "engine", None)


def server_user(engine: Engine) -> str | None:
    """The database user on PostgreSQL/MariaDB (``None`` on SQLite), asked once per engine.

    Asked on its own short connection so that a failure can never spoil the caller's
    transaction; a failure simply leaves the database user out of the author.
    """
    if engine in _server_users:
        return _server_users[engine]
    name = engine.dialect.name
    user: str | None = None
    if name in ("postgresql", "mysql", "mariadb"):
        query = "SELECT current_user" if name == "postgresql" else "SELECT CURRENT_USER()"
        try:
            with engine.connect() as conn:
                found = conn.execute(text(query)).scalar()
            # MariaDB answers ``user@host-pattern``: the account name is what a person knows.
            user = str(found).rsplit("@", 1)[0] if found else None
        except Exception as exc:  # noqa: BLE001 - an unknown server user must not stop a save
            log.warning("Utilisateur de la base inconnu : %s", type(exc).__name__)
            return None  # not cached: asked again next time
    _server_users[engine] = user
    return user


def who(source: Database | Session | Engine) -> str:
    """The author written in the trail: ``login@host`` plus ``(bd: user)`` on a server."""
    author = local_author()
    engine = _engine_of(source)
    user = server_user(engine) if engine is not None else None
    if user:
        author = f"{author} (bd: {user})"
    return author[:AUTHOR_MAX]


# ---------------------------------------------------------------- writing


def _json_default(value: object) -> object:
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, bytes):
        return None  # image bytes live in images_gravure; the trail keeps their id
    raise TypeError(f"valeur non sérialisable : {type(value).__name__}")


ENCODER = json.JSONEncoder(ensure_ascii=False, sort_keys=True, default=_json_default)


def to_json(values: Mapping[str, Any] | None) -> str | None:
    if values is None:
        return None
    # One encoder for every entry (``json.dumps`` with options builds a new one per call).
    return ENCODER.encode(values if type(values) is dict else dict(values))


def from_json(raw: str | None) -> dict[str, Any]:
    if not raw:
        return {}
    try:
        loaded = json.loads(raw)
    except ValueError:
        return {}
    return loaded if isinstance(loaded, dict) else {}


@dataclass(frozen=True)
class Change:
    """One entry to write (see ``record_many``)."""

    action: str
    target: str
    target_id: int | None
    label: str
    old: Mapping[str, Any] | None = None
    new: Mapping[str, Any] | None = None


def record(
    session: Session,
    action: str,
    target: str,
    target_id: int | None,
    label: str,
    old: Mapping[str, Any] | None = None,
    new: Mapping[str, Any] | None = None,
    *,
    batch: int | None = None,
    author: str | None = None,
    undoes: int | None = None,
) -> int:
    """Write one entry in the caller's transaction; return its id (usable as a ``lot``).

    ``undoes``: for a restoration, the deletion entry it undoes.
    """
    entry = Historique(
        quand=utcnow(),
        auteur=(author or who(session))[:AUTHOR_MAX],
        action=action,
        cible=target,
        cible_id=target_id,
        libelle=(label or "")[:LABEL_MAX],
        anciennes_valeurs=to_json(old),
        nouvelles_valeurs=to_json(new),
        lot=batch,
        entree_annulee=undoes,
    )
    session.add(entry)
    session.flush()
    return int(entry.id)


def record_many(
    session: Session,
    changes: Iterable[Change],
    *,
    batch: int | None = None,
    author: str | None = None,
) -> int:
    """Write many entries in one round trip (a merge moving thousands of lenses); return count."""
    return record_encoded(session, (encode_change(c) for c in changes), batch=batch, author=author)


# An entry whose values are JSON text already: (action, target, target id, label, old, new).
EncodedChange = tuple[str, str, "int | None", str, "str | None", "str | None"]


def encode_change(change: Change) -> EncodedChange:
    return (change.action, change.target, change.target_id, change.label, to_json(change.old),
            to_json(change.new))


def record_encoded(
    session: Session,
    entries: Iterable[EncodedChange],
    *,
    batch: int | None = None,
    author: str | None = None,
) -> int:
    """``record_many`` of entries encoded beforehand by ``encode_change`` (an import encodes
    its entries while SQLite rebuilds the indexes, then writes them); return count."""
    who_ = (author or who(session))[:AUTHOR_MAX]
    now = utcnow()
    connection = session.connection()
    if is_sqlite(connection):
        # Plain tuples straight to the driver: the ORM's work per row was most of an import's time.
        session.flush()
        raw = RawInsert(connection, ENTRIES, ENTRY_COLUMNS, ready=("quand",))
        when = raw.convert("quand", now)
        tuples = [
            (when, who_, action, target, target_id, (label or "")[:LABEL_MAX], old, new, batch)
            for action, target, target_id, label, old, new in entries
        ]
        raw.run(tuples)
        return len(tuples)
    rows = [
        {
            "quand": now,
            "auteur": who_,
            "action": action,
            "cible": target,
            "cible_id": target_id,
            "libelle": (label or "")[:LABEL_MAX],
            "anciennes_valeurs": old,
            "nouvelles_valeurs": new,
            "lot": batch,
        }
        for action, target, target_id, label, old, new in entries
    ]
    for start in range(0, len(rows), 1000):
        session.execute(insert(Historique), rows[start : start + 1000])
    return len(rows)


ENTRIES: Table = Historique.metadata.tables["historique"]
ENTRY_COLUMNS = (
    "quand", "auteur", "action", "cible", "cible_id", "libelle",
    "anciennes_valeurs", "nouvelles_valeurs", "lot",
)


def lens_label(state: Mapping[str, Any]) -> str:
    """What a person calls the lens: its name and variant as they were then."""
    name = str(state.get("nom") or "").strip()
    variant = str(state.get("variante") or "").strip()
    return f"{name} {variant}".strip() if variant else name


def diff(before: Mapping[str, Any], after: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Only what changed: (old values, new values) of the fields that differ."""
    old: dict[str, Any] = {}
    new: dict[str, Any] = {}
    for key in sorted(set(before) | set(after)):
        if key in NOT_DIFFED:
            continue
        if before.get(key) != after.get(key):
            old[key] = before.get(key)
            new[key] = after.get(key)
    return old, new


def record_import(
    session: Session,
    file_name: str,
    counts: Mapping[str, Any],
    author: str | None = None,
) -> int:
    """The summary entry of an import; its id is the ``lot`` to pass for each lens written."""
    return record(
        session,
        IMPORT,
        "catalogue",
        None,
        f"Import {formatting.of(file_name)}",  # « Import d'essilor.csv »
        None,
        dict(counts, fichier=file_name),
        author=author,
    )


# ---------------------------------------------------------------- reading

