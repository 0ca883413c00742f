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


def _noisy_jpeg(tmp_path) -> bytes:
    import random

    from PIL import Image

    rng = random.Random(7)
    image = Image.new("RGB", (200, 200))
    image.putdata([(rng.randrange(256), rng.randrange(256), rng.randrange(256)) for _ in range(200 * 200)])
    path = tmp_path / "g.jpg"
    image.save(path, quality=90)
    return path.read_bytes()


def test_a_jpeg_cut_at_sixty_percent_is_refused_with_a_french_message(db, tmp_path):
    content = _noisy_jpeg(tmp_path)
    assert catalogue.decode_check_image(content) == ("image/jpeg", None)
    mime, problem = catalogue.decode_check_image(content[: len(content) * 6 // 10])
    assert mime is None and problem is not None and "incomplète" in problem
    refs = make_refs(db)
    with pytest.raises(ValidationError) as info:
        catalogue.create_lens(db, lens_values(refs, nom="C"), image=content[: len(content) * 6 // 10])
    assert "incomplète" in info.value.report.errors["image"]
    assert lens_count(db) == 0


def test_a_picture_of_too_many_pixels_is_refused_before_decoding(tmp_path):
    from PIL import Image

    path = tmp_path / "big.png"
    Image.new("1", (12_000, 12_000)).save(path)  # a few KB on disk, 144 million pixels
    mime, problem = catalogue.decode_check_image(path.read_bytes())
    assert mime is None and problem is not None and "pixels" in problem
