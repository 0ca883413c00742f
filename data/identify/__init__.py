"""Identifying a lens from what an optician reads on it. Pure Python: no database, no Qt.

- :mod:`data.identify.codes`: a code as read (:func:`compact`), the keys of an engraving
  (:func:`engraving_keys`), misread skeletons (:func:`skeleton`).
- :mod:`data.identify.matching`: one-edit neighbours for the database's lookup, and how a typed
  code matches one stored key (:func:`match_code`).
- :mod:`data.identify.words`: the search box read once into typed terms (:func:`parse`).
- :mod:`data.identify.ranking`: the candidates the database fetched, ranked with a reason
  (:func:`rank`).
"""

from data.identify.codes import (
    EngravingKey,
    compact,
    compact_variants,
    engraving_key_roles,
    engraving_keys,
    implied_index,
    skeleton,
)
from data.identify.matching import CodeMatch, Tier, faded_neighbours, match_code, neighbours
from data.identify.ranking import Candidate, Ranked, rank
from data.identify.words import (
    HeightTerm,
    IndexTerm,
    Kind,
    ParsedQuery,
    ReferenceTerm,
    SymbolTerm,
    Term,
    TextTerm,
    Vocabulary,
    parse,
)

__all__ = [
    "Candidate",
    "CodeMatch",
    "EngravingKey",
    "HeightTerm",
    "IndexTerm",
    "Kind",
    "ParsedQuery",
    "Ranked",
    "ReferenceTerm",
    "SymbolTerm",
    "Term",
    "TextTerm",
    "Tier",
    "Vocabulary",
    "compact",
    "compact_variants",
    "engraving_key_roles",
    "engraving_keys",
    "faded_neighbours",
    "implied_index",
    "match_code",
    "neighbours",
    "parse",
    "rank",
    "skeleton",
]
