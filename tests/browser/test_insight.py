"""A commissioner imports the history from before Caremarket (a bad file first), opens the spend report, drills
from a provider's yearly total down to its payment lines and exports the table; opens the forecast for an area where
demand exceeds the capacity admitted providers declared and reopens the arrangement from there; reads the market's
year and the finance return's unit costs. Every page is checked with axe."""

import csv
import io
import re
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from playwright.sync_api import expect

from caremarket.accounts import services as accounts
from caremarket.arrangements.admissions import admission_capacity_declare
from caremarket.arrangements.models import ApplicationWindow
from caremarket.domain.roles import OrganisationKind, Role
from caremarket.finance.models import PaymentLine
from caremarket.insight import history, summaries
from tests.browser.forms import fill_date
from tests.factories import START, PaymentRunFactory, PlacementFactory, admit, live_arrangement

from .worlds import PASSWORD

pytestmark = pytest.mark.browser


def test_spend_from_history_to_payment_lines(journey, transactional_db, time_machine, tmp_path):
    time_machine.move_to(date(2030, 9, 1), tick=True)
    placement = PlacementFactory()
    council, provider = placement.council, placement.provider
    run = PaymentRunFactory(council=council, state="approved")
    for n, amount in enumerate(("50.00", "30.25")):
        PaymentLine.objects.create(
            run=run, provider=provider, placement=placement, person=placement.person, key=f"p{placement.pk}:{n}",
            kind="care", day=START + timedelta(days=n), quantity=Decimal(2), unit="hour", rate=Decimal("25.00"),
            amount=Decimal(amount), description=f"Visit {n + 1}",
        )  # fmt: skip
    summaries.market_refresh(today=date(2030, 9, 1))
    accounts.user_create(
        organisation=council, email="commissioner@council.example", full_name="Priya Shah",
        roles=[Role.COMMISSIONER.value], password=PASSWORD,
    )  # fmt: skip
    service = placement.service_type.code
    # a flexible framework in the placement's area, one provider on it declaring room for 12; its packages grew
    # from 10 to 30 over the last 20 months, so the forecast passes what it can take
    flexible, lot = live_arrangement(
        council, reference="FLEX-1", mechanism="flexible_framework", service_types=[placement.service_type],
        areas=[placement.area], title="Flexible framework",
    )  # fmt: skip
    oak = accounts.organisation_create(kind=OrganisationKind.PROVIDER, name="Oak Care")
    admission_capacity_declare(admission=admit(flexible, lot, oak, area=placement.area), actor=None, capacity=12)
    grew = [
        [f"{2029 + n // 12}-{n % 12 + 1:02d}", oak.name, service, placement.area.code, "framework", 1,
         10 + n, "0", "0.00"]
        for n in range(20)
    ]  # fmt: skip
    history.history_import(council=council, actor=None, file_name="oak.csv", content=_csv_bytes(grew))
    rows = [["2029-04", provider.name, service, "", "primary", 1, 3, "40", "1000.00"]]
    rows.append(["2029-05", "", service, "", "spot", 0, 1, "10", "-20.00"])  # below zero
    file = tmp_path / "history.csv"
    out = io.StringIO()
    csv.writer(out).writerows([["month", "provider", "service", "area", "route", "new packages", "active packages",
                                "hours", "spend"], *rows])  # fmt: skip
    file.write_text(out.getvalue())

    page = journey.page
    journey.sign_in("commissioner@council.example", PASSWORD)
    journey.click(role="link", name="Market insight")
    journey.click(role="link", name="History from before Caremarket")
    page.get_by_label("Upload the CSV or XLSX file of monthly figures").set_input_files(str(file))
    journey.click(role="button", name="Import the file")
    expect(page.get_by_role("row", name=re.compile("^Below zero spend 3"))).to_contain_text("-20.00 is below zero")
    rows[1][-1] = "20.00"
    out = io.StringIO()
    csv.writer(out).writerows([["month", "provider", "service", "area", "route", "new packages", "active packages",
                                "hours", "spend"], *rows])  # fmt: skip
    file.write_text(out.getvalue())
    page.get_by_label("Upload the CSV or XLSX file of monthly figures").set_input_files(str(file))
    journey.click(role="button", name="Import the file")
    expect(page.get_by_text("Imported 2 rows of figures, April 2029 to May 2029")).to_be_visible()

    journey.click(role="link", name="Back to market insight")
    journey.click(role="link", name="Spend by provider by financial year")
    table = page.get_by_role("table")
    expect(table.get_by_role("row", name=re.compile(f"^{provider.name}")).first).to_contain_text("£1,000.00")
    expect(table.get_by_role("row", name=re.compile("^Total"))).to_contain_text("£1,100.25")
    with page.expect_download() as download:
        page.get_by_role("link", name="CSV", exact=True).click()
    exported = list(csv.reader(io.StringIO(Path(download.value.path()).read_text())))
    assert exported[-1] == ["Total", "", "0.00", "1020.00", "80.25", "1100.25"]  # Oak's years spent nothing
    journey.click(role="link", name=f"£80.25 spent with {provider.name} in 2030/31")
    expect(page.get_by_role("heading", level=1)).to_have_text(provider.name)
    journey.click(role="link", name=f"Placement {placement.pk}, {placement.request.reference} payment lines")
    expect(page.get_by_text("2 lines of approved payment runs, £80.25")).to_be_visible()
    expect(page.get_by_role("row", name=re.compile("Visit 2"))).to_contain_text("£30.25")
    page.set_viewport_size({"width": 320, "height": 800})
    journey.goto("/insight/spend/")
    page.set_viewport_size({"width": 1280, "height": 800})
    journey.goto("/insight/")
    journey.click(role="link", name="Demand forecast")
    page.get_by_label("Area", exact=True).select_option(label=placement.area.name)
    page.get_by_label("Demand", exact=True).select_option(label="Active packages")
    journey.click(role="button", name="Show")
    expect(page.get_by_role("img", name=re.compile("history and forecast"))).to_be_visible()
    expect(page.get_by_text("Forecast demand exceeds capacity from", exact=False)).to_be_visible()
    expect(page.get_by_text("12 people: 1 admissions as their providers declared")).to_be_visible()
    journey.click(role="link", name="Reopen FLEX-1 Flexible framework")
    expect(page.get_by_label("The unmet need")).to_contain_text("forecast active packages reach")
    expect(page.get_by_label("Unmet need has been identified")).to_be_checked()
    closes = date(2030, 9, 29)
    fill_date(page, "Window closes at", closes, at="12:00")
    journey.click(role="button", name="Open the window")
    window = ApplicationWindow.objects.get(arrangement=flexible, reason="unmet-need")
    assert "against capacity for 12" in window.unmet_need

    journey.goto("/insight/")
    journey.click(role="link", name="The market in a year")
    expect(page.get_by_role("heading", level=2, name="Hours and spend by framework position and route")).to_be_visible()
    expect(page.get_by_role("img", name=re.compile("share of hours"))).to_be_visible()
    journey.goto("/insight/")
    journey.click(role="link", name="Unit costs for the finance return")
    expect(page.get_by_role("heading", level=2, name="Weighted average standard hourly rate")).to_be_visible()
    journey.goto("/insight/")
    journey.click(role="link", name="The market by any measure")
    page.get_by_label("By", exact=True).select_option(label="Provider")
    journey.click(role="button", name="Show")
    journey.click(role="link", name=f"80.25 for {provider.name}, 2030/31")  # the provider's whole year
    expect(page.get_by_text("All spend, 2030/31")).to_be_visible()

    # the market position statement: published, then read by anyone without signing in
    journey.goto("/insight/")
    journey.click(role="link", name="Market position statements")
    journey.click(role="link", name=placement.service_type.name)
    journey.click(role="button", name="Publish the statement")
    expect(page.get_by_role("link", name=re.compile("Say what the council intends"))).to_be_visible()
    page.get_by_label("What the council intends for this market").fill("More capacity where requests wait longest.")
    journey.click(role="button", name="Publish the statement")
    journey.click(role="link", name="the public page")
    journey.click(role="button", name="Sign out")
    journey.goto(f"/market-position/{council.slug}/{service}/")
    expect(page.get_by_text("More capacity where requests wait longest.")).to_be_visible()
    page.set_viewport_size({"width": 320, "height": 800})
    journey.goto(f"/market-position/{council.slug}/")
    page.set_viewport_size({"width": 1280, "height": 800})

    # a provider keeps its capacity current
    accounts.user_create(
        organisation=oak, email="admin@oak.example", full_name="Oak", roles=[Role.PROVIDER_ADMIN.value],
        password=PASSWORD,
    )  # fmt: skip
    journey.sign_in("admin@oak.example", PASSWORD)
    journey.click(role="link", name="Applications")
    journey.click(role="link", name=f"Change your capacity under FLEX-1 lot 1, {placement.area.name}")
    page.get_by_label("How many people can you support at once under this admission?").fill("ten")
    journey.click(role="button", name="Declare the capacity")
    expect(page.get_by_role("link", name="Enter the number of people as a whole number, like 12")).to_be_visible()
    page.get_by_label("How many people can you support at once under this admission?").fill("20")
    journey.click(role="button", name="Declare the capacity")
    expect(page.get_by_text("You can support 20 people under FLEX-1")).to_be_visible()


def _csv_bytes(rows: list[list]) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows([history.COLUMNS, *rows])
    return out.getvalue().encode()
