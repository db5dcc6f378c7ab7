"""What the quality pages show: KPIs by provider for a period with the records behind each figure, monitoring visits
and reports, and the complaints log."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone

from caremarket.brokerage import selectors as brokerage
from caremarket.core.permissions import has_permission
from caremarket.core.todo import Item, Row
from caremarket.domain import kpis
from caremarket.domain.roles import Permission

from . import monitoring, selectors

PERIODS = selectors.PERIODS
period = selectors.period


def kpis_page(*, council, months: str | None) -> dict:
    months, start, end = period(months)
    return {
        "stopped": brokerage.referral_stops(council=council),
        "kpi": kpis.REFERRAL_ACCEPTANCE,
        "rows": selectors.referral_acceptance(council=council, start=start, end=end),
        "months": months,
        "periods": PERIODS,
        "start": start,
        "end": end,
    }


def not_accepted_page(*, council, provider, months: str | None) -> dict:
    months, start, end = period(months)
    rows = [
        r
        for r in selectors.referral_acceptance(council=council, start=start, end=end)
        if r["provider_id"] == provider.pk
    ]
    return {
        "stopped": brokerage.referral_stops(council=council).get(provider.name, ""),
        "kpi": kpis.REFERRAL_ACCEPTANCE,
        "provider": provider,
        "row": rows[0] if rows else None,
        "referrals": selectors.referrals_not_accepted(council=council, provider_id=provider.pk, start=start, end=end)[
            :500
        ],
        "months": months,
        "period_label": PERIODS[months],
    }


def quality_to_do(*, council, user=None) -> list[Item]:
    """Reports to sign off, comment windows and action plans, complaints to acknowledge or overdue, re-audits due,
    and primary and secondary providers below seed 001's 75% acceptance over the last six months."""
    today = timezone.localdate()
    _, start, end = period("6")
    below = [
        r for r in selectors.referral_acceptance(council=council, start=start, end=end) if r["rag"] == kpis.Rag.RED
    ]
    open_visits = monitoring.visits(council=council, group="open").order_by("planned_for")
    to_sign_off = [v for v in open_visits if v.status_in("to_sign_off") and (user is None or v.lead_id != user.pk)]
    overdue_plans = [p for p in monitoring.action_plans(council=council, group="due") if p.due_on < today]
    complaints_overdue = monitoring.overdue_complaints(organisation=council, today=today)
    to_acknowledge = monitoring.complaints(organisation=council, kind="complaint").in_group("to_acknowledge")
    revisits = [
        r["last"]
        for r in monitoring.visit_queue(council=council, today=today)
        if r["last"] and r["last"].revisit_due_on and r["last"].revisit_due_on <= today and not r["planned"]
    ]

    def visit_row(v):
        return Row(f"{v.reference} {v.provider.name}, {v.service_type.name}", reverse("quality:visit", args=[v.pk]))

    return [
        Item.of("Monitoring reports for you to sign off", to_sign_off, visit_row, reverse("quality:visits")),
        Item.of(
            "Visits planned or being recorded",
            [v for v in open_visits if v.status_in("editable")],
            lambda v: Row(
                f"{v.reference} {v.provider.name}, {v.planned_for:%-d %B %Y}", reverse("quality:visit", args=[v.pk])
            ),
            reverse("quality:visits"),
        ),
        Item.of(
            "Re-audits due",
            revisits,
            lambda v: Row(
                f"{v.provider.name}: last {v.get_overall_label()}, due {v.revisit_due_on:%-d %B %Y}",
                reverse("quality:visit", args=[v.pk]),
            ),
            reverse("quality:visits"),
        ),
        Item.of(
            "Action plans overdue",
            overdue_plans,
            lambda p: Row(
                f"{p.visit.provider.name}: due {p.due_on:%-d %B %Y}", reverse("quality:visit", args=[p.visit.pk])
            ),
            reverse("quality:visits"),
        ),
        Item.of(
            "Complaints to acknowledge",
            to_acknowledge,
            lambda c: Row(
                f"{c.reference} {c.provider.name}: by {c.acknowledge_by:%-d %B %Y}",
                reverse("quality:complaint", args=[c.pk]),
            ),
            reverse("quality:complaints"),
        ),
        Item.of(
            "Complaints overdue",
            complaints_overdue,
            lambda c: Row(
                f"{c.reference} {c.provider.name}{' (safeguarding)' if c.safeguarding else ''}",
                reverse("quality:complaint", args=[c.pk]),
            ),
            reverse("quality:complaints"),
        ),
        *reviews_to_do(organisation=council),
        Item.of(
            "Providers below 75% referral acceptance (last 6 months)",
            below,
            lambda r: Row(
                f"{r['provider']}: {r['rate']}% of {r['decided']} referrals accepted",
                reverse("quality:not-accepted", args=[r["provider_id"]]) + "?months=6",
            ),
            reverse("quality:kpis") + "?months=6",
        ),
    ]


