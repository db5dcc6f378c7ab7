"""Unit costs as the national Adult Social Care Finance Return asks for them, with the working shown.

Home care's unit cost there is the weighted average standard hourly rate: each provider's standard rate (the rate
its care was priced from, before weekend and bank holiday enhancements) weighted by the hours paid at it. It is
not spend divided by hours, which carries the enhancements and every other line; that figure is shown beside it so
the difference can be explained. Care bought by the week or the day is costed as the return costs residential
care: gross expenditure over the weeks (or days) of care (ADR 0017)."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Sum

from .market import Table, _year_months
from .reports import pounds

PENNY = Decimal("0.01")


def _rate(pence: int, quantity_x100: int) -> Decimal | str:
    """Pence over a quantity kept in hundredths, as pounds per unit; nothing to divide, a dash."""
    if not quantity_x100:
        return "–"
    return (Decimal(pence) / Decimal(quantity_x100)).quantize(PENNY)


def hourly_rate(council, year: int, service_type_id: int | None = None) -> Table:
    """The weighted average standard hourly rate, provider by provider and in all, from approved runs."""
    months = _year_months(council, year, service_type_id).filter(source="run", hours_x100__gt=0)
    rows = (
        months.values("provider__name")
        .annotate(hours=Sum("hours_x100"), standard=Sum("standard_pence"), spend=Sum("spend_pence"))
        .order_by("provider__name")
    )
    table = Table(
        "hourly",
        "Weighted average standard hourly rate",
        [
            "Provider",
            "Hours paid",
            "Standard hourly rate",
            "Hours at the standard rate",
            "Gross spend",
            "Spend divided by hours",
        ],
    )
    hours = standard = spend = 0
    for r in rows:
        hours, standard, spend = hours + r["hours"], standard + r["standard"], spend + r["spend"]
        table.rows.append(
            [
                r["provider__name"],
                pounds(r["hours"]),
                _rate(r["standard"], r["hours"]),
                pounds(r["standard"]),
                pounds(r["spend"]),
                _rate(r["spend"], r["hours"]),
            ]
        )
    table.rows.append(
        ["Total", pounds(hours), _rate(standard, hours), pounds(standard), pounds(spend), _rate(spend, hours)]
    )
    imported = (
        _year_months(council, year, service_type_id)
        .filter(source="history")
        .aggregate(hours=Sum("hours_x100"))["hours"]
        or 0
    )
    table.note = (
        f"The rate for the return is £{_rate(standard, hours)} an hour: the hours at their standard rates "
        f"(£{pounds(standard):,}) over the hours paid ({pounds(hours):,}). Spend divided by hours "
        f"(£{_rate(spend, hours)}) also carries weekend and bank holiday enhancements and every other line of the "
        "runs."
        if hours
        else "No care paid by the hour in approved runs this year."
    )
    if imported:
        table.note += (
            f" {pounds(imported):,} hours imported from earlier systems are left out: they carry no standard rate."
        )
    return table


def weekly_costs(council, year: int, service_type_id: int | None = None) -> Table:
    """The cost of a week (and of a day) of each service bought by the week or the day: gross expenditure over the
    weeks or days of care, as the return costs residential care."""
    rows = (
        _year_months(council, year, service_type_id)
        .filter(source__in=("run", "history"))
        .values("service_type__name")
        .annotate(spend=Sum("spend_pence"), weeks=Sum("weeks_x100"), days=Sum("days_x100"), hours=Sum("hours_x100"))
        .order_by("service_type__name")
    )
    table = Table(
        "weekly",
        "Cost of a week or a day of care",
        ["Service", "Gross spend", "Weeks of care", "Cost a week", "Days of care", "Cost a day"],
    )
    for r in rows:
        if not (r["weeks"] or r["days"]):
            continue
        table.rows.append(
            [
                r["service_type__name"],
                pounds(r["spend"]),
                pounds(r["weeks"]),
                _rate(r["spend"], r["weeks"]),
                pounds(r["days"]),
                _rate(r["spend"], r["days"]),
            ]
        )
    table.note = (
        "Gross expenditure, before contributions, over the weeks or days paid. A service paid both by the week and "
        "by the day shows both; its spend is counted in each."
    )
    return table


def unit_costs(*, council, year: int, service_type_id: int | None = None) -> list[Table]:
    return [hourly_rate(council, year, service_type_id), weekly_costs(council, year, service_type_id)]
