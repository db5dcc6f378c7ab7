"""What each insight page shows, and each table as it is exported (the same rows, to the penny)."""

from __future__ import annotations

from decimal import Decimal

from django.http import Http404

from caremarket.domain import insight
from caremarket.reference import selectors as reference

from . import reports
from .models import HistoryImport, MarketMonth, Outlook


def spend_page(*, council, service: str | None = None, area: str | None = None, net: bool = False) -> dict:
    services, areas = reference.names(council=council)
    service_id, area_id = reference.own_key(service, services), reference.own_key(area, areas)
    table = reports.spend_by_provider(council=council, service_type_id=service_id, area_id=area_id, net=net)
    updated = MarketMonth.objects.for_organisation(council).filter(source="run").order_by("-run_id").first()
    from . import charts

    chart = charts.bar_chart(
        [
            (f"{name}: {label}", float(amount))
            for name, framework, other in zip(
                table["year_names"], table["framework"]["totals"], table["other"]["totals"], strict=True
            )
            for label, amount in (("framework", framework), ("other", other))
        ],
        unit="",
        money=True,
    )
    return {
        "table": table,
        "chart": chart,
        "services": services,
        "areas": areas,
        "service_id": service_id,
        "area_id": area_id,
        "net": net,
        "latest_run": updated.run_id if updated else None,
    }


def spend_rows(table: dict) -> tuple[list[str], list[list]]:
    """The spend table as rows: framework providers, their subtotal, non-framework provision, its subtotal, total."""
    header = ["Provider", "Framework", *table["year_names"], "Total"]
    rows: list[list] = []
    for key, label in (("framework", "Framework providers"), ("other", "Non-framework provision")):
        group = table[key]
        rows += [[line["provider"], label, *line["cells"], line["total"]] for line in group["lines"]]
        rows.append([f"{label}: total", label, *group["totals"], group["total"]])
    rows.append(["Total", "", *table["totals"], table["total"]])
    return header, rows


def _year(year: int) -> None:
    """A year outside any report is no page (a 404 in the browser and the API alike)."""
    if year not in insight.YEARS:
        raise Http404(f"A financial year from {insight.YEARS[0]} to {insight.YEARS[-1]}")


def provider_year_page(*, council, provider_id: int, year: int, framework: bool) -> dict:
    from caremarket.accounts.models import Organisation

    _year(year)
    name = (
        insight.NOT_NAMED
        if provider_id == reports.UNNAMED
        else Organisation.objects.filter(pk=provider_id).values_list("name", flat=True).first()
    )
    return {
        "provider_id": provider_id,
        "provider": name,
        **reports.provider_year(council=council, provider_id=provider_id, year=year, framework=framework),
    }


def provider_year_rows(page: dict) -> tuple[list[str], list[list]]:
    header = ["Source", "Placement", "Request", "Service", "Area", "Month", "Route", "Payment lines", "Amount"]
    rows = [
        [
            "Payment runs",
            r["placement"].pk if r["placement"] else "",
            r["placement"].request.reference if r["placement"] else "",
            r["placement"].service_type.name if r["placement"] else "",
            r["placement"].area.name if r["placement"] else "",
            "",
            r["placement"].get_route_display() if r["placement"] else "Block of hours",
            r["lines"],
            r["amount"],
        ]
        for r in page["placements"]
    ]
    rows += [
        [
            "Imported history",
            "",
            "",
            m["service_type__name"],
            m["area__name"] or "",
            m["month"].strftime("%Y-%m"),
            m["route_name"],
            "",
            m["spend"],
        ]
        for m in page["imported"]
    ]
    return header, rows


def placement_lines_rows(lines) -> tuple[list[str], list[list]]:
    header = ["Run", "Day", "Kind", "Description", "Quantity", "Unit", "Rate", "Amount"]
    return header, [
        [
            line.run_id,
            line.day.isoformat(),
            line.get_kind_display(),
            line.description,
            line.quantity,
            line.unit,
            line.rate,
            line.amount,
        ]
        for line in lines
    ]


