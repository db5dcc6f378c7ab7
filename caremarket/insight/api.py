"""Market insight by machine, as on the pages: the spend table, a provider's year behind one figure, the forecast
against capacity, the seeds' reports and the finance return's unit costs for a year, and the import of history from
earlier systems."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from ninja import Field, File, Router, Schema
from ninja.files import UploadedFile

from caremarket.accounts.api_auth import require
from caremarket.core.errors import ServiceError
from caremarket.core.permissions import signed_in_council
from caremarket.domain.roles import Permission

from . import history, presenters, selectors

router = Router(tags=["insight"])


class SpendLineOut(Schema):
    provider_id: int
    provider: str
    framework: bool
    years: dict[str, Decimal]
    total: Decimal


class SpendOut(Schema):
    years: list[str]
    lines: list[SpendLineOut]
    framework_totals: dict[str, Decimal]
    non_framework_totals: dict[str, Decimal]
    totals: dict[str, Decimal]
    total: Decimal


@router.get("/spend", response=SpendOut)
def spend(request, service_type_id: int | None = None, area_id: int | None = None, net: bool = False):
    """Spend by provider by financial year ("2017/18"), framework providers apart from non-framework provision, with
    the totals; gross unless `net` (less the contributions providers collected). Provider 0 is spend an import
    did not name by provider."""
    require(request, Permission.INSIGHT_READ)
    council = signed_in_council(request, "Reading market insight")
    table = presenters.spend_page(
        council=council, service=str(service_type_id or ""), area=str(area_id or ""), net=net
    )["table"]
    names = table["year_names"]
    lines = [
        {
            "provider_id": line["provider_id"],
            "provider": line["provider"],
            "framework": key == "framework",
            "years": dict(zip(names, line["cells"], strict=True)),
            "total": line["total"],
        }
        for key in ("framework", "other")
        for line in table[key]["lines"]
    ]
    return {
        "years": names,
        "lines": lines,
        "framework_totals": dict(zip(names, table["framework"]["totals"], strict=True)),
        "non_framework_totals": dict(zip(names, table["other"]["totals"], strict=True)),
        "totals": dict(zip(names, table["totals"], strict=True)),
        "total": table["total"],
    }


class PlacementSpendOut(Schema):
    placement_id: int | None
    request_reference: str
    lines: int
    amount: Decimal


class ImportedMonthOut(Schema):
    month: date
    service: str
    area: str
    route: str
    hours: Decimal
    spend: Decimal


class ProviderYearOut(Schema):
    provider_id: int
    provider: str
    year: str
    framework: bool
    recorded_total: Decimal
    imported_total: Decimal
    placements: list[PlacementSpendOut]
    imported: list[ImportedMonthOut]


@router.get("/spend/{provider_id}/{year}", response=ProviderYearOut)
def provider_year(request, provider_id: int, year: int, framework: bool = True):
    """Behind one figure: the provider's spend in the financial year starting in April of `year`, per placement
    (from approved payment runs) and per imported month."""
    require(request, Permission.INSIGHT_READ)
    council = signed_in_council(request, "Reading market insight")
    page = presenters.provider_year_page(council=council, provider_id=provider_id, year=year, framework=framework)
    return {
        "provider_id": provider_id,
        "provider": page["provider"] or "",
        "year": page["year_name"],
        "framework": framework,
        "recorded_total": page["recorded_total"],
        "imported_total": page["imported_total"],
        "placements": [
            {
                "placement_id": r["placement"].pk if r["placement"] else None,
                "request_reference": r["placement"].request.reference if r["placement"] else "",
                "lines": r["lines"],
                "amount": r["amount"],
            }
            for r in page["placements"]
        ],
        "imported": [
            {
                "month": m["month"],
                "service": m["service_type__name"],
                "area": m["area__name"] or "",
                "route": m["route"],
                "hours": m["hours"],
                "spend": m["spend"],
            }
            for m in page["imported"]
        ],
    }


class ForecastPointOut(Schema):
    month: date
    forecast: float
    minimum: float
    maximum: float


class AccuracyOut(Schema):
    months: int
    mean_absolute_error: float
    mean_absolute_percentage_error: float | None
    inside_interval: int


class CapacityOut(Schema):
    people: int = Field(description="What admitted providers declared, or places bought in a block")
    declared_admissions: int
    block_admissions: int
    undeclared_admissions: int = Field(description="Admissions whose capacity is not known: not counted")
    supported_now: int
    exceeds_from: date | None = Field(description="The first month the forecast is above capacity")
    may_exceed_from: date | None = Field(description="The first month the forecast's maximum is above capacity")


class ForecastOut(Schema):
    service_type_id: int
    area_id: int | None
    measure: str
    method: str
    level: int = Field(description="The interval's coverage in per cent: minimum and maximum")
    history: list[tuple[date, float]]
    points: list[ForecastPointOut]
    accuracy: AccuracyOut | None
    capacity: CapacityOut | None = Field(description="Set against active packages only")


@router.get("/forecast", response=ForecastOut)
def demand_forecast(request, service_type_id: int, area_id: int | None = None, measure: str = "new", years: int = 4):
    """Packages by month for a service (and an area), forecast `years` ahead (1 to 4) with the method named, its
    prediction interval and its accuracy on the last year held back. Too little history is a 400 saying how much
    is needed."""
    require(request, Permission.INSIGHT_READ)
    council = signed_in_council(request, "Reading market insight")
    page = presenters.forecast_page(
        council=council, service=str(service_type_id), area=str(area_id or ""), measure=measure, years=str(years)
    )
    if page["service_id"] != service_type_id:
        raise ServiceError({"service_type_id": "Not one of the council's services"}, status=404)
    if page["too_little"] is not None:
        raise ServiceError({"__all__": str(page["too_little"])})
    made = page["made"]
    return {
        "service_type_id": service_type_id,
        "area_id": page["area_id"],
        "measure": page["measure"],
        "method": made.method,
        "level": made.level,
        "history": page["history"],
        "points": [
            {"month": p.month, "forecast": round(p.mean, 2), "minimum": round(p.low, 2), "maximum": round(p.high, 2)}
            for p in made.points
        ],
        "accuracy": None
        if made.accuracy is None
        else {
            "months": made.accuracy.months,
            "mean_absolute_error": round(made.accuracy.mean_absolute_error, 2),
            "mean_absolute_percentage_error": None
            if made.accuracy.mean_absolute_percentage_error is None
            else round(made.accuracy.mean_absolute_percentage_error, 2),
            "inside_interval": made.accuracy.inside_interval,
        },
        "capacity": None
        if page["capacity"] is None
        else {
            "people": page["capacity"].total,
            "declared_admissions": page["capacity"].declared,
            "block_admissions": page["capacity"].from_blocks,
            "undeclared_admissions": len(page["capacity"].unknown),
            "supported_now": page["capacity"].carrying,
            "exceeds_from": page["exceeds_from"],
            "may_exceed_from": page["may_exceed_from"],
        },
    }


class HistoryOut(Schema):
    id: int
    file_name: str
    rows: int
    first_month: date | None
    last_month: date | None
    spend: Decimal
    imported_at: datetime
    withdrawn_at: datetime | None


@router.get("/history", response=list[HistoryOut])
def history_list(request):
    require(request, Permission.INSIGHT_IMPORT)
    council = signed_in_council(request, "Importing history")
    return presenters.history_page(council=council)["imports"]


@router.post("/history", response={201: HistoryOut})
def history_import(request, file: UploadedFile = File(...)):
    """A CSV or XLSX file of monthly figures in the template's columns (month, provider, service, area, route, new
    packages, active packages, hours, spend): imported whole, or refused with `problems` grouped by kind."""
    require(request, Permission.INSIGHT_IMPORT)
    council = signed_in_council(request, "Importing history")
    return 201, history.history_import(
        council=council, actor=request.auth, file_name=file.name or "history.csv", content=file.read()
    )


@router.post("/history/{history_id}/withdrawal", response=HistoryOut)
def history_withdraw(request, history_id: int):
    """Take an import back out of every report."""
    require(request, Permission.INSIGHT_IMPORT)
    council = signed_in_council(request, "Importing history")
    found = selectors.history_get(council=council, pk=history_id)
    return history.history_withdraw(council=council, actor=request.auth, history=found)


class TableOut(Schema):
    key: str
    title: str
    header: list[str]
    rows: list[list[str | int | Decimal | None]]
    note: str


class TablesOut(Schema):
    year: int | None = Field(description="The financial year's first year: 2025 is 2025/26")
    years: list[int] = Field(description="The years with figures")
    tables: list[TableOut]


def _tables(request, year: int | None, service_type_id: int | None, unit_costs: bool) -> dict:
    from django.utils import timezone

    require(request, Permission.INSIGHT_READ)
    council = signed_in_council(request, "Reading market insight")
    page = presenters.reports_page(
        council=council,
        year=str(year or ""),
        service=str(service_type_id or ""),
        today=timezone.localdate(),
        unit_costs=unit_costs,
    )
    if year is not None and page["year"] != year:
        raise ServiceError({"year": "No figures for that year: choose one of the years listed"}, status=404)
    if service_type_id is not None and page["service_id"] != service_type_id:
        raise ServiceError({"service_type_id": "Not one of the council's services"}, status=404)
    return {
        "year": page["year"],
        "years": [y for y, _ in page["years"]],
        "tables": [
            {"key": t.key, "title": t.title, "header": t.header, "rows": t.rows, "note": t.note} for t in page["tables"]
        ],
    }


@router.get("/reports", response=TablesOut)
def seed_reports(request, year: int | None = None, service_type_id: int | None = None):
    """A financial year's reports (the latest with figures unless `year` is given): placements and spend in and out
    of county by complexity, hours by position and route, unsourced requests month by month, time to source,
    in-house against external provision, spot purchases by reason."""
    return _tables(request, year, service_type_id, unit_costs=False)


@router.get("/unit-costs", response=TablesOut)
def unit_costs(request, year: int | None = None, service_type_id: int | None = None):
    """The finance return's unit costs for a year: the weighted average standard hourly rate, provider by provider
    with its working, and the cost of a week or a day of other care."""
    return _tables(request, year, service_type_id, unit_costs=True)


class StatementOut(Schema):
    id: int
    service_type_id: int
    intentions: str
    as_of: date
    published_at: datetime
    tables: list[dict] = Field(alias="figures")


class PositionOut(Schema):
    service_type_id: int
    tables: list[TableOut]
    published: StatementOut | None


class PublishIn(Schema):
    intentions: str


@router.get("/market-position/{service_type_id}", response=PositionOut)
def market_position(request, service_type_id: int):
    """A service's market position as the figures stand today, and the statement last published."""
    from django.utils import timezone

    from . import position

    require(request, Permission.INSIGHT_READ)
    council = signed_in_council(request, "Reading market insight")
    service = selectors.service_of(council=council, key=service_type_id)
    tables = position.statement_tables(council=council, service=service, today=timezone.localdate())
    return {
        "service_type_id": service.pk,
        "tables": [
            {"key": t.key, "title": t.title, "header": t.header, "rows": t.rows, "note": t.note} for t in tables
        ],
        "published": position.published(council=council, service=service),
    }


