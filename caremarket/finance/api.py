"""Finance for machine clients, as in the browser. Providers: delivery records (one, a file, the list) and
remittances. Councils: rates, uplifts and which rate applies, the cost of care, payment rules and blocks of hours,
contributions and funding routes, payment runs (create, calculate, approve, mark paid, lines, exports) and holds."""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal

from django.http import HttpResponse
from ninja import Field, File, Router, Schema
from ninja.files import UploadedFile

from caremarket.accounts.api_auth import require
from caremarket.core.jobs import JobOut
from caremarket.core.models import Job
from caremarket.core.permissions import signed_in_council, signed_in_provider
from caremarket.domain.roles import Permission
from caremarket.reference import selectors as reference
from caremarket.reference import services as reference_services

from . import delivery, exports, rates, reconciliation, runs, selectors, services, statements

router = Router(tags=["finance"])


def _provider(request):
    return signed_in_provider(request, "Recording delivery")


def _council(request):
    return signed_in_council(request, "Paying providers")


class DeliveryIn(Schema):
    placement_id: int
    day: date
    start: time | None = Field(None, description="Visits: the start time")
    end: time | None = Field(None, description="Visits: the end time")
    carers: int = 1


class DeliveryOut(Schema):
    id: int
    placement_id: int
    kind: str
    day: date
    start: time | None
    end: time | None
    minutes: int
    carers: int
    source: str


class RateOut(Schema):
    id: int
    arrangement: str = Field(alias="arrangement.reference")
    kind: str
    service_type_id: int | None
    need_level_id: int | None
    area_id: int | None
    provider_id: int | None
    add_on: str
    unit: str
    amount: Decimal
    starts_on: date
    ends_on: date | None
    floor_flags: str


class RunOut(Schema):
    id: int
    period_start: date
    period_end: date
    status: str
    total: Decimal
    held_total: Decimal
    calculated_at: datetime | None
    approved_at: datetime | None


class RemittanceLineOut(Schema):
    day: date
    placement_id: int | None
    kind: str
    description: str
    quantity: Decimal
    unit: str
    rate: Decimal
    amount: Decimal


class RemittanceOut(Schema):
    run_id: int
    council: str
    period_start: date
    period_end: date
    status: str
    total: Decimal
    lines: list[RemittanceLineOut]


@router.post("/delivery-records", response={201: DeliveryOut})
def record_delivery(request, payload: DeliveryIn):
    require(request, Permission.DELIVERY_RECORD)
    data = payload.dict()
    return 201, delivery.delivery_record(
        provider=_provider(request),
        actor=request.auth,
        placement_id=data["placement_id"],
        day=data["day"].isoformat(),
        start=data["start"].strftime("%H:%M") if data["start"] else None,
        end=data["end"].strftime("%H:%M") if data["end"] else None,
        carers=data["carers"],
        source="api",
    )


@router.get("/remittances", response=list[RemittanceOut])
def remittances(request):
    require(request, Permission.DELIVERY_RECORD)
    provider = _provider(request)
    return [
        _remittance(selectors.provider_remittance(provider=provider, run_id=r["run_id"]), provider)
        for r in selectors.provider_remittances(provider=provider)
    ]


@router.get("/remittances/{run_id}", response=RemittanceOut)
def remittance(request, run_id: int):
    require(request, Permission.DELIVERY_RECORD)
    provider = _provider(request)
    return _remittance(selectors.provider_remittance(provider=provider, run_id=run_id), provider)


def _remittance(run, provider) -> dict:
    lines = exports.remittance_lines(run, provider.pk, for_provider=True)
    return {
        "run_id": run.pk,
        "council": run.council.name,
        "period_start": run.period_start,
        "period_end": run.period_end,
        "status": run.status,
        "total": sum((line.amount for line in lines), Decimal("0.00")),
        "lines": lines,
    }


@router.get("/rates", response=list[RateOut])
def rate_list(request, arrangement_id: int | None = None):
    require(request, Permission.RATES_READ)
    return selectors.rate_list(council=_council(request), arrangement_id=arrangement_id)


