"""Unmet need with its evidence (seed 000): per service and area, the requests the market could not source and the
care bought around the framework, and the arrangements whose window could reopen for it."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

from caremarket.arrangements.models import Arrangement
from caremarket.brokerage.models import CareRequest, Placement, reference_of
from caremarket.domain import arrangements as rules
from caremarket.domain import insight
from caremarket.domain.lifecycles import CARE_REQUEST


def unmet_need(*, council, today: date) -> list[dict]:
    """Every service and area with a sign of unmet need, the most signs first, each with the records behind it."""
    found: dict[tuple, dict] = defaultdict(lambda: {"unsourced": [], "spot": []})
    waiting = (
        CareRequest.objects.for_organisation(council)
        .filter(status__in=CARE_REQUEST.group("escalates"))
        .select_related("service_type", "area")
        .order_by("created_at")
    )
    for request in waiting:
        found[(request.service_type, request.area)]["unsourced"].append(
            {"reference": request.reference, "days": (today - request.created_at.date()).days, "pk": request.pk}
        )
    since = today - timedelta(days=round(insight.SPOT_MONTHS * 30.44))
    spot = (
        Placement.objects.for_organisation(council)
        .filter(route="spot", created_at__date__gte=since)
        .select_related("service_type", "area", "provider", "spot_reason")
        .order_by("-created_at")
    )
    for placement in spot:
        found[(placement.service_type, placement.area)]["spot"].append(
            {
                "reference": reference_of(placement.request_id),
                "provider": placement.provider.name,
                "reason": placement.spot_reason.name if placement.spot_reason else "",
                "on": placement.created_at.date(),
            }
        )
    windowed = _windowed(council)
    rows = []
    for (service, area), evidence in found.items():
        signs = insight.unmet_need_signs(unsourced=len(evidence["unsourced"]), spot=len(evidence["spot"]))
        if not signs:
            continue
        rows.append(
            {
                "service": service,
                "area": area,
                "signs": signs,
                **evidence,
                "arrangements": windowed.get((service.pk, area.pk), []),
                "summary": _summary(service, area, evidence),
            }
        )
    return sorted(rows, key=lambda r: (-len(r["signs"]), -len(r["unsourced"]) - len(r["spot"]), r["service"].name))


def _windowed(council) -> dict[tuple[int, int], list[Arrangement]]:
    """Live arrangements that open in windows, by the services and areas of their lots."""
    covering: dict[tuple[int, int], list[Arrangement]] = defaultdict(list)
    live = Arrangement.objects.filter(
        council=council, status=rules.Status.LIVE.value, mechanism__in=[m.value for m in rules.WINDOWED]
    ).prefetch_related("lots__service_types", "lots__areas")
    for arrangement in live:
        pairs = {
            (s.pk, a.pk) for lot in arrangement.lots.all() for s in lot.service_types.all() for a in lot.areas.all()
        }
        for pair in pairs:
            covering[pair].append(arrangement)
    return covering


def _summary(service, area, evidence) -> str:
    """The unmet need in words, as it is recorded on the window it reopens."""
    parts = []
    if evidence["unsourced"]:
        waits = ", ".join(f"{u['reference']} ({u['days']} days)" for u in evidence["unsourced"][:10])
        parts.append(f"{len(evidence['unsourced'])} requests unsourced: {waits}")
    if evidence["spot"]:
        refs = ", ".join(s["reference"] for s in evidence["spot"][:10])
        parts.append(f"{len(evidence['spot'])} spot purchases in the last {insight.SPOT_MONTHS} months: {refs}")
    return f"{service.name} in {area.name}: " + "; ".join(parts) + "."
