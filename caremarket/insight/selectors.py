from __future__ import annotations

from caremarket.core.tenancy import get_for_organisation_or_404

from .models import HistoryImport


def placement_of(*, council, pk):
    from caremarket.brokerage.models import Placement

    return get_for_organisation_or_404(
        Placement.objects.select_related("request", "service_type", "area"), council, pk=pk
    )


def history_get(*, council, pk) -> HistoryImport:
    return get_for_organisation_or_404(HistoryImport.objects.all(), council, pk=pk)
