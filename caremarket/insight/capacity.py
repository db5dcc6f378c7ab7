"""Capacity in a service and area (seed 004: demand set against capacity): the people admitted providers say they
can support at once, or the places bought in a block where a provider has declared nothing, with the packages they
carry now; and the worker's outlook of forecast demand against it, kept per service and area."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, Q
from django.utils import timezone

from caremarket.arrangements.models import Admission
from caremarket.brokerage.models import Placement
from caremarket.domain import forecast, insight
from caremarket.domain.lifecycles import ADMISSION, PLACEMENT

from .models import Outlook


@dataclass
class Capacity:
    total: int = 0  # people, over the admissions whose capacity is known
    declared: int = 0  # admissions with a declared figure
    from_blocks: int = 0  # admissions counted by their block places
    unknown: list = field(default_factory=list)  # admissions with neither: named, never guessed
    carrying: int = 0  # active placements under these admissions now
    block_places: int = 0
    block_filled: int = 0
    providers: set = field(default_factory=set)

    @property
    def vacancies(self) -> int:
        return max(0, self.block_places - self.block_filled)

    def add(self, admission: Admission, carrying: int) -> None:
        """One admission, with the active placements it carries here."""
        people = insight.admission_capacity(declared=admission.capacity, block_places=admission.block_places)
        self.providers.add(admission.provider_id)
        self.carrying += carrying
        if admission.block_places:
            self.block_places += admission.block_places
            self.block_filled += carrying
        if people is None:
            self.unknown.append(admission)
            return
        self.total += people
        if admission.capacity is not None:
            self.declared += 1
        else:
            self.from_blocks += 1


def _admissions(*, council, service_type_id: int, area_id: int | None):
    found = Admission.objects.filter(
        arrangement__council=council,
        status__in=ADMISSION.group("offerable"),
        lot__service_types=service_type_id,
    )
    if area_id:
        found = found.filter(Q(area_id=area_id) | Q(area__isnull=True, lot__areas=area_id))
    return found.distinct()


def capacity_of(*, council, service_type_id: int, area_id: int | None) -> Capacity:
    live = Placement.objects.filter(
        council=council, status__in=PLACEMENT.group("live"), service_type_id=service_type_id
    )
    if area_id:
        live = live.filter(area_id=area_id)
    admissions = list(
        _admissions(council=council, service_type_id=service_type_id, area_id=area_id)
        .select_related("provider", "arrangement", "lot", "area")
        .order_by("provider__name", "pk")
    )
    carrying = dict(
        live.filter(admission__in=[a.pk for a in admissions])
        .values("admission_id")
        .annotate(n=Count("pk"))
        .values_list("admission_id", "n")
    )
    found = Capacity()
    for admission in admissions:
        found.add(admission, carrying.get(admission.pk, 0))
    return found


def by_area(*, council, service_type_id: int) -> dict:
    """Capacity in every area of a service at once, by area: one pass over the admissions (an admission to a whole
    lot counts in each of the lot's areas, as capacity_of counts it in any one of them)."""
    admissions = list(
        _admissions(council=council, service_type_id=service_type_id, area_id=None).prefetch_related(
            "area", "lot__areas"
        )
    )
    carrying = Counter(
        Placement.objects.filter(
            council=council,
            status__in=PLACEMENT.group("live"),
            service_type_id=service_type_id,
            admission__in=admissions,
        ).values_list("admission_id", "area_id")
    )
    found: dict = defaultdict(Capacity)
    for admission in admissions:
        for area in [admission.area] if admission.area_id else admission.lot.areas.all():
            found[area].add(admission, carrying[(admission.pk, area.pk)])
    return found


def _pairs(council) -> list[tuple[int, int]]:
    """Every service and area some current admission covers."""
    pairs = set()
    admissions = Admission.objects.filter(
        arrangement__council=council, status__in=ADMISSION.group("offerable")
    ).prefetch_related("lot__service_types", "lot__areas")
    for admission in admissions:
        areas = [admission.area_id] if admission.area_id else [a.pk for a in admission.lot.areas.all()]
        for service in admission.lot.service_types.all():
            pairs.update((service.pk, area) for area in areas)
    return sorted(pairs)


def outlooks_refresh(*, council, today: date | None = None) -> int:
    """Forecast active packages a year ahead in every service and area with admissions, set against capacity, and
    kept (one row per service and area, replaced each time) for the unmet need page and its notices."""
    from . import forecasting

    today = today or timezone.localdate()
    now = timezone.now()
    kept = []
    for service_id, area_id in _pairs(council):
        series = forecast.filled(
            forecasting.demand_series(
                council=council, service_type_id=service_id, area_id=area_id, measure="active", today=today
            )
        )
        try:
            made = forecast.forecast(series, horizon=insight.OUTLOOK_MONTHS, assess=False)
        except forecast.TooLittleHistory:
            continue
        capacity = capacity_of(council=council, service_type_id=service_id, area_id=area_id)
        peak = max(p.mean for p in made.points)
        kept.append(
            Outlook(
                council=council,
                service_type_id=service_id,
                area_id=area_id,
                capacity=capacity.total,
                unknown=len(capacity.unknown),
                carrying=capacity.carrying,
                peak=round(peak, 1),
                exceeds_from=insight.first_month_over(made.points, capacity.total),
                may_exceed_from=insight.first_month_over(made.points, capacity.total, attr="high"),
                worked_out_at=now,
            )
        )
    Outlook.objects.filter(council=council).delete()
    Outlook.objects.bulk_create(kept)
    return len(kept)
