"""What brokerage's pages show and offer, the council's and the provider's, worked out from the records and the
person's roles: the display state of each page, apart from its forms (the views add those) and the writes."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone

from caremarket.core.permissions import has_permission
from caremarket.domain.lifecycles import CARE_REQUEST, COMPETITION, PLACEMENT
from caremarket.domain.roles import Permission
from caremarket.reference.selectors import price_floor_flags as floor_flags

from . import competitions, selectors


def request_page(*, user, care_request) -> dict:
    """The request, who can and cannot take it and why, its sourcing so far, and what this person may do next."""
    state = care_request.status
    to_source = CARE_REQUEST.is_in(state, "to_source")
    being_sourced = CARE_REQUEST.is_in(state, "being_sourced")
    verdicts = selectors.request_eligibility(care_request)
    arrangement, steps = selectors.sourcing_plan(request=care_request) if being_sourced else (None, [])
    referrals = care_request.referrals.select_related("provider", "decline_reason").order_by(
        "step_number", "provider__name"
    )
    can_source = has_permission(user, Permission.SOURCING_RUN)
    call_off = selectors.call_off_arrangement(request=care_request) if to_source else None
    open_referrals = referrals.in_group("open").exists()
    live_competition = care_request.competitions.in_group("live").first()
    return {
        "care_request": care_request,
        "referrals": referrals,
        "plan_arrangement": arrangement,
        "steps": steps,
        "can_source": can_source and being_sourced and not referrals.exists() and bool(steps),
        "placement": getattr(care_request, "placement", None),
        "eligible": [v for v in verdicts if v.eligible],
        "ineligible": [v for v in verdicts if not v.eligible],
        "can_approve": has_permission(user, Permission.REQUESTS_APPROVE)
        and CARE_REQUEST.is_in(state, "awaiting_approval"),
        "competitions": care_request.competitions.all(),
        "call_off": call_off if can_source and not open_referrals and not live_competition else None,
        "vacancies": selectors.block_vacancies(council=care_request.council, request=care_request)
        if can_source and to_source
        else [],
        "can_spot": can_source and to_source and not live_competition,
        "replaces": care_request.replaces_placement,
        "can_cancel": has_permission(user, Permission.REQUESTS_CREATE) and CARE_REQUEST.is_in(state, "open"),
    }


def competition_page(*, user, competition, now: datetime | None = None) -> dict:
    """Before closing, the count of offers only; after, the offers (each read audited), flagged where a price is
    below the council's cost of care or the Homecare Association's minimum."""
    now = now or timezone.now()
    sealed = competition.is_sealed(now)
    offers = [] if sealed else list(competitions.offers_for_council(competition=competition, actor=user, route="page"))
    for offer in offers:
        offer.floor_flags = floor_flags(competition.council, offer.price, competition.price_unit, timezone.localdate())
    return {
        "competition": competition,
        "request_": competition.request,
        "sealed": sealed,
        "offer_count": selectors.offer_count(competition=competition),
        "offers": offers,
        "invited": competition.invitations.select_related("provider").order_by("provider__name"),
        "can_decide": has_permission(user, Permission.SOURCING_RUN)
        and not sealed
        and COMPETITION.is_in(competition.status, "live"),
        "scored": bool(offers) and all(o.rank is not None for o in offers),
    }


def placement_page(*, user, placement) -> dict:
    return {
        "placement": placement,
        "terms": placement.terms.select_related("need_level", "admission__arrangement").order_by("starts_on"),
        "stays": placement.hospital_stays.all(),
        "in_hospital": placement.hospital_stays.filter(discharged_on__isnull=True).exists(),
        "floor_flags": floor_flags(placement.council, placement.agreed_price, placement.price_unit, placement.start_on)
        if placement.agreed_price
        else [],
        "can_manage": has_permission(user, Permission.PLACEMENTS_MANAGE) and PLACEMENT.is_in(placement.status, "live"),
    }


# -- the provider's pages ---------------------------------------------------------------------------------------


def provider_competition_page(*, provider, competition, now: datetime | None = None) -> dict:
    """The request anonymised, the provider's own offers (only its own, ever), whether it may still offer, and after
    scoring its rank among the live offers and any placement it won."""
    mine = competition.offers.filter(provider=provider).order_by("-submitted_at")
    live = mine.in_group("live").first()
    return {
        "competition": competition,
        "request_": competition.request,
        "seen": selectors.before_placement(competition.request),
        "live": live,
        "mine": mine,
        "open": COMPETITION.is_in(competition.status, "taking_offers") and competition.is_sealed(now or timezone.now()),
        "ranked_out_of": competition.offers.in_group("live").filter(rank__isnull=False).count(),
        "won": getattr(live, "placement", None) if live else None,
    }


def provider_placement_page(*, placement) -> dict:
    return {
        "placement": placement,
        "shared": placement.shared_with_provider(timezone.localdate()),
        "terms": placement.terms.select_related("need_level"),
        "stays": placement.hospital_stays.all(),
    }
