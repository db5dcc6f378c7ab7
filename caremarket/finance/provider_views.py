"""The provider's side: record what was delivered (form or upload) and read remittances."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render

from caremarket.core.govuk import FAILED, bound, bound_files, submit
from caremarket.core.models import Job
from caremarket.core.permissions import permission_required, signed_in_provider
from caremarket.domain.roles import Permission

from . import delivery, forms, presenters, selectors
from .views import _remittance


def _provider(request):
    return signed_in_provider(request, "Recording delivery")


@permission_required(Permission.DELIVERY_RECORD)
def index(request):
    provider = _provider(request)
    placements = selectors.provider_placements(provider=provider)
    upload_form = forms.UploadForm(
        bound(request) if "file" in request.FILES or request.POST.get("action") == "upload" else None,
        bound_files(request),
    )
    record_form = forms.DeliveryForm(
        bound(request) if request.POST.get("action") == "record" else None, placements=placements
    )
    if request.POST.get("action") == "upload":
        upload = submit(
            request,
            upload_form,
            lambda data: delivery.deliveries_upload_start(
                provider=provider, actor=request.user, file_name=data["file"].name, content=data["file"].read()
            ),
        )
        if isinstance(upload, Job):  # a large file: checked in the worker, its progress on the job's page
            return redirect("core:job", pk=upload.pk)
        if upload is not FAILED:
            return redirect("delivery:upload", pk=upload.pk)
    if request.POST.get("action") == "record":
        made = submit(
            request, record_form, lambda data: delivery.delivery_record(provider=provider, actor=request.user, **data)
        )
        if made is not FAILED:
            messages.success(request, f"Recorded for placement {made.placement_id} on {made.day:%-d %B %Y}")
            return redirect("delivery:index")
    return render(
        request,
        "finance/provider/index.html",
        {
            "upload_form": upload_form,
            "record_form": record_form,
            **presenters.delivery_page(provider=provider, placements=placements),
        },
    )


@permission_required(Permission.DELIVERY_RECORD)
def upload_detail(request, pk: int):
    upload = selectors.upload_get(provider=_provider(request), pk=pk)
    return render(
        request,
        "finance/provider/upload.html",
        {"upload_form": forms.UploadForm(), **presenters.upload_page(upload=upload)},
    )


@permission_required(Permission.DELIVERY_RECORD)
def template(request, fmt: str):
    """The template for a month (?month=2026-10), pre-filled with the provider's placements and planned visits."""
    provider = _provider(request)
    start, end = delivery.period_of(request.GET.get("month"))
    if fmt == "xlsx":
        response = HttpResponse(
            delivery.template_xlsx(provider=provider, start=start, end=end),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    else:
        response = HttpResponse(
            delivery.template_csv(provider=provider, start=start, end=end), content_type="text/csv; charset=utf-8"
        )
    response["Content-Disposition"] = f'attachment; filename="delivery-{start:%Y-%m}.{fmt}"'
    return response


@permission_required(Permission.DELIVERY_RECORD)
def remittance(request, run_id: int):
    provider = _provider(request)
    run = selectors.provider_remittance(provider=provider, run_id=run_id)
    return _remittance(request, run, provider.pk, request.GET.get("format", ""), for_provider=True)
