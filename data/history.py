"""The audit trail (table ``historique``): who changed what, when, with old and new values.

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
- The trail is append-only: this module has no function to edit or delete entries.

Author: the computer's login and host (``marc@COMPTOIR-2``), plus the database user on a server
(``marc@COMPTOIR-2 (bd: admin_boutique)``), computed once per engine.
"""

from __future__ import annotations

import getpass
import json
import logging
import socket
import weakref
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    Connection,
    Engine,
    Select,
    String,
    Table,
    bindparam,
    exists,
    func,
    insert,
    select,
    text,
)
from sqlalchemy.orm import Session, aliased

from data.database import Database
from data.errors import (
    ConflictError,
    DatabaseUnavailableError,
    DBOperationError,
    NotFoundError,
)
from data.models import Fournisseur, Gamme, Historique, Materiau, Serie, Verre, utcnow
from data.sqlite_bulk import RawInsert, is_sqlite
from data.validation import FIELD_LABELS as _VALIDATION_LABELS
from data.validation import LENS_FIELDS as _VALIDATION_FIELDS

if TYPE_CHECKING:
    from sqlalchemy import ColumnElement

log = logging.getLogger("engravedetect.history")

# ---------------------------------------------------------------- vocabulary

CREATION = "creation"
MODIFICATION = "modification"
SUPPRESSION = "suppression"
RESTAURATION = "restauration"
FUSION = "fusion"
IMPORT = "import"
RENOMMAGE = "renommage"

ACTION_LABELS = {
    CREATION: "Création",
    MODIFICATION: "Modification",
    SUPPRESSION: "Suppression",
    RESTAURATION: "Restauration",
    FUSION: "Fusion",
    IMPORT: "Import",
    RENOMMAGE: "Renommage",
}
TARGET_LABELS = {
    "verre": "Verre",
    "fournisseur": "Fournisseur",
    "gamme": "Gamme",
    "serie": "Série",
    "materiau": "Matériau",
    "catalogue": "Catalogue",
}
FIELD_LABELS: dict[str, str] = {
    **_VALIDATION_LABELS,
    "fournisseur": "Fournisseur",
    "gamme": "Gamme",
    "serie": "Série",
    "materiau": "Matériau",
    "image_id": "Image de gravure",
    "exemple": "Donnée d'exemple",
    "version": "Version",
    "cree_le": "Créé le",
    "modifie_le": "Modifié le",
    "id": "N°",
    "verres_deplaces": "Verres déplacés",
    "gammes": "Gammes supprimées avec lui",
    "series": "Séries supprimées avec elle",
}
# Order in which a lens's fields are shown; reference ids are shown through their names.
LENS_FIELD_ORDER = (
    "nom",
    "variante",
    "fournisseur",
    "gamme",
    "serie",
    "materiau",
    "indice",
    "hauteur_min",
    "hauteur_max",
    "gravure_nasale",
    "url_gravure",
    "url_source",
    "image_id",
    "exemple",
)
REFERENCE_NAME_OF_ID = {
    "fournisseur_id": "fournisseur",
    "gamme_id": "gamme",
    "serie_id": "serie",
    "materiau_id": "materiau",
}
# Fields of a lens state that are bookkeeping, not content: never part of an update's diff.
_NOT_DIFFED = frozenset({"id", "version", "cree_le", "modifie_le"})
LABEL_MAX = 255
AUTHOR_MAX = 200
DEFAULT_PAGE = 200


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


_ENCODER = json.JSONEncoder(ensure_ascii=False, sort_keys=True, default=_json_default)


def to_json(values: Mapping[str, Any] | None) -> str | None:
    if values is None:
        return None
    # One encoder for every entry (``json.dumps`` with options builds a new one per call).
    return _ENCODER.encode(values if type(values) is dict else dict(values))


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
        raw = RawInsert(connection, _ENTRIES, _ENTRY_COLUMNS, ready=("quand",))
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


_ENTRIES: Table = Historique.metadata.tables["historique"]
_ENTRY_COLUMNS = (
    "quand", "auteur", "action", "cible", "cible_id", "libelle",
    "anciennes_valeurs", "nouvelles_valeurs", "lot",
)


# ---------------------------------------------------------------- lens creations built by SQLite

