"""Engraving images stored in the database: checked (a real decode), deduplicated by SHA-256."""

from __future__ import annotations

import hashlib
import io

from sqlalchemy import select
from sqlalchemy.orm import Session

from data.errors import ValidationError
from data.models import ImageGravure
from data.validation import ValidationReport, check_image_bytes

# A 5 MB picture of an engraving never needs more: beyond it, a small file that would unpack
# into gigabytes (a "decompression bomb") is refused before any pixel is decoded.
MAX_PIXELS = 40_000_000


def decode_check_image(content: bytes) -> tuple[str | None, str | None]:
    """Signature, size, and a full decode with Pillow: (mime, None) or (None, message).

    ``load()`` decodes every pixel, so a JPEG cut short (a copy that stopped half-way) is refused
    here instead of being stored and shown broken later; ``verify()`` would not notice it.
    """
    mime, problem = check_image_bytes(content)
    if problem:
        return None, problem
    from PIL import Image  # local: Pillow is only needed when images are written

    Image.MAX_IMAGE_PIXELS = MAX_PIXELS
    try:
        with Image.open(io.BytesIO(content)) as image:
            if image.width * image.height > MAX_PIXELS:
                return None, (
                    f"Image trop grande ({image.width} × {image.height} pixels) : "
                    f"{MAX_PIXELS // 1_000_000} millions de pixels au maximum."
                )
            image.load()
    except Image.DecompressionBombError:
        return None, f"Image trop grande : {MAX_PIXELS // 1_000_000} millions de pixels au maximum."
    except OSError as exc:
        if "truncated" in str(exc) or "broken data stream" in str(exc):
            return None, "L'image est incomplète ou abîmée : elle ne peut pas être lue en entier."
        return None, "Le fichier n'est pas une image PNG ou JPEG lisible."
    except Exception:  # noqa: BLE001 - any decoder failure means "not an image we accept"
        return None, "Le fichier n'est pas une image PNG ou JPEG lisible."
    return mime, None


def store_image(session: Session, content: bytes) -> int:
    """Store an engraving image once (deduplicated by SHA-256); return its id."""
    mime, problem = decode_check_image(content)
    if problem or mime is None:
        raise ValidationError(ValidationReport({"image": problem or "Image invalide."}))
    digest = hashlib.sha256(content).hexdigest()
    existing = session.execute(
        select(ImageGravure.id).where(ImageGravure.sha256 == digest)
    ).scalar_one_or_none()
    if existing is not None:
        return int(existing)
    image = ImageGravure(donnees=content, type_mime=mime, taille=len(content), sha256=digest)
    session.add(image)
    session.flush()
    return image.id

