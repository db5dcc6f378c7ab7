"""The market's months, kept current by the worker (ADR 0017): each approved payment run summed once into months of
provider, service, area and route, and the placements' activity (new and active packages) counted again each time.
Reports read these rows, never the payment lines, so they answer at once whatever the size of the history."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction

from caremarket.arrangements.models import Lot
from caremarket.brokerage.models import Placement
from caremarket.core.bulk import insert_many
from caremarket.domain import insight
from caremarket.domain.lifecycles import PAYMENT_RUN
from caremarket.finance.models import HoursBlock, PaymentLine, PaymentRun, Rate
from caremarket.finance.reconciliation import CARE_KINDS, add_quantity

from .models import MarketMonth, RunSummary

QUANTITY_KINDS = CARE_KINDS | {"block"}  # care paid for, and the hours a block buys
FIELDS = (
    "council",
    "month",
    "source",
    "run",
    "history",
    "provider",
    "provider_name",
    "service_type",
    "area",
    "route",
    "framework",
    "spend_pence",
    "contributions_pence",
    "hours_x100",
    "days_x100",
    "weeks_x100",
    "new_packages",
    "active_packages",
    "need_level",
    "standard_pence",
    "lot",
    "active_people",
)


@dataclass
class _Sums:
    spend: Decimal = Decimal(0)
    contributions: Decimal = Decimal(0)
    hours: Decimal = Decimal(0)
    days: Decimal = Decimal(0)
    weeks: Decimal = Decimal(0)
    standard: Decimal = Decimal(0)  # hours at their standard rate


def _placements(ids) -> dict[int, tuple]:
    """Each placement's service, area, market route and need level."""
    found = {}
    rows = Placement.objects.filter(pk__in=ids).values_list(
        "pk",
        "service_type_id",
        "area_id",
        "route",
        "admission__position",
        "funding_route",
        "need_level_id",
        "council_id",
        "provider__in_house_of_id",
        "admission__lot_id",
    )
    for pk, service, area, route, position, funding, level, council, own, lot in rows:
        way = insight.market_route(
            route=route, position=position or "", funding_route=funding, in_house=own is not None and own == council
        )
        found[pk] = (service, area, way, level, lot)
    return found


def _standard_rates(council, placement_ids) -> dict[str, Decimal]:
    """Each rate's standard amount by the reference its lines carry (a council rate, or a placement's agreed price
    in its terms): a line's own rate includes any weekend or bank holiday enhancement; the rate it was priced from
    does not."""
    from caremarket.brokerage.models import PlacementTerms

    found = {str(pk): amount for pk, amount in Rate.objects.filter(council=council).values_list("pk", "amount")}
    agreed = PlacementTerms.objects.filter(placement__in=placement_ids, agreed_price__isnull=False)
    found.update((f"terms:{pk}", amount) for pk, amount in agreed.values_list("pk", "agreed_price"))
    return found


def _blocks(council) -> dict[int, tuple]:
    """Each block's service (its arrangement's first), area and route, by the key its lines carry ("b12:...")."""
    services = {}
    for arrangement_id, service_id in (
        Lot.objects.filter(arrangement__council=council)
        .order_by("arrangement_id", "pk")
        .values_list("arrangement_id", "service_types")
    ):
        if service_id is not None:
            services.setdefault(arrangement_id, service_id)
    return {
        pk: (services.get(arrangement_id), area_id, insight.Route.BLOCK)
        for pk, arrangement_id, area_id in HoursBlock.objects.filter(council=council).values_list(
            "pk", "arrangement_id", "area_id"
        )
    }


def _cents(value: Decimal) -> int:
    return int((value * 100).quantize(Decimal(1)))


