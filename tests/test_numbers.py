"""Accountant text numbers (numbers.parse_number) as the reader relies on them."""

from __future__ import annotations

import pytest

from sasac_check.read.numbers import NotANumber, format_amount, format_percent, parse_number


@pytest.mark.parametrize(
    ("raw", "value", "decimals"),
    [
        ("1,234.56", 1234.56, 2),
        ("１，２３４．５", 1234.5, 1),
        ("(123)", -123.0, 0),
        ("（1,000.00）", -1000.0, 2),
        ("12.5%", 0.125, 3),
        ("65.43%", 0.6543, 4),
        ("￥88", 88.0, 0),
        (" 7 ", 7.0, 0),
        ("−5.0", -5.0, 1),
    ],
)
def test_text_numbers(raw, value, decimals):
    p = parse_number(raw)
    assert p.value == pytest.approx(value)
    assert p.decimals == decimals
    assert p.text


@pytest.mark.parametrize("raw", ["", "—", "——", "-", "－", "/", None, float("nan")])
def test_empty(raw):
    assert parse_number(raw).value is None


@pytest.mark.parametrize("raw", ["abc", "12a", "1.2.3", "+", True])
def test_not_a_number(raw):
    with pytest.raises(NotANumber):
        parse_number(raw)


def test_native_numbers_are_not_text():
    p = parse_number(1234.5)
    assert (p.value, p.text, p.decimals) == (1234.5, False, 1)


def test_format():
    assert format_amount(1234.5) == "1,234.50"
    assert format_percent(0.6543) == "65.43%"
    assert format_amount(None) == "—"
