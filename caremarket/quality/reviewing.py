"""Reviews of placements against the care plan (seed 000: most providers review people every 1 to 3 months and
whenever needs change): the schedule per service, the worker scheduling the next review of every live placement,
a review asked for when needs change, and the provider recording it; a review that finds the outcomes are not
met leads straight to a variation or a new request."""

from __future__ import annotations

from datetime import date

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone

from caremarket.brokerage.models import Placement
from caremarket.core.audit import audit_record, describe_actor
from caremarket.core.errors import ServiceError
from caremarket.core.lifecycle import status_move
from caremarket.domain import quality
from caremarket.domain.lifecycles import PLACEMENT, PLACEMENT_REVIEW
from caremarket.domain.notifications import Kind
from caremarket.notifications.services import notify

from .models import PlacementReview, ReviewSchedule


def every_months(*, council) -> dict[int, int]:
    """Each service type's review interval where the council set one (3 months otherwise)."""
    return dict(ReviewSchedule.objects.for_organisation(council).values_list("service_type_id", "every_months"))


@transaction.atomic
def schedule_set(*, council, actor, service_type, every: int) -> ReviewSchedule:
    if service_type.council_id != council.pk:
        raise ServiceError({"service_type": "Choose one of your service types"})
    if every not in quality.REVIEW_MONTHS_ALLOWED:
        raise ServiceError({"every_months": "Reviews fall due every 1, 2 or 3 months"})
    row, _ = ReviewSchedule.objects.update_or_create(
        council=council, service_type=service_type, defaults={"every_months": every}
    )
    audit_record(
        actor=actor, organisation=council, action="review_schedule.set", target=service_type,
        after={"every_months": every},
    )  # fmt: skip
    return row


def schedule_reviews(today: date | None = None) -> int:
    """Every live placement without a review due gets its next one: its interval after it started or was last
    reviewed. Run by the worker every day; safe to run twice (one review due per placement, in the database)."""
    today = today or timezone.localdate()
    # a placement that ended takes its review with it
    PlacementReview.objects.in_group("due").exclude(placement__status__in=PLACEMENT.group("live")).move_all(
        PLACEMENT_REVIEW.state("cancelled")
    )
    made = 0
    open_ = set(PlacementReview.objects.in_group("due").values_list("placement_id", flat=True))
    last_done = dict(
        PlacementReview.objects.in_group("done")
        .values("placement_id")
        .annotate(last=Max("done_on"))
        .values_list("placement_id", "last")
    )
    intervals: dict[int, dict[int, int]] = {}
    for placement in Placement.objects.in_group("live").exclude(pk__in=open_).select_related("council"):
        months = intervals.setdefault(placement.council_id, every_months(council=placement.council))
        due = quality.next_review_due(
            last_done.get(placement.pk, placement.start_on), months.get(placement.service_type_id, 3)
        )
        try:
            with transaction.atomic():
                PlacementReview.objects.create(
                    council_id=placement.council_id,
                    placement=placement,
                    provider_id=placement.provider_id,
                    due_on=due,
                    reason=f"Every {months.get(placement.service_type_id, 3)} months",
                )
        except IntegrityError:
            continue
        made += 1
    return made


@transaction.atomic
def review_ask(*, placement, organisation, actor, reason: str, today: date | None = None) -> PlacementReview:
    """Needs have changed: a review is due now (the one scheduled is brought forward)."""
    if organisation.pk not in (placement.council_id, placement.provider_id):
        raise ServiceError("No such placement in your organisation", status=404)
    if not PLACEMENT.is_in(placement.status, "live"):
        raise ServiceError("This placement has ended", status=409)
    if not (reason or "").strip():
        raise ServiceError({"reason": "Say what has changed"})
    today = today or timezone.localdate()
    review = PlacementReview.objects.select_for_update().in_group("due").filter(placement=placement).first()
    if review is None:
        review = PlacementReview.objects.create(
            council_id=placement.council_id, placement=placement, provider_id=placement.provider_id, due_on=today,
            reason=f"Needs changed: {reason.strip()}",
        )  # fmt: skip
    else:
        review.due_on = min(review.due_on, today)
        review.reason = f"Needs changed: {reason.strip()}"
        review.save(update_fields=["due_on", "reason"])
    audit_record(
        actor=actor, organisation=organisation, also=[placement.council, placement.provider], action="review.asked",
        target=placement, reason=reason.strip(),
    )  # fmt: skip
    if organisation.pk == placement.council_id:
        notify(
            kind=Kind.REVIEW_ASKED,
            organisation=placement.provider,
            subject=f"A review of placement {placement.pk} is asked for now: needs have changed",
            body=reason.strip(),
            link=reverse("quality:review", args=[review.pk]),
            event_key=f"review:{review.pk}:asked:{today.isoformat()}",
            data={"review_id": review.pk, "placement_id": placement.pk},
        )
    return review


