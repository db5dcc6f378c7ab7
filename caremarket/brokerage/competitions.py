"""Call-off competitions (seed 003) with sealed offers.

Until the closing time nobody reads an offer's content, council staff included: every route (page, export, API)
reads offers through `offers_for_council`, which refuses before the closing time and audits the attempt. Audit
records of offers carry no content until the competition has closed.
"""

from __future__ import annotations

import functools
from datetime import date, datetime
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone

from caremarket.accounts.models import Organisation
from caremarket.arrangements import selectors as arrangement_reads
from caremarket.core.audit import audit_record, describe_actor
from caremarket.core.errors import ServiceError
from caremarket.core.lifecycle import status_move
from caremarket.domain import evaluation
from caremarket.domain.lifecycles import COMPETITION, OFFER

from . import notices, selectors
from .models import Competition, CompetitionInvitation, Offer
from .placements import _locked_request, _price, _unit, placement_create
from .services import care_request_move


class SealedError(ServiceError):
    def __init__(self, competition: Competition) -> None:
        closes = timezone.localtime(competition.closes_at)
        super().__init__(
            f"Offers are sealed until the competition closes at {closes:%H:%M on %-d %B %Y}; "
            "only the number of offers can be seen before then",
            status=403,
        )


def default_unit(request) -> str:
    if request.hours_per_week:
        return "hour"
    if request.days_per_week:
        return "day"
    return "week"


@transaction.atomic
def competition_publish(
    *,
    request,
    actor,
    closes_at: datetime,
    criteria: str,
    quality_weight: Decimal = Decimal(60),
    price_weight: Decimal = Decimal(40),
    price_unit: str = "",
    now: datetime | None = None,
) -> Competition:
    now = now or timezone.now()
    request = _locked_request(request)
    if request.referrals.in_group("open").exists():
        raise ServiceError("The request is being offered to providers; wait for their answers", status=409)
    if request.competitions.in_group("live").exists():
        raise ServiceError("A competition for this request is already running", status=409)
    if closes_at is None or closes_at <= now:
        raise ServiceError({"closes_at": "The closing time must be in the future"})
    try:
        evaluation.check_weights(Decimal(quality_weight), Decimal(price_weight))
    except evaluation.EvaluationError as exc:
        raise ServiceError({"quality_weight": exc.message}) from exc
    if not (criteria or "").strip():
        raise ServiceError({"criteria": "Publish the criteria offers will be judged by"})
    arrangement = selectors.call_off_arrangement(request=request)
    if arrangement is None:
        raise ServiceError(
            "No live framework or purchasing system with call-offs covers this service and area", status=409
        )
    eligible = {v.provider for v in selectors.request_eligibility(request) if v.eligible}
    admissions = (
        arrangement_reads.admissions_in(
            "offerable",
            arrangement=arrangement,
            lot__service_types=request.service_type,
            provider__name__in=eligible,
        )
        .select_related("provider")
        .order_by("provider__name")
    )
    invited = {}
    for admission in admissions:
        invited.setdefault(admission.provider_id, admission)
    if not invited:
        raise ServiceError("No eligible provider on the lot; consider a spot purchase, with a reason", status=409)
    competition = Competition.objects.create(
        council=request.council,
        request=request,
        arrangement=arrangement,
        quality_weight=quality_weight,
        price_weight=price_weight,
        price_unit=_unit(price_unit or default_unit(request)),
        criteria=criteria.strip(),
        published_at=now,
        closes_at=closes_at,
        published_by=describe_actor(actor)[0],
    )
    CompetitionInvitation.objects.bulk_create(
        CompetitionInvitation(competition=competition, provider=a.provider, admission=a) for a in invited.values()
    )
    audit_record(
        actor=actor,
        organisation=request.council,
        action="competition.published",
        target=competition,
        after={
            "arrangement": arrangement.reference,
            "closes_at": closes_at,
            "quality_weight": quality_weight,
            "price_weight": price_weight,
            "invited": sorted(a.provider.name for a in invited.values()),
        },
    )
    notices.competition_opened(competition)
    return competition


def _open_for(competition: Competition, provider: Organisation, now: datetime) -> Competition:
    if not competition.invitations.filter(provider=provider).exists():
        raise ServiceError("Your organisation is not eligible for this competition", status=403)
    if not COMPETITION.is_in(competition.status, "taking_offers") or now >= competition.closes_at:
        raise ServiceError("This competition has closed; offers can no longer be made or withdrawn", status=409)
    return competition


