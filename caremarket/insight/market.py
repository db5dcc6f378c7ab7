"""The seeds' own reports, generated from the market's months and the records behind them, one financial year at a
time: placements and spend in and out of county by complexity (seed 002), the share of hours by framework position
and route (seed 001), unsourced requests over time and how long each has waited (seed 000), the time to source by
route and area, in-house against external provision with the people who use both (seed 003), and spot purchases by
their reason (seeds 003 and 004). Each is a table (kept whole for its CSV and XLSX) and, where a chart says it
better, a chart beside it."""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db.models import Max, Q, Sum
from django.utils import timezone

from caremarket.brokerage.models import CareRequestStatusChange, Placement
from caremarket.domain import insight
from caremarket.domain.lifecycles import CARE_REQUEST

from .models import MarketMonth
from .reports import pounds

SPEND_SOURCES = ("run", "history")
ACTIVITY_SOURCES = ("placements", "history")
NOT_RECORDED = "Not recorded"


@dataclass
class Table:
    key: str
    title: str
    header: list[str]
    rows: list[list] = field(default_factory=list)
    numeric: int = 1  # columns from this one on are figures
    note: str = ""
    chart: object = None
    links: dict = field(default_factory=dict)  # (row, column) -> the page behind that figure


def _pct(part, whole) -> Decimal:
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1")) if whole else Decimal(0)


def years_with_data(council) -> list[int]:
    months = MarketMonth.objects.for_organisation(council).dates("month", "month")
    return sorted({insight.financial_year(m) for m in months}, reverse=True)


def _year_months(council, year: int, service_type_id: int | None):
    start, end = insight.financial_year_dates(year)
    found = MarketMonth.objects.for_organisation(council).filter(month__gte=start, month__lte=end)
    return found.filter(service_type_id=service_type_id) if service_type_id else found


def county_by_complexity(council, year: int, service_type_id: int | None = None) -> Table:
    """Seed 002: placements and gross spend in county and out of county, by complexity (need level). Placements
    are those active in the year's last month with figures; spend is the whole year's."""
    months = _year_months(council, year, service_type_id)
    last = months.filter(source__in=ACTIVITY_SOURCES).aggregate(last=Max("month"))["last"]
    people = (
        months.filter(source__in=ACTIVITY_SOURCES, month=last)
        .values("need_level__name", "area__in_county")
        .annotate(n=Sum("active_packages"))
        if last
        else []
    )
    spend = (
        months.filter(source__in=SPEND_SOURCES)
        .values("need_level__name", "area__in_county")
        .annotate(p=Sum("spend_pence"))
        .order_by()
    )
    cells: dict[str, dict] = defaultdict(lambda: defaultdict(int))
    for r in people:
        cells[r["need_level__name"] or NOT_RECORDED][("n", r["area__in_county"])] += r["n"] or 0
    for r in spend:
        cells[r["need_level__name"] or NOT_RECORDED][("p", r["area__in_county"])] += r["p"] or 0
    table = Table(
        "county",
        "Placements and spend in and out of county, by complexity",
        [
            "Complexity",
            "In county: placements",
            "In county: gross spend",
            "Out of county: placements",
            "Out of county: gross spend",
            "Area not recorded: placements",
            "Area not recorded: gross spend",
            "All placements",
            "All gross spend",
        ],
    )
    totals = [0] * 8
    for level in sorted(cells, key=lambda name: (name == NOT_RECORDED, name)):
        c = cells[level]
        figures = [c[("n", True)], c[("p", True)], c[("n", False)], c[("p", False)], c[("n", None)], c[("p", None)]]
        figures += [figures[0] + figures[2] + figures[4], figures[1] + figures[3] + figures[5]]
        totals = [a + b for a, b in zip(totals, figures, strict=True)]
        table.rows.append([level, *_money_every_other(figures)])
    table.rows.append(["Total", *_money_every_other(totals)])
    if not (totals[4] or totals[5]):  # every area known: no column for the unknown
        table.header = table.header[:5] + table.header[7:]
        table.rows = [row[:5] + row[7:] for row in table.rows]
    providers = (
        months.filter(source__in=ACTIVITY_SOURCES, month=last, active_packages__gt=0)
        .exclude(provider__isnull=True)
        .values("provider")
        .distinct()
        .count()
        if last
        else 0
    )
    direct = (
        months.filter(source__in=ACTIVITY_SOURCES, month=last, route=insight.Route.DIRECT_PAYMENT).aggregate(
            n=Sum("active_packages")
        )["n"]
        if last
        else 0
    )
    table.note = (
        f"Placements active in {last:%B %Y}: {totals[6]:,} with {providers:,} providers, {direct or 0:,} of them "
        "through direct payments. Spend is the whole year's, gross of contributions."
        if last
        else "No placements recorded in this year."
    )
    return table


def _money_every_other(figures: list[int]) -> list:
    """Counts and pence, alternately, as counts and pounds."""
    return [pounds(v) if i % 2 else v for i, v in enumerate(figures)]


