"""Classifying the lenses of an import file, once read and validated (``data.transfer.scan``):
new, update, duplicate, or refused because two lines disagree.

Only compact keys stay in memory (a 16-byte identity and an 8-byte fingerprint per lens, to spot
a lens repeated inside the file); lenses are looked up in the catalogue by batches. When the
import is meant to be written, each lens to insert or update goes to a ``SpillWriter``.

**Identity**: see ``data.transfer.identity``. Two lines giving the same lens with other values
are both refused: neither is known to be the right one.
"""

from __future__ import annotations

import hashlib
from array import array
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from data import formatting
from data.catalogue import lens_columns  # the folded columns, computed in one place
from data.catalogue.symbols import lens_symbols
from data.kinds import KIND_OF_LENS_COLUMN
from data.models import Verre
from data.transfer.columns import IMAGE_FIELD, SYMBOLS_FIELD
from data.transfer.findings import Findings
from data.transfer.identity import BaseKey, Key, catalogue_match, existing_lenses, lens_key
from data.transfer.images import ImageFiles
from data.transfer.references import ReferenceResolver
from data.transfer.report import CONFLICT, EXISTS
from data.transfer.signs import NO_SIGN_GIVEN, SignCells, sign_text
from data.transfer.spill import INSERT, SIGN_COLUMN, UPDATE, SpillWriter
from data.validation import LENS_FIELDS, LensValues, validate_lens

LOOKUP_BATCH = 500

# A lens field -> the file field it comes from.
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


class Classifier:
    """Each valid lens against the lenses seen before in the file, then, by batches, against
    the catalogue; what it finds goes to ``found``, what to write to ``spill``."""

    def __init__(
        self, session: Session, found: Findings, refs: ReferenceResolver, *, update: bool,
        spill: SpillWriter | None, valid_only: bool, images: ImageFiles | None,
        signs: SignCells | None,
    ) -> None:
        self.session = session
        self.found = found
        self.refs = refs
        self.update = update
        self.spill = spill
        self.valid_only = valid_only
        self.images = images
        self.signs = signs
        self.print_fields = (
            *LENS_FIELDS,
            *(("image_id",) if images is not None else ()),
            *((SIGN_COLUMN,) if signs is not None else ()),
        )
        # identity -> n, the n-th lens seen: its line in ``first_lines``, and in ``prints`` one
        # hash per field (Python's own, 8 bytes each, in one flat array): told apart only
        # among lenses of the same identity within this one reading, and naming the fields
        # that differ when two lines disagree.
        self.seen: dict[bytes, int] = {}
        self.first_lines = array("I")
        self.prints = array("q")
        self.pending: list[_Candidate] = []
        self.with_lenses = set(session.execute(select(Verre.fournisseur_id).distinct()).scalars())

    def add(self, line: int, values: LensValues, present: frozenset[str], image: Any, sign: Any) -> None:
        """A valid lens of ``line`` (``present``: the fields the file gives it)."""
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
                    self.found.copies[line] = first_line
                self.found.add_duplicate(line, f"doublon de la {self.found.unit} {first_line}, ignoré.")
            else:
                self._conflict(line, first_line, first, prints)
            return
        self.seen[identity] = len(self.first_lines)
        self.first_lines.append(line)
        self.prints.extend(prints)
        self.pending.append(_Candidate(line, values, present, key, columns, image, sign))
        if len(self.pending) >= LOOKUP_BATCH:
            self.flush()

    def _conflict(self, line: int, first_line: int, first: array[int], other: array[int]) -> None:
        """The same lens on two lines with other values: both lines refused, the fields named."""
        differ: list[str] = []
        for position, name in enumerate(self.print_fields):
            if first[position] != other[position]:
                label = self._column_of(_FIELD_OF_VALUE[name])
                if label not in differ:
                    differ.append(label)
        named = ", ".join(differ) or "valeurs"
        self.found.refused += 1
        self.found.add_problem(
            line,
            "",
            f"même verre (fournisseur, nom, variante, indice, matériau, gravure) que la {self.found.unit} "
            f"{first_line}, mais {named} diffère{'nt' if len(differ) > 1 else ''} : gardez-en un seul.",
            CONFLICT,
        )
        if first_line not in self.found.reasons:
            self.found.refused += 1
            self.found.add_reason(
                first_line, "", f"même verre que la {self.found.unit} {line}, mais {named} diffère"
                f"{'nt' if len(differ) > 1 else ''} : gardez-en un seul."
            )

    def _column_of(self, file_field: str) -> str:
        """The column a field comes from: one height column gives both heights."""
        labels = self.found.header.labels
        if file_field == "hauteur_max" and file_field not in labels and "hauteur_min" in labels:
            file_field = "hauteur_min"
        return self.found.header.label(file_field)

    def _spilling(self) -> bool:
        return self.spill is not None and (self.valid_only or not self.found.refused)

    def flush(self) -> None:
        """The lenses waiting for a look-up, against the catalogue (one batch)."""
        pending, self.pending = self.pending, []
        known = self._existing(pending)
        matches = [catalogue_match(known, candidate.key) for candidate in pending]
        signs: dict[int, tuple[str, ...]] = {}  # the catalogue's shapes, when the file gives some
        if any(m is not None and c.sign is not NO_SIGN_GIVEN for c, m in zip(pending, matches, strict=True)):
            signs = lens_symbols(self.session, sorted({m.id for m in matches if m is not None}))
        for candidate, existing in zip(pending, matches, strict=True):
            if existing is None:
                self.found.new_lines.append(candidate.line)
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
            self.found.add_duplicate(candidate.line, f"identique au verre n° {existing.id} du catalogue, ignoré.")
        elif not self.update:
            self.found.refused += 1
            other = (
                "d'autres valeurs" if merged != before
                else "une autre image de gravure" if not same_image
                else "d'autres symboles"
            )
            self.found.add_problem(
                candidate.line,
                "",
                f"« {merged.nom} » (indice {formatting.index(merged.indice)}) existe déjà "
                f"(verre n° {existing.id}) avec {other}, utilisez --update pour le mettre à jour.",
                EXISTS,
            )
        else:
            self.found.updated_lines.append(candidate.line)
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
            self.found.refused += 1
            for name, message in report.errors.items():
                self.found.add_problem(
                    candidate.line,
                    FILE_FIELD.get(name, name),
                    f"{message.rstrip('.')} (avec les autres valeurs du verre n° {lens_id} "
                    "du catalogue).",
                )
        return merged
