"""Placements: created by every route (cascade, ranked, call-off, block vacancy, spot purchase), then varied with
dated terms, suspended for hospital stays, ended, or moved back into sourcing when a provider fails."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from caremarket.accounts.models import Organisation
from caremarket.arrangements import selectors as arrangement_reads
from caremarket.arrangements.admissions import admissions_suspend_provider
from caremarket.arrangements.models import Admission
from caremarket.core.audit import audit_record, describe_actor
from caremarket.core.errors import ServiceError
from caremarket.core.lifecycle import status_move, status_started
from caremarket.domain import requests as requests_rules
from caremarket.domain import visits as visit_rules
from caremarket.domain.arrangements import Status as ArrangementStatus
from caremarket.domain.lifecycles import CARE_REQUEST, PLACEMENT
from caremarket.reference.models import NeedLevel, ReasonCode
from caremarket.reference.selectors import reason_code_find

from . import notices, selectors
from .models import (
    PRICE_UNITS,
    CareRequest,
    CareRequestStatusChange,
    HospitalStay,
    Placement,
    PlacementTerms,
    PlannedVisit,
    VisitPlan,
)
from .services import care_request_move

UNIT_CODES = {code for code, _ in PRICE_UNITS}


def _notify_placement(placement: Placement) -> None:
    """Tell the provider's people (notifications) and email the practitioner who made the request, once the award
    is committed."""
    from caremarket.core.tasks import send_email

    notices.placement_made(placement)
    request = placement.request
    flag = " (spot purchase)" if placement.is_spot else ""
    if request.created_by_id and request.created_by.email:
        body = (
            f"The care request {request.reference} has been placed with {placement.provider.name}"
            f"{flag}, by {placement.get_route_display().lower()}, starting {placement.start_on:%-d %B %Y}.\n"
        )
        to = [request.created_by.email]
        transaction.on_commit(
            lambda body=body: send_email.enqueue(subject=f"Request {request.reference} placed", body=body, to=to)
        )


def placement_create(
    *,
    request: CareRequest,
    provider: Organisation,
    route: str,
    actor,
    admission: Admission | None = None,
    agreed_price: Decimal | None = None,
    price_unit: str = "",
    start_on: date | None = None,
    offer=None,
    spot_reason: ReasonCode | None = None,
    reason: str,
) -> Placement:
    """The one way a request becomes a placement; the caller holds the request's row lock."""
    placement = Placement.objects.create(
        council=request.council,
        request=request,
        person=request.person,
        provider=provider,
        admission=admission,
        service_type=request.service_type,
        need_level=request.need_level,
        area=request.area,
        start_on=start_on or request.start_on,
        hours_per_week=request.hours_per_week,
        days_per_week=request.days_per_week,
        weekly_placement=request.weekly_placement,
        agreed_price=agreed_price,
        price_unit=price_unit,
        route=route,
        offer=offer,
        spot_reason=spot_reason,
    )
    PlacementTerms.objects.create(
        placement=placement,
        starts_on=placement.start_on,
        need_level=placement.need_level,
        hours_per_week=placement.hours_per_week,
        days_per_week=placement.days_per_week,
        agreed_price=agreed_price,
        admission=admission,
        reason="the terms of the award",
        created_by=describe_actor(actor)[0],
    )
    audit_record(
        actor=actor,
        organisation=request.council,
        also=provider,
        action="placement.created",
        target=placement,
        after={
            "provider": provider.name,
            "route": route,
            "agreed_price": agreed_price,
            "price_unit": price_unit,
            "start_on": placement.start_on,
            "spot_reason": spot_reason.code if spot_reason else None,
        },
    )
    care_request_move(request=request, to_status="placed", actor=actor, reason=reason)
    _notify_placement(placement)
    return placement


def _locked_request(request: CareRequest) -> CareRequest:
    request = CareRequest.objects.select_for_update().get(pk=request.pk)
    if not CARE_REQUEST.is_in(request.status, "to_source"):
        raise ServiceError(f"A request that is {request.get_status_display().lower()} cannot be placed", status=409)
    return request


def _price(value, field: str = "agreed_price") -> Decimal:
    if value is None:
        raise ServiceError({field: "Enter the agreed price"})
    price = Decimal(value)
    if price <= 0:
        raise ServiceError({field: "The price must be more than £0"})
    if price != price.quantize(Decimal("0.01")):
        raise ServiceError({field: "Give the price in pounds and pence, like 24.50"})
    return price


