"""Sourcing by cascade (tiered frameworks, seed 001) and ranked approach (seed 004).

Offers are `Referral` rows: one per provider per step. Deadlines are in working hours and enforced by the
worker (`time_out_referrals`). An acceptance locks the request row and relies on a unique index for the
last word, so two providers accepting at once cannot both win.
"""

from __future__ import annotations

from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from caremarket.arrangements import selectors as arrangement_reads
from caremarket.arrangements.models import Arrangement
from caremarket.core.audit import audit_record
from caremarket.core.errors import ServiceError
from caremarket.core.lifecycle import status_move
from caremarket.core.scheduling import working_hours_after
from caremarket.domain import lifecycles
from caremarket.domain.lifecycles import CARE_REQUEST, REFERRAL
from caremarket.reference.selectors import reason_code_find

from . import notices, selectors
from .models import CareRequest, Competition, Placement, Referral
from .placements import placement_create
from .services import care_request_move

GONE = lifecycles.GONE


def _offer_step(request: CareRequest, arrangement: Arrangement, steps, number: int, actor, now) -> list[Referral]:
    step = steps[number - 1]
    deadline = working_hours_after(now, float(arrangement.response_hours))
    admissions = {
        a.provider.name: a
        for a in arrangement_reads.admissions_in(
            "offerable", arrangement=arrangement, area=request.area
        ).select_related("provider")
    }
    made = []
    for name in step.providers:
        admission = admissions[name]
        referral = Referral.objects.create(
            request=request,
            provider=admission.provider,
            admission=admission,
            step=step.name,
            step_number=number,
            offered_at=now,
            deadline_at=deadline,
        )
        # the provider's own log: a referral came in (the request's name, with the person's, stays the council's)
        audit_record(
            actor=actor,
            organisation=admission.provider,
            action="referral.received",
            target=referral,
            after={"step": step.name, "deadline_at": deadline},
        )
        notices.referral_offered(referral)
        made.append(referral)
    audit_record(
        actor=actor,
        organisation=request.council,
        action="referral.offered",
        target=request,
        after={"step": step.name, "providers": list(step.providers), "deadline_at": deadline},
    )
    return made


def _advance(request: CareRequest, actor, now) -> list[Referral]:
    """Offer the next step, or mark the request unsourced when the steps run out."""
    arrangement, steps = selectors.sourcing_plan(request=request)
    done = request.referrals.order_by("-step_number").values_list("step_number", flat=True).first() or 0
    if arrangement is None or done >= len(steps):
        care_request_move(
            request=request,
            to_status="unsourced",
            actor=actor,
            reason="no provider on the arrangement accepted in time"
            if done
            else "no eligible provider on a cascade or ranked arrangement",
        )
        return []
    return _offer_step(request, arrangement, steps, done + 1, actor, now)


@transaction.atomic
def sourcing_start(*, request: CareRequest, actor, now: datetime | None = None) -> list[Referral]:
    now = now or timezone.now()
    request = CareRequest.objects.select_for_update().get(pk=request.pk)
    if not CARE_REQUEST.is_in(request.status, "being_sourced"):
        raise ServiceError("Only a request being sourced can be offered to providers", status=409)
    if request.referrals.exists():
        raise ServiceError("This request has already been offered; follow its steps below", status=409)
    return _advance(request, actor, now)


def _open_referral(referral: Referral, provider, now) -> Referral:
    if referral.provider_id != provider.pk:
        raise ServiceError("No such referral", status=404)
    if not REFERRAL.is_in(referral.status, "open"):
        why = lifecycles.REFERRAL_CLOSED.get(
            referral.status, f"This referral is {referral.get_status_display().lower()}"
        )
        raise ServiceError(why, status=409)
    if now > referral.deadline_at:
        raise ServiceError("The time to answer this referral has passed", status=409)
    return referral


@transaction.atomic
def referral_view(*, referral: Referral, provider, actor, now=None) -> Referral:
    now = now or timezone.now()
    if referral.provider_id == provider.pk and REFERRAL.is_in(referral.status, "unseen"):
        referral.viewed_at = now
        status_move(referral, "viewed", lifecycle=REFERRAL, changed_by=None, also_save=("viewed_at",))
        audit_record(
            actor=actor, organisation=provider, also=referral.request.council, action="referral.viewed", target=referral
        )
    return referral


