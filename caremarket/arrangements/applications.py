"""Writes for the selection questionnaire, providers' applications, evaluation, moderation and decisions.

Applications have two owners: the provider writes its own, and the arrangement's council reads and
evaluates it. Nobody else reaches it (selectors scope both ways).
"""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from caremarket.accounts.models import Organisation, User
from caremarket.core.audit import audit_record, describe_actor, snapshot
from caremarket.core.errors import ServiceError
from caremarket.core.lifecycle import status_move
from caremarket.domain import arrangements as rules
from caremarket.domain import evaluation
from caremarket.domain.lifecycles import APPLICATION
from caremarket.reference.models import Area

from . import selectors
from .admissions import admissions_create
from .models import (
    Answer,
    Application,
    ApplicationDocument,
    ApplicationPrice,
    Arrangement,
    Decision,
    ModeratedScore,
    QualityScore,
    Question,
)


@transaction.atomic
def question_create(
    *,
    arrangement: Arrangement,
    actor,
    kind: str,
    text: str,
    guidance: str = "",
    weight: Decimal = Decimal(0),
    max_score: int = 0,
    asks_expiry: bool = False,
) -> Question:
    if arrangement.status_enum != rules.Status.DRAFT:
        raise ServiceError("The questionnaire is fixed once the arrangement opens")
    if kind not in {"pass-fail", "scored"}:
        raise ServiceError({"kind": "Choose pass or fail, or a scored quality question"})
    if not (text or "").strip():
        raise ServiceError({"text": "Enter the question"})
    if kind == "scored" and (weight is None or Decimal(weight) <= 0):
        raise ServiceError({"weight": "A scored question needs a weight above 0"})
    if kind == "scored" and not max_score or kind == "scored" and not 1 <= int(max_score) <= 100:
        raise ServiceError({"max_score": "A scored question needs a top score from 1 to 100"})
    number = (arrangement.questions.aggregate(highest=Max("number"))["highest"] or 0) + 1
    question = Question.objects.create(
        arrangement=arrangement,
        number=number,
        kind=kind,
        text=text.strip(),
        guidance=(guidance or "").strip(),
        weight=Decimal(weight or 0) if kind == "scored" else 0,
        max_score=int(max_score or 0) if kind == "scored" else 0,
        asks_expiry=asks_expiry,
    )
    audit_record(
        actor=actor,
        organisation=arrangement.council,
        action="question.created",
        target=question,
        after=snapshot(question),
    )
    return question


def _check_open(arrangement: Arrangement) -> None:
    if not selectors.accepts_applications(arrangement):
        raise ServiceError(rules.why_closed(arrangement.mechanism_enum, arrangement.status_enum), status=409)


@transaction.atomic
def application_start(*, arrangement: Arrangement, provider: Organisation, actor, **fields) -> Application:
    """Start an application and save its first draft in one transaction: if the draft fails its checks, nothing is
    left behind. A provider with a draft or submitted application already gets that one (saved when a draft)."""
    if not provider.is_provider:
        raise ServiceError("Only a provider can apply to an arrangement", status=403)
    _check_open(arrangement)
    existing = Application.objects.in_group("open").filter(arrangement=arrangement, provider=provider).first()
    if existing:
        return application_save(application=existing, actor=actor, **fields) if fields else existing
    application = Application.objects.create(arrangement=arrangement, provider=provider)
    audit_record(actor=actor, organisation=provider, action="application.started", target=application)
    return application_save(application=application, actor=actor, **fields)


def _draft(application: Application) -> None:
    if not APPLICATION.is_in(application.status, "being_written"):
        raise ServiceError(
            f"This application was submitted on {timezone.localtime(application.submitted_at):%-d %B %Y} and is locked",
            status=409,
        )


