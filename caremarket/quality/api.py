"""KPIs by machine, as on the quality pages."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from ninja import Field, Router, Schema

from caremarket.accounts.api_auth import require
from caremarket.brokerage import selectors as brokerage
from caremarket.brokerage import services as brokerage_services
from caremarket.core.errors import ServiceError
from caremarket.core.jobs import JobOut
from caremarket.core.permissions import signed_in_council, signed_in_organisation, signed_in_provider
from caremarket.domain.lifecycles import MONITORING_VISIT, PLACEMENT_REVIEW
from caremarket.domain.roles import Permission

from . import monitoring, presenters, reviewing, scorecards, services, surveying

router = Router(tags=["quality"])


class AcceptanceOut(Schema):
    provider_id: int
    provider: str
    accepted: int
    declined: int
    timed_out: int
    decided: int
    rate: Decimal | None
    rag: str | None


@router.get("/kpis/referral-acceptance", response=list[AcceptanceOut])
def referral_acceptance(request, months: str = "6"):
    """Each primary and secondary provider's share of level 1 referrals accepted over the last 3, 6 or 12 months,
    lowest first, with its band (red below seed 001's 75%, amber within five points above)."""
    require(request, Permission.QUALITY_READ)
    council = signed_in_council(request, "Reading KPIs")
    return presenters.kpis_page(council=council, months=months)["rows"]


class StopIn(Schema):
    reason: str


class StopOut(Schema):
    provider_id: int
    reason: str
    stopped_at: datetime
    lifted_at: datetime | None


@router.post("/providers/{provider_id}/referral-stop", response=StopOut)
def referral_stop(request, provider_id: int, payload: StopIn):
    """Stop new referrals to a provider at once; its placements continue."""
    require(request, Permission.REFERRALS_STOP)
    council = signed_in_council(request, "Stopping referrals")
    provider = brokerage.provider_get(pk=provider_id)
    return brokerage_services.referrals_stop(
        council=council, actor=request.auth, provider=provider, reason=payload.reason
    )


@router.post("/providers/{provider_id}/referral-stop/lifting", response=StopOut)
def referral_resume(request, provider_id: int):
    require(request, Permission.REFERRALS_STOP)
    council = signed_in_council(request, "Stopping referrals")
    provider = brokerage.provider_get(pk=provider_id)
    return brokerage_services.referrals_resume(council=council, actor=request.auth, provider=provider)


# --- monitoring visits: the council's side -----------------------------------------------------------------------


class FindingOut(Schema):
    question: str
    text: str
    rating: str
    evidence: str


class CommentOut(Schema):
    id: int
    question: str | None
    comment: str
    made_at: datetime
    response: str
    responded_at: datetime | None


class ActionOut(Schema):
    id: int
    question: str
    action: str
    owner: str
    due_on: date
    status: str
    progress: str


class PlanOut(Schema):
    status: str
    due_on: date
    submitted_at: datetime | None
    actions: list[ActionOut]


class VisitOut(Schema):
    id: int
    reference: str
    version: int
    council: str
    provider_id: int
    provider: str
    service_type: str
    status: str
    planned_for: date
    visited_on: date | None
    framework_version: int
    summary: str
    comments_until: date | None
    rating: str | None
    score: Decimal | None
    explanation: list[str]
    published_on: date | None
    revisit_due_on: date | None
    findings: list[FindingOut]
    comments: list[CommentOut]
    action_plan: PlanOut | None


def _comment_out(c) -> dict:
    return {
        "id": c.pk,
        "question": c.finding.question.key if c.finding else None,
        "comment": c.comment,
        "made_at": c.made_at,
        "response": c.response,
        "responded_at": c.responded_at,
    }


def _visit_out(visit) -> dict:
    plan = getattr(visit, "action_plan", None) if visit.status_in("reported") else None
    return {
        "id": visit.pk,
        "reference": visit.reference,
        "version": visit.version,
        "council": visit.council.name,
        "provider_id": visit.provider_id,
        "provider": visit.provider.name,
        "service_type": visit.service_type.code,
        "status": visit.status,
        "planned_for": visit.planned_for,
        "visited_on": visit.visited_on,
        "framework_version": visit.framework.version,
        "summary": visit.summary,
        "comments_until": visit.accuracy_closes_on,
        "rating": visit.overall or None,
        "score": visit.overall_score,
        "explanation": visit.explanation,
        "published_on": visit.published_on,
        "revisit_due_on": visit.revisit_due_on,
        "findings": [
            {"question": f.question.key, "text": f.question.text, "rating": f.rating, "evidence": f.evidence}
            for f in visit.findings.select_related("question")
        ],
        "comments": [_comment_out(c) for c in visit.comments.select_related("finding__question")],
        "action_plan": {
            "status": plan.status,
            "due_on": plan.due_on,
            "submitted_at": plan.submitted_at,
            "actions": [
                {
                    "id": a.pk,
                    "question": a.finding.question.key,
                    "action": a.action,
                    "owner": a.owner,
                    "due_on": a.due_on,
                    "status": a.status,
                    "progress": a.progress,
                }
                for a in plan.actions.select_related("finding__question")
            ],
        }
        if plan
        else None,
    }


@router.get("/monitoring-visits", response=list[VisitOut])
def visit_list(request, status: str = ""):
    """The council's monitoring visits, newest first (status: open, published, or any state's name)."""
    require(request, Permission.QUALITY_READ)
    council = signed_in_council(request, "Reading visits")
    found = monitoring.visits(council=council)
    if status in MONITORING_VISIT.groups:
        found = found.in_group(status)
    elif status:
        found = found.filter(status=status)
    return [_visit_out(v) for v in found.select_related("council", "framework")[:500]]


@router.get("/monitoring-visits/queue")
def visit_queue(request):
    """Every provider the council works with, the one to visit first at the top, with the reasons."""
    require(request, Permission.QUALITY_READ)
    council = signed_in_council(request, "Reading the visit queue")
    return [
        {
            "provider_id": r["provider_id"],
            "provider": r["priority"].provider,
            "points": r["priority"].points,
            "reasons": list(r["priority"].reasons),
            "visit_under_way": r["planned"],
        }
        for r in monitoring.visit_queue(council=council)
    ]


class PlanIn(Schema):
    provider_id: int
    service_type: str
    planned_for: date
    reason: str = ""


@router.post("/monitoring-visits", response={201: VisitOut})
def visit_plan(request, payload: PlanIn):
    require(request, Permission.QUALITY_MANAGE)
    council = signed_in_council(request, "Planning visits")
    service_type = next((s for s in presenters.service_types(council=council) if s.code == payload.service_type), None)
    if service_type is None:
        raise ServiceError({"service_type": f"No service type '{payload.service_type}' in your organisation"})
    visit = services.visit_plan(
        council=council,
        actor=request.auth,
        provider=presenters.provider(payload.provider_id),
        service_type=service_type,
        planned_for=payload.planned_for,
        reason=payload.reason,
    )
    return 201, _visit_out(monitoring.visit_get(council=council, pk=visit.pk))


@router.get("/monitoring-visits/{visit_id}", response=VisitOut)
def visit_get(request, visit_id: int):
    require(request, Permission.QUALITY_READ)
    council = signed_in_council(request, "Reading visits")
    return _visit_out(monitoring.visit_get(council=council, pk=visit_id))


class RatingIn(Schema):
    question: str
    rating: str
    evidence: str


class RecordIn(Schema):
    visited_on: date | None = None
    summary: str | None = None
    ratings: list[RatingIn] = []


@router.post("/monitoring-visits/{visit_id}/findings", response=VisitOut)
def visit_record(request, visit_id: int, payload: RecordIn):
    """Record ratings and evidence (some or all questions); a published report is changed only by a new version."""
    require(request, Permission.QUALITY_MANAGE)
    council = signed_in_council(request, "Recording visits")
    visit = monitoring.visit_get(council=council, pk=visit_id)
    services.visit_record(
        visit=visit,
        council=council,
        actor=request.auth,
        ratings=[services.Rating(r.question, r.rating, r.evidence) for r in payload.ratings],
        visited_on=payload.visited_on,
        summary=payload.summary,
    )
    return _visit_out(monitoring.visit_get(council=council, pk=visit_id))


class VisitReasonIn(Schema):
    reason: str


def _visit_step(request, visit_id: int, step, **kwargs):
    require(request, Permission.QUALITY_MANAGE)
    council = signed_in_council(request, "Changing visits")
    visit = monitoring.visit_get(council=council, pk=visit_id)
    done = step(visit=visit, council=council, actor=request.auth, **kwargs)
    return _visit_out(monitoring.visit_get(council=council, pk=done.pk))


@router.post("/monitoring-visits/{visit_id}/sharing", response=VisitOut)
def visit_share(request, visit_id: int):
    """Share the draft with the provider: its 14-day factual-accuracy window opens."""
    return _visit_step(request, visit_id, services.visit_share)


@router.post("/monitoring-visits/{visit_id}/sign-off", response=VisitOut)
def visit_sign_off(request, visit_id: int):
    """Sign off and publish (another officer than the one who visited)."""
    return _visit_step(request, visit_id, services.visit_sign_off)


@router.post("/monitoring-visits/{visit_id}/sending-back", response=VisitOut)
def visit_send_back(request, visit_id: int, payload: VisitReasonIn):
    return _visit_step(request, visit_id, services.visit_send_back, reason=payload.reason)


@router.post("/monitoring-visits/{visit_id}/cancellation", response=VisitOut)
def visit_cancel(request, visit_id: int, payload: VisitReasonIn):
    return _visit_step(request, visit_id, services.visit_cancel, reason=payload.reason)


@router.post("/monitoring-visits/{visit_id}/versions", response={201: VisitOut})
def visit_new_version(request, visit_id: int, payload: VisitReasonIn):
    """A published report is never changed: a new version is drafted from it."""
    return 201, _visit_step(request, visit_id, services.visit_new_version, reason=payload.reason)


class CommentAnswerIn(Schema):
    response: str


@router.post("/monitoring-visits/{visit_id}/comments/{comment_id}/answer", response=CommentOut)
def comment_answer(request, visit_id: int, comment_id: int, payload: CommentAnswerIn):
    require(request, Permission.QUALITY_MANAGE)
    council = signed_in_council(request, "Answering comments")
    visit = monitoring.visit_get(council=council, pk=visit_id)
    c = services.comment_answer(
        comment=presenters.comment_of(visit=visit, pk=comment_id),
        council=council,
        actor=request.auth,
        response=payload.response,
    )
    return _comment_out(c)


# --- the provider's side -----------------------------------------------------------------------------------------


@router.get("/monitoring-reports", response=list[VisitOut])
def report_list(request):
    """The provider's reports from every council: drafts shared for comment, published reports, action plans."""
    require(request, Permission.QUALITY_RESPOND)
    provider = signed_in_provider(request, "Reading reports")
    return [_visit_out(v) for v in monitoring.reports_of(provider=provider)[:500]]


@router.get("/monitoring-reports/{visit_id}", response=VisitOut)
def report_get(request, visit_id: int):
    require(request, Permission.QUALITY_RESPOND)
    provider = signed_in_provider(request, "Reading reports")
    return _visit_out(monitoring.report_get(provider=provider, pk=visit_id))


class CommentIn(Schema):
    comment: str
    question: str = ""


@router.post("/monitoring-reports/{visit_id}/comments", response={201: CommentOut})
def report_comment(request, visit_id: int, payload: CommentIn):
    """Challenge a fact in a shared draft, within its factual-accuracy window."""
    require(request, Permission.QUALITY_RESPOND)
    provider = signed_in_provider(request, "Commenting on reports")
    visit = monitoring.report_get(provider=provider, pk=visit_id)
    c = services.accuracy_comment(
        visit=visit, provider=provider, actor=request.auth, comment=payload.comment, question_key=payload.question
    )
    return 201, _comment_out(c)


@router.post("/monitoring-reports/{visit_id}/comments-done", response=VisitOut)
def report_no_more_comments(request, visit_id: int):
    require(request, Permission.QUALITY_RESPOND)
    provider = signed_in_provider(request, "Commenting on reports")
    visit = monitoring.report_get(provider=provider, pk=visit_id)
    services.accuracy_done(visit=visit, provider=provider, actor=request.auth)
    return _visit_out(monitoring.report_get(provider=provider, pk=visit_id))


class ActionIn(Schema):
    question: str
    action: str
    owner: str
    due_on: date


class ActionPlanIn(Schema):
    actions: list[ActionIn]


def _plan_of(report):
    plan = getattr(report, "action_plan", None)
    if plan is None:
        raise ServiceError("This report asks for no action plan", status=409)
    return plan


@router.post("/monitoring-reports/{visit_id}/action-plan", response=VisitOut)
def report_action_plan(request, visit_id: int, payload: ActionPlanIn):
    """Send the action plan: at least one action per question rated Requires improvement or Poor."""
    require(request, Permission.QUALITY_RESPOND)
    provider = signed_in_provider(request, "Sending action plans")
    report = monitoring.report_get(provider=provider, pk=visit_id)
    services.action_plan_submit(
        plan=_plan_of(report),
        provider=provider,
        actor=request.auth,
        actions=[services.NewAction(a.question, a.action, a.owner, a.due_on) for a in payload.actions],
    )
    return _visit_out(monitoring.report_get(provider=provider, pk=visit_id))


class ActionUpdateIn(Schema):
    status: str
    progress: str


@router.post("/monitoring-reports/{visit_id}/actions/{action_id}", response=VisitOut)
def report_action_update(request, visit_id: int, action_id: int, payload: ActionUpdateIn):
    require(request, Permission.QUALITY_RESPOND)
    provider = signed_in_provider(request, "Updating actions")
    report = monitoring.report_get(provider=provider, pk=visit_id)
    services.action_update(
        action=presenters.action_of(report=report, pk=action_id),
        provider=provider,
        actor=request.auth,
        status=payload.status,
        progress=payload.progress,
    )
    return _visit_out(monitoring.report_get(provider=provider, pk=visit_id))


# --- complaints and compliments ----------------------------------------------------------------------------------


class ComplaintOut(Schema):
    id: int
    reference: str
    kind: str
    council: str
    provider_id: int
    provider: str
    placement_id: int | None
    category: str
    severity: str
    safeguarding: bool
    received_on: date
    summary: str
    status: str
    acknowledge_by: date | None
    respond_by: date | None
    acknowledged_on: date | None
    closed_on: date | None
    outcome: str
    response: str
    lessons: str


def _complaint_out(c) -> dict:
    return {
        **{f: getattr(c, f) for f in ComplaintOut.model_fields if hasattr(c, f) and f not in {"council", "provider"}},
        "council": c.council.name,
        "provider": c.provider.name,
    }


@router.get("/complaints", response=list[ComplaintOut])
def complaint_list(request, kind: str = ""):
    """The council's log, or a provider's log of complaints and compliments about itself."""
    require(request, Permission.COMPLAINTS)
    organisation = signed_in_organisation(request)
    return [_complaint_out(c) for c in monitoring.complaints(organisation=organisation, kind=kind or None)[:1000]]


class ComplaintIn(Schema):
    kind: str
    category: str
    severity: str = ""
    safeguarding: bool = False
    received_on: date
    summary: str
    provider_id: int | None = None
    council_id: int | None = None
    placement: str = ""


@router.post("/complaints", response={201: ComplaintOut})
def complaint_log(request, payload: ComplaintIn):
    require(request, Permission.COMPLAINTS)
    organisation = signed_in_organisation(request)
    data = {**payload.dict(), "provider": payload.provider_id, "council": payload.council_id}
    if organisation.is_provider and payload.council_id is None:
        raise ServiceError({"council_id": "Name the council whose care it is about"})
    if not organisation.is_provider and payload.provider_id is None:
        raise ServiceError({"provider_id": "Name the provider it is about"})
    made = services.complaint_log(**presenters.complaint_parties(organisation, data), actor=request.auth)
    return 201, _complaint_out(monitoring.complaint_get(organisation=organisation, pk=made.pk))


@router.post("/complaints/{complaint_id}/acknowledgement", response=ComplaintOut)
def complaint_acknowledge(request, complaint_id: int):
    require(request, Permission.COMPLAINTS)
    organisation = signed_in_organisation(request)
    found = monitoring.complaint_get(organisation=organisation, pk=complaint_id)
    services.complaint_acknowledge(complaint=found, organisation=organisation, actor=request.auth)
    return _complaint_out(monitoring.complaint_get(organisation=organisation, pk=complaint_id))


class CloseIn(Schema):
    outcome: str
    response: str
    lessons: str = ""


@router.post("/complaints/{complaint_id}/closure", response=ComplaintOut)
def complaint_close(request, complaint_id: int, payload: CloseIn):
    require(request, Permission.COMPLAINTS)
    organisation = signed_in_organisation(request)
    found = monitoring.complaint_get(organisation=organisation, pk=complaint_id)
    services.complaint_close(
        complaint=found,
        organisation=organisation,
        actor=request.auth,
        outcome=payload.outcome,
        response=payload.response,
        lessons=payload.lessons,
    )
    return _complaint_out(monitoring.complaint_get(organisation=organisation, pk=complaint_id))


# --- scorecards --------------------------------------------------------------------------------------------------


class FigureOut(Schema):
    code: str
    name: str
    value: Decimal | None
    rag: str | None
    basis: str


class ScorecardOut(Schema):
    council: str
    provider_id: int
    provider: str
    start: date
    end: date
    worked_out_at: datetime = Field(description="When the worker worked these figures out (every hour)")
    kpis: list[FigureOut]


@router.get("/scorecards", response={200: list[ScorecardOut], 202: JobOut})
def scorecard_list(
    request,
    months: str = "6",
    area_id: int | None = None,
    service_type_id: int | None = None,
    position: str | None = None,
):
    """Every KPI for the last 3, 6 or 12 months, as the worker last worked them out: a council reads every
    provider's scorecard, for the whole market or within an area, a service or a framework position (primary,
    secondary, reserve); a provider reads its own with each council it works with. A council whose figures for the
    period (and cut) were never worked out gets 202 with the job working them out."""
    organisation = signed_in_organisation(request)
    if organisation is not None and organisation.is_provider:
        require(request, Permission.QUALITY_RESPOND)
        from caremarket.accounts.selectors import council_get

        found = []
        for pk in presenters.councils_of(provider=organisation):
            council = council_get(pk=pk)
            page = presenters.scorecard_page(council=council, provider=organisation, months=months)
            if page["card"]:
                found.append({**page["card"], **_worked_out(council, page)})
        return found
    require(request, Permission.QUALITY_READ)
    council = signed_in_council(request, "Reading scorecards")
    cut = presenters.cut_of(council=council, area=area_id, service=service_type_id, position=position)
    page = presenters.scorecards_page(council=council, months=months, cut=cut)
    if page["kept"] is None:
        return 202, scorecards.scorecards_start(council=council, months=months, actor=request.auth, cut=cut)
    return [{**c, **_worked_out(council, page)} for c in page["cards"]]


def _worked_out(council, page) -> dict:
    return {
        "council": council.name,
        "start": page["start"],
        "end": page["end"],
        "worked_out_at": page["kept"].worked_out_at,
    }


@router.post("/scorecards/calculation", response={202: JobOut})
def scorecard_calculation(
    request,
    months: str = "6",
    area_id: int | None = None,
    service_type_id: int | None = None,
    position: str | None = None,
):
    """Work the council's scorecards (for the period and cut) out again now, in the worker: 202 with the job (poll
    its `url`)."""
    require(request, Permission.QUALITY_READ)
    council = signed_in_council(request, "Working out scorecards")
    cut = presenters.cut_of(council=council, area=area_id, service=service_type_id, position=position)
    return 202, scorecards.scorecards_start(council=council, months=months, actor=request.auth, cut=cut)


# --- reviews against the care plan -------------------------------------------------------------------------------


class ReviewOut(Schema):
    id: int
    council: str
    provider_id: int
    provider: str
    placement_id: int
    request_reference: str
    due_on: date
    reason: str
    status: str
    done_on: date | None
    outcomes_met: str
    notes: str
    next_step: str


def _review_out(r) -> dict:
    return {
        "id": r.pk,
        "council": r.council.name,
        "provider_id": r.provider_id,
        "provider": r.provider.name,
        "placement_id": r.placement_id,
        "request_reference": r.placement.request.reference,
        "due_on": r.due_on,
        "reason": r.reason,
        "status": r.status,
        "done_on": r.done_on,
        "outcomes_met": r.outcomes_met,
        "notes": r.notes,
        "next_step": r.next_step,
    }


@router.get("/reviews", response=list[ReviewOut])
def review_list(request, status: str = "due"):
    """Reviews against the care plan: a provider's own, or those of the council's placements (status: due or done)."""
    require(request, Permission.REVIEWS)
    organisation = signed_in_organisation(request)
    group = status if status in PLACEMENT_REVIEW.groups else None
    return [_review_out(r) for r in reviewing.reviews(organisation=organisation, group=group).order_by("due_on")[:1000]]


class ReviewIn(Schema):
    outcomes_met: str
    notes: str
    next_step: str


@router.post("/reviews/{review_id}/record", response=ReviewOut)
def review_record(request, review_id: int, payload: ReviewIn):
    """The provider records a review: whether the request's outcomes are met, what it found, and what happens next
    (a variation or a new request tells the council's brokers)."""
    require(request, Permission.QUALITY_RESPOND)
    provider = signed_in_provider(request, "Recording reviews")
    found = reviewing.review_get(organisation=provider, pk=review_id)
    reviewing.review_record(
        review=found,
        provider=provider,
        actor=request.auth,
        outcomes_met=payload.outcomes_met,
        notes=payload.notes,
        next_step=payload.next_step,
    )
    return _review_out(reviewing.review_get(organisation=provider, pk=review_id))


class AskIn(Schema):
    reason: str


@router.post("/reviews/{review_id}/ask-now", response=ReviewOut)
def review_ask(request, review_id: int, payload: AskIn):
    """Needs have changed: the placement's review is due now."""
    require(request, Permission.REVIEWS)
    organisation = signed_in_organisation(request)
    found = reviewing.review_get(organisation=organisation, pk=review_id)
    done = reviewing.review_ask(
        placement=found.placement, organisation=organisation, actor=request.auth, reason=payload.reason
    )
    return _review_out(reviewing.review_get(organisation=organisation, pk=done.pk))


class ScheduleIn(Schema):
    every_months: int


@router.put("/review-schedules/{service_type}", response=dict)
def review_schedule(request, service_type: str, payload: ScheduleIn):
    """How often the council's placements of a service are reviewed: every 1, 2 or 3 months."""
    require(request, Permission.QUALITY_MANAGE)
    council = signed_in_council(request, "Setting review schedules")
    found = next((s for s in presenters.service_types(council=council) if s.code == service_type), None)
    if found is None:
        raise ServiceError({"service_type": f"No service type '{service_type}' in your organisation"})
    row = reviewing.schedule_set(council=council, actor=request.auth, service_type=found, every=payload.every_months)
    return {"service_type": service_type, "every_months": row.every_months}


# --- the quality framework ---------------------------------------------------------------------------------------


class FrameworkRow(Schema):
    domain: str
    domain_title: str
    domain_weight: Decimal
    standard: str
    standard_title: str
    standard_weight: Decimal
    question: str
    text: str
    guidance: str = ""
    weight: Decimal = Decimal(1)
    services: list[str] = []


class FrameworkOut(Schema):
    version: int
    effective_from: date
    note: str
    scale: list[list]
    questions: list[FrameworkRow]


def _framework_out(version) -> dict:
    header, *rows = presenters.framework_sheet(version)
    keys = [h.replace(" ", "_") for h in header]
    questions = [dict(zip(keys, row, strict=True)) for row in rows]
    for q in questions:
        q["services"] = q["services"].split()
    return {
        "version": version.version,
        "effective_from": version.effective_from,
        "note": version.note,
        "scale": version.scale,
        "questions": questions,
    }


@router.get("/quality-framework", response=FrameworkOut)
def framework_get(request, version: int | None = None):
    """The framework in force today (or the version asked for): its scale and every question with its standard,
    domain and weights."""
    require(request, Permission.QUALITY_READ)
    council = signed_in_council(request, "Reading the quality framework")
    page = presenters.framework_page(council=council, version=str(version) if version else None)
    if page["chosen"] is None:
        raise ServiceError("No framework yet: it is installed when the first visit is planned", status=404)
    return _framework_out(page["chosen"])


class FrameworkIn(Schema):
    effective_from: date
    note: str = ""
    questions: list[FrameworkRow]


@router.post("/quality-framework/versions", response={201: FrameworkOut})
def framework_publish(request, payload: FrameworkIn):
    """A new version in force from a date (today or later), checked question by question like an upload."""
    require(request, Permission.QUALITY_MANAGE)
    council = signed_in_council(request, "Changing the quality framework")
    rows = [
        {**{k.replace("_", " "): v for k, v in q.dict().items() if k != "services"}, "services": " ".join(q.services)}
        for q in payload.questions
    ]
    version = services.framework_from_rows(
        council=council, actor=request.auth, rows=rows, effective_from=payload.effective_from, note=payload.note
    )
    return 201, _framework_out(version)


# -- satisfaction surveys and outcome measures ------------------------------------------------------------------------


class SurveyIn(Schema):
    title: str
    opens_on: date
    closes_on: date


class SurveyOut(Schema):
    id: int
    title: str
    opens_on: date
    closes_on: date


class SurveyResponseIn(Schema):
    provider_id: int
    respondent: str = Field(description="person or family")
    received_on: date
    answers: dict[str, int] = Field(description="Question code to score 1 to 5: overall, respect, safe, times, matters")
    comment: str = ""


class SurveyResponseOut(Schema):
    id: int
    provider_id: int
    respondent: str
    received_on: date


class QuestionResultOut(Schema):
    question: str
    text: str
    answered: int
    mean: Decimal | None
    satisfied: Decimal | None


class SurveyResultOut(Schema):
    provider_id: int
    provider: str
    responses: int
    by_respondent: dict[str, int]
    shown: bool
    results: list[QuestionResultOut]


@router.get("/surveys", response=list[SurveyOut])
def survey_list(request):
    """A council's surveys; a provider's, the surveys that asked about it."""
    require(request, Permission.SURVEYS)
    return list(surveying.surveys_for(organisation=signed_in_organisation(request)))


@router.post("/surveys", response={201: SurveyOut})
def survey_create(request, payload: SurveyIn):
    require(request, Permission.QUALITY_MANAGE)
    council = signed_in_council(request, "Setting up surveys")
    return 201, surveying.survey_create(council=council, actor=request.auth, **payload.dict())


@router.post("/surveys/{survey_id}/responses", response={201: SurveyResponseOut})
def survey_response(request, survey_id: int, payload: SurveyResponseIn):
    """One response about one provider, from paper, phone or an online survey tool."""
    require(request, Permission.QUALITY_MANAGE)
    council = signed_in_council(request, "Recording survey responses")
    survey = surveying.survey_for(organisation=council, pk=survey_id)
    return 201, surveying.survey_response_record(survey=survey, actor=request.auth, **payload.dict())


@router.get("/surveys/{survey_id}/results", response=list[SurveyResultOut])
def survey_results(request, survey_id: int):
    """Per provider: responses and results by question. A provider gets its own row, results withheld below 5
    responses; never a comment or a single response."""
    require(request, Permission.SURVEYS)
    organisation = signed_in_organisation(request)
    survey = surveying.survey_for(organisation=organisation, pk=survey_id)
    rows = surveying.survey_results(survey=survey, provider=organisation if organisation.is_provider else None)
    return [
        {
            **row,
            "results": [
                {
                    "question": r.question.code,
                    "text": r.question.text,
                    "answered": r.answered,
                    "mean": r.mean,
                    "satisfied": r.satisfied,
                }
                for r in row["results"]
            ],
        }
        for row in rows
    ]


class OutcomeMeasureIn(Schema):
    outcome: str = Field(description="One of the outcomes in the request, as written there")
    tool: str
    domain: str
    scale_min: Decimal
    scale_max: Decimal
    higher_is_better: bool = True
    score: Decimal
    measured_on: date
    note: str = ""


class OutcomeMeasureOut(Schema):
    id: int
    outcome: str
    tool: str
    domain: str
    scale_min: Decimal
    scale_max: Decimal
    higher_is_better: bool
    score: Decimal
    measured_on: date
    note: str


def _placement(request, placement_id: int):
    return brokerage.placement_for_organisation(organisation=signed_in_organisation(request), pk=placement_id)


@router.get("/placements/{placement_id}/outcome-measures", response=list[OutcomeMeasureOut])
def outcome_measures(request, placement_id: int):
    require(request, Permission.REVIEWS)
    placement = _placement(request, placement_id)
    brokerage_services.person_viewed(
        person=placement.person, viewer=request.auth, what=f"outcomes of placement {placement.pk}", via="api"
    )
    return [m for o in surveying.outcome_series(placement=placement) for s in o["series"] for m in s["measures"]]


@router.post("/placements/{placement_id}/outcome-measures", response={201: OutcomeMeasureOut})
def outcome_measure_record(request, placement_id: int, payload: OutcomeMeasureIn):
    require(request, Permission.REVIEWS)
    placement = _placement(request, placement_id)
    return 201, surveying.outcome_measure_record(placement=placement, actor=request.auth, **payload.dict())
