"""Market insight: how spend and activity are cut (seeds 001 to 004).

Financial years run April to March and are named as councils write them ("2017/18", seed 004). Every placement and
every imported figure has a market route: how the care was bought. A framework position (primary, secondary,
reserve; seed 001), a ranked framework (seed 004), a call-off competition, a block contract: all are bought through
an arrangement, "framework" spend in seed 004's table. A spot purchase, or care bought off any arrangement, is
"non-framework provision". A direct payment is the person's own purchase (seed 002 counts 83 of 509).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from enum import StrEnum


class Route(StrEnum):
    PRIMARY = "primary"
    SECONDARY = "secondary"
    RESERVE = "reserve"
    FRAMEWORK = "framework"  # admitted to a framework with no position (cascade without positions)
    RANKED = "ranked"
    CALL_OFF = "call-off"
    BLOCK = "block"
    SPOT = "spot"
    OFF_FRAMEWORK = "off-framework"
    DIRECT_PAYMENT = "direct-payment"
    IN_HOUSE = "in-house"


ROUTE_LABELS = {
    Route.PRIMARY: "Framework, primary provider",
    Route.SECONDARY: "Framework, secondary provider",
    Route.RESERVE: "Framework, reserve provider",
    Route.FRAMEWORK: "Framework",
    Route.RANKED: "Ranked framework",
    Route.CALL_OFF: "Call-off competition",
    Route.BLOCK: "Block contract",
    Route.SPOT: "Spot purchase",
    Route.OFF_FRAMEWORK: "Off framework",
    Route.DIRECT_PAYMENT: "Direct payment",
    Route.IN_HOUSE: "In-house",
}

# Bought through an arrangement: seed 004's "framework providers" against "non-framework provision".
FRAMEWORK_ROUTES = frozenset(
    {Route.PRIMARY, Route.SECONDARY, Route.RESERVE, Route.FRAMEWORK, Route.RANKED, Route.CALL_OFF, Route.BLOCK}
)
# spend the old systems did not break down by provider (seed 004's "non-framework provision")
NOT_NAMED = "Providers not named"
POSITIONS = frozenset({"primary", "secondary", "reserve"})


def market_route(*, route: str, position: str = "", funding_route: str = "gross", in_house: bool = False) -> Route:
    """How a placement's care was bought, from how it was sourced (its brokerage route), the position of the
    provider's admission it was placed under, how it is funded, and whether the provider is the council's own
    service."""
    if in_house:
        return Route.IN_HOUSE
    if funding_route == "direct-payment":
        return Route.DIRECT_PAYMENT
    if route == "cascade":
        return Route(position) if position in POSITIONS else Route.FRAMEWORK
    return Route(route)


def is_framework(route: str) -> bool:
    return route in FRAMEWORK_ROUTES


def month_of(day: date) -> date:
    return day.replace(day=1)


def financial_year(day: date) -> int:
    """The year a financial year starts in: 1 April 2017 to 31 March 2018 is 2017."""
    return day.year if day.month >= 4 else day.year - 1


def financial_year_name(year: int) -> str:
    """2017 -> "2017/18"."""
    return f"{year}/{(year + 1) % 100:02d}"


YEARS = range(1990, 2100)  # financial years a report can be asked for


def financial_year_dates(year: int) -> tuple[date, date]:
    return date(year, 4, 1), date(year + 1, 3, 31)


def parse_financial_year(text: str) -> int | None:
    """ "2017/18", "2017-18", "2017" -> 2017; anything else None."""
    text = text.strip()
    head, _, tail = text.replace("-", "/").partition("/")
    if not head.isdigit() or len(head) != 4:
        return None
    year = int(head)
    if tail and (not tail.isdigit() or int(tail) % 100 != (year + 1) % 100):
        return None
    return year


def pence(amount: Decimal) -> Decimal:
    return amount.quantize(Decimal("0.01"))


# --- unmet need (seed 000: a framework reopens only when unmet need is identified) ------------------------------

UNSOURCED_SIGN = 2  # requests left unsourced in one service and area: the market there cannot take them
SPOT_SIGN = 3  # spot purchases in one service and area over SPOT_MONTHS: bought around the framework
SPOT_MONTHS = 6


def unmet_need_signs(*, unsourced: int, spot: int, forecast: str = "") -> list[str]:
    """What says there is unmet need in a service and area, in words; none, none."""
    signs = [forecast[:1].upper() + forecast[1:]] if forecast else []
    if unsourced >= UNSOURCED_SIGN:
        signs.append(f"{unsourced} requests unsourced (a sign from {UNSOURCED_SIGN})")
    if spot >= SPOT_SIGN:
        signs.append(f"{spot} spot purchases in {SPOT_MONTHS} months (a sign from {SPOT_SIGN})")
    return signs


# --- demand against capacity (seed 004: demand forecast over the contract; seed 000: reopen on unmet need) ------

OUTLOOK_MONTHS = 12  # how far ahead the worker looks for forecast demand above capacity


def admission_capacity(*, declared: int | None, block_places: int | None) -> int | None:
    """The people one admission can support at once: what the provider declared, else the places the council
    bought in a block, else not known (never guessed)."""
    if declared is not None:
        return declared
    return block_places


def first_month_over(points, capacity: int, *, attr: str = "mean"):
    """The first forecast month whose figure (`mean`, or `high` for the interval's maximum), in whole packages, is
    above capacity: demand less than one person over it is nobody left without care."""
    for point in points:
        if getattr(point, attr) >= capacity + 0.5:
            return point.month
    return None


def forecast_sign(*, exceeds_from, capacity: int, peak: float) -> str:
    """The forecast's sign of unmet need in words; none, none."""
    if exceeds_from is None:
        return ""
    return f"forecast active packages reach {peak:.0f} against capacity for {capacity} from {exceeds_from:%B %Y}"