@transaction.atomic
def application_save(
    *,
    application: Application,
    actor,
    lots: list[int] | None = None,
    areas: list[str] | None = None,
    answers: dict[int, dict] | None = None,
    prices: dict[str, Decimal] | None = None,
    offers_transport: bool = False,
    one_to_one: bool = False,
    complex_needs: bool = False,
    age_min: int | None = None,
    age_max: int | None = None,
    cqc_location_id: str = "",
) -> Application:
    """Save a draft: everything is checked, but completeness only on submission."""
    application = Application.objects.select_for_update().get(pk=application.pk)
    _draft(application)
    arrangement = application.arrangement
    chosen_lots = list(arrangement.lots.filter(pk__in=lots or []))
    if len(chosen_lots) != len(set(lots or [])):
        raise ServiceError({"lots": "Choose lots of this arrangement"})
    offered_areas = {a.code: a for lot in chosen_lots for a in lot.areas.all()}
    unknown = sorted(set(areas or []) - set(offered_areas))
    if unknown:
        raise ServiceError({"areas": f"These areas are not in the lots you chose: {', '.join(unknown)}"})
    if age_min is not None and age_max is not None and age_max < age_min:
        raise ServiceError({"age_max": "The oldest age must be the same as or above the youngest"})
    for field, value in (("age_min", age_min), ("age_max", age_max)):
        if value is not None and not 0 <= value <= 120:
            raise ServiceError({field: "Ages are from 0 to 120"})
    clean_prices: dict[Area | None, Decimal] = {}
    for code, amount in (prices or {}).items():
        if amount in (None, ""):
            continue
        amount = Decimal(amount)
        if amount <= 0:
            raise ServiceError({f"price_{code}": "A price must be more than £0"})
        if amount != amount.quantize(Decimal("0.01")):
            raise ServiceError({f"price_{code}": "A price has at most 2 decimal places"})
        if code == "all":
            clean_prices[None] = amount
        elif code in offered_areas:
            clean_prices[offered_areas[code]] = amount
        else:
            raise ServiceError({f"price_{code}": f"No price for '{code}': it is not an area you applied for"})
    questions = {q.pk: q for q in arrangement.questions.all()}
    for question_id in answers or {}:
        if int(question_id) not in questions:
            raise ServiceError({"answers": "An answer names a question of another arrangement"})
    application.lots.set(chosen_lots)
    application.areas.set([offered_areas[c] for c in areas or []])
    application.offers_transport, application.one_to_one, application.complex_needs = (
        offers_transport,
        one_to_one,
        complex_needs,
    )
    application.age_min, application.age_max = age_min, age_max
    application.cqc_location_id = (cqc_location_id or "").strip()
    application.save()
    for question_id, answer in (answers or {}).items():
        Answer.objects.update_or_create(
            application=application,
            question=questions[int(question_id)],
            defaults={
                "meets": answer.get("meets"),
                "response": (answer.get("response") or "").strip(),
                "expires_on": answer.get("expires_on"),
            },
        )
    application.prices.all().delete()
    ApplicationPrice.objects.bulk_create(
        [ApplicationPrice(application=application, area=area, amount=amount) for area, amount in clean_prices.items()]
    )
    audit_record(
        actor=actor,
        organisation=application.provider,
        action="application.saved",
        target=application,
        after={
            "lots": sorted(lot.number for lot in chosen_lots),
            "areas": sorted(areas or []),
            "prices": {(a.code if a else "all"): str(p) for a, p in clean_prices.items()},
        },
    )
    return application


@transaction.atomic
def document_add(*, application: Application, actor, title: str, file, confidential: bool) -> ApplicationDocument:
    _draft(application)
    if not (title or "").strip():
        raise ServiceError({"title": "Enter the document's title"})
    if file is None:
        raise ServiceError({"file": "Choose a file"})
    if file.size > 10 * 1024 * 1024:
        raise ServiceError({"file": "The file must be smaller than 10 MB"})
    document = ApplicationDocument.objects.create(
        application=application, title=title.strip(), file=file, confidential=confidential
    )
    audit_record(
        actor=actor,
        organisation=application.provider,
        action="application_document.added",
        target=application,
        after={"title": document.title, "confidential": confidential},
    )
    return document


