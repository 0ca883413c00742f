from datetime import timedelta

import pytest

from data import admin
from data.errors import CatalogueError, ValidationError
from data.models import Parametre


def test_first_unlock_sets_the_password_then_checks_it(db):
    assert not admin.has_password(db)
    assert admin.unlock(db, "secret1")
    assert admin.has_password(db)
    assert admin.unlock(db, "secret1")
    assert not admin.unlock(db, "wrong-1")


def test_hash_is_salted_and_slow_scheme(db):
    admin.set_password(db, "secret1")
    with db.transaction() as s:
        stored = s.get(Parametre, admin.PASSWORD_KEY).valeur
    assert stored.startswith("scrypt$") and "secret1" not in stored
    assert admin.hash_password("secret1") != admin.hash_password("secret1")


def test_short_password_refused(db):
    with pytest.raises(ValidationError):
        admin.set_password(db, "abc")
    assert not admin.has_password(db)


def test_repeated_failures_slow_down(db, monkeypatch):
    admin.set_password(db, "secret1")
    for _ in range(admin.FREE_ATTEMPTS):
        assert not admin.verify_password(db, "nope-nope")
    with pytest.raises(admin.AdminLockedError) as info:
        admin.verify_password(db, "secret1")
    assert info.value.wait_s >= 1
    # Once the delay has passed, the right password works again and resets the counter.
    later = admin.utcnow() + timedelta(seconds=admin.MAX_DELAY_S + 1)
    monkeypatch.setattr(admin, "utcnow", lambda: later)
    assert admin.verify_password(db, "secret1")
    with db.transaction() as s:
        assert s.get(Parametre, admin.FAILURES_KEY).valeur.startswith("0|")


def test_changing_password_needs_the_current_one(db):
    admin.set_password(db, "secret1")
    with pytest.raises(CatalogueError, match="actuel est incorrect"):
        admin.set_password(db, "secret2", current="bad-one")
    admin.set_password(db, "secret2", current="secret1")
    assert admin.verify_password(db, "secret2")


def test_changing_the_password_needs_the_current_one(db):
    admin.set_password(db, "secret1")
    with pytest.raises(CatalogueError, match="actuel est incorrect"):
        admin.change_password(db, "wrong-1", "nouveau1")
    with pytest.raises(ValidationError):
        admin.change_password(db, "secret1", "abc")
    admin.change_password(db, "secret1", "nouveau1")
    assert admin.verify_password(db, "nouveau1")
    assert not admin.verify_password(db, "secret1")
