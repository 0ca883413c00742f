"""The integrity check: the database engine's own checks, then the catalogue's rules.

The database enforces these rules itself (CHECK constraints, composite foreign keys), so a
violation can only come from outside the app: raw SQL, another tool, a damaged file. The check
therefore never trusts the constraints and asks plain SQL questions on every backend; each finding
names the lens (id and name) where there is one, so the report can select it in the table.
"""

from __future__ import annotations

import hashlib
import logging
import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from data import formatting
from data.catalogue.code_keys import stale_code_keys
from data.database import Database
from data.driver_errors import translate_errors
from data.kinds import KINDS
from data.maintenance.near_references import similar_references
from data.models import Fournisseur, Gamme, ImageGravure, Materiau, Serie, Verre
from data.progress import Cancel, Progress, Steps
from data.query import INDEX_DECIMALS
from data.text import fold, search_key

log = logging.getLogger("engravedetect.maintenance")

SCAN_CHUNK = 2000
IMAGE_CHUNK = 50

# Finding kinds (stable keys the report dialog groups by), with their French titles.
KIND_TITLES = {
    "structure": "Fichier de base endommagé",
    "contrainte": "Règle de la base non respectée",
    "cle_etrangere": "Référence vers une ligne absente",
    "indice": "Indice hors plage",
    "indice_decimales": "Indice à plus de 3 décimales",
    "hauteur": "Hauteurs de montage incohérentes",
    "reference_incoherente": "Fournisseur, gamme et série en désaccord",
    "doublon": "Verres en double",
    "image": "Image de gravure illisible",
    "normalisation": "Colonnes de recherche à recalculer",
    "cles_gravure": "Clés de recherche des gravures à recalculer",
}
# Lenses named one by one among the stale code keys; the rest are counted in one finding.
KEY_FINDINGS_NAMED = 200
KEYS_REPAIR = "lancez « Reconstruire les index » pour les recalculer"


DAMAGED_FILE = (
    "Une partie du fichier de la base est illisible (pages endommagées) : restaurez une "
    "sauvegarde ou faites réparer la base."
)


@dataclass(frozen=True)
class Finding:
    kind: str
    lens_id: int | None
    lens_name: str | None
    message: str


@dataclass(frozen=True)
class IntegrityReport:
    findings: list[Finding] = field(default_factory=list)
    quick: bool = False
    duration_s: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.findings

    def by_kind(self) -> dict[str, list[Finding]]:
        grouped: dict[str, list[Finding]] = {}
        for finding in self.findings:
            grouped.setdefault(finding.kind, []).append(finding)
        return grouped


V = Verre.__table__
F = Fournisseur.__table__
M = Materiau.__table__
G = Gamme.__table__
S = Serie.__table__
IMG = ImageGravure.__table__


def _lens(kind: str, row: Any, message: str) -> Finding:
    return Finding(kind, int(row.id), str(row.nom), f"Verre n° {row.id} « {row.nom} » : {message}")


_number = formatting.plain


Check = Callable[[Connection, "Context"], Iterator[Finding]]


@dataclass
class Context:
    backend: str
    quick: bool
    progress: Steps


def check_integrity(
    db: Database,
    quick: bool = False,
    progress: Progress | None = None,
    cancel: Cancel | None = None,
) -> IntegrityReport:
    """Run every check; ``quick`` uses ``quick_check`` and skips decoding the images."""
    started = time.perf_counter()
    steps = Steps(progress, cancel)
    checks: list[Check] = []
    if db.is_sqlite:
        checks += [_sqlite_structure, _sqlite_foreign_keys]
    checks += [_index_range, _heights, _references_agree, _missing_references, _duplicates,
               _near_references, _images, _folded_columns, _code_keys]
    context = Context(db.backend, quick, steps)
    findings: list[Finding] = []
    with translate_errors(), db.engine.connect() as conn:
        for number, check in enumerate(checks):
            steps.phase(number / len(checks), (number + 1) / len(checks))
            try:
                findings.extend(check(conn, context))
            except sa.exc.DatabaseError as exc:
                if not db.is_sqlite or "malformed" not in str(exc).lower():
                    raise
                # A damaged file: say so and go on with what can still be read.
                damaged = Finding("structure", None, None, DAMAGED_FILE)
                if damaged not in findings:
                    findings.append(damaged)
            steps.fraction(1.0)
            conn.rollback()
    steps.finish()
    report = IntegrityReport(findings, quick, time.perf_counter() - started)
    log.info("Vérification de la base : %d constat(s) en %.2f s", len(findings), report.duration_s)
    return report


