"""Import and export of supplier catalogues (CSV, XLSX, JSON).

Plain functions for the command line and the window's workers alike: each takes an optional
``progress(done, total)`` callback and a ``cancel()`` flag checked between rows or chunks, and
returns a frozen dataclass. Cancelling writes nothing.

- ``import_lenses(db, path, fmt, update=, dry_run=, author=, progress=, cancel=) -> ImportReport``;
  or, for a dialog that previews then confirms, ``prepare_import`` -> ``PreparedImport``
  (``.report`` is the preview) then ``commit_import`` (or ``discard_import``).
  See ``data.transfer.importer``.
- Supplier files as they come: ``valid_only`` writes the valid lines and ``write_rejects``
  hands back the others (``<name>.refus.csv``, « Motif »); ``ImportOptions`` names columns,
  swaps index and material back, reads new names as existing references; ``sample_columns``
  shows each column with its first values and the field it likely holds.
- ``export_lenses(db, path, fmt, query, progress, cancel) -> ExportResult``
  (see ``data.transfer.exporter``).

Stored engraving images travel as image files in a folder beside the catalogue file, named in
an « Image gravure (fichier) » column (see ``data.transfer.images``).
"""

from data.transfer.columns import protect_formula, unprotect_formula
from data.transfer.commit import commit_import
from data.transfer.exporter import ExportResult, export_lenses
from data.transfer.importer import PROGRESS_TOTAL, import_lenses
from data.transfer.naming import ColumnSample, headers_key, proposed_columns, sample_columns
from data.transfer.options import IGNORE, ImportOptions, parse_aliases, parse_columns
from data.transfer.prepare import PreparedImport, discard_import, prepare_import
from data.transfer.readers import FORMATS, ColumnsError, TransferError, detect_format
from data.transfer.rejects import RejectsResult, rejects_path, write_rejects
from data.transfer.report import (
    CONFLICT,
    DUPLICATE,
    EXISTS,
    INVALID,
    PROBLEM_LIMIT,
    SWAP,
    ImportProblem,
    ImportReport,
    NewReference,
    report_lines,
)

__all__ = [
    "CONFLICT",
    "IGNORE",
    "SWAP",
    "ColumnSample",
    "ColumnsError",
    "ImportOptions",
    "RejectsResult",
    "headers_key",
    "parse_aliases",
    "parse_columns",
    "proposed_columns",
    "rejects_path",
    "sample_columns",
    "write_rejects",
    "DUPLICATE",
    "EXISTS",
    "FORMATS",
    "INVALID",
    "PROBLEM_LIMIT",
    "PROGRESS_TOTAL",
    "ExportResult",
    "ImportProblem",
    "ImportReport",
    "NewReference",
    "PreparedImport",
    "TransferError",
    "commit_import",
    "detect_format",
    "discard_import",
    "export_lenses",
    "import_lenses",
    "prepare_import",
    "protect_formula",
    "report_lines",
    "unprotect_formula",
]