def _unit(value: str) -> str:
    if value not in UNIT_CODES:
        raise ServiceError({"price_unit": "Choose what the price is for: an hour, a day, a week or the package"})
    return value


@transaction.atomic
def spot_purchase(
    *,
    request: CareRequest,
    provider: Organisation,
    actor,
    reason_code: str,
    agreed_price: Decimal | None,
    price_unit: str,
    note: str = "",
) -> Placement:
    """Care bought off the arrangements: a mandatory reason and the agreed price, flagged everywhere."""
    request = _locked_request(request)
    if not provider.is_provider:
        raise ServiceError({"provider": "Choose a care provider"})
    reason = reason_code_find(
        council=request.council,
        kind="spot-purchase",
        code=reason_code,
        missing="Choose why nothing on the arrangements can meet the need",
    )
    price = _price(agreed_price)
    unit = _unit(price_unit)
    request.referrals.in_group("open").move_all("withdrawn", responded_at=timezone.now())
    return placement_create(
        request=request,
        provider=provider,
        route="spot",
        actor=actor,
        agreed_price=price,
        price_unit=unit,
        spot_reason=reason,
        reason=f"spot purchase from {provider.name}: {reason.name}" + (f" ({note.strip()})" if note.strip() else ""),
    )


@transaction.atomic
def in_house_place(*, request: CareRequest, provider: Organisation, actor) -> Placement:
    """Place a request with the council's own service (seed 003: Cheshire East's in-house day service beside its
    external providers): no competition and no price, and no payment run pays it."""
    request = _locked_request(request)
    if provider.in_house_of_id != request.council_id or not provider.is_active:
        raise ServiceError({"provider": "Choose one of the council's own services"})
    request.referrals.in_group("open").move_all("withdrawn", responded_at=timezone.now())
    return placement_create(
        request=request, provider=provider, route="in-house", actor=actor, reason=f"placed with {provider.name}"
    )


@transaction.atomic
def block_place(*, request: CareRequest, admission: Admission, actor) -> Placement:
    """Place a request straight into a block contract's vacancy (seed 002)."""
    request = _locked_request(request)
    admission = arrangement_reads.admission_for_update(pk=admission.pk)
    if admission.pk not in {a.pk for a in selectors.block_vacancies(council=request.council, request=request)}:
        raise ServiceError({"admission": "That block has no vacancy for this service and area"}, status=409)
    return placement_create(
        request=request,
        provider=admission.provider,
        route="block",
        actor=actor,
        admission=admission,
        agreed_price=admission.price,
        price_unit="week" if admission.price else "",
        reason=f"placed in a block vacancy with {admission.provider.name}",
    )


def _locked_placement(placement: Placement) -> Placement:
    placement = Placement.objects.select_for_update().get(pk=placement.pk)
    if not PLACEMENT.is_in(placement.status, "live"):
        raise ServiceError(f"Placement {placement.pk} has ended", status=409)
    return placement


