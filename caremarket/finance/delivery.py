"""Delivery records: what providers delivered, by form, by CSV/XLSX upload, or through the API. An upload is
checked row by row and accepted whole or rejected whole; rows already recorded are not recorded twice, so a
corrected file can be uploaded again."""

from __future__ import annotations

import io
import re
from datetime import date, datetime, time, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from caremarket.accounts.models import Organisation
from caremarket.brokerage.models import Placement, reference_of
from caremarket.core import spreadsheets
from caremarket.core.audit import audit_record, describe_actor
from caremarket.core.errors import ServiceError
from caremarket.core.spreadsheets import RowError, SafeWriter, TooManyRows, append, read_rows
from caremarket.domain import pricing

from .models import DeliveryRecord, DeliveryUpload


def kind_for(placement: Placement) -> str:
    if placement.hours_per_week or placement.price_unit == "hour":
        return "visit"
    if placement.days_per_week or placement.price_unit == "day":
        return "attendance"
    return "week"


# What each kind of problem is called when its rows are grouped.
PROBLEMS = {
    "placement": "Not one of your placements",
    "date": "Not a date",
    "outside": "Outside the placement's dates",
    "future": "In the future",
    "hospital": "The person was in hospital",
    "time": "Not a time",
    "order": "Ends before it starts",
    "not-yet": "Ends later than now",
    "carers": "Not a number of carers from 1 to 4",
    "monday": "A week is recorded by its Monday",
    "twice": "Recorded twice in this file",
    "overlap": "Overlaps another visit for the same person",
}


def grouped(errors: list[RowError]) -> list[dict]:
    return spreadsheets.grouped(errors, PROBLEMS)


EXCEL_EPOCH = date(1899, 12, 30)  # Excel's day 0 (after its 1900 leap-year bug)
UK_DATE = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{2}|\d{4})$")
TIME = re.compile(r"^(\d{1,2})[:.](\d{2})(?:[:.](\d{2}))?$")


