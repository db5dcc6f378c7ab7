"""Spend by provider by financial year, from approved payment runs summed by the worker and from history imported
from earlier systems: seed 004's table reproduced to the penny, each figure drilling down to the placements and
payment lines behind it, exported, and nobody else's figures ever."""

import csv
import io
import json
from datetime import date
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from caremarket.accounts import services as accounts
from caremarket.core.models import AuditEvent
from caremarket.core.scheduling import REGISTRY
from caremarket.domain import insight
from caremarket.domain.roles import Role
from caremarket.finance import runs
from caremarket.finance.tests.test_runs import world  # noqa: F401 - the fixture
from caremarket.insight import history, reports, summaries
from caremarket.insight.models import HistoryImport, MarketMonth
from caremarket.reference import services as reference
from tests.factories import CouncilFactory, ProviderFactory

D = Decimal
TODAY = date(2024, 6, 1)

# Seed 004: Staffordshire's children's community care spend by provider, 2017/18 to 2020/21 (the four framework
# providers, then non-framework provision, which the old system did not break down by provider).
SEED_004 = {
    "AMG": ["79747.23", "153323.72", "287306.47", "223077.55"],
    "Progress": ["0", "0", "7508.51", "12945.75"],
    "Freedom": ["46712.31", "103686.68", "95401.49", "120341.61"],
    "Crossroads": ["426.50", "10403.50", "26807.66", "33456.90"],
    "": ["490276.86", "374293.26", "179318.39", "179563.19"],
}