@transaction.atomic
def offer_submit(
    *,
    competition: Competition,
    provider: Organisation,
    actor,
    price: Decimal | None,
    earliest_start_on: date | None,
    how_outcomes_met: str,
    now: datetime | None = None,
) -> Offer:
    """A sealed offer. A second offer from the same provider replaces its first."""
    now = now or timezone.now()
    competition = Competition.objects.select_for_update().get(pk=competition.pk)
    _open_for(competition, provider, now)
    price = _price(price, "price")
    if earliest_start_on is None or earliest_start_on < timezone.localdate(now):
        raise ServiceError({"earliest_start_on": "The earliest start date cannot be in the past"})
    if not (how_outcomes_met or "").strip():
        raise ServiceError({"how_outcomes_met": "Say how you will meet the outcomes the person wants"})
    previous = competition.offers.in_group("live").filter(provider=provider).first()
    if previous:
        previous.withdrawn_at = now
        status_move(previous, "withdrawn", lifecycle=OFFER, changed_by=None, also_save=("withdrawn_at",))
    offer = Offer.objects.create(
        competition=competition,
        provider=provider,
        price=price,
        earliest_start_on=earliest_start_on,
        how_outcomes_met=how_outcomes_met.strip(),
        submitted_at=now,
    )
    _audit_offer(offer, actor, "offer.submitted", {"replaces": previous.pk if previous else None})
    return offer


def _audit_offer(offer: Offer, actor, action: str, after: dict) -> None:
    """In the bidder's log in full; in the council's log only that an offer was made or withdrawn: no content, no
    bidder, no person who acted, so the audit log cannot unseal a competition."""
    competition = offer.competition
    audit_record(actor=actor, organisation=offer.provider, action=action, target=offer, after=after)
    audit_record(
        actor=actor,
        organisation=competition.council,
        action=action,
        target=offer,
        label=f"An offer in competition {competition.pk}",
        anonymous=True,
        after={"competition": competition.pk},
    )


@transaction.atomic
def offer_withdraw(*, offer: Offer, provider: Organisation, actor, now: datetime | None = None) -> Offer:
    now = now or timezone.now()
    offer = Offer.objects.select_for_update().select_related("competition").get(pk=offer.pk)
    if offer.provider_id != provider.pk:
        raise ServiceError("No such offer", status=404)
    _open_for(offer.competition, provider, now)
    if not OFFER.is_in(offer.status, "live"):
        raise ServiceError("This offer has already been withdrawn", status=409)
    offer.withdrawn_at = now
    status_move(offer, "withdrawn", lifecycle=OFFER, changed_by=None, also_save=("withdrawn_at",))
    _audit_offer(offer, actor, "offer.withdrawn", {})
    return offer


def _refuse_sealed(competition: Competition, actor, route: str) -> None:
    # Recorded in its own transaction, so the refusal is kept whatever the caller does next.
    with transaction.atomic():
        audit_record(
            actor=actor,
            organisation=competition.council,
            action="offer.sealed_read_refused",
            target=competition,
            after={"route": route},
            reason="an attempt to read sealed offers before the closing time",
        )
    raise SealedError(competition)


def offers_for_council(*, competition: Competition, actor, route: str, now: datetime | None = None):
    """The only way council staff read offers: refused, and audited, before the closing time."""
    now = now or timezone.now()
    if competition.is_sealed(now):
        _refuse_sealed(competition, actor, route)
    return competition.offers.in_group("live").select_related("provider").order_by("rank", "provider__name")


def offer_for_provider(*, provider: Organisation, pk: int) -> Offer:
    found = Offer.objects.filter(provider=provider, pk=pk).select_related("competition").first()
    if found is None:
        raise ServiceError("No such offer", status=404)
    return found


def competitions_close(*, now: datetime | None = None) -> int:
    """Competitions past their closing time close (run by the worker every minute)."""
    now = now or timezone.now()
    count = 0
    for competition in Competition.objects.in_group("taking_offers").filter(closes_at__lte=now):
        with transaction.atomic():
            competition.closed_at = now
            status_move(competition, "closed", lifecycle=COMPETITION, changed_by=None, also_save=("closed_at",))
            audit_record(
                actor=None,
                organisation=competition.council,
                action="competition.closed",
                target=competition,
                after={"offers": selectors.offer_count(competition=competition)},
            )
            count += 1
    return count


def _closed(competition: Competition, now: datetime) -> Competition:
    competition = Competition.objects.select_for_update().get(pk=competition.pk)
    if competition.is_sealed(now):
        raise SealedError(competition)
    if COMPETITION.is_in(competition.status, "taking_offers"):
        competition.closed_at = now
        status_move(competition, "closed", lifecycle=COMPETITION, changed_by=None, also_save=("closed_at",))
    if not COMPETITION.is_in(competition.status, "to_decide"):
        raise ServiceError(f"This competition is {competition.get_status_display().lower()}", status=409)
    return competition


def _unless_sealed(action: str):
    """Before the closing time, scoring and deciding are refused and the attempt audited, by whatever route it
    comes: checked outside the service's transaction, so the audit record is kept when the refusal is raised."""

    def wrap(service):
        @functools.wraps(service)
        def guarded(*, competition: Competition, actor, now=None, **kwargs):
            now = now or timezone.now()
            if competition.is_sealed(now):
                _refuse_sealed(competition, actor, action)
            return service(competition=competition, actor=actor, now=now, **kwargs)

        return guarded

    return wrap


