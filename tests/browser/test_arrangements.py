import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from caremarket.accounts import services as accounts
from caremarket.domain.roles import OrganisationKind, Role
from caremarket.reference import services as reference
from tests.browser.forms import fill_date

PASSWORD = "journey-password-2026"
pytestmark = pytest.mark.browser


@pytest.fixture
def commissioner(transactional_db):
    council = accounts.organisation_create(kind=OrganisationKind.COUNCIL, name="Mereford Borough Council")
    for code, name in [
        ("building-based", "Building based"),
        ("community-support", "Community support"),
        ("employment-skills", "Employment, skills and training"),
    ]:
        reference.service_type_create(council=council, actor=None, code=code, name=name)
    for code, name, level in [
        ("altrincham", "Altrincham", 1),
        ("sale-central", "Sale Central", 1),
        ("bowdon", "Bowdon", 2),
    ]:
        reference.area_create(council=council, actor=None, code=code, name=name, level=level)
    return accounts.user_create(
        organisation=council,
        email="commissioner@mereford.example",
        full_name="Priya Okafor",
        roles=[Role.COMMISSIONER.value],
        password=PASSWORD,
    )


def test_commissioner_sets_up_the_three_lot_fps_and_opens_a_window(journey, commissioner):
    journey.sign_in(commissioner.email, PASSWORD)
    page = journey.page
    journey.click(role="link", name="Arrangements")
    journey.click(role="button", name="Create an arrangement")
    page.get_by_label("Reference").fill("DO-FPS-2026")
    page.get_by_label("Title").fill("Day opportunities flexible purchasing system")
    page.get_by_role("radio", name=re.compile("^Flexible framework")).check()
    page.get_by_role("radio", name=re.compile("^Public Contracts Regulations 2015")).check()
    fill_date(page, "Start date", "2026-04-01")
    fill_date(page, "End date", "2030-03-31")
    page.get_by_label("Estimated value in pounds").fill("4200000")
    page.get_by_label("Reopen every so many months").fill("12")
    page.get_by_role("radio", name="A day rate").check()
    journey.click(role="button", name="Continue")
    expect(page.get_by_role("heading", name="Check the arrangement before you create it")).to_be_visible()
    journey.click(role="button", name="Create the arrangement")
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Created DO-FPS-2026 as a draft")

    for title, service in [
        ("Building based", "Building based"),
        ("Community support", "Community support"),
        ("Employment, skills and training", "Employment, skills and training"),
    ]:
        journey.click(role="button", name="Add a lot")
        page.get_by_label("Title").fill(title)
        page.get_by_role("group", name="Service types").get_by_label(service, exact=True).check()
        for area in ("Altrincham (level 1)", "Sale Central (level 1)", "Bowdon (level 2)"):
            page.get_by_label(area).check()
        journey.click(role="button", name="Add the lot")
    expect(page.get_by_role("heading", name="Lot 3: Employment, skills and training")).to_be_visible()

    journey.click(role="button", name="Change the state")
    page.get_by_role("radio", name="Open for applications").check()
    closes = timezone.localtime() + timedelta(days=28)
    fill_date(page, "Applications close at", closes.date(), at=f"{closes:%H:%M}")
    journey.click(role="button", name="Change the state")
    expect(page.get_by_text("Open for applications until")).to_be_visible()
    expect(page.get_by_role("cell", name="First opening")).to_be_visible()
    expect(page.get_by_text("Contract notice (Find a Tender)")).to_be_visible()
