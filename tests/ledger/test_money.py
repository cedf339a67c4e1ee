from __future__ import annotations

import pytest

from samenhang.ledger.money import InvalidAmount, format_euros_for_input, parse_euros

pytestmark = pytest.mark.pure


@pytest.mark.parametrize(
    ("text", "cents"),
    [
        ("12,50", 1250),
        ("12.50", 1250),
        ("12", 1200),
        ("12,5", 1250),
        ("0,01", 1),
        ("0", 0),
        ("€ 12,50", 1250),
        ("€12.50", 1250),
        ("1.250,00", 125000),
        ("1,250.00", 125000),
        ("12.345.678,90", 1234567890),
        (" 7 ", 700),
        ("+3,00", 300),
        ("0,12", 12),
        # One rule for every money field (issue 13: "30.000" was refused on one form).
        ("30.000", 3_000_000),
        ("1.000.000", 100_000_000),
        ("1.350,00", 135_000),
        ("1350.5", 135_050),
        ("€ 12", 1200),
    ],
)
def test_parse_euros_reads_what_people_type(text: str, cents: int) -> None:
    assert parse_euros(text) == cents
    assert isinstance(parse_euros(text), int)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("-5", "negative"),
        ("-0,50", "negative"),
        ("5-", "negative"),
        ("0,125", "fractions of a cent"),
        ("12,3456", "fractions of a cent"),
        ("0.125", "fractions of a cent"),
        ("1,250", "thousands separator"),
        ("12,50,1", "not an amount"),
        ("abc", "not an amount"),
        ("twaalf euro", "not an amount"),
        ("1,000,000", "not an amount"),
        ("1e3", "not an amount"),
        ("NaN", "not an amount"),
        ("12..5", "not an amount"),
        ("1.25.0,00", "not an amount"),
        ("", "fill in"),
        ("999999999999", "too large"),
    ],
)
def test_parse_euros_refuses_with_a_clear_message(text: str, message: str) -> None:
    with pytest.raises(InvalidAmount) as caught:
        parse_euros(text)
    assert message in str(caught.value)


def test_format_for_input_round_trips() -> None:
    for cents in (0, 1, 99, 100, 1250, 123456789):
        assert parse_euros(format_euros_for_input(cents, "nl")) == cents
        assert parse_euros(format_euros_for_input(cents, "en")) == cents
    assert format_euros_for_input(1250, "nl") == "12,50"
    assert format_euros_for_input(1250, "en") == "12.50"
