"""The shapes of nasal signs as the database holds them (tables ``symboles`` and
``verres_symboles``): the vocabulary with the admin's additions, a lens's shapes, and the checks
a name goes through before it is written.

A lens's shapes are given by key, label or any typed name (:func:`data.symbols.find_by_name`,
case, accents and separators ignored) and kept as keys, listed in the vocabulary's order (the
shapes' ids: the built-in ones follow :data:`data.symbols.SHAPES`, an admin's come after).
An unknown name is refused with the closest known names, in French.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from sqlalchemy import delete, func, insert, select
from sqlalchemy.orm import Session

from data.database import Database
from data.errors import ConflictError, ValidationError
from data.models import SYMBOL_KEY_PATTERN, Symbole, VerreSymbole
from data.symbols import Shape, closest_names, find_by_name, name_key
from data.validation import ValidationReport

#: The raw form value of a lens's shapes (``create_lens``, ``update_lens``, a file's column).
SYMBOLS_FIELD = "symboles"
#: At most this many shapes in one sign (the guides show 1 to 7 parts).
MAX_SYMBOLS = 12
KEY_PATTERN = re.compile(SYMBOL_KEY_PATTERN)


@dataclass(frozen=True)
class SymbolItem:
    """One shape of the database's vocabulary, with how many lenses carry it."""

    key: str
    label: str
    group: str
    path: str
    lens_count: int


# ---------------------------------------------------------------- the vocabulary


def shapes(session: Session) -> tuple[Shape, ...]:
    """The database's shapes (built-in and added), in id order, as :class:`Shape` values whose
    aliases are their key, label and — for a built-in shape — its usual typed names.

    Kept per database while its row count and highest id stay the same (one cheap statement)."""
    marker = tuple(session.execute(select(func.count(), func.max(Symbole.id))).one())
    key = (id(session.get_bind()), marker)
    with _LOCK:
        known = _CACHE.get(key[0])
        if known is not None and known[0] == marker:
            return known[1]
    rows = session.execute(
        select(Symbole.cle, Symbole.libelle, Symbole.groupe, Symbole.dessin).order_by(Symbole.id)
    ).all()
    found = tuple(_shape(str(k), str(label), str(group), str(path)) for k, label, group, path in rows)
    with _LOCK:
        _CACHE[key[0]] = (marker, found)
    return found


_CACHE: dict[int, tuple[tuple[object, ...], tuple[Shape, ...]]] = {}
_LOCK = threading.Lock()


def _shape(key: str, label: str, group: str, path: str) -> Shape:
    builtin = find_by_name(key)
    others = builtin.aliases if builtin is not None and builtin.key == key else ()
    names = (name_key(key), name_key(label), *others)
    return Shape(key, label, group, tuple(dict.fromkeys(n for n in names if n)), path)


def symbol_shapes(db: Database) -> tuple[Shape, ...]:
    """The database's shapes with every name each answers to (:func:`shapes`): what a new
    shape's name is checked against before it is written."""
    with db.transaction() as session:
        return shapes(session)


def list_symbols(db: Database) -> list[SymbolItem]:
    """The vocabulary as the database holds it (admin-added shapes included), in id order, each
    with its number of lenses."""
    with db.transaction() as session:
        counts = dict(
            session.execute(
                select(VerreSymbole.symbole_id, func.count()).group_by(VerreSymbole.symbole_id)
            ).tuples().all()
        )
        rows = session.execute(
            select(Symbole.id, Symbole.cle, Symbole.libelle, Symbole.groupe, Symbole.dessin)
            .order_by(Symbole.id)
        ).all()
    return [
        SymbolItem(str(key), str(label), str(group), str(path), int(counts.get(ident, 0)))
        for ident, key, label, group, path in rows
    ]


# ---------------------------------------------------------------- a lens's shapes


def symbol_problem(names: Iterable[str], known: Sequence[Shape]) -> tuple[tuple[str, ...], str | None]:
    """The keys of ``names`` (keys, labels or typed names), without repeats, in vocabulary
    order; and the French message for the first unknown one (with the closest known names)."""
    pool = known if isinstance(known, tuple) else tuple(known)
    found: list[str] = []
    for name in names:
        text = str(name).strip()
        if not text:
            continue
        shape = find_by_name(text, pool)
        if shape is None:
            close = closest_names(text, 3, pool)
            hint = (
                " ; voulez-vous dire " + " ou ".join(f"« {k} »" for k in close) + " ?"
                if close
                else ""
            )
            return (), f"Symbole inconnu : « {text} »{hint}"
        if shape.key not in found:
            found.append(shape.key)
    if len(found) > MAX_SYMBOLS:
        return (), f"Un signe a au plus {MAX_SYMBOLS} symboles."
    if len(found) > 1:
        order = {shape.key: position for position, shape in enumerate(pool)}
        found.sort(key=order.__getitem__)
    return tuple(found), None


