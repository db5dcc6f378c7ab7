"""One view of the market: any measure of the market's months (spend gross or net, hours, days, weeks, new or
average active packages) by any of its dimensions (provider, service, area, in county or out, route, complexity)
against financial years, for a chosen service and area. Every row names what it sums; a provider's figure opens its
year, and the table exports like every other."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from django.db.models import Sum

from caremarket.domain import insight

from .market import Table
from .models import MarketMonth
from .reports import UNNAMED, pounds

DIMENSIONS = {
    "provider": ("Provider", ("provider_id", "provider__name", "provider_name")),
    "service": ("Service", ("service_type__name",)),
    "area": ("Area", ("area__name",)),
    "county": ("In county or out", ("area__in_county",)),
    "route": ("Route", ("route",)),
    "complexity": ("Complexity", ("need_level__name",)),
    "lot": ("Lot", ("lot__arrangement__reference", "lot__number", "lot__title")),
}
MEASURES = {
    "spend": ("Gross spend (£)", "spend_pence", ("run", "history")),
    "net": ("Spend net of contributions (£)", "spend_pence", ("run", "history")),
    "hours": ("Hours", "hours_x100", ("run", "history")),
    "days": ("Days", "days_x100", ("run", "history")),
    "weeks": ("Weeks", "weeks_x100", ("run", "history")),
    "new": ("New packages", "new_packages", ("placements", "history")),
    "active": ("Active packages, average a month", "active_packages", ("placements", "history")),
    "people": ("People supported, average a month", "active_people", ("placements",)),
}


def _label(by: str, row: dict) -> str:
    if by == "provider":
        return row["provider__name"] or row["provider_name"] or insight.NOT_NAMED
    if by == "county":
        return {True: "In county", False: "Out of county"}.get(row["area__in_county"], "Area not recorded")
    if by == "route":
        return insight.ROUTE_LABELS[insight.Route(row["route"])]
    if by == "lot":
        if not row["lot__number"]:
            return "No lot (spot purchases, imported history)"
        return f"{row['lot__arrangement__reference']} lot {row['lot__number']}: {row['lot__title']}"
    value = row[DIMENSIONS[by][1][0]]
    return value or "Not recorded"


def market_view(
    *, council, by: str, measure: str, service_type_id: int | None = None, area_id: int | None = None
) -> Table:
    """The measure by the dimension and financial year, with each row's total and the years' totals."""
    title, column, sources = MEASURES[measure]
    found = MarketMonth.objects.for_organisation(council).filter(source__in=sources)
    if service_type_id:
        found = found.filter(service_type_id=service_type_id)
    if area_id:
        found = found.filter(area_id=area_id)
    fields = DIMENSIONS[by][1]
    rows = found.values(*fields, "month").annotate(total=Sum(column), less=Sum("contributions_pence"))
    cells: dict[str, dict[int, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    months_in: dict[int, set] = defaultdict(set)
    keys: dict[str, int | None] = {}
    for row in rows.order_by():
        year = insight.financial_year(row["month"])
        label = _label(by, row)
        value = Decimal(row["total"] or 0)
        if measure == "net":
            value -= Decimal(row["less"] or 0)
        cells[label][year] += value
        months_in[year].add(row["month"])
        if by == "provider":
            keys[label] = row["provider_id"] or UNNAMED
    years = sorted(months_in)

    def shown(value: Decimal, year: int | None = None):
        if measure in ("spend", "net", "hours", "days", "weeks"):
            return pounds(int(value))  # pence and hundredths, as pounds and units
        if measure in ("active", "people"):  # summed over the year's months: their average a month
            months = len(months_in[year]) if year is not None else sum(len(m) for m in months_in.values())
            return (value / months).quantize(Decimal("0.1")) if months else Decimal(0)
        return int(value)

    names = [insight.financial_year_name(y) for y in years]
    table = Table("market", f"{title} by {DIMENSIONS[by][0].lower()} and financial year", [DIMENSIONS[by][0]])
    table.header += names + ["All years"]
    for label in sorted(cells, key=lambda name: (-sum(cells[name].values()), name)):
        table.rows.append([label, *(shown(cells[label][y], y) for y in years), shown(sum(cells[label].values()))])
    totals = {y: sum(cells[label][y] for label in cells) for y in years}
    table.rows.append(["Total", *(shown(totals[y], y) for y in years), shown(sum(totals.values()))])
    if by == "provider" and measure in ("spend", "net", "hours"):  # each year's figure opens the provider's year
        from django.urls import reverse

        for label, pk in keys.items():
            for column, year in enumerate(years, start=1):
                if cells[label][year]:
                    url = reverse("insight:provider-year", args=[pk, year])
                    table.links[f"{label}|{column}"] = f"{url}?framework=all"
    table.chart = {"years": years, "keys": keys}
    if measure == "people":
        table.note = "A person is counted once in each row they are supported in; the total adds the rows."
    return table
