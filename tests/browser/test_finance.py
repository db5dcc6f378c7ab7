"""Payments in the browser: a provider uploads a month of visits with a bad row, fixes and uploads again; finance
officers run, approve and export a payment run; a backdated transport rate shows up as adjustments."""

import re
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.db import transaction
from django.utils import timezone
from playwright.sync_api import expect

from caremarket.accounts import services as accounts
from caremarket.brokerage import placements as placement_services
from caremarket.brokerage import services as brokerage
from caremarket.brokerage.models import CareRequest
from caremarket.domain.roles import OrganisationKind, Role
from caremarket.finance import delivery, rates, runs
from caremarket.reference import services as reference
from caremarket.reference.models import AreaPostcode
from tests.browser.forms import fill_date
from tests.factories import admit, live_arrangement

PASSWORD = "journey-password-2026"
pytestmark = pytest.mark.browser
APRIL = date(2024, 4, 1)


def user(organisation, email, role):
    return accounts.user_create(
        organisation=organisation,
        email=email,
        full_name=email.split("@")[0].title(),
        roles=[role.value],
        password=PASSWORD,
    )


def build():
    council = accounts.organisation_create(kind=OrganisationKind.COUNCIL, name="Stourshire County Council")
    staff = {
        "finance": user(council, "finance@stourshire.example", Role.FINANCE_OFFICER),
        "approver": user(council, "payments@stourshire.example", Role.FINANCE_OFFICER),
        "commissioner": user(council, "commissioner@stourshire.example", Role.COMMISSIONER),
    }
    north = reference.area_create(council=council, actor=None, code="north", name="Stour Valley", level=1)
    AreaPostcode.objects.create(council=council, outward_code="SV1", area=north)
    provider = accounts.organisation_create(kind=OrganisationKind.PROVIDER, name="Riverside Care Ltd")
    staff["provider"] = user(provider, "office@riverside.example", Role.PROVIDER_STAFF)
    made = {}
    for code, name, mechanism in [
        ("home-care", "Home care", "tiered_framework"),
        ("day-services", "Day services", "flexible_framework"),
    ]:
        service = reference.service_type_create(council=council, actor=None, code=code, name=name)
        arrangement, lot = live_arrangement(
            council,
            reference=code.upper(),
            title=name,
            mechanism=mechanism,
            service_types=[service],
            areas=[north],
            starts_on=date(2023, 4, 1),
            ends_on=date(2030, 1, 1),
            price_basis="hour-per-area" if code == "home-care" else "day",
        )
        admission = admit(arrangement, lot, provider, area=north, price=Decimal("28.10"), offers_transport=True)
        made[code] = (arrangement, admission)
    person = brokerage.person_create(
        council=council,
        actor=None,
        given_name="Olive",
        family_name="Pickles",
        date_of_birth=date(1941, 5, 5),
        address="3 Mill Lane",
        postcode="SV1 1AB",
    )
    placements = {}
    for code, schedule in [
        ("home-care", {"hours_per_week": Decimal(7)}),
        ("day-services", {"days_per_week": 2, "needs_transport": True}),
    ]:
        request = brokerage.care_request_create(
            council=council,
            actor=staff["commissioner"],
            person=person,
            service_type=code,
            start_on=APRIL,
            outcomes="x",
            today=date(2024, 3, 1),
            **schedule,
        )
        with transaction.atomic():
            request = CareRequest.objects.select_for_update().get(pk=request.pk)
            placements[code] = placement_services.placement_create(
                request=request,
                provider=provider,
                route="cascade",
                actor=None,
                admission=made[code][1],
                agreed_price=Decimal("28.10"),
                reason="placed",
            )
    rates.rates_from_admissions(arrangement=made["home-care"][0], actor=None, starts_on=APRIL)
    return council, staff, provider, made, placements


