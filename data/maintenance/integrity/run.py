"""Running the integrity check: every check in turn, with progress, on one connection."""

from __future__ import annotations

import logging
import time

import sqlalchemy as sa

from data.database import Database
from data.driver_errors import translate_errors
from data.maintenance.integrity.content import code_keys, folded_columns, images
from data.maintenance.integrity.engine import sqlite_foreign_keys, sqlite_structure
from data.maintenance.integrity.findings import (
    DAMAGED_FILE,
    Check,
    Context,
    Finding,
    IntegrityReport,
)
from data.maintenance.integrity.rules import (
    duplicates,
    heights,
    index_range,
    missing_references,
    near_references,
    references_agree,
)
from data.progress import Cancel, Progress, Steps

log = logging.getLogger("engravedetect.maintenance")

def check_integrity(
    db: Database,
    quick: bool = False,
    progress: Progress | None = None,
    cancel: Cancel | None = None,
) -> IntegrityReport:
    """Run every check; ``quick`` uses ``quick_check`` and skips decoding the images."""
    started = time.perf_counter()
    steps = Steps(progress, cancel)
    checks: list[Check] = []
    if db.is_sqlite:
        checks += [sqlite_structure, sqlite_foreign_keys]
    checks += [index_range, heights, references_agree, missing_references, duplicates,
               near_references, images, folded_columns, code_keys]
    context = Context(db.backend, quick, steps)
    findings: list[Finding] = []
    with translate_errors(), db.engine.connect() as conn:
        for number, check in enumerate(checks):
            steps.phase(number / len(checks), (number + 1) / len(checks))
            try:
                findings.extend(check(conn, context))
            except sa.exc.DatabaseError as exc:
                if not db.is_sqlite or "malformed" not in str(exc).lower():
                    raise
                # A damaged file: say so and go on with what can still be read.
                damaged = Finding("structure", None, None, DAMAGED_FILE)
                if damaged not in findings:
                    findings.append(damaged)
            steps.fraction(1.0)
            conn.rollback()
    steps.finish()
    report = IntegrityReport(findings, quick, time.perf_counter() - started)
    log.info("Vérification de la base : %d constat(s) en %.2f s", len(findings), report.duration_s)
    return report
