"""Brokerage for machine clients, as in the browser. Councils: people, care requests (approval by a team leader,
cancellation), eligibility, sourcing, competitions (scores, award or none), spot purchases and the providers they
may choose, block vacancies, placements (variations, hospital stays, endings), a provider's failure, continuity
onto a new arrangement and the escalation setting. Providers: their opportunities (referrals and competitions,
anonymised), answers, sealed offers and their placements, so a rostering system can answer referrals by machine.
Every POST accepts an `Idempotency-Key` header."""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal
from typing import Literal

from django.http import Http404
from ninja import Field, Router, Schema

from caremarket.accounts.api_auth import require
from caremarket.core.audit import describe_actor
from caremarket.core.permissions import signed_in_council, signed_in_provider
from caremarket.core.tenancy import get_for_organisation_or_404
from caremarket.domain import visits as visit_rules
from caremarket.domain.lifecycles import COMPETITION
from caremarket.domain.roles import Permission

from . import competitions, placements, selectors, services, sourcing
from .models import CareRequest

router = Router(tags=["brokerage"])


def _council(request):
    return signed_in_council(request, "Brokerage")


def _placement_read(request, placement_id: int):
    """A placement read by the council that made it (brokerage readers) or the provider giving the care."""
    organisation = request.auth.organisation
    require(request, Permission.REFERRALS_ANSWER if organisation.is_provider else Permission.BROKERAGE_READ)
    return selectors.placement_for_organisation(organisation=organisation, pk=placement_id)


def _provider(request):
    return signed_in_provider(request, "Answering referrals and offers")


class PersonIn(Schema):
    given_name: str
    family_name: str
    date_of_birth: date
    address: str
    postcode: str
    phone: str = ""
    email: str = ""
    duplicate_ok: bool = Field(
        False, description="Someone with the same name, date of birth and postcode is refused (409) unless true"
    )


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
    reference: str = Field(description="The reference both sides use, e.g. R-4821")
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
    owner: str | None = Field(None, description="The broker working the request")
    owned_at: datetime | None
    deadline: datetime | None = Field(
        None, description="In the queue: the soonest moment a provider must answer (referral or competition)"
    )

    @staticmethod
    def resolve_owner(obj) -> str | None:
        return obj.owner.full_name if obj.owner_id else None

    @staticmethod
    def resolve_deadline(obj) -> datetime | None:
        return getattr(obj, "deadline", None)


class TakeIn(Schema):
    take_over: bool = Field(False, description="Take a request another broker holds (agreed with them)")


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
        return selectors.offer_count(competition=obj)


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
    person: PersonOut | None = Field(
        description="The person; for a provider, only while the placement runs and for the council's set days after"
    )
    person_id: int
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

    @staticmethod
    def resolve_person(obj, context):
        request = (context or {}).get("request")
        organisation = getattr(getattr(request, "auth", None), "organisation", None)
        if organisation is not None and organisation.is_provider:
            from django.utils import timezone

            if not obj.shared_with_provider(timezone.localdate()):
                return None
        return obj.person


class CareOpportunityOut(Schema):
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
def list_requests(
    request,
    status: str = "",
    area: str = "",
    service_type: str = "",
    escalated: str = "",
    q: str = "",
    sort: str = "start",
    owner: str = "",
    limit: int = 500,
):
    """The broker's queue, as on the page: open requests by default (`status=any` includes placed ones), starting
    soonest first (`sort=waiting`: waiting longest; `sort=deadline`: provider's answer due soonest),
    `escalated=yes|no`, `owner=me|nobody`, `q` a name, postcode or request reference."""
    require(request, Permission.BROKERAGE_READ)
    found = selectors.work_queue(
        council=_council(request), status=status, area=area, service_type=service_type, escalated=escalated, q=q,
        sort=sort, owner=owner, user=describe_actor(request.auth)[0],
    )  # fmt: skip
    return list(found[: max(1, min(limit, 2000))])


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
    found = selectors.request_get(council=_council(request), pk=request_id)
    services.person_viewed(person=found.person, viewer=request.auth, what=f"care request {found.pk}", via="api")
    return found


