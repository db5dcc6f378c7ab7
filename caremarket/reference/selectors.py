from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db.models import Count, Q

from caremarket.accounts.models import Organisation
from caremarket.core.errors import ServiceError
from caremarket.core.tenancy import get_for_organisation_or_404
from caremarket.domain import pricing

from .models import Area, CostOfCare, MinimumPrice, NeedLevel, ReasonCode, ServiceType


def service_type_list(*, council: Organisation, active_only: bool = False):
    qs = ServiceType.objects.for_organisation(council).annotate(need_level_count=Count("need_levels"))
    return qs.filter(is_active=True) if active_only else qs


def area_list(*, council: Organisation, level: int | None = None, search: str = "", active_only: bool = False):
    qs = Area.objects.for_organisation(council)
    if level:
        qs = qs.filter(level=level)
    if search:
        qs = qs.filter(Q(name__icontains=search) | Q(code__icontains=search))
    return qs.filter(is_active=True) if active_only else qs


def need_level_list(*, council: Organisation, service_type_code: str = ""):
    qs = NeedLevel.objects.for_organisation(council).select_related("service_type")
    return qs.filter(service_type__code=service_type_code) if service_type_code else qs


def reason_code_list(*, council: Organisation, kind: str = ""):
    qs = ReasonCode.objects.for_organisation(council)
    return qs.filter(kind=kind) if kind else qs


def reason_code_find(*, council: Organisation, kind: str, code: str, missing: str) -> ReasonCode:
    """One of the council's active reason codes of a kind (why a referral is declined, a placement ends, ...), or
    a ServiceError on the `reason_code` field saying `missing`."""
    found = ReasonCode.objects.for_organisation(council).filter(kind=kind, code=code or "", is_active=True).first()
    if found is None:
        raise ServiceError({"reason_code": missing})
    return found


def reference_get(*, model, council: Organisation, pk):
    return get_for_organisation_or_404(model.objects.all(), council, pk=pk)


def reference_summary(*, council: Organisation) -> dict:
    areas = Area.objects.for_organisation(council).filter(is_active=True)
    return {
        "service_types": ServiceType.objects.for_organisation(council).filter(is_active=True).count(),
        "areas": areas.count(),
        "areas_by_level": {
            row["level"]: row["n"] for row in areas.values("level").annotate(n=Count("id")).order_by("level")
        },
        "need_levels": NeedLevel.objects.for_organisation(council).filter(is_active=True).count(),
        "reason_codes": ReasonCode.objects.for_organisation(council).filter(is_active=True).count(),
    }


# -- price floors ---------------------------------------------------------------------------------------------


def minimum_price_on(day: date) -> Decimal | None:
    found = MinimumPrice.objects.filter(starts_on__lte=day).filter(Q(ends_on__isnull=True) | Q(ends_on__gte=day))
    row = found.order_by("-starts_on").first()
    return row.amount if row else None


def cost_of_care_on(council: Organisation, day: date) -> Decimal | None:
    row = CostOfCare.objects.for_organisation(council).filter(starts_on__lte=day).order_by("-starts_on").first()
    return row.hourly_rate if row else None


def cost_of_care_list(*, council: Organisation):
    return CostOfCare.objects.for_organisation(council).order_by("-starts_on", "-id")


def price_floor_flags(council: Organisation, amount: Decimal, unit: str, day: date) -> list[str]:
    """Floors apply to hourly home care rates: the council's cost of care and the Homecare Association price."""
    if unit != "hour":
        return []
    return pricing.floor_flags(amount, cost_of_care=cost_of_care_on(council, day), minimum_price=minimum_price_on(day))


def names(*, council: Organisation) -> tuple[dict[int, str], dict[int, str]]:
    """The council's services and areas by key, for a page's choices."""
    return (
        dict(ServiceType.objects.for_organisation(council).values_list("pk", "name")),
        dict(Area.objects.for_organisation(council).values_list("pk", "name")),
    )


def own_key(raw, keys) -> int | None:
    """A key chosen on a page or sent to the API, if it is one of `keys` (the council's own); otherwise none."""
    return int(raw) if raw and str(raw).isdigit() and int(raw) in keys else None