@router.get("/payment-runs", response=list[RunOut])
def run_list(request):
    require(request, Permission.PAYMENTS_RUN)
    return selectors.run_list(council=_council(request))


@router.get("/payment-runs/{run_id}", response=RunOut)
def run_get(request, run_id: int):
    require(request, Permission.PAYMENTS_RUN)
    return selectors.run_get(council=_council(request), pk=run_id)


@router.post("/payment-runs/{run_id}/calculation", response={202: JobOut})
def run_calculate(request, run_id: int):
    """Starts the calculation in the worker and answers at once: follow the job (`GET /api/v1/jobs/{id}`) until it
    is done. Asked again while it runs, the same job is returned and nothing more is started."""
    require(request, Permission.PAYMENTS_RUN)
    run = selectors.run_get(council=_council(request), pk=run_id)
    return 202, runs.payment_run_calculation_start(run=run, actor=request.auth)


# Providers: delivery records --------------------------------------------------------------------------------------


class UploadErrorOut(Schema):
    problem: str = Field("", description="The kind of problem, e.g. Not a date")
    column: str
    row: int = Field(description="The first row with it")
    message: str = Field(description="That row's problem in full")
    rows: list[int] = Field(default_factory=list, description="The rows with it (the first 50)")
    count: int = Field(1, description="How many rows have it")


class UploadOut(Schema):
    id: int
    file_name: str
    status: str = Field(description="accepted, or rejected whole with its errors")
    rows: int
    created: int
    already_recorded: int
    errors: list[UploadErrorOut] = Field(description="Each distinct problem once, with its rows")
    error_count: int = Field(description="How many rows' errors in all")
    skipped: int = Field(0, description="Visit rows left without times: planned, not delivered")
    uploaded_at: datetime


@router.get("/delivery-records", response=list[DeliveryOut])
def delivery_list(
    request, placement_id: int | None = None, day_from: date | None = None, day_to: date | None = None, limit: int = 500
):
    """The provider's delivery records, newest first."""
    require(request, Permission.DELIVERY_RECORD)
    found = selectors.delivery_records(
        provider=_provider(request), placement_id=placement_id, day_from=day_from, day_to=day_to
    )
    return found[: max(1, min(limit, 5000))]


@router.post("/delivery-uploads", response={201: UploadOut, 202: JobOut})
def delivery_upload(request, file: UploadedFile = File(...)):
    """A CSV or XLSX file in the template's columns: checked row by row and accepted or rejected whole. A file over
    256 KB is checked in the worker: the answer is 202 with the job, whose `link` is the upload when it is done."""
    require(request, Permission.DELIVERY_RECORD)
    made = delivery.deliveries_upload_start(
        provider=_provider(request), actor=request.auth, file_name=file.name or "upload.csv", content=file.read()
    )
    return (202 if isinstance(made, Job) else 201), made


# Councils: rates ---------------------------------------------------------------------------------------------------


class RateIn(Schema):
    arrangement_id: int
    kind: str = Field(description="set, provider, weekly, bespoke or add-on")
    unit: str = Field(description="hour, day, session, week or package")
    amount: Decimal
    starts_on: date
    service_type_id: int | None = None
    need_level_id: int | None = None
    area_id: int | None = None
    provider_id: int | None = None
    add_on: str = ""
    reason: str = ""


class SupersedeIn(Schema):
    amount: Decimal
    starts_on: date
    reason: str


class UpliftIn(Schema):
    arrangement_id: int
    kind: str = Field("", description="Only rates of this kind; empty for every rate of the arrangement")
    percent: Decimal
    starts_on: date
    reason: str = ""


class RateExplainOut(Schema):
    placement_id: int
    day: date
    amount: Decimal | None
    unit: str | None
    explanation: str


class CostOfCareIn(Schema):
    name: str = "Cost of care"
    starts_on: date
    pay_per_hour: Decimal
    on_costs_percent: Decimal
    travel_percent: Decimal
    mileage_per_hour: Decimal
    training_percent: Decimal
    supervision_percent: Decimal
    overheads_percent: Decimal
    return_percent: Decimal


