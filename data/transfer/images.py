"""Engraving images in catalogue files: a folder of image files beside the file, named in a column.

The catalogue keeps its images in the database (``images_gravure``); a file carries them as the
path of an image file, relative to the catalogue file (``catalogue_images/<sha256>.png``), in
the ``IMAGE_FIELD`` column.

Export (``ImageFolder``): each distinct image is written once, named by its content's SHA-256
with the extension of its type, into ``<file stem>_images/`` beside the file. The images go
into a hidden temporary folder first; once the file is complete the folder an earlier export
left under that name is set aside, the new one renamed into place, then the file renamed over
its target; only then is the earlier folder removed. A failure or a cancel at any point leaves
the earlier file and folder as they were. An export with no image writes no folder (and
removes the one an earlier export of that file left: it described a file that no longer
exists). A folder of that name holding anything but such images is never replaced nor removed.

Import (``ImageFiles`` in pass 1, ``store_images`` in pass 2): each path is checked once (the
file exists, is readable and is an image the app accepts, ``data.catalogue.decode_check_image``)
and hashed, then forgotten: only its hash and a placeholder id stay in memory. Pass 2 reads
each image it needs again, stores it (or reuses the catalogue's image with the same content)
and maps the placeholder to its id, inside the import's transaction.
"""

from __future__ import annotations

import hashlib
import os
import posixpath
import re
import secrets
import shutil
import stat
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from data.catalogue import decode_check_image
from data.models import ImageGravure
from data.transfer.columns import IMAGE_FIELD
from data.transfer.readers import TransferError
from data.transfer.references import PLACEHOLDER
from data.validation import image_size_problem

EXTENSIONS = {"image/png": ".png", "image/jpeg": ".jpg"}
FOLDER_SUFFIX = "_images"
# Images read from the database at once by an export: at most this many bytes or images.
FETCH_BYTES = 16 * 1024 * 1024
FETCH_IMAGES = 200
IMAGE_MODE = 0o600
# Placeholder ids of images an import will store (above the references' own placeholders).
IMAGE_PLACEHOLDER = 2 * PLACEHOLDER
LOOKUP_BATCH = 500
_IMAGES: sa.Table = ImageGravure.metadata.tables["images_gravure"]

_EXPORTED_NAME = re.compile(r"^[0-9a-f]{64}\.(?:png|jpg)$")


def folder_for(path: Path) -> Path:
    """``catalogue.csv -> catalogue_images`` (beside it)."""
    return path.with_name(path.stem + FOLDER_SUFFIX)


def image_file_name(sha256: str, mime: str) -> str:
    return sha256 + EXTENSIONS[mime]


def _is_export_folder(folder: Path) -> bool:
    """A folder an export wrote: only image files named by their hash (or nothing)."""
    if folder.is_symlink() or not folder.is_dir():
        return False
    try:
        return all(entry.is_file() and _EXPORTED_NAME.match(entry.name) for entry in folder.iterdir())
    except OSError:
        return False


# ---------------------------------------------------------------- export


