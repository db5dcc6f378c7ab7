from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from caremarket.core.errors import ServiceError
from caremarket.core.govuk import (
    FAILED,
    answers_to_check,
    bound,
    check_answers,
    check_page,
    confirmed,
    submit,
    submit_checked,
)
from caremarket.core.pages import paginate
from caremarket.core.permissions import has_permission, permission_required
from caremarket.core.spreadsheets import SafeWriter
from caremarket.domain.roles import Permission
from caremarket.reference import selectors as reference

from . import competitions, forms, placements, presenters, selectors, services, sourcing


@permission_required(Permission.BROKERAGE_READ)
def queue(request):
    council = request.user.organisation
    form = forms.QueueFilterForm(
        request.GET or None,
        areas=reference.area_list(council=council, active_only=True),
        service_types=reference.service_type_list(council=council, active_only=True),
    )
    filters = form.cleaned_data if form.is_bound and form.is_valid() else {}
    page, query = paginate(
        request,
        selectors.work_queue(council=council, user=request.user, **{k: v for k, v in filters.items() if v}),
    )
    return render(
        request,
        "brokerage/queue.html",
        {
            "form": form,
            "page": page,
            "rows": selectors.with_ages(page.object_list),
            "query": query,
            "counts": selectors.queue_counts(council=council),
        },
    )


@permission_required(Permission.BROKERAGE_READ)
def people(request):
    search = request.GET.get("q", "").strip()
    return render(
        request,
        "brokerage/people.html",
        {
            "people": selectors.person_list(council=request.user.organisation, search=search)[:100] if search else [],
            "search": search,
        },
    )


@permission_required(Permission.REQUESTS_CREATE)
def person_create(request):
    """Add a person; one who looks already recorded (same name, date of birth and postcode) is shown first, with
    the choice to use that record or to add someone new."""
    council = request.user.organisation
    form = forms.PersonForm(bound(request))
    different = request.POST.get("duplicate_ok") == "yes"
    if request.method == "POST" and form.is_valid() and not different:
        data = form.cleaned_data
        matches = selectors.person_matches(
            council=council,
            given_name=data["given_name"],
            family_name=data["family_name"],
            date_of_birth=data["date_of_birth"],
            postcode=data["postcode"],
        )
        if matches.exists():
            return render(request, "brokerage/person_duplicate.html", {"form": form, "matches": matches[:5]})
    person = submit(
        request,
        form,
        lambda data: services.person_create(council=council, actor=request.user, duplicate_ok=different, **data),
    )
    if person is not FAILED:
        messages.success(request, f"Added {person}")
        return redirect("brokerage:person", pk=person.pk)
    return render(request, "brokerage/person_form.html", {"form": form})


@permission_required(Permission.BROKERAGE_READ)
def person_detail(request, pk: int):
    person = selectors.person_get(council=request.user.organisation, pk=pk)
    services.person_viewed(person=person, viewer=request.user)
    return render(request, "brokerage/person.html", {"person": person, "requests": person.requests.all()})


@permission_required(Permission.AUDIT_READ)
def record_views(request):
    """Who opened a person's record: the council's answer to a subject access request, by the person's reference."""
    council = request.user.organisation
    form = forms.RecordViewsForm(request.GET or None)
    person = views = None
    if form.is_bound and form.is_valid():
        person = selectors.person_find(council=council, pk=form.cleaned_data["person"])
        if person is None:
            form.add_error("person", "There is no person with this reference in your council")
        else:
            views = selectors.person_record_views(council=council, person=person)[:500]
    return render(request, "brokerage/record_views.html", {"form": form, "person": person, "views": views})


@permission_required(Permission.REQUESTS_CREATE)
def request_create(request, pk: int):
    council = request.user.organisation
    person = selectors.person_get(council=council, pk=pk)
    form = forms.CareRequestForm(
        bound(request),
        service_types=reference.service_type_list(council=council, active_only=True),
        need_levels=reference.need_level_list(council=council).filter(is_active=True),
        areas=reference.area_list(council=council, active_only=True),
    )
    if answers_to_check(request, form):
        return check_answers(
            request,
            form,
            heading="Check the request before you record it",
            caption=f"{person}, {person.postcode}",
            action=reverse("brokerage:request-create", args=[person.pk]),
            button="Record the request",
            back=reverse("brokerage:person", args=[person.pk]),
        )
    care_request = submit_checked(
        request,
        form,
        lambda data: services.care_request_create(
            council=council,
            actor=request.user,
            person=person,
            **{**data, "need_level": int(data["need_level"]) if data["need_level"] else None},
        ),
    )
    if care_request is not FAILED:
        messages.success(
            request,
            "Request recorded"
            + (
                ": a team leader must approve it before providers are approached"
                if care_request.requires_approval
                else ""
            ),
        )
        return redirect("brokerage:request", pk=care_request.pk)
    return render(request, "brokerage/request_form.html", {"form": form, "person": person})