@transaction.atomic
def placement_vary(
    *,
    placement: Placement,
    actor,
    starts_on: date,
    reason: str,
    hours_per_week: Decimal | None = None,
    days_per_week: int | None = None,
    need_level: int | None = None,
    agreed_price: Decimal | None = None,
) -> PlacementTerms:
    """New terms from a date. The current terms end the day before; earlier terms are never touched."""
    placement = _locked_placement(placement)
    if starts_on is None:
        raise ServiceError({"starts_on": "Enter the date the new terms start"})
    if not (reason or "").strip():
        raise ServiceError({"reason": "Say why the placement is varied"})
    current = placement.terms.order_by("-starts_on").first()
    if starts_on <= current.starts_on:
        raise ServiceError(
            {
                "starts_on": f"The new terms would overlap the terms from {current.starts_on:%-d %B %Y}; "
                f"they must start after that date"
            },
            status=409,
        )
    level = current.need_level
    if need_level:
        level = NeedLevel.objects.filter(pk=need_level, service_type=placement.service_type).first()
        if level is None:
            raise ServiceError({"need_level": f"Choose a need level of {placement.service_type.name}"})
    if hours_per_week is not None and hours_per_week <= 0:
        raise ServiceError({"hours_per_week": "Hours per week must be more than 0"})
    if days_per_week is not None and not 1 <= days_per_week <= 7:
        raise ServiceError({"days_per_week": "Days per week are from 1 to 7"})
    price = _price(agreed_price) if agreed_price is not None else current.agreed_price
    new = {
        "need_level": level,
        "hours_per_week": hours_per_week if hours_per_week is not None else current.hours_per_week,
        "days_per_week": days_per_week if days_per_week is not None else current.days_per_week,
        "agreed_price": price,
    }
    if all(getattr(current, k) == v for k, v in new.items()):
        raise ServiceError({"hours_per_week": "The new terms are the same as the current ones"})
    current.ends_on = starts_on - timedelta(days=1)
    current.save(update_fields=["ends_on"])
    terms = PlacementTerms.objects.create(
        placement=placement,
        starts_on=starts_on,
        admission=current.admission,
        reason=reason.strip(),
        created_by=describe_actor(actor)[0],
        **new,
    )
    for key, value in new.items():
        setattr(placement, key, value)
    placement.save(update_fields=list(new))
    audit_record(
        actor=actor,
        organisation=placement.council,
        also=placement.provider,
        action="placement.varied",
        target=placement,
        before={k: getattr(current, k) for k in ("need_level_id", "hours_per_week", "days_per_week", "agreed_price")},
        after={k: getattr(terms, k) for k in ("need_level_id", "hours_per_week", "days_per_week", "agreed_price")}
        | {"starts_on": starts_on},
        reason=reason.strip(),
    )
    return terms


@transaction.atomic
def visit_plan_set(
    *, placement: Placement, actor, starts_on: date | None, visits: list[visit_rules.PlannedVisit], reason: str = ""
) -> VisitPlan:
    """The planned visits from a date (the provider's rota, by its people or its rostering system). The current plan
    ends the day before; earlier plans are never touched."""
    placement = _locked_placement(placement)
    if not placement.hours_per_week:
        raise ServiceError({"visits": "Only care given in visits (hours a week) has a visit plan"})
    if starts_on is None:
        raise ServiceError({"starts_on": "Enter the date the plan starts"})
    if starts_on < placement.start_on:
        raise ServiceError(
            {"starts_on": f"The plan cannot start before the placement does, on {placement.start_on:%-d %B %Y}"}
        )
    errors = visit_rules.check_plan(visits)
    if errors:
        raise ServiceError(errors)
    current = placement.visit_plans.filter(ends_on__isnull=True).first()
    if current is not None:
        if starts_on <= current.starts_on:
            raise ServiceError(
                {
                    "starts_on": f"The plan from {current.starts_on:%-d %B %Y} is in force; a new plan must start "
                    f"after that date"
                },
                status=409,
            )
        current.ends_on = starts_on - timedelta(days=1)
        current.save(update_fields=["ends_on"])
    plan = VisitPlan.objects.create(
        placement=placement, starts_on=starts_on, reason=(reason or "").strip(), created_by=describe_actor(actor)[0]
    )
    PlannedVisit.objects.bulk_create(
        PlannedVisit(plan=plan, days=visit_rules.days_mask(v.days), start=v.start, minutes=v.minutes, carers=v.carers)
        for v in visits
    )
    audit_record(
        actor=actor,
        organisation=placement.council,
        also=placement.provider,
        action="placement.visit_plan_set",
        target=placement,
        before={"plan_from": current.starts_on} if current else {},
        after={
            "starts_on": starts_on,
            "visits": [f"{v.days_text} {v.start:%H:%M} {v.minutes} min x{v.carers}" for v in visits],
        },
        reason=(reason or "").strip(),
    )
    return plan


def visit_plan_on(placement: Placement, day: date) -> VisitPlan | None:
    return (
        placement.visit_plans.filter(starts_on__lte=day)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=day))
        .prefetch_related("visits")
        .first()
    )


def terms_on(placement: Placement, day: date) -> PlacementTerms | None:
    return (
        placement.terms.filter(starts_on__lte=day)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=day))
        .select_related("need_level")
        .first()
    )


