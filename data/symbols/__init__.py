"""The shapes of nasal signs: vocabulary, drawings and the sketch recogniser. No database, no Qt.

- :mod:`data.symbols.vocabulary`: the shapes (:class:`Shape`), found by key or typed name.
- :mod:`data.symbols.drawing`: a shape's path read into strokes; a standalone SVG.
- :mod:`data.symbols.sketch`: the shapes a drawing on the pad looks like (:func:`propose`).
- :mod:`data.symbols.traced`: a drawing made on a pad written as a path (an admin's new shape).
"""

from data.symbols.drawing import PathError, check_path, strokes, svg_document
from data.symbols.sketch import propose
from data.symbols.traced import path_from_strokes
from data.symbols.vocabulary import (
    GROUPS,
    SHAPES,
    Shape,
    by_key,
    closest_names,
    find_by_name,
    key_from_label,
    name_key,
)

__all__ = [
    "GROUPS",
    "SHAPES",
    "PathError",
    "Shape",
    "by_key",
    "check_path",
    "closest_names",
    "find_by_name",
    "key_from_label",
    "name_key",
    "path_from_strokes",
    "propose",
    "strokes",
    "svg_document",
]
