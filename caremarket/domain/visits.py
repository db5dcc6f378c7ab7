"""Planned visits and what happened to them: a placement's visit plan says which days, at what time and for how
long the provider's carers call; set against the visits the provider recorded, each planned visit was made on time,
made late, or missed (the NICE home care measure: a planned visit with no record of it happening).

A recorded visit is matched to the planned visit it is nearest to on the same day, within two hours either side; one
recorded visit answers one planned visit. A visit that starts more than 30 minutes after its planned time is late
(the tolerance most councils' home care contracts set); an early start is not late.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time, timedelta
from enum import StrEnum

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
EVERY_DAY = frozenset(range(7))
WEEKDAYS_ONLY = frozenset(range(5))
WEEKEND = frozenset({5, 6})

MATCH_WITHIN_MINUTES = 120
# Providers record visits in arrears (uploads from their rostering systems). Planned visits are judged up to the
# last day the provider has recorded, but never less than RECORDING_LAG_DAYS ago: a provider that stops recording
# has its planned visits counted missed.
RECORDING_LAG_DAYS = 14
LATE_AFTER_MINUTES = 30
LONGEST_VISIT_MINUTES = 12 * 60
MOST_VISITS_A_DAY = 8


class Outcome(StrEnum):
    ON_TIME = "on time"
    LATE = "late"
    MISSED = "missed"


@dataclass(frozen=True)
class PlannedVisit:
    """One line of a visit plan: the days of the week (0 is Monday), the time, how long, how many carers."""

    days: frozenset[int]
    start: time
    minutes: int
    carers: int = 1

    @property
    def days_text(self) -> str:
        return days_text(self.days)


def days_mask(days: frozenset[int] | set[int]) -> int:
    """The days as a number the database can hold and check: Monday 1, Tuesday 2, ... Sunday 64."""
    return sum(1 << d for d in days)


def days_of(mask: int) -> frozenset[int]:
    return frozenset(d for d in range(7) if mask & (1 << d))


def days_text(days: frozenset[int]) -> str:
    """ "Every day", "Monday to Friday", "Saturday and Sunday", or the days named."""
    if days == EVERY_DAY:
        return "Every day"
    if days == WEEKDAYS_ONLY:
        return "Monday to Friday"
    named = [WEEKDAYS[d] for d in sorted(days)]
    return named[0] if len(named) == 1 else f"{', '.join(named[:-1])} and {named[-1]}"


def check_plan(visits: list[PlannedVisit], numbers: list[int] | None = None) -> dict[str, str]:
    """What is wrong with a visit plan, by line ("visits", "visit-2"), in words; empty when it is fine. Lines are
    numbered from 1 unless their numbers are given (a form's lines, some left empty). Two visits on the same day may
    not overlap: a carer cannot be in two calls to one person at once."""
    errors: dict[str, str] = {}
    if not visits:
        return {"visits": "Enter at least one planned visit: its days, time and length"}
    numbers = numbers or list(range(1, len(visits) + 1))
    for n, visit in zip(numbers, visits, strict=True):
        if not visit.days:
            errors[f"visit-{n}"] = f"Visit {n}: choose the days of the week it happens"
        elif not 0 < visit.minutes <= LONGEST_VISIT_MINUTES:
            errors[f"visit-{n}"] = f"Visit {n}: a visit lasts from 1 minute to {LONGEST_VISIT_MINUTES // 60} hours"
        elif visit.carers < 1:
            errors[f"visit-{n}"] = f"Visit {n}: at least one carer makes a visit"
        elif minute_of_day(visit.start) + visit.minutes > 24 * 60:
            errors[f"visit-{n}"] = f"Visit {n}: a visit must end by midnight"
    if errors:
        return errors
    for day in range(7):
        that_day = sorted((v for v in visits if day in v.days), key=lambda v: v.start)
        if len(that_day) > MOST_VISITS_A_DAY:
            return {"visits": f"At most {MOST_VISITS_A_DAY} visits a day; {WEEKDAYS[day]} has {len(that_day)}"}
        for earlier, later in zip(that_day, that_day[1:], strict=False):
            if minute_of_day(earlier.start) + earlier.minutes > minute_of_day(later.start):
                n = numbers[visits.index(later)]
                return {
                    f"visit-{n}": f"Visit {n} at {later.start:%H:%M} starts before the visit at "
                    f"{earlier.start:%H:%M} on {WEEKDAYS[day]} has ended"
                }
    return {}


def judged_until(end: date, last_recorded: date | None) -> date:
    """The last day of a period whose planned visits are judged, given the provider's latest recorded visit."""
    floor = end - timedelta(days=RECORDING_LAG_DAYS)
    return min(end, max(last_recorded or floor, floor))


def planned_on(visits: list[PlannedVisit], day: date) -> list[time]:
    """The planned start times on a day, earliest first."""
    return sorted(v.start for v in visits if day.weekday() in v.days)


def minute_of_day(t: time) -> int:
    return t.hour * 60 + t.minute


def as_time(minute: int) -> time:
    return time(minute // 60, minute % 60)


def minutes_between(planned: time, actual: time) -> int:
    """How many minutes after the planned time a visit started (negative when early)."""
    return minute_of_day(actual) - minute_of_day(planned)


def match_minutes(planned: list[int], recorded: list[int]) -> list[int | None]:
    """Each planned start (minutes into the day) with the recorded start that answers it, or none: the closest pairs
    first, each recorded visit used once, none further than MATCH_WITHIN_MINUTES away. Minutes rather than times,
    because a year of a large council's visits is over a million of them."""
    if len(planned) == len(recorded):
        # Most days: each visit made near its time. When every pair in order is closer than half the gap between
        # planned starts, each is the other's nearest, so the closest-first matching pairs them in order.
        widest = max((abs(r - p) for p, r in zip(planned, recorded, strict=True)), default=0)
        spacing = min((b - a for a, b in zip(planned, planned[1:], strict=False)), default=24 * 60)
        if widest <= MATCH_WITHIN_MINUTES and widest * 2 < spacing:
            return list(recorded)
    pairs = sorted(
        (gap, i, j)
        for i, p in enumerate(planned)
        for j, r in enumerate(recorded)
        if (gap := abs(r - p)) <= MATCH_WITHIN_MINUTES
    )
    answered: dict[int, int] = {}
    used: set[int] = set()
    for _, i, j in pairs:
        if i not in answered and j not in used:
            answered[i] = j
            used.add(j)
    return [recorded[answered[i]] if i in answered else None for i in range(len(planned))]


def match_day(planned: list[time], recorded: list[time]) -> list[tuple[time, time | None]]:
    """match_minutes for times."""
    found = match_minutes([minute_of_day(p) for p in planned], [minute_of_day(r) for r in recorded])
    return [(p, None if m is None else as_time(m)) for p, m in zip(planned, found, strict=True)]


def outcome_minutes(planned: int, actual: int | None) -> Outcome:
    if actual is None:
        return Outcome.MISSED
    return Outcome.LATE if actual - planned > LATE_AFTER_MINUTES else Outcome.ON_TIME


def judge_day(planned: list[int], recorded: list[int]) -> dict[Outcome, int]:
    """A day's planned visits counted by outcome."""
    found = {Outcome.ON_TIME: 0, Outcome.LATE: 0, Outcome.MISSED: 0}
    for at, actual in zip(planned, match_minutes(planned, recorded), strict=True):
        found[outcome_minutes(at, actual)] += 1
    return found


def outcome(planned: time, actual: time | None) -> Outcome:
    return outcome_minutes(minute_of_day(planned), None if actual is None else minute_of_day(actual))