class CostOfCareOut(CostOfCareIn):
    id: int
    hourly_rate: Decimal


@router.post("/rates", response={201: RateOut})
def rate_create(request, payload: RateIn):
    require(request, Permission.RATES_MANAGE)
    council = _council(request)
    data = payload.dict()
    return 201, rates.rate_create(
        council=council,
        actor=request.auth,
        arrangement=selectors.live_arrangement_get(council=council, pk=data["arrangement_id"]),
        kind=data["kind"],
        unit=data["unit"],
        amount=data["amount"],
        starts_on=data["starts_on"],
        **selectors.rate_targets(
            council=council,
            service_type=data["service_type_id"],
            need_level=data["need_level_id"],
            area=data["area_id"],
            provider=data["provider_id"],
        ),
        add_on=data["add_on"].strip().lower(),
        reason=data["reason"],
    )


@router.get("/rates/{int:rate_id}", response=RateOut)
def rate_get(request, rate_id: int):
    require(request, Permission.RATES_READ)
    return selectors.rate_get(council=_council(request), pk=rate_id)


@router.get("/rates/{int:rate_id}/history", response=list[RateOut])
def rate_history(request, rate_id: int):
    """Every dated version of the rate (the same key: kind, arrangement, service, need, area, provider, supported
    living band, add-on), earliest first."""
    require(request, Permission.RATES_READ)
    council = _council(request)
    return selectors.rate_history(council=council, rate=selectors.rate_get(council=council, pk=rate_id))


@router.post("/rates/{int:rate_id}/supersede", response={201: RateOut})
def rate_supersede(request, rate_id: int, payload: SupersedeIn):
    """A new amount from a date; the earlier rate is kept and payments already made are adjusted in the next run."""
    require(request, Permission.RATES_MANAGE)
    rate = selectors.rate_get(council=_council(request), pk=rate_id)
    return 201, rates.rate_supersede(rate=rate, actor=request.auth, **payload.dict())


@router.post("/rates/uplift", response={201: list[RateOut]})
def rates_uplift(request, payload: UpliftIn):
    require(request, Permission.RATES_MANAGE)
    council = _council(request)
    selectors.live_arrangement_get(council=council, pk=payload.arrangement_id)
    chosen = selectors.rate_list(council=council, arrangement_id=payload.arrangement_id)
    if payload.kind:
        chosen = chosen.filter(kind=payload.kind)
    return 201, rates.rates_uplift(
        council=council,
        actor=request.auth,
        rates=list(chosen),
        percent=payload.percent,
        starts_on=payload.starts_on,
        reason=payload.reason,
    )


@router.get("/placements/{placement_id}/rate", response=RateExplainOut)
def rate_explain(request, placement_id: int, day: date):
    """Which rate applies to a placement on a day, and why."""
    require(request, Permission.RATES_READ)
    placement = selectors.council_placement(council=_council(request), pk=placement_id)
    rate, why = selectors.rate_explain(placement, day)
    return {
        "placement_id": placement.pk,
        "day": day,
        "amount": rate.amount if rate else None,
        "unit": rate.unit if rate else None,
        "explanation": why,
    }


@router.get("/cost-of-care", response=list[CostOfCareOut])
def cost_of_care_list(request):
    require(request, Permission.RATES_READ)
    return reference.cost_of_care_list(council=_council(request))


@router.post("/cost-of-care", response={201: CostOfCareOut})
def cost_of_care_create(request, payload: CostOfCareIn):
    """Save a cost of care exercise from a date: its hourly rate becomes a floor that low rates are flagged against."""
    require(request, Permission.RATES_MANAGE)
    return 201, reference_services.cost_of_care_create(council=_council(request), actor=request.auth, **payload.dict())


# Councils: payment rules, blocks, contributions, funding routes ---------------------------------------------------


class PaymentRulesIn(Schema):
    arrangement_id: int
    starts_on: date
    pay_on: str = Field(description="actual or planned")
    minimum_minutes: int = 0
    weekend_percent: Decimal = Decimal(0)
    bank_holiday_percent: Decimal = Decimal(0)


