"""Writes for people and care requests. Every status change is recorded and audited."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from caremarket.accounts.models import Organisation
from caremarket.core.audit import audit_record, changes_save, describe_actor, snapshot
from caremarket.core.errors import ServiceError
from caremarket.core.lifecycle import status_move, status_started
from caremarket.domain import reference as reference_rules
from caremarket.domain import requests as requests_rules
from caremarket.domain.lifecycles import CARE_REQUEST, COMPETITION, REFERRAL
from caremarket.reference.models import Area, AreaPostcode, NeedLevel, ServiceType

from . import notices
from .models import CareRequest, CareRequestStatusChange, Person, PersonRecordView


def _postcode(raw: str) -> str:
    try:
        return reference_rules.normalise_postcode(raw)
    except reference_rules.ReferenceError as exc:
        raise ServiceError({"postcode": exc.message}) from exc


def person_viewed(*, person: Person, viewer, what: str = "person", via: str = "page") -> PersonRecordView:
    """Record that `viewer` (a person, or a token acting for one) opened `person`'s record, for their council."""
    user, label = describe_actor(viewer)
    return PersonRecordView.objects.create(
        council_id=person.council_id,
        person=person,
        viewer=user,
        viewer_label=label,
        viewer_organisation_id=viewer.organisation_id,
        what=what,
        via=via,
    )


@transaction.atomic
def person_create(
    *,
    council: Organisation,
    actor,
    given_name: str,
    family_name: str,
    date_of_birth: date,
    address: str,
    postcode: str,
    phone: str = "",
    email: str = "",
    duplicate_ok: bool = False,
) -> Person:
    """A person the council arranges care for. Someone with the same name, date of birth and postcode is most
    likely already recorded: refused (409, naming the record) unless the caller says it is someone else."""
    from .selectors import person_matches

    if not council.is_council:
        raise ServiceError("Only a council records people", status=403)
    if not (given_name or "").strip():
        raise ServiceError({"given_name": "Enter the person's first name"})
    if not (family_name or "").strip():
        raise ServiceError({"family_name": "Enter the person's last name"})
    if date_of_birth is None or date_of_birth > timezone.localdate():
        raise ServiceError({"date_of_birth": "Date of birth must be in the past"})
    if not (address or "").strip():
        raise ServiceError({"address": "Enter the address"})
    same = person_matches(
        council=council, given_name=given_name, family_name=family_name, date_of_birth=date_of_birth, postcode=postcode
    ).first()
    if same is not None and not duplicate_ok:
        raise ServiceError(
            {"given_name": f"Person {same.pk} has the same name, date of birth and postcode: use that record, or "
             "say this is someone else"},
            status=409,
        )  # fmt: skip
    person = Person.objects.create(
        council=council,
        given_name=given_name.strip(),
        family_name=family_name.strip(),
        date_of_birth=date_of_birth,
        address=address.strip(),
        postcode=_postcode(postcode),
        phone=(phone or "").strip(),
        email=(email or "").strip(),
    )
    # Personal details stay out of the audit record; the record says who was added and by whom.
    audit_record(actor=actor, organisation=council, action="person.created", target=person, after={"id": person.pk})
    return person


def area_for_postcode(council: Organisation, postcode: str) -> Area | None:
    found = (
        AreaPostcode.objects.for_organisation(council)
        .filter(outward_code=reference_rules.outward_code(postcode))
        .select_related("area")
        .first()
    )
    return found.area if found else None


def care_request_move(*, request: CareRequest, to_status: str, actor, reason: str = "") -> None:
    """Move a request to a new state: one append-only record and one audit entry, whoever moves it."""
    request.status_changed_at = timezone.now()
    previous = status_move(
        request,
        to_status,
        lifecycle=CARE_REQUEST,
        changed_by=describe_actor(actor)[0],
        history=(CareRequestStatusChange, "request"),
        reason=reason,
        also_save=("status_changed_at", "approved_by", "approved_at"),
    )
    audit_record(
        actor=actor,
        organisation=request.council,
        action="care_request.status_changed",
        target=request,
        before={"status": previous},
        after={"status": to_status},
        reason=reason,
    )