_RULE_TABLE = re.compile(r"\bin (\w+)")


def _sqlite_structure(conn: Connection, ctx: Context) -> Iterator[Finding]:
    pragma = "quick_check" if ctx.quick else "integrity_check"
    from data.maintenance.sqlite_native import is_rule_line

    broken_rules: dict[str, int] = {}
    for (line,) in conn.exec_driver_sql(f"PRAGMA {pragma}"):
        if line == "ok":
            continue
        if is_rule_line(str(line)):
            # SQLite names the table, not the row: count per table; the catalogue's own rule
            # checks below name each lens.
            table = _RULE_TABLE.search(str(line))
            name = table.group(1) if table else "?"
            broken_rules[name] = broken_rules.get(name, 0) + 1
        else:
            yield Finding("structure", None, None, f"Contrôle SQLite : {line}")
    for table_name, count in broken_rules.items():
        yield Finding(
            "contrainte", None, None,
            f"Table « {table_name} » : {count} ligne(s) enfreignent une règle de la base "
            "(contrainte CHECK ou NOT NULL) ; les verres concernés sont détaillés dans les "
            "autres rubriques.",
        )


def _sqlite_foreign_keys(conn: Connection, ctx: Context) -> Iterator[Finding]:
    for table, rowid, parent, _fkid in conn.exec_driver_sql("PRAGMA foreign_key_check"):
        if table == "verres" and rowid is not None:
            row = conn.execute(sa.select(V.c.id, V.c.nom).where(V.c.id == rowid)).first()
            if row is not None:
                yield _lens("cle_etrangere", row, f"fait référence à une ligne absente de « {parent} ».")
                continue
        yield Finding("cle_etrangere", None, None,
                      f"La ligne {rowid} de « {table} » fait référence à une ligne absente de "
                      f"« {parent} ».")


def _index_range(conn: Connection, ctx: Context) -> Iterator[Finding]:
    rows = conn.execute(sa.select(V.c.id, V.c.nom, V.c.indice)
                        .where(sa.or_(V.c.indice < 1.0, V.c.indice > 2.0)).order_by(V.c.id))
    for row in rows:
        yield _lens("indice", row, f"indice {_number(row.indice)} hors de la plage 1,0 à 2,0.")


def _heights(conn: Connection, ctx: Context) -> Iterator[Finding]:
    rows = conn.execute(
        sa.select(V.c.id, V.c.nom, V.c.hauteur_min, V.c.hauteur_max).where(sa.or_(
            V.c.hauteur_min > V.c.hauteur_max,
            V.c.hauteur_min < 0, V.c.hauteur_min > 100, V.c.hauteur_max < 0, V.c.hauteur_max > 100,
        )).order_by(V.c.id)
    )
    for row in rows:
        low, high = row.hauteur_min, row.hauteur_max
        if low is not None and high is not None and low > high:
            yield _lens("hauteur", row, f"hauteur minimale {low} mm au-dessus de la maximale {high} mm.")
        for label, value in (("minimale", low), ("maximale", high)):
            if value is not None and not 0 <= value <= 100:
                yield _lens("hauteur", row, f"hauteur {label} {value} mm hors de 0 à 100 mm.")


