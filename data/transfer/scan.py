"""Pass 1 of an import: read every row, validate it, hand each valid lens to the classification
(``data.transfer.classify``; see ``importer``), what is found kept by ``data.transfer.findings``.

Engraving images (``IMAGE_FIELD``, a path to an image file) are checked once per path by
``ImageFiles`` and carried as placeholder ids; a CSV or XLSX file without that column does no
image work at all. A JSON object may leave the key out: like any other key, its lens then keeps
its image on update.

The shapes of a lens's sign (``SYMBOLS_FIELD``) are checked and carried by ``signs.SignCells``:
like an image, a file without the column, or a JSON object without the key, leaves an updated
lens's shapes as they are; an empty cell removes them.

**Refused lines.** A line is refused as a whole: when one of the indices it lists is refused,
or when it conflicts with another line (both are refused: neither is known to be the right
one), none of its lenses is written, also with ``valid_only`` (the spill drops what it already
holds of such lines, see ``SpillWriter.finish``).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from data.kinds import KINDS
from data.progress import Cancel, Steps, check_cancel
from data.transfer.classify import FILE_FIELD, NO_IMAGE_GIVEN, Classifier
from data.transfer.columns import IMAGE_FIELD, SYMBOLS_FIELD, split_indices
from data.transfer.findings import Findings
from data.transfer.images import ImageFiles
from data.transfer.problems import (
    index_problem,
    looks_like_index,
    looks_like_material,
    name_problem,
    swapped_problem,
    value_problem,
)
from data.transfer.readers import SourceRow, Table
from data.transfer.references import ReferenceResolver
from data.transfer.report import SWAP, ImportProblem, ImportReport
from data.transfer.signs import NO_SIGN_GIVEN, SignCells
from data.transfer.spill import SpillWriter
from data.validation import validate_lens

CHECK_EVERY = 256  # rows between two looks at the cancel flag
PRESENT_SETS = 64  # sets of JSON keys remembered at most

# A file field -> the LensValues field it feeds.
VALUE_FIELD = {kind.key: kind.lens_column for kind in KINDS.values()}


class Scan:
    """One reading of the file: counts, problems, planned references, and the spill."""

    def __init__(
        self, session: Session, table: Table, *, update: bool, spill: SpillWriter | None, folder: Path,
        valid_only: bool = False, swap: bool = False,
        aliases: Mapping[tuple[str, str], str] | None = None,
    ) -> None:
        self.table = table
        self.refs = ReferenceResolver(session, aliases)
        self.present = frozenset(VALUE_FIELD.get(f, f) for f in table.header.labels)
        self._present_sets: dict[tuple[str, ...], frozenset[str]] = {}
        # Image paths are relative to ``folder`` (the file's); any JSON object may name one.
        self.images: ImageFiles | None = None
        if IMAGE_FIELD in table.header.labels or table.format == "json":
            self.images = ImageFiles(session, folder)
        # Shapes: checked against the catalogue's vocabulary; any JSON object may give them.
        self.signs: SignCells | None = None
        if SYMBOLS_FIELD in table.header.labels or table.format == "json":
            self.signs = SignCells(session)
        self.swap = swap  # read an index and a material that look swapped the other way round
        self.rows = 0
        self.found = Findings(table.header, table.unit)
        self.classifier = Classifier(
            session, self.found, self.refs, update=update, spill=spill, valid_only=valid_only,
            images=self.images, signs=self.signs,
        )

    def report(self, path: Path, dry_run: bool) -> ImportReport:
        found = self.found
        return ImportReport(
            path=str(path),
            format=self.table.format,
            rows=self.rows,
            new=found.new,
            updated=found.updated,
            duplicate=found.duplicate,
            refused=found.refused,
            refused_lines=len(found.reasons),
            swappable=found.swappable,
            swapped=found.swapped,
            # Lookups in the catalogue run by batches: put what they found back in file order.
            problems=tuple(sorted(found.problems, key=_line)),
            more_problems=found.more_problems,
            duplicates=tuple(sorted(found.duplicates, key=_line)),
            more_duplicates=found.more_duplicates,
            new_references=self.refs.new_references,
            mapped_references=tuple(self.refs.mapped),
            ignored_columns=self.table.header.ignored,
            dry_run=dry_run,
            new_images=self.images.new_count() if self.images is not None else 0,
        )

    # -- reading

    def run(self, progress: Steps, cancel: Cancel | None) -> None:
        fraction = self.table.fraction
        for row in self.table.rows:
            self.rows += 1
            self._row(row)
            if self.rows % CHECK_EVERY == 0:
                check_cancel(cancel)
                progress.fraction(fraction())
        self.classifier.flush()
        progress.fraction(1.0)

    def _references(self, values: dict[str, object], problems: list[tuple[str, str]]) -> dict[str, int | None]:
        resolve = self.refs.resolve
        supplier, message = resolve("fournisseur", values.get("fournisseur"), 0)
        if message:
            problems.append(("fournisseur", value_problem(values.get("fournisseur"), message)))
        elif supplier is None:
            problems.append(("fournisseur", "Le fournisseur est obligatoire."))
        range_id = series_id = None
        if supplier is not None:
            range_id, message = resolve("gamme", values.get("gamme"), supplier)
            if message:
                problems.append(("gamme", value_problem(values.get("gamme"), message)))
        series_raw = values.get("serie")
        if range_id is not None:
            series_id, message = resolve("serie", series_raw, range_id)
            if message:
                problems.append(("serie", value_problem(series_raw, message)))
        elif supplier is not None and series_raw is not None and str(series_raw).strip():
            problems.append(("gamme", "Indiquez la gamme de cette série."))
        material, message = resolve("materiau", values.get("materiau"), 0)
        if message:
            problems.append(("materiau", value_problem(values.get("materiau"), message)))
        return {
            "fournisseur_id": supplier,
            "gamme_id": range_id,
            "serie_id": series_id,
            "materiau_id": material,
        }

    def _row(self, row: SourceRow) -> None:
        values = row.values
        problems = list(row.problems)
        if looks_like_material(values.get("indice")) and looks_like_index(values.get("materiau")):
            if not self.swap:
                self.found.swappable += 1
                self.found.refused += 1
                self.found.add_problem(
                    row.line, "indice", swapped_problem(values.get("indice"), values.get("materiau")), SWAP
                )
                return
            self.found.swapped += 1
            values = {**values, "indice": values.get("materiau"), "materiau": values.get("indice")}
        raw: dict[str, object] = {
            "nom": values.get("nom"),
            "variante": values.get("variante"),
            "hauteur_min": values.get("hauteur_min"),
            "hauteur_max": values.get("hauteur_max"),
            "gravure_nasale": values.get("gravure_nasale"),
            "url_gravure": values.get("url_gravure"),
            "url_source": values.get("url_source"),
            **self._references(values, problems),
        }
        present = self.present
        if self.table.format == "json":  # objects may omit keys: those fields are kept on update
            present = self._present_in(values)
        image = NO_IMAGE_GIVEN
        if self.images is not None and IMAGE_FIELD in values:
            image, message = self.images.resolve(values[IMAGE_FIELD])
            if message:
                problems.append((IMAGE_FIELD, message))
        sign = NO_SIGN_GIVEN
        if self.signs is not None and SYMBOLS_FIELD in values:
            sign, message = self.signs.check(values[SYMBOLS_FIELD])
            if message:
                problems.append((SYMBOLS_FIELD, message))
        tokens = split_indices(values.get("indice"))
        for token in tokens:
            self._lens(row.line, raw, token, len(tokens) > 1, problems, present, image, sign, values)

    def _present_in(self, values: dict[str, object]) -> frozenset[str]:
        """The fields a JSON object gives (a file's objects mostly share one set of keys)."""
        keys = tuple(values)
        present = self._present_sets.get(keys)
        if present is None:
            if len(self._present_sets) >= PRESENT_SETS:
                self._present_sets.clear()  # keys in ever new orders: memory stays flat
            present = self._present_sets[keys] = frozenset(VALUE_FIELD.get(f, f) for f in keys)
        return present

    def _lens(
        self,
        line: int,
        raw: dict[str, object],
        token: object,
        listed: bool,
        problems: list[tuple[str, str]],
        present: frozenset[str],
        image: Any,
        sign: Any,
        given: dict[str, object],
    ) -> None:
        if listed and not str(token).strip():
            self.found.refused += 1
            self.found.add_problem(line, "indice", "Liste d'indices mal formée (un indice est vide).")
            return
        raw["indice"] = token
        values, report = validate_lens(raw)
        faults = list(problems)
        for name, message in report.errors.items():
            if name == "fournisseur_id" and problems:
                continue  # the reference problems already say why
            file_field = FILE_FIELD.get(name, name)
            if name == "indice":
                message = index_problem(token, message)
            elif name == "nom":
                message = name_problem(given.get("nom"), message)
            else:
                message = value_problem(given.get(file_field), message)
            faults.append((file_field, message))
        if faults or values is None:
            self.found.refused += 1
            for file_field, message in faults:
                self.found.add_problem(line, file_field, message)
            return
        self.classifier.add(line, values, present, image, sign)


def _line(problem: ImportProblem) -> int:
    return problem.line
