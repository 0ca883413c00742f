"""Qt's own texts (buttons, file dialog, context menus) in French.

Qt ships its translations with PySide6 (``qtbase_fr.qm`` in ``QLibraryInfo``'s translations
folder). Qt 6.11's file dialog asks for texts that carry a keyboard mnemonic (« &Look in: »,
« Files of &type: ») where the shipped French catalogue, made for earlier versions, has them
without it (« Look in: »): ``MnemonicTranslator`` looks such a text up without its ``&`` and puts
the mnemonic back on the same letter of the French text (« &Voir dans : »).
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

log = logging.getLogger("engravedetect.gui")

CATALOGUES = ("qtbase_fr",)


def _without_mnemonic(text: str) -> str:
    return text.replace("&&", "\0").replace("&", "").replace("\0", "&&")


def with_mnemonic(translated: str, source: str) -> str:
    """``translated`` with a mnemonic on the letter that carries it in ``source`` (when the
    French text has that letter at the start of a word, else on its first letter)."""
    position = source.replace("&&", "\0\0").find("&")
    letter = source[position + 1].lower() if 0 <= position < len(source) - 1 else ""
    words = [i for i, ch in enumerate(translated) if ch.isalpha() and (i == 0 or not translated[i - 1].isalpha())]
    chosen = next((i for i in words if translated[i].lower() == letter), None)
    if chosen is None:
        chosen = words[0] if words else 0
    return translated[:chosen] + "&" + translated[chosen:]


class MnemonicTranslator(QTranslator):
    """A Qt catalogue that also answers texts asked for with a mnemonic it lacks."""

    def translate(  # type: ignore[override]
        self, context: str, source: str, disambiguation: str | None = None, n: int = -1
    ) -> str:
        found = super().translate(context, source, disambiguation, n)
        if found or "&" not in source.replace("&&", ""):
            return found or ""
        plain = super().translate(context, _without_mnemonic(source), disambiguation, n)
        return with_mnemonic(plain, source) if plain else ""


def install_french(app: QCoreApplication) -> list[QTranslator]:
    """Qt's own buttons and dialogs (OK, Annuler, file picker) in French, whatever the system."""
    QLocale.setDefault(QLocale(QLocale.Language.French, QLocale.Country.France))
    folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    installed: list[QTranslator] = []
    for name in CATALOGUES:
        translator = MnemonicTranslator(app)
        if translator.load(name, folder):
            app.installTranslator(translator)
            installed.append(translator)
        else:
            log.warning("Traductions de Qt introuvables (%s dans %s) : dialogues de Qt en anglais",
                        name, folder)
    return installed


def remove_french(app: QCoreApplication, installed: list[QTranslator]) -> None:
    for translator in installed:
        app.removeTranslator(translator)
