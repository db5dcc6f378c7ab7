"""Quality pages: KPIs computed from the record, each figure opening the records behind it."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from caremarket.brokerage import selectors as brokerage
from caremarket.brokerage import services as brokerage_services
from caremarket.core.errors import ServiceError
from caremarket.core.govuk import FAILED, submit
from caremarket.core.permissions import permission_required
from caremarket.domain.roles import Permission

from . import presenters


@permission_required(Permission.QUALITY_READ)
def kpis(request):
    page = presenters.kpis_page(council=request.user.organisation, months=request.GET.get("months"))
    return render(request, "quality/kpis.html", page)


@permission_required(Permission.QUALITY_READ)
def not_accepted(request, provider_id: int):
    provider = brokerage.provider_get(pk=provider_id)
    page = presenters.not_accepted_page(
        council=request.user.organisation, provider=provider, months=request.GET.get("months")
    )
    return render(request, "quality/not_accepted.html", {"form": StopForm(), **page})


class StopForm(forms.Form):
    reason = forms.CharField(
        label="Why new referrals stop",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        error_messages={"required": "Say why new referrals to this provider are stopped"},
    )


@require_POST
@permission_required(Permission.REFERRALS_STOP)
def referral_stop(request, provider_id: int):
    """Stop new referrals to a provider at once, or lift the stop; its placements continue either way."""
    council = request.user.organisation
    provider = brokerage.provider_get(pk=provider_id)
    if request.POST.get("action") == "resume":
        try:
            brokerage_services.referrals_resume(council=council, actor=request.user, provider=provider)
        except ServiceError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, f"New referrals to {provider.name} resume from the next request")
        return redirect("quality:not-accepted", provider_id=provider.pk)
    form = StopForm(request.POST)
    done = submit(
        request,
        form,
        lambda data: brokerage_services.referrals_stop(
            council=council, actor=request.user, provider=provider, reason=data["reason"]
        ),
    )
    if done is FAILED:
        page = presenters.not_accepted_page(council=council, provider=provider, months=None)
        return render(request, "quality/not_accepted.html", {"form": form, **page}, status=400)
    messages.success(request, f"New referrals to {provider.name} are stopped; its placements continue")
    return redirect("quality:not-accepted", provider_id=provider.pk)


def _worked_out(request, council, page):
    """The page with its council's scorecards (for the period and cut asked for), working them out first if asked
    to (POST) or if they never were: a job page while the worker is at it, the page itself once it is done."""
    from . import scorecards as cards

    asked = request.POST if request.method == "POST" else request.GET
    months = asked.get("months")
    cut = presenters.cut_of(
        council=council, area=asked.get("area"), service=asked.get("service"), position=asked.get("position")
    )
    kept = page(council=council, months=months, cut=cut)
    if request.method != "POST" and kept["kept"] is not None:
        return kept
    job = cards.scorecards_start(council=council, months=months, actor=request.user, cut=cut)
    if request.method == "POST" or job.active or job.failed:
        return redirect("core:job", pk=job.pk)
    return page(council=council, months=months, cut=cut)


@permission_required(Permission.QUALITY_READ)
def scorecards(request):
    """The scorecards the worker last worked out; asked to work them out again, the work runs in the worker."""
    page = _worked_out(request, request.user.organisation, presenters.scorecards_page)
    return page if not isinstance(page, dict) else render(request, "quality/scorecards.html", page)


@permission_required(Permission.QUALITY_READ)
def scorecard(request, provider_id: int):
    provider = brokerage.provider_get(pk=provider_id)

    def page(**kwargs):
        return presenters.scorecard_page(provider=provider, **kwargs)

    found = _worked_out(request, request.user.organisation, page)
    return found if not isinstance(found, dict) else render(request, "quality/scorecard.html", {"own": False, **found})


@permission_required(Permission.QUALITY_RESPOND)
def own_scorecard(request):
    """The provider's own scorecard with one council it works with (the first, or the one chosen)."""
    provider = request.user.organisation
    councils = presenters.councils_of(provider=provider)
    chosen = request.GET.get("council")
    pk = int(chosen) if chosen and chosen.isdigit() and int(chosen) in councils else next(iter(councils), None)
    if pk is None:
        return render(request, "quality/scorecard.html", {"own": True, "councils": {}, "card": None})
    from caremarket.accounts.selectors import council_get

    page = presenters.scorecard_page(council=council_get(pk=pk), provider=provider, months=request.GET.get("months"))
    return render(request, "quality/scorecard.html", {"own": True, "councils": councils, **page})
