"""SQLite: the creation entries of lenses just inserted in bulk (an import), written by one
``INSERT ... SELECT`` from the rows themselves instead of one state encoded per lens in Python."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, String, bindparam, text

from data.audit.record import AUTHOR_MAX, CREATION, ENCODER, LABEL_MAX
from data.kinds import KINDS
from data.models import Historique, Verre, utcnow
from data.sqlite_bulk import is_sqlite
from data.validation import LENS_FIELDS


def _created_lens_sql() -> str:
    """``INSERT INTO historique ... SELECT`` writing the creation entry of every lens with an id
    in ``[:first, :last]``, its JSON built by SQLite from the row itself.

    The text is exactly what ``to_json`` gives for the lens's state (``LENS_FIELDS``, the names of
    its references, ``id``, ``image_id``, ``exemple``, ``version``, ``symbols``, and ``cree_le``/``modifie_le``
    given as ``:created``, JSON-encoded by the caller): keys sorted, ``", "`` and ``": "`` between
    them, text through ``json_quote`` (the same escapes as ``json`` with ``ensure_ascii=False``),
    numbers as SQLite prints them (``%!.15g``: ``1.67``, ``2.0``, as ``repr`` does for the
    3-decimal indices the validation keeps), NULL as ``null``. ``printf`` builds each entry in one
    piece (``||`` copies the growing text at every step). ``tests/data/test_history.py`` holds
    the two encodings to the same bytes on awkward values.
    """
    lenses = Verre.__table__
    values: dict[str, str] = {}
    for name in (*LENS_FIELDS, "id", "image_id", "version"):
        column = lenses.c[name]
        is_text = isinstance(column.type, String)
        values[name] = f"json_quote(v.{name})" if is_text else f"coalesce(v.{name}, 'null')"
    values["exemple"] = "CASE WHEN v.exemple THEN 'true' ELSE 'false' END"
    values["cree_le"] = values["modifie_le"] = ":created"
    # The sign's shape keys in vocabulary order, as ``to_json`` writes a list (written before
    # the entries by the import).
    values["symbols"] = (
        "(SELECT '[' || coalesce(group_concat(json_quote(k), ', '), '') || ']' FROM "
        "(SELECT s.cle AS k FROM verres_symboles AS vs JOIN symboles AS s ON s.id = vs.symbole_id "
        "WHERE vs.verre_id = v.id ORDER BY s.id))"
    )
    joins = []
    for position, kind in enumerate(KINDS.values()):
        alias = f"r{position}"
        values[kind.name_column] = f"json_quote({alias}.nom)"
        joins.append(
            f"LEFT JOIN {kind.model.__tablename__} AS {alias} ON {alias}.id = v.{kind.lens_column}"
        )
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
        "created": ENCODER.encode(created.isoformat()),  # as ``to_json`` writes it in a state
        "lot": batch,
        "first": first_id,
        "last": last_id,
    })
    return int(result.rowcount)