class PaymentRulesOut(Schema):
    id: int
    arrangement: str = Field(alias="arrangement.reference")
    pay_on: str
    minimum_minutes: int
    weekend_percent: Decimal
    bank_holiday_percent: Decimal
    starts_on: date
    ends_on: date | None


class HoursBlockIn(Schema):
    arrangement_id: int
    provider_id: int
    area_id: int
    hours_per_week: Decimal
    amount_per_hour: Decimal
    starts_on: date
    ends_on: date | None = None


class HoursBlockOut(Schema):
    id: int
    arrangement: str = Field(alias="arrangement.reference")
    provider_id: int
    area_id: int
    hours_per_week: Decimal
    amount_per_hour: Decimal
    starts_on: date
    ends_on: date | None


class ContributionIn(Schema):
    person_id: int
    weekly_amount: Decimal
    starts_on: date


class ContributionOut(Schema):
    id: int
    person_id: int
    weekly_amount: Decimal
    starts_on: date
    ends_on: date | None


class FundingRouteIn(Schema):
    funding_route: str = Field(description="gross, net, direct-payment or isf")


class FundingRouteOut(Schema):
    placement_id: int = Field(alias="pk")
    funding_route: str


@router.get("/payment-rules", response=list[PaymentRulesOut])
def payment_rules_list(request):
    require(request, Permission.RATES_READ)
    return selectors.payment_rules(council=_council(request))


@router.post("/payment-rules", response={201: PaymentRulesOut})
def payment_rules_set(request, payload: PaymentRulesIn):
    """Rules for an arrangement from a date; the rules in force before end the day before."""
    require(request, Permission.RATES_MANAGE)
    council = _council(request)
    data = payload.dict()
    arrangement = selectors.live_arrangement_get(council=council, pk=data.pop("arrangement_id"))
    return 201, services.payment_rules_set(council=council, actor=request.auth, arrangement=arrangement, **data)


@router.get("/hours-blocks", response=list[HoursBlockOut])
def hours_block_list(request):
    require(request, Permission.RATES_READ)
    return selectors.hours_blocks(council=_council(request))


@router.post("/hours-blocks", response={201: HoursBlockOut})
def hours_block_create(request, payload: HoursBlockIn):
    require(request, Permission.RATES_MANAGE)
    council = _council(request)
    data = payload.dict()
    return 201, services.hours_block_create(
        council=council,
        actor=request.auth,
        arrangement=selectors.live_arrangement_get(council=council, pk=data.pop("arrangement_id")),
        provider=selectors.provider_get(pk=data.pop("provider_id")),
        area=selectors.council_area(council=council, pk=data.pop("area_id")),
        **data,
    )


@router.get("/contributions", response=list[ContributionOut])
def contribution_list(request, person_id: int | None = None):
    require(request, Permission.PAYMENTS_RUN)
    found = selectors.contribution_list(council=_council(request))
    return found.filter(person_id=person_id) if person_id else found


@router.post("/contributions", response={201: ContributionOut})
def contribution_set(request, payload: ContributionIn):
    """A person's assessed weekly contribution from a date; the earlier assessment is kept."""
    require(request, Permission.PAYMENTS_RUN)
    council = _council(request)
    person = selectors.council_person(council=council, pk=payload.person_id)
    return 201, services.contribution_set(
        council=council,
        actor=request.auth,
        person=person,
        weekly_amount=payload.weekly_amount,
        starts_on=payload.starts_on,
    )


@router.put("/placements/{placement_id}/funding-route", response=FundingRouteOut)
def funding_route_set(request, placement_id: int, payload: FundingRouteIn):
    require(request, Permission.PAYMENTS_RUN)
    council = _council(request)
    placement = selectors.council_placement(council=council, pk=placement_id)
    return services.funding_route_set(
        council=council, actor=request.auth, placement=placement, funding_route=payload.funding_route
    )


# Councils: payment runs and holds ----------------------------------------------------------------------------------