def _request_page(request, care_request, status: int = 200, **forms_):
    """The request page, with any action's form bound and showing its errors."""
    council = request.user.organisation
    context = presenters.request_page(user=request.user, care_request=care_request) | {
        "form": forms_.get("form") or forms.NoteForm(),
        "competition_form": forms_.get("competition_form")
        or forms.CompetitionForm(initial={"price_unit": competitions.default_unit(care_request)}),
        "spot_form": forms_.get("spot_form") or _spot_form(council, None),
        "cancel_form": forms_.get("cancel_form") or forms.CancelRequestForm(),
    }
    services.person_viewed(person=care_request.person, viewer=request.user, what=f"care request {care_request.pk}")
    return render(request, "brokerage/request.html", context, status=status)


def _spot_form(council, data):
    return forms.SpotPurchaseForm(
        data,
        providers=selectors.provider_list(),
        reason_codes=selectors.reason_codes(council=council, kind="spot-purchase"),
    )


@permission_required(Permission.BROKERAGE_READ)
def request_detail(request, pk: int):
    care_request = selectors.request_get(council=request.user.organisation, pk=pk)
    form = forms.NoteForm(bound(request))
    if request.method == "POST" and has_permission(request.user, Permission.REQUESTS_APPROVE):
        done = submit(
            request,
            form,
            lambda data: services.care_request_approve(request=care_request, actor=request.user, note=data["note"]),
        )
        if done is not FAILED:
            messages.success(request, "Approved: the request is now being sourced")
            return redirect("brokerage:request", pk=pk)
    return _request_page(request, care_request, form=form)


@require_POST
@permission_required(Permission.SOURCING_RUN)
def request_owner(request, pk: int):
    """Take the request, take it over from another broker, or give it back to the queue."""
    care_request = selectors.request_get(council=request.user.organisation, pk=pk)
    action = request.POST.get("action", "")
    try:
        if action == "release":
            services.care_request_release(request=care_request, actor=request.user)
            messages.success(request, f"Request {care_request.reference} is back in the queue")
        else:
            services.care_request_take(request=care_request, actor=request.user, take_over=action == "take-over")
            messages.success(request, f"Request {care_request.reference} is yours to work")
    except ServiceError as exc:
        messages.error(request, str(exc))
    return redirect("brokerage:request", pk=pk)


@require_POST
@permission_required(Permission.REQUESTS_CREATE)
def request_cancel(request, pk: int):
    care_request = selectors.request_get(council=request.user.organisation, pk=pk)
    form = forms.CancelRequestForm(request.POST)
    done = submit(
        request,
        form,
        lambda data: services.care_request_cancel(request=care_request, actor=request.user, reason=data["reason"]),
    )
    if done is FAILED:
        return _request_page(request, care_request, status=400, cancel_form=form)
    messages.success(request, f"Request {done.reference} cancelled")
    return redirect("brokerage:request", pk=pk)


@require_POST
@permission_required(Permission.SOURCING_RUN)
def request_compete(request, pk: int):
    care_request = selectors.request_get(council=request.user.organisation, pk=pk)
    form = forms.CompetitionForm(request.POST)
    competition = submit(
        request,
        form,
        lambda data: competitions.competition_publish(request=care_request, actor=request.user, **data),
    )
    if competition is FAILED:
        return _request_page(request, care_request, status=400, competition_form=form)
    messages.success(
        request,
        f"Published to {competition.invitations.count()} providers; offers are sealed until "
        f"{timezone.localtime(competition.closes_at):%H:%M on %-d %B %Y}",
    )
    return redirect("brokerage:competition", pk=competition.pk)


