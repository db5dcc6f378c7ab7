"""History from before Caremarket: monthly figures from the council's old systems (new packages, active packages,
hours and spend by provider, service, area and route), checked row by row like every upload and imported whole or
not at all, so reports and forecasts start with years of history."""

from __future__ import annotations

import io
import re
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from caremarket.accounts.models import Organisation
from caremarket.core.audit import audit_record, describe_actor
from caremarket.core.bulk import insert_many
from caremarket.core.errors import ServiceError
from caremarket.core.spreadsheets import RowError, SafeWriter, TooManyRows, append, grouped, read_rows
from caremarket.domain import insight
from caremarket.domain.roles import OrganisationKind
from caremarket.reference.models import Area, ServiceType

from .models import HistoryImport, MarketMonth

COLUMNS = ["month", "provider", "service", "area", "route", "new packages", "active packages", "hours", "spend"]
REQUIRED = ("month", "service", "route", "spend")
MAX_BYTES = 10 * 1024 * 1024
MAX_ROWS = 100_000
NOT_NAMED = insight.NOT_NAMED

PROBLEMS = {
    "columns": "Columns missing",
    "month": "Not a month",
    "future": "A month not yet over",
    "provider": "Not a provider Caremarket knows",
    "service": "Not one of the council's services",
    "area": "Not one of the council's areas",
    "route": "Not a route",
    "unnamed": "A provider is needed on this route",
    "number": "Not a number",
    "negative": "Below zero",
    "pence": "More than two decimal places",
    "twice": "The same month twice in this file",
    "imported": "Already imported",
}


class ImportRejected(ServiceError):
    """A file with problems: nothing imported; `problems` groups them (core.spreadsheets.grouped)."""

    def __init__(self, problems: list[dict], count: int) -> None:
        super().__init__({"file": f"Nothing was imported: {count} problem{'s' if count != 1 else ''} to put right"})
        self.problems = problems


MONTHS = {
    name: n
    for n, names in enumerate(
        [("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"), ("may",), ("jun", "june")]
        + [("jul", "july"), ("aug", "august"), ("sep", "sept", "september"), ("oct", "october")]
        + [("nov", "november"), ("dec", "december")],
        start=1,
    )
    for name in names
}
NUMERIC_MONTH = re.compile(r"^(\d{4})[-/](\d{1,2})(?:[-/]\d{1,2})?$|^(\d{1,2})[-/](\d{4})$")
WORDED_MONTH = re.compile(r"^([a-z]+)[\s-]+(\d{2}|\d{4})$")


def parse_month(value) -> date:
    """2017-04, 04/2017, Apr 2017, April 2017, Apr-17, or a date (its month) -> 1 April 2017."""
    if isinstance(value, datetime):
        return value.date().replace(day=1)
    if isinstance(value, date):
        return value.replace(day=1)
    text = str(value).strip().lower()
    found = NUMERIC_MONTH.match(text)
    if found:
        year, month = (found[1], found[2]) if found[1] else (found[4], found[3])
        return date(int(year), int(month), 1)
    found = WORDED_MONTH.match(text)
    if found and found[1] in MONTHS:
        year = int(found[2]) if len(found[2]) == 4 else 2000 + int(found[2])
        return date(year, MONTHS[found[1]], 1)
    raise ValueError(text)


def _number(value, *, whole: bool) -> Decimal:
    text = str(value if value is not None else "").strip().replace(",", "").replace("£", "")
    if text == "":
        return Decimal(0)
    number = Decimal(text)
    if not number.is_finite() or (whole and number != number.to_integral_value()):
        raise InvalidOperation(text)
    return number


class _Lookups:
    """The council's services, areas and every provider, by code and name, read once per file."""

    def __init__(self, council: Organisation):
        self.services: dict[str, int] = {}
        for pk, code, name in ServiceType.objects.filter(council=council).values_list("pk", "code", "name"):
            self.services[code.lower()] = self.services[name.lower()] = pk
        self.areas: dict[str, int] = {}
        for pk, code, name in Area.objects.filter(council=council).values_list("pk", "code", "name"):
            self.areas[code.lower()] = self.areas[name.lower()] = pk
        self.providers = {
            name.lower(): pk
            for pk, name in Organisation.objects.filter(kind=OrganisationKind.PROVIDER).values_list("pk", "name")
        }
        self.routes = {r.value: r for r in insight.Route} | {
            label.lower(): r for r, label in insight.ROUTE_LABELS.items()
        }