def test_provider_uploads_a_month_of_visits_with_a_bad_row_then_the_fixed_file(journey, transactional_db, tmp_path):
    _, _, _, _, placements = build()
    pk = placements["home-care"].pk
    rows = [f"{pk},{day:02d}/04/2024,08:00,08:45,1" for day in range(1, 29)]  # UK dates, day first
    rows[9] = f"{pk},10/04/2024,08:45,08:00,1"  # ends before it starts
    bad = tmp_path / "april-visits.csv"
    bad.write_text("placement,date,start,end,carers\n" + "\n".join(rows) + "\n")
    page = journey.page
    journey.sign_in("office@riverside.example", PASSWORD)
    journey.click(role="link", name="Delivery and remittances")
    page.get_by_label("Upload the CSV or XLSX file").set_input_files(str(bad))
    journey.click(role="button", name="Upload the file")
    expect(page.get_by_text("The file was not recorded: 1 problem on 1 of its 28 rows")).to_be_visible()
    expect(page.get_by_role("row", name=re.compile("^Ends before it starts end 11"))).to_contain_text(
        "The visit ends before it starts"
    )
    rows[9] = f"{pk},10/04/2024,08:00,08:45,1"
    bad.write_text("placement,date,start,end,carers\n" + "\n".join(rows) + "\n")
    page.get_by_label("Upload the CSV or XLSX file").set_input_files(str(bad))
    journey.click(role="button", name="Upload the file")
    expect(page.get_by_text("28 new records; 0 were already recorded")).to_be_visible()
    page.get_by_label("Upload the CSV or XLSX file").set_input_files(str(bad))
    journey.click(role="button", name="Upload the file")
    expect(page.get_by_text("0 new records; 28 were already recorded")).to_be_visible()


def test_provider_fills_in_the_pre_filled_template_and_an_overlap_is_refused(journey, transactional_db, tmp_path):
    _, _, provider, _, placements = build()
    pk = placements["home-care"].pk
    today = timezone.localdate()
    first = today.replace(day=1)
    # the latest week recorded before this month: the first day's weekday and two days later, at 08:00
    week = [first - timedelta(days=7), first - timedelta(days=5)]
    for day in week:
        delivery.delivery_record(provider=provider, actor=None, placement_id=pk, day=day, start="08:00", end="08:45")
    page = journey.page
    journey.sign_in("office@riverside.example", PASSWORD)
    journey.click(role="link", name="Delivery and remittances")
    with page.expect_download() as download:
        page.get_by_role("link", name=f"CSV template for {first:%B %Y} (to date)").click()
    text = Path(download.value.path()).read_text()
    request = f"R-{placements['home-care'].request_id}"
    assert f"{pk},{request},Olive Pickles,{first:%d/%m/%Y},08:00,08:45,1" in text
    # the office adds a visit that clashes with the first day's and uploads the file
    clash = tmp_path / "month.csv"
    clash.write_text(text + f"{pk},,,{first:%d/%m/%Y},08:30,09:00,1\n")
    page.get_by_label("Upload the CSV or XLSX file").set_input_files(str(clash))
    journey.click(role="button", name="Upload the file")
    expect(page.get_by_role("row", name=re.compile("^Overlaps another visit for the same person"))).to_contain_text(
        f"08:30 to 09:00 on {first:%-d %B %Y} overlaps the visit from 08:00 to 08:45"
    )
    # without the clash the month goes in; planned visits left without times are skipped
    page.get_by_label("Upload the CSV or XLSX file").set_input_files(str(download.value.path()))
    journey.click(role="button", name="Upload the file")
    visits = sum(1 for n in range((today - first).days + 1) if (first + timedelta(days=n)).weekday() in
                 {d.weekday() for d in week})  # fmt: skip
    expect(page.locator(".govuk-panel")).to_contain_text("planned visits left without times were skipped")
    recorded = placements["home-care"].deliveries.filter(day__gte=first)
    assert (
        sorted(recorded.values_list("day", flat=True))
        == [
            first + timedelta(days=n)
            for n in range((today - first).days + 1)
            if (first + timedelta(days=n)).weekday() in {d.weekday() for d in week}
        ]
        and len(recorded) == visits
    )


