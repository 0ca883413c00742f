"""The catalogue's rules, asked as plain SQL on every backend (the constraints are not trusted):
index and height ranges, references that agree and exist, duplicate lenses, near-identical
reference names."""

from __future__ import annotations

from collections.abc import Iterator
from typing import cast

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from data import formatting
from data.kinds import KINDS, ReferenceKind
from data.maintenance.integrity.findings import (
    IMG,
    Context,
    Finding,
    G,
    MergeOffer,
    ReferenceSide,
    S,
    V,
    lens_finding,
    number,
)
from data.maintenance.near_references import similar_references


def index_range(conn: Connection, ctx: Context) -> Iterator[Finding]:
    rows = conn.execute(sa.select(V.c.id, V.c.nom, V.c.indice)
                        .where(sa.or_(V.c.indice < 1.0, V.c.indice > 2.0)).order_by(V.c.id))
    for row in rows:
        yield lens_finding("indice", row, f"indice {number(row.indice)} hors de la plage 1,0 à 2,0.")


def heights(conn: Connection, ctx: Context) -> Iterator[Finding]:
    rows = conn.execute(
        sa.select(V.c.id, V.c.nom, V.c.hauteur_min, V.c.hauteur_max).where(sa.or_(
            V.c.hauteur_min > V.c.hauteur_max,
            V.c.hauteur_min < 0, V.c.hauteur_min > 100, V.c.hauteur_max < 0, V.c.hauteur_max > 100,
        )).order_by(V.c.id)
    )
    for row in rows:
        low, high = row.hauteur_min, row.hauteur_max
        if low is not None and high is not None and low > high:
            yield lens_finding("hauteur", row, f"hauteur minimale {low} mm au-dessus de la maximale {high} mm.")
        for label, value in (("minimale", low), ("maximale", high)):
            if value is not None and not 0 <= value <= 100:
                yield lens_finding("hauteur", row, f"hauteur {label} {value} mm hors de 0 à 100 mm.")


def references_agree(conn: Connection, ctx: Context) -> Iterator[Finding]:
    range_supplier = conn.execute(
        sa.select(V.c.id, V.c.nom, G.c.nom.label("gamme"))
        .join(G, G.c.id == V.c.gamme_id)
        .where(G.c.fournisseur_id != V.c.fournisseur_id).order_by(V.c.id)
    )
    for row in range_supplier:
        yield lens_finding("reference_incoherente", row,
                    f"la gamme « {row.gamme} » n'appartient pas au fournisseur du verre.")
    series_range = conn.execute(
        sa.select(V.c.id, V.c.nom, S.c.nom.label("serie"))
        .join(S, S.c.id == V.c.serie_id)
        .where(sa.or_(V.c.gamme_id.is_(None), S.c.gamme_id != V.c.gamme_id)).order_by(V.c.id)
    )
    for row in series_range:
        yield lens_finding("reference_incoherente", row,
                    f"la série « {row.serie} » n'appartient pas à la gamme du verre.")


# The lens's references: (its column, the referenced table, the French word).
_LENS_REFERENCES = (
    *((kind.lens_column, kind.model.__table__, kind.noun) for kind in KINDS.values()),
    ("image_id", IMG, "image"),
)


def missing_references(conn: Connection, ctx: Context) -> Iterator[Finding]:
    if ctx.backend == "sqlite":
        return  # foreign_key_check has reported them with the same precision
    for column, parent, label in _LENS_REFERENCES:
        alias = parent.alias()
        rows = conn.execute(
            sa.select(V.c.id, V.c.nom, V.c[column].label("ref"))
            .outerjoin(alias, alias.c.id == V.c[column])
            .where(V.c[column].is_not(None), alias.c.id.is_(None)).order_by(V.c.id)
        )
        for row in rows:
            yield lens_finding("cle_etrangere", row, f"{label} n° {row.ref} introuvable.")
    for kind in KINDS.values():
        if kind.parent is None or kind.parent_column is None:
            continue
        child, column = kind.model.__table__, kind.parent_column
        parent, label = KINDS[kind.parent].model.__table__, KINDS[kind.parent].noun
        alias = parent.alias()
        rows = conn.execute(
            sa.select(child.c.id, child.c.nom, child.c[column].label("ref"))
            .outerjoin(alias, alias.c.id == child.c[column]).where(alias.c.id.is_(None))
        )
        for row in rows:
            yield Finding("cle_etrangere", None, None,
                          f"« {row.nom} » (n° {row.id}) : {label} n° {row.ref} introuvable.")


def duplicates(conn: Connection, ctx: Context) -> Iterator[Finding]:
    # The import's identity (``data.transfer.scan``): material and engraving tell lenses apart.
    index_key = sa.cast(sa.func.round(V.c.indice * 1000), sa.Integer)
    variant = sa.func.coalesce(V.c.tri_variante, "")
    material = sa.func.coalesce(V.c.materiau_id, 0)
    engraving = sa.func.coalesce(V.c.tri_gravure, "")
    groups = (
        sa.select(V.c.fournisseur_id.label("f"), V.c.tri_nom.label("n"), variant.label("v"),
                  index_key.label("i"), material.label("m"), engraving.label("g"),
                  sa.func.min(V.c.id).label("first"))
        .group_by(V.c.fournisseur_id, V.c.tri_nom, variant, index_key, material, engraving)
        .having(sa.func.count() > 1).subquery()
    )
    rows = conn.execute(
        sa.select(V.c.id, V.c.nom, groups.c.first)
        .join(groups, sa.and_(V.c.fournisseur_id == groups.c.f, V.c.tri_nom == groups.c.n,
                              variant == groups.c.v, index_key == groups.c.i,
                              material == groups.c.m, engraving == groups.c.g))
        .where(V.c.id != groups.c.first).order_by(V.c.id)
    )
    for row in rows:
        yield lens_finding("doublon", row, f"doublon du verre n° {row.first} (même fournisseur, nom, "
                                    "variante, indice, matériau et gravure).")


def near_references(conn: Connection, ctx: Context) -> Iterator[Finding]:
    """Each pair comes with the merge that would solve it (``Finding.merge``): the report's
    « Fusionner » button, or the references dialog on the command line's word."""
    for pair in similar_references(conn):
        noun = KINDS[pair.kind].noun
        first, second = ReferenceSide(*pair.first), ReferenceSide(*pair.second)
        yield Finding("reference_proche", None, None,
                      f"{noun.capitalize()} « {first.name} » (n° {first.id}, {formatting.lenses(first.lenses)}) "
                      f"et {noun} « {second.name} » (n° {second.id}, {formatting.lenses(second.lenses)}) : "
                      "noms presque identiques, sans doute un doublon ; fusionnez-les (vérification de "
                      "l'intégrité dans la fenêtre, ou « Références »).",
                      MergeOffer.between(cast(ReferenceKind, pair.kind), first, second))