@require_POST
@permission_required(Permission.SOURCING_RUN)
def request_spot(request, pk: int):
    council = request.user.organisation
    care_request = selectors.request_get(council=council, pk=pk)
    form = _spot_form(council, request.POST)
    placement = submit(
        request,
        form,
        lambda data: placements.spot_purchase(
            request=care_request,
            actor=request.user,
            provider=selectors.provider_get(pk=data.pop("provider")),
            **data,
        ),
    )
    if placement is FAILED:
        return _request_page(request, care_request, status=400, spot_form=form)
    messages.success(request, f"Spot purchase recorded with {placement.provider.name}")
    return redirect("brokerage:placement", pk=placement.pk)


@require_POST
@permission_required(Permission.SOURCING_RUN)
def request_in_house(request, pk: int):
    council = request.user.organisation
    care_request = selectors.request_get(council=council, pk=pk)
    service = selectors.in_house_service_get(council=council, pk=request.POST.get("provider"))
    try:
        placement = placements.in_house_place(request=care_request, provider=service, actor=request.user)
    except ServiceError as exc:
        messages.error(request, str(exc))
        return redirect("brokerage:request", pk=pk)
    messages.success(request, f"Placed with {placement.provider.name}")
    return redirect("brokerage:placement", pk=placement.pk)


@require_POST
@permission_required(Permission.SOURCING_RUN)
def request_block(request, pk: int):
    council = request.user.organisation
    care_request = selectors.request_get(council=council, pk=pk)
    admission = selectors.block_admission_get(council=council, pk=request.POST.get("admission"))
    try:
        placement = placements.block_place(request=care_request, admission=admission, actor=request.user)
    except ServiceError as exc:
        messages.error(request, str(exc))
        return redirect("brokerage:request", pk=pk)
    messages.success(request, f"Placed in the block vacancy with {placement.provider.name}")
    return redirect("brokerage:placement", pk=placement.pk)


@require_POST
@permission_required(Permission.SOURCING_RUN)
def request_source(request, pk: int):
    care_request = selectors.request_get(council=request.user.organisation, pk=pk)
    try:
        offered = sourcing.sourcing_start(request=care_request, actor=request.user)
    except ServiceError as exc:
        messages.error(request, str(exc))
    else:
        if offered:
            deadline = timezone.localtime(offered[0].deadline_at)
            messages.success(
                request,
                f"Offered to {', '.join(r.provider.name for r in offered)} ({offered[0].step});"
                f" they have until {deadline:%H:%M on %-d %B} to answer",
            )
        else:
            messages.success(request, "No eligible provider: the request is unsourced")
    return redirect("brokerage:request", pk=pk)


def _competition_page(request, competition, status: int = 200, **forms_):
    context = presenters.competition_page(user=request.user, competition=competition)
    offers = context["offers"]
    context |= {
        "score_form": forms_.get("score_form") or forms.ScoreForm(offers=offers),
        "award_form": forms_.get("award_form") or forms.AwardForm(offers=offers if context["scored"] else []),
        "no_award_form": forms_.get("no_award_form") or forms.ReasonForm(),
    }
    return render(request, "brokerage/competition.html", context, status=status)


@permission_required(Permission.BROKERAGE_READ)
def competition_detail(request, pk: int):
    return _competition_page(request, selectors.competition_get(council=request.user.organisation, pk=pk))


@permission_required(Permission.BROKERAGE_READ)
def competition_offers(request, pk: int):
    """The offers in full; before the closing time this refuses, and the attempt is audited."""
    competition = selectors.competition_get(council=request.user.organisation, pk=pk)
    try:
        competitions.offers_for_council(competition=competition, actor=request.user, route="page")
    except competitions.SealedError as exc:
        raise PermissionDenied(str(exc)) from exc
    return redirect("brokerage:competition", pk=pk)


@permission_required(Permission.BROKERAGE_READ)
def competition_export(request, pk: int):
    competition = selectors.competition_get(council=request.user.organisation, pk=pk)
    try:
        offers = competitions.offers_for_council(competition=competition, actor=request.user, route="export")
    except competitions.SealedError as exc:
        raise PermissionDenied(str(exc)) from exc
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="competition-{competition.pk}-offers.csv"'
    writer = SafeWriter(response)
    writer.writerow(
        ["provider", "price", "price_unit", "earliest_start_on", "how_outcomes_met", "submitted_at", "quality_score"]
        + ["price_score", "total_score", "rank", "unusually_low"]
    )
    for o in offers:
        writer.writerow(
            [o.provider.name, o.price, competition.price_unit, o.earliest_start_on, o.how_outcomes_met]
            + [o.submitted_at.isoformat(), o.quality_score, o.price_score, o.total_score, o.rank, o.low_price]
        )
    return response