def split_names(value: object) -> list[str]:
    """A raw value of shapes as a list of names: a list or tuple, or a text separated by commas
    or semicolons (a file's cell); None or empty is no shape."""
    if value is None:
        return []
    if isinstance(value, str):
        return [part for part in re.split(r"[,;]", value) if part.strip()]
    if isinstance(value, Iterable):
        return [str(v) for v in value if v is not None and str(v).strip()]
    return [str(value)]


def checked_symbols(session: Session, value: object) -> tuple[str, ...]:
    """The keys a raw ``symboles`` value names, or ``ValidationError`` (field ``symboles``)."""
    keys, problem = symbol_problem(split_names(value), shapes(session))
    if problem is not None:
        report = ValidationReport()
        report.add(SYMBOLS_FIELD, problem)
        raise ValidationError(report)
    return keys


def write_lens_symbols(session: Session, lens_id: int, keys: Sequence[str]) -> None:
    """Make the lens's shapes exactly ``keys`` (known keys, checked by the caller)."""
    replace_lens_symbols(session, {lens_id: keys})


def replace_lens_symbols(session: Session, keys_of: Mapping[int, Sequence[str]]) -> None:
    """The shapes of several lenses replaced at once (an import, a restore): their rows deleted
    by chunks, the new ones inserted in one ``executemany``."""
    if not keys_of:
        return
    wanted = {k for keys in keys_of.values() for k in keys}
    by_key = _ids_of_keys(session, wanted) if wanted else {}
    lens_ids = list(keys_of)
    for start in range(0, len(lens_ids), 500):
        session.execute(
            delete(VerreSymbole)
            .where(VerreSymbole.verre_id.in_(lens_ids[start : start + 500]))
            .execution_options(synchronize_session=False)
        )
    rows = [
        {"verre_id": lens_id, "symbole_id": by_key[key]}
        for lens_id, keys in keys_of.items()
        for key in dict.fromkeys(keys)
    ]
    if rows:
        session.execute(insert(VerreSymbole), rows)


def _ids_of_keys(session: Session, keys: set[str]) -> dict[str, int]:
    found = dict(
        session.execute(select(Symbole.cle, Symbole.id).where(Symbole.cle.in_(sorted(keys))))
        .tuples()
        .all()
    )
    missing = keys - set(found)
    if missing:
        raise ConflictError(
            "Symbole supprimé entre-temps : " + ", ".join(sorted(missing)) + "."
        )
    return {str(k): int(v) for k, v in found.items()}


def symbol_ids(session: Session, keys: Sequence[str]) -> list[int]:
    """The ids of known keys (unknown ones left out), for a search."""
    if not keys:
        return []
    return [
        int(i)
        for i in session.execute(select(Symbole.id).where(Symbole.cle.in_(list(keys)))).scalars()
    ]


def lens_symbols(session: Session, lens_ids: Sequence[int]) -> dict[int, tuple[str, ...]]:
    """Each lens's shape keys, in vocabulary order (lenses without shapes left out)."""
    found: dict[int, list[str]] = {}
    ids = list(lens_ids)
    if not ids:
        return {}
    # The vocabulary is a few dozen rows; each lens's pairs come from the primary key alone.
    key_of = {int(i): str(k) for i, k in session.execute(select(Symbole.id, Symbole.cle))}
    for start in range(0, len(ids), 500):
        stmt = (
            select(VerreSymbole.verre_id, VerreSymbole.symbole_id)
            .where(VerreSymbole.verre_id.in_(ids[start : start + 500]))
            .order_by(VerreSymbole.verre_id, VerreSymbole.symbole_id)
        )
        for lens_id, shape_id in session.execute(stmt):
            found.setdefault(int(lens_id), []).append(key_of[int(shape_id)])
    return {lens_id: tuple(keys) for lens_id, keys in found.items()}


def labels_of(keys: Iterable[str], known: Sequence[Shape] | None = None) -> list[str]:
    """The French labels of keys (a key the vocabulary lacks is shown as it is)."""
    from data.symbols import SHAPES

    pool = {shape.key: shape.label for shape in (known if known is not None else SHAPES)}
    return [pool.get(key, key) for key in keys]


def delete_lens_symbols(session: Session, lens_ids: Sequence[int]) -> None:
    for start in range(0, len(lens_ids), 500):
        session.execute(
            delete(VerreSymbole)
            .where(VerreSymbole.verre_id.in_(list(lens_ids[start : start + 500])))
            .execution_options(synchronize_session=False)
        )
