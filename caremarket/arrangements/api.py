"""Arrangements, lots and windows for machine clients. Councils read their own; providers read those open to them
(when applications exist); commissioners' tokens create and move them."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from ninja import Field, File, Form, Router, Schema
from ninja.files import UploadedFile

from caremarket.accounts.api_auth import acting_person, require
from caremarket.core.permissions import signed_in_council
from caremarket.domain.roles import Permission

from . import admissions, applications, selectors, services

router = Router(tags=["arrangements"])


def _council(request):
    return signed_in_council(request, "Managing arrangements")


class LotOut(Schema):
    id: int
    number: int
    title: str
    description: str
    service_types: list[str]
    areas: list[str]
    need_levels: list[int]

    @staticmethod
    def resolve_service_types(obj) -> list[str]:
        return sorted(s.code for s in obj.service_types.all())

    @staticmethod
    def resolve_areas(obj) -> list[str]:
        return sorted(a.code for a in obj.areas.all())

    @staticmethod
    def resolve_need_levels(obj) -> list[int]:
        return sorted(n.pk for n in obj.need_levels.all())


class WindowOut(Schema):
    id: int
    opens_at: datetime
    closes_at: datetime
    reason: str
    unmet_need: str
    closed_at: datetime | None


class ArrangementOut(Schema):
    id: int
    reference: str
    title: str
    description: str
    mechanism: str
    regime: str
    status: str
    starts_on: date
    ends_on: date
    max_extension_months: int
    estimated_value: Decimal
    quality_weight: Decimal
    price_weight: Decimal
    quality_threshold: Decimal
    cap_level_1: int | None
    cap_level_2: int | None
    window_every_months: int | None
    price_basis: str
    kpi_weight: Decimal
    response_hours: Decimal
    accepts_applications: bool
    lots: list[LotOut]
    windows: list[WindowOut]

    @staticmethod
    def resolve_accepts_applications(obj) -> bool:
        return selectors.accepts_applications(obj)

    @staticmethod
    def resolve_lots(obj):
        return list(obj.lots.all())

    @staticmethod
    def resolve_windows(obj):
        return list(obj.windows.all())


class ArrangementIn(Schema):
    reference: str
    title: str
    description: str = ""
    mechanism: str
    regime: str
    starts_on: date
    ends_on: date
    max_extension_months: int = 0
    estimated_value: Decimal
    contact_name: str = ""
    contact_email: str = ""
    contact_phone: str = ""
    quality_weight: Decimal = Decimal(60)
    price_weight: Decimal = Decimal(40)
    quality_threshold: Decimal = Decimal(60)
    cap_level_1: int | None = None
    cap_level_2: int | None = None
    window_every_months: int | None = None
    window_length_days: int = 28
    price_basis: str = "none"
    kpi_weight: Decimal = Decimal(50)


class ArrangementChangeIn(Schema):
    """Only the fields given change; once an arrangement is live, only its description, contacts and response
    time can."""

    title: str | None = None
    description: str | None = None
    starts_on: date | None = None
    ends_on: date | None = None
    max_extension_months: int | None = None
    estimated_value: Decimal | None = None
    contact_name: str | None = None
    contact_email: str | None = None
    contact_phone: str | None = None
    quality_weight: Decimal | None = None
    price_weight: Decimal | None = None
    quality_threshold: Decimal | None = None
    cap_level_1: int | None = None
    cap_level_2: int | None = None
    window_every_months: int | None = None
    window_length_days: int | None = None
    price_basis: str | None = None
    kpi_weight: Decimal | None = None
    response_hours: Decimal | None = Field(None, description="Working hours a provider has to answer a referral")


class LotIn(Schema):
    title: str
    description: str = ""
    service_types: list[str]
    areas: list[str]
    need_levels: list[int] = []


class TransitionIn(Schema):
    to_status: str
    reason: str = ""
    closes_at: datetime | None = None


class WindowIn(Schema):
    reason: str
    unmet_need: str = ""
    closes_at: datetime


@router.get("/arrangements", response=list[ArrangementOut])
def list_arrangements(request, status: str = ""):
    require(request, Permission.ARRANGEMENTS_READ)
    return [
        selectors.arrangement_get(council=_council(request), pk=a.pk)
        for a in selectors.arrangement_list(council=_council(request), status=status)
    ]


@router.get("/arrangements/{arrangement_id}", response=ArrangementOut)
def get_arrangement(request, arrangement_id: int):
    require(request, Permission.ARRANGEMENTS_READ)
    return selectors.arrangement_get(council=_council(request), pk=arrangement_id)


@router.post("/arrangements", response={201: ArrangementOut})
def create_arrangement(request, payload: ArrangementIn):
    require(request, Permission.ARRANGEMENTS_MANAGE)
    council = _council(request)
    arrangement = services.arrangement_create(council=council, actor=request.auth, **payload.dict())
    return 201, selectors.arrangement_get(council=council, pk=arrangement.pk)


@router.post("/arrangements/{arrangement_id}/lots", response={201: LotOut})
def create_lot(request, arrangement_id: int, payload: LotIn):
    require(request, Permission.ARRANGEMENTS_MANAGE)
    arrangement = selectors.arrangement_get(council=_council(request), pk=arrangement_id)
    return 201, services.lot_create(arrangement=arrangement, actor=request.auth, **payload.dict())


@router.post("/arrangements/{arrangement_id}/transitions", response=ArrangementOut)
def transition(request, arrangement_id: int, payload: TransitionIn):
    require(request, Permission.ARRANGEMENTS_MANAGE)
    council = _council(request)
    arrangement = selectors.arrangement_get(council=council, pk=arrangement_id)
    services.arrangement_transition(arrangement=arrangement, actor=request.auth, **payload.dict())
    return selectors.arrangement_get(council=council, pk=arrangement_id)


@router.post("/arrangements/{arrangement_id}/windows", response={201: WindowOut})
def open_window(request, arrangement_id: int, payload: WindowIn):
    require(request, Permission.ARRANGEMENTS_MANAGE)
    arrangement = selectors.arrangement_get(council=_council(request), pk=arrangement_id)
    return 201, services.window_open(arrangement=arrangement, actor=request.auth, **payload.dict())


@router.patch("/arrangements/{arrangement_id}", response=ArrangementOut)
def change_arrangement(request, arrangement_id: int, payload: ArrangementChangeIn):
    require(request, Permission.ARRANGEMENTS_MANAGE)
    council = _council(request)
    arrangement = selectors.arrangement_get(council=council, pk=arrangement_id)
    services.arrangement_update(arrangement=arrangement, actor=request.auth, **payload.dict(exclude_unset=True))
    return selectors.arrangement_get(council=council, pk=arrangement_id)


class QuestionIn(Schema):
    kind: str = Field(description="pass-fail or scored")
    text: str
    guidance: str = ""
    weight: Decimal = Decimal(0)
    max_score: int = 0
    asks_expiry: bool = False


class QuestionOut(Schema):
    id: int
    kind: str
    text: str
    guidance: str
    weight: Decimal
    max_score: int
    asks_expiry: bool


class DocumentOut(Schema):
    id: int
    title: str


@router.post("/arrangements/{arrangement_id}/questions", response={201: QuestionOut})
def create_question(request, arrangement_id: int, payload: QuestionIn):
    require(request, Permission.ARRANGEMENTS_MANAGE)
    arrangement = selectors.arrangement_get(council=_council(request), pk=arrangement_id)
    return 201, applications.question_create(arrangement=arrangement, actor=request.auth, **payload.dict())


@router.post("/arrangements/{arrangement_id}/documents", response={201: DocumentOut})
def add_document(request, arrangement_id: int, title: Form[str], file: UploadedFile = File(...)):
    require(request, Permission.ARRANGEMENTS_MANAGE)
    arrangement = selectors.arrangement_get(council=_council(request), pk=arrangement_id)
    return 201, services.arrangement_document_add(arrangement=arrangement, actor=request.auth, title=title, file=file)


# Evaluation and admissions ----------------------------------------------------------------------------------------


class ScoreIn(Schema):
    question_id: int
    score: int
    comment: str = ""


class ModeratedIn(Schema):
    question_id: int
    score: int
    reason: str = ""


class ScoreOut(Schema):
    id: int
    question_id: int
    score: int


class DecisionIn(Schema):
    outcome: str = Field(description="admit or reject")
    reasons: str


class DecisionOut(Schema):
    id: int
    outcome: str
    quality_score: Decimal | None
    price_score: Decimal | None
    total_score: Decimal | None
    rank: int | None
    reasons: str


class SuspendIn(Schema):
    reason_code: str
    reason: str = ""
    all_of_provider: bool = False


class AdmissionChangeIn(Schema):
    reason: str


class AdmissionStatusOut(Schema):
    id: int
    provider: str = Field(alias="provider.name")
    lot: int = Field(alias="lot.number")
    area: str | None = None
    status: str
    position: str
    rank: int | None

    @staticmethod
    def resolve_area(obj) -> str | None:
        return obj.area.code if obj.area_id else None


def _evaluated(request, arrangement_id: int, application_id: int):
    council = _council(request)
    arrangement = selectors.arrangement_get(council=council, pk=arrangement_id)
    application = selectors.application_get_for_council(council=council, pk=application_id)
    if application.arrangement_id != arrangement.pk:
        from django.http import Http404

        raise Http404("No such application on this arrangement")
    return arrangement, application


def _question(arrangement, question_id: int):
    found = arrangement.questions.filter(pk=question_id, kind="scored").first()
    if found is None:
        from caremarket.core.errors import ServiceError

        raise ServiceError({"question_id": "Score the scored questions of this arrangement"})
    return found


@router.post("/arrangements/{arrangement_id}/applications/{application_id}/scores", response={201: ScoreOut})
def score_application(request, arrangement_id: int, application_id: int, payload: ScoreIn):
    """An evaluator's own score for a scored question."""
    require(request, Permission.APPLICATIONS_EVALUATE)
    arrangement, application = _evaluated(request, arrangement_id, application_id)
    return 201, applications.score_record(
        application=application,
        question=_question(arrangement, payload.question_id),
        evaluator=acting_person(request),
        score=payload.score,
        comment=payload.comment,
    )


