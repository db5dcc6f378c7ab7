"""Writes for a council's reference data. Each function validates everything first, then saves and audits
in one transaction, so bad input leaves nothing half-saved."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction

from caremarket.accounts.models import Organisation
from caremarket.core.audit import audit_record, changes_save, snapshot
from caremarket.core.errors import ServiceError
from caremarket.domain import pricing
from caremarket.domain import reference as rules
from caremarket.domain.rates import HOMECARE_ASSOCIATION_MINIMUM_PRICES

from .models import Area, CostOfCare, MinimumPrice, NeedLevel, ReasonCode, ReferenceModel, ServiceType

LABELS = {ServiceType: "service type", Area: "area", NeedLevel: "need level", ReasonCode: "reason code"}
ARTICLES = {ServiceType: "A service type", Area: "An area", NeedLevel: "A need level", ReasonCode: "A reason code"}


def _check(fn, *args):
    try:
        return fn(*args)
    except rules.ReferenceError as exc:
        raise ServiceError({exc.field: exc.message}) from exc


def _require_council(council: Organisation) -> None:
    if not council.is_council:
        raise ServiceError("Only a council has reference data", status=403)


def _name(value: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ServiceError({"name": "Enter a name"})
    if len(value) > 200:
        raise ServiceError({"name": "Name must be 200 characters or fewer"})
    return value


def _check_unique(model: type[ReferenceModel], scope: dict[str, Any], field: str, value: str, exclude_pk=None):
    clash = model.objects.filter(**scope, **{f"{field}__iexact": value})
    if exclude_pk is not None:
        clash = clash.exclude(pk=exclude_pk)
    if clash.exists():
        raise ServiceError({field: f"{ARTICLES[model]} with the {field} '{value}' already exists"})


def _save_new(instance: ReferenceModel, actor) -> ReferenceModel:
    try:
        with transaction.atomic():
            instance.save()
    except IntegrityError as exc:  # a concurrent duplicate: the database constraint is the last word
        raise ServiceError({"code": f"That {LABELS[type(instance)]} already exists"}, status=409) from exc
    audit_record(
        actor=actor,
        organisation=instance.council,
        action=f"{instance._meta.model_name}.created",
        target=instance,
        after=snapshot(instance),
    )
    return instance


def _save_changes(instance: ReferenceModel, actor, changes: dict[str, Any], reason: str = "") -> ReferenceModel:
    changes_save(instance, actor=actor, organisation=instance.council, changes=changes, reason=reason)
    return instance


@transaction.atomic
def service_type_create(
    *, council: Organisation, actor, code: str, name: str, description: str = "", regulated_activity: bool = False
) -> ServiceType:
    _require_council(council)
    code = _check(rules.normalise_code, code)
    name = _name(name)
    _check_unique(ServiceType, {"council": council}, "code", code)
    _check_unique(ServiceType, {"council": council}, "name", name)
    return _save_new(
        ServiceType(
            council=council,
            code=code,
            name=name,
            description=description.strip(),
            regulated_activity=regulated_activity,
        ),
        actor,
    )


@transaction.atomic
def service_type_update(
    *, service_type: ServiceType, actor, name: str, description: str, regulated_activity: bool, is_active: bool
) -> ServiceType:
    name = _name(name)
    _check_unique(ServiceType, {"council": service_type.council}, "name", name, exclude_pk=service_type.pk)
    return _save_changes(
        service_type,
        actor,
        {
            "name": name,
            "description": description.strip(),
            "regulated_activity": regulated_activity,
            "is_active": is_active,
        },
    )


def _area_fields(level, ons_code: str, latitude: Decimal | None, longitude: Decimal | None) -> dict[str, Any]:
    level = _check(rules.check_area_level, level)
    ons_code = _check(rules.check_ons_code, ons_code)
    _check(rules.check_centroid, latitude, longitude)
    return {"level": level, "ons_code": ons_code, "latitude": latitude, "longitude": longitude}


@transaction.atomic
def area_create(
    *,
    council: Organisation,
    actor,
    code: str,
    name: str,
    level: int,
    in_county: bool = True,
    ons_code: str = "",
    latitude: Decimal | None = None,
    longitude: Decimal | None = None,
) -> Area:
    _require_council(council)
    code = _check(rules.normalise_code, code)
    name = _name(name)
    fields = _area_fields(level, ons_code, latitude, longitude)
    _check_unique(Area, {"council": council}, "code", code)
    _check_unique(Area, {"council": council}, "name", name)
    return _save_new(Area(council=council, code=code, name=name, in_county=in_county, **fields), actor)


@transaction.atomic
def area_update(
    *,
    area: Area,
    actor,
    name: str,
    level: int,
    in_county: bool,
    ons_code: str = "",
    latitude: Decimal | None = None,
    longitude: Decimal | None = None,
    is_active: bool = True,
    reason: str = "",
) -> Area:
    name = _name(name)
    fields = _area_fields(level, ons_code, latitude, longitude)
    _check_unique(Area, {"council": area.council}, "name", name, exclude_pk=area.pk)
    return _save_changes(
        area, actor, {"name": name, "in_county": in_county, "is_active": is_active, **fields}, reason=reason
    )


def _service_type_of(council: Organisation, service_type: ServiceType | str) -> ServiceType:
    if isinstance(service_type, ServiceType):
        if service_type.council_id != council.pk:
            raise ServiceError({"service_type": "That service type belongs to another council"}, status=404)
        return service_type
    found = ServiceType.objects.for_organisation(council).filter(code=(service_type or "").strip().lower()).first()
    if found is None:
        raise ServiceError({"service_type": f"There is no service type with the code '{service_type}'"})
    return found


def _rank(rank) -> int:
    try:
        value = int(rank)
    except (TypeError, ValueError) as exc:
        raise ServiceError({"rank": "Order must be a whole number from 1 to 20"}) from exc
    if not 1 <= value <= 20:
        raise ServiceError({"rank": "Order must be a whole number from 1 to 20"})
    return value


@transaction.atomic
def need_level_create(
    *,
    council: Organisation,
    actor,
    service_type: ServiceType | str,
    code: str,
    name: str,
    rank: int = 1,
    description: str = "",
) -> NeedLevel:
    _require_council(council)
    service_type = _service_type_of(council, service_type)
    code = _check(rules.normalise_code, code)
    name = _name(name)
    rank = _rank(rank)
    _check_unique(NeedLevel, {"service_type": service_type}, "code", code)
    _check_unique(NeedLevel, {"service_type": service_type}, "name", name)
    return _save_new(
        NeedLevel(
            council=council, service_type=service_type, code=code, name=name, rank=rank, description=description.strip()
        ),
        actor,
    )


@transaction.atomic
def need_level_update(
    *, need_level: NeedLevel, actor, name: str, rank: int, description: str, is_active: bool
) -> NeedLevel:
    name = _name(name)
    rank = _rank(rank)
    _check_unique(NeedLevel, {"service_type": need_level.service_type}, "name", name, exclude_pk=need_level.pk)
    return _save_changes(
        need_level,
        actor,
        {"name": name, "rank": rank, "description": description.strip(), "is_active": is_active},
    )


@transaction.atomic
def reason_code_create(*, council: Organisation, actor, kind: str, code: str, name: str) -> ReasonCode:
    _require_council(council)
    kind = _check(rules.check_reason_kind, kind)
    code = _check(rules.normalise_code, code)
    name = _name(name)
    _check_unique(ReasonCode, {"council": council, "kind": kind}, "code", code)
    return _save_new(ReasonCode(council=council, kind=kind, code=code, name=name), actor)


@transaction.atomic
def reason_code_update(*, reason_code: ReasonCode, actor, name: str, is_active: bool) -> ReasonCode:
    return _save_changes(reason_code, actor, {"name": _name(name), "is_active": is_active})


# -- price floors ---------------------------------------------------------------------------------------------


def minimum_prices_load() -> None:
    for starts_on, ends_on, amount, nlw in HOMECARE_ASSOCIATION_MINIMUM_PRICES:
        MinimumPrice.objects.get_or_create(
            starts_on=starts_on, defaults={"ends_on": ends_on, "amount": amount, "national_living_wage": nlw}
        )


@transaction.atomic
def cost_of_care_create(*, council: Organisation, actor, name: str, starts_on: date, **parts) -> CostOfCare:
    if starts_on is None:
        raise ServiceError({"starts_on": "Enter the date the cost of care applies from"})
    for field, value in parts.items():
        if value is None or Decimal(value) < 0:
            raise ServiceError({field: "Give a number of 0 or more"})
    hourly = pricing.CostOfCare(**{k: Decimal(v) for k, v in parts.items()}).hourly_rate()
    row = CostOfCare.objects.create(
        council=council, name=(name or "Cost of care").strip(), starts_on=starts_on, hourly_rate=hourly, **parts
    )
    audit_record(
        actor=actor,
        organisation=council,
        action="cost_of_care.created",
        target=row,
        after={"hourly_rate": hourly, "starts_on": starts_on},
    )
    return row
