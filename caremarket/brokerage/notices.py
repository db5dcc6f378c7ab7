"""Who brokerage tells, and what: each event that asks someone to act, said once, with the page where it is done.
Providers are told only what they may see before a placement (domain/disclosure): never the person's name."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone

from caremarket.domain.notifications import Kind
from caremarket.notifications.services import notify

from .models import CareRequest, Competition, Placement, Referral


def _when(moment) -> str:
    return f"{timezone.localtime(moment):%-d %B %Y %H:%M}"


def _care(request: CareRequest) -> str:
    """What is asked for, without who for."""
    schedule = (
        f"{request.hours_per_week:g} hours a week"
        if request.hours_per_week
        else f"{request.days_per_week} days a week"
        if request.days_per_week
        else "a weekly placement"
    )
    return f"{request.service_type.name} in {request.area.name}, {schedule}, from {request.start_on:%-d %B %Y}"


def referral_offered(referral: Referral) -> None:
    request = referral.request
    notify(
        kind=Kind.REFERRAL_OFFERED,
        organisation=referral.provider,
        subject=f"Request {request.reference}: {request.service_type.name} in {request.area.name}, "
        f"answer by {_when(referral.deadline_at)}",
        body=f"{request.council.name} offers you {_care(request)}. Accept or decline it by "
        f"{_when(referral.deadline_at)}; after that it passes to the next provider.",
        link=reverse("referrals:detail", args=[referral.pk]),
        event_key=f"referral:{referral.pk}:offered",
        deadline_at=referral.deadline_at,
        data={
            "referral_id": referral.pk,
            "request_reference": request.reference,
            "council": request.council.name,
            "service_type": request.service_type.code,
            "area": request.area.name,
            "hours_per_week": str(request.hours_per_week) if request.hours_per_week else None,
            "days_per_week": request.days_per_week,
            "start_on": request.start_on.isoformat(),
            "deadline_at": referral.deadline_at.isoformat(),
            "accept": f"/api/v1/referrals/{referral.pk}/accept",
            "decline": f"/api/v1/referrals/{referral.pk}/decline",
        },
    )


def referral_deadline_near(referral: Referral) -> list:
    return notify(
        kind=Kind.DEADLINE_NEAR,
        organisation=referral.provider,
        subject=f"Request {referral.request.reference} closes at {_when(referral.deadline_at)}",
        body=f"Less than a working hour is left to answer the referral of request {referral.request.reference} "
        f"({_care(referral.request)}).",
        link=reverse("referrals:detail", args=[referral.pk]),
        event_key=f"referral:{referral.pk}:deadline",
        deadline_at=referral.deadline_at,
        data={
            "referral_id": referral.pk,
            "request_reference": referral.request.reference,
            "deadline_at": referral.deadline_at.isoformat(),
        },
    )


def competition_opened(competition: Competition) -> None:
    request = competition.request
    for invitation in competition.invitations.select_related("provider"):
        notify(
            kind=Kind.COMPETITION_OPENED,
            organisation=invitation.provider,
            subject=f"Request {request.reference}: competition for {request.service_type.name} in {request.area.name}, "
            f"offers by {_when(competition.closes_at)}",
            body=f"{competition.council.name} invites sealed offers for {_care(request)} on "
            f"{competition.arrangement.reference}. Offers close at {_when(competition.closes_at)}.",
            link=reverse("referrals:competition", args=[competition.pk]),
            event_key=f"competition:{competition.pk}:opened",
            deadline_at=competition.closes_at,
            data={
                "competition_id": competition.pk,
                "request_reference": request.reference,
                "arrangement": competition.arrangement.reference,
                "closes_at": competition.closes_at.isoformat(),
                "offer": f"/api/v1/competitions/{competition.pk}/offers",
            },
        )


def competition_deadline_near(competition: Competition, provider) -> list:
    return notify(
        kind=Kind.DEADLINE_NEAR,
        organisation=provider,
        subject=f"Request {competition.request.reference}: the competition closes at {_when(competition.closes_at)}",
        body=f"Less than a working hour is left to make an offer in competition {competition.pk}.",
        link=reverse("referrals:competition", args=[competition.pk]),
        event_key=f"competition:{competition.pk}:deadline",
        deadline_at=competition.closes_at,
        data={"competition_id": competition.pk, "closes_at": competition.closes_at.isoformat()},
    )


def competition_decided(competition: Competition, winner=None) -> None:
    """The winner is told it won; every other provider that made an offer, that it did not."""
    offered = {o.provider for o in competition.offers.select_related("provider")}
    for provider in offered:
        won = winner is not None and provider.pk == winner.pk
        notify(
            kind=Kind.OFFER_AWARDED if won else Kind.OFFER_NOT_AWARDED,
            organisation=provider,
            subject=f"Request {competition.request.reference}: "
            + ("your offer is awarded" if won else "your offer is not awarded"),
            body="The placement's terms and the person's details are on the placement page."
            if won
            else "Your score and rank are on the competition page.",
            link=reverse("referrals:competition", args=[competition.pk]),
            event_key=f"competition:{competition.pk}:decided",
            data={"competition_id": competition.pk, "awarded": won},
        )


def placement_made(placement: Placement) -> None:
    flag = " (spot purchase)" if placement.is_spot else ""
    notify(
        kind=Kind.PLACEMENT_MADE,
        organisation=placement.provider,
        subject=f"New placement {placement.pk} (request {placement.request.reference}) from {placement.council.name}",
        body=f"{placement.council.name} has placed a package of care with you{flag}: placement {placement.pk}, "
        f"{placement.service_type.name}, starting {placement.start_on:%-d %B %Y}. The person's details and the "
        "agreed terms are on the placement page.",
        link=reverse("referrals:placement", args=[placement.pk]),
        event_key=f"placement:{placement.pk}:made",
        data={"placement_id": placement.pk, "start_on": placement.start_on.isoformat()},
    )


def request_cancelled(request: CareRequest, providers) -> None:
    for provider in providers:
        notify(
            kind=Kind.REQUEST_CANCELLED,
            organisation=provider,
            subject=f"Request {request.reference} cancelled",
            body=f"{request.council.name} has cancelled care request {request.reference}: it no longer needs a "
            "provider. Any referral or competition for it is closed. Nothing more is needed from you.",
            link=reverse("referrals:list"),
            event_key=f"request:{request.pk}:cancelled",
            data={"request_reference": request.reference},
        )


def approval_waiting(request: CareRequest, actor) -> None:
    notify(
        kind=Kind.APPROVAL_WAITING,
        organisation=request.council,
        subject=f"Request {request.reference} for a child waits for your approval",
        body=f"{_care(request)}. A team leader other than the person who made it approves it before sourcing.",
        link=reverse("brokerage:request", args=[request.pk]),
        event_key=f"request:{request.pk}:approval",
        exclude=[request.created_by],
    )


def requests_escalated(council, due: list[CareRequest], now) -> None:
    lines = "\n".join(f"- Request {r.reference}: {r.service_type.name}, {r.area.name}" for r in due)
    notify(
        kind=Kind.REQUEST_ESCALATED,
        organisation=council,
        subject=f"{len(due)} unsourced care requests escalated",
        body=f"These care requests have been unsourced for more than {council.escalate_unsourced_after_hours} "
        f"hours:\n{lines}",
        link=reverse("brokerage:queue") + "?status=unsourced",
        event_key=f"escalation:{council.pk}:{now.isoformat()}",
    )


def referrals_stopped(council, provider, *, reason: str = "", stop_id: int, resumed: bool = False) -> None:
    """The provider is told at once that the council stops (or resumes) new referrals to it, and why."""
    notify(
        kind=Kind.REFERRALS_STOPPED,
        organisation=provider,
        subject=f"{council.name} {'resumes' if resumed else 'stops'} new referrals to you",
        body=(
            f"{council.name} offers you new referrals again from its next request."
            if resumed
            else f"{council.name} has stopped new referrals to you: {reason}. The people you already care for stay "
            "with you. Ask the council's quality team what it needs to see before referrals resume."
        ),
        link=reverse("referrals:list"),
        event_key=f"referral_stop:{stop_id}:{'resumed' if resumed else 'stopped'}",
        data={"council": council.name, "stopped": not resumed, "reason": reason},
    )
