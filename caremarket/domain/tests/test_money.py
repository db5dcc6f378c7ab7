from decimal import Decimal

import pytest

from caremarket.domain.money import MoneyError, format_money, from_pence, parse_money, round_money, to_pence


def test_rounds_half_up_to_the_penny():
    assert round_money("2.345") == Decimal("2.35")
    assert round_money("2.344") == Decimal("2.34")
    assert round_money("-2.345") == Decimal("-2.35")


def test_parse_refuses_floats_and_fractions_of_a_penny():
    with pytest.raises(MoneyError, match="float"):
        parse_money(15.44)
    with pytest.raises(MoneyError, match="2 decimal places"):
        parse_money("15.444")
    with pytest.raises(MoneyError):
        parse_money("fifteen")
    assert parse_money("£1,250.5") == Decimal("1250.50")


def test_pence_round_trip_and_sum_is_exact():
    amounts = [parse_money("15.44")] * 3
    assert sum(amounts) == Decimal("46.32")
    assert to_pence("46.32") == 4632
    assert from_pence(4632) == Decimal("46.32")


def test_format_money():
    assert format_money("1234.5") == "£1,234.50"
    assert format_money("-3.2") == "-£3.20"
