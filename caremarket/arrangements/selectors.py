from __future__ import annotations

from django.db.models import Count, Prefetch
from django.utils import timezone

from caremarket.accounts.models import Organisation
from caremarket.core.tenancy import get_for_organisation_or_404
from caremarket.domain import arrangements as rules

from .models import ApplicationWindow, Arrangement, Lot


def arrangement_list(*, council: Organisation, status: str = ""):
    qs = Arrangement.objects.for_organisation(council).annotate(lot_count=Count("lots", distinct=True))
    return qs.filter(status=status) if status else qs


def arrangement_get(*, council: Organisation, pk) -> Arrangement:
    qs = Arrangement.objects.prefetch_related(
        Prefetch("lots", queryset=Lot.objects.prefetch_related("service_types", "areas", "need_levels")),
        "windows",
        "status_changes__changed_by",
    )
    return get_for_organisation_or_404(qs, council, pk=pk)


def lot_get(*, council: Organisation, pk) -> Lot:
    return get_for_organisation_or_404(Lot.objects.select_related("arrangement"), council, pk=pk)


def accepts_applications(arrangement: Arrangement, now=None) -> bool:
    now = now or timezone.now()
    windows = [rules.Window(w.opens_at, w.closed_at or w.closes_at) for w in arrangement.windows.all()]
    return rules.accepts_applications(arrangement.mechanism_enum, arrangement.status_enum, windows, now)


def open_window(arrangement: Arrangement, now=None) -> ApplicationWindow | None:
    now = now or timezone.now()
    return next((w for w in arrangement.windows.all() if w.is_open(now)), None)


def notices(arrangement: Arrangement):
    return rules.required_notices(
        mechanism=arrangement.mechanism_enum,
        regime=rules.Regime(arrangement.regime),
        estimated_value=arrangement.estimated_value,
        on=arrangement.starts_on,
    )
