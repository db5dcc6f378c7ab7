"""Uploads that fit how providers work: a template pre-filled with their placements and planned visits, UK and
Excel dates, one entry per distinct problem, overlapping visits refused with the clash named."""

import csv
import io
from datetime import date, datetime, time
from decimal import Decimal

import pytest
import time_machine
from openpyxl import Workbook, load_workbook

from caremarket.core import spreadsheets
from caremarket.core.errors import ServiceError
from caremarket.finance import delivery
from caremarket.finance.models import DeliveryRecord

from .test_runs import world  # noqa: F401 - the fixture

D = Decimal
HEADER = "placement,date,start,end,carers\n"


def _upload(w, text: str, name="visits.csv"):
    return delivery.deliveries_upload(provider=w["provider"], actor=w["staff"], file_name=name, content=text.encode())


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("01/11/2026", date(2026, 11, 1)),
        ("1/11/26", date(2026, 11, 1)),
        ("01-11-2026", date(2026, 11, 1)),
        ("2026-11-01", date(2026, 11, 1)),
        (46327, date(2026, 11, 1)),
        ("46327", date(2026, 11, 1)),
        (datetime(2026, 11, 1, 0, 0), date(2026, 11, 1)),
    ],
)
def test_dates_as_providers_write_them(value, expected):
    assert delivery.parse_date(value) == expected


@pytest.mark.parametrize("value", ["11/31/2026", "2026-13-01", "tomorrow", 5])
def test_what_is_not_a_date(value):
    with pytest.raises(ValueError):
        delivery.parse_date(value)


def test_times_as_spreadsheets_hold_them():
    assert [delivery.parse_time(v) for v in ("9:30", "09.30", "09:30:00", 0.395833, time(9, 30, 15))] == [
        time(9, 30)
    ] * 5


def test_an_upload_in_uk_dates_and_an_excel_sheet_is_recorded(world):  # noqa: F811
    placement = world["place"]("HC", hours_per_week=D(7))
    assert _upload(world, HEADER + f"{placement.pk},02/04/2024,08:00,08:45,1\n").status == "accepted"
    book = Workbook()
    sheet = book.active
    sheet.append(["placement", "date", "start", "end", "carers"])
    sheet.append([placement.pk, datetime(2024, 4, 3), time(8, 0), time(8, 45), 1])
    sheet.append([placement.pk, 45386, 0.375, 0.40625, 2])  # Excel's own numbers: 4 April 2024, 09:00 to 09:45
    out = io.BytesIO()
    book.save(out)
    upload = delivery.deliveries_upload(
        provider=world["provider"], actor=world["staff"], file_name="april.xlsx", content=out.getvalue()
    )
    assert upload.status == "accepted" and upload.created == 2
    assert sorted(placement.deliveries.values_list("day", "start", "carers")) == [
        (date(2024, 4, 2), time(8, 0), 1),
        (date(2024, 4, 3), time(8, 0), 1),
        (date(2024, 4, 4), time(9, 0), 2),
    ]


def test_the_same_mistake_on_many_rows_is_one_problem_with_its_rows(world):  # noqa: F811
    placement = world["place"]("HC", hours_per_week=D(7))
    rows = "".join(f"{placement.pk},{day:02}/04/2024,8am,09:00,1\n" for day in range(2, 20))
    rows += f"{placement.pk},20/04/2024,08:00,09:00,7\n"
    upload = _upload(world, HEADER + rows)
    assert upload.status == "rejected" and upload.error_count == 19
    assert [(e["problem"], e["count"], e["rows"][0], e["rows"][-1]) for e in upload.errors] == [
        ("Not a time", 18, 2, 19),
        ("Not a number of carers from 1 to 4", 1, 20, 20),
    ]
    assert spreadsheets.row_ranges(upload.errors[0]["rows"]) == "2 to 19"


def test_a_visit_overlapping_one_already_recorded_is_refused_naming_the_clash(world, login):  # noqa: F811
    placement = world["place"]("HC", hours_per_week=D(7))
    assert _upload(world, HEADER + f"{placement.pk},02/04/2024,08:00,09:00,1\n").status == "accepted"
    again = _upload(world, HEADER + f"{placement.pk},02/04/2024,08:00,09:00,1\n")
    assert again.status == "accepted" and again.already_recorded == 1  # the same visit again is not a clash
    clash = _upload(world, HEADER + f"{placement.pk},02/04/2024,08:30,09:15,1\n")
    assert clash.status == "rejected" and clash.error_count == 1
    (problem,) = clash.errors
    assert problem["problem"] == "Overlaps another visit for the same person" and problem["row"] == 2
    assert problem["message"] == (
        f"08:30 to 09:15 on 2 April 2024 overlaps the visit from 08:00 to 09:00 already recorded for this person "
        f"(placement {placement.pk})"
    )
    in_file = _upload(
        world, HEADER + f"{placement.pk},03/04/2024,10:00,11:00,1\n{placement.pk},03/04/2024,10:30,10:45,1\n"
    )
    assert "in row 2" in in_file.errors[0]["message"] and in_file.errors[0]["row"] == 3
    with pytest.raises(ServiceError, match="overlaps the visit from 08:00 to 09:00"):
        delivery.delivery_record(
            provider=world["provider"], actor=world["staff"], placement_id=placement.pk, day="2024-04-02",
            start="08:45", end="09:30",
        )  # fmt: skip
    page = login(world["staff"]).get(f"/delivery/uploads/{clash.pk}/").content.decode()
    assert "Overlaps another visit for the same person" in page and "What to fix" in page
    assert DeliveryRecord.objects.count() == 1


