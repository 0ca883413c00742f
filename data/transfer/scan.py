"""Pass 1 of an import: read every row, validate it, classify every lens (see ``importer``).

Only compact keys stay in memory (a 16-byte identity and an 8-byte fingerprint per lens, to spot
a lens repeated inside the file); lenses are looked up in the catalogue by batches. When the
import is meant to be written, each lens to insert or update goes to a ``SpillWriter``.

Engraving images (``IMAGE_FIELD``, a path to an image file) are checked once per path by
``ImageFiles`` and carried as placeholder ids; a CSV or XLSX file without that column does no
image work at all. A JSON object may leave the key out: like any other key, its lens then keeps
its image on update.

The shapes of a lens's sign (``SYMBOLS_FIELD``: keys or labels, comma-separated, or a JSON list)
are checked against the catalogue's vocabulary (an unknown name refuses the line, with the
closest known names) and carried to the spill as a JSON list of keys (``SIGN_COLUMN``). A file
without the column, or a JSON object without the key, says nothing about them: an updated lens
keeps its shapes; an empty cell removes them.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from data import formatting
from data.catalogue import lens_columns  # the folded columns, computed in one place
from data.catalogue.symbols import lens_symbols, shapes, symbol_problem
from data.kinds import KIND_OF_LENS_COLUMN, KINDS
from data.models import Verre
from data.progress import Cancel, Steps, check_cancel
from data.transfer.columns import IMAGE_FIELD, SYMBOLS_FIELD, split_indices, symbol_names
from data.transfer.images import ImageFiles
from data.transfer.readers import SourceRow, Table
from data.transfer.references import ReferenceResolver
from data.transfer.report import (
    CONFLICT,
    EXISTS,
    INVALID,
    PROBLEM_LIMIT,
    ImportProblem,
    ImportReport,
)
from data.transfer.spill import INSERT, SIGN_COLUMN, UPDATE, SpillWriter
from data.validation import LENS_FIELDS, LensValues, validate_lens

LOOKUP_BATCH = 500
CHECK_EVERY = 256  # rows between two looks at the cancel flag
PRESENT_SETS = 64  # sets of JSON keys remembered at most

# A file field -> the LensValues field it feeds, and back.
VALUE_FIELD = {kind.key: kind.lens_column for kind in KINDS.values()}
FILE_FIELD = KIND_OF_LENS_COLUMN
ALL_VALUE_FIELDS = frozenset(LENS_FIELDS)

Key = tuple[int, str, str, float]
# The file says nothing about the lens's image (no such column, or a JSON object without the key).
NO_IMAGE_GIVEN: Any = object()
# The file says nothing about the lens's shapes (no such column, or a JSON object without the key).
NO_SIGN_GIVEN: Any = object()
SIGN_CACHE = 4096  # distinct Symboles cells remembered at most


def lens_key(values: LensValues, columns: dict[str, Any]) -> Key:
    """What makes two lenses the same lens: supplier, folded name and variant, index
    (``columns``: the lens's columns, with their folded copies)."""
    return (values.fournisseur_id, columns["tri_nom"], columns["tri_variante"] or "", values.indice)


@dataclass
class _Candidate:
    line: int
    values: LensValues
    present: frozenset[str]
    key: Key
    columns: dict[str, Any]
    image: Any  # a placeholder id, None (no image), or NO_IMAGE_GIVEN
    sign: Any = NO_SIGN_GIVEN  # the shape keys (a tuple, maybe empty), or NO_SIGN_GIVEN


_EXISTING_COLUMNS = (
    Verre.id,
    Verre.version,
    Verre.tri_nom,
    Verre.tri_variante,
    *(getattr(Verre, name) for name in LENS_FIELDS),
    Verre.image_id,
)


class Scan:
    """One reading of the file: counts, problems, planned references, and the spill."""

    def __init__(
        self, session: Session, table: Table, *, update: bool, spill: SpillWriter | None, folder: Path
    ) -> None:
        self.session = session
        self.table = table
        self.header = table.header
        self.unit = table.unit
        self.update = update
        self.spill = spill
        self.refs = ReferenceResolver(session)
        self.present = frozenset(VALUE_FIELD.get(f, f) for f in table.header.labels)
        self._present_sets: dict[tuple[str, ...], frozenset[str]] = {}
        # Image paths are relative to ``folder`` (the file's); any JSON object may name one.
        self.images: ImageFiles | None = None
        if IMAGE_FIELD in table.header.labels or table.format == "json":
            self.images = ImageFiles(session, folder)
        # Shapes: checked against the catalogue's vocabulary (an admin's shapes included).
        self.signs = SYMBOLS_FIELD in table.header.labels or table.format == "json"
        self.known_shapes = shapes(session) if self.signs else ()
        self._sign_cells: dict[object, tuple[tuple[str, ...], str | None]] = {}
        self.seen: dict[bytes, int] = {}
        self.pending: list[_Candidate] = []
        self.with_lenses = set(session.execute(select(Verre.fournisseur_id).distinct()).scalars())
        self.rows = self.new = self.updated = self.duplicate = self.refused = 0
        self.problems: list[ImportProblem] = []
        self.more_problems = 0
        self.duplicates: list[ImportProblem] = []
        self.more_duplicates = 0
        self._said: tuple[int, set[tuple[str, str]]] = (0, set())

    # -- reporting

    def _problem(self, line: int, file_field: str, message: str, kind: str = INVALID) -> None:
        said_line, said = self._said
        if said_line != line:
            said = set()
            self._said = (line, said)
        if (file_field, message) in said:
            return  # the same row said it already (one lens per listed index)
        said.add((file_field, message))
        if len(self.problems) < PROBLEM_LIMIT:
            column = self.header.label(file_field) if file_field else ""
            self.problems.append(ImportProblem(line, column, message, self.unit, kind))
        else:
            self.more_problems += 1

    def _duplicate(self, line: int, message: str) -> None:
        self.duplicate += 1
        if len(self.duplicates) < PROBLEM_LIMIT:
            self.duplicates.append(ImportProblem(line, "", message, self.unit, "doublon"))
        else:
            self.more_duplicates += 1

    def report(self, path: Path, dry_run: bool) -> ImportReport:
        return ImportReport(
            path=str(path),
            format=self.table.format,
            rows=self.rows,
            new=self.new,
            updated=self.updated,
            duplicate=self.duplicate,
            refused=self.refused,
            # Lookups in the catalogue run by batches: put what they found back in file order.
            problems=tuple(sorted(self.problems, key=_line)),
            more_problems=self.more_problems,
            duplicates=tuple(sorted(self.duplicates, key=_line)),
            more_duplicates=self.more_duplicates,
            new_references=self.refs.new_references,
            ignored_columns=self.header.ignored,
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
        self._flush()
        progress.fraction(1.0)

    def _references(self, values: dict[str, object], problems: list[tuple[str, str]]) -> dict[str, int | None]:
        resolve = self.refs.resolve
        supplier, message = resolve("fournisseur", values.get("fournisseur"), 0)
        if message:
            problems.append(("fournisseur", message))
        elif supplier is None:
            problems.append(("fournisseur", "Le fournisseur est obligatoire."))
        range_id = series_id = None
        if supplier is not None:
            range_id, message = resolve("gamme", values.get("gamme"), supplier)
            if message:
                problems.append(("gamme", message))
        series_raw = values.get("serie")
        if range_id is not None:
            series_id, message = resolve("serie", series_raw, range_id)
            if message:
                problems.append(("serie", message))
        elif supplier is not None and series_raw is not None and str(series_raw).strip():
            problems.append(("gamme", "Indiquez la gamme de cette série."))
        material, message = resolve("materiau", values.get("materiau"), 0)
        if message:
            problems.append(("materiau", message))
        return {
            "fournisseur_id": supplier,
            "gamme_id": range_id,
            "serie_id": series_id,
            "materiau_id": material,
        }

    def _row(self, row: SourceRow) -> None:
        values = row.values
        problems = list(row.problems)
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
        if self.signs and SYMBOLS_FIELD in values:
            sign, message = self._sign(values[SYMBOLS_FIELD])
            if message:
                problems.append((SYMBOLS_FIELD, message))
        tokens = split_indices(values.get("indice"))
        for token in tokens:
            self._lens(row.line, raw, token, len(tokens) > 1, problems, present, image, sign)

    def _sign(self, cell: object) -> tuple[tuple[str, ...], str | None]:
        """The shape keys a ``Symboles`` cell names (in vocabulary order), and the French
        message for an unknown name (with the closest known names). A file repeats few
        distinct cells: each is checked once."""
        names = symbol_names(cell)
        key = tuple(names)
        known = self._sign_cells.get(key)
        if known is None:
            if len(self._sign_cells) >= SIGN_CACHE:
                self._sign_cells.clear()
            known = self._sign_cells[key] = symbol_problem(names, self.known_shapes)
        return known

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
        sign: Any = NO_SIGN_GIVEN,
    ) -> None:
        if listed and not str(token).strip():
            self.refused += 1
            self._problem(line, "indice", "Liste d'indices mal formée (un indice est vide).")
            return
        raw["indice"] = token
        values, report = validate_lens(raw)
        found = list(problems)
        for name, message in report.errors.items():
            if name == "fournisseur_id" and problems:
                continue  # the reference problems already say why
            if listed and name == "indice":
                message = f"« {str(token).strip()} » : {message}"
            found.append((FILE_FIELD.get(name, name), message))
        if found or values is None:
            self.refused += 1
            for file_field, message in found:
                self._problem(line, file_field, message)
            return
        self._candidate(line, values, present, image, sign)

    # -- classifying

    def _candidate(
        self, line: int, values: LensValues, present: frozenset[str], image: Any,
        sign: Any = NO_SIGN_GIVEN,
    ) -> None:
        columns = lens_columns(values)
        key = lens_key(values, columns)
        identity = hashlib.blake2b(repr(key).encode(), digest_size=16).digest()
        # Told apart only among lenses of the same identity, within this one reading: Python's
        # own 64-bit hash of the values (strings hashed with a per-process key) does it as well
        # as 8 bytes of blake2b, without writing the values out as text first.
        content = hash(tuple(values.__dict__.values()))
        if self.images is not None:
            # Every lens of the spill has the column: the image it gets when inserted.
            columns["image_id"] = image if image is not NO_IMAGE_GIVEN else None
            content = hash((content, columns["image_id"]))
        if self.signs:
            # Every lens of the spill has the column: its shapes, or NULL when not given.
            columns[SIGN_COLUMN] = sign_text(sign)
            content = hash((content, columns[SIGN_COLUMN]))
        content &= 0xFFFFFFFFFFFFFFFF
        earlier = self.seen.get(identity)
        if earlier is not None:
            first_line = earlier & 0xFFFFFFFF
            if earlier >> 32 == content:
                self._duplicate(line, f"doublon de la {self.unit} {first_line}, ignoré.")
            else:
                self.refused += 1
                self._problem(
                    line,
                    "",
                    f"même verre (fournisseur, nom, variante, indice) que la {self.unit} "
                    f"{first_line}, mais avec d'autres valeurs : gardez-en un seul.",
                    CONFLICT,
                )
            return
        self.seen[identity] = (content << 32) | line
        self.pending.append(_Candidate(line, values, present, key, columns, image, sign))
        if len(self.pending) >= LOOKUP_BATCH:
            self._flush()

    def _flush(self) -> None:
        pending, self.pending = self.pending, []
        found = self._existing(pending)
        signs: dict[int, tuple[str, ...]] = {}
        if found and any(c.sign is not NO_SIGN_GIVEN for c in pending):
            signs = lens_symbols(self.session, sorted({row.id for row in found.values()}))
        for candidate in pending:
            existing = found.get(candidate.key)
            if existing is None:
                self.new += 1
                if self.images is not None:
                    self.images.use(candidate.columns["image_id"])
                if self.spill is not None and not self.refused:
                    self.spill.add(INSERT, 0, 0, None, candidate.columns)
            else:
                self._against(candidate, existing, signs.get(existing.id, ()))

    def _existing(self, pending: list[_Candidate]) -> dict[Key, Any]:
        wanted = [
            c for c in pending
            if c.key[0] in self.with_lenses and not self.refs.is_placeholder(c.key[0])
        ]
        if not wanted:
            return {}
        return existing_lenses(self.session, {c.key[0] for c in wanted}, {c.key[1] for c in wanted})

    def _against(self, candidate: _Candidate, existing: Any, existing_sign: tuple[str, ...] = ()) -> None:
        """A lens with the same identity is in the catalogue: duplicate, update or refusal
        (``existing_sign``: its shapes, read when the file gives the lens's)."""
        before = LensValues(**{name: getattr(existing, name) for name in LENS_FIELDS})
        before = replace(before, indice=round(float(before.indice), 3))
        merged = self._merged(candidate, before, existing.id)
        if merged is None:
            return
        image = existing.image_id  # kept unless the file gives one (or an empty cell)
        same_image = True
        if candidate.image is not NO_IMAGE_GIVEN:
            assert self.images is not None
            image = candidate.image
            same_image = self.images.same(image, existing.image_id)
        sign = existing_sign if candidate.sign is NO_SIGN_GIVEN else candidate.sign
        same_sign = sign == existing_sign
        if merged == before and same_image and same_sign:
            self._duplicate(candidate.line, f"identique au verre n° {existing.id} du catalogue, ignoré.")
        elif not self.update:
            self.refused += 1
            other = (
                "d'autres valeurs" if merged != before
                else "une autre image de gravure" if not same_image
                else "d'autres symboles"
            )
            self._problem(
                candidate.line,
                "",
                f"« {merged.nom} » (indice {index_text(merged.indice)}) existe déjà "
                f"(verre n° {existing.id}) avec {other}, utilisez --update pour le mettre à jour.",
                EXISTS,
            )
        else:
            self.updated += 1
            if self.images is not None:
                self.images.use(image)
            if self.spill is not None and not self.refused:
                columns = lens_columns(merged)
                if self.images is not None:
                    columns["image_id"] = image
                if self.signs:
                    columns[SIGN_COLUMN] = sign_text(candidate.sign)
                # The shapes before, for the audit entry, when the file gives them (else None).
                sign_before = None if candidate.sign is NO_SIGN_GIVEN else list(existing_sign)
                before_row = (
                    *(getattr(before, name) for name in LENS_FIELDS), existing.image_id, sign_before,
                )
                self.spill.add(UPDATE, existing.id, existing.version, before_row, columns)

    def _merged(self, candidate: _Candidate, before: LensValues, lens_id: int) -> LensValues | None:
        """The file's values over the catalogue's: columns the file lacks keep their value."""
        if candidate.present >= ALL_VALUE_FIELDS:
            return candidate.values
        raw: dict[str, object] = {
            name: getattr(candidate.values if name in candidate.present else before, name)
            for name in LENS_FIELDS
        }
        if "gamme_id" in candidate.present and "serie_id" not in candidate.present:
            # The kept series must still belong to the range the file gives.
            raw["serie_id"] = before.serie_id if raw["gamme_id"] == before.gamme_id else None
        merged, report = validate_lens(raw)
        if merged is None:
            self.refused += 1
            for name, message in report.errors.items():
                self._problem(
                    candidate.line,
                    FILE_FIELD.get(name, name),
                    f"{message.rstrip('.')} (avec les autres valeurs du verre n° {lens_id} "
                    "du catalogue).",
                )
        return merged


def existing_lenses(session: Session, suppliers: set[int], names: set[str]) -> dict[Key, Any]:
    """Catalogue lenses of these suppliers and folded names, by identity (lowest id wins)."""
    stmt = (
        select(*_EXISTING_COLUMNS)
        .where(Verre.fournisseur_id.in_(suppliers), Verre.tri_nom.in_(names))
        .order_by(Verre.id)
    )
    found: dict[Key, Any] = {}
    for row in session.execute(stmt):
        key = (row.fournisseur_id, row.tri_nom, row.tri_variante or "", round(row.indice, 3))
        found.setdefault(key, row)
    return found


def sign_text(sign: Any) -> str | None:
    """A lens's shapes as the spill keeps them: a JSON list of keys, None when not given."""
    return None if sign is NO_SIGN_GIVEN else json.dumps(list(sign))


def _line(problem: ImportProblem) -> int:
    return problem.line


index_text = formatting.index
