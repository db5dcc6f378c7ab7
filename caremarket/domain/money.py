"""Money is exact: amounts are Decimal pounds with two places, or integer pence; never float.

One rounding rule for the whole product: half up to the penny, applied once, at the end of
a calculation (ADR 0004).
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

PENNY = Decimal("0.01")


class MoneyError(ValueError):
    """A value that cannot be an amount of money."""


def to_decimal(value: Decimal | int | str) -> Decimal:
    """Parse pounds from a Decimal, an int or a string such as '15.44' or '£1,250.00'."""
    if isinstance(value, float):
        raise MoneyError("Money must not be a float; give a string or a Decimal.")
    if isinstance(value, bool):
        raise MoneyError("Money must be a number, not true or false.")
    if isinstance(value, str):
        value = value.strip().replace("£", "").replace(",", "")
        if not value:
            raise MoneyError("Enter an amount of money.")
    try:
        amount = Decimal(value)
    except (InvalidOperation, TypeError) as exc:
        raise MoneyError(f"'{value}' is not an amount of money.") from exc
    if not amount.is_finite():
        raise MoneyError("Money must be a finite amount.")
    return amount


def round_money(value: Decimal | int | str) -> Decimal:
    """Round to the penny, half up (the product's one rounding rule)."""
    return to_decimal(value).quantize(PENNY, rounding=ROUND_HALF_UP)


def parse_money(value: Decimal | int | str) -> Decimal:
    """Parse an amount entered by a person: at most two decimal places, never rounded silently."""
    amount = to_decimal(value)
    if amount != amount.quantize(PENNY):
        raise MoneyError("Money has at most 2 decimal places (pence).")
    return amount.quantize(PENNY)


def to_pence(value: Decimal | int | str) -> int:
    return int(round_money(value) * 100)


def from_pence(pence: int) -> Decimal:
    if not isinstance(pence, int) or isinstance(pence, bool):
        raise MoneyError("Pence must be a whole number.")
    return (Decimal(pence) / 100).quantize(PENNY)


def format_money(value: Decimal | int | str) -> str:
    """'£1,234.50', '-£3.20'."""
    amount = round_money(value)
    sign = "-" if amount < 0 else ""
    return f"{sign}£{abs(amount):,.2f}"


def format_change(value: Decimal | int | str) -> str:
    """A change in money, always signed: '+£1,234.50', '-£3.20', '£0.00'."""
    amount = round_money(value)
    return ("+" if amount > 0 else "") + format_money(amount)


def format_quantity(value: Decimal | int) -> str:
    """A count or a quantity without trailing zeros: '1,234', '12.5'."""
    if isinstance(value, int):
        return f"{value:,}"
    text = f"{Decimal(value).quantize(Decimal('0.01')):,.2f}"
    return text.rstrip("0").rstrip(".") if "." in text else text
