"""The provider's side: arrangements open to applications, its own applications and its feedback letters."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render

from caremarket.core.errors import ServiceError
from caremarket.core.govuk import FAILED, apply_service_errors, attachment, bound, bound_files, submit
from caremarket.core.permissions import organisation_required, permission_required, signed_in_provider
from caremarket.domain.lifecycles import APPLICATION
from caremarket.domain.roles import Permission

from . import admissions, applications, forms, selectors


def _provider(request):
    return signed_in_provider(request, "Applying to an arrangement")


@organisation_required
def opportunity_list(request):
    _provider(request)
    return render(request, "arrangements/provider/opportunities.html", {"arrangements": selectors.open_to_providers()})


@organisation_required
def application_list(request):
    provider = _provider(request)
    return render(
        request,
        "arrangements/provider/applications.html",
        {
            "applications": selectors.application_list_for_provider(provider=provider),
            "admissions": selectors.admissions_of_provider(provider=provider),
        },
    )


@permission_required(Permission.APPLICATIONS_MANAGE)
def application_start(request, arrangement_pk: int):
    """A new application's form; the application exists only once its first save succeeds."""
    provider = _provider(request)
    try:
        arrangement = selectors.arrangement_for_provider(pk=arrangement_pk)
    except ServiceError as exc:
        messages.error(request, str(exc))
        return redirect("applications:opportunities")
    existing = selectors.application_in_progress(provider=provider, arrangement=arrangement)
    if existing is not None:
        return redirect("applications:edit", pk=existing.pk)
    application = selectors.application_blank(provider=provider, arrangement=arrangement)
    return _application_page(
        request,
        application,
        lambda data: applications.application_start(
            arrangement=arrangement,
            provider=provider,
            actor=request.user,
            **forms.application_payload(application, data),
        ),
    )


@permission_required(Permission.APPLICATIONS_MANAGE)
def application_edit(request, pk: int):
    provider = _provider(request)
    application = selectors.application_get_for_provider(provider=provider, pk=pk)
    if not APPLICATION.is_in(application.status, "being_written"):
        return redirect("applications:view", pk=application.pk)
    return _application_page(
        request,
        application,
        lambda data: applications.application_save(
            application=application, actor=request.user, **forms.application_payload(application, data)
        ),
    )


def _application_page(request, application, save):
    """The application form: save the draft, then submit it when asked. A new application is saved (created) by
    its first successful save only."""
    form = forms.application_form(application, bound(request))
    saved = submit(request, form, save)
    if saved is not FAILED and request.POST.get("action") == "submit":
        try:
            applications.application_submit(application=saved, actor=request.user)
        except ServiceError as exc:
            # the draft is saved; what submission still needs is shown on it
            if application.pk is None:
                application, form = saved, forms.application_form(saved, request.POST)
                form.is_valid()
            apply_service_errors(form, exc.errors)
        else:
            messages.success(request, "Your application is submitted. It is locked and the council has it.")
            return redirect("applications:view", pk=saved.pk)
    elif saved is not FAILED:
        messages.success(request, "Draft saved")
        return redirect("applications:edit", pk=saved.pk)
    return render(
        request,
        "arrangements/provider/application_form.html",
        {"form": form, "application": application, "document_form": forms.DocumentForm() if application.pk else None},
    )


@permission_required(Permission.APPLICATIONS_MANAGE)
def document_add(request, pk: int):
    provider = _provider(request)
    application = selectors.application_get_for_provider(provider=provider, pk=pk)
    form = forms.DocumentForm(bound(request), bound_files(request))
    document = submit(
        request, form, lambda data: applications.document_add(application=application, actor=request.user, **data)
    )
    if document is not FAILED:
        messages.success(request, f"Uploaded {document.title}")
        return redirect("applications:edit", pk=application.pk)
    return render(request, "arrangements/provider/document_form.html", {"form": form, "application": application})


@organisation_required
def application_view(request, pk: int):
    provider = _provider(request)
    application = selectors.application_get_for_provider(provider=provider, pk=pk)
    return render(
        request,
        "arrangements/application_view.html",
        {
            "application": application,
            "viewer": "provider",
            "decision": getattr(application, "decision", None),
        },
    )


@permission_required(Permission.APPLICATIONS_MANAGE)
def application_withdraw(request, pk: int):
    provider = _provider(request)
    application = selectors.application_get_for_provider(provider=provider, pk=pk)
    form = forms.WithdrawApplicationForm(bound(request))
    done = submit(
        request,
        form,
        lambda data: applications.application_withdraw(application=application, actor=request.user, **data),
    )
    if done is not FAILED:
        messages.success(request, f"Your application to {application.arrangement.reference} is withdrawn")
        return redirect("applications:view", pk=pk)
    return render(
        request, "arrangements/provider/application_withdraw.html", {"form": form, "application": application}
    )


@permission_required(Permission.APPLICATIONS_MANAGE)
def admission_capacity(request, pk: int):
    provider = _provider(request)
    admission = selectors.admission_of_provider(provider=provider, pk=pk)
    form = forms.CapacityForm(bound(request), initial={"capacity": admission.capacity})
    done = submit(
        request,
        form,
        lambda data: admissions.admission_capacity_declare(
            admission=admission, actor=request.user, capacity=data["capacity"]
        ),
    )
    if done is not FAILED:
        messages.success(request, f"You can support {done.capacity} people under {admission.arrangement.reference}")
        return redirect("applications:list")
    return render(
        request,
        "arrangements/provider/admission_capacity.html",
        {"form": form, "admission": admission},
        status=400 if form.errors else 200,
    )


@organisation_required
def application_feedback(request, pk: int):
    provider = _provider(request)
    application = selectors.application_get_for_provider(provider=provider, pk=pk)
    decision = getattr(application, "decision", None)
    if decision is None:
        raise Http404("No decision yet")
    return render(
        request,
        "arrangements/feedback.html",
        {
            "application": application,
            "decision": decision,
            "scores": selectors.feedback_scores(application),
        },
    )


@organisation_required
def document_download(request, pk: int, document_pk: int):
    provider = _provider(request)
    application = selectors.application_get_for_provider(provider=provider, pk=pk)
    document = application.documents.filter(pk=document_pk).first()
    if document is None:
        raise Http404("No such document")
    return attachment(document.file)
