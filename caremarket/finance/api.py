"""Finance for machine clients: providers post delivery records and read their remittances; councils read rates
and payment runs."""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from ninja import Field, Router, Schema

from caremarket.api.auth import require
from caremarket.domain.roles import Permission

from . import delivery, exports, runs, selectors

router = Router(tags=["finance"])


def _provider(request):
    if not request.auth.organisation.is_provider:
        raise PermissionDenied("Only a provider's token can do this; this token is a council's.")
    return request.auth.organisation


def _council(request):
    if not request.auth.organisation.is_council:
        raise PermissionDenied("Only a council's token can do this; this token is a provider's.")
    return request.auth.organisation


class DeliveryIn(Schema):
    placement_id: int
    day: date
    start: time | None = Field(None, description="Visits: the start time")
    end: time | None = Field(None, description="Visits: the end time")
    carers: int = 1


class DeliveryOut(Schema):
    id: int
    placement_id: int
    kind: str
    day: date
    start: time | None
    end: time | None
    minutes: int
    carers: int
    source: str


class RateOut(Schema):
    id: int
    arrangement: str = Field(alias="arrangement.reference")
    kind: str
    service_type_id: int | None
    need_level_id: int | None
    area_id: int | None
    provider_id: int | None
    add_on: str
    unit: str
    amount: Decimal
    starts_on: date
    ends_on: date | None
    floor_flags: str


class RunOut(Schema):
    id: int
    period_start: date
    period_end: date
    status: str
    total: Decimal
    held_total: Decimal
    calculated_at: datetime | None
    approved_at: datetime | None


class RemittanceLineOut(Schema):
    day: date
    placement_id: int | None
    kind: str
    description: str
    quantity: Decimal
    unit: str
    rate: Decimal
    amount: Decimal


class RemittanceOut(Schema):
    run_id: int
    council: str
    period_start: date
    period_end: date
    status: str
    total: Decimal
    lines: list[RemittanceLineOut]


@router.post("/delivery-records", response={201: DeliveryOut})
def record_delivery(request, payload: DeliveryIn):
    require(request, Permission.DELIVERY_RECORD)
    data = payload.dict()
    return 201, delivery.delivery_record(
        provider=_provider(request),
        actor=request.auth,
        placement_id=data["placement_id"],
        day=data["day"].isoformat(),
        start=data["start"].strftime("%H:%M") if data["start"] else None,
        end=data["end"].strftime("%H:%M") if data["end"] else None,
        carers=data["carers"],
        source="api",
    )


@router.get("/remittances", response=list[RemittanceOut])
def remittances(request):
    require(request, Permission.DELIVERY_RECORD)
    provider = _provider(request)
    return [
        _remittance(selectors.provider_remittance(provider=provider, run_id=r["run_id"]), provider)
        for r in selectors.provider_remittances(provider=provider)
    ]


@router.get("/remittances/{run_id}", response=RemittanceOut)
def remittance(request, run_id: int):
    require(request, Permission.DELIVERY_RECORD)
    provider = _provider(request)
    return _remittance(selectors.provider_remittance(provider=provider, run_id=run_id), provider)


def _remittance(run, provider) -> dict:
    lines = list(exports.remittance_lines(run, provider.pk))
    return {
        "run_id": run.pk,
        "council": run.council.name,
        "period_start": run.period_start,
        "period_end": run.period_end,
        "status": run.status,
        "total": sum((line.amount for line in lines), Decimal("0.00")),
        "lines": lines,
    }


@router.get("/rates", response=list[RateOut])
def rate_list(request, arrangement_id: int | None = None):
    require(request, Permission.RATES_READ)
    return selectors.rate_list(council=_council(request), arrangement_id=arrangement_id)


@router.get("/payment-runs", response=list[RunOut])
def run_list(request):
    require(request, Permission.PAYMENTS_RUN)
    return selectors.run_list(council=_council(request))


@router.get("/payment-runs/{run_id}", response=RunOut)
def run_get(request, run_id: int):
    require(request, Permission.PAYMENTS_RUN)
    return selectors.run_get(council=_council(request), pk=run_id)


@router.post("/payment-runs/{run_id}/calculation", response=RunOut)
def run_calculate(request, run_id: int):
    require(request, Permission.PAYMENTS_RUN)
    return runs.payment_run_calculate(run=selectors.run_get(council=_council(request), pk=run_id), actor=request.auth)
