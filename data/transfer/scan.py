"""Pass 1 of an import: read every row, validate it, classify every lens (see ``importer``).

Only compact keys stay in memory (a 16-byte identity and an 8-byte fingerprint per lens, to spot
a lens repeated inside the file); lenses are looked up in the catalogue by batches. When the
import is meant to be written, each lens to insert or update goes to a ``SpillWriter``.

Engraving images (``IMAGE_FIELD``, a path to an image file) are checked once per path by
``ImageFiles`` and carried as placeholder ids; a CSV or XLSX file without that column does no
image work at all. A JSON object may leave the key out: like any other key, its lens then keeps
its image on update.

The shapes of a lens's sign (``SYMBOLS_FIELD``) are checked and carried by ``signs.SignCells``:
like an image, a file without the column, or a JSON object without the key, leaves an updated
lens's shapes as they are; an empty cell removes them.

**Identity**: see ``data.transfer.identity``.

**Refused lines.** Every refused line keeps its reasons (``reasons``: line -> « Colonne :
message »), not only the first ``PROBLEM_LIMIT`` problems listed: a rejects file gives each
refused line its « Motif ». A line is refused as a whole: when one of the indices it lists is
refused, or when it conflicts with another line (both are refused: neither is known to be the
right one), none of its lenses is written, also with ``valid_only`` (the spill drops what it
already holds of such lines, see ``SpillWriter.finish``).
"""

from __future__ import annotations

import hashlib
from array import array
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from data import formatting
from data.catalogue import lens_columns  # the folded columns, computed in one place
from data.catalogue.symbols import lens_symbols
from data.kinds import KIND_OF_LENS_COLUMN, KINDS
from data.models import Verre
from data.progress import Cancel, Steps, check_cancel
from data.transfer.columns import IMAGE_FIELD, SYMBOLS_FIELD, split_indices
from data.transfer.identity import BaseKey, Key, catalogue_match, existing_lenses, lens_key
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
from data.transfer.report import (
    CONFLICT,
    EXISTS,
    INVALID,
    PROBLEM_LIMIT,
    SWAP,
    ImportProblem,
    ImportReport,
)
from data.transfer.signs import NO_SIGN_GIVEN, SignCells, sign_text
from data.transfer.spill import INSERT, SIGN_COLUMN, UPDATE, SpillWriter
from data.validation import LENS_FIELDS, LensValues, validate_lens

LOOKUP_BATCH = 500
CHECK_EVERY = 256  # rows between two looks at the cancel flag
PRESENT_SETS = 64  # sets of JSON keys remembered at most

# A file field -> the LensValues field it feeds, and back.
VALUE_FIELD = {kind.key: kind.lens_column for kind in KINDS.values()}
FILE_FIELD = KIND_OF_LENS_COLUMN
ALL_VALUE_FIELDS = frozenset(LENS_FIELDS)

# The file says nothing about the lens's image (no such column, or a JSON object without the key).
NO_IMAGE_GIVEN: Any = object()


# The fields a conflict between two lines can name (the fingerprint: the lens's fields, then its
# image and its shapes when the file may give them).
_FIELD_OF_VALUE = {
    **{f: f for f in LENS_FIELDS}, **KIND_OF_LENS_COLUMN, "image_id": IMAGE_FIELD, SIGN_COLUMN: SYMBOLS_FIELD,
}


@dataclass
class _Candidate:
    line: int
    values: LensValues
    present: frozenset[str]
    key: Key
    columns: dict[str, Any]
    image: Any  # a placeholder id, None (no image), or NO_IMAGE_GIVEN
    sign: Any = NO_SIGN_GIVEN  # the shape keys (a tuple, maybe empty), or NO_SIGN_GIVEN


