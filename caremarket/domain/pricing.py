"""Pricing a placement's care for a period: the rules that change the amount (seeds 000, 001, 002, 004).

Everything here is pure: the caller gives the rates in force (as `Rate` rows), the placement's dated terms,
what was delivered, hospital stays and blocks; the functions return `Line`s, each with its own amount rounded
once to the penny (ADR 0004), so a run's total is always the sum of its lines.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from .dated import in_force
from .money import round_money

UNITS = ("hour", "day", "session", "week", "package")
HOSPITAL_PAID_DAYS = 2
MINUTES = Decimal(60)


class PricingError(ValueError):
    pass


@dataclass(frozen=True)
class Rate:
    """A rate in force from `starts_on` (to `ends_on`, inclusive): an amount per unit, and where it came from."""

    id: int | str
    amount: Decimal
    unit: str
    starts_on: date
    ends_on: date | None = None
    source: str = ""


@dataclass(frozen=True)
class Terms:
    starts_on: date
    ends_on: date | None
    hours_per_week: Decimal | None = None
    days_per_week: int | None = None
    weekly: bool = False


@dataclass(frozen=True)
class Visit:
    day: date
    minutes: int
    carers: int = 1
    ref: str = ""


@dataclass(frozen=True)
class Stay:
    admitted_on: date
    discharged_on: date | None
    unplanned: bool = True


@dataclass(frozen=True)
class Rules:
    """A council's rules for an arrangement. Enhancements are percentages added on weekends and bank holidays."""

    pay_on: str = "actual"  # or "planned"
    minimum_minutes: int = 0
    weekend_percent: Decimal = Decimal(0)
    bank_holiday_percent: Decimal = Decimal(0)
    bank_holidays: frozenset[date] = frozenset()


@dataclass(frozen=True)
class Line:
    key: str
    kind: str  # care, add-on, hospital, in-hospital, above-plan, block
    day: date
    quantity: Decimal
    unit: str
    rate: Decimal
    amount: Decimal
    rate_id: int | str | None
    description: str
    flagged: bool = False


def days(start: date, end: date) -> Iterable[date]:
    day = start
    while day <= end:
        yield day
        day += timedelta(days=1)


def week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


def rate_on(rates: Sequence[Rate], day: date) -> Rate | None:
    return in_force(rates, day)


def check_rate_amount(amount: Decimal) -> None:
    if amount is None or amount <= 0:
        raise PricingError("A rate must be more than £0")


def uplift(amount: Decimal, percent: Decimal) -> Decimal:
    """An uplift of `percent` on an amount, rounded once to the penny."""
    if percent <= 0:
        raise PricingError("An uplift is a percentage above 0")
    return round_money(amount * (Decimal(100) + percent) / Decimal(100))


def enhancement(day: date, rules: Rules) -> tuple[Decimal, str]:
    if day in rules.bank_holidays and rules.bank_holiday_percent:
        return rules.bank_holiday_percent, "bank holiday"
    if day.weekday() >= 5 and rules.weekend_percent:
        return rules.weekend_percent, "weekend"
    return Decimal(0), ""


def day_share(weekly: Decimal, day: date) -> Decimal:
    """A day's share of a weekly amount, by cumulative rounding from Monday: the amount due by the end of this day
    of the week, rounded once, less the amount due by the end of the day before. The seven days of a week add up
    to the weekly amount exactly, any run of days from Monday to the correctly rounded share, and any other run
    of days within a penny of it; never a seventh rounded on its own (ADR 0009)."""
    n = day.weekday() + 1
    return round_money(weekly * n / 7) - round_money(weekly * (n - 1) / 7)


def stay_on(day: date, stays: Sequence):
    """The hospital stay covering a day, if any: from admission to the day before discharge (seed 001). Any objects
    with `admitted_on` and `discharged_on` will do (the placement's stay records too)."""
    return next((s for s in stays if s.admitted_on <= day and (s.discharged_on is None or day < s.discharged_on)), None)


def in_hospital(day: date, stays: Sequence[Stay]) -> bool:
    return stay_on(day, stays) is not None