def test_finance_officers_reconcile_run_approve_and_export(journey, transactional_db, tmp_path):
    _, _, provider, _, placements = build()
    for day in (2, 9):
        delivery.delivery_record(
            provider=provider,
            actor=None,
            placement_id=placements["home-care"].pk,
            day=f"2024-04-{day:02d}",
            start="08:00",
            end="09:00",
        )
    page = journey.page
    journey.sign_in("finance@stourshire.example", PASSWORD)
    journey.click(role="link", name="Payment runs")
    journey.click(role="button", name="Create the run")
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the first day of the period")
    fill_date(page, "First day of the period", "2024-04-01")
    fill_date(page, "Last day of the period", "2024-04-28")
    journey.click(role="button", name="Create the run")
    journey.click(role="button", name="Calculate")
    # the calculation runs in the worker; its page says when it is done and links to the run
    expect(page.locator(".govuk-panel")).to_contain_text("£56.20 to pay")
    journey.click(role="link", name="See the result")
    expect(page.locator(".govuk-summary-list__row", has_text="To pay")).to_contain_text("£56.20")
    # reconciling: control totals, and the ledger codes the payments file still lacks
    expect(page.get_by_role("row", name=re.compile("^Visits"))).to_contain_text("2")
    expect(page.get_by_role("row", name=re.compile("^Hours of care"))).to_contain_text("2")
    expect(page.get_by_text("Riverside Care Ltd has no supplier code")).to_be_visible()
    with page.expect_download() as lines:
        page.get_by_role("link", name="every line (CSV)").click()
    assert Path(lines.value.path()).read_text().count("Riverside Care Ltd") == 2
    journey.click(role="link", name="Set the ledger codes")
    page.get_by_label("Provider", exact=True).select_option(label="Riverside Care Ltd")
    page.get_by_label("Supplier code", exact=True).fill("RIV-001")
    journey.click(role="button", name="Save the supplier code")
    page.get_by_label("Cost centre", exact=True).fill("SC-ASC-100")
    journey.click(role="button", name="Save the cost centre")
    expect(page.get_by_role("row", name=re.compile("^Default"))).to_contain_text("SC-ASC-100")
    # the officer who calculated it is not offered approval, and is told why
    journey.click(role="link", name="Back to payment runs")
    journey.click(role="link", name=re.compile(r"^Run \d+$"))
    expect(page.get_by_role("button", name="Check and approve the run")).to_have_count(0)
    expect(page.locator(".govuk-inset-text")).to_contain_text("another finance officer checks and approves it")
    run_url = page.url
    journey.click(role="button", name="Sign out")
    journey.sign_in("payments@stourshire.example", PASSWORD)
    journey.goto(run_url.replace(journey.base_url, ""))
    journey.click(role="button", name="Check and approve the run")
    expect(page.locator(".govuk-summary-list__row", has_text="Providers")).to_contain_text("1")
    journey.click(role="button", name="Approve and release £56.20")
    expect(page.locator(".govuk-error-summary")).to_contain_text("Confirm that you have checked the run")
    page.get_by_label("I have checked the totals").check()
    journey.click(role="button", name="Approve and release £56.20")
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Approved")
    with page.expect_download() as download:
        page.get_by_role("link", name="CSV", exact=True).click()
    assert "RIV-001" in (paid := Path(download.value.path()).read_text()) and ",SC-ASC-100,,56.20,2," in paid
    journey.click(role="link", name="Riverside Care Ltd")
    expect(page.locator(".govuk-summary-list")).to_contain_text("2 hours in 2 visits")


