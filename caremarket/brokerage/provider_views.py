"""The provider's side of brokerage: referrals offered to it (anonymised until it is placed) and its placements."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone

from caremarket.core.errors import ServiceError
from caremarket.core.govuk import FAILED, bound, submit
from caremarket.core.permissions import permission_required, signed_in_provider
from caremarket.domain.roles import Permission

from . import competitions, placements, presenters, selectors, services, sourcing
from .forms import DeclineForm, OfferForm, VisitPlanForm


def _provider(request):
    return signed_in_provider(request, "Answering referrals")


@permission_required(Permission.REFERRALS_ANSWER)
def referral_list(request):
    provider = _provider(request)
    return render(
        request,
        "brokerage/provider/referrals.html",
        {
            "referrals": selectors.referrals_for_provider(provider=provider),
            "competitions": selectors.competitions_for_provider(provider=provider),
            "placements": selectors.placements_for_provider(provider=provider),
            "today": timezone.localdate(),
        },
    )


@permission_required(Permission.REFERRALS_ANSWER)
def referral_detail(request, pk: int):
    provider = _provider(request)
    referral = selectors.referral_for_provider(provider=provider, pk=pk)
    sourcing.referral_view(referral=referral, provider=provider, actor=request.user)
    form = DeclineForm(
        bound(request) if request.POST.get("action") == "decline" else None,
        reason_codes=selectors.decline_reasons(council=referral.request.council),
    )
    if request.POST.get("action") == "accept":
        try:
            placement = sourcing.referral_accept(referral=referral, provider=provider, actor=request.user)
        except ServiceError as exc:
            messages.error(request, str(exc))
            return redirect("referrals:detail", pk=pk)
        messages.success(request, f"Accepted: the placement starts on {placement.start_on:%-d %B %Y}")
        return redirect("referrals:placement", pk=placement.pk)
    if request.POST.get("action") == "decline":
        done = submit(
            request,
            form,
            lambda data: sourcing.referral_decline(referral=referral, provider=provider, actor=request.user, **data),
        )
        if done is not FAILED:
            messages.success(request, "Declined. Thank you for answering quickly.")
            return redirect("referrals:list")
    return render(
        request,
        "brokerage/provider/referral.html",
        {
            "referral": referral,
            "request_": referral.request,
            "form": form,
            "seen": selectors.before_placement(referral.request),
        },
    )


@permission_required(Permission.REFERRALS_ANSWER)
def placement_detail(request, pk: int):
    provider = _provider(request)
    placement = selectors.placement_for_provider(provider=provider, pk=pk)
    if placement.shared_with_provider(timezone.localdate()):
        services.person_viewed(person=placement.person, viewer=request.user, what=f"placement {placement.pk}")
    return render(request, "brokerage/provider/placement.html", presenters.provider_placement_page(placement=placement))


@permission_required(Permission.DELIVERY_RECORD)
def placement_visits(request, pk: int):
    """The placement's planned visits from a date (the provider's rota), against which missed and late visits are
    counted."""
    provider = _provider(request)
    placement = selectors.placement_for_provider(provider=provider, pk=pk)
    page = presenters.visit_plan_page(placement=placement)
    form = VisitPlanForm(bound(request), initial=VisitPlanForm.initial_from(page["current_visits"]))
    done = submit(
        request,
        form,
        lambda data: placements.visit_plan_set(
            placement=placement,
            actor=request.user,
            starts_on=data["starts_on"],
            visits=data["visits"],
            reason=data["reason"],
        ),
    )
    if done is not FAILED:
        messages.success(request, f"Visits planned from {done.starts_on:%-d %B %Y}; the earlier plan is kept")
        return redirect("referrals:placement", pk=pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "brokerage/provider/visit_plan.html", {**page, "form": form}, status=status)


@permission_required(Permission.REFERRALS_ANSWER)
def competition_detail(request, pk: int):
    """An open competition on the provider's lot: the request anonymised, its criteria, and the provider's own offer
    (only its own, ever); after scoring, its own score breakdown."""
    provider = _provider(request)
    invitation = selectors.invitation_for_provider(provider=provider, competition=pk)
    competition = invitation.competition
    form = OfferForm(bound(request) if request.POST.get("action") == "offer" else None)
    if request.POST.get("action") == "offer":
        offer = submit(
            request,
            form,
            lambda data: competitions.offer_submit(
                competition=competition, provider=provider, actor=request.user, **data
            ),
        )
        if offer is not FAILED:
            messages.success(request, "Your sealed offer is in. You can change or withdraw it until the closing time.")
            return redirect("referrals:competition", pk=pk)
    if request.POST.get("action") == "withdraw":
        try:
            competitions.offer_withdraw(
                offer=competitions.offer_for_provider(provider=provider, pk=request.POST.get("offer") or 0),
                provider=provider,
                actor=request.user,
            )
        except ServiceError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, "Your offer is withdrawn")
        return redirect("referrals:competition", pk=pk)
    return render(
        request,
        "brokerage/provider/competition.html",
        {"form": form, **presenters.provider_competition_page(provider=provider, competition=competition)},
    )