@transaction.atomic
def run_summarise(*, run: PaymentRun) -> int:
    """Sum an approved run's payable lines into months (again, if it was summed before); how many lines."""
    MarketMonth.objects.filter(run=run).delete()
    lines = PaymentLine.objects.filter(run=run, held=False, flagged=False).values_list(
        "provider_id", "placement_id", "kind", "key", "day", "unit", "quantity", "amount", "rate", "rate_ref"
    )
    rows = list(lines)
    placements = _placements({r[1] for r in rows if r[1]})
    blocks = _blocks(run.council) if any(r[1] is None and r[2] == "block" for r in rows) else {}
    standard = _standard_rates(run.council, list(placements))
    sums: dict[tuple, _Sums] = defaultdict(_Sums)
    for provider_id, placement_id, kind, key, day, unit, quantity, amount, rate, rate_ref in rows:
        if placement_id is not None:
            service, area, route, level, lot = placements[placement_id]
        elif kind == "block":
            service, area, route = blocks.get(int(key[1:].split(":", 1)[0]), (None, None, None))
            level = lot = None
        else:
            continue
        if service is None:
            continue
        found = sums[(insight.month_of(day), provider_id, service, area, route, level, lot)]
        if kind == "contribution":
            found.contributions -= amount
        else:
            found.spend += amount
        if kind in QUANTITY_KINDS:
            add_quantity(found, unit, quantity)
            if unit == "hour":
                found.standard += quantity * standard.get(rate_ref, rate)
    insert_many(
        MarketMonth,
        FIELDS,
        (
            (
                run.council_id,
                month,
                "run",
                run.pk,
                None,
                provider_id,
                "",
                service,
                area,
                route,
                insight.is_framework(route),
                _cents(s.spend),
                _cents(s.contributions),
                _cents(s.hours),
                _cents(s.days),
                _cents(s.weeks),
                0,
                0,
                level,
                _cents(s.standard),
                lot,
                0,
            )
            for (month, provider_id, service, area, route, level, lot), s in sums.items()
        ),
    )
    RunSummary.objects.update_or_create(run=run, defaults={"lines": len(rows)})
    return len(rows)


def _months(start: date, end: date):
    month = insight.month_of(start)
    while month <= end:
        yield month
        month = (month + timedelta(days=32)).replace(day=1)


@transaction.atomic
def activity_summarise(*, council, today: date) -> int:
    """Count again, month by month up to this one, the packages that started and that were active (any day of
    the month) per provider, service, area and route; how many months were written."""
    MarketMonth.objects.filter(council=council, source="placements").delete()
    counted: dict[tuple, list] = defaultdict(lambda: [0, 0, set()])
    rows = Placement.objects.filter(council=council).values_list(
        "provider_id",
        "service_type_id",
        "area_id",
        "route",
        "admission__position",
        "funding_route",
        "start_on",
        "ended_on",
        "need_level_id",
        "provider__in_house_of_id",
        "admission__lot_id",
        "person_id",
    )
    this_month = insight.month_of(today)
    for provider, service, area, route, position, funding, start, ended, level, own, lot, person in rows:
        way = insight.market_route(
            route=route, position=position or "", funding_route=funding, in_house=own == council.pk
        )
        if start <= today:
            counted[(insight.month_of(start), provider, service, area, way, level, lot)][0] += 1
        for month in _months(start, min(ended or today, today)):
            if month <= this_month:
                found = counted[(month, provider, service, area, way, level, lot)]
                found[1] += 1
                found[2].add(person)
    insert_many(
        MarketMonth,
        FIELDS,
        (
            (
                council.pk,
                month,
                "placements",
                None,
                None,
                provider,
                "",
                service,
                area,
                route,
                insight.is_framework(route),
                0,
                0,
                0,
                0,
                0,
                new,
                active,
                level,
                0,
                lot,
                len(people),
            )
            for (month, provider, service, area, route, level, lot), (new, active, people) in counted.items()
        ),
    )
    return len(counted)


def market_refresh(*, today: date) -> dict:
    """Sum every approved or paid run not summed yet and count the placements again, for every council (the worker,
    every hour)."""
    from caremarket.accounts.models import Organisation
    from caremarket.domain.roles import OrganisationKind

    summed = set(RunSummary.objects.values_list("run_id", flat=True))
    runs = list(
        PaymentRun.objects.filter(status__in=PAYMENT_RUN.group("committed")).exclude(pk__in=summed).order_by("pk")
    )
    lines = sum(run_summarise(run=run) for run in runs)
    months = sum(
        activity_summarise(council=council, today=today)
        for council in Organisation.objects.filter(kind=OrganisationKind.COUNCIL)
    )
    return {"runs": len(runs), "lines": lines, "months": months}
