"""What the database holds besides the rules: the engraving images' bytes, the columns derived
from a lens (search and sort keys, indices rounded to 3 decimals) and its code keys."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from data import formatting
from data.catalogue.code_keys import stale_code_keys
from data.kinds import KINDS
from data.maintenance.integrity.findings import (
    IMG,
    Context,
    Finding,
    G,
    M,
    S,
    V,
    lens_finding,
    number,
)
from data.query import INDEX_DECIMALS
from data.text import fold, search_key

SCAN_CHUNK = 2000
# Pictures read and checked a few at a time: a catalogue of 1 MB photos keeps the check's
# memory to a few megabytes, however many there are.
IMAGE_CHUNK = 8
# Lenses named one by one among the stale code keys; the rest are counted in one finding.
KEY_FINDINGS_NAMED = 200
KEYS_REPAIR = "lancez « Reconstruire les index » pour les recalculer"


def images(conn: Connection, ctx: Context) -> Iterator[Finding]:
    last = 0
    while True:
        checked = _check_image_batch(conn, ctx, last)
        if not checked:
            return
        for image_id, problem in checked:
            if problem:
                yield from _image_findings(conn, image_id, problem)
        last = checked[-1][0]
        ctx.progress.fraction(0.5)


def _check_image_batch(conn: Connection, ctx: Context, after: int) -> list[tuple[int, str | None]]:
    """The next ``IMAGE_CHUNK`` pictures after id ``after``, each with its problem (or None).
    A function of its own so that a batch's bytes are gone before the next batch is read."""
    from data.catalogue import decode_check_image
    from data.validation import check_image_bytes

    rows = conn.execute(
        sa.select(IMG.c.id, IMG.c.donnees, IMG.c.type_mime, IMG.c.taille, IMG.c.sha256)
        .where(IMG.c.id > after).order_by(IMG.c.id).limit(IMAGE_CHUNK)
    ).all()
    checked: list[tuple[int, str | None]] = []
    for row in rows:
        content = bytes(row.donnees or b"")
        mime, problem = (check_image_bytes if ctx.quick else decode_check_image)(content)
        if problem is None and mime != row.type_mime:
            problem = f"type déclaré {row.type_mime}, contenu {mime}."
        elif problem is None and row.taille != len(content):
            problem = f"taille déclarée {row.taille} octets, contenu {len(content)} octets."
        elif problem is None and row.sha256 != hashlib.sha256(content).hexdigest():
            problem = "empreinte SHA-256 différente du contenu."
        checked.append((int(row.id), problem))
    return checked


def _image_findings(conn: Connection, image_id: int, problem: str) -> Iterator[Finding]:
    users = conn.execute(sa.select(V.c.id, V.c.nom).where(V.c.image_id == image_id)
                         .order_by(V.c.id)).all()
    if not users:
        yield Finding("image", None, None, f"Image n° {image_id} (inutilisée) : {problem}")
    for row in users:
        yield lens_finding("image", row, f"image n° {image_id} : {problem}")


def folded_columns(conn: Connection, ctx: Context) -> Iterator[Finding]:
    total = max(1, int(conn.execute(sa.select(sa.func.count()).select_from(V)).scalar_one()))
    seen = 0
    last = 0
    while True:
        rows = conn.execute(
            sa.select(V.c.id, V.c.nom, V.c.variante, V.c.gravure_nasale, V.c.indice,
                      V.c.recherche, V.c.tri_nom, V.c.tri_variante, V.c.tri_gravure,
                      V.c.tri_gamme, V.c.tri_serie, V.c.tri_materiau,
                      G.c.nom_normalise.label("ref_gamme"), S.c.nom_normalise.label("ref_serie"),
                      M.c.nom_normalise.label("ref_materiau"))
            .select_from(V.outerjoin(G, G.c.id == V.c.gamme_id)
                         .outerjoin(S, S.c.id == V.c.serie_id)
                         .outerjoin(M, M.c.id == V.c.materiau_id))
            .where(V.c.id > last).order_by(V.c.id).limit(SCAN_CHUNK)
        ).all()
        if not rows:
            break
        for row in rows:
            stale = _stale_columns(row)
            if stale:
                yield lens_finding("normalisation", row,
                            f"colonne(s) {', '.join(stale)} pas à jour (recherche et tri faussés).")
            if row.indice is not None and round(float(row.indice), INDEX_DECIMALS) != row.indice:
                yield lens_finding("indice_decimales", row,
                            f"indice {number(row.indice)} enregistré avec plus de "
                            f"{INDEX_DECIMALS} décimales : le filtre par indice ne le trouve pas.")
        last = int(rows[-1].id)
        seen += len(rows)
        ctx.progress.fraction(0.8 * seen / total)
    for kind in KINDS.values():
        table = kind.model.__table__
        for row in conn.execute(sa.select(table.c.id, table.c.nom, table.c.nom_normalise)):
            if row.nom_normalise != fold(row.nom):
                yield Finding("normalisation", None, None,
                              f"{kind.title} « {row.nom} » (n° {row.id}) : nom normalisé "
                              "pas à jour.")


def code_keys(conn: Connection, ctx: Context) -> Iterator[Finding]:
    """The code keys (``verres_codes``) compared with a recomputation from the engravings: a
    lens with missing, extra or stale keys is found badly (or not at all) by its code."""
    wrong = stale_code_keys(conn)
    names: dict[int, str] = {
        int(i): str(n)
        for i, n in conn.execute(sa.select(V.c.id, V.c.nom).where(V.c.id.in_(wrong[:KEY_FINDINGS_NAMED])))
    }
    for lens_id in wrong[:KEY_FINDINGS_NAMED]:
        name = names.get(lens_id)
        if name is None:
            yield Finding("cles_gravure", None, None,
                          f"Clés de gravure du verre n° {lens_id}, qui n'existe plus : {KEYS_REPAIR}.")
        else:
            yield Finding("cles_gravure", lens_id, str(name),
                          f"Verre n° {lens_id} « {name} » : clés de sa gravure pas à jour (la "
                          f"recherche par code le trouve mal) ; {KEYS_REPAIR}.")
    others = len(wrong) - KEY_FINDINGS_NAMED
    if others > 0:
        yield Finding("cles_gravure", None, None,
                      f"Et {formatting.count(others, 'autre verre', 'autres verres')} aux clés de "
                      f"gravure pas à jour ; {KEYS_REPAIR}.")


def _stale_columns(row: Any) -> list[str]:
    expected = {
        "recherche": search_key(row.nom, row.variante, row.gravure_nasale),
        "tri_nom": fold(row.nom),
        "tri_variante": fold(row.variante) or None,
        "tri_gravure": fold(row.gravure_nasale) or None,
        # Copies of the reference's folded name, for sorting by range, series and material.
        "tri_gamme": row.ref_gamme,
        "tri_serie": row.ref_serie,
        "tri_materiau": row.ref_materiau,
    }
    return [name for name, value in expected.items() if getattr(row, name) != value]