def in_hospital_unpaid(day: date, stays: Sequence[Stay]) -> bool:
    """True on the days of a hospital stay that are not paid: all but the first 2 days of an unplanned stay."""
    for stay in stays:
        end = stay.discharged_on or date.max
        if stay.admitted_on <= day < end:
            paid_until = stay.admitted_on + timedelta(days=HOSPITAL_PAID_DAYS - 1) if stay.unplanned else None
            return paid_until is None or day > paid_until
    return False


def hospital_paid_days(start: date, end: date, stays: Sequence[Stay]) -> list[date]:
    """The first 2 days of each unplanned stay that fall in the period: paid at the planned daily amount."""
    found = []
    for stay in stays:
        if not stay.unplanned:
            continue
        for n in range(HOSPITAL_PAID_DAYS):
            day = stay.admitted_on + timedelta(days=n)
            if start <= day <= end and (stay.discharged_on is None or day < stay.discharged_on):
                found.append(day)
    return found


@dataclass
class Priced:
    lines: list[Line] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def total(self) -> Decimal:
        return sum((line.amount for line in self.lines if not line.flagged), Decimal("0.00"))


def within_assessed_hours(hours: Decimal, left_this_week: Decimal) -> tuple[Decimal, Decimal]:
    """Seed 004: care is paid up to the assessed weekly hours; hours above them without an approved variation are
    not paid. (paid, above) for a visit of `hours` when `left_this_week` of the assessed hours remain."""
    paid = min(hours, max(left_this_week, Decimal(0)))
    return paid, hours - paid


def _line(key, kind, day, quantity, unit, rate: Rate, description, percent=Decimal(0), flagged=False) -> Line:
    price = rate.amount * (Decimal(100) + percent) / Decimal(100)
    amount = Decimal("0.00") if flagged else round_money(quantity * price)
    return Line(key, kind, day, quantity, unit, round_money(price), amount, rate.id, description, flagged)


def _week_line(key, kind, day, hours_per_week: Decimal, rate: Rate, description, percent=Decimal(0)) -> Line:
    """A day's share of a week's hours: the weekly amount shared by `day_share`, so a week adds up exactly."""
    price = rate.amount * (Decimal(100) + percent) / Decimal(100)
    amount = day_share(round_money(hours_per_week * price), day)
    return Line(key, kind, day, hours_per_week / 7, "hour", round_money(price), amount, rate.id, description)