def hours_by_route(council, year: int, service_type_id: int | None = None) -> Table:
    """Seed 001: the share of hours (and of spend) by framework position and route: about a quarter of West
    Sussex's services came from reserve providers."""
    from . import charts

    rows = (
        _year_months(council, year, service_type_id)
        .filter(source__in=SPEND_SOURCES)
        .values("route")
        .annotate(hours=Sum("hours_x100"), spend=Sum("spend_pence"))
        .order_by()
    )
    found = {r["route"]: r for r in rows}
    hours = sum(r["hours"] or 0 for r in rows)
    spend = sum(r["spend"] or 0 for r in rows)
    table = Table("routes", "Hours and spend by framework position and route", ["Route", "Hours", "Share of hours %"])
    table.header += ["Gross spend", "Share of spend %"]
    for route in insight.Route:
        r = found.get(route.value)
        if r is None:
            continue
        table.rows.append(
            [
                insight.ROUTE_LABELS[route],
                pounds(r["hours"] or 0),
                _pct(r["hours"] or 0, hours),
                pounds(r["spend"] or 0),
                _pct(r["spend"] or 0, spend),
            ]
        )
    table.rows.append(["Total", pounds(hours), Decimal(100) if hours else Decimal(0), pounds(spend), Decimal(100)])
    table.chart = charts.bar_chart([(row[0], float(row[2])) for row in table.rows[:-1]], unit="%")
    table.note = "Hours are the hours paid for care by the hour; day and weekly services count in spend only."
    return table


def unsourced_over_time(council, *, today: date, months: int = 24) -> Table:
    """Seed 000: requests left unsourced, at the end of each month (from each request's status history), and the
    ones waiting now with how long each has waited."""
    from . import charts

    waiting = set(CARE_REQUEST.group("escalates"))
    changes = (
        CareRequestStatusChange.objects.filter(request__council=council)
        .filter(Q(to_status__in=waiting) | Q(from_status__in=waiting))
        .values_list("request_id", "from_status", "to_status", "changed_at")
    )
    spells: dict[int, list] = defaultdict(list)
    for request_id, before, after, at in sorted(changes, key=lambda c: (c[0], c[3])):
        if after in waiting and before not in waiting:
            spells[request_id].append([at, None])
        elif before in waiting and after not in waiting and spells[request_id]:
            spells[request_id][-1][1] = at
    ends = []
    month = insight.month_of(today)
    for _ in range(months):
        ends.append(month)
        month = insight.month_of(month - timedelta(days=1))
    ends.reverse()
    zone = timezone.get_current_timezone()
    series, started = [], Counter()
    for spell in (s for found in spells.values() for s in found):
        started[insight.month_of(timezone.localdate(spell[0]))] += 1
    for first in ends:
        close = min(
            datetime.combine((first + timedelta(days=32)).replace(day=1), time.min, tzinfo=zone), timezone.now()
        )
        count = sum(1 for found in spells.values() for s in found if s[0] < close and (s[1] is None or s[1] >= close))
        series.append((first, count))
    table = Table(
        "unsourced",
        "Requests unsourced, month by month",
        ["Month", "Became unsourced", "Unsourced at the month's end (or now)"],
    )
    table.rows = [[m.strftime("%B %Y"), started.get(m, 0), n] for m, n in series]
    now = [s[0] for found in spells.values() for s in found if s[1] is None]
    table.note = f"{len(now)} waiting now" + (
        f", the longest for {max((today - timezone.localdate(at)).days for at in now)} days"
        f" and half of them for {statistics.median((today - timezone.localdate(at)).days for at in now):.0f} "
        "days or more; each is listed on the unmet need page."
        if now
        else "."
    )
    table.chart = charts.forecast_chart(series, [])
    return table


def time_to_source(council, year: int, service_type_id: int | None = None) -> Table:
    """How long placements made in the year took from request to placement, by route and area: the median and the
    slowest tenth."""
    start, end = insight.financial_year_dates(year)
    found = Placement.objects.for_organisation(council).filter(created_at__date__gte=start, created_at__date__lte=end)
    if service_type_id:
        found = found.filter(service_type_id=service_type_id)
    days: dict[tuple[str, str], list[float]] = defaultdict(list)
    for route, position, funding, own, area, asked, placed in found.values_list(
        "route",
        "admission__position",
        "funding_route",
        "provider__in_house_of_id",
        "area__name",
        "request__created_at",
        "created_at",
    ):
        way = insight.market_route(
            route=route, position=position or "", funding_route=funding, in_house=own == council.pk
        )
        days[(insight.ROUTE_LABELS[way], area)].append(max(0.0, (placed - asked).total_seconds() / 86400))
    table = Table(
        "sourcing",
        "Time to source, by route and area",
        ["Route", "Area", "Placements", "Median days", "Slowest tenth: days or more"],
        numeric=2,
    )
    for (route, area), found_days in sorted(days.items()):
        tenth = statistics.quantiles(found_days, n=10)[-1] if len(found_days) > 1 else found_days[0]
        table.rows.append(
            [route, area, len(found_days), round(statistics.median(found_days), 1), round(max(0.0, tenth), 1)]
        )
    every = [d for found_days in days.values() for d in found_days]
    if every:
        tenth = statistics.quantiles(every, n=10)[-1] if len(every) > 1 else every[0]
        table.rows.append(["All", "", len(every), round(statistics.median(every), 1), round(max(0.0, tenth), 1)])
    table.note = "From the request's creation to its placement."
    return table