@transaction.atomic
def hospital_admit(*, placement: Placement, actor, admitted_on: date, unplanned: bool = True) -> HospitalStay:
    placement = _locked_placement(placement)
    if admitted_on is None:
        raise ServiceError({"admitted_on": "Enter the date the person went into hospital"})
    if admitted_on < placement.start_on:
        raise ServiceError({"admitted_on": "The admission date is before the placement started"})
    if placement.hospital_stays.filter(discharged_on__isnull=True).exists():
        raise ServiceError({"admitted_on": "The person is already in hospital; record the discharge first"}, status=409)
    if placement.hospital_stays.filter(discharged_on__gte=admitted_on).exists():
        raise ServiceError({"admitted_on": "This overlaps a hospital stay already recorded"}, status=409)
    stay = HospitalStay.objects.create(
        placement=placement, admitted_on=admitted_on, unplanned=unplanned, recorded_by=describe_actor(actor)[0]
    )
    status_move(placement, "suspended", lifecycle=PLACEMENT, changed_by=describe_actor(actor)[0])
    audit_record(
        actor=actor,
        organisation=placement.council,
        also=placement.provider,
        action="placement.hospital_admitted",
        target=placement,
        after={"admitted_on": admitted_on, "unplanned": unplanned},
    )
    return stay


@transaction.atomic
def hospital_discharge(*, placement: Placement, actor, discharged_on: date) -> HospitalStay:
    placement = _locked_placement(placement)
    stay = placement.hospital_stays.filter(discharged_on__isnull=True).first()
    if stay is None:
        raise ServiceError({"discharged_on": "The person is not in hospital"}, status=409)
    if discharged_on is None or discharged_on < stay.admitted_on:
        raise ServiceError({"discharged_on": f"The discharge date must be on or after {stay.admitted_on:%-d %B %Y}"})
    stay.discharged_on = discharged_on
    stay.save(update_fields=["discharged_on"])
    status_move(placement, "active", lifecycle=PLACEMENT, changed_by=describe_actor(actor)[0])
    audit_record(
        actor=actor,
        organisation=placement.council,
        also=placement.provider,
        action="placement.hospital_discharged",
        target=placement,
        after={"discharged_on": discharged_on},
    )
    return stay


@transaction.atomic
def placement_end(*, placement: Placement, actor, ended_on: date, reason_code: str, note: str = "") -> Placement:
    placement = _locked_placement(placement)
    if ended_on is None or ended_on < placement.start_on:
        raise ServiceError({"ended_on": f"The end date must be on or after {placement.start_on:%-d %B %Y}"})
    later = placement.terms.filter(starts_on__gt=ended_on).first()
    if later:
        raise ServiceError({"ended_on": f"New terms start on {later.starts_on:%-d %B %Y}, after that end date"})
    reason = reason_code_find(
        council=placement.council, kind="ending", code=reason_code, missing="Choose why the placement ends"
    )
    placement.ended_on, placement.end_reason, placement.end_note = ended_on, reason, (note or "").strip()
    status_move(
        placement,
        "ended",
        lifecycle=PLACEMENT,
        changed_by=describe_actor(actor)[0],
        also_save=("ended_on", "end_reason", "end_note"),
    )
    placement.terms.filter(Q(ends_on__isnull=True) | Q(ends_on__gt=ended_on)).update(ends_on=ended_on)
    placement.hospital_stays.filter(discharged_on__isnull=True).update(discharged_on=ended_on)
    audit_record(
        actor=actor,
        organisation=placement.council,
        also=placement.provider,
        action="placement.ended",
        target=placement,
        after={"ended_on": ended_on, "reason": reason.code},
        reason=reason.name,
    )
    return placement


