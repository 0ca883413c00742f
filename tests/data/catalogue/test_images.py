"""Engraving images: stored once in the database, checked before they are kept."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from data import catalogue
from data.errors import (
    ValidationError,
)
from data.models import Verre
from tests.factories import lens_values, make_refs


def lens_count(db) -> int:
    with db.transaction() as s:
        return s.execute(select(func.count()).select_from(Verre)).scalar_one()


def test_images_are_stored_once_and_checked(db, tmp_path):
    from PIL import Image

    path = tmp_path / "g.png"
    Image.new("RGB", (8, 8), "white").save(path)
    content = path.read_bytes()
    refs = make_refs(db)
    a = catalogue.create_lens(db, lens_values(refs, nom="A"), image=content).lens_id
    b = catalogue.create_lens(db, lens_values(refs, nom="B"), image=content).lens_id
    image_a = catalogue.get_lens(db, a).image_id
    assert image_a is not None and image_a == catalogue.get_lens(db, b).image_id
    assert catalogue.get_image(db, image_a) == (content, "image/png")
    with pytest.raises(ValidationError) as info:
        catalogue.create_lens(db, lens_values(refs, nom="C"), image=b"\x89PNG\r\n\x1a\nnot really")
    assert "image" in info.value.report.errors
    assert lens_count(db) == 2