def provider_quality_to_do(*, provider) -> list[Item]:
    """Drafts to comment on within their window, action plans to send or carry out, complaints to answer."""
    reports = monitoring.reports_of(provider=provider)

    def report_row(v):
        return Row(
            f"{v.reference} {v.council.name}: comment by {v.accuracy_closes_on:%-d %B %Y}",
            reverse("quality:report", args=[v.pk]),
        )

    return [
        Item.of(
            "Monitoring reports shared for your comments",
            reports.in_group("with_provider"),
            report_row,
            reverse("quality:reports"),
        ),
        Item.of(
            "Action plans to send or carry out",
            monitoring.action_plans(provider=provider),
            lambda p: Row(
                f"Report {p.visit.reference} ({p.visit.council.name}): {p.get_status_display().lower()}, "
                f"due {p.due_on:%-d %B %Y}",
                reverse("quality:report", args=[p.visit.pk]),
            ),
            reverse("quality:reports"),
        ),
        *reviews_to_do(organisation=provider),
        Item.of(
            "Complaints to answer",
            monitoring.complaints(organisation=provider, kind="complaint").in_group("open"),
            lambda c: Row(
                f"{c.reference} {c.council.name}: {c.get_category_display().lower()}, "
                f"answer by {c.respond_by:%-d %B %Y}",
                reverse("quality:complaint", args=[c.pk]),
            ),
            reverse("quality:complaints"),
        ),
    ]


# --- monitoring visits -----------------------------------------------------------------------------------------


def service_types(*, council):
    from caremarket.reference.selectors import service_type_list

    return service_type_list(council=council, active_only=True).order_by("name")


def service_type(*, council, pk):
    from caremarket.core.errors import ServiceError

    found = service_types(council=council).filter(pk=pk).first()
    if found is None:
        raise ServiceError({"service_type": "Choose one of your service types"})
    return found


def provider(pk):
    from django.http import Http404

    from caremarket.core.errors import ServiceError

    try:
        return brokerage.provider_get(pk=pk)
    except Http404:
        raise ServiceError({"provider": "Choose a provider"}) from None


def visits_page(*, council) -> dict:
    today = timezone.localdate()
    return {
        "queue": monitoring.visit_queue(council=council, today=today)[:50],
        "open": list(monitoring.visits(council=council, group="open").order_by("planned_for")),
        "published": list(monitoring.visits(council=council, group="published").order_by("-published_on")[:50]),
        "plans": list(monitoring.action_plans(council=council)),
        "today": today,
    }


def visit_page(*, visit, user) -> dict:
    from . import services

    spec = visit.framework.spec()
    questions = services.visit_questions(visit)
    findings = {f.question_id: f for f in visit.findings.select_related("question")}
    initial = {"visited_on": visit.visited_on, "summary": visit.summary}
    for q in questions:
        f = findings.get(q.pk)
        if f is not None:
            initial[f"rating-{q.key.replace('.', '-')}"] = f.rating
            initial[f"evidence-{q.key.replace('.', '-')}"] = f.evidence
    plan = getattr(visit, "action_plan", None) if visit.status_in("reported") else None
    return {
        "visit": visit,
        "scale": spec.scale,
        "questions": questions,
        "findings": [findings[q.pk] for q in questions if q.pk in findings],
        "rated": len(findings),
        "initial": initial,
        "comments": list(visit.comments.select_related("finding__question", "made_by", "responded_by")),
        "plan": plan,
        "actions": list(plan.actions.select_related("finding__question")) if plan else [],
        "history": list(visit.status_changes.select_related("changed_by")),
        "may_manage": has_permission(user, Permission.QUALITY_MANAGE),
        "may_sign_off": has_permission(user, Permission.QUALITY_MANAGE) and user.pk != visit.lead_id,
        "supersedes": visit.supersedes,
        "superseded_by": getattr(visit, "superseded_by", None),
    }