def _references_agree(conn: Connection, ctx: Context) -> Iterator[Finding]:
    range_supplier = conn.execute(
        sa.select(V.c.id, V.c.nom, G.c.nom.label("gamme"))
        .join(G, G.c.id == V.c.gamme_id)
        .where(G.c.fournisseur_id != V.c.fournisseur_id).order_by(V.c.id)
    )
    for row in range_supplier:
        yield _lens("reference_incoherente", row,
                    f"la gamme « {row.gamme} » n'appartient pas au fournisseur du verre.")
    series_range = conn.execute(
        sa.select(V.c.id, V.c.nom, S.c.nom.label("serie"))
        .join(S, S.c.id == V.c.serie_id)
        .where(sa.or_(V.c.gamme_id.is_(None), S.c.gamme_id != V.c.gamme_id)).order_by(V.c.id)
    )
    for row in series_range:
        yield _lens("reference_incoherente", row,
                    f"la série « {row.serie} » n'appartient pas à la gamme du verre.")


# The lens's references: (its column, the referenced table, the French word).
_LENS_REFERENCES = (
    *((kind.lens_column, kind.model.__table__, kind.noun) for kind in KINDS.values()),
    ("image_id", IMG, "image"),
)


def _missing_references(conn: Connection, ctx: Context) -> Iterator[Finding]:
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
            yield _lens("cle_etrangere", row, f"{label} n° {row.ref} introuvable.")
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


def _duplicates(conn: Connection, ctx: Context) -> Iterator[Finding]:
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
        yield _lens("doublon", row, f"doublon du verre n° {row.first} (même fournisseur, nom, "
                                    "variante, indice, matériau et gravure).")


def _near_references(conn: Connection, ctx: Context) -> Iterator[Finding]:
    for pair in similar_references(conn):
        noun = KINDS[pair.kind].noun
        yield Finding("reference_proche", None, None,
                      f"{noun.capitalize()} « {pair.first[1]} » (n° {pair.first[0]}) et {noun} « {pair.second[1]} » "
                      f"(n° {pair.second[0]}) : noms presque identiques, sans doute un doublon ; "
                      "fusionnez-les dans « Références ».")


def _images(conn: Connection, ctx: Context) -> Iterator[Finding]:
    from data.catalogue import decode_check_image
    from data.validation import check_image_bytes

    last = 0
    while True:
        rows = conn.execute(
            sa.select(IMG.c.id, IMG.c.donnees, IMG.c.type_mime, IMG.c.taille, IMG.c.sha256)
            .where(IMG.c.id > last).order_by(IMG.c.id).limit(IMAGE_CHUNK)
        ).all()
        if not rows:
            return
        for row in rows:
            content = bytes(row.donnees or b"")
            mime, problem = (check_image_bytes if ctx.quick else decode_check_image)(content)
            if problem is None and mime != row.type_mime:
                problem = f"type déclaré {row.type_mime}, contenu {mime}."
            elif problem is None and row.taille != len(content):
                problem = f"taille déclarée {row.taille} octets, contenu {len(content)} octets."
            elif problem is None and row.sha256 != hashlib.sha256(content).hexdigest():
                problem = "empreinte SHA-256 différente du contenu."
            if problem:
                yield from _image_findings(conn, int(row.id), problem)
        last = int(rows[-1].id)
        ctx.progress.fraction(0.5)


def _image_findings(conn: Connection, image_id: int, problem: str) -> Iterator[Finding]:
    users = conn.execute(sa.select(V.c.id, V.c.nom).where(V.c.image_id == image_id)
                         .order_by(V.c.id)).all()
    if not users:
        yield Finding("image", None, None, f"Image n° {image_id} (inutilisée) : {problem}")
    for row in users:
        yield _lens("image", row, f"image n° {image_id} : {problem}")


def _folded_columns(conn: Connection, ctx: Context) -> Iterator[Finding]:
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
                yield _lens("normalisation", row,
                            f"colonne(s) {', '.join(stale)} pas à jour (recherche et tri faussés).")
            if row.indice is not None and round(float(row.indice), INDEX_DECIMALS) != row.indice:
                yield _lens("indice_decimales", row,
                            f"indice {_number(row.indice)} enregistré avec plus de "
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


def _code_keys(conn: Connection, ctx: Context) -> Iterator[Finding]:
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