def placement_lines_page(*, council, placement, year: int, provider_id: int, framework: str | None) -> dict:
    _year(year)
    lines = list(reports.placement_lines(council=council, placement=placement, year=year))
    return {
        "placement": placement,
        "lines": lines,
        "year": year,
        "year_name": insight.financial_year_name(year),
        "provider_id": provider_id,
        "framework": framework if framework in ("no", "all") else "yes",
        "total": sum((line.amount for line in lines), Decimal(0)),
    }


def history_page(*, council, problems: list[dict] = ()) -> dict:
    from caremarket.core.spreadsheets import row_ranges

    return {
        "imports": list(HistoryImport.objects.for_organisation(council).select_related("imported_by")[:100]),
        "routes": [r.value for r in insight.Route],
        "problems": [
            {
                **p,
                "rows": row_ranges(p["rows"])
                + (f" and {p['count'] - len(p['rows'])} more" if p["count"] > len(p["rows"]) else ""),
            }
            for p in problems
        ],
    }


def forecast_page(*, council, service: str | None, area: str | None, measure: str | None, years: str | None) -> dict:
    from django.utils import timezone

    from caremarket.domain import forecast

    from . import charts, forecasting

    services, areas = reference.names(council=council)
    service_id = reference.own_key(service, services) or next(iter(services), None)
    area_id = reference.own_key(area, areas)
    measure = measure if measure in forecasting.MEASURES else "new"
    years = years if years in forecasting.HORIZONS else "4"
    page = {
        "services": services,
        "areas": areas,
        "service_id": service_id,
        "area_id": area_id,
        "measures": forecasting.MEASURES,
        "measure": measure,
        "years": years,
        "horizons": forecasting.HORIZONS,
        "what": f"{forecasting.MEASURES[measure]}: {services.get(service_id, '')}, {areas.get(area_id, 'every area')}",
        "made": None,
        "too_little": None,
    }
    if service_id is None:
        return page
    try:
        series, made = forecasting.demand_forecast(
            council=council,
            service_type_id=service_id,
            area_id=area_id,
            measure=measure,
            years=years,
            today=timezone.localdate(),
        )
    except forecast.TooLittleHistory as short:
        page["too_little"] = short
        return page
    where = f"{services[service_id]} in {areas.get(area_id, 'every area')}"
    page.update(made=made, history=series, **_against_capacity(council, service_id, area_id, measure, made, where))
    page["chart"] = charts.forecast_chart(series, made.points, page["capacity"].total if page["capacity"] else None)
    return page


def _against_capacity(council, service_id: int, area_id: int | None, measure: str, made, where: str) -> dict:
    """Capacity set against forecast active packages, the months it is passed, and the arrangements that could
    reopen there with the evidence written in."""
    from urllib.parse import urlencode

    from django.urls import reverse

    from . import capacity, unmet

    if measure != "active":
        return {"capacity": None, "exceeds_from": None, "may_exceed_from": None, "reopen": []}
    found = capacity.capacity_of(council=council, service_type_id=service_id, area_id=area_id)
    exceeds = insight.first_month_over(made.points, found.total)
    may = insight.first_month_over(made.points, found.total, attr="high")
    reopen = []
    if exceeds or may:
        arrangements = {
            a.pk: a
            for (covered_service, covered_area), found_ in unmet.windowed(council).items()
            if covered_service == service_id and area_id in (None, covered_area)
            for a in found_
        }
        peak = max(p.mean for p in made.points)
        sign = insight.forecast_sign(exceeds_from=exceeds, capacity=found.total, peak=peak) or (
            f"the forecast's maximum passes capacity for {found.total} from {may:%B %Y}"
        )
        query = urlencode({"reason": "unmet-need", "unmet_need": f"{where}: {sign}."})
        reopen = [(a, f"{reverse('arrangements:window-create', args=[a.pk])}?{query}") for a in arrangements.values()]
    return {"capacity": found, "exceeds_from": exceeds, "may_exceed_from": may, "reopen": reopen}


