"""Arrangements, lots and windows for machine clients. Councils read their own; providers read those open to them
(when applications exist); commissioners' tokens create and move them."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from ninja import Router, Schema

from caremarket.api.auth import require
from caremarket.domain.roles import Permission

from . import selectors, services

router = Router(tags=["arrangements"])


def _council(request):
    organisation = request.auth.organisation
    if not organisation.is_council:
        raise PermissionDenied("Arrangements are managed by councils; this token is a provider's.")
    return organisation


class LotOut(Schema):
    id: int
    number: int
    title: str
    description: str
    service_types: list[str]
    areas: list[str]
    need_levels: list[int]

    @staticmethod
    def resolve_service_types(obj) -> list[str]:
        return sorted(s.code for s in obj.service_types.all())

    @staticmethod
    def resolve_areas(obj) -> list[str]:
        return sorted(a.code for a in obj.areas.all())

    @staticmethod
    def resolve_need_levels(obj) -> list[int]:
        return sorted(n.pk for n in obj.need_levels.all())


class WindowOut(Schema):
    id: int
    opens_at: datetime
    closes_at: datetime
    reason: str
    unmet_need: str
    closed_at: datetime | None


class ArrangementOut(Schema):
    id: int
    reference: str
    title: str
    description: str
    mechanism: str
    regime: str
    status: str
    starts_on: date
    ends_on: date
    max_extension_months: int
    estimated_value: Decimal
    quality_weight: Decimal
    price_weight: Decimal
    quality_threshold: Decimal
    cap_level_1: int | None
    cap_level_2: int | None
    window_every_months: int | None
    price_basis: str
    kpi_weight: Decimal
    accepts_applications: bool
    lots: list[LotOut]
    windows: list[WindowOut]

    @staticmethod
    def resolve_accepts_applications(obj) -> bool:
        return selectors.accepts_applications(obj)

    @staticmethod
    def resolve_lots(obj):
        return list(obj.lots.all())

    @staticmethod
    def resolve_windows(obj):
        return list(obj.windows.all())


class ArrangementIn(Schema):
    reference: str
    title: str
    description: str = ""
    mechanism: str
    regime: str
    starts_on: date
    ends_on: date
    max_extension_months: int = 0
    estimated_value: Decimal
    contact_name: str = ""
    contact_email: str = ""
    contact_phone: str = ""
    quality_weight: Decimal = Decimal(60)
    price_weight: Decimal = Decimal(40)
    quality_threshold: Decimal = Decimal(60)
    cap_level_1: int | None = None
    cap_level_2: int | None = None
    window_every_months: int | None = None
    window_length_days: int = 28
    price_basis: str = "none"
    kpi_weight: Decimal = Decimal(50)


class LotIn(Schema):
    title: str
    description: str = ""
    service_types: list[str]
    areas: list[str]
    need_levels: list[int] = []


class TransitionIn(Schema):
    to_status: str
    reason: str = ""
    closes_at: datetime | None = None


class WindowIn(Schema):
    reason: str
    unmet_need: str = ""
    closes_at: datetime


@router.get("/arrangements", response=list[ArrangementOut])
def list_arrangements(request, status: str = ""):
    require(request, Permission.ARRANGEMENTS_READ)
    return [
        selectors.arrangement_get(council=_council(request), pk=a.pk)
        for a in selectors.arrangement_list(council=_council(request), status=status)
    ]


@router.get("/arrangements/{arrangement_id}", response=ArrangementOut)
def get_arrangement(request, arrangement_id: int):
    require(request, Permission.ARRANGEMENTS_READ)
    return selectors.arrangement_get(council=_council(request), pk=arrangement_id)


@router.post("/arrangements", response={201: ArrangementOut})
def create_arrangement(request, payload: ArrangementIn):
    require(request, Permission.ARRANGEMENTS_MANAGE)
    council = _council(request)
    arrangement = services.arrangement_create(council=council, actor=request.auth, **payload.dict())
    return 201, selectors.arrangement_get(council=council, pk=arrangement.pk)


@router.post("/arrangements/{arrangement_id}/lots", response={201: LotOut})
def create_lot(request, arrangement_id: int, payload: LotIn):
    require(request, Permission.ARRANGEMENTS_MANAGE)
    arrangement = selectors.arrangement_get(council=_council(request), pk=arrangement_id)
    return 201, services.lot_create(arrangement=arrangement, actor=request.auth, **payload.dict())


@router.post("/arrangements/{arrangement_id}/transitions", response=ArrangementOut)
def transition(request, arrangement_id: int, payload: TransitionIn):
    require(request, Permission.ARRANGEMENTS_MANAGE)
    council = _council(request)
    arrangement = selectors.arrangement_get(council=council, pk=arrangement_id)
    services.arrangement_transition(arrangement=arrangement, actor=request.auth, **payload.dict())
    return selectors.arrangement_get(council=council, pk=arrangement_id)


@router.post("/arrangements/{arrangement_id}/windows", response={201: WindowOut})
def open_window(request, arrangement_id: int, payload: WindowIn):
    require(request, Permission.ARRANGEMENTS_MANAGE)
    arrangement = selectors.arrangement_get(council=_council(request), pk=arrangement_id)
    return 201, services.window_open(arrangement=arrangement, actor=request.auth, **payload.dict())
