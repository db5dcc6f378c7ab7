"""What brokerage's pages show and offer, the council's and the provider's, worked out from the records and the
person's roles: the display state of each page, apart from its forms (the views add those) and the writes."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.urls import reverse
from django.utils import timezone

from caremarket.core.permissions import has_permission
from caremarket.core.scheduling import working_hours_after
from caremarket.core.todo import Item, Row
from caremarket.domain.lifecycles import CARE_REQUEST, COMPETITION, PLACEMENT
from caremarket.domain.roles import Permission
from caremarket.reference.selectors import price_floor_flags as floor_flags

from . import competitions, selectors
from .models import CareRequest, Competition, Referral, reference_of


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
        "in_house": selectors.in_house_services(council=care_request.council),
        "vacancies": selectors.block_vacancies(council=care_request.council, request=care_request)
        if can_source and to_source
        else [],
        "can_spot": can_source and to_source and not live_competition,
        "replaces": care_request.replaces_placement,
        "can_cancel": has_permission(user, Permission.REQUESTS_CREATE) and CARE_REQUEST.is_in(state, "open"),
        # a broker takes an open request; another broker's is taken over only on purpose
        "can_take": can_source and CARE_REQUEST.is_in(state, "open") and care_request.owner_id != user.pk,
        "take_over": care_request.owner_id is not None and care_request.owner_id != user.pk,
        "can_release": can_source and care_request.owner_id is not None,
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
        "visit_plans": visit_plans(placement),
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
        "visit_plans": visit_plans(placement),
        "plans_visits": bool(placement.hours_per_week) and PLACEMENT.is_in(placement.status, "live"),
    }


def visit_plans(placement) -> list[dict]:
    """Every visit plan of the placement, newest first, each line in words ("Every day at 07:30, 45 minutes")."""
    return [
        {"plan": plan, "visits": [v.as_domain for v in plan.visits.all()]}
        for plan in placement.visit_plans.prefetch_related("visits").order_by("-starts_on")
    ]


def visit_plan_page(*, placement) -> dict:
    plans = visit_plans(placement)
    return {"placement": placement, "plans": plans, "current_visits": plans[0]["visits"] if plans else []}


# -- home pages: what waits for each role ------------------------------------------------------------------


def broker_to_do(*, council, user=None, now: datetime | None = None) -> list[Item]:
    """The requests this broker is working, unsourced and escalated requests, referrals about to time out,
    competitions closing today, awards to make."""
    now = now or timezone.now()
    soon = working_hours_after(now, 1)
    requests = CareRequest.objects.for_organisation(council).select_related("service_type", "area")
    end_of_day = timezone.localtime(now).replace(hour=23, minute=59, second=59)
    competitions_ = Competition.objects.filter(council=council).select_related("request__service_type")

    def request_row(r):
        return Row(
            f"Request {r.reference}: {r.service_type.name}, {r.area.name}",
            reverse("brokerage:request", args=[r.pk]),
            r.status_changed_at,
            "waiting since",
        )

    def competition_row(c):
        return Row(
            f"Request {c.request.reference}: competition {c.pk}, {c.request.service_type.name}",
            reverse("brokerage:competition", args=[c.pk]),
            c.closes_at,
            "closes",
        )

    mine = (
        [
            Item.of(
                "Requests you are working",
                requests.in_group("open").filter(owner=user).order_by("start_on"),
                request_row,
                reverse("brokerage:queue") + "?owner=me",
            )
        ]
        if user is not None
        else []
    )
    return mine + [
        Item.of(
            "Requests being sourced that nobody has taken",
            requests.in_group("being_sourced").filter(owner__isnull=True).order_by("start_on", "created_at"),
            request_row,
            reverse("brokerage:queue") + "?status=sourcing&owner=nobody",
        ),
        Item.of(
            "Escalated: unsourced longer than the council allows",
            requests.in_group("escalates").filter(escalated_at__isnull=False).order_by("status_changed_at"),
            request_row,
            reverse("brokerage:queue") + "?status=unsourced&escalated=yes",
        ),
        Item.of(
            "Unsourced requests, not yet escalated",
            requests.in_group("escalates").filter(escalated_at__isnull=True).order_by("status_changed_at"),
            request_row,
            reverse("brokerage:queue") + "?status=unsourced&escalated=no",
        ),
        Item.of(
            "Referrals that time out within a working hour",
            Referral.objects.filter(request__council=council)
            .in_group("open")
            .filter(deadline_at__gt=now, deadline_at__lte=soon)
            .select_related("provider")
            .order_by("deadline_at"),
            lambda f: Row(
                f"Request {reference_of(f.request_id)}: offered to {f.provider.name}",
                reverse("brokerage:request", args=[f.request_id]),
                f.deadline_at,
                "times out",
            ),
        ),
        Item.of(
            "Competitions closing today",
            competitions_.in_group("taking_offers")
            .filter(closes_at__gt=now, closes_at__lte=end_of_day)
            .order_by("closes_at"),
            competition_row,
        ),
        Item.of(
            "Competitions closed: score and award",
            competitions_.in_group("to_decide").order_by("closes_at"),
            competition_row,
        ),
    ]


def team_leader_to_do(*, council) -> list[Item]:
    waiting = (
        CareRequest.objects.for_organisation(council)
        .in_group("awaiting_approval")
        .select_related("service_type", "area")
    )
    return [
        Item.of(
            "Children's requests waiting for your approval",
            waiting.order_by("created_at"),
            lambda r: Row(
                f"Request {r.reference}: {r.service_type.name}, {r.area.name}",
                reverse("brokerage:request", args=[r.pk]),
                r.created_at,
                "made",
            ),
            reverse("brokerage:queue") + "?status=awaiting-approval",
        ),
    ]


def provider_to_do(*, provider, now: datetime | None = None) -> list[Item]:
    """Referrals and competitions open to the provider with their deadlines, placements starting this week."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    return [
        Item.of(
            "Referrals to answer",
            selectors.referrals_for_provider(provider=provider).in_group("open").order_by("deadline_at"),
            lambda f: Row(
                f"Request {f.request.reference}: {f.request.service_type.name}, {f.request.area.name}",
                reverse("referrals:detail", args=[f.pk]),
                f.deadline_at,
                "answer by",
            ),
        ),
        Item.of(
            "Competitions open to you",
            selectors.competitions_for_provider(provider=provider)
            .filter(competition__status__in=COMPETITION.group("taking_offers"), competition__closes_at__gt=now)
            .order_by("competition__closes_at"),
            lambda i: Row(
                f"Request {reference_of(i.competition.request_id)}: competition for "
                f"{i.competition.request.service_type.name}, {i.competition.request.area.name}",
                reverse("referrals:competition", args=[i.competition_id]),
                i.competition.closes_at,
                "offers by",
            ),
        ),
        Item.of(
            "Placements starting this week",
            selectors.placements_for_provider(provider=provider)
            .in_group("live")
            .filter(start_on__gte=today, start_on__lte=today + timedelta(days=6))
            .order_by("start_on"),
            lambda p: Row(
                f"Placement {p.pk}: {p.service_type.name}, starts {p.start_on:%-d %B}",
                reverse("referrals:placement", args=[p.pk]),
            ),
        ),
    ]