def parse_date(value) -> date:
    """A date as providers' files have them: 01/11/2026 (day first, as in the UK), 1/11/26, 2026-11-01, a
    spreadsheet's own date, or Excel's day number (46327)."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        if 20_000 < value < 80_000:
            return EXCEL_EPOCH + timedelta(days=int(value))
        raise ValueError(value)
    text = str(value).strip()
    if text.isdigit() and len(text) == 5:
        return parse_date(int(text))
    found = UK_DATE.match(text)
    if found:
        day, month, year = (int(part) for part in found.groups())
        return date(year + 2000 if year < 100 else year, month, day)
    return date.fromisoformat(text[:10])


def parse_time(value) -> time:
    """09:30, 9:30, 9.30, 09:30:00, a spreadsheet's own time, or Excel's fraction of a day (0.395833)."""
    if isinstance(value, time):
        return value.replace(second=0, microsecond=0)
    if isinstance(value, datetime):
        return value.time().replace(second=0, microsecond=0)
    if isinstance(value, float) and 0 <= value < 1:
        minutes = round(value * 24 * 60)
        return time(minutes // 60, minutes % 60) if minutes < 24 * 60 else time(23, 59)
    found = TIME.match(str(value).strip())
    if not found:
        raise ValueError(value)
    return time(int(found.group(1)), int(found.group(2)))


def _shown(value) -> str:
    return value.strftime("%d/%m/%Y") if isinstance(value, date) else str(value or "")


def check_row(
    *, provider: Organisation, placements: dict[int, Placement], row: dict, number: int
) -> tuple[dict | None, list[RowError]]:
    """One row: its placement is the provider's, its day inside the placement, its times in order."""
    errors: list[RowError] = []
    raw = str(row.get("placement") or "").strip()
    placement = placements.get(int(raw)) if raw.isdigit() else None
    if placement is None:
        errors.append(RowError(number, "placement", f"'{raw}' is not one of your placements", "placement"))
        return None, errors
    try:
        day = parse_date(row.get("date") or "")
    except (ValueError, TypeError, OverflowError):
        errors.append(RowError(number, "date", f"'{_shown(row.get('date'))}' is not a date like 02/11/2026", "date"))
        return None, errors
    if day < placement.start_on or (placement.ended_on and day > placement.ended_on):
        errors.append(
            RowError(
                number,
                "date",
                f"{day:%-d %B %Y} is outside placement {placement.pk}, which runs from {placement.start_on:%-d %B %Y}"
                + (f" to {placement.ended_on:%-d %B %Y}" if placement.ended_on else ""),
                "outside",
            )
        )
    today = timezone.localdate()
    if day > today:
        errors.append(
            RowError(number, "date", f"{day:%-d %B %Y} is in the future: record care once it is delivered", "future")
        )
    stay = pricing.stay_on(day, placement.hospital_stays.all())
    if stay is not None:
        until = f" until {stay.discharged_on:%-d %B %Y}" if stay.discharged_on else ", not yet discharged"
        errors.append(
            RowError(
                number,
                "date",
                f"The person was in hospital on {day:%-d %B %Y} (admitted {stay.admitted_on:%-d %B %Y}{until}): "
                "care is not delivered during a stay; the first 2 days of an unplanned stay are paid by the council",
                "hospital",
            )
        )
    kind = kind_for(placement)
    record = {"placement": placement, "kind": kind, "day": day, "start": None, "end": None, "minutes": 0, "carers": 1}
    if kind == "visit":
        try:
            start = parse_time(row.get("start") or "")
        except ValueError:
            errors.append(RowError(number, "start", f"'{_shown(row.get('start'))}' is not a time like 09:30", "time"))
            start = None
        try:
            end = parse_time(row.get("end") or "")
        except ValueError:
            errors.append(RowError(number, "end", f"'{_shown(row.get('end'))}' is not a time like 10:15", "time"))
            end = None
        if start and end:
            minutes = (end.hour * 60 + end.minute) - (start.hour * 60 + start.minute)
            if minutes <= 0:
                errors.append(RowError(number, "end", "The visit ends before it starts", "order"))
            elif day == today and end > timezone.localtime().time():
                errors.append(RowError(number, "end", f"The visit ends at {end:%H:%M}, later than now", "not-yet"))
            record.update(start=start, end=end, minutes=minutes)
        carers = _number(row.get("carers") or "1")
        if not carers.isdigit() or not 1 <= int(carers) <= 4:
            errors.append(RowError(number, "carers", f"'{carers}' is not a number of carers from 1 to 4", "carers"))
        else:
            record["carers"] = int(carers)
    elif kind == "week" and day.weekday() != 0:
        errors.append(RowError(number, "date", "A week is recorded by the date of its Monday", "monday"))
    return (None if errors else record), errors


# A month of visits for a large provider is some ten thousand rows; anything far beyond is refused.
MAX_BYTES = 10 * 1024 * 1024
MAX_ROWS = 50_000


def _read(file_name: str, content: bytes) -> list[dict]:
    return read_rows(file_name, content, max_rows=MAX_ROWS)


def _existing(record: dict) -> DeliveryRecord | None:
    return DeliveryRecord.objects.filter(
        placement=record["placement"], day=record["day"], start=record["start"]
    ).first()


def _number(value) -> str:
    """A whole number as a sheet may hold it: 1234, " 1234", 1234.0."""
    return str(value or "").strip().removesuffix(".0")


def _left_blank(row: dict, placements: dict[int, Placement]) -> bool:
    """A visit row of the pre-filled template with no times: planned, not delivered; skipped, not an error."""
    raw = _number(row.get("placement"))
    placement = placements.get(int(raw)) if raw.isdigit() else None
    blank = not str(row.get("start") or "").strip() and not str(row.get("end") or "").strip()
    return blank and placement is not None and kind_for(placement) == "visit"