@transaction.atomic
def care_request_create(
    *,
    council: Organisation,
    actor,
    person: Person,
    service_type: str,
    start_on: date,
    outcomes: str,
    need_level: int | None = None,
    area: str = "",
    needs_transport: bool = False,
    hours_per_week: Decimal | None = None,
    visit_pattern: str = "",
    days_per_week: int | None = None,
    weekly_placement: bool = False,
    requirements: str = "",
    today: date | None = None,
) -> CareRequest:
    today = today or timezone.localdate()
    if person.council_id != council.pk:
        raise ServiceError({"person": "No such person in your council"}, status=404)
    st = ServiceType.objects.for_organisation(council).filter(code=service_type, is_active=True).first()
    if st is None:
        raise ServiceError({"service_type": f"There is no service type with the code '{service_type}'"})
    level = None
    if need_level:
        level = NeedLevel.objects.for_organisation(council).filter(pk=need_level, service_type=st).first()
        if level is None:
            raise ServiceError({"need_level": f"Choose a need level of {st.name}"})
    elif NeedLevel.objects.for_organisation(council).filter(service_type=st, is_active=True).exists():
        raise ServiceError({"need_level": f"Choose the need level for {st.name}"})
    if start_on is None or start_on < today:
        raise ServiceError({"start_on": "The start date cannot be in the past"})
    if not (outcomes or "").strip():
        raise ServiceError({"outcomes": "Describe the outcomes the person wants"})
    if hours_per_week is not None and hours_per_week <= 0:
        raise ServiceError({"hours_per_week": "Hours per week must be more than 0"})
    if days_per_week is not None and not 1 <= days_per_week <= 7:
        raise ServiceError({"days_per_week": "Days per week are from 1 to 7"})
    if not (hours_per_week or days_per_week or weekly_placement):
        raise ServiceError(
            {"hours_per_week": "Give the schedule: hours per week, days per week, or a weekly placement"}
        )
    derived = area_for_postcode(council, person.postcode)
    chosen = derived
    if area:
        chosen = Area.objects.for_organisation(council).filter(code=area, is_active=True).first()
        if chosen is None:
            raise ServiceError({"area": f"There is no area with the code '{area}'"})
    if chosen is None:
        raise ServiceError({"area": f"No area covers the postcode {person.postcode}; choose the area"})
    status = requests_rules.first_status(person.age_on(start_on))
    request = CareRequest.objects.create(
        council=council,
        person=person,
        service_type=st,
        need_level=level,
        area=chosen,
        area_overridden=derived is None or chosen.pk != derived.pk,
        needs_transport=needs_transport,
        hours_per_week=hours_per_week,
        visit_pattern=(visit_pattern or "").strip(),
        days_per_week=days_per_week,
        weekly_placement=weekly_placement,
        start_on=start_on,
        outcomes=outcomes.strip(),
        requirements=(requirements or "").strip(),
        status=status,
        requires_approval=not CARE_REQUEST.is_in(status, "to_source"),
        created_by=describe_actor(actor)[0],
    )
    status_started(request, history=(CareRequestStatusChange, "request"), changed_by=describe_actor(actor)[0])
    audit_record(
        actor=actor,
        organisation=council,
        action="care_request.created",
        target=request,
        after=snapshot(
            request, ["service_type_id", "need_level_id", "area_id", "status", "start_on", "requires_approval"]
        ),
    )
    if request.requires_approval:
        notices.approval_waiting(request, actor)
    return request