# -- check pages before consequential actions ----------------------------------------------------------------


def award_check(*, competition, offer, offers) -> dict:
    request = competition.request
    starts = max(request.start_on, offer.earliest_start_on)
    others = sorted({o.provider.name for o in offers if o.pk != offer.pk})
    return {
        "caption": f"Competition {competition.pk}: request {request.reference}",
        "heading": f"Award the care to {offer.provider.name}?",
        "says": [
            f"This places request {request.reference} with {offer.provider.name} at the price it offered, and binds "
            "the council to it. Every provider that offered is told the outcome."
        ],
        "rows": [
            ("Price", f"£{offer.price} {competition.get_price_unit_display().lower()}"),
            ("Rank", f"{offer.rank} of {len(offers)}"),
            ("Total score", str(offer.total_score)),
            ("Placement starts", f"{starts:%-d %B %Y}"),
        ]
        + ([("Told they were not chosen", ", ".join(others))] if others else []),
        "warning": "The placement is made when you confirm; it cannot be unmade, only ended.",
        "button": f"Award to {offer.provider.name}",
        "action": reverse("brokerage:competition-award", args=[competition.pk]),
        "back": reverse("brokerage:competition", args=[competition.pk]),
    }


def provider_failure_check(*, council, provider, ends_on) -> dict:
    ending = list(selectors.live_placements_of(council=council, provider=provider))
    return {
        "caption": "A provider has failed or left",
        "heading": f"{len(ending)} placements with {provider.name} end on {ends_on:%-d %B %Y}",
        "says": [
            "For each person below the placement ends and a new request goes into sourcing, pointing back to it. "
            f"{provider.name}'s admissions on your arrangements are suspended from now, with the reason, so no new "
            "work is offered to it. A child's new request waits for a team leader's approval, as any other."
        ],
        "listing_heading": "Placements that end",
        "listing": [f"Placement {p.pk}: {p.person}, {p.service_type.name}, {p.area.name}" for p in ending],
        "warning": "This cannot be undone: the placements end and their people are sourced again.",
        "button": f"End {len(ending)} placements and source their people again",
        "action": reverse("brokerage:provider-failure"),
        "back": reverse("brokerage:provider-failure"),
        "allowed": bool(ending),
        "why_not": f"{provider.name} has no active placements with you.",
    }
