"""The market's figures as a commissioner reads them, from the kept months (summaries.py); each figure drills down to
the placements and payment lines behind it. Money is summed in pence by the database, so it is exact."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from django.db.models import Q, Sum

from caremarket.brokerage.models import Placement
from caremarket.domain import insight
from caremarket.domain.lifecycles import PAYMENT_RUN
from caremarket.finance.models import PaymentLine

from .models import MarketMonth

UNNAMED = 0  # the provider id that stands for providers a history import did not name


def pounds(pence: int) -> Decimal:
    return (Decimal(pence) / 100).quantize(Decimal("0.01"))


def _months(*, council, service_type_id=None, area_id=None):
    found = MarketMonth.objects.for_organisation(council)
    if service_type_id:
        found = found.filter(service_type_id=service_type_id)
    if area_id:
        found = found.filter(area_id=area_id)
    return found


def spend_by_provider(*, council, service_type_id=None, area_id=None, net: bool = False) -> dict:
    """Seed 004's table: spend by provider by financial year, framework providers apart from non-framework
    provision, each with its subtotal, and the total of all."""
    rows = (
        _months(council=council, service_type_id=service_type_id, area_id=area_id)
        .values("provider_id", "provider__name", "provider_name", "framework", "month")
        .annotate(spend=Sum("spend_pence"), contributions=Sum("contributions_pence"))
        .order_by()
    )
    table: dict[tuple[bool, int], dict] = {}
    years: set[int] = set()
    for r in rows:
        year = insight.financial_year(r["month"])
        years.add(year)
        pk = r["provider_id"] or UNNAMED
        line = table.setdefault(
            (r["framework"], pk),
            {"provider_id": pk, "provider": r["provider__name"] or r["provider_name"], "years": defaultdict(int)},
        )
        line["years"][year] += r["spend"] - (r["contributions"] if net else 0)
    ordered = sorted(years)

    def group(framework: bool) -> dict:
        lines = sorted((v for (f, _), v in table.items() if f == framework), key=lambda v: v["provider"].lower())
        for line in lines:
            line["cells"] = [pounds(line["years"].get(y, 0)) for y in ordered]
            line["total"] = pounds(sum(line["years"].values()))
        totals = [pounds(sum(line["years"].get(y, 0) for line in lines)) for y in ordered]
        return {"lines": lines, "totals": totals, "total": pounds(sum(sum(v["years"].values()) for v in lines))}

    framework, other = group(True), group(False)
    return {
        "years": ordered,
        "year_names": [insight.financial_year_name(y) for y in ordered],
        "framework": framework,
        "other": other,
        "totals": [a + b for a, b in zip(framework["totals"], other["totals"], strict=True)],
        "total": framework["total"] + other["total"],
    }


def _spent(*, council, start, end):
    """Payable lines of approved and paid runs for days in the period: what the spend figures sum (contributions
    are kept apart, as they are in the months)."""
    return (
        PaymentLine.objects.filter(
            run__council=council,
            run__status__in=PAYMENT_RUN.group("committed"),
            day__gte=start,
            day__lte=end,
            held=False,
            flagged=False,
        )
        .exclude(kind="contribution")
        .filter(Q(placement__isnull=False) | Q(kind="block"))
    )


def _framework(placement_route: str | None, position: str | None, funding: str | None, in_house: bool) -> bool:
    if placement_route is None:
        return True  # a block of hours, bought through its arrangement
    return insight.is_framework(
        insight.market_route(
            route=placement_route, position=position or "", funding_route=funding or "gross", in_house=in_house
        )
    )


def provider_year(*, council, provider_id: int, year: int, framework: bool | None) -> dict:
    """One provider's spend in one financial year: by placement (from the payment lines of approved runs) and the
    months imported from before Caremarket; framework spend, non-framework spend, or (None) both."""
    start, end = insight.financial_year_dates(year)
    months = (
        _months(council=council)
        .filter(month__gte=start, month__lte=end)
        .filter(**({"provider__isnull": True} if provider_id == UNNAMED else {"provider_id": provider_id}))
    )
    if framework is not None:
        months = months.filter(framework=framework)
    imported = list(
        months.filter(source="history")
        .values("month", "service_type__name", "area__name", "route")
        .annotate(spend=Sum("spend_pence"), hours=Sum("hours_x100"))
        .order_by("month", "service_type__name", "area__name")
    )
    for m in imported:
        m["spend"], m["hours"] = pounds(m["spend"]), pounds(m["hours"])
        m["route_name"] = insight.ROUTE_LABELS[insight.Route(m["route"])]
    recorded = months.exclude(source="history").aggregate(spend=Sum("spend_pence"))["spend"] or 0
    by_placement: dict[int | None, list] = defaultdict(lambda: [Decimal(0), 0])
    if provider_id != UNNAMED:
        lines = _spent(council=council, start=start, end=end).filter(provider_id=provider_id)
        for placement_id, route, position, funding, own, amount in lines.values_list(
            "placement_id",
            "placement__route",
            "placement__admission__position",
            "placement__funding_route",
            "placement__provider__in_house_of_id",
            "amount",
        ).iterator():
            if framework is None or _framework(route, position, funding, own == council.pk) == framework:
                by_placement[placement_id][0] += amount
                by_placement[placement_id][1] += 1
    placements = {
        p.pk: p
        for p in Placement.objects.filter(pk__in=[k for k in by_placement if k]).select_related(
            "request", "service_type", "area"
        )
    }
    rows = [
        {"placement": placements.get(pk), "amount": amount, "lines": count}
        for pk, (amount, count) in sorted(by_placement.items(), key=lambda kv: -kv[1][0])
    ]
    return {
        "year": year,
        "year_name": insight.financial_year_name(year),
        "framework": framework,
        "imported": imported,
        "imported_total": sum((m["spend"] for m in imported), Decimal(0)),
        "placements": rows,
        "recorded_total": pounds(recorded),
        "lines_total": sum((r["amount"] for r in rows), Decimal(0)),
    }


def placement_lines(*, council, placement: Placement, year: int):
    """The payment lines of approved runs behind one placement's spend in one financial year."""
    start, end = insight.financial_year_dates(year)
    return (
        _spent(council=council, start=start, end=end)
        .filter(placement=placement)
        .select_related("run")
        .order_by("day", "key")
    )
