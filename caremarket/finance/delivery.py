"""Delivery records: what providers delivered, by form, by CSV/XLSX upload, or through the API. An upload is
checked row by row and accepted whole or rejected whole; rows already recorded are not recorded twice, so a
corrected file can be uploaded again."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, datetime, time

from django.db import IntegrityError, transaction
from django.utils import timezone

from caremarket.accounts.models import Organisation
from caremarket.brokerage.models import Placement
from caremarket.core.audit import audit_record, describe_actor
from caremarket.core.errors import ServiceError
from caremarket.core.spreadsheets import SafeWriter, append
from caremarket.domain import pricing

from .models import DeliveryRecord, DeliveryUpload

COLUMNS = ["placement", "date", "start", "end", "carers"]
TEMPLATE_HELP = [
    "One row per visit (start and end times, number of carers), per attendance day (date only) or per week "
    "(the Monday of the week). Dates as 2026-11-02, times as 09:30.",
]


def kind_for(placement: Placement) -> str:
    if placement.hours_per_week or placement.price_unit == "hour":
        return "visit"
    if placement.days_per_week or placement.price_unit == "day":
        return "attendance"
    return "week"


@dataclass
class RowError:
    row: int
    column: str
    message: str

    def as_dict(self) -> dict:
        return {"row": self.row, "column": self.column, "message": self.message}


def _parse_date(value: str) -> date:
    return date.fromisoformat(str(value).strip()[:10])


def _parse_time(value) -> time:
    if isinstance(value, time):
        return value
    if isinstance(value, datetime):
        return value.time()
    text = str(value).strip()
    return time.fromisoformat(text if len(text) > 4 else "0" + text)


def check_row(
    *, provider: Organisation, placements: dict[int, Placement], row: dict, number: int
) -> tuple[dict | None, list[RowError]]:
    """One row: its placement is the provider's, its day inside the placement, its times in order."""
    errors: list[RowError] = []
    raw = str(row.get("placement") or "").strip()
    placement = placements.get(int(raw)) if raw.isdigit() else None
    if placement is None:
        errors.append(RowError(number, "placement", f"'{raw}' is not one of your placements"))
        return None, errors
    try:
        day = _parse_date(row.get("date") or "")
    except ValueError:
        errors.append(RowError(number, "date", f"'{row.get('date') or ''}' is not a date like 2026-11-02"))
        return None, errors
    if day < placement.start_on or (placement.ended_on and day > placement.ended_on):
        errors.append(
            RowError(
                number,
                "date",
                f"{day:%-d %B %Y} is outside placement {placement.pk}, which runs from {placement.start_on:%-d %B %Y}"
                + (f" to {placement.ended_on:%-d %B %Y}" if placement.ended_on else ""),
            )
        )
    today = timezone.localdate()
    if day > today:
        errors.append(RowError(number, "date", f"{day:%-d %B %Y} is in the future: record care once it is delivered"))
    stay = pricing.stay_on(day, placement.hospital_stays.all())
    if stay is not None:
        until = f" until {stay.discharged_on:%-d %B %Y}" if stay.discharged_on else ", not yet discharged"
        errors.append(
            RowError(
                number,
                "date",
                f"The person was in hospital on {day:%-d %B %Y} (admitted {stay.admitted_on:%-d %B %Y}{until}): "
                "care is not delivered during a stay; the first 2 days of an unplanned stay are paid by the council",
            )
        )
    kind = kind_for(placement)
    record = {"placement": placement, "kind": kind, "day": day, "start": None, "end": None, "minutes": 0, "carers": 1}
    if kind == "visit":
        try:
            start = _parse_time(row.get("start") or "")
        except ValueError:
            errors.append(RowError(number, "start", f"'{row.get('start') or ''}' is not a time like 09:30"))
            start = None
        try:
            end = _parse_time(row.get("end") or "")
        except ValueError:
            errors.append(RowError(number, "end", f"'{row.get('end') or ''}' is not a time like 10:15"))
            end = None
        if start and end:
            minutes = (end.hour * 60 + end.minute) - (start.hour * 60 + start.minute)
            if minutes <= 0:
                errors.append(RowError(number, "end", "The visit ends before it starts"))
            elif day == today and end > timezone.localtime().time():
                errors.append(RowError(number, "end", f"The visit ends at {end:%H:%M}, later than now"))
            record.update(start=start, end=end, minutes=minutes)
        carers = str(row.get("carers") or "1").strip()
        if not carers.isdigit() or not 1 <= int(carers) <= 4:
            errors.append(RowError(number, "carers", f"'{carers}' is not a number of carers from 1 to 4"))
        else:
            record["carers"] = int(carers)
    elif kind == "week" and day.weekday() != 0:
        errors.append(RowError(number, "date", "A week is recorded by the date of its Monday"))
    return (None if errors else record), errors


