"""Reads of quality monitoring: the visit queue by risk, visits, reports a provider may see, action plans and the
complaints log, each scoped to the organisation reading."""

from __future__ import annotations

from collections import Counter
from datetime import date

from django.http import Http404
from django.utils import timezone

from caremarket.arrangements import selectors as arrangement_reads
from caremarket.domain import kpis, quality

from . import selectors
from .models import ActionPlan, Complaint, MonitoringVisit, QualityFramework


def visits(*, council, group: str | None = None):
    found = MonitoringVisit.objects.for_organisation(council).select_related("provider", "service_type", "lead")
    return found.in_group(group) if group else found


def visit_get(*, council, pk) -> MonitoringVisit:
    try:
        return (
            MonitoringVisit.objects.for_organisation(council)
            .select_related("provider", "service_type", "framework", "lead", "reviewer", "council")
            .get(pk=pk)
        )
    except (MonitoringVisit.DoesNotExist, ValueError, TypeError):
        raise Http404("No such visit in your organisation") from None


def report_get(*, provider, pk) -> MonitoringVisit:
    """A report as the provider may read it: its own, once shared (never another provider's, never a draft)."""
    try:
        return (
            MonitoringVisit.objects.filter(provider=provider)
            .outside_group("editable")
            .outside_group("cancelled")
            .select_related("council", "service_type", "framework")
            .get(pk=pk)
        )
    except (MonitoringVisit.DoesNotExist, ValueError, TypeError):
        raise Http404("No such report shared with your organisation") from None


def reports_of(*, provider):
    return (
        MonitoringVisit.objects.filter(provider=provider)
        .outside_group("editable")
        .outside_group("cancelled")
        .select_related("council", "service_type", "framework")
    )


def frameworks(*, council):
    return QualityFramework.objects.for_organisation(council).filter(published_at__isnull=False)


def framework_in_force(*, council, on: date | None = None) -> QualityFramework | None:
    return frameworks(council=council).filter(effective_from__lte=on or timezone.localdate()).first()


def action_plans(*, council=None, provider=None, group: str = "open"):
    found = ActionPlan.objects.in_group(group).select_related(
        "visit__provider", "visit__council", "visit__service_type"
    )
    if council is not None:
        found = found.filter(visit__council=council)
    if provider is not None:
        found = found.filter(visit__provider=provider)
    return found.order_by("due_on")


def complaints(*, organisation, kind: str | None = None):
    """The council's log, or a provider's log of complaints about itself (with every council)."""
    if organisation.is_provider:
        found = Complaint.objects.filter(provider=organisation)
    else:
        found = Complaint.objects.for_organisation(organisation)
    if kind:
        found = found.filter(kind=kind)
    return found.select_related("provider", "council", "placement__request", "person")


def complaint_get(*, organisation, pk) -> Complaint:
    try:
        return complaints(organisation=organisation).get(pk=pk)
    except (Complaint.DoesNotExist, ValueError, TypeError):
        raise Http404("No such complaint in your organisation") from None


def overdue_complaints(*, organisation, today: date | None = None) -> list[Complaint]:
    today = today or timezone.localdate()
    return [
        c
        for c in complaints(organisation=organisation).in_group("open")
        if (c.status_in("to_acknowledge") and c.acknowledge_by < today) or c.respond_by < today
    ]


def providers_of(*, council) -> dict[int, str]:
    """The providers the council works with: admitted to its live arrangements."""
    return dict(
        arrangement_reads.admissions_on_live(council=council)
        .values_list("provider_id", "provider__name")
        .distinct()
        .order_by("provider__name")
    )


def visit_queue(*, council, today: date | None = None) -> list[dict]:
    """Every provider the council works with, the one to visit first at the top, each with its reasons."""
    today = today or timezone.localdate()
    providers = providers_of(council=council)
    last: dict[int, MonitoringVisit] = {}
    for visit in MonitoringVisit.objects.for_organisation(council).in_group("published").order_by("published_on"):
        last[visit.provider_id] = visit
    planned = set(
        MonitoringVisit.objects.for_organisation(council).in_group("open").values_list("provider_id", flat=True)
    )
    open_complaints = Counter(
        Complaint.objects.for_organisation(council)
        .in_group("open")
        .filter(kind="complaint")
        .values_list("provider_id", flat=True)
    )
    safeguarding = Counter(
        Complaint.objects.for_organisation(council)
        .in_group("open")
        .filter(safeguarding=True)
        .values_list("provider_id", flat=True)
    )
    _, start, end = selectors.period("6", today)
    red = {
        r["provider_id"]
        for r in selectors.referral_acceptance(council=council, start=start, end=end)
        if r["rag"] == kpis.Rag.RED
    }
    cqc = cqc_ratings(provider_ids=providers)
    rows = []
    for pk, name in providers.items():
        visit = last.get(pk)
        months = None
        if visit is not None:
            months = (today.year - visit.published_on.year) * 12 + today.month - visit.published_on.month
        facts = quality.RiskFacts(
            provider=name,
            months_since_visit=months,
            last_rating=visit.overall if visit else None,
            revisit_overdue=bool(visit and visit.revisit_due_on and visit.revisit_due_on < today),
            open_complaints=open_complaints.get(pk, 0),
            open_safeguarding=safeguarding.get(pk, 0),
            kpis_red=1 if pk in red else 0,
            cqc_inadequate=any(r.rating == quality.CQC_INADEQUATE for r in cqc.get(pk, [])),
        )
        priority = quality.visit_priority(facts)
        rows.append(
            {"provider_id": pk, "priority": priority, "planned": pk in planned, "last": visit, "cqc": cqc.get(pk, [])}
        )
    return sorted(rows, key=lambda r: (-r["priority"].points, r["priority"].provider))


def cqc_ratings(*, provider_ids) -> dict[int, list]:
    """Each provider's locations' latest CQC ratings, worst first."""
    from caremarket.cqc.selectors import ratings_of

    locations = arrangement_reads.cqc_locations_of(provider_ids=provider_ids)
    history = ratings_of({loc for found in locations.values() for loc in found})
    order = list(quality.CQC_ORDER)
    return {
        pk: sorted((history[loc][0] for loc in found if loc in history), key=lambda r: -order.index(r.rating))
        for pk, found in locations.items()
    }


def cqc_history(*, provider_id) -> dict[str, list]:
    from caremarket.cqc.selectors import ratings_of

    return ratings_of(arrangement_reads.cqc_locations_of(provider_ids=[provider_id]).get(provider_id, set()))
