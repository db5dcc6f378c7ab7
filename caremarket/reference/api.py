"""Reference data endpoints: read by any council role's token, written by an organisation admin's token."""

from __future__ import annotations

from decimal import Decimal

from ninja import Field, Router, Schema

from caremarket.accounts.api_auth import require
from caremarket.core.permissions import signed_in_council
from caremarket.domain.roles import Permission

from . import selectors, services
from .models import Area, NeedLevel, ReasonCode, ServiceType

router = Router(tags=["reference data"])


def _council(request):
    return signed_in_council(request, "Reference data")


class ServiceTypeIn(Schema):
    code: str
    name: str
    description: str = ""
    regulated_activity: bool = False


class ServiceTypeOut(Schema):
    id: int
    code: str
    name: str
    description: str
    regulated_activity: bool
    is_active: bool


class AreaIn(Schema):
    code: str
    name: str
    level: int = Field(..., description="1, 2 or 3")
    in_county: bool = True
    ons_code: str = ""
    latitude: Decimal | None = None
    longitude: Decimal | None = None


class AreaUpdate(Schema):
    name: str
    level: int
    in_county: bool = True
    ons_code: str = ""
    latitude: Decimal | None = None
    longitude: Decimal | None = None
    is_active: bool = True
    reason: str = ""


class AreaOut(Schema):
    id: int
    code: str
    name: str
    level: int
    in_county: bool
    ons_code: str
    latitude: Decimal | None
    longitude: Decimal | None
    is_active: bool


class NeedLevelIn(Schema):
    service_type: str = Field(..., description="The service type's code")
    code: str
    name: str
    rank: int = 1
    description: str = ""


class NeedLevelOut(Schema):
    id: int
    service_type: str
    code: str
    name: str
    rank: int
    description: str
    is_active: bool

    @staticmethod
    def resolve_service_type(obj: NeedLevel) -> str:
        return obj.service_type.code


class ReasonCodeIn(Schema):
    kind: str = Field(..., description="decline, spot-purchase, suspension or ending")
    code: str
    name: str


class ReasonCodeOut(Schema):
    id: int
    kind: str
    code: str
    name: str
    is_active: bool


@router.get("/service-types", response=list[ServiceTypeOut])
def list_service_types(request):
    require(request, Permission.REFERENCE_READ)
    return selectors.service_type_list(council=_council(request))


@router.post("/service-types", response={201: ServiceTypeOut})
def create_service_type(request, payload: ServiceTypeIn):
    require(request, Permission.REFERENCE_MANAGE)
    return 201, services.service_type_create(council=_council(request), actor=request.auth, **payload.dict())


@router.get("/areas", response=list[AreaOut])
def list_areas(request, level: int | None = None, q: str = ""):
    require(request, Permission.REFERENCE_READ)
    return selectors.area_list(council=_council(request), level=level, search=q)


@router.get("/areas/{area_id}", response=AreaOut)
def get_area(request, area_id: int):
    require(request, Permission.REFERENCE_READ)
    return selectors.reference_get(model=Area, council=_council(request), pk=area_id)


@router.post("/areas", response={201: AreaOut})
def create_area(request, payload: AreaIn):
    require(request, Permission.REFERENCE_MANAGE)
    return 201, services.area_create(council=_council(request), actor=request.auth, **payload.dict())


@router.put("/areas/{area_id}", response=AreaOut)
def update_area(request, area_id: int, payload: AreaUpdate):
    require(request, Permission.REFERENCE_MANAGE)
    area = selectors.reference_get(model=Area, council=_council(request), pk=area_id)
    return services.area_update(area=area, actor=request.auth, **payload.dict())


@router.get("/need-levels", response=list[NeedLevelOut])
def list_need_levels(request, service_type: str = ""):
    require(request, Permission.REFERENCE_READ)
    return selectors.need_level_list(council=_council(request), service_type_code=service_type)


@router.post("/need-levels", response={201: NeedLevelOut})
def create_need_level(request, payload: NeedLevelIn):
    require(request, Permission.REFERENCE_MANAGE)
    return 201, services.need_level_create(council=_council(request), actor=request.auth, **payload.dict())


@router.get("/reason-codes", response=list[ReasonCodeOut])
def list_reason_codes(request, kind: str = ""):
    require(request, Permission.REFERENCE_READ)
    return selectors.reason_code_list(council=_council(request), kind=kind)


@router.post("/reason-codes", response={201: ReasonCodeOut})
def create_reason_code(request, payload: ReasonCodeIn):
    require(request, Permission.REFERENCE_MANAGE)
    return 201, services.reason_code_create(council=_council(request), actor=request.auth, **payload.dict())


class ServiceTypeUpdate(Schema):
    name: str
    description: str = ""
    regulated_activity: bool = False
    is_active: bool = True


class NeedLevelUpdate(Schema):
    name: str
    rank: int = 1
    description: str = ""
    is_active: bool = True


class ReasonCodeUpdate(Schema):
    name: str
    is_active: bool = True


@router.put("/service-types/{service_type_id}", response=ServiceTypeOut)
def update_service_type(request, service_type_id: int, payload: ServiceTypeUpdate):
    """Codes never change; names, descriptions and whether in use do."""
    require(request, Permission.REFERENCE_MANAGE)
    found = selectors.reference_get(model=ServiceType, council=_council(request), pk=service_type_id)
    return services.service_type_update(service_type=found, actor=request.auth, **payload.dict())


@router.put("/need-levels/{need_level_id}", response=NeedLevelOut)
def update_need_level(request, need_level_id: int, payload: NeedLevelUpdate):
    require(request, Permission.REFERENCE_MANAGE)
    found = selectors.reference_get(model=NeedLevel, council=_council(request), pk=need_level_id)
    return services.need_level_update(need_level=found, actor=request.auth, **payload.dict())


@router.put("/reason-codes/{reason_code_id}", response=ReasonCodeOut)
def update_reason_code(request, reason_code_id: int, payload: ReasonCodeUpdate):
    require(request, Permission.REFERENCE_MANAGE)
    found = selectors.reference_get(model=ReasonCode, council=_council(request), pk=reason_code_id)
    return services.reason_code_update(reason_code=found, actor=request.auth, **payload.dict())