# A month of visits for a large provider is some ten thousand rows; anything far beyond is refused.
MAX_BYTES = 10 * 1024 * 1024
MAX_ROWS = 50_000
FIRST_ERRORS = 100


class TooManyRows(Exception):
    pass


def _declared_rows(sheet) -> int:
    """The number of rows a sheet declares, without reading it (0 when it declares none)."""
    try:
        dimension = sheet.calculate_dimension()  # never force: forcing reads the whole sheet
    except ValueError:
        return 0
    digits = "".join(ch for ch in dimension.split(":")[-1] if ch.isdigit())
    return int(digits or 0)


def _rows(file_name: str, content: bytes):
    """The file's rows as dicts of the template's columns, read one at a time (never the whole sheet at once)."""
    if file_name.lower().endswith(".xlsx"):
        from openpyxl import load_workbook

        sheet = load_workbook(io.BytesIO(content), read_only=True, data_only=True).worksheets[0]
        if _declared_rows(sheet) > MAX_ROWS + 1:
            raise TooManyRows  # the sheet says its size: refused unread (a sheet that lies is stopped below)
        values = sheet.iter_rows(values_only=True)
        first = next(values, None)
        header = [str(h or "").strip().lower() for h in first] if first else []
        for r in values:
            if any(v not in (None, "") for v in r):
                yield {header[i]: ("" if v is None else v) for i, v in enumerate(r) if i < len(header)}
        return
    reader = csv.DictReader(io.TextIOWrapper(io.BytesIO(content), encoding="utf-8-sig", newline=""))
    reader.fieldnames = [(f or "").strip().lower() for f in reader.fieldnames or []]
    for r in reader:
        if any((v or "").strip() for v in r.values() if isinstance(v, str)):
            yield r


def _read(file_name: str, content: bytes) -> list[dict]:
    rows = []
    for row in _rows(file_name, content):
        rows.append(row)
        if len(rows) > MAX_ROWS:
            raise TooManyRows
    return rows


def _existing(record: dict) -> DeliveryRecord | None:
    return DeliveryRecord.objects.filter(
        placement=record["placement"], day=record["day"], start=record["start"]
    ).first()


