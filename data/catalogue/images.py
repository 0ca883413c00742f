"""Engraving images stored in the database: checked (a real decode), deduplicated by SHA-256."""

from __future__ import annotations

import hashlib
import io

from sqlalchemy import select
from sqlalchemy.orm import Session

from data.errors import ValidationError
from data.models import ImageGravure
from data.validation import ValidationReport, check_image_bytes


def decode_check_image(content: bytes) -> tuple[str | None, str | None]:
    """Signature, size, and a real decode with Pillow: (mime, None) or (None, message)."""
    mime, problem = check_image_bytes(content)
    if problem:
        return None, problem
    try:
        from PIL import Image  # local: Pillow is only needed when images are written

        with Image.open(io.BytesIO(content)) as image:
            image.verify()
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