def comment_of(*, visit, pk):
    from django.http import Http404

    found = visit.comments.filter(pk=pk).first() if str(pk).isdigit() else None
    if found is None:
        raise Http404("No such comment on this visit")
    return found


def reports_page(*, provider) -> dict:
    return {
        "reports": list(monitoring.reports_of(provider=provider)),
        "plans": list(monitoring.action_plans(provider=provider)),
    }


def report_page(*, report) -> dict:
    from . import services

    plan = getattr(report, "action_plan", None)
    return {
        "report": report,
        "findings": list(report.findings.select_related("question")),
        "comments": list(report.comments.select_related("finding__question")),
        "window_open": report.status_in("with_provider") and timezone.localdate() <= report.accuracy_closes_on,
        "plan": plan,
        "plan_due": bool(plan and plan.status_in("due")),
        "issues": services.plan_issues(plan) if plan else [],
        "actions": list(plan.actions.select_related("finding__question")) if plan else [],
        "scale": report.framework.spec().scale,
    }


def action_of(*, report, pk):
    from django.http import Http404

    plan = getattr(report, "action_plan", None)
    found = plan.actions.filter(pk=pk).first() if plan and str(pk).isdigit() else None
    if found is None:
        raise Http404("No such action in this plan")
    return found


def framework_page(*, council, version: str | None) -> dict:
    from caremarket.domain import quality

    versions = list(monitoring.frameworks(council=council))
    chosen = next((v for v in versions if str(v.version) == str(version)), None)
    chosen = chosen or monitoring.framework_in_force(council=council) or (versions[0] if versions else None)
    spec = chosen.spec() if chosen else quality.DEFAULT_FRAMEWORK
    return {"versions": versions, "chosen": chosen, "spec": spec}


# --- complaints and compliments --------------------------------------------------------------------------------


def complaints_page(*, organisation, kind: str | None) -> dict:
    from caremarket.domain import quality

    kind = kind if kind in quality.COMPLAINT_KINDS else None
    rows = monitoring.complaints(organisation=organisation, kind=kind)
    return {
        "open": list(rows.in_group("open").order_by("received_on")),
        "closed": list(rows.in_group("closed")[:100]),
        "overdue": {c.pk for c in monitoring.overdue_complaints(organisation=organisation)},
        "kind": kind,
        "kinds": quality.COMPLAINT_KINDS,
        "is_provider": organisation.is_provider,
    }


def councils_of(*, provider) -> dict[int, str]:
    """The councils a provider works with: those that admitted it or place care with it."""
    from caremarket.arrangements.selectors import admissions_of_provider

    found = dict(
        admissions_of_provider(provider=provider)
        .values_list("arrangement__council_id", "arrangement__council__name")
        .distinct()
    )
    found.update(brokerage.councils_placing_with(provider=provider))
    return dict(sorted(found.items(), key=lambda item: item[1]))


def complaint_parties(organisation, data: dict) -> dict:
    """Who the complaint is between, from the side logging it, and the placement it names (one of theirs)."""
    from caremarket.accounts.selectors import council_get
    from caremarket.core.errors import ServiceError

    from .services import NewComplaint

    if organisation.is_provider:
        if data["council"] not in councils_of(provider=organisation):
            raise ServiceError({"council": "Choose a council you work with"})
        council, provider_ = council_get(pk=data["council"]), organisation
    else:
        council, provider_ = organisation, provider(data["provider"])
    placement = None
    if (data.get("placement") or "").strip():
        number = data["placement"].strip().lstrip("Pp-")
        placement = brokerage.placement_of(council=council, provider=provider_, number=number)
        if placement is None:
            raise ServiceError({"placement": f"No placement {data['placement']} with this provider for this council"})
    return {
        "council": council,
        "provider": provider_,
        "organisation": organisation,
        "new": NewComplaint(
            kind=data["kind"],
            category=data["category"],
            severity=data.get("severity") or "",
            safeguarding=data.get("safeguarding", False),
            received_on=data["received_on"],
            summary=data["summary"],
            placement=placement,
        ),
    }