@time_machine.travel(datetime(2024, 5, 20, 12, 0), tick=False)
def test_the_template_is_pre_filled_with_the_providers_placements_and_usual_week(world, login):  # noqa: F811
    # the latest week recorded before May: Monday 08:00 and Wednesday 17:00
    placement = world["visited"](visits=[("2024-04-01", "08:00", "08:45"), ("2024-04-03", "17:00", "17:30")])
    client = login(world["staff"])
    text = client.get("/delivery/template.csv?month=2024-05").content.decode()
    rows = list(csv.DictReader(io.StringIO(text)))
    mondays = [r for r in rows if r["date"] in ("06/05/2024", "13/05/2024", "20/05/2024")]
    assert [(r["start"], r["end"]) for r in mondays] == [("08:00", "08:45")] * 3
    assert rows[0]["person"] == "Ada Byrne" and rows[0]["request"] == placement.request.reference
    tuesday = next(r for r in rows if r["date"] == "07/05/2024")
    assert (tuesday["start"], tuesday["end"]) == ("", "")  # no visit on a Tuesday that week: times left blank
    assert len(rows) == 20 and rows[-1]["date"] == "20/05/2024"  # up to today
    # the file goes back as it came, planned visits without times skipped
    upload = delivery.deliveries_upload(
        provider=world["provider"], actor=world["staff"], file_name="april.csv", content=text.encode()
    )
    assert upload.status == "accepted" and upload.created == 6 and upload.skipped == len(rows) - 6
    # uploaded: next month's template starts from what is recorded, nothing already recorded is offered again
    assert client.get("/delivery/template.csv?month=2024-05").content.decode().count("\n") == 1 + len(rows) - 6
    workbook = load_workbook(io.BytesIO(client.get("/delivery/template.xlsx?month=2024-05").content))
    sheet = workbook["Delivery"]
    assert sheet["D2"].number_format == "dd/mm/yyyy" and sheet["D2"].value == datetime(2024, 5, 2)


def test_finance_is_told_of_a_rejected_upload_until_the_provider_fixes_it(world, login):  # noqa: F811
    from caremarket.finance import presenters, selectors

    placement = world["place"]("HC", hours_per_week=D(7))
    bad = _upload(world, HEADER + f"{placement.pk},02/04/2024,09:00,08:00,1\n")
    assert list(selectors.failed_uploads(council=world["council"])) == [bad]
    item = next(
        i for i in presenters.finance_to_do(user=world["finance"], council=world["council"]) if "rejected" in i.label
    )
    assert item.count == 1 and "1 rows with problems" in item.rows[0].text
    page = login(world["finance"]).get("/finance/uploads/").content.decode()
    assert "Ash Care" in page and "Ends before it starts: 1 row" in page and "09:00" not in page
    _upload(world, HEADER + f"{placement.pk},02/04/2024,08:00,09:00,1\n")
    assert not selectors.failed_uploads(council=world["council"]).exists()


@time_machine.travel(datetime(2024, 4, 20, 12, 0), tick=False)
def test_the_provider_is_told_which_placements_have_nothing_recorded_for_a_week(world):  # noqa: F811
    from caremarket.finance import selectors

    quiet = world["place"]("HC", hours_per_week=D(7))
    assert [p.pk for p in selectors.placements_without_records(provider=world["provider"])] == [quiet.pk]
    _upload(world, HEADER + f"{quiet.pk},15/04/2024,08:00,09:00,1\n")
    assert not selectors.placements_without_records(provider=world["provider"]).exists()


def test_a_large_file_is_checked_in_the_worker_and_its_page_links_to_the_upload(world, login, settings, tmp_path):  # noqa: F811
    from caremarket.core.models import Job
    from caremarket.finance.models import DeliveryUpload

    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(tmp_path)}}}  # fmt: skip
    placement = world["place"]("HC", hours_per_week=D(7))
    # a file over 256 KB: padded with a long fourth column the upload does not read
    rows = "".join(f"{placement.pk},{day:02}/04/2024,08:00,08:45,1,{'x' * 20_000}\n" for day in range(1, 15))
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = login(world["staff"])
    response = client.post(
        "/delivery/",
        {"action": "upload", "file": SimpleUploadedFile("april.csv", (HEADER.strip() + ",note\n" + rows).encode())},
    )
    job = Job.objects.get()
    assert response["Location"] == f"/jobs/{job.pk}/"
    upload = DeliveryUpload.objects.get()
    assert job.status == "done" and job.link == f"/delivery/uploads/{upload.pk}/"
    assert upload.created == 14 and job.done == job.total
    page = client.get(f"/jobs/{job.pk}/").content.decode()
    assert "14 new records" in page and "See the result" in page
    assert not list(tmp_path.rglob("*.csv"))  # the kept file is removed once checked
    # another organisation cannot open the job
    other = login(world["finance"]).get(f"/jobs/{job.pk}/")
    assert other.status_code == 404
