"""Unmet need with its evidence (seed 000): per service and area, the requests the market could not source, the
care bought around the framework and forecast demand above capacity (the worker's outlooks), and the arrangements
whose window could reopen for it. Commissioners are told when a service and area shows it."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

from caremarket.arrangements.models import Arrangement
from caremarket.brokerage.models import CareRequest, Placement, reference_of
from caremarket.domain import arrangements as rules
from caremarket.domain import insight
from caremarket.domain.lifecycles import CARE_REQUEST

from .models import Outlook


def unmet_need(*, council, today: date) -> list[dict]:
    """Every service and area with a sign of unmet need, the most signs first, each with the records behind it."""
    found: dict[tuple, dict] = defaultdict(lambda: {"unsourced": [], "spot": [], "outlook": None})
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
    for outlook in (
        Outlook.objects.for_organisation(council)
        .filter(exceeds_from__isnull=False)
        .select_related("service_type", "area")
    ):
        found[(outlook.service_type, outlook.area)]["outlook"] = outlook
    covering = windowed(council)
    rows = []
    for (service, area), evidence in found.items():
        signs = insight.unmet_need_signs(
            unsourced=len(evidence["unsourced"]), spot=len(evidence["spot"]), forecast=_forecast_sign(evidence)
        )
        if not signs:
            continue
        rows.append(
            {
                "service": service,
                "area": area,
                "signs": signs,
                **evidence,
                "arrangements": covering.get((service.pk, area.pk), []),
                "summary": _summary(service, area, evidence),
            }
        )
    return sorted(rows, key=lambda r: (-len(r["signs"]), -len(r["unsourced"]) - len(r["spot"]), r["service"].name))


def windowed(council) -> dict[tuple[int, int], list[Arrangement]]:
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


def _forecast_sign(evidence) -> str:
    outlook = evidence["outlook"]
    if outlook is None:
        return ""
    return insight.forecast_sign(exceeds_from=outlook.exceeds_from, capacity=outlook.capacity, peak=float(outlook.peak))


def _summary(service, area, evidence) -> str:
    """The unmet need in words, as it is recorded on the window it reopens."""
    parts = [_forecast_sign(evidence)] if evidence["outlook"] else []
    if evidence["unsourced"]:
        waits = ", ".join(f"{u['reference']} ({u['days']} days)" for u in evidence["unsourced"][:10])
        parts.append(f"{len(evidence['unsourced'])} requests unsourced: {waits}")
    if evidence["spot"]:
        refs = ", ".join(s["reference"] for s in evidence["spot"][:10])
        parts.append(f"{len(evidence['spot'])} spot purchases in the last {insight.SPOT_MONTHS} months: {refs}")
    return f"{service.name} in {area.name}: " + "; ".join(parts) + "."


def unmet_need_notify(*, council, today: date) -> int:
    """Tell the council's commissioners of each service and area showing unmet need: once a month while it shows,
    so a sign that persists is raised again but never twice in a month."""
    from django.urls import reverse

    from caremarket.domain.notifications import Kind
    from caremarket.notifications.services import notify

    told = 0
    for row in unmet_need(council=council, today=today):
        service, area = row["service"], row["area"]
        told += len(
            notify(
                kind=Kind.UNMET_NEED,
                organisation=council,
                subject=f"Unmet need: {service.name} in {area.name}",
                body=row["summary"] + " The evidence, and the arrangements that could reopen for it, are on the "
                "unmet need page.",
                link=reverse("insight:unmet-need"),
                event_key=f"unmet:{service.pk}:{area.pk}:{today:%Y-%m}",
                data={"service_type": service.code, "area": area.code, "signs": row["signs"]},
            )
        )
    return told


def needs_refresh(*, today: date) -> dict:
    """The outlooks worked out again for every council, then the unmet need told (the worker, after the market's
    months are summed)."""
    from caremarket.accounts.models import Organisation
    from caremarket.domain.roles import OrganisationKind

    from .capacity import outlooks_refresh

    outlooks = told = 0
    for council in Organisation.objects.filter(kind=OrganisationKind.COUNCIL):
        outlooks += outlooks_refresh(council=council, today=today)
        told += unmet_need_notify(council=council, today=today)
    return {"outlooks": outlooks, "told": told}
