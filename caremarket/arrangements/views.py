from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone

from caremarket.core.govuk import FAILED, bound, submit
from caremarket.core.permissions import has_permission, permission_required
from caremarket.domain import arrangements as rules
from caremarket.domain.roles import Permission
from caremarket.reference import selectors as reference

from . import forms, selectors, services

EDITABLE_FIELDS = list(forms.ArrangementForm.base_fields)


@permission_required(Permission.ARRANGEMENTS_READ)
def arrangement_list(request):
    status = request.GET.get("status", "")
    arrangements = selectors.arrangement_list(council=request.user.organisation, status=status)
    return render(
        request,
        "arrangements/list.html",
        {
            "arrangements": arrangements,
            "status": status,
            "statuses": rules.STATUS_LABELS,
            "can_manage": has_permission(request.user, Permission.ARRANGEMENTS_MANAGE),
        },
    )


@permission_required(Permission.ARRANGEMENTS_MANAGE)
def arrangement_create(request):
    form = forms.ArrangementForm(bound(request))
    arrangement = submit(
        request,
        form,
        lambda data: services.arrangement_create(council=request.user.organisation, actor=request.user, **data),
    )
    if arrangement is not FAILED:
        messages.success(request, f"Created {arrangement.reference} as a draft. Add its lots, then open it.")
        return redirect("arrangements:detail", pk=arrangement.pk)
    return render(request, "arrangements/form.html", {"form": form, "arrangement": None})


@permission_required(Permission.ARRANGEMENTS_READ)
def arrangement_detail(request, pk: int):
    arrangement = selectors.arrangement_get(council=request.user.organisation, pk=pk)
    now = timezone.now()
    return render(
        request,
        "arrangements/detail.html",
        {
            "arrangement": arrangement,
            "accepts": selectors.accepts_applications(arrangement, now),
            "open_window": selectors.open_window(arrangement, now),
            "why_closed": rules.why_closed(arrangement.mechanism_enum, arrangement.status_enum),
            "notices": selectors.notices(arrangement),
            "can_manage": has_permission(request.user, Permission.ARRANGEMENTS_MANAGE),
            "windowed": arrangement.mechanism_enum in rules.WINDOWED,
            "ended": arrangement.status_enum in {rules.Status.EXPIRED, rules.Status.TERMINATED},
            "mechanism_label": rules.MECHANISM_LABELS[arrangement.mechanism_enum],
            "regime_label": rules.REGIME_LABELS[rules.Regime(arrangement.regime)],
            "status_label": rules.STATUS_LABELS[arrangement.status_enum],
            "now": now,
        },
    )


@permission_required(Permission.ARRANGEMENTS_MANAGE)
def arrangement_edit(request, pk: int):
    arrangement = selectors.arrangement_get(council=request.user.organisation, pk=pk)
    initial = {name: getattr(arrangement, name) for name in EDITABLE_FIELDS}
    form = forms.ArrangementForm(bound(request), initial=initial)
    if arrangement.status_enum not in {rules.Status.DRAFT, rules.Status.OPEN, rules.Status.EVALUATING}:
        for name in EDITABLE_FIELDS:
            if name not in rules.EDITABLE_WHEN_LIVE:
                del form.fields[name]
    result = submit(
        request, form, lambda data: services.arrangement_update(arrangement=arrangement, actor=request.user, **data)
    )
    if result is not FAILED:
        messages.success(request, f"Saved {arrangement.reference}")
        return redirect("arrangements:detail", pk=arrangement.pk)
    return render(request, "arrangements/form.html", {"form": form, "arrangement": arrangement})


@permission_required(Permission.ARRANGEMENTS_MANAGE)
def arrangement_status(request, pk: int):
    arrangement = selectors.arrangement_get(council=request.user.organisation, pk=pk)
    needs_closing = (
        arrangement.status_enum == rules.Status.DRAFT and arrangement.mechanism_enum not in rules.ALWAYS_OPEN
    )
    form = forms.TransitionForm(bound(request), current=arrangement.status_enum, needs_closing=needs_closing)
    result = submit(
        request,
        form,
        lambda data: services.arrangement_transition(
            arrangement=arrangement,
            actor=request.user,
            to_status=data["to_status"],
            reason=data["reason"],
            closes_at=data.get("closes_at"),
        ),
    )
    if result is not FAILED:
        messages.success(request, f"{arrangement.reference} is now {rules.STATUS_LABELS[result.status_enum].lower()}")
        return redirect("arrangements:detail", pk=arrangement.pk)
    return render(request, "arrangements/status.html", {"form": form, "arrangement": arrangement})


@permission_required(Permission.ARRANGEMENTS_MANAGE)
def lot_create(request, pk: int):
    council = request.user.organisation
    arrangement = selectors.arrangement_get(council=council, pk=pk)
    form = forms.LotForm(
        bound(request),
        service_types=reference.service_type_list(council=council, active_only=True),
        areas=reference.area_list(council=council, active_only=True),
        need_levels=reference.need_level_list(council=council).filter(is_active=True),
    )
    lot = submit(request, form, lambda data: services.lot_create(arrangement=arrangement, actor=request.user, **data))
    if lot is not FAILED:
        messages.success(request, f"Added lot {lot.number}: {lot.title}")
        return redirect("arrangements:detail", pk=arrangement.pk)
    return render(request, "arrangements/lot_form.html", {"form": form, "arrangement": arrangement})


@permission_required(Permission.ARRANGEMENTS_MANAGE)
def window_create(request, pk: int):
    arrangement = selectors.arrangement_get(council=request.user.organisation, pk=pk)
    form = forms.WindowForm(bound(request))
    window = submit(
        request, form, lambda data: services.window_open(arrangement=arrangement, actor=request.user, **data)
    )
    if window is not FAILED:
        messages.success(request, f"Applications are open until {timezone.localtime(window.closes_at):%-d %B %Y %H:%M}")
        return redirect("arrangements:detail", pk=arrangement.pk)
    return render(request, "arrangements/window_form.html", {"form": form, "arrangement": arrangement})
