"""Key performance indicators computed from what Caremarket itself saw, not from what providers report: each with
its definition, its source, the threshold the contract sets and red, amber and green bands.

Seed 001 (West Sussex home care): primary and secondary providers in level 1 areas accept at least 75% of the
referrals offered to them. Below the threshold is red; within five points above it, amber (at risk); above, green.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum


class Rag(StrEnum):
    RED = "red"
    AMBER = "amber"
    GREEN = "green"


@dataclass(frozen=True)
class Kpi:
    code: str
    name: str
    definition: str
    source: str
    unit: str
    threshold: Decimal  # the contract's minimum, or maximum where lower is better
    amber_margin: Decimal  # how close to the threshold a figure is still at risk
    higher_is_better: bool = True

    def rag(self, value: Decimal | None) -> Rag | None:
        """Red beyond the threshold, amber within the margin of it, green otherwise; none without a figure."""
        if value is None:
            return None
        if self.higher_is_better:
            if value < self.threshold:
                return Rag.RED
            return Rag.AMBER if value < self.threshold + self.amber_margin else Rag.GREEN
        if value > self.threshold:
            return Rag.RED
        return Rag.AMBER if value > self.threshold - self.amber_margin else Rag.GREEN

    @property
    def target(self) -> str:
        """The threshold in words: "at least 75%", "at most 4 hours"."""
        return f"{'at least' if self.higher_is_better else 'at most'} {self.threshold:g}{self.unit_suffix}"

    @property
    def unit_suffix(self) -> str:
        return self.unit if self.unit == "%" else f" {self.unit}"


REFERRAL_ACCEPTANCE = Kpi(
    code="referral-acceptance",
    name="Referral acceptance rate",
    definition=(
        "Of the referrals offered to the provider as a primary or secondary provider in a level 1 area and answered "
        "or timed out in the period, the share it accepted. A referral that went to another provider first, or "
        "whose request was cancelled, is left out: the provider was never asked to decide it."
    ),
    source="Referrals recorded by the cascade (offered, accepted, declined, timed out)",
    unit="%",
    threshold=Decimal(75),
    amber_margin=Decimal(5),
)

# The positions and area level seed 001's acceptance rule applies to.
ACCEPTANCE_POSITIONS = frozenset({"primary", "secondary"})
ACCEPTANCE_AREA_LEVEL = 1


@dataclass(frozen=True)
class AcceptanceCount:
    accepted: int
    declined: int
    timed_out: int

    @property
    def decided(self) -> int:
        """The referrals the provider was asked to decide: accepted, declined or left to time out."""
        return self.accepted + self.declined + self.timed_out

    @property
    def rate(self) -> Decimal | None:
        return acceptance_rate(self.accepted, self.decided)


def acceptance_rate(accepted: int, decided: int) -> Decimal | None:
    """Accepted as a percentage of decided, to one place, half up; none when nothing was decided."""
    if decided <= 0:
        return None
    if not 0 <= accepted <= decided:
        raise ValueError("accepted must be between 0 and the referrals decided")
    return (Decimal(100) * accepted / decided).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def counts_towards_acceptance(step: str, area_level: int) -> bool:
    """Seed 001's rule binds primary and secondary providers in level 1 areas only."""
    return step in ACCEPTANCE_POSITIONS and area_level == ACCEPTANCE_AREA_LEVEL


RESPONSE_TIME = Kpi(
    code="response-time",
    name="Time to answer a referral",
    definition=(
        "The median time from a referral being offered to the provider to its answer, accepted or declined, in "
        "working hours (9:00 to 17:00 on working days, as the deadlines are counted). A referral left to time out "
        "counts as answered at its deadline: not answering is the slowest answer."
    ),
    source="Referrals recorded by the cascade and the ranked approach",
    unit="working hours",
    threshold=Decimal(4),
    amber_margin=Decimal(1),
    higher_is_better=False,
)

ACCEPTANCE_TO_START = Kpi(
    code="acceptance-to-start",
    name="Time from acceptance to start",
    definition="The median number of days from a placement being made (the provider accepting or being awarded) to "
    "the day its care starts.",
    source="Placements",
    unit="days",
    threshold=Decimal(7),
    amber_margin=Decimal(2),
    higher_is_better=False,
)

HOURS_DELIVERED = Kpi(
    code="hours-delivered",
    name="Hours delivered against planned",
    definition=(
        "The hours of home care the provider recorded as delivered in the period, as a share of the hours its "
        "placements planned (each term's weekly hours over the days it ran, less days in hospital)."
    ),
    source="Delivery records against placement terms and hospital stays",
    unit="%",
    threshold=Decimal(95),
    amber_margin=Decimal(3),
)

