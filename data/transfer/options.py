"""What the person says about a file before it is read again: columns, swaps, references.

- ``columns``: header as the file writes it -> field (``"nom_du_verre" -> "nom"``), or ``""`` to
  ignore the column; it wins over the recognised synonyms (``--column``, the preview's lists).
- ``swap``: lines whose index holds a material word and whose material holds a number are read
  the other way round (the preview's « Inverser indice et matériau »).
- ``aliases``: (kind, folded name as the file writes it) -> the name of the existing reference to
  use instead of creating a new one (« ESSILOR FR » -> « Essilor »).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from data.transfer.columns import FIELD_NAMES, IMAGE_FIELD, header_key

IGNORE = ""  # a column named to be ignored


@dataclass(frozen=True)
class ImportOptions:
    columns: Mapping[str, str] = field(default_factory=dict)
    swap: bool = False
    aliases: Mapping[tuple[str, str], str] = field(default_factory=dict)


# What a person may type after ``=`` in ``--column``: a field's key or its French name.
_FIELD_WORDS = {
    **{header_key(key): key for key in FIELD_NAMES},
    **{header_key(name): key for key, name in FIELD_NAMES.items()},
    "ignorer": IGNORE, "ignore": IGNORE, "aucun": IGNORE,
    "image": IMAGE_FIELD,
}


def parse_columns(pairs: Iterable[str]) -> dict[str, str]:
    """``["nom_du_verre=nom", "code=ignorer"]`` -> ``{"nom_du_verre": "nom", "code": ""}``;
    raises ``ValueError`` with a French message on a pair it cannot read."""
    columns: dict[str, str] = {}
    for pair in pairs:
        header, sep, target = pair.partition("=")
        if not sep or not header.strip():
            raise ValueError(f"« {pair} » : écrivez EN-TÊTE=CHAMP, par exemple nom_du_verre=nom.")
        key = header_key(target)
        if key not in _FIELD_WORDS:
            known = ", ".join(sorted(FIELD_NAMES))
            raise ValueError(f"« {target.strip()} » n'est pas un champ : {known}, ou ignorer.")
        columns[header.strip()] = _FIELD_WORDS[key]
    return columns


_KIND_WORDS = {"fournisseur": "fournisseur", "supplier": "fournisseur", "gamme": "gamme", "range": "gamme",
               "serie": "serie", "series": "serie", "materiau": "materiau", "material": "materiau"}


def parse_aliases(pairs: Iterable[str]) -> dict[tuple[str, str], str]:
    """``["fournisseur:ESSILOR FR=Essilor"]`` -> ``{("fournisseur", "ESSILOR FR"): "Essilor"}``;
    raises ``ValueError`` with a French message on a pair it cannot read."""
    aliases: dict[tuple[str, str], str] = {}
    for pair in pairs:
        kind, sep, rest = pair.partition(":")
        name, sep2, target = rest.partition("=")
        kind_key = _KIND_WORDS.get(header_key(kind))
        if not sep or not sep2 or kind_key is None or not name.strip() or not target.strip():
            raise ValueError(
                f"« {pair} » : écrivez TYPE:NOM=EXISTANT, par exemple fournisseur:ESSILOR FR=Essilor "
                "(types : fournisseur, gamme, serie, materiau)."
            )
        aliases[(kind_key, name.strip())] = target.strip()
    return aliases
