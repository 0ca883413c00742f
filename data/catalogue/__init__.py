"""The catalogue: lens searches and reads, filter lists, and every write, each in one transaction.

Every write validates first (``data.validation``) and raises a domain error
(``ValidationError``, ``ConflictError``, ``NotFoundError``, ``ReferenceInUseError``,
``ReadOnlyError``, ``DBOperationError``) — never a half-written row — and returns ``Changes``:
the lenses and reference lists it touched. Values crossing into the GUI are frozen dataclasses
and plain ids, never live ORM objects.

Every write also writes its audit entry (``data.audit``) in the same transaction. Writers take
optional keyword arguments ``author`` (overrides ``audit.who``) and ``batch`` (the ``lot`` an
entry belongs to, e.g. an import's id from ``audit.record_import``). The shipped sample
(``exemple=True``) is not an edit and writes no entry.

The rooms: ``values`` (what crosses to the GUI), ``planner`` (how a search is read), ``search``
(count, ids, pages, rows), ``lists`` (filter lists), ``reads`` (one lens, an image), ``checks``
(what a write checks first), ``derived`` (what a lens stores besides what was typed),
``images``, ``lens_writes``, ``restore``, ``reference_writes``, ``symbols`` (the shapes of
nasal signs: the vocabulary as stored, a lens's shapes). The reference kinds are one
table, ``data.kinds``. This module only re-exports.
"""

from data.catalogue.checks import check_lens, ensure_writable, reference_facts
from data.catalogue.derived import add_sort_keys, lens_columns, lens_state, refresh_sort_keys
from data.catalogue.identical import identical_lens
from data.catalogue.images import decode_check_image, store_image
from data.catalogue.lens_writes import (
    apply_lens_update,
    audit_lenses,
    create_lens,
    delete_lenses,
    insert_lens,
    reinsert_lens,
    restore_lens,
    snapshot_lenses,
    update_lens,
)
from data.catalogue.lists import (
    BaseCounts,
    FilterLists,
    IndexGroup,
    base_counts,
    group_indices,
    index_group_of,
    list_indices,
    list_materials,
    list_ranges,
    list_series,
    list_suppliers,
    read_lists,
)
from data.catalogue.planner import LIMITS, PlannerLimits, plan_query
from data.catalogue.reads import get_image, get_lens
from data.catalogue.reference_writes import (
    create_reference,
    delete_reference,
    find_reference,
    get_or_create_reference,
    merge_references,
    reference_state,
    rename_reference,
)
from data.catalogue.restore import restore_deleted
from data.catalogue.search import count_lenses, hiding_filters, lens_ids, lens_page, lens_rows
from data.catalogue.symbol_writes import create_symbol
from data.catalogue.symbols import SymbolItem, list_symbols, symbol_shapes
from data.catalogue.values import EVERYTHING, Changes, LensDetail, LensRow, ReferenceItem
from data.kinds import KINDS, ReferenceKind
from data.query import LensQuery

__all__ = [
    "EVERYTHING", "KINDS", "BaseCounts", "FilterLists", "IndexGroup", "LIMITS", "Changes", "LensDetail", "LensQuery", "LensRow",
    "PlannerLimits", "ReferenceItem", "ReferenceKind", "add_sort_keys", "apply_lens_update",
    "audit_lenses", "base_counts", "check_lens", "count_lenses", "create_lens", "create_reference",
    "decode_check_image", "delete_lenses", "delete_reference", "ensure_writable", "find_reference",
    "get_image", "get_lens", "hiding_filters", "identical_lens", "get_or_create_reference", "group_indices", "index_group_of", "insert_lens", "lens_columns", "lens_ids",
    "lens_page", "lens_rows", "lens_state", "list_indices", "list_materials", "list_ranges",
    "list_series", "list_suppliers", "merge_references", "plan_query", "reference_facts",
    "read_lists", "reference_state", "refresh_sort_keys", "reinsert_lens", "rename_reference", "restore_deleted",
    "restore_lens", "snapshot_lenses", "store_image", "update_lens",
    "SymbolItem", "create_symbol", "list_symbols", "symbol_shapes",
]
