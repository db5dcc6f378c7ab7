"""Who quality tells, and what: a shared draft and an action plan to the provider, a report to sign off and the
deadlines that pass to the council's quality officers, a complaint to the other side."""

from __future__ import annotations

from datetime import date

from django.urls import reverse

from caremarket.domain.notifications import Kind
from caremarket.notifications.services import notify

from .models import ActionPlan, Complaint, MonitoringVisit


def draft_shared(visit: MonitoringVisit) -> None:
    notify(
        kind=Kind.DRAFT_SHARED,
        organisation=visit.provider,
        subject=f"Monitoring report {visit.reference}: the draft is shared for your comments until "
        f"{visit.accuracy_closes_on:%-d %B %Y}",
        body=f"{visit.council.name} shares the draft report of its visit on {visit.visited_on:%-d %B %Y} "
        f"({visit.service_type.name}). Tell it of any fact that is wrong by {visit.accuracy_closes_on:%-d %B %Y}; "
        "after that the report is signed off and published.",
        link=reverse("quality:report", args=[visit.pk]),
        event_key=f"visit:{visit.pk}:shared",
        data={"visit_id": visit.pk, "comments_until": visit.accuracy_closes_on.isoformat()},
    )


def report_to_sign_off(visit: MonitoringVisit) -> None:
    notify(
        kind=Kind.REPORT_TO_SIGN_OFF,
        organisation=visit.council,
        subject=f"Monitoring report {visit.reference} on {visit.provider.name} waits for sign-off",
        body="Read the report and the provider's comments, then sign it off or send it back. The officer who "
        "visited cannot sign it off.",
        link=reverse("quality:visit", args=[visit.pk]),
        event_key=f"visit:{visit.pk}:sign-off:{visit.version}",
        exclude=[visit.lead],
        data={"visit_id": visit.pk},
    )


def action_plan_due(visit: MonitoringVisit) -> None:
    plan = visit.action_plan
    notify(
        kind=Kind.ACTION_PLAN_DUE,
        organisation=visit.provider,
        subject=f"Monitoring report {visit.reference} is published as {visit.get_overall_label()}: send an action "
        f"plan by {plan.due_on:%-d %B %Y}",
        body="Give at least one action for every question rated Requires improvement or Poor, with an owner and "
        "a date.",
        link=reverse("quality:report", args=[visit.pk]),
        event_key=f"visit:{visit.pk}:plan",
        data={"visit_id": visit.pk, "due_on": plan.due_on.isoformat()},
    )


def action_plan_overdue(plan: ActionPlan) -> None:
    visit = plan.visit
    for organisation, link in (
        (visit.provider, reverse("quality:report", args=[visit.pk])),
        (visit.council, reverse("quality:visit", args=[visit.pk])),
    ):
        notify(
            kind=Kind.ACTION_PLAN_DUE if organisation.pk == visit.provider_id else Kind.QUALITY_DEADLINE,
            organisation=organisation,
            subject=f"The action plan for monitoring report {visit.reference} ({visit.provider.name}) was due on "
            f"{plan.due_on:%-d %B %Y}",
            body="The plan has not been sent.",
            link=link,
            event_key=f"plan:{plan.pk}:overdue",
            data={"visit_id": visit.pk},
        )


def complaint_logged(complaint: Complaint) -> None:
    by_council = complaint.logged_by_organisation_id == complaint.council_id
    what = "A safeguarding concern" if complaint.safeguarding else complaint.get_kind_display()
    notify(
        kind=Kind.COMPLAINT_LOGGED if by_council else Kind.COMPLAINT_REPORTED,
        organisation=complaint.provider if by_council else complaint.council,
        subject=f"{what} {complaint.reference} is logged about "
        f"{'you' if by_council else complaint.provider.name}: {complaint.get_category_display().lower()}",
        body=(
            f"Acknowledge it by {complaint.acknowledge_by:%-d %B %Y} and answer it by {complaint.respond_by:%-d %B %Y}."
            if complaint.acknowledge_by
            else "Recorded for the provider's record."
        ),
        link=reverse("quality:complaint", args=[complaint.pk]),
        event_key=f"complaint:{complaint.pk}:logged",
        data={"complaint_id": complaint.pk, "safeguarding": complaint.safeguarding},
    )


def complaint_overdue(complaint: Complaint, today: date) -> None:
    late = "acknowledged" if complaint.status_in("to_acknowledge") and complaint.acknowledge_by < today else "answered"
    due = complaint.acknowledge_by if late == "acknowledged" else complaint.respond_by
    notify(
        kind=Kind.QUALITY_DEADLINE,
        organisation=complaint.council,
        subject=f"Complaint {complaint.reference} about {complaint.provider.name} was to be {late} by {due:%-d %B %Y}",
        body="It is still open.",
        link=reverse("quality:complaint", args=[complaint.pk]),
        event_key=f"complaint:{complaint.pk}:overdue:{late}",
        data={"complaint_id": complaint.pk},
    )


def revisit_due(visit: MonitoringVisit) -> None:
    notify(
        kind=Kind.QUALITY_DEADLINE,
        organisation=visit.council,
        subject=f"A re-audit of {visit.provider.name} ({visit.service_type.name}) fell due on "
        f"{visit.revisit_due_on:%-d %B %Y}",
        body=f"The last report ({visit.reference}) was {visit.get_overall_label()}. Plan the next visit.",
        link=reverse("quality:visits"),
        event_key=f"visit:{visit.pk}:revisit",
        data={"visit_id": visit.pk},
    )