class RunIn(Schema):
    period_start: date
    period_end: date


class LineOut(Schema):
    id: int
    provider_id: int
    placement_id: int | None
    person_id: int | None
    key: str
    kind: str
    day: date
    quantity: Decimal
    unit: str
    rate: Decimal
    amount: Decimal
    description: str
    flagged: bool
    held: bool
    adjusts_id: int | None
    committed: bool


class HoldIn(Schema):
    reason: str
    provider_id: int | None = None
    placement_id: int | None = None


class HoldOut(Schema):
    id: int
    provider_id: int | None
    placement_id: int | None
    reason: str
    created_at: datetime
    released_at: datetime | None


@router.post("/payment-runs", response={201: RunOut})
def run_create(request, payload: RunIn):
    require(request, Permission.PAYMENTS_RUN)
    return 201, runs.payment_run_create(council=_council(request), actor=request.auth, **payload.dict())


@router.post("/payment-runs/{run_id}/approval", response=RunOut)
def run_approve(request, run_id: int):
    """Approval by a second finance officer: never the one who calculated the run."""
    require(request, Permission.PAYMENTS_RUN)
    return runs.payment_run_approve(run=selectors.run_get(council=_council(request), pk=run_id), actor=request.auth)


@router.post("/payment-runs/{run_id}/payment", response=RunOut)
def run_mark_paid(request, run_id: int):
    require(request, Permission.PAYMENTS_RUN)
    return runs.payment_run_mark_paid(run=selectors.run_get(council=_council(request), pk=run_id), actor=request.auth)


@router.get("/payment-runs/{run_id}/lines", response=list[LineOut])
def run_lines(
    request,
    run_id: int,
    provider_id: int | None = None,
    flagged: bool | None = None,
    offset: int = 0,
    limit: int = 1000,
):
    """The run's lines; `flagged=true` the lines above plan or in hospital that are not paid."""
    require(request, Permission.PAYMENTS_RUN)
    run = selectors.run_get(council=_council(request), pk=run_id)
    offset, limit = max(offset, 0), max(1, min(limit, 10_000))
    lines = selectors.run_lines(run, provider_id=provider_id)
    if flagged is not None:
        lines = lines.filter(flagged=flagged)
    return lines[offset : offset + limit]


class ControlsOut(Schema):
    total: Decimal
    lines: int
    providers: int
    people: int
    visits: int
    hours: Decimal
    days: Decimal
    weeks: Decimal
    held_total: Decimal
    held_lines: int
    flagged_total: Decimal
    flagged_lines: int
    flagged_hours: Decimal


class VarianceOut(Schema):
    provider_id: int
    provider: str
    now: Decimal
    before: Decimal
    change: Decimal
    percent: Decimal | None
    new: bool
    gone: bool


class ReconciliationOut(Schema):
    run_id: int
    previous_run_id: int | None
    controls: ControlsOut
    previous_controls: ControlsOut | None
    providers: list[VarianceOut]
    ledger_gaps: list[str] = Field(description="What stops the payments file being booked: missing codes")


@router.get("/payment-runs/{run_id}/reconciliation", response=ReconciliationOut)
def run_reconciliation(request, run_id: int):
    """What the run page shows to reconcile: control totals, the change from the previous approved run per
    provider, and missing ledger codes."""
    require(request, Permission.PAYMENTS_RUN)
    run = selectors.run_get(council=_council(request), pk=run_id)
    previous = reconciliation.previous_run(run)
    return {
        "run_id": run.pk,
        "previous_run_id": previous.pk if previous else None,
        "controls": vars(reconciliation.controls(run)),
        "previous_controls": vars(reconciliation.controls(previous)) if previous else None,
        "providers": reconciliation.variance(run, previous),
        "ledger_gaps": reconciliation.ledger_gaps(run),
    }


class SupplierCodeIn(Schema):
    code: str = Field(description="Blank removes it")


class LedgerCodesOut(Schema):
    suppliers: dict[str, str] = Field(description="Provider id to supplier code")
    cost_centres: dict[str, dict[str, str]] = Field(
        description="Service code (empty for the default) to its cost centre and account"
    )