class ImageFolder:
    """The image folder of one export (see the module docstring for the order of the renames)."""

    def __init__(self, target_file: Path) -> None:
        self.target = folder_for(target_file)
        self.temp: Path | None = None
        self.aside: Path | None = None
        self.moved_in = False
        self.written: set[int] = set()  # ids of the images written so far

    @property
    def count(self) -> int:
        return len(self.written)

    def check_target(self) -> None:
        """Refuse before writing anything when the folder's name is taken by something else."""
        if os.path.lexists(self.target) and not _is_export_folder(self.target):
            raise TransferError(
                f"« {self.target.name} » existe déjà à côté du fichier et ne contient pas que des "
                "images d'un export précédent : déplacez-le ou choisissez un autre nom de fichier "
                "(l'export y écrit les images de gravure)."
            )

    def add(self, session: Session, chunk: list[dict[str, Any]], check: Callable[[], None]) -> None:
        """Give each row of ``chunk`` its image's path and write the images not written yet.

        The rows carry ``image_id``, ``sha256``, ``type_mime`` and ``taille``; the image bytes are
        read by small batches (``FETCH_BYTES``), never a whole chunk's at once."""
        pending: dict[int, tuple[str, int]] = {}  # image id -> (file name, size)
        for row in chunk:
            image_id = row["image_id"]
            if image_id is None:
                row[IMAGE_FIELD] = None
                continue
            name = image_file_name(row["sha256"], row["type_mime"])
            row[IMAGE_FIELD] = f"{self.target.name}/{name}"
            if image_id not in self.written:
                pending[image_id] = (name, row["taille"])
        batch: dict[int, str] = {}
        size = 0
        for image_id, (name, image_size) in pending.items():
            if batch and (size + image_size > FETCH_BYTES or len(batch) >= FETCH_IMAGES):
                self._fetch(session, batch)
                check()
                batch, size = {}, 0
            batch[image_id] = name
            size += image_size
        if batch:
            self._fetch(session, batch)

    def _fetch(self, session: Session, names: dict[int, str]) -> None:
        if self.temp is None:
            parent = self.target.parent
            self.temp = Path(tempfile.mkdtemp(prefix=f".{self.target.name}.", suffix=".tmp", dir=parent))
        stmt = select(ImageGravure.id, ImageGravure.donnees).where(ImageGravure.id.in_(list(names)))
        for image_id, content in session.execute(stmt):
            path = self.temp / names[image_id]
            with path.open("xb") as stream:
                stream.write(bytes(content))
                stream.flush()
                os.fsync(stream.fileno())
            os.chmod(path, IMAGE_MODE)
            self.written.add(image_id)
        if not self.written.issuperset(names):
            raise TransferError(
                "Une image de gravure a été supprimée par un autre poste pendant l'export : "
                "relancez l'export."
            )

    def move_in(self) -> None:
        """Set the earlier folder aside and put the new one (if any) in its place."""
        if os.path.lexists(self.target) and (self.temp is not None or _is_export_folder(self.target)):
            aside = self.target.with_name(f".{self.target.name}.{secrets.token_hex(6)}.old")
            os.rename(self.target, aside)
            self.aside = aside
        if self.temp is not None:
            try:
                os.rename(self.temp, self.target)
            except OSError:
                self._put_back()
                raise
            self.moved_in = True

    def move_out(self) -> None:
        """Undo ``move_in`` (the file itself could not be put in place)."""
        if self.moved_in and self.temp is not None:
            os.rename(self.target, self.temp)
            self.moved_in = False
        self._put_back()

    def _put_back(self) -> None:
        if self.aside is not None:
            os.rename(self.aside, self.target)
            self.aside = None

    def finish(self) -> None:
        """The export succeeded: remove the earlier folder."""
        if self.aside is not None:
            shutil.rmtree(self.aside, ignore_errors=True)
            self.aside = None

    def discard(self) -> None:
        """The export failed or was cancelled: remove the temporary folder (the earlier one is back)."""
        if self.temp is not None and not self.moved_in:
            shutil.rmtree(self.temp, ignore_errors=True)


# ---------------------------------------------------------------- import


@dataclass(frozen=True)
class PlannedImage:
    """An image file an import needs, checked in pass 1 (its bytes are read again in pass 2)."""

    placeholder: int
    path: str  # absolute
    shown: str  # as the file names it
    sha256: str
    mime: str
    stored_id: int | None  # the catalogue's image with the same content, when pass 1 ran