@router.post("/arrangements/{arrangement_id}/applications/{application_id}/moderated-scores", response={201: ScoreOut})
def moderate_application(request, arrangement_id: int, application_id: int, payload: ModeratedIn):
    """The agreed score for a question, by a moderator."""
    require(request, Permission.APPLICATIONS_DECIDE)
    arrangement, application = _evaluated(request, arrangement_id, application_id)
    return 201, applications.score_moderate(
        application=application,
        question=_question(arrangement, payload.question_id),
        moderator=acting_person(request),
        score=payload.score,
        reason=payload.reason,
    )


@router.post("/arrangements/{arrangement_id}/applications/{application_id}/decision", response={201: DecisionOut})
def decide_application(request, arrangement_id: int, application_id: int, payload: DecisionIn):
    require(request, Permission.APPLICATIONS_DECIDE)
    _, application = _evaluated(request, arrangement_id, application_id)
    return 201, applications.application_decide(application=application, actor=acting_person(request), **payload.dict())


@router.post("/admissions/{admission_id}/suspension", response=list[AdmissionStatusOut])
def suspend_admission(request, admission_id: int, payload: SuspendIn):
    """Suspend at once: no new work is routed to the provider."""
    require(request, Permission.ADMISSIONS_SUSPEND)
    admission = selectors.admission_get(council=_council(request), pk=admission_id)
    return admissions.admission_suspend(admission=admission, actor=request.auth, **payload.dict())


@router.post("/admissions/{admission_id}/reinstatement", response=AdmissionStatusOut)
def reinstate_admission(request, admission_id: int, payload: AdmissionChangeIn):
    require(request, Permission.ADMISSIONS_SUSPEND)
    admission = selectors.admission_get(council=_council(request), pk=admission_id)
    return admissions.admission_reinstate(admission=admission, actor=request.auth, reason=payload.reason)


@router.post("/admissions/{admission_id}/removal", response=AdmissionStatusOut)
def remove_admission(request, admission_id: int, payload: AdmissionChangeIn):
    """Remove (exclude) a provider from a lot, with the reason."""
    require(request, Permission.ADMISSIONS_SUSPEND)
    admission = selectors.admission_get(council=_council(request), pk=admission_id)
    return admissions.admission_remove(admission=admission, actor=request.auth, reason=payload.reason)