@router.post("/market-position/{service_type_id}/publication", response={201: StatementOut})
def publish_market_position(request, service_type_id: int, payload: PublishIn):
    """Publish the statement as the figures stand, with what the council intends: public at once."""
    from . import position

    require(request, Permission.ARRANGEMENTS_MANAGE)
    council = signed_in_council(request, "Publishing the market position")
    service = selectors.service_of(council=council, key=service_type_id)
    return 201, position.statement_publish(
        council=council, service=service, actor=request.auth, intentions=payload.intentions
    )


@router.get("/market", response=TableOut)
def market_view(
    request,
    by: str = "route",
    measure: str = "spend",
    service_type_id: int | None = None,
    area_id: int | None = None,
):
    """Any measure of the market (spend, net, hours, days, weeks, new, active) by any dimension (provider, service,
    area, county, route, complexity), financial year by financial year."""
    from . import view

    require(request, Permission.INSIGHT_READ)
    council = signed_in_council(request, "Reading market insight")
    if by not in view.DIMENSIONS:
        raise ServiceError({"by": f"Choose one of: {', '.join(view.DIMENSIONS)}"})
    if measure not in view.MEASURES:
        raise ServiceError({"measure": f"Choose one of: {', '.join(view.MEASURES)}"})
    page = presenters.market_view_page(
        council=council, by=by, measure=measure, service=str(service_type_id or ""), area=str(area_id or "")
    )
    t = page["table"]
    return {"key": t.key, "title": t.title, "header": t.header, "rows": t.rows, "note": t.note}