def test_a_backdated_transport_rate_shows_up_as_adjustments_in_the_next_run(journey, transactional_db):
    council, staff, provider, made, placements = build()
    arrangement = made["day-services"][0]
    rates.rate_create(
        council=council,
        actor=None,
        arrangement=arrangement,
        kind="set",
        unit="day",
        amount="52.00",
        starts_on=date(2023, 4, 1),
    )
    transport = rates.rate_create(
        council=council,
        actor=None,
        arrangement=arrangement,
        kind="add-on",
        unit="day",
        amount="14.00",
        starts_on=date(2023, 4, 1),
        add_on="transport",
    )
    for day in ("2024-04-02", "2024-04-04", "2024-04-09", "2024-05-02"):
        delivery.delivery_record(provider=provider, actor=None, placement_id=placements["day-services"].pk, day=day)
    first = runs.payment_run_create(
        council=council, actor=staff["finance"], period_start=APRIL, period_end=date(2024, 4, 28)
    )
    runs.payment_run_calculate(run=first, actor=staff["finance"])
    runs.payment_run_approve(run=first, actor=staff["approver"])
    page = journey.page
    journey.sign_in("commissioner@stourshire.example", PASSWORD)
    journey.goto(f"/finance/rates/{transport.pk}/")
    page.get_by_label("New amount in pounds").fill("15.44")
    fill_date(page, "Date the new amount takes effect from", "2024-04-01")
    page.get_by_label("Why the rate changes").fill("Transport rate agreed with providers, backdated")
    journey.click(role="button", name="Change the rate")
    expect(page.locator(".govuk-notification-banner")).to_contain_text("adjusted in the next run")
    journey.click(role="button", name="Sign out")
    journey.sign_in("finance@stourshire.example", PASSWORD)
    journey.click(role="link", name="Payment runs")
    fill_date(page, "First day of the period", "2024-04-29")
    fill_date(page, "Last day of the period", "2024-05-26")
    journey.click(role="button", name="Create the run")
    journey.click(role="button", name="Calculate")
    journey.click(role="link", name="See the result")
    adjustments = page.get_by_role("row", name=re.compile("rate changed"))
    expect(adjustments).to_have_count(3)
    expect(adjustments.first).to_contain_text("£1.44")
    # May: 52.00 + 15.44 for the day, plus 3 x 1.44 for April
    expect(page.locator(".govuk-summary-list__row", has_text="To pay")).to_contain_text("£71.76")


def test_commissioner_sets_rules_and_costs_care_and_finance_records_contributions_and_holds(journey, transactional_db):
    placements = build()[4]
    page = journey.page
    journey.sign_in("commissioner@stourshire.example", PASSWORD)
    journey.click(role="link", name="Rates")
    page.get_by_label("Placement number").fill(str(placements["home-care"].pk))
    fill_date(page, "Date", "2024-06-03")
    journey.click(role="button", name="Show the rate")
    expect(page.locator(".govuk-inset-text")).to_contain_text("the provider's own rate for the area")
    journey.click(role="link", name=re.compile("Payment rules"))
    page.get_by_label("Arrangement", exact=True).first.select_option(label="HOME-CARE")
    page.get_by_role("radio", name="Planned delivery").check()
    page.get_by_label("Minimum chargeable time per visit (minutes)").fill("30")
    fill_date(page, "Date the rules take effect from", "2024-04-01")
    journey.click(role="button", name="Set the rules")
    expect(page.get_by_role("row", name=re.compile("HOME-CARE"))).to_contain_text("Planned")
    journey.click(role="link", name="Back to rates")
    journey.click(role="link", name=re.compile("Cost of care calculator"))
    fill_date(page, "Applies from", "2025-04-01")
    journey.click(role="button", name="Calculate")
    expect(page.locator(".govuk-panel")).to_contain_text("£27.85 an hour")
    journey.click(role="button", name="Sign out")

    journey.sign_in("finance@stourshire.example", PASSWORD)
    journey.click(role="link", name="Payment runs")
    journey.click(role="link", name="Contributions and funding routes")
    page.get_by_label("Person number").fill(str(placements["home-care"].person_id))
    page.get_by_label("Assessed weekly contribution (£)").fill("32.00")
    fill_date(page, "Applies from", "2024-04-01")
    journey.click(role="button", name="Record the assessment")
    expect(page.get_by_role("row", name=re.compile("Olive Pickles"))).to_contain_text("£32.00")
    journey.click(role="link", name="Back to payment runs")
    journey.click(role="link", name="Holds on payments")
    journey.click(role="button", name="Hold payments")
    expect(page.locator(".govuk-error-summary")).to_contain_text("Say why the payment is held")
    page.get_by_label("Provider", exact=True).select_option(label="Riverside Care Ltd")
    page.get_by_label("Why").fill("Invoice disputed")
    journey.click(role="button", name="Hold payments")
    journey.click(role="button", name=re.compile("^Release"))
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Released")