@router.post("/care-requests/{request_id}/take", response=CareRequestOut)
def take_request(request, request_id: int, payload: TakeIn):
    """Take the request to work it; 409 says who holds it unless `take_over`."""
    require(request, Permission.SOURCING_RUN)
    council = _council(request)
    care_request = selectors.request_get(council=council, pk=request_id)
    services.care_request_take(request=care_request, actor=request.auth, take_over=payload.take_over)
    return selectors.request_get(council=council, pk=request_id)


@router.post("/care-requests/{request_id}/release", response=CareRequestOut)
def release_request(request, request_id: int):
    """Give the request back to the queue."""
    require(request, Permission.SOURCING_RUN)
    council = _council(request)
    services.care_request_release(request=selectors.request_get(council=council, pk=request_id), actor=request.auth)
    return selectors.request_get(council=council, pk=request_id)


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
    found = _placement_read(request, placement_id)
    services.person_viewed(person=found.person, viewer=request.auth, what=f"placement {found.pk}", via="api")
    return found


class RecordViewOut(Schema):
    viewed_at: datetime
    viewer_label: str
    viewer_organisation: str
    what: str
    via: str

    @staticmethod
    def resolve_viewer_organisation(obj) -> str:
        return obj.viewer_organisation.name


@router.get("/people/{person_id}/record-views", response=list[RecordViewOut])
def person_record_views(request, person_id: int):
    """Who opened the person's record, newest first: the council's answer to a subject access request."""
    require(request, Permission.AUDIT_READ)
    council = _council(request)
    person = selectors.person_find(council=council, pk=person_id)
    if person is None:
        raise Http404("No such person in your council")
    return list(selectors.person_record_views(council=council, person=person)[:500])


# Provider --------------------------------------------------------------------------------------------------------


