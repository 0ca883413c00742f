"""folded texts drop invisible format characters

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-07

``data.text.fold`` now drops invisible format characters (soft hyphen U+00AD, zero-width space
and joiners U+200B–U+200D, direction marks, word joiner U+2060, byte-order mark U+FEFF) instead
of turning them into spaces: ``Va<soft hyphen>rilux`` pasted from a web page is found by
``varilux``. This revision folds again the stored copies of texts that hold such a character:
the lenses' search text and sort keys, the references' folded names, and the lenses' copies of
their range, series and material names.

Only rows whose display text holds one of those characters are read (a LIKE per character):
every other stored key is already what the new fold gives. A reference whose new key would
collide with another one of its scope keeps its old key (the integrity check and the reference
editor's merge handle such a pair). Downgrading leaves the keys as they are: they remain correct
for the older fold, which only searched with spaces where these characters were.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence

import sqlalchemy as sa
from alembic import op

from data.text import fold, folded_search_key

revision: str = '0009'
down_revision: str | None = '0008'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INVISIBLE = ("\u00ad", "\u200b", "\u200c", "\u200d", "\u200e", "\u200f", "\u2060", "\ufeff")

# reference table, its scope column (None: unique in the whole table), the lens column and key
KEYS = ("recherche", "tri_nom", "tri_variante", "tri_gravure")

REFERENCES = (
    ("fournisseurs", None, "fournisseur_id", None),
    ("materiaux", None, "materiau_id", "tri_materiau"),
    ("gammes", "fournisseur_id", "gamme_id", "tri_gamme"),
    ("series", "gamme_id", "serie_id", "tri_serie"),
)


def _holds_invisible(columns: Iterable[sa.ColumnClause[str]]) -> sa.ColumnElement[bool]:
    return sa.or_(*(column.contains(ch, autoescape=False) for column in columns for ch in INVISIBLE))


def upgrade() -> None:
    bind = op.get_bind()
    for name, scope, lens_column, key_column in REFERENCES:
        _refold_references(bind, name, scope, lens_column, key_column)
    _refold_lenses(bind)


def _refold_references(
    bind: sa.Connection, name: str, scope: str | None, lens_column: str, key_column: str | None
) -> None:
    columns = [sa.column("id"), sa.column("nom"), sa.column("nom_normalise")]
    if scope is not None:
        columns.append(sa.column(scope))
    table = sa.table(name, *columns)
    rows = bind.execute(sa.select(*columns).where(_holds_invisible([table.c.nom]))).all()
    for row in rows:
        key = fold(row.nom)
        if not key or key == row.nom_normalise:
            continue
        clash = sa.select(table.c.id).where(table.c.nom_normalise == key, table.c.id != row.id)
        if scope is not None:
            clash = clash.where(table.c[scope] == getattr(row, scope))
        if bind.execute(clash.limit(1)).first() is not None:
            continue
        bind.execute(sa.update(table).where(table.c.id == row.id).values(nom_normalise=key))
        if key_column is not None:
            lenses = sa.table("verres", sa.column(lens_column), sa.column(key_column))
            bind.execute(
                sa.update(lenses).where(lenses.c[lens_column] == row.id).values({key_column: key})
            )


def _refold_lenses(bind: sa.Connection) -> None:
    lenses = sa.table(
        "verres", sa.column("id"), sa.column("nom"), sa.column("variante"),
        sa.column("gravure_nasale"), sa.column("recherche"), sa.column("tri_nom"),
        sa.column("tri_variante"), sa.column("tri_gravure"),
    )
    texts = [lenses.c.nom, lenses.c.variante, lenses.c.gravure_nasale]
    rows = bind.execute(sa.select(lenses).where(_holds_invisible(texts))).all()
    changed = []
    for row in rows:
        name, variant, engraving = fold(row.nom), fold(row.variante), fold(row.gravure_nasale)
        values: dict[str, str | None] = {
            "recherche": folded_search_key(name, variant, engraving),
            "tri_nom": name,
            "tri_variante": variant or None,
            "tri_gravure": engraving or None,
        }
        if any(getattr(row, key) != value for key, value in values.items()):
            changed.append({"lens_id": row.id, **{f"new_{k}": v for k, v in values.items()}})
    if changed:
        bind.execute(
            sa.update(lenses)
            .where(lenses.c.id == sa.bindparam("lens_id"))
            .values({key: sa.bindparam(f"new_{key}") for key in KEYS}),
            changed,
        )


def downgrade() -> None:
    """Nothing to undo: the keys stay valid for the older fold."""
