"""The filter changes the benchmark replays: what opticians really do at the counter.

Names refer to the generated catalogue by reference *names* (resolved to ids in the database), so
that the same list works on every size. Each scenario also carries its SQL, compiled once from
``data.query`` with literal values, so the anchors (``QSqlQueryModel``, raw ``sqlite3``) run exactly
the statements the app runs, without importing SQLAlchemy in their own processes.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from sqlalchemy import and_
from sqlalchemy.dialects import sqlite

from data import catalogue
from data.database import Database
from data.query import LensQuery, filter_clauses, order_by, page_statement, rows_statement

PAGE_SIZE = 100


@dataclass(frozen=True)
class Scenario:
    name: str
    query: LensQuery
    page_sql: str = ""
    page_params: tuple[Any, ...] = ()
    full_sql: str = ""
    full_params: tuple[Any, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "query": asdict(self.query),
            "page_sql": self.page_sql,
            "page_params": list(self.page_params),
            "full_sql": self.full_sql,
            "full_params": list(self.full_params),
        }

    @staticmethod
    def from_json(data: dict[str, Any]) -> Scenario:
        fields = dict(data["query"])
        for key in ("supplier_ids", "range_ids", "series_ids", "material_ids", "indices"):
            fields[key] = tuple(fields[key])
        return Scenario(
            data["name"],
            LensQuery(**fields),
            data["page_sql"],
            tuple(data["page_params"]),
            data["full_sql"],
            tuple(data["full_params"]),
        )


def compile_sqlite(stmt: Any) -> tuple[str, tuple[Any, ...]]:
    """SQL with ``?`` placeholders and its values, as the app sends them to SQLite.

    Bound values, not literals: with literal values SQLite's planner picks other plans for some
    sorts (measured: "tri fournisseur" 0.2 ms bound, 94 ms literal), so literals would not be the
    same query.
    """
    compiled = stmt.compile(dialect=sqlite.dialect(), compile_kwargs={"render_postcompile": True})
    values = compiled.construct_params()
    return str(compiled), tuple(values[name] for name in compiled.positiontup or ())


def full_statement(query: LensQuery) -> Any:
    """Every row of the result with the table's cells: what a QSqlQueryModel would be given."""
    stmt = rows_statement()
    clauses = filter_clauses(query)
    if clauses:
        stmt = stmt.where(and_(*clauses))
    return stmt.order_by(*order_by(query))


def _by_name(items: list[catalogue.ReferenceItem], name: str) -> catalogue.ReferenceItem:
    return next(item for item in items if item.nom == name)


def scenarios(db: Database) -> list[Scenario]:
    """At least 20 filter combinations: references, indices, heights, fragments, sorts, mixes."""
    suppliers = catalogue.list_suppliers(db)
    big = _by_name(suppliers, "Essilor")
    small = min((s for s in suppliers if s.lens_count), key=lambda s: (s.lens_count, s.id))
    ranges = catalogue.list_ranges(db, [big.id])
    big_range = max(ranges, key=lambda r: (r.lens_count, -r.id))
    series = catalogue.list_series(db, [big_range.id])
    big_series = max(series, key=lambda s: (s.lens_count, -s.id))
    mr8 = _by_name(catalogue.list_materials(db), "MR-8")
    q = LensQuery
    plan = [
        ("tout, tri nom", q()),
        ("fournisseur Essilor", q(supplier_ids=(big.id,))),
        (f"fournisseur rare ({small.nom})", q(supplier_ids=(small.id,))),
        ("fournisseur + gamme", q(supplier_ids=(big.id,), range_ids=(big_range.id,))),
        ("fournisseur + gamme + série", q(supplier_ids=(big.id,), range_ids=(big_range.id,), series_ids=(big_series.id,))),
        ("matériau MR-8", q(material_ids=(mr8.id,))),
        ("indice 1,67", q(indices=(1.67,))),
        ("indices 1,5 + 1,6", q(indices=(1.5, 1.6))),
        ("indice 1,9 (rare)", q(indices=(1.9,))),
        ("hauteur 14 mm", q(fitting_height=14)),
        ("hauteur 18 + indice 1,6", q(fitting_height=18, indices=(1.6,))),
        ("recherche « ai »", q(text="ai")),
        ("recherche « x »", q(text="x")),
        ("recherche « zq » (rare)", q(text="zq")),
        ("recherche « aipz »", q(text="aipz")),
        ("recherche « comfort »", q(text="comfort")),
        ("recherche « Élite » (accent)", q(text="Élite")),
        ("recherche « précision hd »", q(text="précision hd")),
        ("tri nom ↓", q(sort="nom", descending=True)),
        ("tri fournisseur ↑", q(sort="fournisseur")),
        ("tri indice ↓", q(sort="indice", descending=True)),
        ("tri gravure ↑", q(sort="gravure_nasale")),
        ("tri hauteur min ↓", q(sort="hauteur_min", descending=True)),
        ("tri gamme ↑", q(sort="gamme")),
        ("tri variante ↓", q(sort="variante", descending=True)),
        ("tri matériau ↑ + indice 1,6", q(sort="materiau", indices=(1.6,))),
        ("Essilor + « ai » + tri indice", q(supplier_ids=(big.id,), text="ai", sort="indice")),
        ("« ai » + 1,67 + hauteur 16", q(text="ai", indices=(1.67,), fitting_height=16)),
        ("« 74 » + tri série ↓", q(text="74", sort="serie", descending=True)),
        ("MR-8 + tri hauteur max ↑", q(material_ids=(mr8.id,), sort="hauteur_max")),
    ]
    return [
        Scenario(
            name,
            query,
            *compile_sqlite(page_statement(query, 0, PAGE_SIZE)),
            *compile_sqlite(full_statement(query)),
        )
        for name, query in plan
    ]
