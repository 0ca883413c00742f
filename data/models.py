"""SQLAlchemy 2 typed models. The schema keeps the French names of the original design.

Every table is created and changed only by Alembic revisions (``migrations/``); the test suite
runs ``alembic check`` so that these classes and the revisions never drift apart.

Rules the database enforces by itself, whoever writes to it:
- reference names are unique once folded (``nom_normalise``: case and accents ignored);
- a lens's supplier, range and series agree, through composite foreign keys
  ``(gamme_id, fournisseur_id) -> gammes(id, fournisseur_id)`` and
  ``(serie_id, gamme_id) -> series(id, gamme_id)``, plus a CHECK that a series needs a range;
- ``1.0 <= indice <= 2.0`` and ``0 <= hauteur_min <= hauteur_max <= 100``.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    DateTime,
    Double,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.dialects import mysql
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_N_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

MYSQL_TABLE_ARGS = {"mysql_charset": "utf8mb4", "mysql_engine": "InnoDB"}


def utcnow() -> datetime:
    """Naive UTC timestamp (portable across the three databases)."""
    return datetime.now(UTC).replace(tzinfo=None)


def key_string(length: int) -> String:
    """A folded text column that compares byte by byte on every database.

    Folded keys are already lower case without accents; a binary collation makes sorting and
    uniqueness identical on SQLite, PostgreSQL (collation "C") and MariaDB (utf8mb4_bin).
    """
    return String(length).with_variant(  # type: ignore[return-value]
        String(length, collation="C"), "postgresql"
    ).with_variant(mysql.VARCHAR(length, charset="utf8mb4", collation="utf8mb4_bin"), "mysql")


BLOB = LargeBinary().with_variant(mysql.LONGBLOB(), "mysql")
# MariaDB's DATETIME drops fractions of a second unless asked for microseconds.
TIMESTAMP = DateTime().with_variant(mysql.DATETIME(fsp=6), "mysql")


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Fournisseur(Base):
    __tablename__ = "fournisseurs"
    __table_args__ = (
        CheckConstraint("nom_normalise <> ''", name="nom_non_vide"),
        MYSQL_TABLE_ARGS,
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    nom: Mapped[str] = mapped_column(String(100))
    nom_normalise: Mapped[str] = mapped_column(key_string(100), unique=True)
    exemple: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())

    gammes: Mapped[list[Gamme]] = relationship(back_populates="fournisseur")
    verres: Mapped[list[Verre]] = relationship(back_populates="fournisseur")


class Materiau(Base):
    __tablename__ = "materiaux"
    __table_args__ = (
        CheckConstraint("nom_normalise <> ''", name="nom_non_vide"),
        MYSQL_TABLE_ARGS,
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    nom: Mapped[str] = mapped_column(String(100))
    nom_normalise: Mapped[str] = mapped_column(key_string(100), unique=True)
    exemple: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())

    verres: Mapped[list[Verre]] = relationship(back_populates="materiau")


class Gamme(Base):
    __tablename__ = "gammes"
    __table_args__ = (
        UniqueConstraint("fournisseur_id", "nom_normalise"),
        # Target of the lens's composite foreign key (range belongs to the lens's supplier).
        UniqueConstraint("id", "fournisseur_id"),
        CheckConstraint("nom_normalise <> ''", name="nom_non_vide"),
        MYSQL_TABLE_ARGS,
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    nom: Mapped[str] = mapped_column(String(100))
    nom_normalise: Mapped[str] = mapped_column(key_string(100))
    fournisseur_id: Mapped[int] = mapped_column(ForeignKey("fournisseurs.id"))
    exemple: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())

    fournisseur: Mapped[Fournisseur] = relationship(back_populates="gammes")
    series: Mapped[list[Serie]] = relationship(back_populates="gamme")


class Serie(Base):
    __tablename__ = "series"
    __table_args__ = (
        UniqueConstraint("gamme_id", "nom_normalise"),
        UniqueConstraint("id", "gamme_id"),
        CheckConstraint("nom_normalise <> ''", name="nom_non_vide"),
        MYSQL_TABLE_ARGS,
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    nom: Mapped[str] = mapped_column(String(100))
    nom_normalise: Mapped[str] = mapped_column(key_string(100))
    gamme_id: Mapped[int] = mapped_column(ForeignKey("gammes.id"))
    exemple: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())

    gamme: Mapped[Gamme] = relationship(back_populates="series")


class ImageGravure(Base):
    """An engraving image held in the database, so every PC and every backup has it."""

    __tablename__ = "images_gravure"
    __table_args__ = (
        CheckConstraint("taille > 0 AND taille <= 5242880", name="taille"),
        CheckConstraint("type_mime IN ('image/png', 'image/jpeg')", name="type_mime"),
        MYSQL_TABLE_ARGS,
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    donnees: Mapped[bytes] = mapped_column(BLOB)
    type_mime: Mapped[str] = mapped_column(String(20))
    taille: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    cree_le: Mapped[datetime] = mapped_column(TIMESTAMP, default=utcnow)


class Verre(Base):
    __tablename__ = "verres"
    __table_args__ = (
        ForeignKeyConstraint(["gamme_id", "fournisseur_id"], ["gammes.id", "gammes.fournisseur_id"]),
        ForeignKeyConstraint(["serie_id", "gamme_id"], ["series.id", "series.gamme_id"]),
        CheckConstraint("indice >= 1.0 AND indice <= 2.0", name="indice"),
        CheckConstraint("hauteur_min IS NULL OR hauteur_min >= 0", name="hauteur_min"),
        CheckConstraint("hauteur_max IS NULL OR hauteur_max <= 100", name="hauteur_max"),
        CheckConstraint(
            "hauteur_min IS NULL OR hauteur_max IS NULL OR hauteur_min <= hauteur_max",
            name="hauteurs_ordonnees",
        ),
        CheckConstraint("serie_id IS NULL OR gamme_id IS NOT NULL", name="serie_sans_gamme"),
        CheckConstraint("nom <> ''", name="nom_non_vide"),
        CheckConstraint("version >= 1", name="version"),
        # Sorts: one (key, id) index each, read forwards or backwards; a key that may be empty
        # is read in two parts (filled, then empty) by data.query.sort_parts.
        Index("idx_verre_nom_recherche", "tri_nom", "id", "recherche"),
        Index("idx_verre_indice", "indice", "id"),  # with id: PostgreSQL (revision 0006)
        Index("idx_verre_fournisseur", "fournisseur_id"),
        Index("idx_verre_variante", "tri_variante", "id"),
        Index("idx_verre_gravure", "tri_gravure", "id"),
        Index("idx_verre_hauteur_min", "hauteur_min", "id"),
        Index("idx_verre_hauteur_max", "hauteur_max", "id"),
        Index("idx_verre_tri_gamme", "tri_gamme", "id"),
        Index("idx_verre_tri_serie", "tri_serie", "id"),
        Index("idx_verre_tri_materiau", "tri_materiau", "id"),
        # Filters that keep the name order (the default sort); they also serve the foreign keys.
        # The name-order indexes carry the folded search text: a search reading them in order
        # tests each lens without reading its row (revision 0004).
        Index("idx_verre_fournisseur_recherche", "fournisseur_id", "tri_nom", "id", "recherche"),
        Index("idx_verre_gamme_recherche", "gamme_id", "fournisseur_id", "tri_nom", "id", "recherche"),
        Index("idx_verre_serie_recherche", "serie_id", "gamme_id", "tri_nom", "id", "recherche"),
        Index("idx_verre_materiau_recherche", "materiau_id", "tri_nom", "id", "recherche"),
        Index("idx_verre_indice_recherche", "indice", "tri_nom", "id", "recherche"),
        Index("idx_verre_image", "image_id"),
        MYSQL_TABLE_ARGS,
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    nom: Mapped[str] = mapped_column(String(100))
    variante: Mapped[str | None] = mapped_column(String(50))
    fournisseur_id: Mapped[int] = mapped_column(ForeignKey("fournisseurs.id"))
    gamme_id: Mapped[int | None] = mapped_column()
    serie_id: Mapped[int | None] = mapped_column()
    materiau_id: Mapped[int | None] = mapped_column(ForeignKey("materiaux.id"))
    indice: Mapped[float] = mapped_column(Double)
    hauteur_min: Mapped[int | None] = mapped_column(Integer)
    hauteur_max: Mapped[int | None] = mapped_column(Integer)
    gravure_nasale: Mapped[str | None] = mapped_column(String(50))
    url_gravure: Mapped[str | None] = mapped_column(String(255))
    url_source: Mapped[str | None] = mapped_column(String(255))
    image_id: Mapped[int | None] = mapped_column(
        ForeignKey("images_gravure.id", ondelete="SET NULL")
    )
    exemple: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    cree_le: Mapped[datetime] = mapped_column(TIMESTAMP, default=utcnow)
    modifie_le: Mapped[datetime] = mapped_column(TIMESTAMP, default=utcnow)
    # Folded copies kept by the service layer: search and sort run on them in SQL.
    recherche: Mapped[str] = mapped_column(key_string(220))
    tri_nom: Mapped[str] = mapped_column(key_string(100))
    tri_variante: Mapped[str | None] = mapped_column(key_string(50))
    tri_gravure: Mapped[str | None] = mapped_column(key_string(50))
    # Folded names of the lens's range, series and material (sorting by them needs an index on
    # the lens row): kept by data.catalogue (writes, renames, merges) and data.transfer.
    tri_gamme: Mapped[str | None] = mapped_column(key_string(100))
    tri_serie: Mapped[str | None] = mapped_column(key_string(100))
    tri_materiau: Mapped[str | None] = mapped_column(key_string(100))

    fournisseur: Mapped[Fournisseur] = relationship(back_populates="verres")
    materiau: Mapped[Materiau | None] = relationship(back_populates="verres")
    gamme: Mapped[Gamme | None] = relationship(
        primaryjoin="Verre.gamme_id == Gamme.id", foreign_keys=[gamme_id], viewonly=True
    )
    serie: Mapped[Serie | None] = relationship(
        primaryjoin="Verre.serie_id == Serie.id", foreign_keys=[serie_id], viewonly=True
    )
    image: Mapped[ImageGravure | None] = relationship()


class Parametre(Base):
    """Catalogue-wide settings shared by every PC (admin password hash, sample marker...)."""

    __tablename__ = "parametres"
    __table_args__ = (MYSQL_TABLE_ARGS,)

    cle: Mapped[str] = mapped_column(String(64), primary_key=True)
    valeur: Mapped[str] = mapped_column(Text)


class Historique(Base):
    """The audit trail: one row per change, written in the transaction of the change itself.

    ``anciennes_valeurs`` / ``nouvelles_valeurs`` hold JSON text (portable across the three
    databases): only the changed fields for an update, the whole row for a delete (enough to
    restore it). ``lot`` groups entries under the entry that caused them (an import, a merge).
    ``entree_annulee`` is the deletion a restoration undoes; unique, so the database itself
    refuses to restore one deletion twice. The app never updates nor deletes these rows.
    """

    __tablename__ = "historique"
    __table_args__ = (
        Index("idx_historique_cible", "cible", "cible_id", "id"),
        Index("idx_historique_quand", "quand", "id"),
        Index("idx_historique_auteur", "auteur", "quand"),
        Index("idx_historique_action", "action", "quand"),
        Index("idx_historique_lot", "lot"),
        MYSQL_TABLE_ARGS,
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    quand: Mapped[datetime] = mapped_column(TIMESTAMP, default=utcnow)
    auteur: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(20))
    cible: Mapped[str] = mapped_column(String(20))
    cible_id: Mapped[int | None] = mapped_column(Integer)
    libelle: Mapped[str] = mapped_column(String(255))
    anciennes_valeurs: Mapped[str | None] = mapped_column(Text)
    nouvelles_valeurs: Mapped[str | None] = mapped_column(Text)
    lot: Mapped[int | None] = mapped_column(Integer)
    entree_annulee: Mapped[int | None] = mapped_column(Integer, unique=True)


# Search structures that exist on one database only, created by revision 0003 with raw SQL:
# SQLite's FTS5 tables (``verres_fts`` and its shadow and vocabulary tables) and PostgreSQL's
# pg_trgm and pairs indexes. They are not in this metadata, so autogenerate must not see them as
# drift.
SEARCH_TABLE_PREFIX = "verres_fts"
SEARCH_ONLY_INDEXES = frozenset({"idx_verre_recherche_trgm", "idx_verre_recherche_paires"})


def include_in_autogenerate(name: str | None, type_: str, parent_names: object) -> bool:
    """Alembic ``include_name`` hook: everything but the per-database search structures."""
    if type_ == "table" and name is not None and name.startswith(SEARCH_TABLE_PREFIX):
        return False
    return not (type_ == "index" and name in SEARCH_ONLY_INDEXES)


class VerreCode(Base):
    """The keys a lens's engraving is found by (``data.catalogue.code_keys``): one row per
    distinct skeleton of its :func:`~data.identify.engraving_keys` (alternatives, parts, Greek
    letters read as their look-alikes), so that a typed code, its start and its one-edit
    neighbours are looked up in the primary key instead of testing every lens.

    One B-tree ordered by ``squelette``: WITHOUT ROWID on SQLite, clustered on InnoDB. The index
    on ``verre_id`` serves the cascade and the replacement of a lens's keys. Kept by every path
    that writes ``gravure_nasale``; the integrity check compares it with a recomputation.
    """

    __tablename__ = "verres_codes"
    __table_args__ = (
        Index("idx_verre_code_verre", "verre_id"),
        {**MYSQL_TABLE_ARGS, "sqlite_with_rowid": False},
    )

    squelette: Mapped[str] = mapped_column(key_string(64), primary_key=True)
    verre_id: Mapped[int] = mapped_column(
        ForeignKey("verres.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )


#: A shape key: lower-case ASCII letters and digits, words joined by ``_`` (``e_soleil``).
SYMBOL_KEY_PATTERN = r"^[a-z][a-z0-9]*(_[a-z0-9]+)*$"
SYMBOL_KEY_MAX = 40


class Symbole(Base):
    """A shape a nasal sign is made of (:mod:`data.symbols`): ``cle`` is its fixed key (files,
    widget names), ``libelle`` its French label, ``groupe`` the palette group, ``dessin`` its
    drawing (the path subset of :mod:`data.symbols.drawing`, in a 100×100 box). ``integre``:
    one of the shapes shipped with the app (revision 0008 seeds them); an admin adds others.

    The key's whole pattern (:data:`SYMBOL_KEY_PATTERN`) is checked by the service
    (:func:`data.catalogue.create_symbol`); the database checks what the three backends check
    alike: a key in lower case without spaces, a non-empty label and drawing.
    """

    __tablename__ = "symboles"
    __table_args__ = (
        CheckConstraint("cle <> '' AND cle = lower(cle) AND cle NOT LIKE '% %'", name="cle"),
        CheckConstraint("libelle <> ''", name="libelle_non_vide"),
        CheckConstraint("dessin <> ''", name="dessin_non_vide"),
        MYSQL_TABLE_ARGS,
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    cle: Mapped[str] = mapped_column(key_string(SYMBOL_KEY_MAX), unique=True)
    libelle: Mapped[str] = mapped_column(String(100))
    groupe: Mapped[str] = mapped_column(String(50))
    dessin: Mapped[str] = mapped_column(Text)
    integre: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    cree_le: Mapped[datetime] = mapped_column(TIMESTAMP, default=utcnow)


class VerreSymbole(Base):
    """Which shapes a lens's sign has (its letters and digits stay in ``gravure_nasale``).

    Deleting a lens deletes its rows; a shape some lens uses cannot be deleted. The index on
    ``symbole_id`` finds the lenses of a picked shape (the palette's search)."""

    __tablename__ = "verres_symboles"
    __table_args__ = (
        Index("idx_verre_symbole_symbole", "symbole_id", "verre_id"),
        MYSQL_TABLE_ARGS,
    )

    verre_id: Mapped[int] = mapped_column(
        ForeignKey("verres.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    symbole_id: Mapped[int] = mapped_column(
        ForeignKey("symboles.id", ondelete="RESTRICT"), primary_key=True, autoincrement=False
    )