@transaction.atomic
def care_request_approve(*, request: CareRequest, actor, note: str = "") -> CareRequest:
    request = CareRequest.objects.select_for_update().get(pk=request.pk)
    if not CARE_REQUEST.can(request.status, "sourcing") or CARE_REQUEST.is_in(request.status, "to_source"):
        raise ServiceError("Only a request awaiting approval can be approved", status=409)
    if request.created_by_id is not None and request.created_by_id == describe_actor(actor)[0].pk:
        raise ServiceError("The team leader who approves cannot be the one who made the request")
    request.approved_by = describe_actor(actor)[0]
    request.approved_at = timezone.now()
    care_request_move(request=request, to_status="sourcing", actor=actor, reason=note or "approved")
    return request


@transaction.atomic
def care_request_cancel(*, request: CareRequest, actor, reason: str, now=None) -> CareRequest:
    """The person died, moved or chose a direct payment: the request ends with the reason, and so do its open
    referrals and any competition still running; the providers concerned are told."""
    now = now or timezone.now()
    request = CareRequest.objects.select_for_update().get(pk=request.pk)
    if CARE_REQUEST.is_in(request.status, "closed"):
        raise ServiceError(f"A {request.get_status_display().lower()} request cannot be cancelled", status=409)
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError(
            {"reason": "Say why the request is cancelled, for example the person chose a direct payment"}
        )
    told: dict[int, Organisation] = {}
    for referral in request.referrals.in_group("open").select_related("provider"):
        referral.responded_at = now
        status_move(referral, "cancelled", lifecycle=REFERRAL, changed_by=None, also_save=("responded_at",))
        told[referral.provider_id] = referral.provider
        audit_record(
            actor=actor,
            organisation=request.council,
            also=referral.provider,
            action="referral.cancelled",
            target=referral,
            reason="the request was cancelled",
        )
    for competition in request.competitions.in_group("live"):
        competition.decided_at = now
        competition.decided_by, competition.decision_reason = describe_actor(actor)[0], "the request was cancelled"
        status_move(
            competition,
            "cancelled",
            lifecycle=COMPETITION,
            changed_by=None,
            also_save=("decided_at", "decided_by", "decision_reason"),
        )
        invited = [i.provider for i in competition.invitations.select_related("provider")]
        told.update({p.pk: p for p in invited})
        audit_record(
            actor=actor,
            organisation=request.council,
            also=invited,
            action="competition.cancelled",
            target=competition,
            reason="the request was cancelled",
        )
    care_request_move(request=request, to_status="cancelled", actor=actor, reason=reason)
    notices.request_cancelled(request, told.values())
    return request


def requests_escalate(*, now=None) -> int:
    """Requests unsourced for longer than their council allows are escalated to its team leaders, once each."""
    from datetime import timedelta

    now = now or timezone.now()
    escalated = 0
    for council in Organisation.objects.filter(kind="council", is_active=True):
        cutoff = now - timedelta(hours=council.escalate_unsourced_after_hours)
        due = list(
            CareRequest.objects.for_organisation(council)
            .in_group("escalates")
            .filter(escalated_at__isnull=True, status_changed_at__lte=cutoff)
            .select_related("service_type", "area")
        )
        if not due:
            continue
        with transaction.atomic():
            for request in due:
                request.escalated_at = now
                request.save(update_fields=["escalated_at"])
                audit_record(
                    actor=None,
                    organisation=council,
                    action="care_request.escalated",
                    target=request,
                    reason=f"unsourced for more than {council.escalate_unsourced_after_hours} hours",
                )
            notices.requests_escalated(council, due, now)
        escalated += len(due)
    return escalated


@transaction.atomic
def escalation_set(
    *, council: Organisation, actor, hours: int, provider_access_days: int | None = None
) -> Organisation:
    if hours is None or not 1 <= hours <= 720:
        raise ServiceError({"hours": "Give a number of hours from 1 to 720"})
    if provider_access_days is not None and not 0 <= provider_access_days <= 730:
        raise ServiceError({"provider_access_days": "Give a number of days from 0 to 730"})
    changes = {"escalate_unsourced_after_hours": hours}
    if provider_access_days is not None:
        changes["provider_access_days"] = provider_access_days
    changes_save(council, actor=actor, organisation=council, changes=changes, action="brokerage.settings_changed")
    return council


