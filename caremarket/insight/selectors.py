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


def service_of(*, council, key):
    """One of the council's services, by id (its own pages) or code (the public address)."""
    from django.http import Http404

    from caremarket.reference.models import ServiceType

    found = ServiceType.objects.for_organisation(council)
    found = found.filter(pk=key) if str(key).isdigit() else found.filter(code=key)
    service = found.first()
    if service is None:
        raise Http404("No such service")
    return service


def statements_published(*, council):
    """The newest statement of each service the council has published one for."""
    from .models import PositionStatement

    newest = {}
    for statement in PositionStatement.objects.for_organisation(council).select_related("service_type"):
        newest.setdefault(statement.service_type_id, statement)
    return sorted(newest.values(), key=lambda s: s.service_type.name)
