"""Purchasing arrangements: mechanisms, legal regimes, the lifecycle, application windows and notices.

Everything here is plain data and rules; the arrangements app stores it and the services apply it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from .dated import in_force


class Mechanism(StrEnum):
    BLOCK_CONTRACT = "block_contract"
    TIERED_FRAMEWORK = "tiered_framework"
    RANKED_FRAMEWORK = "ranked_framework"
    FLEXIBLE_FRAMEWORK = "flexible_framework"
    DYNAMIC_PURCHASING_SYSTEM = "dynamic_purchasing_system"
    DYNAMIC_MARKET = "dynamic_market"
    OPEN_FRAMEWORK = "open_framework"


MECHANISM_LABELS = {
    Mechanism.BLOCK_CONTRACT: "Block contract",
    Mechanism.TIERED_FRAMEWORK: "Framework with primary, secondary and reserve positions per area",
    Mechanism.RANKED_FRAMEWORK: "Ranked framework",
    Mechanism.FLEXIBLE_FRAMEWORK: "Flexible framework (flexible purchasing system)",
    Mechanism.DYNAMIC_PURCHASING_SYSTEM: "Dynamic purchasing system (Public Contracts Regulations 2015)",
    Mechanism.DYNAMIC_MARKET: "Dynamic market (Procurement Act 2023)",
    Mechanism.OPEN_FRAMEWORK: "Open framework (Procurement Act 2023)",
}


class Regime(StrEnum):
    PCR_2015_LIGHT_TOUCH = "pcr_2015_light_touch"
    PROCUREMENT_ACT_2023 = "procurement_act_2023"


REGIME_LABELS = {
    Regime.PCR_2015_LIGHT_TOUCH: "Public Contracts Regulations 2015, light touch regime",
    Regime.PROCUREMENT_ACT_2023: "Procurement Act 2023",
}

# Always open to applications while the arrangement runs.
ALWAYS_OPEN = frozenset({Mechanism.DYNAMIC_PURCHASING_SYSTEM, Mechanism.DYNAMIC_MARKET})
# Open in windows after the first one: on a schedule or when unmet need is recorded.
WINDOWED = frozenset({Mechanism.FLEXIBLE_FRAMEWORK, Mechanism.OPEN_FRAMEWORK})
# Seed 003: a request is bought by a call-off competition among the providers on a flexible framework or a
# purchasing system; tiered and ranked frameworks route by position or rank instead.
CALL_OFF = (
    Mechanism.FLEXIBLE_FRAMEWORK,
    Mechanism.DYNAMIC_PURCHASING_SYSTEM,
    Mechanism.DYNAMIC_MARKET,
    Mechanism.OPEN_FRAMEWORK,
)
PA_2023_ONLY = frozenset({Mechanism.DYNAMIC_MARKET, Mechanism.OPEN_FRAMEWORK})
PCR_2015_ONLY = frozenset({Mechanism.DYNAMIC_PURCHASING_SYSTEM})
PA_2023_IN_FORCE = date(2025, 2, 24)


class Status(StrEnum):
    DRAFT = "draft"
    OPEN = "open"
    EVALUATING = "evaluating"
    LIVE = "live"
    EXPIRED = "expired"
    TERMINATED = "terminated"


STATUS_LABELS = {
    Status.DRAFT: "Draft",
    Status.OPEN: "Open for applications",
    Status.EVALUATING: "Evaluating",
    Status.LIVE: "Live",
    Status.EXPIRED: "Expired",
    Status.TERMINATED: "Terminated",
}

TRANSITIONS = {
    Status.DRAFT: {Status.OPEN},
    Status.OPEN: {Status.EVALUATING, Status.TERMINATED},
    Status.EVALUATING: {Status.LIVE, Status.OPEN, Status.TERMINATED},
    Status.LIVE: {Status.EXPIRED, Status.TERMINATED},
    Status.EXPIRED: set(),
    Status.TERMINATED: set(),
}

# Once live, only these may change (everything else was the basis of the procurement).
# The response time is how brokerage runs day to day, not a term of the procurement: it may change while live.
EDITABLE_WHEN_LIVE = frozenset({"description", "contact_name", "contact_email", "contact_phone", "response_hours"})
RESPONSE_HOURS_RANGE = (0.5, 120)


class ArrangementRuleError(ValueError):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


def check_transition(current: Status, target: Status) -> None:
    if target not in TRANSITIONS[current]:
        allowed = ", ".join(STATUS_LABELS[s].lower() for s in sorted(TRANSITIONS[current])) or "nothing"
        raise ArrangementRuleError(
            "status",
            f"An arrangement that is {STATUS_LABELS[current].lower()} cannot become "
            f"{STATUS_LABELS[target].lower()}; it can become: {allowed}",
        )


def check_editable(status: Status, changed_fields: set[str]) -> None:
    if status in {Status.DRAFT, Status.OPEN, Status.EVALUATING}:
        return
    frozen = sorted(changed_fields - EDITABLE_WHEN_LIVE)
    if frozen:
        raise ArrangementRuleError(
            frozen[0],
            f"Once an arrangement is {STATUS_LABELS[status].lower()}, only its contact details, description and "
            f"response time can change (not: {', '.join(frozen)})",
        )


def months_between(start: date, end: date) -> int:
    return (end.year - start.year) * 12 + end.month - start.month - (1 if end.day < start.day else 0)


def check_terms(
    *, mechanism: Mechanism, regime: Regime, starts_on: date | None, ends_on: date | None, max_extension_months: int
) -> None:
    if starts_on is None:
        raise ArrangementRuleError("starts_on", "Enter the date the arrangement starts")
    if ends_on is None:
        raise ArrangementRuleError("ends_on", "Enter the date the arrangement ends")
    if ends_on <= starts_on:
        raise ArrangementRuleError("ends_on", "The end date must be after the start date")
    if max_extension_months < 0:
        raise ArrangementRuleError("max_extension_months", "The extension cannot be negative")
    months = months_between(starts_on, ends_on)
    if mechanism == Mechanism.BLOCK_CONTRACT and not 60 <= months + max_extension_months <= 120:
        raise ArrangementRuleError("ends_on", "A block contract runs for 5 to 10 years, extensions included (seed 002)")
    if mechanism == Mechanism.OPEN_FRAMEWORK and months + max_extension_months > 96:
        raise ArrangementRuleError("ends_on", "An open framework can run for at most 8 years, extensions included")
    if mechanism in PA_2023_ONLY and regime != Regime.PROCUREMENT_ACT_2023:
        raise ArrangementRuleError(
            "regime", f"A {MECHANISM_LABELS[mechanism].lower()} exists only under the Procurement Act 2023"
        )
    if mechanism in PCR_2015_ONLY and regime != Regime.PCR_2015_LIGHT_TOUCH:
        raise ArrangementRuleError(
            "regime",
            "A dynamic purchasing system exists only under the Public Contracts "
            "Regulations 2015; under the Procurement Act 2023 use a dynamic market",
        )
    if mechanism in PCR_2015_ONLY and starts_on >= PA_2023_IN_FORCE:
        raise ArrangementRuleError(
            "starts_on", "No new dynamic purchasing system can start on or after 24 February 2025; use a dynamic market"
        )


@dataclass(frozen=True)
class Window:
    opens_at: datetime
    closes_at: datetime | None
    closed: bool = False  # closed by the worker (or early), whatever its planned closing time


def add_months(moment: datetime, months: int) -> datetime:
    """The same day so many months later (the last day of the month where that day does not exist)."""
    month = moment.month - 1 + months
    year = moment.year + month // 12
    month = month % 12 + 1
    day = min(
        moment.day,
        [31, 29 if year % 4 == 0 and (year % 100 or year % 400 == 0) else 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][
            month - 1
        ],
    )
    return moment.replace(year=year, month=month, day=day)


def accepts_applications(mechanism: Mechanism, status: Status, windows: list[Window], now: datetime) -> bool:
    """Whether a provider may submit an application now."""
    if status in {Status.DRAFT, Status.EXPIRED, Status.TERMINATED}:
        return False
    if mechanism in ALWAYS_OPEN:
        return True
    open_window = any(
        not w.closed and w.opens_at <= now and (w.closes_at is None or now < w.closes_at) for w in windows
    )
    if status == Status.OPEN:
        return open_window or not windows
    return mechanism in WINDOWED and status == Status.LIVE and open_window


def why_closed(mechanism: Mechanism, status: Status) -> str:
    if status == Status.DRAFT:
        return "This arrangement has not opened yet"
    if status in {Status.EXPIRED, Status.TERMINATED}:
        return f"This arrangement has {status.value} and accepts no applications"
    if mechanism in WINDOWED:
        return "This arrangement accepts applications only while an application window is open"
    return "This arrangement is closed to new applications"


@dataclass(frozen=True)
class Threshold:
    regime: Regime
    amount: Decimal
    starts_on: date
    ends_on: date | None = None


# Light-touch thresholds, including VAT; dated data, not code branches (ADR 0005).
LIGHT_TOUCH_THRESHOLDS = [
    # Procurements begun under the 2015 regulations run on under them after 24 February 2025.
    Threshold(Regime.PCR_2015_LIGHT_TOUCH, Decimal("663540"), date(2022, 1, 1)),
    Threshold(Regime.PROCUREMENT_ACT_2023, Decimal("663540"), date(2025, 2, 24)),
]


def threshold_on(regime: Regime, on: date) -> Threshold | None:
    return in_force([t for t in LIGHT_TOUCH_THRESHOLDS if t.regime == regime], on)


@dataclass(frozen=True)
class Notice:
    code: str
    title: str
    when: str


def required_notices(*, mechanism: Mechanism, regime: Regime, estimated_value: Decimal, on: date) -> list[Notice]:
    """The notices an arrangement must publish under its regime, for its value, on a date."""
    threshold = threshold_on(regime, on)
    if threshold is None or estimated_value < threshold.amount:
        return []
    if regime == Regime.PCR_2015_LIGHT_TOUCH:
        return [
            Notice("contract-notice", "Contract notice (Find a Tender)", "before inviting applications"),
            Notice(
                "contract-award-notice",
                "Contract award notice",
                "within 30 days of each award (may be grouped quarterly under the light touch regime)",
            ),
        ]
    notices = [
        Notice("tender-notice", "Tender notice (UK4)", "before inviting applications"),
    ]
    if mechanism == Mechanism.DYNAMIC_MARKET:
        notices = [
            Notice("dynamic-market-notice", "Dynamic market notice (UK15)", "when the market is established"),
            Notice(
                "dynamic-market-modification", "Dynamic market notice (UK16), modification", "when the market changes"
            ),
            Notice("dynamic-market-cessation", "Dynamic market notice (UK17), cessation", "when the market closes"),
        ]
    notices += [
        Notice("contract-award-notice", "Contract award notice (UK6)", "before entering into each contract"),
        Notice("contract-details-notice", "Contract details notice (UK7)", "within 30 days of entering into it"),
    ]
    return notices