def _overlaps(records: list[tuple[int, dict]], provider: Organisation) -> list[RowError]:
    """Visits that overlap another visit for the same person: one already recorded (on any of the provider's
    placements for them) or an earlier row of the file. A row with the same placement, day and start as a
    recorded visit is that visit again, not a clash."""
    visits = [(n, r) for n, r in records if r["kind"] == "visit"]
    if not visits:
        return []
    people = {r["placement"].person_id for _, r in visits}
    days = {r["day"] for _, r in visits}
    booked: dict[tuple[int, date], list[tuple]] = {}
    for placement_id, person_id, day, start, end in DeliveryRecord.objects.filter(
        provider=provider, kind="visit", day__in=days, placement__person_id__in=people
    ).values_list("placement_id", "placement__person_id", "day", "start", "end"):
        booked.setdefault((person_id, day), []).append((placement_id, start, end, "already recorded"))
    errors = []
    for number, record in visits:
        slot = booked.setdefault((record["placement"].person_id, record["day"]), [])
        start, end = record["start"], record["end"]
        for placement_id, other_start, other_end, where in slot:
            if placement_id == record["placement"].pk and other_start == start:
                continue  # the same visit: recorded again, or corrected
            if start < other_end and other_start < end:
                errors.append(
                    RowError(
                        number,
                        "start",
                        f"{start:%H:%M} to {end:%H:%M} on {record['day']:%-d %B %Y} overlaps the visit from "
                        f"{other_start:%H:%M} to {other_end:%H:%M} {where} for this person "
                        f"(placement {placement_id})",
                        "overlap",
                    )
                )
                break
        slot.append((record["placement"].pk, start, end, f"in row {number}"))
    return errors


def deliveries_upload(
    *, provider: Organisation, actor, file_name: str, content: bytes, progress=None
) -> DeliveryUpload:
    """Check every row (reading only, `progress(rows checked, rows)` told as it goes); any error rejects the whole
    file (nothing is recorded) and lists each distinct problem once, with its rows; then record it in one
    transaction. Files over 10 MB or 50,000 rows are refused before they are checked. Visit rows left without
    times (the pre-filled template's planned visits that did not happen) are skipped."""
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
    records: list[tuple[int, dict]] = []
    seen: dict[tuple, int] = {}
    councils: dict[int, Organisation] = {}
    skipped = 0
    for number, row in enumerate(rows, start=2):  # row 1 is the header
        if progress is not None and number % 500 == 0:
            progress(number - 1, len(rows))
        if _left_blank(row, placements):
            skipped += 1
            continue
        row = {**row, "placement": _number(row.get("placement"))}
        if row["placement"].isdigit() and int(row["placement"]) in placements:
            named = placements[int(row["placement"])]
            councils[named.council_id] = named.council  # told of the file, whether or not it is recorded
        record, row_errors = check_row(provider=provider, placements=placements, row=row, number=number)
        errors += row_errors
        if record is None:
            continue
        key = (record["placement"].pk, record["day"], record["start"])
        if key in seen:
            errors.append(
                RowError(number, "date", f"The same as row {seen[key]}: recorded twice in this file", "twice")
            )
            continue
        seen[key] = number
        records.append((number, record))
    errors += _overlaps(records, provider)
    with transaction.atomic():
        return _recorded(provider, actor, file_name, rows, records, errors, councils, skipped)


