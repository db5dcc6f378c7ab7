"""Quality pages: KPIs computed from the record, each figure opening the records behind it."""

from __future__ import annotations

from django.shortcuts import render

from caremarket.brokerage import selectors as brokerage
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
    return render(request, "quality/not_accepted.html", page)