def complaint_page(*, complaint, form) -> dict:
    today = timezone.localdate()
    return {
        "complaint": complaint,
        "form": form,
        "history": list(complaint.status_changes.select_related("changed_by")),
        "ack_late": complaint.status_in("to_acknowledge")
        and complaint.acknowledge_by
        and complaint.acknowledge_by < today,
        "response_late": complaint.status_in("open") and complaint.respond_by and complaint.respond_by < today,
    }


# --- scorecards ------------------------------------------------------------------------------------------------


def cut_of(*, council, area=None, service=None, position=None) -> selectors.Cut:
    """The slice of the market asked for, each part only if it is the council's own."""
    from caremarket.reference import selectors as reference

    if not (area or service or position):
        return selectors.WHOLE
    services, areas = reference.names(council=council)
    return selectors.Cut(
        reference.own_key(area, areas),
        reference.own_key(service, services),
        position if position in selectors.POSITIONS else "",
    )


def _cut_choices(council) -> dict:
    from caremarket.reference import selectors as reference

    services, areas = reference.names(council=council)
    return {"areas": areas, "services": services, "positions": selectors.POSITIONS}


def scorecards_page(*, council, months: str | None, cut: selectors.Cut = selectors.WHOLE) -> dict:
    """The council's scorecards as the worker last worked them out (`kept` is None if it never has)."""
    from . import scorecards

    months, start, end = period(months)
    kept = scorecards.scorecard_set(council=council, months=months, cut=cut)
    return {
        "cut": cut,
        **_cut_choices(council),
        "kept": kept,
        "cards": kept.cards if kept else [],
        "kpis": kpis.SCORECARD,
        "months": months,
        "periods": PERIODS,
        "start": kept.start if kept else start,
        "end": kept.end if kept else end,
    }


def scorecard_page(*, council, provider, months: str | None, cut: selectors.Cut = selectors.WHOLE) -> dict:
    """One provider's figures as last worked out, and the records behind them read now."""
    from . import scorecards

    months, start, end = period(months)
    kept = scorecards.scorecard_set(council=council, months=months, cut=cut)
    if kept is not None:
        start, end = kept.start, kept.end
    cards = [c for c in (kept.cards if kept else []) if c["provider_id"] == provider.pk]
    by_code = {k.code: k for k in kpis.SCORECARD}
    return {
        "council": council,
        "provider": provider,
        "kept": kept,
        "card": cards[0] if cards else None,
        "definitions": by_code,
        "detail": scorecards.scorecard_detail(council=council, provider_id=provider.pk, start=start, end=end, cut=cut),
        "cut": cut,
        **_cut_choices(council),
        "cqc": monitoring.cqc_history(provider_id=provider.pk),
        "months": months,
        "periods": PERIODS,
        "start": start,
        "end": end,
    }


# --- reviews against the care plan -----------------------------------------------------------------------------


def reviews_page(*, organisation) -> dict:
    from . import reviewing as reviews

    today = timezone.localdate()
    return {
        "overdue": list(reviews.overdue(organisation=organisation, today=today)[:200]),
        "soon": list(reviews.due_soon(organisation=organisation, today=today)[:200]),
        "done": list(reviews.reviews(organisation=organisation, group="done").order_by("-done_on")[:50]),
        "is_provider": organisation.is_provider,
        "schedules": {} if organisation.is_provider else reviews.every_months(council=organisation),
        "service_types": [] if organisation.is_provider else list(service_types(council=organisation)),
    }


def reviews_to_do(*, organisation) -> list[Item]:
    from . import reviewing as reviews

    def row(r):
        return Row(
            f"Placement {r.placement_id} ({r.placement.service_type.name}): due {r.due_on:%-d %B %Y}",
            reverse("quality:review", args=[r.pk]),
        )

    items = [Item.of("Reviews overdue", reviews.overdue(organisation=organisation), row, reverse("quality:reviews"))]
    if organisation.is_provider:
        items.append(
            Item.of(
                "Reviews due in the next 14 days",
                reviews.due_soon(organisation=organisation),
                row,
                reverse("quality:reviews"),
            )
        )
    return items


def framework_sheet(version) -> list[list[str]]:
    from caremarket.domain import quality

    return quality.framework_sheet(version.spec())