def _recorded(provider, actor, file_name, rows, records, errors, councils, skipped) -> DeliveryUpload:
    upload = DeliveryUpload(
        provider=provider,
        file_name=file_name[:200],
        rows=len(rows),
        skipped=skipped,
        uploaded_by=describe_actor(actor)[0],
    )
    if errors:
        errors.sort(key=lambda e: e.row)
        upload.status, upload.errors, upload.error_count = upload.REJECTED, grouped(errors), len(errors)
        upload.save()
        upload.councils.set(councils.values())
        audit_record(
            actor=actor,
            organisation=provider,
            action="delivery.upload_rejected",
            target=upload,
            after={"rows": len(rows), "errors": len(errors)},
        )
        return upload
    upload.status = upload.ACCEPTED
    upload.save()
    upload.councils.set(councils.values())
    created = already = 0
    for _, record in records:
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
    audit_record(
        actor=actor,
        organisation=provider,
        also=list(councils.values()),
        action="delivery.uploaded",
        target=upload,
        after={"rows": len(rows), "created": created, "already_recorded": already, "skipped": skipped},
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
    if record is not None and _existing(record) is None:
        errors += _overlaps([(1, record)], provider)
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


TEMPLATE_COLUMNS = ["placement", "request", "person", "date", "start", "end", "carers"]


def period_of(month: str | None, today: date | None = None) -> tuple[date, date]:
    """The month a template is for ("2026-10"), up to today; this month when none is given or it is not a month."""
    today = today or timezone.localdate()
    try:
        first = date.fromisoformat(f"{month}-01") if month else today.replace(day=1)
    except ValueError:
        first = today.replace(day=1)
    if first > today:
        first = today.replace(day=1)
    following = (first.replace(day=28) + timedelta(days=4)).replace(day=1)
    return first, min(following - timedelta(days=1), today)


def _usual_week(placement: Placement, before: date) -> dict[int, list[DeliveryRecord]]:
    """The visits of the last seven days recorded before `before`, by weekday: the pattern the rota repeats."""
    recent = list(
        DeliveryRecord.objects.filter(
            placement=placement, kind="visit", day__lt=before, day__gte=before - timedelta(days=35)
        ).order_by("-day", "start")
    )
    if not recent:
        return {}
    since = recent[0].day - timedelta(days=6)
    week: dict[int, list[DeliveryRecord]] = {}
    for record in sorted(recent, key=lambda r: (r.day, r.start)):
        if record.day >= since:
            week.setdefault(record.day.weekday(), []).append(record)
    return week


def _planned_day(placement: Placement, kind: str, day: date) -> bool:
    """An attendance day as the run plans them (the first days of the week), or a week's Monday."""
    if kind == "attendance":
        return day.weekday() < min(placement.days_per_week or 5, 7)
    return kind == "week" and day.weekday() == 0


def template_rows(*, provider: Organisation, start: date, end: date) -> list[list]:
    """The provider's placements running in the period, one row per planned visit, attendance day or week: the
    visits are the latest recorded week repeated (times to correct), attendance days as planned, weeks by their
    Monday. A visit row left without times is skipped on upload; days already recorded are left out."""
    from caremarket.domain import pricing as days_of

    rows = []
    placements = (
        Placement.objects.filter(provider=provider, start_on__lte=end)
        .exclude(ended_on__lt=start)
        .select_related("person")
        .order_by("person__family_name", "person__given_name", "pk")
    )
    for placement in placements:
        recorded = set(
            DeliveryRecord.objects.filter(placement=placement, day__range=(start, end)).values_list("day", "start")
        )
        kind, reference = kind_for(placement), reference_of(placement.request_id)
        week = _usual_week(placement, start) if kind == "visit" else {}
        first, last = max(start, placement.start_on), min(end, placement.ended_on or end)
        for day in days_of.days(first, last):
            planned: list[tuple] = []
            if kind == "visit":
                planned = [(v.start, v.end, v.carers) for v in week.get(day.weekday(), [])] or [(None, None, 1)]
            elif _planned_day(placement, kind, day):
                planned = [(None, None, None)]
            for visit_start, visit_end, carers in planned:
                if (day, visit_start) in recorded:
                    continue
                rows.append(
                    [
                        placement.pk,
                        reference,
                        str(placement.person),
                        day,
                        visit_start,
                        visit_end,
                        carers,
                    ]
                )
    return rows


TEMPLATE_HELP = [
    "One row per visit (start and end times, number of carers), per attendance day (date only) or per week "
    "(the Monday of the week).",
    "Dates as 02/11/2026 (day first), times as 09:30. The request and person columns are there to help you: "
    "only the placement number, date, times and carers are read.",
    "The pre-filled visits repeat the latest week you recorded: correct the times, add visits, and leave start "
    "and end blank for a planned visit that did not happen (the row is skipped).",
    "Attendance days and weeks are pre-filled as planned: delete the row of a day or week that did not happen.",
]


def template_csv(*, provider: Organisation | None = None, start: date | None = None, end: date | None = None) -> str:
    out = io.StringIO()
    writer = SafeWriter(out)
    writer.writerow(TEMPLATE_COLUMNS)
    rows = template_rows(provider=provider, start=start, end=end) if provider else []
    for placement, request, person, day, visit_start, visit_end, carers in rows:
        writer.writerow(
            [
                placement,
                request,
                person,
                f"{day:%d/%m/%Y}",
                f"{visit_start:%H:%M}" if visit_start else "",
                f"{visit_end:%H:%M}" if visit_end else "",
                carers or "",
            ]
        )
    return out.getvalue()


def template_xlsx(*, provider: Organisation | None = None, start: date | None = None, end: date | None = None) -> bytes:
    """The same as an Excel workbook, with real dates and times (shown day first) so the sheet sorts and checks
    them, and a sheet saying how to fill it in."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "Delivery"
    append(sheet, TEMPLATE_COLUMNS)
    for row in template_rows(provider=provider, start=start, end=end) if provider else []:
        append(sheet, row)
        line = sheet.max_row
        sheet.cell(row=line, column=4).number_format = "dd/mm/yyyy"
        for column in (5, 6):
            sheet.cell(row=line, column=column).number_format = "hh:mm"
    for column, width in zip("ABCDEFG", (11, 10, 24, 12, 8, 8, 7), strict=True):
        sheet.column_dimensions[column].width = width
    sheet.freeze_panes = "A2"
    notes = book.create_sheet("How to fill it in")
    for line in TEMPLATE_HELP:
        append(notes, [line])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# A file larger than this is checked in the worker, its progress on a page (a month of a large provider's visits).
IN_WORKER_BYTES = 256 * 1024


def deliveries_upload_start(*, provider: Organisation, actor, file_name: str, content: bytes):
    """A small file is checked at once and its upload returned; a large one is kept and checked in the worker, and
    the job returned (its page says how many rows are checked, then links to the upload)."""
    from uuid import uuid4

    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    from caremarket.core.jobs import job_start

    if len(content) <= IN_WORKER_BYTES:
        return deliveries_upload(provider=provider, actor=actor, file_name=file_name, content=content)
    if len(content) > MAX_BYTES:
        raise ServiceError({"file": f"The file is larger than {MAX_BYTES // (1024 * 1024)} MB: split it by month"})
    suffix = ".xlsx" if file_name.lower().endswith(".xlsx") else ".csv"
    path = default_storage.save(f"delivery-uploads/{uuid4().hex}{suffix}", ContentFile(content))
    return job_start(
        organisation=provider,
        actor=actor,
        kind="delivery.upload",
        key=path,
        label=f"Checking {file_name[:120]}",
        handler=_upload_job,
        unit="rows",
        provider_id=provider.pk,
        file_name=file_name[:200],
        path=path,
    )


def _upload_job(*, job, actor, progress, provider_id: int, file_name: str, path: str) -> tuple[str, str]:
    from django.core.files.storage import default_storage
    from django.urls import reverse

    try:
        with default_storage.open(path) as stored:
            content = stored.read()
        upload = deliveries_upload(
            provider=Organisation.objects.get(pk=provider_id),
            actor=actor,
            file_name=file_name,
            content=content,
            progress=progress,
        )
    finally:
        default_storage.delete(path)
    said = (
        f"{upload.created} new records; {upload.already_recorded} were already recorded"
        if upload.status == upload.ACCEPTED
        else f"Not recorded: {len(upload.errors)} problems on {upload.error_count} of its {upload.rows} rows"
    )
    return f"{file_name}: {said}.", reverse("delivery:upload", args=[upload.pk])