class CostCentreIn(Schema):
    service_type: str = Field("", description="The service's code; empty for the default")
    code: str
    account: str = ""


def _ledger_codes(council) -> dict:
    codes = reconciliation.ledger(council)
    return {
        "suppliers": {str(k): v for k, v in codes.suppliers.items()},
        "cost_centres": {
            (c.service_type.code if c.service_type_id else ""): {"code": c.code, "account": c.account}
            for c in codes.centres.values()
        },
    }


@router.get("/ledger-codes", response=LedgerCodesOut)
def ledger_codes(request):
    require(request, Permission.PAYMENTS_RUN)
    return _ledger_codes(_council(request))


@router.put("/ledger-codes/suppliers/{provider_id}", response=LedgerCodesOut)
def supplier_code_set(request, provider_id: int, payload: SupplierCodeIn):
    require(request, Permission.PAYMENTS_RUN)
    council = _council(request)
    provider = selectors.providers_paid(council=council).filter(pk=provider_id).first()
    if provider is None:
        from django.http import Http404

        raise Http404("The council pays no such provider")
    services.supplier_code_set(council=council, actor=request.auth, provider=provider, code=payload.code)
    return _ledger_codes(council)


@router.put("/ledger-codes/cost-centres", response=LedgerCodesOut)
def cost_centre_set(request, payload: CostCentreIn):
    require(request, Permission.PAYMENTS_RUN)
    council = _council(request)
    service = None
    if payload.service_type:
        service = reference.service_type_list(council=council).filter(code=payload.service_type).first()
        if service is None:
            from django.http import Http404

            raise Http404("No such service")
    services.cost_centre_set(
        council=council, actor=request.auth, service_type=service, code=payload.code, account=payload.account
    )
    return _ledger_codes(council)


@router.get("/payment-runs/{run_id}/payments.{fmt}", response={200: None})
def run_payments_file(request, run_id: int, fmt: str):
    """The payments file of an approved run, as CSV or XLSX, for the finance system."""
    require(request, Permission.PAYMENTS_RUN)
    run = selectors.run_get(council=_council(request), pk=run_id)
    if fmt == "csv":
        content, kind = exports.payments_csv(run), "text/csv"
    elif fmt == "xlsx":
        content, kind = exports.payments_xlsx(run), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    else:
        from django.http import Http404

        raise Http404("The payments file is csv or xlsx")
    response = HttpResponse(content, content_type=kind)
    response["Content-Disposition"] = f'attachment; filename="payment-run-{run.pk}.{fmt}"'
    return response


@router.get("/holds", response=list[HoldOut])
def hold_list(request):
    require(request, Permission.PAYMENTS_RUN)
    return selectors.hold_list(council=_council(request))


@router.post("/holds", response={201: HoldOut})
def hold_create(request, payload: HoldIn):
    """Keep a provider's or a placement's lines out of runs until released."""
    require(request, Permission.PAYMENTS_RUN)
    council = _council(request)
    provider = selectors.provider_get(pk=payload.provider_id) if payload.provider_id else None
    placement = selectors.council_placement(council=council, pk=payload.placement_id) if payload.placement_id else None
    return 201, runs.hold_create(
        council=council, actor=request.auth, reason=payload.reason, provider=provider, placement=placement
    )


@router.post("/holds/{hold_id}/release", response=HoldOut)
def hold_release(request, hold_id: int):
    require(request, Permission.PAYMENTS_RUN)
    return runs.hold_release(hold=selectors.hold_get(council=_council(request), pk=hold_id), actor=request.auth)


class RunRemittanceOut(Schema):
    provider_id: int
    provider: str
    total: Decimal


@router.get("/payment-runs/{run_id}/remittances", response=list[RunRemittanceOut])
def run_remittances(request, run_id: int):
    """What each provider is paid in the run."""
    require(request, Permission.PAYMENTS_RUN)
    return statements.remittances(selectors.run_get(council=_council(request), pk=run_id))