@transaction.atomic
def review_record(
    *, review: PlacementReview, provider, actor, outcomes_met: str, notes: str, next_step: str, on: date | None = None
) -> PlacementReview:
    """The provider's review against the outcomes in the request. A review that asks for a change tells the council's
    brokers, with the placement to vary or the person to request care for."""
    review = PlacementReview.objects.select_for_update().select_related("placement__request").get(pk=review.pk)
    if review.provider_id != provider.pk:
        raise ServiceError("No such review in your organisation", status=404)
    errors = {}
    if outcomes_met not in quality.OUTCOMES_MET:
        errors["outcomes_met"] = "Say whether the outcomes in the request are being met"
    if next_step not in quality.NEXT_STEPS:
        errors["next_step"] = "Choose what happens next"
    if not (notes or "").strip():
        errors["notes"] = "Record what the review found"
    on = on or timezone.localdate()
    if on > timezone.localdate():
        errors["on"] = "A review is recorded on or after the day it happened"
    if errors:
        raise ServiceError(errors)
    review.outcomes_met, review.notes, review.next_step = outcomes_met, notes.strip(), next_step
    review.done_on = on
    review.reviewed_by = describe_actor(actor)[0]
    status_move(
        review, "done", lifecycle=PLACEMENT_REVIEW, changed_by=review.reviewed_by,
        also_save=("outcomes_met", "notes", "next_step", "done_on", "reviewed_by"),
    )  # fmt: skip
    audit_record(
        actor=actor, organisation=provider, also=review.council, action="review.done", target=review.placement,
        after={"outcomes_met": outcomes_met, "next_step": next_step, "on_time": on <= review.due_on},
    )  # fmt: skip
    if next_step != "none":
        notify(
            kind=Kind.REVIEW_CHANGE,
            organisation=review.council,
            subject=f"A review of placement {review.placement_id} asks for "
            f"{'a variation' if next_step == 'variation' else 'a new request'}",
            body=f"{quality.OUTCOMES_MET[outcomes_met]}: {review.notes}",
            link=reverse("brokerage:placement", args=[review.placement_id]),
            event_key=f"review:{review.pk}:change",
            data={"review_id": review.pk, "placement_id": review.placement_id, "next_step": next_step},
        )
    return review


def reviews(*, organisation, group: str | None = None):
    found = (
        PlacementReview.objects.filter(provider=organisation)
        if organisation.is_provider
        else PlacementReview.objects.for_organisation(organisation)
    )
    found = found.select_related("placement__request__person", "placement__service_type", "provider", "council")
    return found.in_group(group) if group else found


def review_get(*, organisation, pk) -> PlacementReview:
    from django.http import Http404

    try:
        return reviews(organisation=organisation).get(pk=pk)
    except (PlacementReview.DoesNotExist, ValueError, TypeError):
        raise Http404("No such review in your organisation") from None


def overdue(*, organisation, today: date | None = None):
    return reviews(organisation=organisation, group="due").filter(due_on__lt=today or timezone.localdate())


def due_soon(*, organisation, today: date | None = None):
    from datetime import timedelta

    today = today or timezone.localdate()
    return reviews(organisation=organisation, group="due").filter(
        due_on__gte=today, due_on__lte=today + timedelta(days=quality.REVIEW_SOON_DAYS)
    )