def price_hourly(
    *,
    ref: str,
    start: date,
    end: date,
    rates: Sequence[Rate],
    terms: Sequence[Terms],
    visits: Sequence[Visit],
    stays: Sequence[Stay],
    rules: Rules,
    covered_by_block: set[str] = frozenset(),
) -> Priced:
    """Home care paid by the hour. Actual: each visit, at least the minimum chargeable time, never more hours in
    a week than the terms in force allow (the excess is a flagged line, not paid). Planned: the weekly hours of
    the terms, a seventh a day. Unpaid hospital days are not paid; the first 2 days of an unplanned stay are,
    at the planned daily hours."""
    priced = Priced()
    if rules.pay_on == "planned":
        for day in days(start, end):
            t = in_force(terms, day)
            if t is None or not t.hours_per_week or in_hospital_unpaid(day, stays):
                continue
            rate = rate_on(rates, day)
            if rate is None:
                priced.problems.append(f"{ref}: no rate in force on {day.isoformat()}")
                continue
            percent, why = enhancement(day, rules)
            priced.lines.append(
                _week_line(
                    f"{ref}:care:{day.isoformat()}",
                    "care",
                    day,
                    t.hours_per_week,
                    rate,
                    _why("planned hours", why),
                    percent,
                )
            )
        return priced
    used_by_week: dict[date, Decimal] = defaultdict(Decimal)
    for visit in sorted(visits, key=lambda v: (v.day, v.ref)):
        # visits earlier in the first week count towards its cap but were priced in the run before
        if not week_start(start) <= visit.day <= end or visit.ref in covered_by_block:
            continue
        counted_only = visit.day < start
        t = in_force(terms, visit.day)
        rate = rate_on(rates, visit.day)
        if t is None:
            priced.problems.append(f"{ref}: a visit on {visit.day.isoformat()} is outside the placement's terms")
            continue
        if rate is None:
            priced.problems.append(f"{ref}: no rate in force on {visit.day.isoformat()}")
            continue
        minutes = max(visit.minutes, rules.minimum_minutes) * max(visit.carers, 1)
        hours = Decimal(minutes) / MINUTES
        key = f"{ref}:visit:{visit.ref or visit.day.isoformat()}"
        percent, why = enhancement(visit.day, rules)
        week = week_start(visit.day)
        allowed = (t.hours_per_week or Decimal(0)) - used_by_week[week]
        if counted_only:
            used_by_week[week] += within_assessed_hours(hours, allowed)[0]
            continue
        if in_hospital(visit.day, stays):
            # seed 001: the first 2 days of an unplanned stay are paid once, as hospital days; nothing else is
            priced.lines.append(
                _line(
                    key + ":in-hospital",
                    "in-hospital",
                    visit.day,
                    hours,
                    "hour",
                    rate,
                    "recorded while the person was in hospital: not paid",
                    percent,
                    flagged=True,
                )
            )
            continue
        if t.hours_per_week is not None and hours > allowed:
            paid, _ = within_assessed_hours(hours, allowed)
            if paid > 0:
                priced.lines.append(_line(key, "care", visit.day, paid, "hour", rate, _why("visit", why), percent))
            priced.lines.append(
                _line(
                    key + ":above-plan",
                    "above-plan",
                    visit.day,
                    hours - paid,
                    "hour",
                    rate,
                    f"above the assessed {t.hours_per_week} hours a week without an approved variation: not paid",
                    percent,
                    flagged=True,
                )
            )
            used_by_week[week] += paid
            continue
        used_by_week[week] += hours
        priced.lines.append(_line(key, "care", visit.day, hours, "hour", rate, _why("visit", why), percent))
    for day in hospital_paid_days(start, end, stays):
        t = in_force(terms, day)
        rate = rate_on(rates, day)
        if t is None or rate is None or not t.hours_per_week:
            continue
        priced.lines.append(
            _week_line(
                f"{ref}:hospital:{day.isoformat()}",
                "hospital",
                day,
                t.hours_per_week,
                rate,
                "unplanned hospital admission: first 2 days paid",
            )
        )
    return priced


def price_daily(
    *,
    ref: str,
    start: date,
    end: date,
    rates: Sequence[Rate],
    attendances: Sequence[date],
    planned_days: Sequence[date],
    stays: Sequence[Stay],
    rules: Rules,
    transport_rates: Sequence[Rate] = (),
    transport: bool = False,
) -> Priced:
    """Day services by the attendance day (or planned day), with the transport add-on per attendance day where
    the person is assessed as needing transport and the provider offers it (seed 000)."""
    priced = Priced()
    planned = rules.pay_on == "planned"
    chosen = planned_days if planned else attendances
    for day in sorted(set(chosen)):
        if not start <= day <= end or (planned and in_hospital_unpaid(day, stays)):
            continue
        rate = rate_on(rates, day)
        if rate is None:
            priced.problems.append(f"{ref}: no rate in force on {day.isoformat()}")
            continue
        percent, why = enhancement(day, rules)
        if not planned and in_hospital(day, stays):
            priced.lines.append(
                _line(
                    f"{ref}:day:{day.isoformat()}:in-hospital",
                    "in-hospital",
                    day,
                    Decimal(1),
                    "day",
                    rate,
                    "recorded while the person was in hospital: not paid",
                    percent,
                    flagged=True,
                )
            )
            continue
        priced.lines.append(
            _line(
                f"{ref}:day:{day.isoformat()}", "care", day, Decimal(1), "day", rate, _why("attendance", why), percent
            )
        )
        if transport:
            t_rate = rate_on(transport_rates, day)
            if t_rate is not None:
                priced.lines.append(
                    _line(
                        f"{ref}:transport:{day.isoformat()}",
                        "add-on",
                        day,
                        Decimal(1),
                        "day",
                        t_rate,
                        "transport, per attendance day",
                    )
                )
    if not planned:
        # on actuals the first 2 days of an unplanned stay are paid once, where the person was due to attend
        due = set(planned_days)
        for day in hospital_paid_days(start, end, stays):
            rate = rate_on(rates, day)
            if day in due and rate is not None:
                priced.lines.append(
                    _line(
                        f"{ref}:hospital:{day.isoformat()}",
                        "hospital",
                        day,
                        Decimal(1),
                        "day",
                        rate,
                        "unplanned hospital admission: first 2 days paid",
                    )
                )
    return priced