@transaction.atomic
def care_request_take(*, request: CareRequest, actor, take_over: bool = False) -> CareRequest:
    """A broker takes an open request to work it. Taking one's own request again changes nothing; taking one another
    broker holds needs `take_over`, so two brokers clicking at once do not both think it theirs: the second is told
    who has it."""
    request = CareRequest.objects.select_for_update().get(
        pk=request.pk
    )  # owner read after: a nullable join cannot be locked
    user = describe_actor(actor)[0]
    if user is None:
        raise ServiceError("A request is taken by a person, not a system", status=403)
    if not CARE_REQUEST.is_in(request.status, "open"):
        raise ServiceError(f"A {request.get_status_display().lower()} request has nothing left to work", status=409)
    if request.owner_id == user.pk:
        return request
    if request.owner_id is not None and not take_over:
        raise ServiceError(
            f"{request.owner.full_name} took this request at {timezone.localtime(request.owned_at):%H:%M on %-d %B}: "
            "take it over only if you have agreed it with them",
            status=409,
        )
    before = request.owner.full_name if request.owner_id else ""
    request.owner, request.owned_at = user, timezone.now()
    request.save(update_fields=["owner", "owned_at"])
    audit_record(
        actor=actor,
        organisation=request.council,
        action="care_request.taken",
        target=request,
        before={"owner": before},
        after={"owner": user.full_name},
    )
    return request


@transaction.atomic
def care_request_release(*, request: CareRequest, actor) -> CareRequest:
    """The owner gives the request back to the queue (going on leave, say)."""
    request = CareRequest.objects.select_for_update().get(
        pk=request.pk
    )  # owner read after: a nullable join cannot be locked
    if request.owner_id is None:
        return request
    before = request.owner.full_name
    request.owner, request.owned_at = None, None
    request.save(update_fields=["owner", "owned_at"])
    audit_record(
        actor=actor,
        organisation=request.council,
        action="care_request.released",
        target=request,
        before={"owner": before},
    )
    return request


@transaction.atomic
def referrals_stop(*, council: Organisation, actor, provider: Organisation, reason: str):
    """Stop new referrals to a provider at once (routing leaves it out from the next request); its placements go
    on. Stopping a provider already stopped changes nothing."""
    from django.db import IntegrityError

    from .models import ReferralStop

    reason = (reason or "").strip()
    if not reason:
        raise ServiceError({"reason": "Say why new referrals to this provider are stopped"})
    if not provider.is_provider:
        raise ServiceError({"provider": "Choose a provider"})
    current = ReferralStop.objects.filter(council=council, provider=provider, lifted_at__isnull=True).first()
    if current is not None:
        return current
    try:
        with transaction.atomic():
            stop = ReferralStop.objects.create(
                council=council, provider=provider, reason=reason, stopped_by=describe_actor(actor)[0]
            )
    except IntegrityError:
        return ReferralStop.objects.get(council=council, provider=provider, lifted_at__isnull=True)
    audit_record(
        actor=actor, organisation=council, also=provider, action="referrals.stopped", target=provider, reason=reason
    )
    notices.referrals_stopped(council, provider, reason=reason, stop_id=stop.pk)
    return stop


@transaction.atomic
def referrals_resume(*, council: Organisation, actor, provider: Organisation):
    from .models import ReferralStop

    stop = (
        ReferralStop.objects.select_for_update()
        .filter(council=council, provider=provider, lifted_at__isnull=True)
        .order_by("pk")
        .first()
    )
    if stop is None:
        raise ServiceError("New referrals to this provider are not stopped", status=409)
    stop.lifted_at, stop.lifted_by = timezone.now(), describe_actor(actor)[0]
    stop.save(update_fields=["lifted_at", "lifted_by"])
    audit_record(actor=actor, organisation=council, also=provider, action="referrals.resumed", target=provider)
    notices.referrals_stopped(council, provider, stop_id=stop.pk, resumed=True)
    return stop
