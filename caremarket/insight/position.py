"""A market position statement for one service (councils publish them for providers): supply, demand and its
forecast, prices against the council's cost of care and the Homecare Association minimum, and quality, generated
from the live figures; the commissioner adds what the council intends and publishes it, and the published
statement is a public page and a CSV, kept as it was published."""

from __future__ import annotations

import statistics
from collections import Counter
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.db.models import Q, Sum
from django.utils import timezone

from caremarket.brokerage.models import CareRequest
from caremarket.core.audit import audit_record, describe_actor
from caremarket.core.errors import ServiceError
from caremarket.domain import forecast, insight
from caremarket.domain.lifecycles import CARE_REQUEST
from caremarket.reference import selectors as reference

from . import capacity
from .market import Table
from .models import MarketMonth, PositionStatement

INTENTIONS_MAX = 5000


def _supply(council, service) -> Table:
    """Providers admitted, capacity, people supported now and block vacancies by area."""
    areas = capacity.by_area(council=council, service_type_id=service.pk)
    table = Table(
        "supply",
        "Supply: providers admitted, capacity and vacancies by area",
        ["Area", "Providers admitted", "Capacity declared (people)", "Supported now", "Block vacancies"],
    )
    providers, totals = set(), [0, 0, 0]
    for area in sorted(areas, key=lambda a: a.name):
        found = areas[area]
        row = [found.total, found.carrying, found.vacancies]
        table.rows.append([area.name, len(found.providers), *row])
        providers |= found.providers
        totals = [a + b for a, b in zip(totals, row, strict=True)]
    table.rows.append(["All areas", len(providers), *totals])
    table.note = "Capacity is what providers declared on their admissions, or the places bought in a block."
    return table


def _demand(council, service, today: date) -> Table:
    from . import forecasting

    this_month = insight.month_of(today)
    months = MarketMonth.objects.for_organisation(council).filter(
        service_type=service, source__in=("placements", "history"), month__lt=this_month
    )
    last = months.order_by("-month").values_list("month", flat=True).first()
    active = months.filter(month=last).aggregate(n=Sum("active_packages"))["n"] if last else 0
    year_ago = date(this_month.year - 1, this_month.month, 1)
    new = months.filter(month__gte=year_ago).aggregate(n=Sum("new_packages"))["n"] or 0
    waiting = CareRequest.objects.for_organisation(council).filter(
        service_type=service, status__in=CARE_REQUEST.group("escalates")
    )
    table = Table("demand", "Demand and its forecast", ["Measure", "Packages", "Minimum", "Maximum"])
    table.rows = [
        [f"Active packages in {last:%B %Y}" if last else "Active packages", active or 0, "", ""],
        ["New packages in the last 12 months", new, "", ""],
        ["Requests unsourced now", waiting.count(), "", ""],
    ]
    try:
        series, made = forecasting.demand_forecast(
            council=council,
            service_type_id=service.pk,
            area_id=None,
            measure="active",
            years="4",
            today=today,
            assess=False,  # the statement shows the forecast, not its trial on the held-back year
        )
    except forecast.TooLittleHistory as short:
        table.note = f"No forecast: {short}."
        return table
    for years in (1, 2, 4):
        point = made.points[min(len(made.points), years * 12) - 1]
        table.rows.append(
            [
                f"Active packages forecast for {point.month:%B %Y}",
                round(point.mean),
                round(point.low),
                round(point.high),
            ]
        )
    table.note = (
        f"Forecast by {made.method[0].lower()}{made.method[1:]}; minimum and maximum: its {made.level}% interval."
    )
    return table


def _prices(council, service, today: date) -> Table:
    from caremarket.finance.models import Rate

    rates = (
        Rate.objects.for_organisation(council)
        .filter(
            Q(service_type=service) | Q(service_type__isnull=True, arrangement__lots__service_types=service),
            starts_on__lte=today,
            add_on="",
        )
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=today))
    )
    by_unit: dict[str, list[Decimal]] = {}
    for unit, amount in rates.distinct().values_list("unit", "amount"):
        by_unit.setdefault(unit, []).append(amount)
    table = Table("prices", "Prices paid now", ["Rate", "Rates in force", "Lowest", "Median", "Highest"])
    for unit, amounts in sorted(by_unit.items()):
        middle = Decimal(statistics.median(amounts)).quantize(Decimal("0.01"))
        table.rows.append([f"Per {unit}", len(amounts), min(amounts), middle, max(amounts)])
    floors = []
    if "hour" in by_unit:
        cost = reference.cost_of_care_on(council, today)
        minimum = reference.minimum_price_on(today)
        below = [a for a in by_unit["hour"] if (cost and a < cost) or (minimum and a < minimum)]
        if cost:
            floors.append(f"the council's cost of care is £{cost} an hour")
        if minimum:
            floors.append(f"the Homecare Association minimum price is £{minimum} an hour")
        if floors:
            floors.append(f"{len(below)} of the {len(by_unit['hour'])} hourly rates are below one of them")
    table.note = ("Against the floors: " + "; ".join(floors) + ".") if floors else ""
    return table


def _quality(council, service) -> Table:
    from caremarket.quality.selectors import latest_published_visits

    latest = latest_published_visits(council=council, service=service)
    counts = Counter(v.get_overall_label() for v in latest.values())
    table = Table("quality", "Quality: the council's latest published rating of each provider", ["Rating", "Providers"])
    table.rows = [[label, n] for label, n in counts.most_common()]
    table.note = (
        f"{len(latest)} providers of this service have a published monitoring report."
        if latest
        else "No monitoring report of this service is published yet."
    )
    return table


def statement_tables(*, council, service, today: date) -> list[Table]:
    return [
        _supply(council, service),
        _demand(council, service, today),
        _prices(council, service, today),
        _quality(council, service),
    ]


@transaction.atomic
def statement_publish(*, council, service, actor, intentions: str, today: date | None = None) -> PositionStatement:
    """Publish the statement as the figures stand, with what the council intends; it stays as published."""
    today = today or timezone.localdate()
    intentions = (intentions or "").strip()
    if not intentions:
        raise ServiceError({"intentions": "Say what the council intends for this market: providers read it first"})
    if len(intentions) > INTENTIONS_MAX:
        raise ServiceError({"intentions": f"Keep what the council intends to {INTENTIONS_MAX:,} characters"})
    tables = statement_tables(council=council, service=service, today=today)
    made = PositionStatement.objects.create(
        council=council,
        service_type=service,
        intentions=intentions,
        figures=[
            {"key": t.key, "title": t.title, "header": t.header, "rows": _plain(t.rows), "note": t.note} for t in tables
        ],
        as_of=today,
        published_by=describe_actor(actor)[0],
    )
    audit_record(actor=actor, organisation=council, action="position_statement.published", target=made)
    return made


def _plain(rows: list[list]) -> list[list]:
    """Figures as text and whole numbers, so the statement is kept exactly as it was published."""
    return [[str(c) if isinstance(c, Decimal) else c for c in row] for row in rows]


def published(*, council, service) -> PositionStatement | None:
    return PositionStatement.objects.for_organisation(council).filter(service_type=service).first()