@require_POST
@permission_required(Permission.SOURCING_RUN)
def competition_score(request, pk: int):
    competition = selectors.competition_get(council=request.user.organisation, pk=pk)
    try:
        offers = list(competitions.offers_for_council(competition=competition, actor=request.user, route="page"))
    except competitions.SealedError as exc:
        raise PermissionDenied(str(exc)) from exc
    form = forms.ScoreForm(request.POST, offers=offers)
    done = submit(
        request,
        form,
        lambda data: competitions.competition_score(
            competition=competition, actor=request.user, quality=form.scores()[0], comments=form.scores()[1]
        ),
    )
    if done is FAILED:
        return _competition_page(request, competition, status=400, score_form=form)
    messages.success(request, "Scored: the offers are ranked below")
    return redirect("brokerage:competition", pk=pk)


@require_POST
@permission_required(Permission.SOURCING_RUN)
def competition_award(request, pk: int):
    competition = selectors.competition_get(council=request.user.organisation, pk=pk)
    try:
        offers = list(competitions.offers_for_council(competition=competition, actor=request.user, route="page"))
    except competitions.SealedError as exc:
        raise PermissionDenied(str(exc)) from exc
    form = forms.AwardForm(request.POST, offers=offers)
    if form.is_valid() and not confirmed(request):
        chosen = next(o for o in offers if str(o.pk) == form.cleaned_data["offer"])
        return check_page(request, form, **presenters.award_check(competition=competition, offer=chosen, offers=offers))
    placement = submit(
        request,
        form,
        lambda data: competitions.competition_award(
            competition=competition,
            offer=next(o for o in offers if str(o.pk) == data["offer"]),
            actor=request.user,
            reason=data["reason"],
        ),
    )
    if placement is FAILED:
        return _competition_page(request, competition, status=400, award_form=form)
    messages.success(request, f"Awarded to {placement.provider.name}")
    return redirect("brokerage:placement", pk=placement.pk)


@require_POST
@permission_required(Permission.SOURCING_RUN)
def competition_no_award(request, pk: int):
    competition = selectors.competition_get(council=request.user.organisation, pk=pk)
    form = forms.ReasonForm(request.POST)
    done = submit(
        request,
        form,
        lambda data: competitions.competition_no_award(
            competition=competition, actor=request.user, reason=data["reason"]
        ),
    )
    if done is FAILED:
        return _competition_page(request, competition, status=400, no_award_form=form)
    messages.success(request, "Not awarded: the request is unsourced")
    return redirect("brokerage:request", pk=competition.request_id)


@permission_required(Permission.BROKERAGE_READ)
def placement_list(request):
    council = request.user.organisation
    spot_only = request.GET.get("route") == "spot"
    page, query = paginate(request, placements.placement_list(council=council, spot_only=spot_only))
    return render(
        request,
        "brokerage/placements.html",
        {
            "placements": page.object_list,
            "page": page,
            "query": query,
            "spot_only": spot_only,
            "spot_count": placements.placement_list(council=council, spot_only=True).count(),
            "total": placements.placement_list(council=council).count(),
        },
    )


def _placement_page(request, placement, status: int = 200, **forms_):
    council = request.user.organisation
    need_levels = selectors.need_levels(council=council, service_type=placement.service_type)
    context = presenters.placement_page(user=request.user, placement=placement) | {
        "vary_form": forms_.get("vary_form") or forms.VaryForm(need_levels=need_levels),
        "hospital_form": forms_.get("hospital_form") or forms.HospitalForm(),
        "end_form": forms_.get("end_form")
        or forms.EndForm(reason_codes=selectors.reason_codes(council=council, kind="ending")),
    }
    services.person_viewed(person=placement.person, viewer=request.user, what=f"placement {placement.pk}")
    return render(request, "brokerage/placement.html", context, status=status)


@permission_required(Permission.BROKERAGE_READ)
def placement_detail(request, pk: int):
    return _placement_page(request, selectors.placement_get(council=request.user.organisation, pk=pk))


@require_POST
@permission_required(Permission.PLACEMENTS_MANAGE)
def placement_vary(request, pk: int):
    council = request.user.organisation
    placement = selectors.placement_get(council=council, pk=pk)
    form = forms.VaryForm(
        request.POST, need_levels=selectors.need_levels(council=council, service_type=placement.service_type)
    )
    done = submit(
        request,
        form,
        lambda data: placements.placement_vary(
            placement=placement,
            actor=request.user,
            **{**data, "need_level": int(data["need_level"]) if data["need_level"] else None},
        ),
    )
    if done is FAILED:
        return _placement_page(request, placement, status=400, vary_form=form)
    messages.success(request, f"Varied from {done.starts_on:%-d %B %Y}; the earlier terms are kept")
    return redirect("brokerage:placement", pk=pk)


