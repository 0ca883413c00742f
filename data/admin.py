"""The admin password: one per catalogue, kept in the database so every PC sharing a server has it.

Admin mode prevents accidents, not attacks: anyone with write access to the database file or
server can change it. Shops sharing a server protect the catalogue with database roles.

The hash is scrypt with a random salt; comparison runs in constant time; the failure counter lives
in the database too, and after three failures each new attempt must wait (1, 2, 4 ... 60 s).
"""

from __future__ import annotations

import base64
import getpass
import hashlib
import hmac
import os
import secrets
import sys
from dataclasses import dataclass
from datetime import datetime, timedelta

from data.database import Database
from data.errors import CatalogueError, ValidationError
from data.models import Parametre, utcnow
from data.validation import ValidationReport

PASSWORD_KEY = "admin_mot_de_passe"
FAILURES_KEY = "admin_echecs"
ENV_PASSWORD = "ENGRAVEDETECT_ADMIN_PASSWORD"
MIN_LENGTH = 6
FREE_ATTEMPTS = 3
MAX_DELAY_S = 60
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 1


class AdminLockedError(CatalogueError):
    def __init__(self, wait_s: int) -> None:
        super().__init__(
            f"Trop d'essais de mot de passe manqués : réessayez dans {wait_s} s."
        )
        self.wait_s = wait_s


@dataclass(frozen=True)
class Failures:
    count: int = 0
    last: datetime | None = None

    def delay_s(self) -> int:
        if self.count < FREE_ATTEMPTS:
            return 0
        return min(MAX_DELAY_S, 2 ** (self.count - FREE_ATTEMPTS))

    def wait_remaining(self, now: datetime) -> int:
        if self.last is None:
            return 0
        remaining = (self.last + timedelta(seconds=self.delay_s()) - now).total_seconds()
        return max(0, int(remaining + 0.999))


def hash_password(password: str, salt: bytes | None = None) -> str:
    salt = salt or secrets.token_bytes(16)
    digest = hashlib.scrypt(
        password.encode("utf-8"), salt=salt, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P, dklen=32
    )
    encode = base64.b64encode
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${encode(salt).decode()}${encode(digest).decode()}"


def password_matches(password: str, stored: str) -> bool:
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        expected = base64.b64decode(digest)
        actual = hashlib.scrypt(
            password.encode("utf-8"),
            salt=base64.b64decode(salt),
            n=int(n),
            r=int(r),
            p=int(p),
            dklen=len(expected),
        )
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(actual, expected)


def has_password(db: Database) -> bool:
    with db.transaction() as session:
        return session.get(Parametre, PASSWORD_KEY) is not None


def check_new_password(password: str) -> str | None:
    if len(password) < MIN_LENGTH:
        return f"Le mot de passe doit comporter au moins {MIN_LENGTH} caractères."
    if password != password.strip():
        return "Le mot de passe ne doit pas commencer ni finir par un espace."
    return None


def set_password(db: Database, password: str, current: str | None = None) -> None:
    """Set the first password, or change it when ``current`` is the right one."""
    problem = check_new_password(password)
    if problem:
        raise ValidationError(ValidationReport({"mot_de_passe": problem}))
    if has_password(db) and (current is None or not verify_password(db, current)):
        raise CatalogueError("Le mot de passe actuel est incorrect.")
    _store_password(db, password)


def _store_password(db: Database, password: str) -> None:
    with db.transaction() as session:
        row = session.get(Parametre, PASSWORD_KEY)
        if row is None:
            session.add(Parametre(cle=PASSWORD_KEY, valeur=hash_password(password)))
        else:
            row.valeur = hash_password(password)
        _store_failures(session, Failures())


def change_password(db: Database, current: str, new: str) -> None:
    """« Changer le mot de passe »: the current password, then the new one (same rules as the
    first). A wrong current password counts as a failed attempt, as at unlock."""
    if not has_password(db):
        raise CatalogueError(
            "Aucun mot de passe n'existe encore : déverrouillez le mode administrateur pour le choisir."
        )
    problem = check_new_password(new)
    if problem:
        raise ValidationError(ValidationReport({"mot_de_passe": problem}))
    if not verify_password(db, current):
        raise CatalogueError("Le mot de passe actuel est incorrect.")
    if new == current:
        same = "Le nouveau mot de passe est identique à l'actuel."
        raise ValidationError(ValidationReport({"mot_de_passe": same}))
    _store_password(db, new)


def _read_failures(session) -> Failures:  # type: ignore[no-untyped-def]
    row = session.get(Parametre, FAILURES_KEY)
    if row is None:
        return Failures()
    count, _, last = row.valeur.partition("|")
    try:
        return Failures(int(count), datetime.fromisoformat(last) if last else None)
    except ValueError:
        return Failures()


def _store_failures(session, failures: Failures) -> None:  # type: ignore[no-untyped-def]
    value = f"{failures.count}|{failures.last.isoformat() if failures.last else ''}"
    row = session.get(Parametre, FAILURES_KEY)
    if row is None:
        session.add(Parametre(cle=FAILURES_KEY, valeur=value))
    else:
        row.valeur = value


def verify_password(db: Database, password: str) -> bool:
    """True when ``password`` is the admin password. Raises AdminLockedError while slowed down.

    Where the database is read-only the failure counter cannot be written; the check still runs.
    """
    with db.transaction() as session:
        stored = session.get(Parametre, PASSWORD_KEY)
        failures = _read_failures(session)
    if stored is None:
        return False
    wait = failures.wait_remaining(utcnow())
    if wait:
        raise AdminLockedError(wait)
    ok = password_matches(password, stored.valeur)
    if db.read_only:
        return ok
    with db.transaction() as session:
        current = _read_failures(session)
        _store_failures(session, Failures() if ok else Failures(current.count + 1, utcnow()))
    return ok


def unlock(db: Database, password: str) -> bool:
    """What the admin dialog does: the first unlock sets the password, later ones check it."""
    if not has_password(db):
        if db.read_only:
            return False
        set_password(db, password)
        return True
    return verify_password(db, password)


def cli_password() -> str | None:
    """The password from ENGRAVEDETECT_ADMIN_PASSWORD, else a prompt when a terminal is there."""
    value = os.environ.get(ENV_PASSWORD)
    if value is not None:
        return value
    if sys.stdin is None or not sys.stdin.isatty():
        return None
    try:
        return getpass.getpass("Mot de passe administrateur : ")
    except (EOFError, KeyboardInterrupt):
        return None


def cli_authorize(admin_flag: bool, db: Database) -> int | None:
    """For writing commands: None when allowed, else the exit code (2 no --admin, 1 refused)."""
    if not admin_flag:
        print(
            "Erreur : cette commande modifie le catalogue ; relancez-la avec --admin "
            "(mot de passe administrateur demandé).",
            file=sys.stderr,
        )
        return 2
    if db.read_only:
        # Before the password: on a read-only base no password could unlock a write, and
        # "mot de passe incorrect" would send the admin looking for the wrong problem.
        reason = db.read_only_reason or "La base est ouverte en lecture seule."
        print(f"Erreur : {reason} Cette commande ne peut pas la modifier.", file=sys.stderr)
        return 1
    password = cli_password()
    if password is None:
        print(
            f"Erreur : mot de passe administrateur requis (invite ou variable {ENV_PASSWORD}).",
            file=sys.stderr,
        )
        return 1
    try:
        if unlock(db, password):
            return None
    except CatalogueError as exc:
        print(f"Erreur : {exc}", file=sys.stderr)
        return 1
    print("Erreur : mot de passe administrateur incorrect.", file=sys.stderr)
    return 1