def in_house_against_external(council, year: int, service_type_id: int | None = None) -> Table:
    """Seed 003: the council's own service against external providers, in people and gross spend, with the people
    who use both counted in each and on their own line."""
    start, end = insight.financial_year_dates(year)
    live = Placement.objects.for_organisation(council).filter(start_on__lte=end).exclude(ended_on__lt=start)
    if service_type_id:
        live = live.filter(service_type_id=service_type_id)
    own, external = set(), set()
    for person, in_house_of in live.values_list("person_id", "provider__in_house_of_id"):
        (own if in_house_of == council.pk else external).add(person)
    spend = (
        _year_months(council, year, service_type_id)
        .filter(source__in=SPEND_SOURCES)
        .values("route")
        .annotate(p=Sum("spend_pence"))
        .order_by()
    )
    in_house = sum(r["p"] or 0 for r in spend if r["route"] == insight.Route.IN_HOUSE)
    others = sum(r["p"] or 0 for r in spend if r["route"] != insight.Route.IN_HOUSE)
    table = Table(
        "in-house", "In-house against external provision", ["Provision", "People", "Gross spend", "Share of spend %"]
    )
    table.rows = [
        ["In-house", len(own), pounds(in_house), _pct(in_house, in_house + others)],
        ["External providers", len(external), pounds(others), _pct(others, in_house + others)],
        ["People using both", len(own & external), "", ""],
        ["Total", len(own | external), pounds(in_house + others), Decimal(100) if in_house + others else Decimal(0)],
    ]
    table.note = (
        "People are those with a placement at any time in the year; the people using both are counted in each "
        "line above them and once in the total. A provider is in-house when it is the council's own service."
    )
    return table


def spot_by_reason(council, year: int, service_type_id: int | None = None) -> Table:
    """Seeds 003 and 004: spot purchases made in the year by their recorded reason, with what they cost in it."""
    from .reports import _spent

    start, end = insight.financial_year_dates(year)
    spot = Placement.objects.for_organisation(council).filter(
        route="spot", created_at__date__gte=start, created_at__date__lte=end
    )
    if service_type_id:
        spot = spot.filter(service_type_id=service_type_id)
    made = list(spot.values_list("pk", "person_id", "spot_reason__name"))
    cost: dict[int, Decimal] = defaultdict(Decimal)
    lines = _spent(council=council, start=start, end=end).filter(placement__in=[pk for pk, _, _ in made])
    for placement, amount in lines.values_list("placement", "amount"):  # summed here: exact on every database
        cost[placement] += amount
    by_reason: dict[str, list] = defaultdict(lambda: [0, set(), Decimal(0)])
    for pk, person, reason in made:
        found = by_reason[reason or NOT_RECORDED]
        found[0] += 1
        found[1].add(person)
        found[2] += cost.get(pk, Decimal(0))
    table = Table("spot", "Spot purchases by reason", ["Reason", "Purchases", "People", "Paid in the year"])
    for reason, (count, people, paid) in sorted(by_reason.items(), key=lambda kv: -kv[1][0]):
        table.rows.append([reason, count, len(people), paid])
    table.rows.append(
        [
            "Total",
            len(made),
            len({p for _, p, _ in made}),
            sum((v[2] for v in by_reason.values()), Decimal(0)),
        ]
    )
    table.note = "Paid in the year: the payment lines of approved runs for days in the year."
    return table


def self_funder_enquiries(council, year: int, service_type_id: int | None = None) -> Table:
    """Seeds 003 and 004: people who pay for themselves, seen through the enquiries they send from the public
    directory, by service and area, month by month of the year (kept after the enquiries themselves are deleted)."""
    from caremarket.directory.selectors import enquiry_counts

    start, end = insight.financial_year_dates(year)
    rows: dict[tuple[str, str], int] = defaultdict(int)
    for service, area, count in enquiry_counts(council=council, start=start, end=end, service_type_id=service_type_id):
        rows[(service, area or "Area not known")] += count
    table = Table(
        "enquiries", "Self-funder demand: enquiries from the public directory", ["Service", "Area", "Enquiries"]
    )
    table.numeric = 2
    for (service, area), count in sorted(rows.items(), key=lambda kv: (-kv[1], kv[0])):
        table.rows.append([service, area, count])
    table.rows.append(["Total", "", sum(rows.values())])
    table.note = "Each enquiry counted once, in the area of the service it was sent to."
    return table


def seed_reports(*, council, year: int, service_type_id: int | None, today: date) -> list[Table]:
    return [
        county_by_complexity(council, year, service_type_id),
        hours_by_route(council, year, service_type_id),
        unsourced_over_time(council, today=today),
        time_to_source(council, year, service_type_id),
        in_house_against_external(council, year, service_type_id),
        spot_by_reason(council, year, service_type_id),
        self_funder_enquiries(council, year, service_type_id),
    ]
