"""The lens query: what the browser asks for, turned into SQL that all three databases run alike.

Sort and filter run in SQL, never in Python over all rows. Text sorts use folded columns with a
binary collation, then ``id``; empty values sort last in both directions.

Speed at a million lenses (measured in ``make bench``) rests on three choices:

- **Empty last without a full sort.** A sort on a column that can be empty reads two parts, the
  filled rows (``col IS NOT NULL ORDER BY col, id``) then the empty ones (``col IS NULL ORDER BY
  id``): each part is one plain index ``(col, id)`` read in order, on every database, in both
  directions. ``SortParts`` gives the two statements; ``data.catalogue`` stitches the pages.
- **Filter indexes that keep the name order**: ``(fournisseur_id, tri_nom, id, recherche)``,
  ``(indice, tri_nom, id, recherche)``... and indices compared with ``=`` (values are stored
  rounded to 3 decimals).
- **A plan per query** (``QueryPlan``, SQLite only, computed by ``data.catalogue`` from cheap
  estimates): a search page first asks the trigram index ``verres_fts`` whether a word is rare
  (its lenses read up to ``RARE_WORD_ROWS``): then the page comes from that word's lenses at
  once. Otherwise it is read in sort order for a few milliseconds — the name-order indexes carry
  ``recherche``, so a common fragment fills a page without reading lens rows; only when that
  budget runs out are the trigram index's estimates and candidates used (the ``LIKE`` stays, so
  results are exactly those of a scan); broad filters read the sort index in
  order and stop after one page (``+ 0`` keeps SQLite off a filter index whose rows it would
  have to sort). PostgreSQL plans with its own statistics and a ``pg_trgm`` index; counts, all
  ids and pages of a rare one find 2-character words in its index of pairs (``has_pair``,
  revision 0005); a search page in name order finds its ids first, in the index alone
  (``data.catalogue.search._ids_first``).

- :mod:`data.query.values`: ``LensQuery`` and ``QueryPlan``;
- :mod:`data.query.filters`: the WHERE clauses (``filter_clauses``) and the trigram helpers;
- :mod:`data.query.sorting`: ORDER BY, and the result as parts (``sort_parts``);
- :mod:`data.query.rows`: the cells the table shows (``rows_statement``, ``symbol_keys``).
"""

from data.query.filters import (
    FTS_TABLE,
    FTS_VOCAB,
    LIKE_ESCAPE,
    filter_clauses,
    fts_candidates,
    fts_string,
    has_pair,
    has_symbol,
    index_values,
    trigrams,
)
from data.query.rows import ROW_COLUMNS, page_statement, rows_statement, symbol_keys
from data.query.sorting import (
    SortPart,
    ids_statement,
    may_be_empty,
    order_by,
    sort_parts,
    with_sort_joins,
)
from data.query.values import (
    DEFAULT_PLAN,
    INDEX_DECIMALS,
    POSTGRESQL_WHOLE_PLAN,
    SORT_KEYS,
    LensQuery,
    QueryPlan,
)

__all__ = [
    "DEFAULT_PLAN",
    "FTS_TABLE",
    "FTS_VOCAB",
    "INDEX_DECIMALS",
    "LIKE_ESCAPE",
    "POSTGRESQL_WHOLE_PLAN",
    "ROW_COLUMNS",
    "SORT_KEYS",
    "LensQuery",
    "QueryPlan",
    "SortPart",
    "filter_clauses",
    "fts_candidates",
    "fts_string",
    "has_pair",
    "has_symbol",
    "ids_statement",
    "index_values",
    "may_be_empty",
    "order_by",
    "page_statement",
    "rows_statement",
    "sort_parts",
    "symbol_keys",
    "trigrams",
    "with_sort_joins",
]