MISSED_VISITS = Kpi(
    code="missed-visits",
    name="Missed visits",
    definition=(
        "Of the home care visits the placements' visit plans planned in the period (less days in hospital), the "
        "share with no recorded visit within two hours of the planned time: the NICE home care measure. Visits are "
        "judged up to the last day the provider has recorded, and at least up to 14 days ago."
    ),
    source="Visit plans against delivery records and hospital stays",
    unit="%",
    threshold=Decimal(1),
    amber_margin=Decimal("0.5"),
    higher_is_better=False,
)

LATE_VISITS = Kpi(
    code="late-visits",
    name="Late visits",
    definition=(
        "Of the planned visits that were made, the share that started more than 30 minutes after the planned time."
    ),
    source="Visit plans against delivery records",
    unit="%",
    threshold=Decimal(5),
    amber_margin=Decimal(2),
    higher_is_better=False,
)

COMPLAINTS_RATE = Kpi(
    code="complaints-per-1000-hours",
    name="Complaints per 1,000 hours",
    definition="Complaints received about the provider in the period, for every 1,000 hours of care it recorded.",
    source="The complaints log and delivery records",
    unit="per 1,000 hours",
    threshold=Decimal(1),
    amber_margin=Decimal("0.25"),
    higher_is_better=False,
)

ACTION_PLANS_ON_TIME = Kpi(
    code="action-plans-on-time",
    name="Action plans on time",
    definition="Of the action plans due in the period, the share the provider sent by the date they were due.",
    source="Monitoring reports rated Requires improvement or Poor",
    unit="%",
    threshold=Decimal(100),
    amber_margin=Decimal(0),
)

REVIEWS_ON_TIME = Kpi(
    code="reviews-on-time",
    name="Reviews on time",
    definition="Of the reviews against the care plan that fell due in the period, the share the provider recorded by "
    "their due date; a review still not done counts as late.",
    source="Reviews of placements",
    unit="%",
    threshold=Decimal(90),
    amber_margin=Decimal(5),
)

SCORECARD = (
    REFERRAL_ACCEPTANCE,
    RESPONSE_TIME,
    ACCEPTANCE_TO_START,
    HOURS_DELIVERED,
    MISSED_VISITS,
    LATE_VISITS,
    COMPLAINTS_RATE,
    REVIEWS_ON_TIME,
    ACTION_PLANS_ON_TIME,
)


def median(values: list[Decimal]) -> Decimal | None:
    """The middle value (the mean of the middle two for an even count), to one place, half up; none when empty."""
    ordered = sorted(values)
    if not ordered:
        return None
    middle = len(ordered) // 2
    found = ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2
    return Decimal(found).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def share(part: Decimal | int, whole: Decimal | int) -> Decimal | None:
    """Part as a percentage of whole, to one place; none when the whole is nothing."""
    if not whole:
        return None
    return (Decimal(100) * Decimal(part) / Decimal(whole)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def per_thousand(count: int, hours: Decimal) -> Decimal | None:
    """A count for every 1,000 hours, to two places; none without hours."""
    if not hours:
        return None
    return (Decimal(count) * 1000 / Decimal(hours)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def planned_hours(
    weekly_hours: Decimal, start: date, end: date, period_start: date, period_end: date, away_days: int = 0
) -> Decimal:
    """A term's planned hours within a period (both ends counted), less the days the person was away (hospital)."""
    first, last = max(start, period_start), min(end, period_end)
    days = (last - first).days + 1 - away_days
    return weekly_hours * max(days, 0) / 7 if days > 0 else Decimal(0)


# Ranked frameworks re-rank from KPI and price (Essex ranks home care every six months, KPI 50% and price 50%). A
# provider's KPI score is the mean of its figures' points: green 100, amber 50, red 0.
RAG_POINTS = {Rag.GREEN: 100, Rag.AMBER: 50, Rag.RED: 0}
RERANK_EVERY_MONTHS = 6


def kpi_score(rags: list[Rag | None]) -> tuple[Decimal | None, str]:
    """(the KPI score out of 100, its basis in words); none when the provider has no figure yet."""
    banded = [r for r in rags if r is not None]
    if not banded:
        return None, "no KPI figures yet"
    score = (Decimal(sum(RAG_POINTS[r] for r in banded)) / len(banded)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    counts = ", ".join(f"{sum(1 for r in banded if r == rag)} {rag.value}" for rag in (Rag.GREEN, Rag.AMBER, Rag.RED))
    return score, f"{counts} of {len(banded)} figures"