def missing_for_submission(application: Application) -> dict[str, str]:
    arrangement = application.arrangement
    problems: dict[str, str] = {}
    if not application.lots.exists():
        problems["lots"] = "Choose at least one lot"
    if (
        arrangement.lots.filter(pk__in=application.lots.all(), areas__isnull=False).exists()
        and not application.areas.exists()
    ):
        problems["areas"] = "Choose the areas you apply for"
    answers = {a.question_id: a for a in application.answers.all()}
    for question in arrangement.questions.all():
        answer = answers.get(question.pk)
        if question.kind == "pass-fail" and (answer is None or answer.meets is None):
            problems[f"q{question.pk}"] = f"Answer question {question.number}: {question.text[:60]}"
        elif question.kind == "pass-fail" and question.asks_expiry and not answer.expires_on:
            problems[f"q{question.pk}_expires_on"] = f"Give the expiry date for question {question.number}"
        elif question.kind == "scored" and (answer is None or not answer.response):
            problems[f"q{question.pk}"] = f"Answer question {question.number}: {question.text[:60]}"
    prices = {p.area_id: p for p in application.prices.all()}
    if arrangement.price_basis == "hour-per-area":
        for area in application.areas.all():
            if area.pk not in prices:
                problems[f"price_{area.code}"] = f"Give your hourly rate for {area.name}"
    elif arrangement.price_basis in {"day", "week"} and None not in prices:
        problems["price_all"] = f"Give your {arrangement.price_basis} rate"
    regulated = application.lots.filter(service_types__regulated_activity=True).exists()
    if regulated and not application.cqc_location_id:
        problems["cqc_location_id"] = "Give your CQC location id: the service involves personal care or medication"
    return problems


@transaction.atomic
def application_submit(*, application: Application, actor, now=None) -> Application:
    application = Application.objects.select_for_update().get(pk=application.pk)
    _draft(application)
    _check_open(application.arrangement)
    problems = missing_for_submission(application)
    if problems:
        raise ServiceError(problems)
    application.submitted_at = now or timezone.now()
    status_move(
        application,
        "submitted",
        lifecycle=APPLICATION,
        changed_by=describe_actor(actor)[0],
        also_save=("submitted_at",),
    )
    audit_record(
        actor=actor,
        organisation=application.provider,
        action="application.submitted",
        target=application,
        before={"status": "draft"},
        after={"status": "submitted", "submitted_at": application.submitted_at},
    )
    audit_record(
        actor=actor,
        organisation=application.arrangement.council,
        action="application.received",
        target=application,
        after={"provider": application.provider.name},
    )
    return application


@transaction.atomic
def application_withdraw(*, application: Application, actor, reason: str) -> Application:
    """The provider withdraws its application, a draft or one submitted and not yet decided; it can apply again
    while the arrangement is open. A council that had received it is told in its own log."""
    application = Application.objects.select_for_update().get(pk=application.pk)
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError({"reason": "Say why the application is withdrawn"})
    if not APPLICATION.can(application.status, "withdrawn"):
        raise ServiceError(
            f"This application is {application.get_status_display().lower()}: only one not yet decided can be "
            "withdrawn",
            status=409,
        )
    previous = status_move(application, "withdrawn", lifecycle=APPLICATION, changed_by=describe_actor(actor)[0])
    received = APPLICATION.is_in(previous, "sent")
    audit_record(
        actor=actor,
        organisation=application.provider,
        also=application.arrangement.council if received else (),
        action="application.withdrawn",
        target=application,
        before={"status": previous},
        after={"status": "withdrawn"},
        reason=reason,
    )
    return application


def _evaluable(application: Application, council: Organisation) -> None:
    if application.arrangement.council_id != council.pk:
        raise ServiceError("No such application", status=404)
    if not APPLICATION.is_in(application.status, "to_decide"):
        raise ServiceError("Only submitted applications awaiting a decision are evaluated", status=409)


@transaction.atomic
def score_record(
    *, application: Application, question: Question, evaluator: User, score: int, comment: str = ""
) -> QualityScore:
    _evaluable(application, evaluator.organisation)
    if question.arrangement_id != application.arrangement_id or question.kind != "scored":
        raise ServiceError({"question": "Score the scored questions of this arrangement"})
    try:
        evaluation.check_score(score, question.max_score)
    except evaluation.EvaluationError as exc:
        raise ServiceError({"score": exc.message}) from exc
    row, created = QualityScore.objects.update_or_create(
        application=application,
        question=question,
        evaluator=evaluator,
        defaults={"score": score, "comment": (comment or "").strip(), "scored_at": timezone.now()},
    )
    audit_record(
        actor=evaluator,
        organisation=evaluator.organisation,
        action="quality_score.recorded",
        target=application,
        after={"question": question.number, "score": score},
    )
    return row


