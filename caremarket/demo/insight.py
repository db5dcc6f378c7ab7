"""Four years and more of history from before Caremarket, imported the way a council would (a file of monthly
figures through the history import): each admitted provider's packages, hours and spend per service and area since
April 2021, growing and falling with the seasons, and non-framework provision the old system never broke down by
provider. Then the worker's summing of the demo's approved payment runs, so the reports run on from there."""

from __future__ import annotations

import csv
import io
import math
import random
from collections import Counter
from datetime import date
from decimal import Decimal

from django.utils import timezone

from caremarket.accounts.models import Organisation, User
from caremarket.arrangements.models import Admission
from caremarket.brokerage.models import Placement
from caremarket.domain.lifecycles import PLACEMENT
from caremarket.insight import history, summaries
from caremarket.insight.models import HistoryImport

from .arrangements import _admin
from .payments import FIRST_RUN

FIRST_MONTH = date(2021, 4, 1)
WEEKS_A_MONTH = Decimal("4.348")


def _months(until: date):
    """Every month from the history's first to the last month over."""
    month = FIRST_MONTH
    while month < until.replace(day=1):
        yield month
        month = date(month.year + month.month // 12, month.month % 12 + 1, 1)


def _carried(council: Organisation, months: list[date]) -> Counter:
    """Caremarket's own active packages per provider, service, area and month: the old system's packages still
    running are the rest of the market, so the two together run on without a step where Caremarket began."""
    active = Counter()
    placements = Placement.objects.filter(council=council).values_list(
        "provider_id", "service_type_id", "area_id", "start_on", "ended_on"
    )
    for provider, service, area, start, end in placements:
        for month in months:
            if start < date(month.year + month.month // 12, month.month % 12 + 1, 1) and (end is None or end >= month):
                active[(provider, service, area, month)] += 1
    return active


def _poisson(rng: random.Random, mean: float) -> int:
    """A count with this mean (Knuth's method: the means here are small)."""
    limit, count, product = math.exp(-mean), 0, rng.random()
    while product > limit:
        count += 1
        product *= rng.random()
    return count


def _route(admission: Admission) -> str:
    mechanism = admission.arrangement.mechanism
    if "ranked" in mechanism:
        return "ranked"
    if "block" in mechanism:
        return "block"
    return admission.position or "framework"


def _rows(council: Organisation, rng: random.Random) -> list[list]:
    rows = []
    admissions = (
        Admission.objects.filter(arrangement__council=council, area__isnull=False)
        .select_related("arrangement", "provider", "area", "lot")
        .prefetch_related("lot__service_types")
        .order_by("pk")
    )
    begun = Counter(Placement.objects.filter(council=council).values_list("provider_id", "service_type_id", "area_id"))
    live = Counter(
        Placement.objects.filter(council=council, status__in=PLACEMENT.group("live")).values_list(
            "provider_id", "service_type_id", "area_id"
        )
    )
    spot = Counter(Placement.objects.filter(council=council, route="spot").values_list("service_type_id", flat=True))
    seen = set()
    streams = []
    for admission in admissions:
        service = admission.lot.service_types.all()[0]
        key = (admission.provider_id, service.pk, admission.area_id)
        if key in seen:
            continue
        seen.add(key)
        now, started = live.get(key, 0), begun.get(key, 0)  # Caremarket's year: packages now, and started
        streams.append(
            (
                key,
                admission.provider.name,
                service,
                admission.area.code,
                _route(admission),
                admission.arrangement,
                now,
                started,
            )
        )
    for service in sorted({s[2] for s in streams}, key=lambda s: s.pk):
        arrangement = next(s[5] for s in streams if s[2] == service)
        # the old system's "non-framework provision", shrinking as the frameworks grew
        spots = spot.get(service.pk, 0)
        streams.append((None, "", service, "", "off-framework", arrangement, 1 + spots, 1 + spots))
    months = list(_months(timezone.localdate()))
    began = FIRST_RUN.replace(day=1)
    carried = _carried(council, [m for m in months if m >= began])
    for key, name, service, area, route, arrangement, now, started in streams:
        # growing or shrinking to what the council has today, so the history runs on into Caremarket's own months
        growth = rng.uniform(-0.04, 0.12) if name else rng.uniform(-0.25, -0.1)
        hourly = arrangement.price_basis in ("hour-per-area", "none")
        for n, month in enumerate(months):
            if month >= began and key is None:
                break  # spot purchases are Caremarket's own from its first month
            season = 1 + 0.08 * math.cos((month.month - 1) / 12 * 2 * math.pi)  # more care in winter
            people = max(now, 0.4) / (1 + growth) ** ((len(months) - n) / 12)
            active = max(0, round(people * season + rng.gauss(0, 0.4)))
            new = _poisson(rng, max(started, 0.1) / 12 / (1 + growth) ** ((len(months) - n) / 12) * season)
            if month >= began:  # the old system's packages still running, ending as Caremarket's replace them
                active, new = max(0, active - carried[(*key, month)]), 0
                if active == 0:
                    continue
            year_rate = Decimal("22.40") + Decimal("0.95") * (n // 12)
            if hourly:
                hours = (Decimal(active) * Decimal(rng.uniform(24, 40)) * WEEKS_A_MONTH / 4).quantize(Decimal("0.5"))
                spend = hours * (year_rate + (Decimal("3.10") if not name else 0))
            else:
                hours = Decimal(0)
                spend = Decimal(active) * year_rate * Decimal(rng.choice([14, 18, 22])) * Decimal(2.2)
            rows.append([month.strftime("%Y-%m"), name, service.code, area, route, new, active, hours, f"{spend:.2f}"])
    return rows


def build(rng: random.Random) -> dict[str, int]:
    if HistoryImport.objects.exists():
        return {}
    made = {"history rows imported": 0}
    for council in Organisation.objects.filter(kind="council").order_by("name"):
        officer = User.objects.filter(organisation=council, email__startswith="commissioner@").first()
        rows = _rows(council, rng)
        if not rows:
            continue
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(history.COLUMNS)
        writer.writerows(rows)
        imported = history.history_import(
            council=council,
            actor=officer,
            file_name=f"{council.slug}-activity-and-spend-2021-2025.csv",
            content=out.getvalue().encode(),
        )
        made["history rows imported"] += imported.rows
    made["capacities declared"] = _capacities(rng)
    # the worker's first hour (insight.tasks.refresh_market) works out the outlooks and tells of unmet need
    made.update({f"market {k}": v for k, v in summaries.market_refresh(today=timezone.localdate()).items()})
    made["market position statements"] = _statement()
    return made


def _statement() -> int:
    """Westmarch publishes its home care market position, public at /market-position/westmarch-county-council/."""
    from caremarket.insight import position
    from caremarket.reference.models import ServiceType

    council = Organisation.objects.get(name="Westmarch County Council")
    position.statement_publish(
        council=council,
        service=ServiceType.objects.get(council=council, code="home-care"),
        actor=User.objects.filter(organisation=council, email__startswith="commissioner@").first(),
        intentions="We will keep a tiered framework of primary, secondary and reserve providers in every area, "
        "re-tendered in 2027.\nWe want more capacity in Harrowden and the rural north, where requests wait "
        "longest.\nFrom April we will pay at least the Homecare Association minimum price for every hour.",
    )
    return 1


def _capacities(rng: random.Random) -> int:
    """Most providers declare room for a few more people than they support now; one in ten has declared nothing.
    In one service and area of each council, on an arrangement that reopens in windows where it has one, the
    providers are full, so demand there passes capacity and the arrangement can reopen for it."""
    from caremarket.arrangements.admissions import admission_capacity_declare
    from caremarket.domain.arrangements import WINDOWED

    carrying = Counter(
        Placement.objects.filter(status__in=PLACEMENT.group("live"), admission__isnull=False).values_list(
            "admission_id", flat=True
        )
    )
    admissions = list(
        Admission.objects.filter(status="active", area__isnull=False)
        .select_related("arrangement__council", "provider", "lot")
        .order_by("pk")
    )
    peers = Counter((a.lot_id, a.area_id) for a in admissions)
    full = {}
    for admission in sorted(admissions, key=lambda a: (a.arrangement.mechanism not in WINDOWED, a.pk)):
        pair = (admission.lot_id, admission.area_id)
        if admission.arrangement.council_id not in full and peers[pair] >= 3 and carrying.get(admission.pk):
            full[admission.arrangement.council_id] = pair
    declared, admins = 0, {}
    for admission in admissions:
        tight = full.get(admission.arrangement.council_id) == (admission.lot_id, admission.area_id)
        if not tight and rng.random() < 0.1:
            continue
        now = carrying.get(admission.pk, 0)
        people = max(0, now - 1) if tight else now + rng.randint(1, 4)
        admin = admins.setdefault(admission.provider_id, _admin(admission.provider))
        admission_capacity_declare(admission=admission, actor=admin, capacity=people)
        declared += 1
    return declared