@_unless_sealed("score")
@transaction.atomic
def competition_score(
    *, competition: Competition, actor, quality: dict[int, Decimal], comments: dict[int, str] | None = None, now=None
) -> list[Offer]:
    """Quality scores (0-100) for every offer, then price scores and totals by the published weights."""
    now = now or timezone.now()
    competition = _closed(competition, now)
    comments = comments or {}
    offers = list(competition.offers.in_group("live").select_related("provider"))
    if not offers:
        raise ServiceError("There are no offers to score", status=409)
    candidates = []
    for offer in offers:
        score = quality.get(offer.pk)
        if score is None:
            raise ServiceError({f"quality_{offer.pk}": f"Score the offer from {offer.provider.name}"})
        score = Decimal(score)
        if not 0 <= score <= 100:
            raise ServiceError({f"quality_{offer.pk}": "A quality score is from 0 to 100"})
        candidates.append(evaluation.Candidate(str(offer.pk), True, score, offer.price))
    outcomes = evaluation.evaluate(
        candidates,
        quality_weight=competition.quality_weight,
        price_weight=competition.price_weight,
        quality_threshold=Decimal(0),
    )
    by_key = {o.key: o for o in outcomes}
    for offer in offers:
        o = by_key[str(offer.pk)]
        offer.quality_score, offer.price_score, offer.total_score, offer.rank, offer.low_price = (
            o.quality,
            o.price_score,
            o.total,
            o.rank,
            o.low_price,
        )
        offer.quality_comment = (comments.get(offer.pk) or "").strip()
        offer.save(
            update_fields=["quality_score", "price_score", "total_score", "rank", "low_price", "quality_comment"]
        )
    audit_record(
        actor=actor,
        organisation=competition.council,
        action="competition.scored",
        target=competition,
        after={
            o.provider.name: {"price": o.price, "quality": o.quality_score, "total": o.total_score, "rank": o.rank}
            for o in offers
        },
    )
    return sorted(offers, key=lambda o: (o.rank, o.provider.name))


@_unless_sealed("award")
@transaction.atomic
def competition_award(*, competition: Competition, offer: Offer, actor, reason: str = "", now=None):
    now = now or timezone.now()
    competition = _closed(competition, now)
    offer = Offer.objects.select_related("provider").get(pk=offer.pk)
    if offer.competition_id != competition.pk or not OFFER.is_in(offer.status, "live"):
        raise ServiceError({"offer": "Choose one of the offers made in this competition"})
    if offer.rank is None:
        raise ServiceError("Score the offers before awarding", status=409)
    if offer.rank != 1 and not (reason or "").strip():
        raise ServiceError({"reason": "This offer did not score highest: record why it is chosen"})
    request = _locked_request(competition.request)
    competition.decided_at, competition.decided_by = now, describe_actor(actor)[0]
    competition.decision_reason = (reason or "").strip()
    status_move(
        competition,
        "awarded",
        lifecycle=COMPETITION,
        changed_by=competition.decided_by,
        also_save=("decided_at", "decided_by", "decision_reason"),
    )
    invitation = competition.invitations.get(provider=offer.provider)
    try:
        with transaction.atomic():
            placement = placement_create(
                request=request,
                provider=offer.provider,
                route="call-off",
                actor=actor,
                admission=invitation.admission,
                agreed_price=offer.price,
                price_unit=competition.price_unit,
                start_on=max(request.start_on, offer.earliest_start_on),
                offer=offer,
                reason=f"call-off competition {competition.pk} awarded to {offer.provider.name}",
            )
    except IntegrityError as exc:
        raise ServiceError("This request has already been placed", status=409) from exc
    audit_record(
        actor=actor,
        organisation=competition.council,
        action="competition.awarded",
        target=competition,
        after={"offer": offer.pk, "provider": offer.provider.name, "rank": offer.rank},
        reason=competition.decision_reason,
    )
    notices.competition_decided(competition, winner=offer.provider)
    return placement


@_unless_sealed("no-award")
@transaction.atomic
def competition_no_award(*, competition: Competition, actor, reason: str, now=None) -> Competition:
    now = now or timezone.now()
    competition = _closed(competition, now)
    if not (reason or "").strip():
        raise ServiceError({"reason": "Record why the competition is not awarded"})
    competition.decided_at, competition.decided_by = now, describe_actor(actor)[0]
    competition.decision_reason = reason.strip()
    status_move(
        competition,
        "not-awarded",
        lifecycle=COMPETITION,
        changed_by=competition.decided_by,
        also_save=("decided_at", "decided_by", "decision_reason"),
    )
    request = _locked_request(competition.request)
    care_request_move(
        request=request,
        to_status="unsourced",
        actor=actor,
        reason=f"call-off competition not awarded: {reason.strip()}",
    )
    audit_record(
        actor=actor,
        organisation=competition.council,
        action="competition.not_awarded",
        target=competition,
        reason=competition.decision_reason,
    )
    notices.competition_decided(competition)
    return competition