def price_weekly(
    *, ref: str, start: date, end: date, rates: Sequence[Rate], terms: Sequence[Terms], stays: Sequence[Stay]
) -> Priced:
    """A weekly placement (supported living): a seventh of the weekly rate for each day in force."""
    priced = Priced()
    for day in days(start, end):
        if in_force(terms, day) is None or in_hospital_unpaid(day, stays):
            continue
        rate = rate_on(rates, day)
        if rate is None:
            priced.problems.append(f"{ref}: no rate in force on {day.isoformat()}")
            continue
        priced.lines.append(
            Line(
                f"{ref}:week:{day.isoformat()}",
                "care",
                day,
                Decimal(1) / 7,
                "week",
                rate.amount,
                day_share(round_money(rate.amount), day),
                rate.id,
                "a day of the week",
            )
        )
    return priced


def price_block(*, ref: str, start: date, end: date, hours_per_week: Decimal, rates: Sequence[Rate]) -> Priced:
    """A paid block of hours (seed 001, level 2 areas): paid whatever the use, a seventh of the week a day."""
    priced = Priced()
    for day in days(start, end):
        rate = rate_on(rates, day)
        if rate is None:
            priced.problems.append(f"{ref}: no rate in force on {day.isoformat()}")
            continue
        priced.lines.append(
            Line(
                f"{ref}:block:{day.isoformat()}",
                "block",
                day,
                hours_per_week / 7,
                "hour",
                rate.amount,
                day_share(round_money(hours_per_week * rate.amount), day),
                rate.id,
                "block of hours, paid whatever the use",
            )
        )
    return priced


def block_utilisation(block_hours: Decimal, used_hours: Decimal) -> Decimal:
    """Share of a block's hours used, as a percentage to one decimal place."""
    if block_hours <= 0:
        return Decimal(0)
    return (used_hours / block_hours * 100).quantize(Decimal("0.1"))


def adjustment(*, key: str, paid: Decimal, now_due: Decimal) -> Decimal:
    """What a backdated change makes due for a line already paid: the difference, never a rewrite."""
    return round_money(now_due - paid)


def _why(what: str, enhancement_reason: str) -> str:
    return f"{what}, {enhancement_reason} enhancement" if enhancement_reason else what


# -- cost of care (floors) ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CostOfCare:
    """The parts of an hourly home care rate (a cost of care exercise): pay plus percentages on top."""

    pay_per_hour: Decimal
    on_costs_percent: Decimal  # employer NI, pension, holiday pay
    travel_percent: Decimal  # paid travel time, as a share of contact time
    mileage_per_hour: Decimal
    training_percent: Decimal
    supervision_percent: Decimal
    overheads_percent: Decimal
    return_percent: Decimal

    def hourly_rate(self) -> Decimal:
        pay = self.pay_per_hour * (1 + self.travel_percent / 100)
        staff = pay * (1 + (self.on_costs_percent + self.training_percent + self.supervision_percent) / 100)
        direct = staff + self.mileage_per_hour
        with_overheads = direct * (1 + self.overheads_percent / 100)
        return round_money(with_overheads * (1 + self.return_percent / 100))


def floor_flags(amount: Decimal, *, cost_of_care: Decimal | None, minimum_price: Decimal | None) -> list[str]:
    """Why a rate is below a floor: the council's cost of care or the Homecare Association minimum price."""
    flags = []
    if cost_of_care is not None and amount < cost_of_care:
        flags.append(f"below the cost of care (£{cost_of_care})")
    if minimum_price is not None and amount < minimum_price:
        flags.append(f"below the Homecare Association minimum price (£{minimum_price})")
    return flags