def _text(row: dict, column: str) -> str:
    value = row.get(column)
    return "" if value is None else str(value).strip()


def check_row(row: dict, number: int, found: _Lookups, today: date) -> tuple[dict | None, list[RowError]]:
    errors: list[RowError] = []
    record: dict = {}
    try:
        record["month"] = parse_month(row.get("month") or "")
    except (ValueError, TypeError, OverflowError):
        errors.append(RowError(number, "month", f"'{_text(row, 'month')}' is not a month like 2017-04", "month"))
    else:
        if record["month"] >= insight.month_of(today):
            errors.append(
                RowError(number, "month", f"{record['month']:%B %Y} is not over yet: import months gone by", "future")
            )
    service = _text(row, "service")
    record["service_type_id"] = found.services.get(service.lower())
    if record["service_type_id"] is None:
        errors.append(RowError(number, "service", f"'{service}' is not one of the council's services", "service"))
    area = _text(row, "area")
    record["area_id"] = found.areas.get(area.lower()) if area else None
    if area and record["area_id"] is None:
        errors.append(RowError(number, "area", f"'{area}' is not one of the council's areas", "area"))
    route_text = _text(row, "route")
    route = found.routes.get(route_text.lower())
    if route is None:
        errors.append(
            RowError(
                number,
                "route",
                f"'{route_text}' is not a route: use one of {', '.join(r.value for r in insight.Route)}",
                "route",
            )
        )
    record["route"] = route
    provider = _text(row, "provider")
    record["provider_id"] = found.providers.get(provider.lower()) if provider else None
    if provider and record["provider_id"] is None:
        errors.append(RowError(number, "provider", f"'{provider}' is not a provider Caremarket knows", "provider"))
    elif not provider and route is not None and insight.is_framework(route):
        errors.append(RowError(number, "provider", f"A row on the route '{route.value}' names its provider", "unnamed"))
    record["provider_name"] = provider if record["provider_id"] else NOT_NAMED
    for column, whole in (("new packages", True), ("active packages", True), ("hours", False), ("spend", False)):
        try:
            value = _number(row.get(column), whole=whole)
        except (InvalidOperation, ValueError):
            kind = "a whole number" if whole else "a number"
            errors.append(RowError(number, column, f"'{_text(row, column)}' is not {kind}", "number"))
            continue
        if value < 0:
            errors.append(RowError(number, column, f"{value} is below zero", "negative"))
        elif column == "spend" and value != value.quantize(Decimal("0.01")):
            errors.append(RowError(number, column, f"{value} has more than two decimal places (pence)", "pence"))
        record[column] = value
    return (None if errors else record), errors


def _key(record: dict) -> tuple:
    return (record["month"], record["provider_id"], record["service_type_id"], record["area_id"], record["route"])


def _already(council, records: list[tuple[int, dict]]) -> list[RowError]:
    """Rows whose month is already imported for the same provider, service, area and route."""
    if not records:
        return []
    months = {r["month"] for _, r in records}
    kept = set(
        MarketMonth.objects.filter(council=council, source="history", month__in=months)
        .filter(Q(history__withdrawn_at__isnull=True))
        .values_list("month", "provider_id", "service_type_id", "area_id", "route")
    )
    return [
        RowError(
            n,
            "month",
            f"{r['month']:%B %Y} is already imported for this provider, service, area and route",
            "imported",
        )
        for n, r in records
        if _key(r) in kept
    ]


