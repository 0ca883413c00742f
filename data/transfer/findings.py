"""What one reading of an import file found: its counts, the problems listed, and every refused
line's reasons.

**Refused lines.** Every refused line keeps its reasons (``reasons``: line -> « Colonne :
message »), not only the first ``PROBLEM_LIMIT`` problems listed: a rejects file gives each
refused line its « Motif ». A line is refused as a whole (see ``data.transfer.scan``): ``finish``
leaves every lens of a refused line out of the counts.
"""

from __future__ import annotations

from array import array

from data.transfer.columns import HeaderMap
from data.transfer.report import INVALID, PROBLEM_LIMIT, ImportProblem


class Findings:
    """Counts, problems and reasons, kept as the reading and the classification go."""

    def __init__(self, header: HeaderMap, unit: str) -> None:
        self.header = header
        self.unit = unit
        self.reasons: dict[int, list[str]] = {}  # refused line -> its reasons
        self.new_lines = array("I")  # the line of each lens classified new, then updated
        self.updated_lines = array("I")
        self.copies: dict[int, int] = {}  # line repeating an earlier one -> that line
        self.swappable = self.swapped = 0
        self.new = self.updated = self.duplicate = self.refused = 0
        self.problems: list[ImportProblem] = []
        self.more_problems = 0
        self.duplicates: list[ImportProblem] = []
        self.more_duplicates = 0
        self._said: tuple[int, set[tuple[str, str]]] = (0, set())

    def add_problem(self, line: int, file_field: str, message: str, kind: str = INVALID) -> None:
        said_line, said = self._said
        if said_line != line:
            said = set()
            self._said = (line, said)
        if (file_field, message) in said:
            return  # the same row said it already (one lens per listed index)
        said.add((file_field, message))
        column = self.header.label(file_field) if file_field else ""
        self.add_reason(line, column, message)
        if len(self.problems) < PROBLEM_LIMIT:
            self.problems.append(ImportProblem(line, column, message, self.unit, kind))
        else:
            self.more_problems += 1

    def add_reason(self, line: int, column: str, message: str) -> None:
        self.reasons.setdefault(line, []).append(f"{column} : {message}" if column else message)

    def finish(self) -> None:
        """After the reading: lines repeating a refused line are refused too, and the counts
        leave out every lens of a refused line."""
        for line, first in self.copies.items():
            if first in self.reasons and line not in self.reasons:
                self.duplicate -= 1
                self.refused += 1
                self.add_reason(line, "", f"identique à la {self.unit} {first}, elle-même refusée.")
        if self.reasons:
            refused = self.reasons
            self.new = sum(1 for line in self.new_lines if line not in refused)
            self.updated = sum(1 for line in self.updated_lines if line not in refused)
        else:
            self.new, self.updated = len(self.new_lines), len(self.updated_lines)

    def rejects(self) -> dict[int, str]:
        """Refused line -> its « Motif » (every reason, in the order found)."""
        return {line: " ; ".join(reasons) for line, reasons in sorted(self.reasons.items())}

    def add_duplicate(self, line: int, message: str) -> None:
        self.duplicate += 1
        if len(self.duplicates) < PROBLEM_LIMIT:
            self.duplicates.append(ImportProblem(line, "", message, self.unit, "doublon"))
        else:
            self.more_duplicates += 1