@transaction.atomic
def provider_placements_resource(
    *, council: Organisation, provider: Organisation, actor, reason_code: str, ends_on: date | None = None
) -> list[CareRequest]:
    """A provider fails or leaves (seed 000): end all its placements with the council and put a new request for
    each person into sourcing, pointing back to the placement so the history stays whole."""
    ends_on = ends_on or timezone.localdate()
    placements = list(
        Placement.objects.for_organisation(council)
        .in_group("live")
        .filter(provider=provider)
        .select_related("request", "person")
        .order_by("pk")
    )
    if not placements:
        raise ServiceError(f"{provider.name} has no active placements with {council.name}", status=409)
    ending = ReasonCode.objects.for_organisation(council).filter(kind="ending", code=reason_code).first()
    admissions_suspend_provider(
        council=council,
        provider=provider,
        actor=actor,
        reason_code=reason_code,
        reason=f"the provider has failed or left on {ends_on:%-d %B %Y}" + (f" ({ending.name})" if ending else ""),
    )
    created = []
    for placement in placements:
        placement_end(
            placement=placement, actor=actor, ended_on=max(ends_on, placement.start_on), reason_code=reason_code
        )
        old = placement.request
        start_on = max(ends_on + timedelta(days=1), placement.start_on)
        # a replacement is a new request like any other: a child's waits for a team leader (seed 004)
        status = requests_rules.first_status(placement.person.age_on(start_on))
        request = CareRequest.objects.create(
            council=council,
            person=placement.person,
            service_type=placement.service_type,
            need_level=placement.need_level,
            area=placement.area,
            area_overridden=old.area_overridden,
            needs_transport=old.needs_transport,
            hours_per_week=placement.hours_per_week,
            visit_pattern=old.visit_pattern,
            days_per_week=placement.days_per_week,
            weekly_placement=placement.weekly_placement,
            start_on=start_on,
            outcomes=old.outcomes,
            requirements=old.requirements,
            status=status,
            requires_approval=not CARE_REQUEST.is_in(status, "to_source"),
            created_by=describe_actor(actor)[0],
            replaces_placement=placement,
        )
        status_started(
            request,
            history=(CareRequestStatusChange, "request"),
            changed_by=describe_actor(actor)[0],
            reason=f"re-sourcing: {provider.name} can no longer provide placement {placement.pk}",
        )
        audit_record(
            actor=actor,
            organisation=council,
            action="care_request.created",
            target=request,
            after={"replaces_placement": placement.pk, "status": status},
            reason=f"{provider.name} can no longer provide care",
        )
        if request.requires_approval:
            notices.approval_waiting(request, actor)
        created.append(request)
    return created


@transaction.atomic
def placements_carry_over(*, arrangement, actor, starts_on: date | None = None) -> tuple[list, list]:
    """Continuity (seed 001): when a new arrangement starts, a person keeps their current provider if that provider
    is on it. Their placement gets new terms under the new admission; the others are listed for re-sourcing."""
    starts_on = starts_on or max(arrangement.starts_on, timezone.localdate())
    if arrangement.status != ArrangementStatus.LIVE:
        raise ServiceError("Placements carry over to a live arrangement only", status=409)
    admissions = arrangement_reads.admissions_in("offerable", arrangement=arrangement).prefetch_related(
        "lot__service_types", "lot__areas"
    )
    index = {}
    for a in admissions:
        areas = [a.area_id] if a.area_id else [x.pk for x in a.lot.areas.all()]
        for st in a.lot.service_types.all():
            for area in areas:
                index.setdefault((a.provider_id, st.pk, area), a)
    service_types = {st for (_, st, _) in index}
    carried, left = [], []
    placements = (
        Placement.objects.for_organisation(arrangement.council)
        .in_group("live")
        .filter(service_type_id__in=service_types)
        .exclude(admission__arrangement=arrangement)
        .select_related("provider", "person")
        .order_by("pk")
    )
    for placement in placements:
        placement = Placement.objects.select_for_update().get(pk=placement.pk)
        admission = index.get((placement.provider_id, placement.service_type_id, placement.area_id))
        if admission is None:
            left.append(placement)
            continue
        current = placement.terms.order_by("-starts_on").first()
        if current.starts_on >= starts_on:
            left.append(placement)
            continue
        current.ends_on = starts_on - timedelta(days=1)
        current.save(update_fields=["ends_on"])
        price = admission.price or current.agreed_price
        PlacementTerms.objects.create(
            placement=placement,
            starts_on=starts_on,
            need_level=current.need_level,
            hours_per_week=current.hours_per_week,
            days_per_week=current.days_per_week,
            agreed_price=price,
            admission=admission,
            reason=f"continuity: the provider is on {arrangement.reference}",
            created_by=describe_actor(actor)[0],
        )
        placement.admission, placement.agreed_price = admission, price
        placement.save(update_fields=["admission", "agreed_price"])
        audit_record(
            actor=actor,
            organisation=arrangement.council,
            action="placement.carried_over",
            target=placement,
            after={"arrangement": arrangement.reference, "admission": admission.pk, "starts_on": starts_on},
        )
        carried.append(placement)
    return carried, left


def placement_list(*, council: Organisation, spot_only: bool = False, provider: Organisation | None = None):
    qs = Placement.objects.for_organisation(council).select_related(
        "person", "provider", "service_type", "area", "spot_reason", "need_level"
    )
    if spot_only:
        qs = qs.filter(route="spot")
    if provider is not None:
        qs = qs.filter(provider=provider)
    return qs