_REFERENCE_TABLES = (
    ("fournisseur_id", "fournisseur", Fournisseur),
    ("gamme_id", "gamme", Gamme),
    ("serie_id", "serie", Serie),
    ("materiau_id", "materiau", Materiau),
)


def _created_lens_sql() -> str:
    """``INSERT INTO historique ... SELECT`` writing the creation entry of every lens with an id
    in ``[:first, :last]``, its JSON built by SQLite from the row itself.

    The text is exactly what ``to_json`` gives for the lens's state (``LENS_FIELDS``, the names of
    its references, ``id``, ``image_id``, ``exemple``, ``version``, and ``cree_le``/``modifie_le``
    given as ``:created``, JSON-encoded by the caller): keys sorted, ``", "`` and ``": "`` between
    them, text through ``json_quote`` (the same escapes as ``json`` with ``ensure_ascii=False``),
    numbers as SQLite prints them (``%!.15g``: ``1.67``, ``2.0``, as ``repr`` does for the
    3-decimal indices the validation keeps), NULL as ``null``. ``printf`` builds each entry in one
    piece (``||`` copies the growing text at every step). ``tests/data/test_history.py`` holds
    the two encodings to the same bytes on awkward values.
    """
    lenses = Verre.__table__
    values: dict[str, str] = {}
    for name in (*_VALIDATION_FIELDS, "id", "image_id", "version"):
        column = lenses.c[name]
        is_text = isinstance(column.type, String)
        values[name] = f"json_quote(v.{name})" if is_text else f"coalesce(v.{name}, 'null')"
    values["exemple"] = "CASE WHEN v.exemple THEN 'true' ELSE 'false' END"
    values["cree_le"] = values["modifie_le"] = ":created"
    joins = []
    for position, (id_column, name, model) in enumerate(_REFERENCE_TABLES):
        alias = f"r{position}"
        values[name] = f"json_quote({alias}.nom)"
        joins.append(f"LEFT JOIN {model.__tablename__} AS {alias} ON {alias}.id = v.{id_column}")
    keys = sorted(values)
    template = "{" + ", ".join(f'"{key}": %s' for key in keys) + "}"
    label = "CASE WHEN coalesce(v.variante, '') = '' THEN v.nom ELSE v.nom || ' ' || v.variante END"
    return (
        "INSERT INTO historique (quand, auteur, action, cible, cible_id, libelle, "
        "anciennes_valeurs, nouvelles_valeurs, lot) "
        f"SELECT :quand, :auteur, '{CREATION}', 'verre', v.id, substr({label}, 1, {LABEL_MAX}), NULL, "
        f"printf('{template}', {', '.join(values[key] for key in keys)}), :lot "
        f"FROM verres AS v {' '.join(joins)} "
        "WHERE v.id BETWEEN :first AND :last ORDER BY v.id"
    )


_CREATED_LENS_SQL = _created_lens_sql()


def record_lens_creations(
    connection: Connection, first_id: int, last_id: int, *, created: datetime, batch: int | None,
    author: str,
) -> int:
    """SQLite: the creation entries of the lenses ``first_id..last_id`` just inserted (an
    import), in id order, written by one statement from the rows themselves: what
    ``record_encoded`` writes for their states, without encoding 100,000 states in Python and
    sending them back. Return how many."""
    if not is_sqlite(connection):
        raise ValueError("record_lens_creations is for SQLite only")
    statement = text(_CREATED_LENS_SQL).bindparams(bindparam("quand", type_=Historique.quand.type))
    result = connection.execute(statement, {
        "quand": utcnow(),
        "auteur": author[:AUTHOR_MAX],
        "created": _ENCODER.encode(created.isoformat()),  # as ``to_json`` writes it in a state
        "lot": batch,
        "first": first_id,
        "last": last_id,
    })
    return int(result.rowcount)


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
        if key in _NOT_DIFFED:
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
        f"Import de {file_name}",
        None,
        dict(counts, fichier=file_name),
        author=author,
    )


# ---------------------------------------------------------------- reading


@dataclass(frozen=True)
class FieldChange:
    """One line of an entry as the history view shows it."""

    field: str
    label: str
    old: Any
    new: Any

    @property
    def old_text(self) -> str:
        return format_value(self.field, self.old)

    @property
    def new_text(self) -> str:
        return format_value(self.field, self.new)


