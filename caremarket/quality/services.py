"""Quality changes: the framework's versions, monitoring visits from plan to publication, the provider's comments
and action plans, complaints and compliments, and the timers the worker runs. Each audited; each refusal says
why and saves nothing."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone

from caremarket.accounts.models import Organisation
from caremarket.core.audit import audit_record, describe_actor, snapshot
from caremarket.core.errors import ServiceError
from caremarket.core.lifecycle import status_move, status_started
from caremarket.domain import quality
from caremarket.domain.lifecycles import ACTION_PLAN, COMPLAINT, MONITORING_VISIT, PLAN_ACTION

from . import notices
from .models import (
    AccuracyComment,
    ActionPlan,
    Complaint,
    ComplaintStatusChange,
    Finding,
    FrameworkQuestion,
    MonitoringVisit,
    PlanAction,
    QualityFramework,
    VisitStatusChange,
)

VISIT_HISTORY = (VisitStatusChange, "visit")
COMPLAINT_HISTORY = (ComplaintStatusChange, "complaint")
DEFAULT_FROM = date(2000, 1, 1)


def _refuse(exc: quality.QualityError, field: str = "__all__", status: int = 400):
    raise ServiceError({field: exc.message}, status=status) from exc


def _person(actor):
    return describe_actor(actor)[0]


# --- the framework ---------------------------------------------------------------------------------------------


def _rows(framework: quality.Framework) -> list[dict]:
    rows = []
    for d in framework.domains:
        for s in d.standards:
            for q in s.questions:
                rows.append(
                    {
                        "domain_key": d.key,
                        "domain_title": d.title,
                        "domain_weight": d.weight,
                        "standard_key": s.key,
                        "standard_title": s.title,
                        "standard_weight": s.weight,
                        "key": q.key,
                        "text": q.text,
                        "guidance": q.guidance,
                        "weight": q.weight,
                        "service_types": sorted(q.service_types),
                    }
                )
    return rows


@transaction.atomic
def framework_publish(
    *, council: Organisation, actor, framework: quality.Framework, effective_from: date, note: str = ""
) -> QualityFramework:
    """A new version of the council's framework, in force from `effective_from` (today or later, unless it is the
    first). Versions in force before keep rating the visits planned under them."""
    try:
        framework.check()
    except quality.QualityError as exc:
        _refuse(exc, "framework")
    versions = QualityFramework.objects.for_organisation(council)
    if versions.exists() and effective_from < timezone.localdate():
        raise ServiceError({"effective_from": "A new version takes effect today or later; past visits keep theirs"})
    if versions.filter(effective_from=effective_from).exists():
        raise ServiceError({"effective_from": f"A version already takes effect on {effective_from:%d %B %Y}"})
    version = QualityFramework.objects.create(
        council=council,
        version=(versions.order_by("-version").values_list("version", flat=True).first() or 0) + 1,
        effective_from=effective_from,
        scale=[[level.code, level.label, level.score] for level in framework.scale.levels],
        note=note.strip(),
        published_at=timezone.now(),
        published_by=_person(actor),
    )
    FrameworkQuestion.objects.bulk_create(
        FrameworkQuestion(framework=version, position=n, **row) for n, row in enumerate(_rows(framework), start=1)
    )
    audit_record(
        actor=actor,
        organisation=council,
        action="quality_framework.published",
        target=version,
        after={
            "version": version.version,
            "effective_from": effective_from.isoformat(),
            "questions": n_questions(version),
        },
        reason=note,
    )
    return version


def n_questions(version: QualityFramework) -> int:
    return version.questions.count()


def framework_for(*, council: Organisation, on: date) -> QualityFramework:
    """The version in force on a day; the default framework is installed the first time a council needs one."""
    found = (
        QualityFramework.objects.for_organisation(council)
        .filter(published_at__isnull=False, effective_from__lte=on)
        .first()
    )
    if found is not None:
        return found
    if QualityFramework.objects.for_organisation(council).exists():
        return QualityFramework.objects.for_organisation(council).order_by("effective_from").first()
    return framework_publish(
        council=council,
        actor=None,
        framework=quality.DEFAULT_FRAMEWORK,
        effective_from=DEFAULT_FROM,
        note="The framework Caremarket ships with",
    )


# --- monitoring visits -----------------------------------------------------------------------------------------


def _own_visit(visit: MonitoringVisit, council: Organisation) -> None:
    if visit.council_id != council.pk:
        raise ServiceError("No such visit in your organisation", status=404)


def _provider_visit(visit: MonitoringVisit, provider: Organisation) -> None:
    if visit.provider_id != provider.pk or visit.status_in("editable"):
        raise ServiceError("No such report shared with your organisation", status=404)


@transaction.atomic
def visit_plan(
    *, council: Organisation, actor, provider: Organisation, service_type, planned_for: date, reason: str = ""
) -> MonitoringVisit:
    if not getattr(provider, "is_provider", False):
        raise ServiceError({"provider": "Choose a provider"})
    if service_type.council_id != council.pk:
        raise ServiceError({"service_type": "Choose one of your service types"})
    if planned_for < timezone.localdate():
        raise ServiceError({"planned_for": "A visit is planned for today or later"})
    framework = framework_for(council=council, on=planned_for)
    try:
        with transaction.atomic():
            visit = MonitoringVisit.objects.create(
                council=council,
                provider=provider,
                service_type=service_type,
                framework=framework,
                planned_for=planned_for,
                lead=_person(actor),
                reason=(reason or "").strip(),
            )
    except IntegrityError:
        raise ServiceError(
            f"A visit to {provider.name} for {service_type.name} is already open: finish or cancel it first",
            status=409,
        ) from None
    status_started(visit, history=VISIT_HISTORY, changed_by=_person(actor), reason=visit.reason)
    audit_record(
        actor=actor,
        organisation=council,
        action="monitoring_visit.planned",
        target=visit,
        after=snapshot(visit, ["provider_id", "service_type_id", "planned_for", "framework_id"]),
        reason=visit.reason,
    )
    return visit


def visit_questions(visit: MonitoringVisit) -> list[FrameworkQuestion]:
    code = visit.service_type.code
    return [q for q in visit.framework.questions.all() if not q.service_types or code in q.service_types]


@dataclass(frozen=True)
class Rating:
    key: str
    rating: str
    evidence: str


@transaction.atomic
def visit_record(
    *,
    visit: MonitoringVisit,
    council: Organisation,
    actor,
    ratings: Iterable[Rating],
    visited_on: date | None,
    summary: str | None = None,
) -> MonitoringVisit:
    """Ratings and evidence for some or all questions; a visit being recorded, or a draft answered after the
    provider's comments, may change. Every rating is on the framework's scale and has its evidence."""
    visit = MonitoringVisit.objects.select_for_update().get(pk=visit.pk)
    _own_visit(visit, council)
    if not visit.status_in("open") or visit.status_in("with_provider"):
        raise ServiceError(
            "This report cannot change now: it is with the provider, or published (draft a new version)", status=409
        )
    scale = visit.framework.spec().scale
    questions = {q.key: q for q in visit_questions(visit)}
    errors = {}
    ratings = list(ratings)
    for r in ratings:
        if r.key not in questions:
            errors[f"rating-{r.key}"] = f"Question {r.key} is not asked of this service"
            continue
        try:
            scale.level(r.rating)
        except quality.QualityError as exc:
            errors[f"rating-{r.key}"] = f"Question {r.key}: {exc.message}"
        if not r.evidence.strip():
            errors[f"evidence-{r.key}"] = f"Question {r.key}: record the evidence for the rating"
    if visited_on is not None and visited_on > timezone.localdate():
        errors["visited_on"] = "The visit date cannot be in the future"
    if errors:
        raise ServiceError(errors)
    for r in ratings:
        Finding.objects.update_or_create(
            visit=visit,
            question=questions[r.key],
            defaults={"rating": r.rating, "evidence": r.evidence.strip(), "recorded_at": timezone.now()},
        )
    fields = []
    if visited_on is not None:
        visit.visited_on = visited_on
        fields.append("visited_on")
    if summary is not None:
        visit.summary = summary.strip()
        fields.append("summary")
    if fields:
        visit.save(update_fields=fields)
    if visit.status_in("planned"):
        status_move(visit, "drafting", lifecycle=MONITORING_VISIT, changed_by=_person(actor), history=VISIT_HISTORY)
    audit_record(
        actor=actor,
        organisation=council,
        action="monitoring_visit.recorded",
        target=visit,
        after={"ratings": {r.key: r.rating for r in ratings}},
    )
    return visit


def rollup_of(visit: MonitoringVisit) -> quality.Rollup:
    ratings = {f.question.key: f.rating for f in visit.findings.select_related("question")}
    return quality.roll_up(visit.framework.spec(), ratings, visit.service_type.code)


def _rate(visit: MonitoringVisit) -> quality.Rollup:
    try:
        rollup = rollup_of(visit)
    except quality.QualityError as exc:
        _refuse(exc, status=409)
    if visit.visited_on is None:
        raise ServiceError({"visited_on": "Record the date of the visit first"}, status=409)
    visit.overall = rollup.overall.level.code
    visit.overall_score = rollup.overall.score
    visit.explanation = rollup.explanation()
    return rollup


@transaction.atomic
def visit_share(*, visit: MonitoringVisit, council: Organisation, actor, today: date | None = None):
    """Share the draft with the provider: its factual-accuracy window opens for 14 days."""
    visit = MonitoringVisit.objects.select_for_update().get(pk=visit.pk)
    _own_visit(visit, council)
    today = today or timezone.localdate()
    _rate(visit)
    visit.shared_on = today
    visit.accuracy_closes_on = quality.accuracy_window_closes(today)
    status_move(
        visit,
        "shared",
        lifecycle=MONITORING_VISIT,
        changed_by=_person(actor),
        history=VISIT_HISTORY,
        also_save=("shared_on", "accuracy_closes_on", "overall", "overall_score", "explanation"),
    )
    audit_record(
        actor=actor,
        organisation=council,
        also=visit.provider,
        action="monitoring_visit.shared",
        target=visit,
        after={"draft_rating": visit.overall, "comments_until": visit.accuracy_closes_on.isoformat()},
    )
    notices.draft_shared(visit)
    return visit


@transaction.atomic
def accuracy_comment(
    *,
    visit: MonitoringVisit,
    provider: Organisation,
    actor,
    comment: str,
    question_key: str = "",
    today: date | None = None,
) -> AccuracyComment:
    """The provider challenges a fact in the draft, within its window."""
    visit = MonitoringVisit.objects.select_for_update().get(pk=visit.pk)
    _provider_visit(visit, provider)
    today = today or timezone.localdate()
    if not visit.status_in("with_provider") or today > visit.accuracy_closes_on:
        closed = visit.accuracy_closes_on
        raise ServiceError(
            f"The factual-accuracy window closed on {closed:%d %B %Y}"
            if closed
            else "This draft is not open for comment",
            status=409,
        )
    if not (comment or "").strip():
        raise ServiceError({"comment": "Say which fact is wrong and what is right"})
    finding = None
    if question_key:
        finding = visit.findings.filter(question__key=question_key).first()
        if finding is None:
            raise ServiceError({"question": f"Question {question_key} is not in this report"})
    row = AccuracyComment.objects.create(visit=visit, finding=finding, comment=comment.strip(), made_by=_person(actor))
    audit_record(
        actor=actor,
        organisation=provider,
        also=visit.council,
        action="monitoring_visit.commented",
        target=visit,
        after={"question": question_key or None},
        reason=row.comment,
    )
    return row


@transaction.atomic
def accuracy_done(*, visit: MonitoringVisit, provider: Organisation, actor) -> MonitoringVisit:
    """The provider has no more comments: the draft goes for sign-off without waiting for the window to close."""
    visit = MonitoringVisit.objects.select_for_update().get(pk=visit.pk)
    _provider_visit(visit, provider)
    return _to_sign_off(visit, actor, "The provider has no more comments")


def _to_sign_off(visit: MonitoringVisit, actor, reason: str) -> MonitoringVisit:
    status_move(
        visit,
        "signing-off",
        lifecycle=MONITORING_VISIT,
        changed_by=_person(actor),
        history=VISIT_HISTORY,
        reason=reason,
    )
    audit_record(
        actor=actor,
        organisation=visit.council,
        also=visit.provider,
        action="monitoring_visit.to_sign_off",
        target=visit,
        reason=reason,
    )
    notices.report_to_sign_off(visit)
    return visit


@transaction.atomic
def comment_answer(*, comment: AccuracyComment, council: Organisation, actor, response: str) -> AccuracyComment:
    _own_visit(comment.visit, council)
    if not (response or "").strip():
        raise ServiceError({"response": "Say what was changed, or why the finding stands"})
    comment.response = response.strip()
    comment.responded_by = _person(actor)
    comment.responded_at = timezone.now()
    comment.save(update_fields=["response", "responded_by", "responded_at"])
    audit_record(
        actor=actor,
        organisation=council,
        also=comment.visit.provider,
        action="monitoring_visit.comment_answered",
        target=comment.visit,
        reason=comment.response,
    )
    return comment


@transaction.atomic
def visit_sign_off(*, visit: MonitoringVisit, council: Organisation, actor, today: date | None = None):
    """A second officer signs the report off and it is published; Requires improvement or Poor asks the provider
    for an action plan within 14 days; the next visit falls due (six months after either)."""
    visit = MonitoringVisit.objects.select_for_update().get(pk=visit.pk)
    _own_visit(visit, council)
    reviewer = _person(actor)
    if reviewer is None or reviewer.pk == visit.lead_id:
        raise ServiceError("A report is signed off by another officer than the one who visited", status=403)
    today = today or timezone.localdate()
    unanswered = visit.comments.filter(response="").count()
    if unanswered:
        raise ServiceError(f"Answer the provider's {unanswered} comment(s) before signing off", status=409)
    rollup = _rate(visit)
    visit.reviewer = reviewer
    visit.published_on = today
    visit.revisit_due_on = quality.revisit_due(today, visit.overall)
    status_move(
        visit,
        "published",
        lifecycle=MONITORING_VISIT,
        changed_by=reviewer,
        history=VISIT_HISTORY,
        also_save=("reviewer", "published_on", "revisit_due_on", "overall", "overall_score", "explanation"),
    )
    if visit.supersedes_id:
        old = MonitoringVisit.objects.select_for_update().get(pk=visit.supersedes_id)
        status_move(
            old,
            "superseded",
            lifecycle=MONITORING_VISIT,
            changed_by=reviewer,
            history=VISIT_HISTORY,
            reason=f"Version {visit.version} published",
        )
    if rollup.scale.needs_action(visit.overall) and not hasattr(visit, "action_plan"):
        ActionPlan.objects.create(visit=visit, due_on=quality.action_plan_due(today))
        notices.action_plan_due(visit)
    audit_record(
        actor=actor,
        organisation=council,
        also=visit.provider,
        action="monitoring_visit.published",
        target=visit,
        after={
            "overall": visit.overall,
            "score": str(visit.overall_score),
            "revisit_due_on": str(visit.revisit_due_on),
        },
    )
    return visit


def _move_for_reason(visit, council, actor, to: str, reason: str, missing: str, action: str) -> MonitoringVisit:
    visit = MonitoringVisit.objects.select_for_update().get(pk=visit.pk)
    _own_visit(visit, council)
    if not (reason or "").strip():
        raise ServiceError({"reason": missing})
    status_move(
        visit, to, lifecycle=MONITORING_VISIT, changed_by=_person(actor), history=VISIT_HISTORY, reason=reason.strip()
    )
    audit_record(actor=actor, organisation=council, action=action, target=visit, reason=reason)
    return visit


@transaction.atomic
def visit_send_back(*, visit: MonitoringVisit, council: Organisation, actor, reason: str) -> MonitoringVisit:
    """The reviewer sends the report back to the visiting officer to look at again."""
    return _move_for_reason(
        visit, council, actor, "drafting", reason, "Say what the visiting officer should look at again",
        "monitoring_visit.sent_back",
    )  # fmt: skip


@transaction.atomic
def visit_cancel(*, visit: MonitoringVisit, council: Organisation, actor, reason: str) -> MonitoringVisit:
    return _move_for_reason(
        visit, council, actor, "cancelled", reason, "Say why the visit is cancelled", "monitoring_visit.cancelled"
    )


@transaction.atomic
def visit_new_version(*, visit: MonitoringVisit, council: Organisation, actor, reason: str) -> MonitoringVisit:
    """A published report is never changed: a new version starts from its findings and, once signed off,
    supersedes it. The old one stays readable."""
    visit = MonitoringVisit.objects.select_for_update().get(pk=visit.pk)
    _own_visit(visit, council)
    if not visit.status_in("published"):
        raise ServiceError("Only a published report gets a new version", status=409)
    if not (reason or "").strip():
        raise ServiceError({"reason": "Say why the published report needs a new version"})
    try:
        with transaction.atomic():
            draft = MonitoringVisit.objects.create(
                council=council,
                provider=visit.provider,
                service_type=visit.service_type,
                framework=visit.framework,
                version=visit.version + 1,
                supersedes=visit,
                status=MONITORING_VISIT.state("drafting"),
                planned_for=visit.planned_for,
                visited_on=visit.visited_on,
                lead=_person(actor),
                reason=reason.strip(),
                summary=visit.summary,
            )
    except IntegrityError:
        raise ServiceError("A visit to this provider for this service is already open", status=409) from None
    Finding.objects.bulk_create(
        Finding(visit=draft, question_id=f.question_id, rating=f.rating, evidence=f.evidence)
        for f in visit.findings.all()
    )
    status_started(draft, history=VISIT_HISTORY, changed_by=_person(actor), reason=draft.reason)
    audit_record(
        actor=actor,
        organisation=council,
        action="monitoring_visit.new_version",
        target=draft,
        after={"supersedes": visit.pk, "version": draft.version},
        reason=draft.reason,
    )
    return draft


# --- action plans ----------------------------------------------------------------------------------------------


def plan_issues(plan: ActionPlan) -> list[Finding]:
    """The findings rated Requires improvement or Poor: each needs at least one action."""
    scale = plan.visit.framework.spec().scale
    return [f for f in plan.visit.findings.select_related("question") if scale.needs_action(f.rating)]


@dataclass(frozen=True)
class NewAction:
    question_key: str
    action: str
    owner: str
    due_on: date | None


@transaction.atomic
def action_plan_submit(
    *, plan: ActionPlan, provider: Organisation, actor, actions: Iterable[NewAction], today: date | None = None
) -> ActionPlan:
    plan = ActionPlan.objects.select_for_update().select_related("visit").get(pk=plan.pk)
    _provider_visit(plan.visit, provider)
    if not plan.status_in("due"):
        raise ServiceError("This action plan has already been sent", status=409)
    today = today or timezone.localdate()
    issues = {f.question.key: f for f in plan_issues(plan)}
    actions = [a for a in actions if a.action.strip() or a.owner.strip() or a.due_on]
    for a in actions:
        if a.due_on is None:
            raise ServiceError({f"due-{a.question_key}": f"Give a date for the action on question {a.question_key}"})
    try:
        quality.check_action_plan(
            list(issues),
            [quality.PlannedAction(a.question_key, a.action, a.owner, a.due_on) for a in actions],
            today,
        )
    except quality.QualityError as exc:
        _refuse(exc, "actions")
    PlanAction.objects.bulk_create(
        PlanAction(
            plan=plan,
            finding=issues[a.question_key],
            action=a.action.strip(),
            owner=a.owner.strip(),
            due_on=a.due_on,
            updated_by=_person(actor),
        )
        for a in actions
    )
    plan.submitted_at = timezone.now()
    plan.submitted_by = _person(actor)
    status_move(
        plan, "submitted", lifecycle=ACTION_PLAN, changed_by=_person(actor), also_save=("submitted_at", "submitted_by")
    )
    audit_record(
        actor=actor,
        organisation=provider,
        also=plan.visit.council,
        action="action_plan.submitted",
        target=plan.visit,
        after={"actions": len(actions), "late": today > plan.due_on},
    )
    return plan


@transaction.atomic
def action_update(*, action: PlanAction, provider: Organisation, actor, status: str, progress: str = "") -> PlanAction:
    action = PlanAction.objects.select_for_update().select_related("plan__visit").get(pk=action.pk)
    _provider_visit(action.plan.visit, provider)
    if status not in PLAN_ACTION.states:
        raise ServiceError({"status": "Choose not started, in progress or done"})
    if not (progress or "").strip():
        raise ServiceError({"progress": "Say what has been done"})
    before = action.status
    if status != before:
        status_move(action, status, lifecycle=PLAN_ACTION, changed_by=_person(actor))
    action.progress = progress.strip()
    action.updated_at = timezone.now()
    action.updated_by = _person(actor)
    action.save(update_fields=["status", "progress", "updated_at", "updated_by"])
    plan = action.plan
    if plan.status_in("submitted") and not plan.actions.in_group("open").exists():
        plan.completed_at = timezone.now()
        status_move(plan, "completed", lifecycle=ACTION_PLAN, changed_by=_person(actor), also_save=("completed_at",))
    audit_record(
        actor=actor,
        organisation=provider,
        also=plan.visit.council,
        action="action_plan.action_updated",
        target=plan.visit,
        before={"status": before},
        after={"status": status},
        reason=action.progress,
    )
    return action


# --- complaints and compliments --------------------------------------------------------------------------------


@dataclass(frozen=True)
class NewComplaint:
    kind: str
    category: str
    severity: str
    safeguarding: bool
    received_on: date | None
    summary: str
    placement: object = None
    person: object = None


@transaction.atomic
def complaint_log(
    *,
    council: Organisation,
    provider: Organisation,
    actor,
    organisation: Organisation,
    new: NewComplaint,
    respond_working_days: int = quality.RESPOND_WORKING_DAYS,
) -> Complaint:
    """A complaint or compliment about a provider, logged by the council or by the provider itself."""
    errors = {}
    if new.kind not in quality.COMPLAINT_KINDS:
        errors["kind"] = "Choose complaint or compliment"
    if new.category not in quality.COMPLAINT_CATEGORIES:
        errors["category"] = "Choose what the complaint or compliment is about"
    if new.kind == "complaint" and new.severity not in quality.SEVERITIES:
        errors["severity"] = "Choose how serious the complaint is"
    if new.received_on is None:
        errors["received_on"] = "Enter the date it was received"
    elif new.received_on > timezone.localdate():
        errors["received_on"] = "The date it was received cannot be in the future"
    if not (new.summary or "").strip():
        errors["summary"] = "Say what the complaint or compliment is"
    if not getattr(provider, "is_provider", False):
        errors["provider"] = "Choose a provider"
    if new.placement is not None and (
        new.placement.provider_id != provider.pk or new.placement.request.council_id != council.pk
    ):
        errors["placement"] = "That placement is not with this provider for this council"
    if errors:
        raise ServiceError(errors)
    compliment = new.kind == "compliment"
    complaint = Complaint.objects.create(
        council=council,
        provider=provider,
        placement=new.placement,
        person=new.person or (new.placement.request.person if new.placement is not None else None),
        kind=new.kind,
        category=new.category,
        severity="" if compliment else new.severity,
        safeguarding=bool(new.safeguarding) and not compliment,
        received_on=new.received_on,
        summary=new.summary.strip(),
        status=COMPLAINT.state("closed" if compliment else "to_acknowledge"),
        closed_on=new.received_on if compliment else None,
        acknowledge_by=None if compliment else quality.acknowledge_by(new.received_on),
        respond_by=None if compliment else quality.respond_by(new.received_on, respond_working_days),
        logged_by=_person(actor),
        logged_by_organisation=organisation,
    )
    status_started(complaint, history=COMPLAINT_HISTORY, changed_by=_person(actor))
    other = provider if organisation.pk == council.pk else council
    audit_record(
        actor=actor,
        organisation=organisation,
        also=other,
        action=f"{complaint.kind}.logged",
        target=complaint,
        after=snapshot(complaint, ["kind", "category", "severity", "safeguarding", "received_on"]),
    )
    notices.complaint_logged(complaint)
    return complaint


def _may_handle(complaint: Complaint, organisation: Organisation) -> None:
    if organisation.pk not in (complaint.council_id, complaint.provider_id):
        raise ServiceError("No such complaint in your organisation", status=404)


@transaction.atomic
def complaint_acknowledge(*, complaint: Complaint, organisation: Organisation, actor, on: date | None = None):
    complaint = Complaint.objects.select_for_update().get(pk=complaint.pk)
    _may_handle(complaint, organisation)
    on = on or timezone.localdate()
    if on < complaint.received_on:
        raise ServiceError({"on": "A complaint is acknowledged on or after the day it was received"})
    complaint.acknowledged_on = on
    status_move(
        complaint,
        "acknowledged",
        lifecycle=COMPLAINT,
        changed_by=_person(actor),
        history=COMPLAINT_HISTORY,
        also_save=("acknowledged_on",),
    )
    audit_record(
        actor=actor,
        organisation=organisation,
        also=[complaint.council, complaint.provider],
        action="complaint.acknowledged",
        target=complaint,
        after={"on": on.isoformat(), "late": on > complaint.acknowledge_by},
    )
    return complaint


@transaction.atomic
def complaint_close(
    *,
    complaint: Complaint,
    organisation: Organisation,
    actor,
    outcome: str,
    response: str,
    lessons: str = "",
    on: date | None = None,
) -> Complaint:
    complaint = Complaint.objects.select_for_update().get(pk=complaint.pk)
    _may_handle(complaint, organisation)
    errors = {}
    if outcome not in quality.OUTCOMES:
        errors["outcome"] = "Choose upheld, partly upheld or not upheld"
    if not (response or "").strip():
        errors["response"] = "Say how the complaint was answered"
    if errors:
        raise ServiceError(errors)
    complaint.outcome = outcome
    complaint.response = response.strip()
    complaint.lessons = (lessons or "").strip()
    complaint.closed_on = on or timezone.localdate()
    status_move(
        complaint,
        "closed",
        lifecycle=COMPLAINT,
        changed_by=_person(actor),
        history=COMPLAINT_HISTORY,
        also_save=("outcome", "response", "lessons", "closed_on"),
    )
    audit_record(
        actor=actor,
        organisation=organisation,
        also=[complaint.council, complaint.provider],
        action="complaint.closed",
        target=complaint,
        after={"outcome": outcome, "late": complaint.closed_on > complaint.respond_by},
        reason=complaint.lessons,
    )
    return complaint


# --- the timers the worker runs --------------------------------------------------------------------------------


def quality_timers(today: date | None = None) -> dict[str, int]:
    """Windows that have closed go for sign-off; overdue plans, complaints and re-audits are told to the people who
    must act, once each."""
    today = today or timezone.localdate()
    done = {"windows_closed": 0, "plans_overdue": 0, "complaints_overdue": 0, "revisits_due": 0}
    for visit in MonitoringVisit.objects.in_group("with_provider").filter(accuracy_closes_on__lt=today):
        with transaction.atomic():
            locked = MonitoringVisit.objects.select_for_update().get(pk=visit.pk)
            if locked.status_in("with_provider"):
                _to_sign_off(
                    locked, None, f"The factual-accuracy window closed on {locked.accuracy_closes_on:%d %B %Y}"
                )
                done["windows_closed"] += 1
    for plan in ActionPlan.objects.in_group("due").filter(due_on__lt=today).select_related("visit__provider"):
        notices.action_plan_overdue(plan)
        done["plans_overdue"] += 1
    for complaint in Complaint.objects.in_group("open").select_related("provider", "council"):
        if (complaint.status_in("to_acknowledge") and complaint.acknowledge_by < today) or complaint.respond_by < today:
            notices.complaint_overdue(complaint, today)
            done["complaints_overdue"] += 1
    for visit in (
        MonitoringVisit.objects.in_group("published")
        .filter(revisit_due_on__lte=today)
        .select_related("provider", "council", "service_type")
    ):
        if (
            not MonitoringVisit.objects.filter(
                council=visit.council_id,
                provider=visit.provider_id,
                service_type=visit.service_type_id,
                planned_for__gt=visit.planned_for,
            )
            .outside_group("cancelled")
            .exists()
        ):
            notices.revisit_due(visit)
            done["revisits_due"] += 1
    return done


def decimal_or_none(value) -> Decimal | None:
    return None if value in (None, "") else Decimal(str(value))


MAX_FRAMEWORK_ROWS = 2_000


def framework_upload(
    *, council: Organisation, actor, file_name: str, content: bytes, effective_from: date, note: str = ""
) -> QualityFramework:
    """A new version from the council's own sheet (CSV or XLSX, the columns of the download), checked row by row
    and published from `effective_from`; its scale stays the one in force."""
    from caremarket.core.spreadsheets import TooManyRows, read_rows

    if not file_name.lower().endswith((".csv", ".xlsx")):
        raise ServiceError({"file": "Choose a CSV or Excel (.xlsx) file"})
    try:
        rows = read_rows(file_name, content, max_rows=MAX_FRAMEWORK_ROWS)
    except TooManyRows:
        raise ServiceError({"file": f"A framework has at most {MAX_FRAMEWORK_ROWS:,} questions"}) from None
    except (UnicodeDecodeError, ValueError, KeyError, OSError) as exc:
        raise ServiceError({"file": f"The file cannot be read as CSV or Excel ({exc.__class__.__name__})"}) from exc
    return framework_from_rows(council=council, actor=actor, rows=rows, effective_from=effective_from, note=note)


def framework_from_rows(*, council: Organisation, actor, rows, effective_from: date, note: str = ""):
    current = framework_for(council=council, on=timezone.localdate())
    try:
        framework = quality.framework_from_sheet(rows, current.spec().scale)
    except quality.QualityError as exc:
        _refuse(exc, "file")
    return framework_publish(
        council=council, actor=actor, framework=framework, effective_from=effective_from, note=note
    )
