from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from caremarket.core.errors import ServiceError
from caremarket.core.govuk import FAILED, bound, submit
from caremarket.core.permissions import has_permission, permission_required
from caremarket.domain.roles import Permission
from caremarket.reference import selectors as reference

from . import forms, selectors, services, sourcing


@permission_required(Permission.BROKERAGE_READ)
def queue(request):
    council = request.user.organisation
    form = forms.QueueFilterForm(
        request.GET or None,
        areas=reference.area_list(council=council, active_only=True),
        service_types=reference.service_type_list(council=council, active_only=True),
    )
    filters = form.cleaned_data if form.is_bound and form.is_valid() else {}
    rows = selectors.work_queue(council=council, **{k: v for k, v in filters.items() if v})
    return render(
        request, "brokerage/queue.html", {"form": form, "rows": rows, "counts": selectors.queue_counts(council=council)}
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
    form = forms.PersonForm(bound(request))
    person = submit(
        request,
        form,
        lambda data: services.person_create(council=request.user.organisation, actor=request.user, **data),
    )
    if person is not FAILED:
        messages.success(request, f"Added {person}")
        return redirect("brokerage:person", pk=person.pk)
    return render(request, "brokerage/person_form.html", {"form": form})


@permission_required(Permission.BROKERAGE_READ)
def person_detail(request, pk: int):
    person = selectors.person_get(council=request.user.organisation, pk=pk)
    return render(request, "brokerage/person.html", {"person": person, "requests": person.requests.all()})


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
    care_request = submit(
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
    verdicts = selectors.request_eligibility(care_request)
    arrangement, steps = sourcing.plan(care_request) if care_request.status == "sourcing" else (None, [])
    referrals = care_request.referrals.select_related("provider", "decline_reason").order_by(
        "step_number", "provider__name"
    )
    return render(
        request,
        "brokerage/request.html",
        {
            "care_request": care_request,
            "referrals": referrals,
            "plan_arrangement": arrangement,
            "steps": steps,
            "can_source": has_permission(request.user, Permission.SOURCING_RUN)
            and care_request.status == "sourcing"
            and not referrals.exists()
            and bool(steps),
            "placement": getattr(care_request, "placement", None),
            "verdicts": verdicts,
            "form": form,
            "eligible": [v for v in verdicts if v.eligible],
            "ineligible": [v for v in verdicts if not v.eligible],
            "can_approve": has_permission(request.user, Permission.REQUESTS_APPROVE)
            and care_request.status == "awaiting-approval",
        },
    )


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
