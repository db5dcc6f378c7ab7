"""Brokerage for machine clients. Councils: people, care requests, eligibility, sourcing, competitions, spot
purchases and placements. Providers: their opportunities (referrals and competitions, anonymised), answers, sealed
offers and their placements, so a rostering system can answer referrals by machine. Every POST accepts an
`Idempotency-Key` header."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from ninja import Field, Router, Schema

from caremarket.api.auth import require
from caremarket.domain.roles import Permission

from . import competitions, placements, selectors, services, sourcing
from .models import CareRequest

router = Router(tags=["brokerage"])


def _council(request):
    organisation = request.auth.organisation
    if not organisation.is_council:
        raise PermissionDenied("Only a council's token can do this; this token is a provider's.")
    return organisation


def _provider(request):
    organisation = request.auth.organisation
    if not organisation.is_provider:
        raise PermissionDenied("Only a provider's token can do this; this token is a council's.")
    return organisation


class PersonIn(Schema):
    given_name: str
    family_name: str
    date_of_birth: date
    address: str
    postcode: str
    phone: str = ""
    email: str = ""


class PersonOut(Schema):
    id: int
    given_name: str
    family_name: str
    date_of_birth: date
    address: str
    postcode: str
    phone: str
    email: str


class CareRequestIn(Schema):
    person_id: int
    service_type: str = Field(description="Service type code")
    start_on: date
    outcomes: str
    need_level: int | None = None
    area: str = Field("", description="Area code; empty to derive it from the person's postcode")
    needs_transport: bool = False
    hours_per_week: Decimal | None = None
    visit_pattern: str = ""
    days_per_week: int | None = None
    weekly_placement: bool = False
    requirements: str = ""


class CareRequestOut(Schema):
    id: int
    person_id: int
    service_type: str = Field(alias="service_type.code")
    need_level: int | None = Field(None, alias="need_level_id")
    area: str = Field(alias="area.code")
    needs_transport: bool
    hours_per_week: Decimal | None
    visit_pattern: str
    days_per_week: int | None
    weekly_placement: bool
    start_on: date
    outcomes: str
    requirements: str
    status: str
    requires_approval: bool
    escalated_at: datetime | None
    created_at: datetime


class VerdictOut(Schema):
    provider: str
    eligible: bool
    reasons: list[str] = Field(description="Reason codes when not eligible")
    explanation: str


class ReferralOut(Schema):
    id: int
    provider: str = Field(alias="provider.name")
    step: str
    step_number: int
    status: str
    offered_at: datetime
    deadline_at: datetime
    responded_at: datetime | None


class CompetitionIn(Schema):
    closes_at: datetime
    criteria: str
    quality_weight: Decimal = Decimal(60)
    price_weight: Decimal = Decimal(40)
    price_unit: str = ""


class CompetitionOut(Schema):
    id: int
    request_id: int
    arrangement: str = Field(alias="arrangement.reference")
    status: str
    quality_weight: Decimal
    price_weight: Decimal
    price_unit: str
    criteria: str
    published_at: datetime
    closes_at: datetime
    offer_count: int

    @staticmethod
    def resolve_offer_count(obj) -> int:
        return competitions.offer_count(obj)


class OfferOut(Schema):
    id: int
    competition_id: int
    provider: str = Field(alias="provider.name")
    price: Decimal
    earliest_start_on: date
    how_outcomes_met: str
    status: str
    submitted_at: datetime
    quality_score: Decimal | None
    price_score: Decimal | None
    total_score: Decimal | None
    rank: int | None
    low_price: bool


class ScoresIn(Schema):
    quality: dict[int, Decimal] = Field(description="Offer id to quality score, 0 to 100")
    comments: dict[int, str] = {}


class AwardIn(Schema):
    offer_id: int
    reason: str = ""


class SpotIn(Schema):
    provider_id: int
    reason_code: str
    agreed_price: Decimal
    price_unit: str
    note: str = ""


class PlacementOut(Schema):
    id: int
    request_id: int
    council: str = Field(alias="council.name")
    provider: str = Field(alias="provider.name")
    person: PersonOut
    service_type: str = Field(alias="service_type.code")
    need_level: int | None = Field(None, alias="need_level_id")
    area: str = Field(alias="area.code")
    route: str
    spot_purchase: bool = Field(alias="is_spot")
    spot_reason: str | None = None
    start_on: date
    hours_per_week: Decimal | None
    days_per_week: int | None
    weekly_placement: bool
    agreed_price: Decimal | None
    price_unit: str
    status: str
    ended_on: date | None

    @staticmethod
    def resolve_spot_reason(obj) -> str | None:
        return obj.spot_reason.code if obj.spot_reason_id else None


class OpportunityOut(Schema):
    """A referral or a competition offered to the provider: the request anonymised."""

    kind: str
    id: int
    council: str
    service_type: str
    need_level: str | None
    area: str
    postcode_district: str
    age_band: str
    needs_transport: bool
    hours_per_week: Decimal | None
    visit_pattern: str
    days_per_week: int | None
    weekly_placement: bool
    start_on: date
    outcomes: str
    requirements: str
    status: str
    answer_by: datetime


class DeclineIn(Schema):
    reason_code: str
    note: str = ""


class OfferIn(Schema):
    price: Decimal
    earliest_start_on: date
    how_outcomes_met: str


# Council ---------------------------------------------------------------------------------------------------------


@router.post("/people", response={201: PersonOut})
def create_person(request, payload: PersonIn):
    require(request, Permission.REQUESTS_CREATE)
    return 201, services.person_create(council=_council(request), actor=request.auth, **payload.dict())


@router.get("/care-requests", response=list[CareRequestOut])
def list_requests(request, status: str = "", area: str = "", service_type: str = ""):
    require(request, Permission.BROKERAGE_READ)
    return selectors.work_queue(council=_council(request), status=status, area=area, service_type=service_type)


@router.post("/care-requests", response={201: CareRequestOut})
def create_request(request, payload: CareRequestIn):
    require(request, Permission.REQUESTS_CREATE)
    council = _council(request)
    data = payload.dict()
    person = selectors.person_get(council=council, pk=data.pop("person_id"))
    made = services.care_request_create(council=council, actor=request.auth, person=person, **data)
    return 201, selectors.request_get(council=council, pk=made.pk)


@router.get("/care-requests/{request_id}", response=CareRequestOut)
def get_request(request, request_id: int):
    require(request, Permission.BROKERAGE_READ)
    return selectors.request_get(council=_council(request), pk=request_id)


@router.get("/care-requests/{request_id}/eligibility", response=list[VerdictOut])
def eligibility(request, request_id: int):
    require(request, Permission.BROKERAGE_READ)
    care_request = selectors.request_get(council=_council(request), pk=request_id)
    return [
        {"provider": v.provider, "eligible": v.eligible, "reasons": list(v.reasons), "explanation": v.explain()}
        for v in selectors.request_eligibility(care_request)
    ]


@router.get("/care-requests/{request_id}/referrals", response=list[ReferralOut])
def request_referrals(request, request_id: int):
    require(request, Permission.BROKERAGE_READ)
    care_request = selectors.request_get(council=_council(request), pk=request_id)
    return care_request.referrals.select_related("provider").order_by("step_number", "provider__name")


@router.post("/care-requests/{request_id}/sourcing", response={201: list[ReferralOut]})
def start_sourcing(request, request_id: int):
    """Offer the request by cascade or ranked approach, as its arrangement says."""
    require(request, Permission.SOURCING_RUN)
    care_request = selectors.request_get(council=_council(request), pk=request_id)
    return 201, sourcing.sourcing_start(request=care_request, actor=request.auth)


@router.post("/care-requests/{request_id}/competitions", response={201: CompetitionOut})
def publish_competition(request, request_id: int, payload: CompetitionIn):
    require(request, Permission.SOURCING_RUN)
    care_request = selectors.request_get(council=_council(request), pk=request_id)
    return 201, competitions.competition_publish(request=care_request, actor=request.auth, **payload.dict())


@router.post("/care-requests/{request_id}/spot-purchase", response={201: PlacementOut})
def spot_purchase(request, request_id: int, payload: SpotIn):
    require(request, Permission.SOURCING_RUN)
    council = _council(request)
    care_request = selectors.request_get(council=council, pk=request_id)
    data = payload.dict()
    provider = selectors.provider_get(pk=data.pop("provider_id"))
    made = placements.spot_purchase(request=care_request, provider=provider, actor=request.auth, **data)
    return 201, selectors.placement_get(council=council, pk=made.pk)


@router.get("/competitions/{competition_id}", response=CompetitionOut)
def get_competition(request, competition_id: int):
    organisation = request.auth.organisation
    if organisation.is_provider:
        require(request, Permission.REFERRALS_ANSWER)
        return selectors.invitation_for_provider(provider=organisation, competition=competition_id).competition
    require(request, Permission.BROKERAGE_READ)
    return selectors.competition_get(council=organisation, pk=competition_id)


@router.get("/competitions/{competition_id}/offers", response=list[OfferOut])
def competition_offers(request, competition_id: int):
    """Council: every offer, refused (403, and audited) before the closing time. Provider: its own offers only."""
    organisation = request.auth.organisation
    if organisation.is_provider:
        require(request, Permission.REFERRALS_ANSWER)
        invitation = selectors.invitation_for_provider(provider=organisation, competition=competition_id)
        return invitation.competition.offers.filter(provider=organisation).select_related("provider")
    require(request, Permission.BROKERAGE_READ)
    competition = selectors.competition_get(council=organisation, pk=competition_id)
    return competitions.offers_for_council(competition=competition, actor=request.auth, route="api")


@router.post("/competitions/{competition_id}/scores", response=list[OfferOut])
def score_competition(request, competition_id: int, payload: ScoresIn):
    require(request, Permission.SOURCING_RUN)
    competition = selectors.competition_get(council=_council(request), pk=competition_id)
    return competitions.competition_score(
        competition=competition, actor=request.auth, quality=payload.quality, comments=payload.comments
    )


@router.post("/competitions/{competition_id}/award", response={201: PlacementOut})
def award_competition(request, competition_id: int, payload: AwardIn):
    require(request, Permission.SOURCING_RUN)
    council = _council(request)
    competition = selectors.competition_get(council=council, pk=competition_id)
    offer = selectors.competition_offer_get(competition=competition, pk=payload.offer_id)
    made = competitions.competition_award(
        competition=competition, offer=offer, actor=request.auth, reason=payload.reason
    )
    return 201, selectors.placement_get(council=council, pk=made.pk)


@router.get("/placements", response=list[PlacementOut])
def list_placements(request, spot_only: bool = False):
    """A council's placements, or a provider's own (with the person's details, now it provides the care)."""
    organisation = request.auth.organisation
    if organisation.is_provider:
        require(request, Permission.REFERRALS_ANSWER)
        found = selectors.placements_for_provider(provider=organisation)
        return found.filter(route="spot") if spot_only else found
    require(request, Permission.BROKERAGE_READ)
    return placements.placement_list(council=organisation, spot_only=spot_only)


@router.get("/placements/{placement_id}", response=PlacementOut)
def get_placement(request, placement_id: int):
    organisation = request.auth.organisation
    if organisation.is_provider:
        require(request, Permission.REFERRALS_ANSWER)
        return selectors.placement_for_provider(provider=organisation, pk=placement_id)
    require(request, Permission.BROKERAGE_READ)
    return selectors.placement_get(council=organisation, pk=placement_id)


# Provider --------------------------------------------------------------------------------------------------------


def _anonymised(kind: str, pk: int, care_request: CareRequest, status: str, answer_by: datetime) -> dict:
    age = care_request.person.age_on(care_request.start_on)
    return {
        "kind": kind,
        "id": pk,
        "council": care_request.council.name,
        "service_type": care_request.service_type.code,
        "need_level": care_request.need_level.name if care_request.need_level_id else None,
        "area": care_request.area.code,
        "postcode_district": care_request.person.postcode.split(" ")[0],
        "age_band": f"{age // 10 * 10} to {age // 10 * 10 + 9}",
        "needs_transport": care_request.needs_transport,
        "hours_per_week": care_request.hours_per_week,
        "visit_pattern": care_request.visit_pattern,
        "days_per_week": care_request.days_per_week,
        "weekly_placement": care_request.weekly_placement,
        "start_on": care_request.start_on,
        "outcomes": care_request.outcomes,
        "requirements": care_request.requirements,
        "status": status,
        "answer_by": answer_by,
    }


@router.get("/care-opportunities", response=list[OpportunityOut])
def opportunities(request, open_only: bool = True):
    """Referrals offered to the provider and competitions it may bid in, anonymised."""
    require(request, Permission.REFERRALS_ANSWER)
    provider = _provider(request)
    referrals = selectors.referrals_for_provider(provider=provider).select_related("request__person")
    invitations = selectors.competitions_for_provider(provider=provider).select_related(
        "competition__request__person", "competition__request__need_level", "competition__request__council"
    )
    if open_only:
        referrals = referrals.filter(status__in=["offered", "viewed"])
        invitations = invitations.filter(competition__status="open")
    found = [_anonymised("referral", r.pk, r.request, r.status, r.deadline_at) for r in referrals]
    found += [
        _anonymised(
            "competition", i.competition.pk, i.competition.request, i.competition.status, i.competition.closes_at
        )
        for i in invitations
    ]
    return sorted(found, key=lambda o: o["answer_by"])


@router.post("/referrals/{referral_id}/accept", response={201: PlacementOut})
def accept_referral(request, referral_id: int):
    require(request, Permission.REFERRALS_ANSWER)
    provider = _provider(request)
    referral = selectors.referral_for_provider(provider=provider, pk=referral_id)
    made = sourcing.referral_accept(referral=referral, provider=provider, actor=request.auth)
    return 201, selectors.placement_for_provider(provider=provider, pk=made.pk)


@router.post("/referrals/{referral_id}/decline", response=ReferralOut)
def decline_referral(request, referral_id: int, payload: DeclineIn):
    require(request, Permission.REFERRALS_ANSWER)
    provider = _provider(request)
    referral = selectors.referral_for_provider(provider=provider, pk=referral_id)
    return sourcing.referral_decline(referral=referral, provider=provider, actor=request.auth, **payload.dict())


@router.post("/competitions/{competition_id}/offers", response={201: OfferOut})
def submit_offer(request, competition_id: int, payload: OfferIn):
    require(request, Permission.REFERRALS_ANSWER)
    provider = _provider(request)
    invitation = selectors.invitation_for_provider(provider=provider, competition=competition_id)
    return 201, competitions.offer_submit(
        competition=invitation.competition, provider=provider, actor=request.auth, **payload.dict()
    )


@router.post("/offers/{offer_id}/withdraw", response=OfferOut)
def withdraw_offer(request, offer_id: int):
    require(request, Permission.REFERRALS_ANSWER)
    provider = _provider(request)
    offer = competitions.offer_for_provider(provider=provider, pk=offer_id)
    return competitions.offer_withdraw(offer=offer, provider=provider, actor=request.auth)
