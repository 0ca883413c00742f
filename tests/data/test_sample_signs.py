"""The shipped sample's signs: a lens whose nasal engraving is a sign has no stored picture, so
the app draws its shapes and letters (a picture would show the letters alone); a plain code
keeps its drawing."""

from __future__ import annotations

from sqlalchemy import select

from data.catalogue.symbols import lens_symbols
from data.database import Database
from data.models import Verre
from data.sample import load_sample, sample_entries


def test_sign_lenses_of_the_sample_are_drawn_by_the_app(sqlite_db: Database) -> None:
    entries = sample_entries()
    signs = [e for e in entries if e.get("symboles")]
    assert signs and len(signs) < len(entries)  # both kinds are shown by the sample
    assert all(e.get("image") is None for e in signs)
    assert all(e.get("image") for e in entries if not e.get("symboles"))

    load_sample(sqlite_db)
    with sqlite_db.transaction() as session:
        rows = session.execute(select(Verre.id, Verre.image_id)).tuples().all()
        shapes = lens_symbols(session, [lens_id for lens_id, _image in rows])
    with_sign = {lens_id for lens_id, _image in rows if shapes.get(lens_id)}
    assert len(with_sign) == len(signs)
    for lens_id, image_id in rows:
        assert (image_id is None) == (lens_id in with_sign), lens_id