@require_POST
@permission_required(Permission.PLACEMENTS_MANAGE)
def placement_hospital(request, pk: int):
    placement = selectors.placement_get(council=request.user.organisation, pk=pk)
    form = forms.HospitalForm(request.POST)
    in_hospital = placement.hospital_stays.filter(discharged_on__isnull=True).exists()
    done = submit(
        request,
        form,
        lambda data: (
            placements.hospital_discharge(placement=placement, actor=request.user, discharged_on=data["on"])
            if in_hospital
            else placements.hospital_admit(
                placement=placement, actor=request.user, admitted_on=data["on"], unplanned=data["unplanned"]
            )
        ),
    )
    if done is FAILED:
        return _placement_page(request, placement, status=400, hospital_form=form)
    messages.success(
        request, "Discharge recorded" if in_hospital else "Hospital stay recorded: the placement is suspended"
    )
    return redirect("brokerage:placement", pk=pk)


@require_POST
@permission_required(Permission.PLACEMENTS_MANAGE)
def placement_end(request, pk: int):
    council = request.user.organisation
    placement = selectors.placement_get(council=council, pk=pk)
    form = forms.EndForm(request.POST, reason_codes=selectors.reason_codes(council=council, kind="ending"))
    done = submit(request, form, lambda data: placements.placement_end(placement=placement, actor=request.user, **data))
    if done is FAILED:
        return _placement_page(request, placement, status=400, end_form=form)
    messages.success(request, "The placement has ended")
    return redirect("brokerage:placement", pk=pk)


@permission_required(Permission.PLACEMENTS_MANAGE)
def provider_failure(request):
    council = request.user.organisation
    form = forms.ProviderFailureForm(
        bound(request),
        providers=selectors.providers_with_placements(council=council),
        reason_codes=selectors.reason_codes(council=council, kind="ending"),
    )
    if request.method == "POST" and form.is_valid() and not confirmed(request):
        provider = selectors.provider_get(pk=form.cleaned_data["provider"])
        return check_page(
            request,
            form,
            **presenters.provider_failure_check(
                council=council, provider=provider, ends_on=form.cleaned_data["ends_on"]
            ),
        )
    created = submit(
        request,
        form,
        lambda data: placements.provider_placements_resource(
            council=council,
            actor=request.user,
            provider=selectors.provider_get(pk=data["provider"]),
            ends_on=data["ends_on"],
            reason_code=data["reason_code"],
        ),
    )
    if created is not FAILED:
        messages.success(request, f"{len(created)} placements ended and their people put back into sourcing")
        return redirect(reverse("brokerage:queue") + "?status=sourcing")
    return render(request, "brokerage/provider_failure.html", {"form": form})


@permission_required(Permission.BROKERAGE_SETTINGS)
def brokerage_settings(request):
    council = request.user.organisation
    form = forms.EscalationForm(
        bound(request),
        initial={
            "hours": council.escalate_unsourced_after_hours,
            "provider_access_days": council.provider_access_days,
        },
    )
    done = submit(request, form, lambda data: services.escalation_set(council=council, actor=request.user, **data))
    if done is not FAILED:
        messages.success(request, f"Unsourced requests are escalated after {done.escalate_unsourced_after_hours} hours")
        return redirect("brokerage:settings")
    return render(request, "brokerage/settings.html", {"form": form})


@permission_required(Permission.PLACEMENTS_MANAGE)
def carry_over(request):
    """Continuity (seed 001): people keep their provider when a new arrangement starts, if it is on it."""
    council = request.user.organisation
    form = forms.CarryOverForm(bound(request), arrangements=selectors.live_arrangements(council=council))
    result = submit(
        request,
        form,
        lambda data: placements.placements_carry_over(
            arrangement=selectors.live_arrangements(council=council).get(pk=data["arrangement"]),
            actor=request.user,
            starts_on=data["starts_on"],
        ),
    )
    if result is not FAILED:
        carried, left = result
        return render(request, "brokerage/carry_over.html", {"form": form, "carried": carried, "left": left})
    return render(request, "brokerage/carry_over.html", {"form": form})