def _anonymised(kind: str, pk: int, care_request: CareRequest, status: str, answer_by: datetime) -> dict:
    seen = selectors.before_placement(care_request)
    return {
        "kind": kind,
        "id": pk,
        "council": care_request.council.name,
        "service_type": care_request.service_type.code,
        "need_level": care_request.need_level.name if care_request.need_level_id else None,
        "area": care_request.area.code,
        "postcode_district": seen.postcode_district,
        "age_band": seen.age_band,
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


@router.get("/care-opportunities", response=list[CareOpportunityOut])
def opportunities(request, open_only: bool = True):
    """Referrals offered to the provider and competitions it may bid in, anonymised."""
    require(request, Permission.REFERRALS_ANSWER)
    provider = _provider(request)
    referrals = selectors.referrals_for_provider(provider=provider).select_related("request__person")
    invitations = selectors.competitions_for_provider(provider=provider).select_related(
        "competition__request__person", "competition__request__need_level", "competition__request__council"
    )
    if open_only:
        referrals = referrals.in_group("open")
        invitations = invitations.filter(competition__status__in=COMPETITION.group("taking_offers"))
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


# Council: approval, cancellation, spot providers, blocks, placements' changes, failure, continuity, settings -------


class NoteIn(Schema):
    note: str = ""


class CancelIn(Schema):
    reason: str = Field(description="Why: for example the person died, moved or chose a direct payment")


class ReasonIn(Schema):
    reason: str


class SpotProviderOut(Schema):
    id: int
    name: str
    on_arrangements: bool = Field(description="Admitted to one of the council's live arrangements")


class VacancyOut(Schema):
    admission_id: int = Field(alias="pk")
    provider: str = Field(alias="provider.name")
    arrangement: str = Field(alias="arrangement.reference")
    vacancies: int
    price: Decimal | None


class BlockPlaceIn(Schema):
    admission_id: int


class VariationIn(Schema):
    starts_on: date
    reason: str
    hours_per_week: Decimal | None = None
    days_per_week: int | None = None
    need_level: int | None = None
    agreed_price: Decimal | None = None


class TermsOut(Schema):
    id: int
    starts_on: date
    ends_on: date | None
    need_level: int | None = Field(None, alias="need_level_id")
    hours_per_week: Decimal | None
    days_per_week: int | None
    agreed_price: Decimal | None
    reason: str


class AdmitIn(Schema):
    admitted_on: date
    unplanned: bool = True


class DischargeIn(Schema):
    discharged_on: date


class StayOut(Schema):
    id: int
    placement_id: int
    admitted_on: date
    discharged_on: date | None
    unplanned: bool


class EndIn(Schema):
    ended_on: date
    reason_code: str
    note: str = ""


class FailureIn(Schema):
    provider_id: int
    reason_code: str = Field(description="An ending reason code")
    ends_on: date | None = None


class CarryOverIn(Schema):
    starts_on: date | None = None


class CarryOverOut(Schema):
    carried: list[int] = Field(description="Placements given new terms under the provider's admission")
    left: list[int] = Field(description="Placements whose provider is not on the arrangement: to re-source")


class SettingsIn(Schema):
    escalate_unsourced_after_hours: int
    provider_access_days: int | None = Field(
        None, description="Days providers still see a person's details after a placement ends"
    )


class SettingsOut(Schema):
    escalate_unsourced_after_hours: int
    provider_access_days: int


@router.post("/care-requests/{request_id}/approval", response=CareRequestOut)
def approve_request(request, request_id: int, payload: NoteIn):
    """A team leader approves a child's request (seed 004); never the person who made it."""
    require(request, Permission.REQUESTS_APPROVE)
    council = _council(request)
    care_request = selectors.request_get(council=council, pk=request_id)
    services.care_request_approve(request=care_request, actor=request.auth, note=payload.note)
    return selectors.request_get(council=council, pk=request_id)


@router.post("/care-requests/{request_id}/cancel", response=CareRequestOut)
def cancel_request(request, request_id: int, payload: CancelIn):
    """End a request with a reason; its open referrals and any competition end and the providers are told."""
    require(request, Permission.REQUESTS_CREATE)
    council = _council(request)
    care_request = selectors.request_get(council=council, pk=request_id)
    services.care_request_cancel(request=care_request, actor=request.auth, reason=payload.reason)
    return selectors.request_get(council=council, pk=request_id)


@router.get("/spot-purchase/providers", response=list[SpotProviderOut])
def spot_providers(request):
    """The providers a council may choose in a spot purchase: any provider on the installation."""
    require(request, Permission.SOURCING_RUN)
    council = _council(request)
    admitted = selectors.providers_on_arrangements(council=council)
    return [{"id": p.pk, "name": p.name, "on_arrangements": p.pk in admitted} for p in selectors.provider_list()]


@router.get("/care-requests/{request_id}/block-vacancies", response=list[VacancyOut])
def block_vacancies(request, request_id: int):
    require(request, Permission.SOURCING_RUN)
    council = _council(request)
    care_request = selectors.request_get(council=council, pk=request_id)
    return selectors.block_vacancies(council=council, request=care_request)


@router.post("/care-requests/{request_id}/block-placement", response={201: PlacementOut})
def block_place(request, request_id: int, payload: BlockPlaceIn):
    require(request, Permission.SOURCING_RUN)
    council = _council(request)
    care_request = selectors.request_get(council=council, pk=request_id)
    admission = selectors.block_admission_get(council=council, pk=payload.admission_id)
    made = placements.block_place(request=care_request, admission=admission, actor=request.auth)
    return 201, selectors.placement_get(council=council, pk=made.pk)


class InHouseIn(Schema):
    provider_id: int


@router.get("/in-house-services", response=list[SpotProviderOut])
def in_house_services(request):
    """The council's own services a request can be placed with."""
    require(request, Permission.SOURCING_RUN)
    found = selectors.in_house_services(council=_council(request))
    return [{"id": p.pk, "name": p.name, "on_arrangements": False} for p in found]


@router.post("/care-requests/{request_id}/in-house-placement", response={201: PlacementOut})
def in_house_place(request, request_id: int, payload: InHouseIn):
    """Place a request with one of the council's own services."""
    require(request, Permission.SOURCING_RUN)
    council = _council(request)
    care_request = selectors.request_get(council=council, pk=request_id)
    service = selectors.in_house_service_get(council=council, pk=payload.provider_id)
    made = placements.in_house_place(request=care_request, provider=service, actor=request.auth)
    return 201, selectors.placement_get(council=council, pk=made.pk)


@router.post("/competitions/{competition_id}/no-award", response=CompetitionOut)
def no_award(request, competition_id: int, payload: ReasonIn):
    """Close a competition without an award, with the reason; the request is left unsourced."""
    require(request, Permission.SOURCING_RUN)
    competition = selectors.competition_get(council=_council(request), pk=competition_id)
    return competitions.competition_no_award(competition=competition, actor=request.auth, reason=payload.reason)


@router.get("/placements/{placement_id}/terms", response=list[TermsOut])
def placement_terms(request, placement_id: int):
    require(request, Permission.BROKERAGE_READ)
    placement = selectors.placement_get(council=_council(request), pk=placement_id)
    return placement.terms.order_by("starts_on")


@router.post("/placements/{placement_id}/variations", response={201: TermsOut})
def vary_placement(request, placement_id: int, payload: VariationIn):
    """New terms from a date; the current terms end the day before."""
    require(request, Permission.PLACEMENTS_MANAGE)
    placement = selectors.placement_get(council=_council(request), pk=placement_id)
    return 201, placements.placement_vary(placement=placement, actor=request.auth, **payload.dict())


@router.get("/placements/{placement_id}/hospital-stays", response=list[StayOut])
def hospital_stays(request, placement_id: int):
    placement = _placement_read(request, placement_id)
    return placement.hospital_stays.order_by("admitted_on")


@router.post("/placements/{placement_id}/hospital-stays", response={201: StayOut})
def hospital_admit(request, placement_id: int, payload: AdmitIn):
    """The person went into hospital: the placement is suspended; an unplanned stay pays its first 2 days."""
    require(request, Permission.PLACEMENTS_MANAGE)
    placement = selectors.placement_get(council=_council(request), pk=placement_id)
    return 201, placements.hospital_admit(placement=placement, actor=request.auth, **payload.dict())


@router.post("/placements/{placement_id}/hospital-stays/discharge", response=StayOut)
def hospital_discharge(request, placement_id: int, payload: DischargeIn):
    require(request, Permission.PLACEMENTS_MANAGE)
    placement = selectors.placement_get(council=_council(request), pk=placement_id)
    return placements.hospital_discharge(placement=placement, actor=request.auth, **payload.dict())


@router.post("/placements/{placement_id}/end", response=PlacementOut)
def end_placement(request, placement_id: int, payload: EndIn):
    require(request, Permission.PLACEMENTS_MANAGE)
    council = _council(request)
    placement = selectors.placement_get(council=council, pk=placement_id)
    placements.placement_end(placement=placement, actor=request.auth, **payload.dict())
    return selectors.placement_get(council=council, pk=placement_id)


@router.post("/provider-failures", response={201: list[CareRequestOut]})
def provider_failure(request, payload: FailureIn):
    """A provider has failed or left: its placements end, its admissions are suspended and a new request for each
    person goes into sourcing."""
    require(request, Permission.PLACEMENTS_MANAGE)
    council = _council(request)
    return 201, placements.provider_placements_resource(
        council=council,
        actor=request.auth,
        provider=selectors.provider_get(pk=payload.provider_id),
        reason_code=payload.reason_code,
        ends_on=payload.ends_on,
    )


@router.post("/arrangements/{arrangement_id}/carry-over", response=CarryOverOut)
def carry_over(request, arrangement_id: int, payload: CarryOverIn):
    """Continuity (seed 001): people keep their provider on a new arrangement if it is on it."""
    require(request, Permission.PLACEMENTS_MANAGE)
    council = _council(request)
    arrangement = get_for_organisation_or_404(selectors.live_arrangements(council=council), council, pk=arrangement_id)
    carried, left = placements.placements_carry_over(
        arrangement=arrangement, actor=request.auth, starts_on=payload.starts_on
    )
    return {"carried": [p.pk for p in carried], "left": [p.pk for p in left]}


@router.get("/brokerage/settings", response=SettingsOut)
def get_settings(request):
    require(request, Permission.BROKERAGE_READ)
    return _council(request)


@router.put("/brokerage/settings", response=SettingsOut)
def set_settings(request, payload: SettingsIn):
    """How long a request may stay unsourced before team leaders are told."""
    require(request, Permission.BROKERAGE_SETTINGS)
    return services.escalation_set(
        council=_council(request),
        actor=request.auth,
        hours=payload.escalate_unsourced_after_hours,
        provider_access_days=payload.provider_access_days,
    )


# -- visit plans: the provider's rota, by its people or its rostering system ----------------------------------------

Weekday = Literal["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


class PlannedVisitIn(Schema):
    days: list[Weekday] = Field(description="The days of the week the visit happens")
    start: time = Field(description="Planned start, 24-hour local time")
    minutes: int = Field(description="Planned length in minutes")
    carers: int = Field(1, description="Carers making the visit")


class PlannedVisitOut(Schema):
    days: list[str]
    start: time
    minutes: int
    carers: int


class VisitPlanIn(Schema):
    starts_on: date
    visits: list[PlannedVisitIn]
    reason: str = ""


class VisitPlanOut(Schema):
    id: int
    placement: int
    starts_on: date
    ends_on: date | None
    reason: str
    visits: list[PlannedVisitOut]


def _plan_out(plan) -> dict:
    return {
        "id": plan.pk,
        "placement": plan.placement_id,
        "starts_on": plan.starts_on,
        "ends_on": plan.ends_on,
        "reason": plan.reason,
        "visits": [
            {
                "days": [visit_rules.WEEKDAYS[d] for d in sorted(v.days)],
                "start": v.start,
                "minutes": v.minutes,
                "carers": v.carers,
            }
            for v in (line.as_domain for line in plan.visits.all())
        ],
    }


@router.get("/placements/{placement_id}/visit-plans", response=list[VisitPlanOut])
def visit_plans(request, placement_id: int):
    """The placement's visit plans, earliest first: what missed and late visits are counted against."""
    placement = _placement_read(request, placement_id)
    return [_plan_out(plan) for plan in placement.visit_plans.prefetch_related("visits").order_by("starts_on")]


@router.post("/placements/{placement_id}/visit-plans", response={201: VisitPlanOut})
def plan_visits(request, placement_id: int, payload: VisitPlanIn):
    """The provider's planned visits from a date; the current plan ends the day before."""
    require(request, Permission.DELIVERY_RECORD)
    provider = signed_in_provider(request, "Planning visits")
    placement = selectors.placement_for_provider(provider=provider, pk=placement_id)
    plan = placements.visit_plan_set(
        placement=placement,
        actor=request.auth,
        starts_on=payload.starts_on,
        reason=payload.reason,
        visits=[
            visit_rules.PlannedVisit(
                days=frozenset(visit_rules.WEEKDAYS.index(d) for d in v.days),
                start=v.start,
                minutes=v.minutes,
                carers=v.carers,
            )
            for v in payload.visits
        ],
    )
    return 201, _plan_out(plan)