def history_import(*, council: Organisation, actor, file_name: str, content: bytes, today: date | None = None):
    """Check every row and import them all, or import nothing and say what is wrong, grouped by problem."""
    today = today or timezone.localdate()
    if not file_name.lower().endswith((".csv", ".xlsx")):
        raise ServiceError({"file": "Upload a CSV or an Excel (.xlsx) file"})
    if len(content) > MAX_BYTES:
        raise ServiceError({"file": f"The file must be smaller than {MAX_BYTES // (1024 * 1024)} MB"})
    try:
        rows = read_rows(file_name, content, max_rows=MAX_ROWS)
    except TooManyRows:
        raise ServiceError({"file": f"A file holds at most {MAX_ROWS:,} rows: split it by year"}) from None
    except Exception:
        raise ServiceError({"file": "The file could not be read as CSV or XLSX: use the template"}) from None
    if not rows:
        raise ServiceError({"file": "The file has no rows below its header"})
    missing = [c for c in REQUIRED if c not in rows[0]]
    if missing:
        raise ServiceError({"file": f"The file has no column called {', '.join(repr(c) for c in missing)}"})
    found = _Lookups(council)
    errors: list[RowError] = []
    records: list[tuple[int, dict]] = []
    seen: dict[tuple, int] = {}
    for number, row in enumerate(rows, start=2):
        record, problems = check_row(row, number, found, today)
        errors += problems
        if record is None:
            continue
        first = seen.setdefault(_key(record), number)
        if first != number:
            errors.append(
                RowError(
                    number,
                    "month",
                    f"{record['month']:%B %Y} is already on row {first} for the same provider, service, area and route",
                    "twice",
                )
            )
            continue
        records.append((number, record))
    errors += _already(council, records)
    if errors:
        raise ImportRejected(grouped(errors, PROBLEMS), len(errors))
    return _imported(council, actor, file_name, [r for _, r in records])


HISTORY_FIELDS = (
    "council", "month", "source", "history", "provider", "provider_name", "service_type", "area", "route", "framework",
    "spend_pence", "contributions_pence", "hours_x100", "days_x100", "weeks_x100", "new_packages", "active_packages",
)  # fmt: skip


@transaction.atomic
def _imported(council, actor, file_name: str, records: list[dict]) -> HistoryImport:
    made = HistoryImport.objects.create(
        council=council,
        file_name=file_name[:200],
        rows=len(records),
        first_month=min(r["month"] for r in records),
        last_month=max(r["month"] for r in records),
        spend_pence=sum(int(r["spend"] * 100) for r in records),
        imported_by=describe_actor(actor)[0],
    )
    insert_many(
        MarketMonth,
        HISTORY_FIELDS,
        (
            (
                council.pk,
                r["month"],
                "history",
                made.pk,
                r["provider_id"],
                "" if r["provider_id"] else r["provider_name"],
                r["service_type_id"],
                r["area_id"],
                r["route"].value,
                insight.is_framework(r["route"]),
                int(r["spend"] * 100),
                0,
                int((r["hours"] * 100).quantize(Decimal(1))),
                0,
                0,
                int(r["new packages"]),
                int(r["active packages"]),
            )
            for r in records
        ),
    )
    audit_record(
        actor=actor,
        organisation=council,
        action="history.imported",
        target=made,
        after={"rows": made.rows, "from": str(made.first_month), "to": str(made.last_month), "spend": str(made.spend)},
    )
    return made


@transaction.atomic
def history_withdraw(*, council: Organisation, actor, history: HistoryImport) -> HistoryImport:
    """Take an import back out of every report (a wrong file), keeping the record that it was imported."""
    if history.withdrawn_at is not None:
        raise ServiceError("This import is already withdrawn", status=409)
    MarketMonth.objects.filter(history=history).delete()
    history.withdrawn_at = timezone.now()
    history.save(update_fields=["withdrawn_at"])
    audit_record(actor=actor, organisation=council, action="history.withdrawn", target=history)
    return history


def template_csv() -> str:
    out = io.StringIO()
    writer = SafeWriter(out)
    writer.writerow(COLUMNS)
    writer.writerow(["2017-04", "Example Care Ltd", "home-care", "North", "primary", 3, 41, "1520.50", "27369.00"])
    writer.writerow(["2017-04", "", "home-care", "", "off-framework", 1, 12, "410", "9120.40"])
    return out.getvalue()


def template_xlsx() -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "History"
    append(sheet, COLUMNS)
    append(sheet, ["2017-04", "Example Care Ltd", "home-care", "North", "primary", 3, 41, 1520.5, 27369.0])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
