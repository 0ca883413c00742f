"""One field at a time: decimal numbers as typed or read from a file."""

import pytest

from data.validation import parse_decimal


def test_parse_decimal():
    assert parse_decimal("1,67") == 1.67
    assert parse_decimal(None) is None
    with pytest.raises(ValueError):
        parse_decimal("1.2.3")
