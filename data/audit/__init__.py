"""The audit trail (table ``historique``): recording, the SQLite bulk path, reading, display.

This package never imports ``data.catalogue`` (``tests/test_import_rules.py`` holds it): the
catalogue's writes call it, inside their own transactions. Restoring a deleted lens is a
catalogue write (``data.catalogue.restore_deleted``).
"""

from data.audit.bulk import record_lens_creations
from data.audit.display import (
    ACTION_LABELS,
    FIELD_LABELS,
    LENS_FIELD_ORDER,
    REFERENCE_NAME_OF_ID,
    TARGET_LABELS,
    FieldChange,
    HistoryEntry,
    format_value,
)
from data.audit.read import (
    DEFAULT_PAGE,
    DeletedLens,
    authors,
    catalogue_history,
    count_history,
    deleted_lenses,
    deletion_entry,
    last_deletion_id,
    lens_history,
    restored_as,
    target_history,
)
from data.audit.record import (
    AUTHOR_MAX,
    CREATION,
    FUSION,
    IMPORT,
    LABEL_MAX,
    MODIFICATION,
    RENOMMAGE,
    RESTAURATION,
    SUPPRESSION,
    Change,
    EncodedChange,
    diff,
    encode_change,
    from_json,
    lens_label,
    local_author,
    record,
    record_encoded,
    record_import,
    record_many,
    server_user,
    to_json,
    who,
)

__all__ = [
    "ACTION_LABELS", "AUTHOR_MAX", "CREATION", "DEFAULT_PAGE", "FIELD_LABELS", "FUSION", "IMPORT",
    "LABEL_MAX", "LENS_FIELD_ORDER", "MODIFICATION", "REFERENCE_NAME_OF_ID", "RENOMMAGE",
    "RESTAURATION", "SUPPRESSION", "TARGET_LABELS", "Change", "DeletedLens", "EncodedChange",
    "FieldChange", "HistoryEntry", "authors", "catalogue_history", "count_history",
    "deleted_lenses", "deletion_entry", "diff", "encode_change", "format_value", "from_json",
    "last_deletion_id", "lens_history", "lens_label", "local_author", "record", "record_encoded",
    "record_import", "record_lens_creations", "record_many", "restored_as", "server_user",
    "target_history", "to_json", "who",
]
