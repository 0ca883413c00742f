"""The integrity check: the database engine's own checks, then the catalogue's rules.

The database enforces these rules itself (CHECK constraints, composite foreign keys), so a
violation can only come from outside the app: raw SQL, another tool, a damaged file. The check
therefore never trusts the constraints and asks plain SQL questions on every backend; each finding
names the lens (id and name) where there is one, so the report can select it in the table.

- :mod:`~data.maintenance.integrity.findings`: what a check reports;
- :mod:`~data.maintenance.integrity.engine`: SQLite's own checks (structure, foreign keys);
- :mod:`~data.maintenance.integrity.rules`: the catalogue's rules;
- :mod:`~data.maintenance.integrity.content`: images, derived columns and code keys;
- :mod:`~data.maintenance.integrity.run`: ``check_integrity``, every check in turn.
"""

from data.maintenance.integrity.findings import (
    KIND_TITLES,
    Finding,
    IntegrityReport,
    MergeOffer,
    ReferenceSide,
)
from data.maintenance.integrity.run import check_integrity

__all__ = ["KIND_TITLES", "Finding", "IntegrityReport", "MergeOffer", "ReferenceSide", "check_integrity"]
