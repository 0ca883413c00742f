"""Pass 1 of an import: the whole file read, checked and classified, nothing written.

``prepare_import`` streams the file through ``data.transfer.scan.Scan`` and keeps, for pass 2
(``data.transfer.commit``), what can be written: the lenses to insert and update in a spill file
(``data.transfer.spill``), the references to create, the image files to store. The result,
``PreparedImport``, is also the preview a dialog shows before the user confirms; a preview not
confirmed is dropped by ``discard_import``.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

from data.database import Database
from data.errors import Cancelled
from data.progress import Cancel, Progress, Steps
from data.transfer import spill as spill_file
from data.transfer.images import PlannedImage
from data.transfer.options import ImportOptions
from data.transfer.readers import TransferError, detect_format, open_table
from data.transfer.references import PlannedReference
from data.transfer.report import ImportReport, cancelled_report
from data.transfer.scan import Scan


@dataclass(frozen=True)
class PreparedImport:
    """Pass 1's result: the report (the preview) and, when it can be written, what to write."""

    report: ImportReport
    update: bool
    spill_path: str | None = None
    keys: tuple[str, ...] = ()
    planned: tuple[PlannedReference, ...] = ()
    names: dict[tuple[str, int], str] = field(default_factory=dict, compare=False, repr=False)
    images: tuple[PlannedImage, ...] = ()  # image files to store (or reuse) in pass 2
    valid_only: bool = False
    # Refused line -> its « Motif » (every refused line, even beyond the problems listed).
    rejects: dict[int, str] = field(default_factory=dict, compare=False, repr=False)

    @property
    def writable(self) -> bool:
        return self.spill_path is not None


def prepare_import(
    db: Database,
    path: str | Path,
    fmt: str | None = None,
    *,
    update: bool = False,
    progress: Progress | None = None,
    cancel: Cancel | None = None,
    dry_run: bool = False,
    valid_only: bool = False,
    options: ImportOptions | None = None,
) -> PreparedImport:
    """Pass 1. Raises ``TransferError`` when the file cannot be read at all (empty, wrong
    format, missing columns, ...). With ``dry_run`` nothing is kept for pass 2. With
    ``valid_only`` the valid lines can be written even when others are refused."""
    return scan_file(db, Path(path), fmt, update, dry_run, Steps(progress), cancel, valid_only, options)


def scan_file(
    db: Database, path: Path, fmt: str | None, update: bool, dry_run: bool,
    progress: Steps, cancel: Cancel | None, valid_only: bool = False,
    options: ImportOptions | None = None,
) -> PreparedImport:
    """``prepare_import`` reporting to ``progress`` as it is (``import_lenses`` gives pass 1
    the first half of its progress)."""
    fmt = detect_format(path, fmt)
    options = options or ImportOptions()
    spill = None if dry_run else spill_file.SpillWriter()
    try:
        with db.transaction() as session, open_table(path, fmt, options.columns) as table:
            scan = Scan(
                session, table, update=update, spill=spill, folder=path.parent,
                valid_only=valid_only, swap=options.swap, aliases=options.aliases,
            )
            scan.run(progress, cancel)
            scan.found.finish()
        if scan.rows == 0:
            raise TransferError(
                f"« {path.name} » ne contient que la ligne d'en-tête : aucun verre à importer."
            )
        report = replace(scan.report(path, dry_run), valid_only=valid_only)
        rejects = scan.found.rejects()
        if spill is None or (report.refused and not valid_only) or report.to_write == 0:
            if spill is not None:
                spill.discard()
            return PreparedImport(report, update, valid_only=valid_only, rejects=rejects)
        spill_path = spill.finish(drop=scan.found.reasons.keys())
    except Cancelled:
        if spill is not None:
            spill.discard()
        return PreparedImport(cancelled_report(path, fmt, dry_run), update)
    except BaseException:
        if spill is not None:
            spill.discard()
        raise
    return PreparedImport(
        report, update, str(spill_path), spill.keys, tuple(scan.refs.planned), scan.refs.names,
        scan.images.needed() if scan.images is not None else (), valid_only, rejects,
    )


def discard_import(prepared: PreparedImport) -> None:
    """Forget a preview the user did not confirm (removes its temporary file)."""
    spill_file.discard(prepared.spill_path)

