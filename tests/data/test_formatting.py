"""French numbers: one helper decides the separators, the same ones Qt's French locale uses."""

from __future__ import annotations

import pytest

from data import formatting


@pytest.mark.parametrize("n", [0, 1, 999, 1000, 12_345, 1_234_567])
def test_integers_are_grouped_as_qt_groups_them_in_french(n):
    from PySide6.QtCore import QLocale

    assert formatting.integer(n) == QLocale(QLocale.Language.French).toString(n)


def test_counts_take_the_singular_for_zero_and_one():
    assert formatting.count(0, "verre", "verres") == "0 verre"
    assert formatting.count(1, "verre", "verres") == "1 verre"
    assert formatting.count(12_345, "verre", "verres") == "12\u202f345 verres"


def test_decimals_indices_and_sizes_use_a_comma():
    assert formatting.decimal(1.5) == "1,50"
    assert formatting.index(1.670) == "1,67" and formatting.index(2.0) == "2"
    assert formatting.exact(1.67) == "1,67" and formatting.exact(2.0) == "2"
    assert formatting.size(512) == "512 octets" and formatting.size(2_500_000) == "2,4 Mo"
    assert formatting.join(["a"]) == "a" and formatting.join(["a", "b", "c"]) == "a, b et c"


def test_lens_counts_and_grouped_decimals_group_as_counts_do():
    assert formatting.lenses(1) == "1 verre"
    assert formatting.lenses(12_345) == "12\u202f345 verres"
    assert formatting.decimal(12_345.67, 1, grouped=True) == "12\u202f345,7"
    assert formatting.decimal(12_345.67, 1) == "12345,7"


def test_de_is_elided_before_a_vowel():
    assert formatting.of("ZEISS") == "de ZEISS"
    assert formatting.of("Essilor") == "d'Essilor"
    assert formatting.of("Optiswiss") == "d'Optiswiss"
    assert formatting.of("Élite") == "d'Élite"
    assert formatting.of("Hoya") == "de Hoya"
