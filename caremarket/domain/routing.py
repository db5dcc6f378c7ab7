"""How a request is offered to providers: the cascade of a tiered framework (seed 001) and the ranked approach
(seed 004), with response deadlines counted in working hours."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

WORKING_DAY_START = time(9, 0)
WORKING_DAY_END = time(17, 0)


def is_working_day(day: date, bank_holidays: frozenset[date] = frozenset()) -> bool:
    return day.weekday() < 5 and day not in bank_holidays


def add_working_hours(start: datetime, hours: float, bank_holidays: frozenset[date] = frozenset()) -> datetime:
    """The moment `hours` working hours (9:00 to 17:00, Monday to Friday, not bank holidays) after `start`."""
    if hours < 0:
        raise ValueError("A deadline cannot be before the offer")
    remaining = timedelta(hours=hours)
    moment = start
    while True:
        day_start = moment.replace(hour=WORKING_DAY_START.hour, minute=0, second=0, microsecond=0)
        day_end = moment.replace(hour=WORKING_DAY_END.hour, minute=0, second=0, microsecond=0)
        if not is_working_day(moment.date(), bank_holidays) or moment >= day_end:
            moment = day_start + timedelta(days=1)
            continue
        moment = max(moment, day_start)
        available = day_end - moment
        if remaining <= available:
            return moment + remaining
        remaining -= available
        moment = day_start + timedelta(days=1)


def working_hours_between(start: datetime, end: datetime, bank_holidays: frozenset[date] = frozenset()) -> float:
    """The working hours (as add_working_hours counts them) from `start` to `end`; none if `end` is not later. Both
    in the council's local time."""
    if end <= start:
        return 0.0
    total = timedelta()
    day = start.date()
    while day <= end.date():
        if is_working_day(day, bank_holidays):
            opens = datetime.combine(day, WORKING_DAY_START, tzinfo=start.tzinfo)
            closes = datetime.combine(day, WORKING_DAY_END, tzinfo=start.tzinfo)
            first, last = max(start, opens), min(end, closes)
            if last > first:
                total += last - first
        day += timedelta(days=1)
    return total.total_seconds() / 3600


@dataclass(frozen=True)
class Step:
    name: str  # primary, secondary, reserve, rank-N
    providers: tuple[str, ...]
    all_at_once: bool = False


def cascade_steps(*, primary: str | None, secondary: str | None, reserve: list[str], eligible: set[str]) -> list[Step]:
    """Primary, then secondary, then the whole reserve list at once; ineligible providers are skipped."""
    steps = []
    if primary and primary in eligible:
        steps.append(Step("primary", (primary,)))
    if secondary and secondary in eligible:
        steps.append(Step("secondary", (secondary,)))
    rest = tuple(p for p in reserve if p in eligible and p not in {primary, secondary})
    if rest:
        steps.append(Step("reserve", rest, all_at_once=True))
    return steps


def ranked_steps(*, ranked: list[str], eligible: set[str]) -> list[Step]:
    """One provider at a time, in rank order (seed 004)."""
    return [Step(f"rank-{n}", (p,)) for n, p in enumerate(ranked, start=1) if p in eligible]