def format_value(name: str, value: Any) -> str:
    """A value as a French reader expects it (decimal comma, oui/non, a dash for nothing)."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, float):
        return f"{value:.3f}".rstrip("0").rstrip(".").replace(".", ",") if name == "indice" else str(value).replace(".", ",")
    if isinstance(value, list):
        return ", ".join(str(v) for v in value) or "—"
    return str(value)


@dataclass(frozen=True)
class HistoryEntry:
    """One row of the trail, decoded. ``when`` is naive UTC (convert for display)."""

    id: int
    when: datetime
    author: str
    action: str
    target: str
    target_id: int | None
    label: str
    old: Mapping[str, Any] = field(default_factory=dict, hash=False, compare=False)
    new: Mapping[str, Any] = field(default_factory=dict, hash=False, compare=False)
    batch: int | None = None
    batch_label: str | None = None
    undoes: int | None = None

    @property
    def action_label(self) -> str:
        return ACTION_LABELS.get(self.action, self.action)

    @property
    def target_label(self) -> str:
        return TARGET_LABELS.get(self.target, self.target)

    def changes(self) -> list[FieldChange]:
        """The fields of the entry in display order; reference ids shown through their names."""
        keys = set(self.old) | set(self.new)
        shown = [k for k in LENS_FIELD_ORDER if k in keys]
        shown += sorted(k for k in keys if k not in shown and k not in _NOT_DIFFED)
        hidden = {
            key for key, name in REFERENCE_NAME_OF_ID.items() if key in shown and name in keys
        }
        return [
            FieldChange(k, FIELD_LABELS.get(k, k), self.old.get(k), self.new.get(k))
            for k in shown
            if k not in hidden
        ]

    def summary(self, most: int = 4) -> str:
        """One line for a list: ``Indice : 1,6 → 1,67 ; Matériau : Orma → Trivex``.

        Only for entries that change values in place (modification, fusion, renommage); a
        creation, deletion or restoration is told by its action and label alone.
        """
        if self.action not in (MODIFICATION, FUSION, RENOMMAGE) or not self.old:
            return ""
        parts = [
            f"{c.label} : {c.old_text} → {c.new_text}"
            for c in self.changes()
            if c.field not in ("id", "verres_deplaces")
        ]
        if self.action == FUSION and "verres_deplaces" in self.new:
            parts.append(f"{self.new['verres_deplaces']} verre(s) déplacé(s)")
        extra = len(parts) - most
        text_ = " ; ".join(parts[:most])
        return f"{text_} ; … (+{extra})" if extra > 0 else text_


_parent = aliased(Historique)


def _entries_statement() -> Select[Any]:
    return select(Historique, _parent.libelle.label("lot_libelle")).outerjoin(
        _parent, _parent.id == Historique.lot
    )


def _entry(row: Any) -> HistoryEntry:
    h = row[0]
    return HistoryEntry(
        id=h.id,
        when=h.quand,
        author=h.auteur,
        action=h.action,
        target=h.cible,
        target_id=h.cible_id,
        label=h.libelle,
        old=from_json(h.anciennes_valeurs),
        new=from_json(h.nouvelles_valeurs),
        batch=h.lot,
        batch_label=row[1],
        undoes=h.entree_annulee,
    )


def target_history(
    db: Database, target: str, target_id: int, limit: int | None = None
) -> list[HistoryEntry]:
    """Everything that happened to one lens or reference, newest first."""
    stmt = (
        _entries_statement()
        .where(Historique.cible == target, Historique.cible_id == target_id)
        .order_by(Historique.id.desc())
    )
    if limit is not None:
        stmt = stmt.limit(limit)
    with db.transaction() as session:
        return [_entry(r) for r in session.execute(stmt)]


def lens_history(db: Database, lens_id: int, limit: int | None = None) -> list[HistoryEntry]:
    """A lens's history, newest first, back to its creation.

    A lens restored under its own id keeps its past. SQLite may give a deleted lens's number to
    a new lens: the new lens's history starts at its own creation, not at the old lens's.
    """
    entries = target_history(db, "verre", lens_id, limit)
    for position, entry in enumerate(entries):
        if entry.action == CREATION:
            return entries[: position + 1]
    return entries


def _day_start(value: date | datetime) -> datetime:
    return value if isinstance(value, datetime) else datetime.combine(value, time.min)


def _until(value: date | datetime) -> datetime:
    """``until`` is inclusive: a date means up to the end of that day."""
    if isinstance(value, datetime):
        return value
    return datetime.combine(value + timedelta(days=1), time.min)


def _filters(
    since: date | datetime | None,
    until: date | datetime | None,
    author: str | None,
    action: str | Sequence[str] | None,
    target: str | Sequence[str] | None,
) -> list[ColumnElement[bool]]:
    clauses: list[ColumnElement[bool]] = []
    if since is not None:
        clauses.append(Historique.quand >= _day_start(since))
    if until is not None:
        end = _until(until)
        clauses.append(
            Historique.quand <= end if isinstance(until, datetime) else Historique.quand < end
        )
    if author:
        clauses.append(Historique.auteur == author)
    if action:
        actions = [action] if isinstance(action, str) else list(action)
        clauses.append(Historique.action.in_(actions))
    if target:
        targets = [target] if isinstance(target, str) else list(target)
        clauses.append(Historique.cible.in_(targets))
    return clauses


def catalogue_history(
    db: Database,
    since: date | datetime | None = None,
    until: date | datetime | None = None,
    author: str | None = None,
    action: str | Sequence[str] | None = None,
    limit: int = DEFAULT_PAGE,
    offset: int = 0,
    target: str | Sequence[str] | None = None,
) -> list[HistoryEntry]:
    """The whole catalogue's trail, newest first, filtered; ``since``/``until`` are UTC and
    inclusive (a ``date`` covers the whole day)."""
    stmt = (
        _entries_statement()
        .where(*_filters(since, until, author, action, target))
        .order_by(Historique.quand.desc(), Historique.id.desc())
        .limit(limit)
        .offset(offset)
    )
    with db.transaction() as session:
        return [_entry(r) for r in session.execute(stmt)]


def count_history(
    db: Database,
    since: date | datetime | None = None,
    until: date | datetime | None = None,
    author: str | None = None,
    action: str | Sequence[str] | None = None,
    target: str | Sequence[str] | None = None,
) -> int:
    """How many entries ``catalogue_history`` would page through with the same filters."""
    stmt = select(func.count()).select_from(Historique).where(
        *_filters(since, until, author, action, target)
    )
    with db.transaction() as session:
        return int(session.execute(stmt).scalar_one())


def authors(db: Database) -> list[str]:
    """Every author found in the trail, sorted case-insensitively (for a filter combo)."""
    with db.transaction() as session:
        found = session.execute(select(Historique.auteur).distinct()).scalars().all()
    return sorted(found, key=lambda a: (a.casefold(), a))


@dataclass(frozen=True)
class DeletedLens:
    """A lens deletion found in the trail, with enough to list it and restore it."""

    entry_id: int
    lens_id: int | None
    label: str
    when: datetime
    author: str
    supplier: str | None
    index: float | None
    restored_as: int | None = None


def _restoration_of(entry_id: Any) -> Select[Any]:
    restored = aliased(Historique)
    return (
        select(restored.cible_id)
        .where(restored.entree_annulee == entry_id)
        .order_by(restored.id.desc())
        .limit(1)
    )


def deleted_lenses(
    db: Database,
    since: date | datetime | None = None,
    until: date | datetime | None = None,
    author: str | None = None,
    include_restored: bool = False,
    limit: int = DEFAULT_PAGE,
    offset: int = 0,
) -> list[DeletedLens]:
    """Lens deletions, newest first; by default only those not restored since."""
    restored = aliased(Historique)
    restored_as = _restoration_of(Historique.id).scalar_subquery()
    stmt = (
        select(Historique, restored_as.label("restored_as"))
        .where(
            Historique.action == SUPPRESSION,
            Historique.cible == "verre",
            *_filters(since, until, author, None, None),
        )
        .order_by(Historique.quand.desc(), Historique.id.desc())
        .limit(limit)
        .offset(offset)
    )
    if not include_restored:
        stmt = stmt.where(
            ~exists().where(restored.entree_annulee == Historique.id)
        )
    with db.transaction() as session:
        rows = session.execute(stmt).all()
    result = []
    for h, restored_id in rows:
        old = from_json(h.anciennes_valeurs)
        index = old.get("indice")
        result.append(
            DeletedLens(
                entry_id=h.id,
                lens_id=h.cible_id,
                label=h.libelle,
                when=h.quand,
                author=h.auteur,
                supplier=old.get("fournisseur"),
                index=float(index) if isinstance(index, int | float) else None,
                restored_as=restored_id,
            )
        )
    return result


# ---------------------------------------------------------------- restoring


_REFERENCE_CHECKS = (
    ("fournisseur_id", "fournisseur", Fournisseur, "le fournisseur"),
    ("gamme_id", "gamme", Gamme, "la gamme"),
    ("serie_id", "serie", Serie, "la série"),
    ("materiau_id", "materiau", Materiau, "le matériau"),
)


def missing_references(session: Session, state: Mapping[str, Any]) -> list[str]:
    """The references a deleted lens named that no longer exist, each as a French phrase."""
    missing = []
    for id_key, name_key, model, phrase in _REFERENCE_CHECKS:
        ref_id = state.get(id_key)
        if ref_id is None:
            continue
        if session.get(model, int(ref_id)) is None:
            name = state.get(name_key)
            missing.append(f"{phrase} « {name} »" if name else f"{phrase} n° {ref_id}")
    return missing


def deletion_entry(session: Session, entry_id: int) -> Historique:
    """The deletion entry ``entry_id``, refused when it is not a lens deletion or was undone."""
    # Locked on a server so that two PCs restoring the same deletion cannot both succeed: the
    # second waits, then finds the restoration (SQLite serialises writers by itself).
    entry = session.get(Historique, entry_id, with_for_update=True)
    if entry is None or entry.action != SUPPRESSION or entry.cible != "verre":
        raise NotFoundError(
            f"L'entrée n° {entry_id} de l'historique n'est pas la suppression d'un verre."
        )
    restored_as = session.execute(_restoration_of(entry.id)).scalar()
    if restored_as is not None:
        raise ConflictError(
            f"« {entry.libelle} » a déjà été restauré (verre n° {restored_as})."
        )
    return entry


def last_deletion_id(session: Session, lens_id: int) -> int | None:
    """The latest deletion entry of ``lens_id`` not yet restored (what an undo restores)."""
    restored = aliased(Historique)
    return session.execute(
        select(Historique.id)
        .where(
            Historique.action == SUPPRESSION,
            Historique.cible == "verre",
            Historique.cible_id == lens_id,
            ~exists().where(restored.entree_annulee == Historique.id),
        )
        .order_by(Historique.id.desc())
        .limit(1)
    ).scalar()


def restore_deleted(db: Database, entry_id: int, *, author: str | None = None) -> int:
    """Re-create the lens a deletion entry describes; return its id (the same one when free).

    The lens is validated again; its supplier, range, series and material must still exist,
    else ``NotFoundError`` names what is missing. Writes a ``restauration`` entry that points to
    the deletion entry, so a deletion is restored at most once (``ConflictError`` the second
    time, even when two PCs try at the same moment).
    """
    from data import catalogue  # catalogue imports this module: import here, at call time

    catalogue.ensure_writable(db)
    try:
        return _restore(db, entry_id, author)
    except DatabaseUnavailableError:
        raise
    except DBOperationError:
        # SQLite: another PC restored it between our check and our write; the unique
        # ``entree_annulee`` refused the twin. Say so plainly rather than quote the database.
        with db.transaction() as session:
            restored_as = session.execute(_restoration_of(entry_id)).scalar()
        if restored_as is None:
            raise
        raise ConflictError(
            f"Ce verre vient d'être restauré par un autre poste (verre n° {restored_as})."
        ) from None


def _restore(db: Database, entry_id: int, author: str | None) -> int:
    from data import catalogue

    with db.transaction() as session:
        entry = deletion_entry(session, entry_id)
        state = from_json(entry.anciennes_valeurs)
        if not state:
            raise NotFoundError(
                f"L'entrée n° {entry_id} ne contient pas les valeurs du verre supprimé."
            )
        missing = missing_references(session, state)
        if missing:
            verb = "n'existe" if len(missing) == 1 else "n'existent"
            raise NotFoundError(
                f"Impossible de restaurer « {entry.libelle} » : {_join_fr(missing)} {verb} plus. "
                "Recréez d'abord ce qui manque dans les données de référence, puis réessayez."
            )
        return catalogue.reinsert_lens(session, state, deletion_entry=entry.id, author=author)


def _join_fr(items: Sequence[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " et " + items[-1]
