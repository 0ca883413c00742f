"""File pickers: Qt's dialog in French, opening where that kind of file was last taken."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QFileDialog, QLabel, QPushButton

from gui import file_pickers


class Asked(list):
    """Each picker's starting folder; the user 'chooses' the next file of ``answers``."""

    def __init__(self) -> None:
        super().__init__()
        self.answers: list[str] = []


@pytest.fixture
def asked(monkeypatch: pytest.MonkeyPatch) -> Asked:
    folders = Asked()

    def fake(_parent, _title, start, _filters):  # type: ignore[no-untyped-def]
        folders.append(start)
        return folders.answers.pop(0), ""

    monkeypatch.setattr(QFileDialog, "getOpenFileName", fake)
    monkeypatch.setattr(QFileDialog, "getSaveFileName", fake)
    return folders


def test_each_kind_of_file_reopens_in_its_own_last_folder(qapp, data_home: Path, tmp_path: Path, asked) -> None:
    supplier, exports = tmp_path / "fournisseurs", tmp_path / "exports"
    supplier.mkdir()
    exports.mkdir()
    asked.answers += [str(supplier / "hoya.csv"), str(exports / "cat.xlsx"), str(supplier / "zeiss.csv"), ""]
    assert file_pickers.open_file(None, "import", "Importer", "*.csv") == supplier / "hoya.csv"
    assert file_pickers.save_file(None, "export", "Exporter", "catalogue.csv", "*.csv") == exports / "cat.xlsx"
    assert file_pickers.open_file(None, "import", "Importer", "*.csv") == supplier / "zeiss.csv"
    assert file_pickers.save_file(None, "export", "Exporter", "catalogue.csv", "*.csv") is None
    assert asked[2] == str(supplier)
    assert asked[3] == str(exports / "catalogue.csv")
    assert Path(asked[0]) != supplier  # nothing remembered yet: the home folder


def test_a_kind_never_used_starts_in_its_default_folder(qapp, data_home: Path, tmp_path: Path, asked) -> None:
    asked.answers.append("")
    file_pickers.open_file(None, "restore", "Choisir une sauvegarde", "*.gz", default=tmp_path)
    assert asked == [str(tmp_path)]


def test_qt_file_dialog_speaks_french(qapp) -> None:
    from gui.translations import install_french, remove_french

    installed = install_french(qapp)
    try:
        dialog = QFileDialog()
        dialog.setOption(QFileDialog.Option.DontUseNativeDialog)
        labels = {label.objectName(): label.text() for label in dialog.findChildren(QLabel)}
        buttons = {button.text() for button in dialog.findChildren(QPushButton)}
        assert labels["lookInLabel"] == "&Voir dans\xa0:"
        assert labels["fileTypeLabel"] == "Fichiers de &type\xa0:"
        assert labels["fileNameLabel"] == "&Nom de fichier\xa0:"
        assert "Annuler" in buttons
        dialog.deleteLater()
    finally:
        remove_french(qapp, installed)
