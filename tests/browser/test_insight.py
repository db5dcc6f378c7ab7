"""A commissioner imports the history from before Caremarket (a bad file first), opens the spend report, drills
from a provider's yearly total down to its payment lines and exports the table. Every page is checked with axe."""

import csv
import io
import re
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from playwright.sync_api import expect

from caremarket.accounts import services as accounts
from caremarket.domain.roles import Role
from caremarket.finance.models import PaymentLine
from caremarket.insight import summaries
from tests.factories import START, PaymentRunFactory, PlacementFactory

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
    assert exported[-1] == ["Total", "", "1020.00", "80.25", "1100.25"]
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
    expect(page.get_by_text("no season: under two years of history", exact=False)).to_be_visible()
    expect(page.get_by_role("img", name=re.compile("history and forecast"))).to_be_visible()