@transaction.atomic
def referral_accept(*, referral: Referral, provider, actor, now: datetime | None = None) -> Placement:
    now = now or timezone.now()
    request = CareRequest.objects.select_for_update().get(pk=referral.request_id)
    referral = Referral.objects.select_for_update().get(pk=referral.pk)
    if not CARE_REQUEST.is_in(request.status, "being_sourced"):
        raise ServiceError(
            lifecycles.REQUEST_CLOSED.get(request.status, "This request is no longer being sourced"), status=409
        )
    _open_referral(referral, provider, now)
    referral.responded_at = now
    try:
        with transaction.atomic():
            status_move(referral, "accepted", lifecycle=REFERRAL, changed_by=None, also_save=("responded_at",))
    except IntegrityError as exc:
        raise ServiceError(GONE, status=409) from exc
    request.referrals.in_group("open").exclude(pk=referral.pk).move_all("withdrawn", responded_at=now)
    audit_record(
        actor=actor,
        organisation=request.council,
        also=referral.provider,
        action="referral.accepted",
        target=referral,
        after={"provider": referral.provider.name, "step": referral.step},
    )
    admission = referral.admission
    return placement_create(
        request=request,
        provider=referral.provider,
        route="ranked" if admission and admission.arrangement.mechanism == "ranked_framework" else "cascade",
        actor=actor,
        admission=admission,
        agreed_price=admission.price if admission else None,
        price_unit=_unit_of(admission),
        reason=f"accepted by {referral.provider.name} ({referral.step})",
    )


def _unit_of(admission) -> str:
    if admission is None or admission.price is None:
        return ""
    return {"hour-per-area": "hour", "day": "day", "week": "week"}.get(admission.arrangement.price_basis, "")


@transaction.atomic
def referral_decline(
    *, referral: Referral, provider, actor, reason_code: str, note: str = "", now: datetime | None = None
) -> Referral:
    now = now or timezone.now()
    CareRequest.objects.select_for_update().get(pk=referral.request_id)
    referral = Referral.objects.select_for_update().get(pk=referral.pk)
    _open_referral(referral, provider, now)
    reason = reason_code_find(
        council=referral.request.council, kind="decline", code=reason_code, missing="Choose the reason for declining"
    )
    referral.responded_at, referral.decline_reason, referral.note = now, reason, (note or "").strip()
    status_move(
        referral,
        "declined",
        lifecycle=REFERRAL,
        changed_by=None,
        also_save=("responded_at", "decline_reason", "note"),
    )
    audit_record(
        actor=actor,
        organisation=provider,
        also=referral.request.council,
        action="referral.declined",
        target=referral,
        after={"reason": reason.code},
        reason=reason.name,
    )
    if not referral.request.referrals.in_group("open").exists():
        _advance(referral.request, actor, now)
    return referral


def referrals_time_out(*, now: datetime | None = None) -> int:
    """Referrals past their deadline time out; a step with nobody left moves the request on (run by the worker)."""
    now = now or timezone.now()
    count = 0
    for request_id in (
        Referral.objects.in_group("open").filter(deadline_at__lt=now).values_list("request_id", flat=True).distinct()
    ):
        with transaction.atomic():
            request = CareRequest.objects.select_for_update().get(pk=request_id)
            for referral in request.referrals.in_group("open").filter(deadline_at__lt=now):
                referral.responded_at = now
                status_move(referral, "timed-out", lifecycle=REFERRAL, changed_by=None, also_save=("responded_at",))
                audit_record(
                    actor=None,
                    organisation=request.council,
                    also=referral.provider,
                    action="referral.timed_out",
                    target=referral,
                    reason="the deadline passed without an answer",
                )
                count += 1
            if CARE_REQUEST.is_in(request.status, "being_sourced") and not request.referrals.in_group("open").exists():
                _advance(request, None, now)
    return count


def deadlines_remind(*, now: datetime | None = None) -> int:
    """Those who have yet to answer a referral or a competition that closes within one working hour are told, once
    (run by the worker every few minutes). Returns how many referrals and competitions were told of."""
    now = now or timezone.now()
    soon = working_hours_after(now, 1)
    told = 0
    for referral in (
        Referral.objects.in_group("open")
        .filter(deadline_at__gt=now, deadline_at__lte=soon)
        .select_related("provider", "request__service_type", "request__area")
    ):
        told += bool(notices.referral_deadline_near(referral))
    for competition in Competition.objects.in_group("taking_offers").filter(closes_at__gt=now, closes_at__lte=soon):
        offered = set(competition.offers.in_group("live").values_list("provider_id", flat=True))
        for invitation in competition.invitations.select_related("provider"):
            if invitation.provider_id not in offered:
                told += bool(notices.competition_deadline_near(competition, invitation.provider))
    return told