class Scan:
    """One reading of the file: counts, problems, planned references, and the spill."""

    def __init__(
        self, session: Session, table: Table, *, update: bool, spill: SpillWriter | None, folder: Path,
        valid_only: bool = False, swap: bool = False,
        aliases: Mapping[tuple[str, str], str] | None = None,
    ) -> None:
        self.session = session
        self.table = table
        self.header = table.header
        self.unit = table.unit
        self.update = update
        self.spill = spill
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
        self.print_fields = (
            *LENS_FIELDS,
            *(("image_id",) if self.images is not None else ()),
            *((SIGN_COLUMN,) if self.signs is not None else ()),
        )
        self.valid_only = valid_only
        self.swap = swap  # read an index and a material that look swapped the other way round
        # identity -> n, the n-th lens seen: its line in ``first_lines``, and in ``prints`` one
        # hash per field (Python's own, 8 bytes each, in one flat array): told apart only
        # among lenses of the same identity within this one reading, and naming the fields
        # that differ when two lines disagree.
        self.seen: dict[bytes, int] = {}
        self.first_lines = array("I")
        self.prints = array("q")
        self.reasons: dict[int, list[str]] = {}  # refused line -> its reasons
        self.new_lines = array("I")  # the line of each lens classified new, then updated
        self.updated_lines = array("I")
        self.copies: dict[int, int] = {}  # line repeating an earlier one -> that line
        self.swappable = self.swapped = 0
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
        column = self.header.label(file_field) if file_field else ""
        self._reason(line, column, message)
        if len(self.problems) < PROBLEM_LIMIT:
            self.problems.append(ImportProblem(line, column, message, self.unit, kind))
        else:
            self.more_problems += 1

    def _reason(self, line: int, column: str, message: str) -> None:
        self.reasons.setdefault(line, []).append(f"{column} : {message}" if column else message)

    def finish(self) -> None:
        """After the reading: lines repeating a refused line are refused too, and the counts
        leave out every lens of a refused line."""
        for line, first in self.copies.items():
            if first in self.reasons and line not in self.reasons:
                self.duplicate -= 1
                self.refused += 1
                self._reason(line, "", f"identique à la {self.unit} {first}, elle-même refusée.")
        if self.reasons:
            refused = self.reasons
            self.new = sum(1 for line in self.new_lines if line not in refused)
            self.updated = sum(1 for line in self.updated_lines if line not in refused)
        else:
            self.new, self.updated = len(self.new_lines), len(self.updated_lines)

    def rejects(self) -> dict[int, str]:
        """Refused line -> its « Motif » (every reason, in the order found)."""
        return {line: " ; ".join(reasons) for line, reasons in sorted(self.reasons.items())}

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
            refused_lines=len(self.reasons),
            swappable=self.swappable,
            swapped=self.swapped,
            # Lookups in the catalogue run by batches: put what they found back in file order.
            problems=tuple(sorted(self.problems, key=_line)),
            more_problems=self.more_problems,
            duplicates=tuple(sorted(self.duplicates, key=_line)),
            more_duplicates=self.more_duplicates,
            new_references=self.refs.new_references,
            mapped_references=tuple(self.refs.mapped),
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
                self.swappable += 1
                self.refused += 1
                self._problem(
                    row.line, "indice", swapped_problem(values.get("indice"), values.get("materiau")), SWAP
                )
                return
            self.swapped += 1
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
            self.refused += 1
            self._problem(line, "indice", "Liste d'indices mal formée (un indice est vide).")
            return
        raw["indice"] = token
        values, report = validate_lens(raw)
        found = list(problems)
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
            found.append((file_field, message))
        if found or values is None:
            self.refused += 1
            for file_field, message in found:
                self._problem(line, file_field, message)
            return
        self._candidate(line, values, present, image, sign)

    # -- classifying

    def _candidate(self, line: int, values: LensValues, present: frozenset[str], image: Any, sign: Any) -> None:
        columns = lens_columns(values)
        key = lens_key(values, columns)
        identity = hashlib.blake2b(repr(key).encode(), digest_size=16).digest()
        fields = tuple(values.__dict__.values())
        if self.images is not None:
            # Every lens of the spill has the column: the image it gets when inserted.
            columns["image_id"] = image if image is not NO_IMAGE_GIVEN else None
            fields = (*fields, columns["image_id"])
        if self.signs is not None:
            # Every lens of the spill has the column: its shapes, or NULL when not given.
            columns[SIGN_COLUMN] = sign_text(sign)
            fields = (*fields, columns[SIGN_COLUMN])
        prints = array("q", map(hash, fields))
        width = len(prints)
        earlier = self.seen.get(identity)
        if earlier is not None:
            first_line = self.first_lines[earlier]
            first = self.prints[earlier * width : (earlier + 1) * width]
            if first == prints:
                if first_line != line:
                    self.copies[line] = first_line
                self._duplicate(line, f"doublon de la {self.unit} {first_line}, ignoré.")
            else:
                self._conflict(line, first_line, first, prints)
            return
        self.seen[identity] = len(self.first_lines)
        self.first_lines.append(line)
        self.prints.extend(prints)
        self.pending.append(_Candidate(line, values, present, key, columns, image, sign))
        if len(self.pending) >= LOOKUP_BATCH:
            self._flush()

    def _conflict(self, line: int, first_line: int, first: array[int], other: array[int]) -> None:
        """The same lens on two lines with other values: both lines refused, the fields named."""
        differ: list[str] = []
        for position, name in enumerate(self.print_fields):
            if first[position] != other[position]:
                label = self._column_of(_FIELD_OF_VALUE[name])
                if label not in differ:
                    differ.append(label)
        named = ", ".join(differ) or "valeurs"
        self.refused += 1
        self._problem(
            line,
            "",
            f"même verre (fournisseur, nom, variante, indice, matériau, gravure) que la {self.unit} "
            f"{first_line}, mais {named} diffère{'nt' if len(differ) > 1 else ''} : gardez-en un seul.",
            CONFLICT,
        )
        if first_line not in self.reasons:
            self.refused += 1
            self._reason(
                first_line, "", f"même verre que la {self.unit} {line}, mais {named} diffère"
                f"{'nt' if len(differ) > 1 else ''} : gardez-en un seul."
            )

    def _column_of(self, file_field: str) -> str:
        """The column a field comes from: one height column gives both heights."""
        labels = self.header.labels
        if file_field == "hauteur_max" and file_field not in labels and "hauteur_min" in labels:
            file_field = "hauteur_min"
        return self.header.label(file_field)

    def _spilling(self) -> bool:
        return self.spill is not None and (self.valid_only or not self.refused)

    def _flush(self) -> None:
        pending, self.pending = self.pending, []
        found = self._existing(pending)
        matches = [catalogue_match(found, candidate.key) for candidate in pending]
        signs: dict[int, tuple[str, ...]] = {}  # the catalogue's shapes, when the file gives some
        if any(m is not None and c.sign is not NO_SIGN_GIVEN for c, m in zip(pending, matches, strict=True)):
            signs = lens_symbols(self.session, sorted({m.id for m in matches if m is not None}))
        for candidate, existing in zip(pending, matches, strict=True):
            if existing is None:
                self.new_lines.append(candidate.line)
                if self.images is not None:
                    self.images.use(candidate.columns["image_id"])
                if self._spilling():
                    assert self.spill is not None
                    self.spill.add(INSERT, 0, 0, None, candidate.columns, candidate.line)
            else:
                self._against(candidate, existing, signs.get(existing.id, ()))

    def _existing(self, pending: list[_Candidate]) -> dict[BaseKey, list[Any]]:
        wanted = [
            c for c in pending
            if c.key[0] in self.with_lenses and not self.refs.is_placeholder(c.key[0])
        ]
        if not wanted:
            return {}
        return existing_lenses(self.session, {c.key[0] for c in wanted}, {c.key[1] for c in wanted})

    def _against(self, candidate: _Candidate, existing: Any, existing_sign: tuple[str, ...]) -> None:
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
        given_sign = candidate.sign is not NO_SIGN_GIVEN
        same_sign = not given_sign or tuple(candidate.sign) == existing_sign
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
            self.updated_lines.append(candidate.line)
            if self.images is not None:
                self.images.use(image)
            if self._spilling():
                assert self.spill is not None
                columns = lens_columns(merged)
                if self.images is not None:
                    columns["image_id"] = image
                if self.signs is not None:
                    columns[SIGN_COLUMN] = sign_text(candidate.sign)
                # The shapes before, for the audit entry, when the file gives them (else None).
                before_row = (
                    *(getattr(before, name) for name in LENS_FIELDS), existing.image_id,
                    list(existing_sign) if given_sign else None,
                )
                self.spill.add(UPDATE, existing.id, existing.version, before_row, columns, candidate.line)

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


def _line(problem: ImportProblem) -> int:
    return problem.line


index_text = formatting.index
