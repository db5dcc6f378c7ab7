"""Applications (provider-scoped), admissions and award runs for machine clients."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from ninja import File, Form, Router, Schema
from ninja.files import UploadedFile

from caremarket.accounts.api_auth import require
from caremarket.core.permissions import signed_in_council, signed_in_provider
from caremarket.domain.roles import Permission

from . import admissions, applications, selectors

router = Router(tags=["applications and admissions"])


def _provider(request):
    return signed_in_provider(request, "Applying to an arrangement")


def _council(request):
    return signed_in_council(request, "Evaluating applications")


class OpportunityOut(Schema):
    id: int
    council: str
    reference: str
    title: str
    mechanism: str
    lots: list[str]

    @staticmethod
    def resolve_council(obj) -> str:
        return obj.council.name

    @staticmethod
    def resolve_lots(obj) -> list[str]:
        return [f"{lot.number}: {lot.title}" for lot in obj.lots.all()]


class AnswerIn(Schema):
    question_id: int
    meets: bool | None = None
    response: str = ""
    expires_on: date | None = None


class ApplicationIn(Schema):
    lots: list[int] = []
    areas: list[str] = []
    answers: list[AnswerIn] = []
    prices: dict[str, Decimal] = {}
    offers_transport: bool = False
    one_to_one: bool = False
    complex_needs: bool = False
    age_min: int | None = None
    age_max: int | None = None
    cqc_location_id: str = ""


class ApplicationOut(Schema):
    id: int
    arrangement_id: int
    arrangement: str
    provider: str
    status: str
    submitted_at: datetime | None
    lots: list[int]
    areas: list[str]
    prices: dict[str, Decimal]

    @staticmethod
    def resolve_arrangement(obj) -> str:
        return obj.arrangement.reference

    @staticmethod
    def resolve_provider(obj) -> str:
        return obj.provider.name

    @staticmethod
    def resolve_lots(obj) -> list[int]:
        return sorted(lot.pk for lot in obj.lots.all())

    @staticmethod
    def resolve_areas(obj) -> list[str]:
        return sorted(a.code for a in obj.areas.all())

    @staticmethod
    def resolve_prices(obj) -> dict[str, Decimal]:
        return {(p.area.code if p.area else "all"): p.amount for p in obj.prices.all()}


class FeedbackOut(Schema):
    outcome: str
    reasons: str
    passed_pass_fail: bool
    quality_score: Decimal
    quality_threshold: Decimal
    price_score: Decimal | None
    total_score: Decimal | None
    rank: int | None
    ranked_out_of: int | None
    scores: list[dict]


class AdmissionOut(Schema):
    id: int
    arrangement: str
    lot: int
    provider: str
    area: str | None
    status: str
    position: str
    rank: int | None
    price: Decimal | None
    capacity: int | None
    capacity_declared_on: date | None

    @staticmethod
    def resolve_arrangement(obj) -> str:
        return obj.arrangement.reference

    @staticmethod
    def resolve_lot(obj) -> int:
        return obj.lot.number

    @staticmethod
    def resolve_provider(obj) -> str:
        return obj.provider.name

    @staticmethod
    def resolve_area(obj) -> str | None:
        return obj.area.code if obj.area else None


class AwardRunOut(Schema):
    id: int
    kind: str
    computed_at: datetime
    solve_seconds: Decimal
    total_score: Decimal
    result: dict


def _payload(body: ApplicationIn) -> dict:
    data = body.dict()
    data["answers"] = {a["question_id"]: a for a in data["answers"]}
    return data


@router.get("/opportunities", response=list[OpportunityOut])
def opportunities(request):
    require(request, Permission.APPLICATIONS_READ)
    _provider(request)
    return selectors.open_to_providers()


@router.get("/applications", response=list[ApplicationOut])
def my_applications(request):
    require(request, Permission.APPLICATIONS_READ)
    return selectors.application_list_for_provider(provider=_provider(request))


@router.post("/opportunities/{arrangement_id}/applications", response={201: ApplicationOut})
def start_application(request, arrangement_id: int, payload: ApplicationIn):
    require(request, Permission.APPLICATIONS_MANAGE)
    provider = _provider(request)
    arrangement = selectors.arrangement_for_provider(pk=arrangement_id)
    application = applications.application_start(
        arrangement=arrangement, provider=provider, actor=request.auth, **_payload(payload)
    )
    return 201, selectors.application_get_for_provider(provider=provider, pk=application.pk)


@router.get("/applications/{application_id}", response=ApplicationOut)
def get_application(request, application_id: int):
    require(request, Permission.APPLICATIONS_READ)
    return selectors.application_get_for_provider(provider=_provider(request), pk=application_id)


@router.put("/applications/{application_id}", response=ApplicationOut)
def save_application(request, application_id: int, payload: ApplicationIn):
    require(request, Permission.APPLICATIONS_MANAGE)
    provider = _provider(request)
    application = selectors.application_get_for_provider(provider=provider, pk=application_id)
    applications.application_save(application=application, actor=request.auth, **_payload(payload))
    return selectors.application_get_for_provider(provider=provider, pk=application_id)


class WithdrawIn(Schema):
    reason: str


@router.post("/applications/{application_id}/withdrawal", response=ApplicationOut)
def withdraw_application(request, application_id: int, payload: WithdrawIn):
    """Withdraw a draft, or a submitted application not yet decided; the provider may apply again."""
    require(request, Permission.APPLICATIONS_MANAGE)
    provider = _provider(request)
    application = selectors.application_get_for_provider(provider=provider, pk=application_id)
    applications.application_withdraw(application=application, actor=request.auth, reason=payload.reason)
    return selectors.application_get_for_provider(provider=provider, pk=application_id)


@router.post("/applications/{application_id}/submit", response=ApplicationOut)
def submit_application(request, application_id: int):
    require(request, Permission.APPLICATIONS_MANAGE)
    provider = _provider(request)
    application = selectors.application_get_for_provider(provider=provider, pk=application_id)
    applications.application_submit(application=application, actor=request.auth)
    return selectors.application_get_for_provider(provider=provider, pk=application_id)


@router.get("/applications/{application_id}/feedback", response=FeedbackOut)
def feedback(request, application_id: int):
    from django.http import Http404

    require(request, Permission.APPLICATIONS_READ)
    application = selectors.application_get_for_provider(provider=_provider(request), pk=application_id)
    decision = getattr(application, "decision", None)
    if decision is None:
        raise Http404("No decision yet")
    scores = [{**row, "weight": str(row["weight"])} for row in selectors.feedback_scores(application)]
    return {
        **{
            f: getattr(decision, f)
            for f in (
                "outcome",
                "reasons",
                "passed_pass_fail",
                "quality_score",
                "quality_threshold",
                "price_score",
                "total_score",
                "rank",
                "ranked_out_of",
            )
        },
        "scores": scores,
    }


@router.get("/admissions", response=list[AdmissionOut])
def my_admissions(request):
    require(request, Permission.APPLICATIONS_READ)
    return selectors.admissions_of_provider(provider=_provider(request))


class CapacityIn(Schema):
    capacity: int


@router.put("/admissions/{admission_id}/capacity", response=AdmissionOut)
def declare_capacity(request, admission_id: int, payload: CapacityIn):
    """The people the provider can support at once under one of its admissions."""
    require(request, Permission.APPLICATIONS_MANAGE)
    admission = selectors.admission_of_provider(provider=_provider(request), pk=admission_id)
    return admissions.admission_capacity_declare(admission=admission, actor=request.auth, capacity=payload.capacity)


@router.get("/arrangements/{arrangement_id}/applications", response=list[ApplicationOut])
def council_applications(request, arrangement_id: int):
    require(request, Permission.ARRANGEMENTS_READ)
    council = _council(request)
    arrangement = selectors.arrangement_get(council=council, pk=arrangement_id)
    return selectors.application_list_for_council(council=council, arrangement=arrangement)


@router.get("/arrangements/{arrangement_id}/admissions", response=list[AdmissionOut])
def council_admissions(request, arrangement_id: int, status: str = ""):
    require(request, Permission.ARRANGEMENTS_READ)
    council = _council(request)
    arrangement = selectors.arrangement_get(council=council, pk=arrangement_id)
    found = selectors.admission_list(council=council, arrangement=arrangement)
    return found.filter(status=status) if status else found


@router.get("/arrangements/{arrangement_id}/award-runs", response=list[AwardRunOut])
def award_runs(request, arrangement_id: int):
    """Positions and rankings as computed, newest first; earlier runs are kept."""
    require(request, Permission.ARRANGEMENTS_READ)
    return selectors.arrangement_get(council=_council(request), pk=arrangement_id).award_runs.all()


@router.post("/arrangements/{arrangement_id}/award-runs", response={201: AwardRunOut})
def compute_award(request, arrangement_id: int):
    require(request, Permission.ARRANGEMENTS_MANAGE)
    arrangement = selectors.arrangement_get(council=_council(request), pk=arrangement_id)
    if arrangement.mechanism == "ranked_framework":
        return 201, admissions.ranking_compute(arrangement=arrangement, actor=request.auth)
    return 201, admissions.positions_compute(arrangement=arrangement, actor=request.auth)


class ApplicationDocumentOut(Schema):
    id: int
    title: str
    confidential: bool


@router.post("/applications/{application_id}/documents", response={201: ApplicationDocumentOut})
def add_application_document(
    request, application_id: int, title: Form[str], confidential: Form[bool] = False, file: UploadedFile = File(...)
):
    """A document for a draft application; confidential ones are read only by the council's evaluators."""
    require(request, Permission.APPLICATIONS_MANAGE)
    application = selectors.application_get_for_provider(provider=_provider(request), pk=application_id)
    return 201, applications.document_add(
        application=application, actor=request.auth, title=title, file=file, confidential=confidential
    )