def _seed_004_rows() -> list[list]:
    """Each year's figure spread over its twelve months in pence, the last month taking what is left."""
    rows = []
    for provider, years in SEED_004.items():
        for n, amount in enumerate(years):
            pence, year = int(D(amount) * 100), 2017 + n
            for m in range(12):
                month = date(year + (m + 3) // 12, (m + 3) % 12 + 1, 1)
                part = pence // 12 if m < 11 else pence - 11 * (pence // 12)
                route = "ranked" if provider else "off-framework"
                rows.append([month.strftime("%Y-%m"), provider, "ccs", "", route, 0, 0, 0, f"{D(part) / 100:.2f}"])
    return rows


def _csv(rows: list[list]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(history.COLUMNS)
    writer.writerows(rows)
    return out.getvalue().encode()


@pytest.fixture
def staffordshire(council, make_user):
    reference.service_type_create(council=council, actor=None, code="ccs", name="Children's community support")
    reference.area_create(council=council, actor=None, code="east", name="East", level=1)
    for name in ("AMG", "Progress", "Freedom", "Crossroads"):
        ProviderFactory(name=name)
    return make_user(council, Role.COMMISSIONER)


def test_seed_004s_table_reproduced_to_the_penny_from_imported_history(council, staffordshire, client):
    made = history.history_import(
        council=council, actor=staffordshire, file_name="ccs.csv", content=_csv(_seed_004_rows()), today=TODAY
    )
    assert (made.rows, made.first_month, made.last_month) == (240, date(2017, 4, 1), date(2021, 3, 1))
    assert AuditEvent.objects.filter(action="history.imported").count() == 1
    table = reports.spend_by_provider(council=council)
    assert table["year_names"] == ["2017/18", "2018/19", "2019/20", "2020/21"]
    framework = {line["provider"]: line["cells"] for line in table["framework"]["lines"]}
    assert framework["AMG"] == [D(a) for a in SEED_004["AMG"]]
    assert [line["provider"] for line in table["other"]["lines"]] == [insight.NOT_NAMED]
    assert table["other"]["totals"] == [D(a) for a in SEED_004[""]]
    # the seed's "Total costs" for 2017/18 is the sum of its rows; its 2018/19 figure (641,647.16) is £60 short of
    # the rows above it, which add up to 641,707.16
    assert table["totals"] == [D("617162.90"), D("641707.16"), D("596342.52"), D("569385.00")]
    assert table["total"] == sum(sum(D(a) for a in years) for years in SEED_004.values())

    client.force_login(staffordshire)
    page = client.get("/insight/spend/").content.decode()
    assert "Framework providers" in page and "£617,162.90" in page and "Providers not named" in page
    exported = list(csv.reader(io.StringIO(client.get("/insight/spend/?format=csv").content.decode())))
    assert exported[0] == ["Provider", "Framework", "2017/18", "2018/19", "2019/20", "2020/21", "Total"]
    assert exported[-1][:3] == ["Total", "", "617162.90"]
    book = load_workbook(io.BytesIO(client.get("/insight/spend/?format=xlsx").content))
    last = [c.value for c in book.active[book.active.max_row]]
    assert last[0] == "Total" and D(str(last[2])) == D("617162.90")
    # drilled to one provider's year: its imported months
    amg = next(line for line in table["framework"]["lines"] if line["provider"] == "AMG")
    drilled = client.get(f"/insight/spend/{amg['provider_id']}/2019/").content.decode()
    assert "AMG" in drilled and "£287,306.47" in drilled and "April 2019" in drilled


def test_a_bad_file_imports_nothing_and_says_what_is_wrong_row_by_row(council, staffordshire, client):
    rows = [
        ["2023-04", "AMG", "ccs", "East", "ranked", 1, 4, "20", "500.00"],
        ["2023-04", "AMG", "ccs", "East", "ranked", 1, 4, "20", "500.00"],  # the same month twice
        ["2023-05", "AMG", "ccs", "East", "ranked", 0, 4, "20", "-5.00"],  # below zero
        ["2023-05", "Nobody Care Ltd", "ccs", "East", "ranked", 0, 1, "1", "10.00"],  # unknown provider
        ["2023-05", "AMG", "ccs", "Atlantis", "ranked", 0, 1, "1", "10.00"],  # unknown area
        ["2030-01", "AMG", "ccs", "East", "ranked", 0, 1, "1", "10.00"],  # not over yet
        ["2023-05", "", "ccs", "East", "primary", 0, 1, "1", "10.00"],  # a framework route names its provider
        ["May 2023", "AMG", "ccs", "East", "sideways", 0, 1, "1", "10.123"],  # no such route; part pence
    ]
    with pytest.raises(history.ImportRejected) as refused:
        history.history_import(council=council, actor=staffordshire, file_name="h.csv", content=_csv(rows), today=TODAY)
    problems = {p["problem"]: p["rows"] for p in refused.value.problems}
    assert problems == {
        "The same month twice in this file": [3],
        "Below zero": [4],
        "Not a provider Caremarket knows": [5],
        "Not one of the council's areas": [6],
        "A month not yet over": [7],
        "A provider is needed on this route": [8],
        "Not a route": [9],
        "More than two decimal places": [9],
    }
    assert not HistoryImport.objects.exists() and not MarketMonth.objects.exists()
    # the same file through the page: the problems grouped, nothing imported
    client.force_login(staffordshire)
    page = client.post("/insight/history/", {"file": _file("h.csv", _csv(rows))})
    assert page.status_code == 400
    assert "Nothing was imported: 8 problems to put right" in page.content.decode()
    # a good file once, then again: already imported, so never counted twice
    good = _csv(rows[:1])
    made = history.history_import(council=council, actor=staffordshire, file_name="g.csv", content=good, today=TODAY)
    with pytest.raises(history.ImportRejected) as again:
        history.history_import(council=council, actor=staffordshire, file_name="g.csv", content=good, today=TODAY)
    assert [p["problem"] for p in again.value.problems] == ["Already imported"]
    history.history_withdraw(council=council, actor=staffordshire, history=made)
    assert reports.spend_by_provider(council=council)["years"] == []  # an empty report, not an error
    assert history.history_import(council=council, actor=staffordshire, file_name="g.csv", content=good, today=TODAY)


def _file(name: str, content: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content, content_type="text/csv")


def test_approved_runs_summed_by_the_worker_drill_down_to_their_payment_lines(world, client):  # noqa: F811
    council = world["council"]
    placement = world["visited"](visits=[("2024-04-02", "08:00", "09:00"), ("2024-04-03", "08:00", "08:30")])
    run = runs.payment_run_create(
        council=council, actor=world["finance"], period_start=date(2024, 4, 1), period_end=date(2024, 4, 14)
    )
    run = runs.payment_run_calculate(run=run, actor=world["finance"])
    assert "caremarket.insight.tasks.refresh_market" in REGISTRY
    assert summaries.market_refresh(today=TODAY)["runs"] == 0  # calculated, not approved: not spend yet
    runs.payment_run_approve(run=run, actor=world["other_finance"])
    assert summaries.market_refresh(today=TODAY)["runs"] == 1
    assert summaries.market_refresh(today=TODAY)["runs"] == 0  # summed once
    month = MarketMonth.objects.get(source="run")
    assert (month.month, month.provider, month.route, month.framework) == (
        date(2024, 4, 1),
        world["provider"],
        "framework",
        True,
    )
    assert (month.spend_pence, month.hours_x100) == (4215, 150)  # 1.5 hours at £28.10
    active = MarketMonth.objects.filter(source="placements").order_by("month")
    assert [(m.month, m.new_packages, m.active_packages) for m in active] == [
        (date(2024, 4, 1), 1, 1),
        (date(2024, 5, 1), 0, 1),
        (date(2024, 6, 1), 0, 1),
    ]
    table = reports.spend_by_provider(council=council)
    assert table["framework"]["lines"][0]["cells"] == [D("42.15")] == [run.total]

    commissioner = world["broker"]  # a broker reads no insight
    client.force_login(commissioner)
    assert client.get("/insight/spend/").status_code == 403
    client.force_login(world["finance"])
    pid = world["provider"].pk
    year = client.get(f"/insight/spend/{pid}/2024/").content.decode()
    assert f"Placement {placement.pk}" in year and "£42.15" in year
    lines = client.get(f"/insight/spend/{pid}/2024/placements/{placement.pk}/").content.decode()
    assert "2 lines of approved payment runs, £42.15" in lines
    exported = list(csv.DictReader(io.StringIO(client.get(f"/insight/spend/{pid}/2024/?format=csv").content.decode())))
    assert [(r["Placement"], r["Amount"]) for r in exported] == [(str(placement.pk), "42.15")]


def test_another_councils_figures_never(world, client, make_user):  # noqa: F811
    council = world["council"]
    placement = world["visited"]()
    run = runs.payment_run_create(
        council=council, actor=world["finance"], period_start=date(2024, 4, 1), period_end=date(2024, 4, 14)
    )
    runs.payment_run_approve(
        run=runs.payment_run_calculate(run=run, actor=world["finance"]), actor=world["other_finance"]
    )
    summaries.market_refresh(today=TODAY)
    elsewhere = make_user(CouncilFactory(), Role.COMMISSIONER)
    assert reports.spend_by_provider(council=elsewhere.organisation)["years"] == []
    client.force_login(elsewhere)
    assert "Ash Care" not in client.get("/insight/spend/").content.decode()
    pid = world["provider"].pk
    theirs = client.get(f"/insight/spend/{pid}/2024/").content.decode()
    assert f"Placement {placement.pk}" not in theirs and "No payment lines in approved runs" in theirs
    assert client.get(f"/insight/spend/{pid}/2024/placements/{placement.pk}/").status_code == 404
    made = HistoryImport.objects.create(council=council, file_name="x.csv")
    assert client.post(f"/insight/history/{made.pk}/withdrawal/").status_code == 404


def test_insight_by_api(council, staffordshire, client, make_user):
    secret = accounts.api_token_create(
        organisation=council, name="ledger", roles=[Role.COMMISSIONER.value], actor=staffordshire
    ).secret
    auth = {"Authorization": f"Bearer {secret}"}
    rows = _seed_004_rows()
    refused = client.post(
        "/api/v1/insight/history",
        {"file": _file("h.csv", _csv([*rows[:2], ["2017-04", "Nobody", "ccs", "", "ranked", 0, 0, 0, "1.00"]]))},
        headers=auth,
    )
    assert refused.status_code == 400
    assert refused.json()["problems"][0]["problem"] == "Not a provider Caremarket knows"
    made = client.post("/api/v1/insight/history", {"file": _file("h.csv", _csv(rows))}, headers=auth)
    assert made.status_code == 201 and made.json()["rows"] == 240
    spend = client.get("/api/v1/insight/spend", headers=auth).json()
    assert spend["totals"]["2017/18"] == "617162.90" or D(str(spend["totals"]["2017/18"])) == D("617162.90")
    amg = next(line for line in spend["lines"] if line["provider"] == "AMG")
    year = client.get(f"/api/v1/insight/spend/{amg['provider_id']}/2017", headers=auth).json()
    assert D(str(year["imported_total"])) == D("79747.23") and len(year["imported"]) == 12
    gone = client.post(f"/api/v1/insight/history/{made.json()['id']}/withdrawal", headers=auth)
    assert gone.status_code == 200 and gone.json()["withdrawn_at"]
    provider = ProviderFactory()
    staff = make_user(provider, Role.PROVIDER_ADMIN)
    theirs = accounts.api_token_create(
        organisation=provider, name="p", roles=[Role.PROVIDER_ADMIN.value], actor=staff
    ).secret
    assert client.get("/api/v1/insight/spend", headers={"Authorization": f"Bearer {theirs}"}).status_code == 403
    assert json.loads(client.get("/api/v1/insight/spend", headers=auth).content)["years"] == []


def test_the_history_template_downloads_and_imports_as_it_is(council, staffordshire, client):
    client.force_login(staffordshire)
    got = client.get("/insight/history/template.csv")
    assert got["Content-Disposition"] == 'attachment; filename="history-template.csv"'
    assert next(csv.reader(io.StringIO(got.content.decode()))) == history.COLUMNS
    book = load_workbook(io.BytesIO(client.get("/insight/history/template.xlsx").content))
    assert [c.value for c in book.active[1]] == history.COLUMNS
    # its example rows import once the council has their provider, service and area
    ProviderFactory(name="Example Care Ltd")
    reference.service_type_create(council=council, actor=None, code="home-care", name="Home care")
    reference.area_create(council=council, actor=None, code="north", name="North", level=1)
    made = history.history_import(
        council=council, actor=staffordshire, file_name="t.csv", content=got.content, today=TODAY
    )
    assert made.rows == 2 and made.spend == D("36489.40")
