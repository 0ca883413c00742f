"""The vocabulary of shapes grows: an admin adds one (a key, a French label, a drawing)."""

from __future__ import annotations

from data import audit as trail
from data.catalogue.checks import ensure_writable
from data.catalogue.symbols import KEY_PATTERN, shapes
from data.catalogue.values import Changes
from data.database import Database
from data.errors import ValidationError
from data.models import SYMBOL_KEY_MAX, Symbole
from data.symbols import GROUPS, PathError, check_path, find_by_name
from data.validation import ValidationReport


def create_symbol(
    db: Database, key: str, label: str, group: str, path: str, *, author: str | None = None
) -> Changes:
    """Add a shape to the vocabulary (admin): ``Changes(symbols=True)``.

    ``key``: lower-case letters and digits, words joined by ``_`` (at most 40 characters), not
    a key or a typed name of another shape; ``label``: its French name (not another shape's
    name either); ``group``: a palette group (:data:`data.symbols.GROUPS`, or another word);
    ``path``: its drawing, checked by :func:`data.symbols.check_path`. The entry is written to
    the history. Raises ``ValidationError`` (field -> French message) otherwise.
    """
    ensure_writable(db)
    report = ValidationReport()
    key = (key or "").strip()
    label = " ".join((label or "").split())
    group = " ".join((group or "").split()) or GROUPS[2]
    path = (path or "").strip()
    if not KEY_PATTERN.fullmatch(key) or len(key) > SYMBOL_KEY_MAX:
        report.add(
            "cle",
            "La clé s'écrit en minuscules sans accent, chiffres permis, mots reliés par « _ » "
            f"(au plus {SYMBOL_KEY_MAX} caractères), par exemple « e_etoile ».",
        )
    if not label:
        report.add("libelle", "Le libellé est obligatoire.")
    elif len(label) > 100:
        report.add("libelle", "Le libellé fait au plus 100 caractères.")
    if len(group) > 50:
        report.add("groupe", "Le groupe fait au plus 50 caractères.")
    try:
        check_path(path)
    except PathError as error:
        report.add("dessin", f"Le dessin n'est pas lisible : {error}")
    with db.transaction() as session:
        known = shapes(session)
        for field_name, name in (("cle", key), ("libelle", label)):
            taken = find_by_name(name, known) if name else None
            if taken is not None:
                report.add(field_name, f"« {name} » désigne déjà le symbole « {taken.label} ».")
        if not report.is_valid:
            raise ValidationError(report)
        added = Symbole(cle=key, libelle=label, groupe=group, dessin=path, integre=False)
        session.add(added)
        session.flush()
        state = {"cle": key, "libelle": label, "groupe": group, "dessin": path}
        trail.record(session, trail.CREATION, "symbole", added.id, label, None, state, author=author)
    return Changes(symbols=True)