@transaction.atomic
def score_moderate(
    *, application: Application, question: Question, moderator: User, score: int, reason: str = ""
) -> ModeratedScore:
    _evaluable(application, moderator.organisation)
    if question.arrangement_id != application.arrangement_id or question.kind != "scored":
        raise ServiceError({"question": "Moderate the scored questions of this arrangement"})
    try:
        evaluation.check_score(score, question.max_score)
    except evaluation.EvaluationError as exc:
        raise ServiceError({"score": exc.message}) from exc
    previous = selectors.current_moderated(application).get(question.pk)
    if previous is not None and previous.score != score and not (reason or "").strip():
        raise ServiceError(
            {
                "reason": f"The agreed score for question {question.number} is {previous.score}; "
                "give the reason for changing it"
            }
        )
    if previous is not None and previous.score == score:
        return previous
    row = ModeratedScore.objects.create(
        application=application, question=question, score=score, moderator=moderator, reason=(reason or "").strip()
    )
    audit_record(
        actor=moderator,
        organisation=moderator.organisation,
        action="moderated_score.agreed",
        target=application,
        before={"score": previous.score} if previous else None,
        after={"question": question.number, "score": score},
        reason=row.reason,
    )
    return row


def evaluate_arrangement(arrangement: Arrangement) -> dict[int, evaluation.Outcome]:
    """Quality first, price for those that pass, for every submitted application with agreed scores."""
    questions = [q for q in arrangement.questions.all() if q.kind == "scored"]
    specs = [evaluation.QuestionSpec(str(q.pk), q.weight, q.max_score) for q in questions]
    candidates = []
    # one query per relation for the whole field, not per application: a decision re-evaluates every applicant
    sent = arrangement.applications.in_group("sent").prefetch_related("moderated_scores", "answers__question", "prices")
    for application in sent:
        agreed = {str(k): v.score for k, v in selectors.current_moderated(application).items()}
        if specs and len([s for s in specs if s.key in agreed]) < len(specs):
            continue
        quality = evaluation.quality_score(agreed, specs) if specs else Decimal(100)
        passed = all(a.meets for a in application.answers.all() if a.question.kind == "pass-fail")
        prices = [p.amount for p in application.prices.all()]
        price = (sum(prices, Decimal(0)) / len(prices)).quantize(Decimal("0.01")) if prices else None
        candidates.append(evaluation.Candidate(str(application.pk), passed, quality, price))
    outcomes = evaluation.evaluate(
        candidates,
        quality_weight=arrangement.quality_weight,
        price_weight=arrangement.price_weight,
        quality_threshold=arrangement.quality_threshold,
    )
    return {int(o.key): o for o in outcomes}


@transaction.atomic
def application_decide(*, application: Application, actor: User, outcome: str, reasons: str) -> Decision:
    _evaluable(application, actor.organisation)
    if outcome not in {"admit", "reject"}:
        raise ServiceError({"outcome": "Choose to admit or not to admit"})
    if not (reasons or "").strip():
        raise ServiceError({"reasons": "Give the reasons for the decision; the provider reads them"})
    results = evaluate_arrangement(application.arrangement)
    result = results.get(application.pk)
    if result is None:
        raise ServiceError("Agree a moderated score for every scored question first", status=409)
    if outcome == "admit" and not (result.passed_pass_fail and result.passed_quality):
        raise ServiceError(
            {
                "outcome": "This application did not pass the pass/fail questions or the quality "
                "threshold, so it cannot be admitted"
            }
        )
    ranked = [r for r in results.values() if r.rank is not None]
    decision = Decision.objects.create(
        application=application,
        outcome=outcome,
        reasons=reasons.strip(),
        passed_pass_fail=result.passed_pass_fail,
        quality_score=result.quality,
        quality_threshold=application.arrangement.quality_threshold,
        price_score=result.price_score,
        total_score=result.total,
        rank=result.rank,
        ranked_out_of=len(ranked) if result.rank else None,
        low_price_flag=result.low_price,
        decided_by=actor,
    )
    status_move(
        application,
        "admitted" if outcome == "admit" else "rejected",
        lifecycle=APPLICATION,
        changed_by=describe_actor(actor)[0],
    )
    if outcome == "admit":
        admissions_create(application=application, decision=decision, actor=actor)
    audit_record(
        actor=actor,
        organisation=actor.organisation,
        also=application.provider,
        action=f"application.{application.status}",
        target=application,
        after=snapshot(decision, ["outcome", "quality_score", "price_score", "total_score", "rank", "low_price_flag"]),
        reason=decision.reasons,
    )
    return decision