class ImageFiles:
    """The image files named by one import file, relative to ``folder`` (the file's folder)."""

    def __init__(self, session: Session, folder: Path) -> None:
        self.session = session
        self.folder = folder.absolute()
        self.checked: dict[str, int | str] = {}  # path as written -> placeholder or message
        self.by_hash: dict[str, int] = {}
        self.planned: list[PlannedImage] = []
        self.used: set[int] = set()

    def resolve(self, value: object) -> tuple[int | None, str | None]:
        """``(placeholder, None)``, ``(None, None)`` for an empty cell, or ``(None, message)``."""
        if value is None:
            return None, None
        text = str(value).strip()
        if not text:
            return None, None
        found = self.checked.get(text)
        if found is None:
            found = self.checked[text] = self._check(text)
        if isinstance(found, str):
            return None, found
        return found, None

    def _check(self, text: str) -> int | str:
        written = text.replace("\\", "/")  # a file written on Windows
        path = Path(written)
        if not path.is_absolute():
            inside = posixpath.normpath(written)  # "a/../b.png" is "b.png", whether "a" exists or not
            if inside.split("/", 1)[0] == "..":
                return (
                    f"« {text} » remonte au-dessus du dossier du fichier importé (« .. ») : un "
                    "catalogue ne prend ses images que dans son dossier et ses sous-dossiers. "
                    "Déplacez l'image, ou donnez son chemin complet."
                )
            path = self.folder / inside
        try:
            info = path.stat()
            if stat.S_ISDIR(info.st_mode):
                return f"« {text} » est un dossier, pas un fichier image."
            if not stat.S_ISREG(info.st_mode):
                return f"« {text} » n'est pas un fichier image."
            problem = image_size_problem(info.st_size)
            if problem:
                return f"« {text} » : {problem}"
            content = path.read_bytes()
        except (FileNotFoundError, NotADirectoryError):
            return f"Fichier image introuvable : « {text} » (cherché dans {path.parent})."
        except PermissionError:
            return f"Fichier image illisible : « {text} » (accès refusé)."
        except OSError as exc:
            return f"Fichier image illisible : « {text} » ({exc.strerror or exc})."
        mime, problem = decode_check_image(content)
        if problem or mime is None:
            return f"« {text} » : {problem or 'image invalide.'}"
        return self._plan(hashlib.sha256(content).hexdigest(), mime, path, text)

    def _plan(self, digest: str, mime: str, path: Path, text: str) -> int:
        """The placeholder of this content (two paths to the same bytes share one)."""
        known = self.by_hash.get(digest)
        if known is not None:
            return known
        stored = self.session.execute(
            select(ImageGravure.id).where(ImageGravure.sha256 == digest)
        ).scalar_one_or_none()
        placeholder = IMAGE_PLACEHOLDER + len(self.planned)
        self.planned.append(PlannedImage(placeholder, str(path), text, digest, mime, stored))
        self.by_hash[digest] = placeholder
        return placeholder

    def same(self, image: int | None, stored_id: int | None) -> bool:
        """Is ``image`` (a placeholder, or None for no image) the catalogue's image ``stored_id``?"""
        if image is None:
            return stored_id is None
        return stored_id is not None and self.planned[image - IMAGE_PLACEHOLDER].stored_id == stored_id

    def use(self, image: int | None) -> None:
        """``image`` goes into the catalogue (a lens to insert or update has it)."""
        if image is not None and image >= IMAGE_PLACEHOLDER:
            self.used.add(image)

    def needed(self) -> tuple[PlannedImage, ...]:
        return tuple(self.planned[p - IMAGE_PLACEHOLDER] for p in sorted(self.used))

    def new_count(self) -> int:
        """Images the catalogue does not hold yet."""
        return sum(1 for image in self.needed() if image.stored_id is None)


def store_images(session: Session, images: Iterable[PlannedImage], check: Callable[[], None]) -> dict[int, int]:
    """Pass 2: the catalogue id of each planned image, stored now unless an image with the same
    content is there (stored before pass 1, or by another PC since). ``check()`` between images."""
    images = list(images)
    stored: dict[str, int] = {}
    for start in range(0, len(images), LOOKUP_BATCH):
        digests = [image.sha256 for image in images[start : start + LOOKUP_BATCH]]
        stmt = select(ImageGravure.sha256, ImageGravure.id).where(ImageGravure.sha256.in_(digests))
        stored.update((digest, image_id) for digest, image_id in session.execute(stmt))
    ids: dict[int, int] = {}
    for image in images:
        check()
        image_id = stored.get(image.sha256)
        if image_id is None:
            content = _read_again(image)
            result = session.connection().execute(
                insert(_IMAGES).values(
                    donnees=content, type_mime=image.mime, taille=len(content), sha256=image.sha256,
                )
            )
            image_id = int(result.inserted_primary_key[0])  # type: ignore[index]
        ids[image.placeholder] = image_id
    return ids


def _read_again(image: PlannedImage) -> bytes:
    try:
        content = Path(image.path).read_bytes()
    except OSError as exc:
        raise TransferError(
            f"L'image « {image.shown} » ne peut plus être lue ({exc.strerror or exc}) : rien n'a "
            "été importé."
        ) from exc
    if hashlib.sha256(content).hexdigest() != image.sha256:
        raise TransferError(
            f"L'image « {image.shown} » a changé depuis l'analyse du fichier : rien n'a été "
            "importé. Relancez l'import."
        )
    return content
