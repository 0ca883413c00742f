"""The rules of an engraving image's bytes: PNG or JPEG, at most ``IMAGE_MAX_BYTES``."""

from __future__ import annotations

from data.validation.fields import format_decimal
from data.validation.values import IMAGE_MAX_BYTES


def check_image_bytes(content: bytes) -> tuple[str | None, str | None]:
    """Return (mime type, None) for a PNG/JPEG under 5 MB, else (None, French message).

    Only the signature and size are checked here (pure); the service also decodes it.
    """
    problem = image_size_problem(len(content))
    if problem:
        return None, problem
    if content.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png", None
    if content.startswith(b"\xff\xd8\xff"):
        return "image/jpeg", None
    return None, "Seules les images PNG ou JPEG sont acceptées."


def image_size_problem(size: int) -> str | None:
    """The size rule of an image alone: an import checks it before reading a file."""
    if size == 0:
        return "Le fichier image est vide."
    if size > IMAGE_MAX_BYTES:
        size_mb = format_decimal(size / 1024 / 1024, 1)
        return f"Image trop volumineuse ({size_mb} Mo) : 5 Mo au maximum."
    return None
