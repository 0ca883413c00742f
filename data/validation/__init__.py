"""Pure validation rules for a lens, shared by the dialog (as the user types) and the service
(again before every write). The database CHECK/NOT NULL/FK constraints are the last line.

``validate_lens`` takes raw values as a form or a file gives them (strings with decimal commas,
numbers, None) and returns the cleaned values with a report of field -> French message.

- :mod:`data.validation.values`: the limits, the lens's fields and labels, ``LensValues``,
  ``ValidationReport``, ``ReferenceFacts``;
- :mod:`data.validation.fields`: one field at a time (numbers, names, texts, index, links, ids);
- :mod:`data.validation.heights`: fitting heights as guides write them;
- :mod:`data.validation.lens`: a whole lens (``validate_lens``);
- :mod:`data.validation.images`: an engraving image's bytes.
"""

from data.validation.fields import check_url, format_decimal, parse_decimal, validate_name
from data.validation.heights import HEIGHT_FORMS, HEIGHT_HELP, read_heights
from data.validation.images import check_image_bytes, image_size_problem
from data.validation.lens import validate_lens
from data.validation.values import (
    ENGRAVING_MAX,
    FIELD_LABELS,
    HEIGHT_MAX,
    HEIGHT_MIN,
    ID_MAX,
    IMAGE_MAX_BYTES,
    INDEX_MAX,
    INDEX_MIN,
    LENS_FIELDS,
    NAME_MAX,
    REFERENCE_NAME_MAX,
    URL_MAX,
    VARIANT_MAX,
    LensValues,
    ReferenceFacts,
    ValidationReport,
)

__all__ = [
    "ENGRAVING_MAX",
    "FIELD_LABELS",
    "HEIGHT_FORMS",
    "HEIGHT_HELP",
    "HEIGHT_MAX",
    "HEIGHT_MIN",
    "ID_MAX",
    "IMAGE_MAX_BYTES",
    "INDEX_MAX",
    "INDEX_MIN",
    "LENS_FIELDS",
    "NAME_MAX",
    "REFERENCE_NAME_MAX",
    "URL_MAX",
    "VARIANT_MAX",
    "LensValues",
    "ReferenceFacts",
    "ValidationReport",
    "check_image_bytes",
    "check_url",
    "format_decimal",
    "image_size_problem",
    "parse_decimal",
    "read_heights",
    "validate_lens",
    "validate_name",
]
