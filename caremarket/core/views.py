from __future__ import annotations

import json

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import render

from caremarket.domain.roles import Permission

from . import selectors
from .forms import AuditFilterForm
from .permissions import permission_required
from .spreadsheets import SafeWriter


def accessibility(request):
    from django.conf import settings

    return render(
        request,
        "core/accessibility.html",
        {
            "contact": settings.CAREMARKET_ACCESSIBILITY_CONTACT,
            "session_minutes": settings.SESSION_COOKIE_AGE // 60,
        },
    )


def _audit_filters(request):
    organisation = request.user.organisation
    form = AuditFilterForm(request.GET or None, object_types=selectors.audit_object_types(organisation=organisation))
    filters = selectors.AuditFilter()
    if form.is_bound and form.is_valid():
        filters = selectors.AuditFilter(
            **{k: v or ("" if k in {"action", "object_type", "actor"} else None) for k, v in form.cleaned_data.items()}
        )
    return form, filters


@permission_required(Permission.AUDIT_READ)
def audit_list(request):
    form, filters = _audit_filters(request)
    events = selectors.audit_event_list(organisation=request.user.organisation, filters=filters).select_related("actor")
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "core/audit_list.html", {"form": form, "page": page, "query": query.urlencode()})


class _Echo:
    def write(self, value):
        return value


@permission_required(Permission.AUDIT_READ)
def audit_export(request):
    _, filters = _audit_filters(request)
    events = selectors.audit_event_list(organisation=request.user.organisation, filters=filters).order_by(
        "occurred_at", "id"
    )
    writer = SafeWriter(_Echo())
    header = [
        "id",
        "occurred_at",
        "actor",
        "action",
        "object_type",
        "object_id",
        "object",
        "before",
        "after",
        "reason",
        "ip_address",
        "request_id",
    ]

    def rows():
        yield writer.writerow(header)
        for e in events.iterator(chunk_size=500):
            yield writer.writerow(
                [
                    e.pk,
                    e.occurred_at.isoformat(timespec="microseconds"),
                    e.actor_label,
                    e.action,
                    e.object_type,
                    e.object_id,
                    e.object_repr,
                    json.dumps(e.before, sort_keys=True) if e.before is not None else "",
                    json.dumps(e.after, sort_keys=True) if e.after is not None else "",
                    e.reason,
                    e.ip_address or "",
                    e.request_id,
                ]
            )

    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="audit-log.csv"'
    return response


@login_required
def job_detail(request, pk: int):
    """How far a piece of long work has got; the page refreshes until it is done, then says what it did."""
    from .jobs import job_get

    job = job_get(organisation=request.user.organisation, pk=pk)
    return render(request, "core/job.html", {"job": job})


def _error_page(request, status: int, title: str, message: str) -> HttpResponse:
    return render(request, "core/error.html", {"title": title, "message": message}, status=status)


def forbidden(request, exception=None):
    message = str(exception) if exception and str(exception) else "You do not have permission to see this page."
    return _error_page(request, 403, "You do not have permission", message)


def not_found(request, exception=None):
    return _error_page(
        request,
        404,
        "Page not found",
        "If you typed the web address, check it is correct. Records of other organisations are not shown.",
    )


def server_error(request):
    return _error_page(request, 500, "Sorry, there is a problem with the service", "Try again later.")