@transaction.atomic
def deliveries_upload(*, provider: Organisation, actor, file_name: str, content: bytes) -> DeliveryUpload:
    """Check every row; any error rejects the whole file (nothing is recorded) and lists the first errors with the
    count of the rest. Files over 10 MB or 50,000 rows are refused before they are checked."""
    if len(content) > MAX_BYTES:
        raise ServiceError({"file": f"The file is larger than {MAX_BYTES // (1024 * 1024)} MB: split it by month"})
    try:
        rows = _read(file_name, content)
    except TooManyRows as exc:
        raise ServiceError({"file": f"The file has more than {MAX_ROWS:,} rows: split it by month"}) from exc
    except Exception as exc:  # noqa: BLE001 - any unreadable file is the same error to the person uploading
        raise ServiceError({"file": "The file could not be read: upload the CSV or XLSX template"}) from exc
    if not rows:
        raise ServiceError({"file": "The file has no rows"})
    missing = [c for c in ("placement", "date") if c not in rows[0]]
    if missing:
        raise ServiceError({"file": f"The file needs the columns of the template; missing: {', '.join(missing)}"})
    placements = {
        p.pk: p
        for p in Placement.objects.filter(provider=provider)
        .select_related("council")
        .prefetch_related("hospital_stays")
    }
    errors: list[RowError] = []
    records, seen = [], {}
    for number, row in enumerate(rows, start=2):  # row 1 is the header
        record, row_errors = check_row(provider=provider, placements=placements, row=row, number=number)
        errors += row_errors
        if record is None:
            continue
        key = (record["placement"].pk, record["day"], record["start"])
        if key in seen:
            errors.append(RowError(number, "date", f"The same as row {seen[key]}: recorded twice in this file"))
            continue
        seen[key] = number
        records.append(record)
    upload = DeliveryUpload(
        provider=provider, file_name=file_name[:200], rows=len(rows), uploaded_by=describe_actor(actor)[0]
    )
    if errors:
        upload.status, upload.errors = "rejected", [e.as_dict() for e in errors[:FIRST_ERRORS]]
        upload.error_count = len(errors)
        upload.save()
        audit_record(
            actor=actor,
            organisation=provider,
            action="delivery.upload_rejected",
            target=upload,
            after={"rows": len(rows), "errors": len(errors)},
        )
        return upload
    upload.status = "accepted"
    upload.save()
    created = already = 0
    for record in records:
        existing = _existing(record)
        if existing is not None:
            if (existing.end, existing.carers) != (record["end"], record["carers"]):
                existing.end, existing.minutes, existing.carers = record["end"], record["minutes"], record["carers"]
                existing.save(update_fields=["end", "minutes", "carers"])
            already += 1
            continue
        DeliveryRecord.objects.create(
            provider=provider, source="upload", upload=upload, recorded_by=describe_actor(actor)[0], **record
        )
        created += 1
    upload.created, upload.already_recorded = created, already
    upload.save(update_fields=["created", "already_recorded"])
    councils = {r["placement"].council_id: r["placement"].council for r in records}
    audit_record(
        actor=actor,
        organisation=provider,
        also=list(councils.values()),
        action="delivery.uploaded",
        target=upload,
        after={"rows": len(rows), "created": created, "already_recorded": already},
    )
    return upload


@transaction.atomic
def delivery_record(
    *, provider: Organisation, actor, placement_id, day, start=None, end=None, carers=1, source: str = "form"
) -> DeliveryRecord:
    """One record, from the form or the API; the same checks as an upload row."""
    placements = {
        p.pk: p
        for p in Placement.objects.filter(provider=provider, pk=placement_id or 0).prefetch_related("hospital_stays")
    }
    row = {
        "placement": str(placement_id or ""),
        "date": str(day or ""),
        "start": start or "",
        "end": end or "",
        "carers": str(carers or 1),
    }
    record, errors = check_row(provider=provider, placements=placements, row=row, number=1)
    if errors:
        raise ServiceError({e.column: e.message for e in errors})
    if _existing(record) is not None:
        raise ServiceError({"date": "This has already been recorded"}, status=409)
    try:
        with transaction.atomic():
            made = DeliveryRecord.objects.create(
                provider=provider, source=source, recorded_by=describe_actor(actor)[0], **record
            )
    except IntegrityError as exc:
        raise ServiceError({"date": "This has already been recorded"}, status=409) from exc
    audit_record(
        actor=actor,
        organisation=provider,
        also=record["placement"].council,
        action="delivery.recorded",
        target=made,
        after={"placement": record["placement"].pk, "day": record["day"], "minutes": record["minutes"]},
    )
    return made


def template_csv() -> str:
    out = io.StringIO()
    writer = SafeWriter(out)
    writer.writerow(COLUMNS)
    writer.writerow(["1234", "2026-11-02", "08:00", "08:45", "1"])
    return out.getvalue()


def template_xlsx() -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "Delivery"
    append(sheet, COLUMNS)
    append(sheet, [1234, "2026-11-02", "08:00", "08:45", 1])
    notes = book.create_sheet("How to fill it in")
    for line in TEMPLATE_HELP:
        append(notes, [line])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
