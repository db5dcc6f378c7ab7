"""Market insight pages: the commissioner's figures, each drilling down to the records behind it and exported as
CSV or XLSX; the import of history from before Caremarket."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from caremarket.accounts.selectors import council_by_slug
from caremarket.core.errors import ServiceError
from caremarket.core.govuk import FAILED, bound, bound_files, submit
from caremarket.core.permissions import has_permission, permission_required
from caremarket.core.spreadsheets import table_csv, table_xlsx
from caremarket.domain.roles import Permission

from . import forms, history, presenters, selectors

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _attachment(content, fmt: str, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


def _download(request, name: str, header: list[str], rows: list[list]) -> HttpResponse | None:
    """The table as CSV or XLSX when asked (`?format=`), or None for the page."""
    wanted = request.GET.get("format")
    if wanted == "csv":
        return _attachment(table_csv(header, rows), "csv", name)
    if wanted == "xlsx":
        return _attachment(table_xlsx(name, header, rows), "xlsx", name)
    return None


@permission_required(Permission.INSIGHT_READ)
def index(request):
    return render(request, "insight/index.html", {})


@permission_required(Permission.INSIGHT_READ)
def spend(request):
    page = presenters.spend_page(
        council=request.user.organisation,
        service=request.GET.get("service"),
        area=request.GET.get("area"),
        net=request.GET.get("net") == "yes",
    )
    header, rows = presenters.spend_rows(page["table"])
    return _download(request, "spend-by-provider", header, rows) or render(request, "insight/spend.html", page)


@permission_required(Permission.INSIGHT_READ)
def provider_year(request, provider_id: int, year: int):
    wanted = request.GET.get("framework")
    framework = None if wanted == "all" else wanted != "no"
    page = presenters.provider_year_page(
        council=request.user.organisation, provider_id=provider_id, year=year, framework=framework
    )
    header, rows = presenters.provider_year_rows(page)
    name = f"spend-{provider_id}-{year}-{ {None: 'all', True: 'framework', False: 'non-framework'}[framework] }"
    return _download(request, name, header, rows) or render(request, "insight/provider_year.html", page)


@permission_required(Permission.INSIGHT_READ)
def placement_lines(request, provider_id: int, year: int, placement_id: int):
    council = request.user.organisation
    placement = selectors.placement_of(council=council, pk=placement_id)
    page = presenters.placement_lines_page(
        council=council,
        placement=placement,
        year=year,
        provider_id=provider_id,
        framework=request.GET.get("framework"),
    )
    header, rows = presenters.placement_lines_rows(page["lines"])
    return _download(request, f"payment-lines-{placement_id}-{year}", header, rows) or render(
        request, "insight/placement_lines.html", page
    )


@permission_required(Permission.INSIGHT_IMPORT)
def history_list(request):
    council = request.user.organisation
    form = forms.HistoryForm(bound(request), bound_files(request))
    problems: list[dict] = []

    def imported(data):
        try:
            return history.history_import(
                council=council, actor=request.user, file_name=data["file"].name, content=data["file"].read()
            )
        except history.ImportRejected as rejected:
            problems.extend(rejected.problems)  # listed under the form, grouped by kind
            raise

    if request.method == "POST":
        made = submit(request, form, imported)
        if made is not FAILED:
            messages.success(
                request, f"Imported {made.rows:,} rows of figures, {made.first_month:%B %Y} to {made.last_month:%B %Y}"
            )
            return redirect("insight:history")
    return render(
        request,
        "insight/history.html",
        {"form": form, **presenters.history_page(council=council, problems=problems)},
        status=400 if request.method == "POST" else 200,
    )


@require_POST
@permission_required(Permission.INSIGHT_IMPORT)
def history_withdraw(request, pk: int):
    council = request.user.organisation
    found = selectors.history_get(council=council, pk=pk)
    try:
        history.history_withdraw(council=council, actor=request.user, history=found)
    except ServiceError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"Import {found.pk} ({found.file_name}) is withdrawn from every report")
    return redirect("insight:history")


@permission_required(Permission.INSIGHT_IMPORT)
def history_template(request, fmt: str):
    if fmt == "xlsx":
        return _attachment(history.template_xlsx(), "xlsx", "history-template")
    return _attachment(history.template_csv(), "csv", "history-template")


@permission_required(Permission.INSIGHT_READ)
def demand_forecast(request):
    page = presenters.forecast_page(
        council=request.user.organisation,
        service=request.GET.get("service"),
        area=request.GET.get("area"),
        measure=request.GET.get("measure"),
        years=request.GET.get("years"),
    )
    if page["made"] is not None:
        header, rows = presenters.forecast_rows(page)
        download = _download(request, "demand-forecast", header, rows)
        if download is not None:
            return download
    return render(request, "insight/forecast.html", page)


def _tables(request, template: str, unit_costs: bool = False):
    from django.utils import timezone

    page = presenters.reports_page(
        council=request.user.organisation,
        year=request.GET.get("year"),
        service=request.GET.get("service"),
        today=timezone.localdate(),
        unit_costs=unit_costs,
    )
    wanted = next((t for t in page["tables"] if t.key == request.GET.get("table")), None)
    if wanted is not None:
        download = _download(request, f"{wanted.key}-{page['year']}", wanted.header, wanted.rows)
        if download is not None:
            return download
    return render(request, template, page)


@permission_required(Permission.INSIGHT_READ)
def market_view(request):
    page = presenters.market_view_page(
        council=request.user.organisation,
        by=request.GET.get("by"),
        measure=request.GET.get("measure"),
        service=request.GET.get("service"),
        area=request.GET.get("area"),
    )
    table = page["table"]
    return _download(request, f"market-{page['measure']}-by-{page['by']}", table.header, table.rows) or render(
        request, "insight/market.html", page
    )


@permission_required(Permission.INSIGHT_READ)
def seed_reports(request):
    return _tables(request, "insight/reports.html")


@permission_required(Permission.INSIGHT_READ)
def unit_costs(request):
    return _tables(request, "insight/unit_costs.html", unit_costs=True)


@permission_required(Permission.INSIGHT_READ)
def position_list(request):
    council = request.user.organisation
    return render(
        request,
        "insight/position_list.html",
        {"services": presenters.position_services(council=council), "council": council},
    )


@permission_required(Permission.INSIGHT_READ)
def position_draft(request, service_id: int):
    from django.utils import timezone

    from . import position

    council = request.user.organisation
    service = selectors.service_of(council=council, key=service_id)
    last = position.published(council=council, service=service)
    form = forms.PositionForm(bound(request), initial={"intentions": last.intentions if last else ""})
    if request.method == "POST":
        if not has_permission(request.user, Permission.ARRANGEMENTS_MANAGE):
            raise PermissionDenied("Only a commissioner publishes the council's market position")
        made = submit(
            request,
            form,
            lambda data: position.statement_publish(
                council=council, service=service, actor=request.user, intentions=data["intentions"]
            ),
        )
        if made is not FAILED:
            messages.success(request, f"The market position statement for {service.name} is published")
            return redirect("insight:position", service_id=service.pk)
    tables = position.statement_tables(council=council, service=service, today=timezone.localdate())
    return render(
        request,
        "insight/position_draft.html",
        {"service": service, "tables": tables, "form": form, "last": last, "council": council},
        status=400 if form.errors else 200,
    )


def position_public_list(request, council_slug: str):
    council = council_by_slug(council_slug)
    return render(
        request,
        "insight/position_public_list.html",
        {
            "council": council,
            "brand_organisation": council,
            "statements": selectors.statements_published(council=council),
        },
    )


def position_public(request, council_slug: str, service_code: str):
    from django.http import Http404

    from . import position

    council = council_by_slug(council_slug)
    service = selectors.service_of(council=council, key=service_code)
    statement = position.published(council=council, service=service)
    if statement is None:
        raise Http404("No market position statement is published for this service")
    if request.GET.get("format") == "csv":
        return _attachment(presenters.statement_csv(statement), "csv", f"market-position-{council.slug}-{service.code}")
    return render(
        request,
        "insight/position_public.html",
        {"council": council, "brand_organisation": council, "statement": statement, "service": service},
    )


@permission_required(Permission.INSIGHT_READ)
def unmet_need(request):
    return render(request, "insight/unmet_need.html", presenters.unmet_need_page(council=request.user.organisation))