def forecast_rows(page: dict) -> tuple[list[str], list[list]]:
    header = ["Month", "Actual", "Forecast", f"Minimum ({page['made'].level}%)", f"Maximum ({page['made'].level}%)"]
    capacity = page["capacity"].total if page["capacity"] else None
    extra = [] if capacity is None else [capacity]
    if capacity is not None:
        header.append("Capacity")
    rows = [[m.strftime("%Y-%m"), round(v, 1), "", "", "", *extra] for m, v in page["history"]]
    rows += [
        [p.month.strftime("%Y-%m"), "", round(p.mean, 1), round(p.low, 1), round(p.high, 1), *extra]
        for p in page["made"].points
    ]
    return header, rows


def unmet_need_page(*, council) -> dict:
    from urllib.parse import urlencode

    from django.urls import reverse
    from django.utils import timezone

    from . import unmet

    rows = unmet.unmet_need(council=council, today=timezone.localdate())
    for row in rows:
        query = urlencode({"reason": "unmet-need", "unmet_need": row["summary"]})
        row["reopen"] = [
            (a, f"{reverse('arrangements:window-create', args=[a.pk])}?{query}") for a in row["arrangements"]
        ]
    return {
        "rows": rows,
        "unsourced_sign": insight.UNSOURCED_SIGN,
        "spot_sign": insight.SPOT_SIGN,
        "spot_months": insight.SPOT_MONTHS,
        "outlook_months": insight.OUTLOOK_MONTHS,
        "outlook_at": Outlook.objects.for_organisation(council).values_list("worked_out_at", flat=True).first(),
    }


def reports_page(*, council, year: str | None, service: str | None, today, unit_costs: bool = False) -> dict:
    """The seeds' reports (or the finance return's unit costs) for one financial year and service."""
    from . import market
    from . import unit_costs as costs

    services, _ = reference.names(council=council)
    service_id = reference.own_key(service, services)
    years = market.years_with_data(council)
    chosen = int(year) if (year or "").isdigit() and int(year) in years else (years[0] if years else None)
    return {
        "years": [(y, insight.financial_year_name(y)) for y in years],
        "year": chosen,
        "year_name": insight.financial_year_name(chosen) if chosen else "",
        "services": services,
        "service_id": service_id,
        "tables": []
        if not chosen
        else costs.unit_costs(council=council, year=chosen, service_type_id=service_id)
        if unit_costs
        else market.seed_reports(council=council, year=chosen, service_type_id=service_id, today=today),
    }


def position_services(*, council) -> list[dict]:
    """Each of the council's services with its newest published statement, if any."""
    from caremarket.reference.models import ServiceType

    from .selectors import statements_published

    newest = {s.service_type_id: s for s in statements_published(council=council)}
    return [
        {"service": service, "published": newest.get(service.pk)}
        for service in ServiceType.objects.for_organisation(council).order_by("name")
    ]


def statement_csv(statement) -> bytes:
    """The published statement as one CSV: each table under its title, then what the council intends."""
    import csv
    import io

    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([f"Market position statement: {statement.service_type.name}", f"as of {statement.as_of}"])
    for table in statement.figures:
        writer.writerow([])
        writer.writerow([table["title"]])
        writer.writerow(table["header"])
        writer.writerows(table["rows"])
        if table["note"]:
            writer.writerow([table["note"]])
    writer.writerow([])
    writer.writerow(["What the council intends"])
    writer.writerow([statement.intentions])
    return out.getvalue().encode()


def market_view_page(*, council, by: str | None, measure: str | None, service: str | None, area: str | None) -> dict:
    from . import view

    services, areas = reference.names(council=council)
    service_id, area_id = reference.own_key(service, services), reference.own_key(area, areas)
    by = by if by in view.DIMENSIONS else "route"
    measure = measure if measure in view.MEASURES else "spend"
    table = view.market_view(council=council, by=by, measure=measure, service_type_id=service_id, area_id=area_id)
    return {
        "table": table,
        "by": by,
        "measure": measure,
        "dimensions": {k: v[0] for k, v in view.DIMENSIONS.items()},
        "measures": {k: v[0] for k, v in view.MEASURES.items()},
        "services": services,
        "areas": areas,
        "service_id": service_id,
        "area_id": area_id,
    }
