"""Complaints and compliments: one log for a council's quality officers and one for each provider."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from caremarket.core.errors import ServiceError
from caremarket.core.govuk import FAILED, submit
from caremarket.core.permissions import permission_required
from caremarket.domain.roles import Permission

from . import forms, monitoring, presenters, services

COMPLAINTS = Permission.COMPLAINTS


@permission_required(COMPLAINTS)
def complaints(request):
    page = presenters.complaints_page(organisation=request.user.organisation, kind=request.GET.get("kind"))
    return render(request, "quality/complaints.html", page)


def _new_form(request, data=None):
    organisation = request.user.organisation
    if organisation.is_provider:
        return forms.ComplaintForm(data, councils=presenters.councils_of(provider=organisation))
    return forms.ComplaintForm(data, providers=monitoring.providers_of(council=organisation))


@permission_required(COMPLAINTS)
def complaint_new(request):
    organisation = request.user.organisation
    form = _new_form(request, request.POST if request.method == "POST" else None)
    if request.method == "POST":
        done = submit(
            request,
            form,
            lambda d: services.complaint_log(**presenters.complaint_parties(organisation, d), actor=request.user),
        )
        if done is not FAILED:
            messages.success(request, f"{done.get_kind_display()} {done.reference} is logged")
            return redirect("quality:complaint", pk=done.pk)
    return render(request, "quality/complaint_new.html", {"form": form}, status=400 if form.is_bound else 200)


@permission_required(COMPLAINTS)
def complaint(request, pk: int):
    found = monitoring.complaint_get(organisation=request.user.organisation, pk=pk)
    return render(request, "quality/complaint.html", presenters.complaint_page(complaint=found, form=forms.CloseForm()))


@require_POST
@permission_required(COMPLAINTS)
def complaint_act(request, pk: int):
    organisation = request.user.organisation
    found = monitoring.complaint_get(organisation=organisation, pk=pk)
    if request.POST.get("action") == "acknowledge":
        try:
            services.complaint_acknowledge(complaint=found, organisation=organisation, actor=request.user)
        except ServiceError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, f"Complaint {found.reference} is acknowledged")
        return redirect("quality:complaint", pk=found.pk)
    form = forms.CloseForm(request.POST)
    done = submit(
        request,
        form,
        lambda d: services.complaint_close(
            complaint=found,
            organisation=organisation,
            actor=request.user,
            outcome=d["outcome"],
            response=d["response"],
            lessons=d["lessons"],
        ),
    )
    if done is FAILED:
        return render(
            request, "quality/complaint.html", presenters.complaint_page(complaint=found, form=form), status=400
        )
    messages.success(request, f"Complaint {found.reference} is closed")
    return redirect("quality:complaint", pk=found.pk)
