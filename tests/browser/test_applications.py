import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from caremarket.accounts import services as accounts
from caremarket.arrangements import applications, services
from caremarket.domain.roles import OrganisationKind, Role
from caremarket.reference import services as reference
from tests.browser.forms import fill_date

PASSWORD = "journey-password-2026"
pytestmark = pytest.mark.browser


@pytest.fixture
def market(transactional_db):
    council = accounts.organisation_create(kind=OrganisationKind.COUNCIL, name="Mereford Borough Council")
    reference.service_type_create(council=council, actor=None, code="building-based", name="Building based")
    reference.area_create(council=council, actor=None, code="altrincham", name="Altrincham", level=1)
    reference.reason_code_create(
        council=council,
        actor=None,
        kind="suspension",
        code="quality-concern",
        name="Quality concern under investigation",
    )
    people = {
        role: accounts.user_create(
            organisation=council,
            email=f"{role.value}@mereford.example",
            full_name=name,
            roles=[role.value],
            password=PASSWORD,
        )
        for role, name in [(Role.COMMISSIONER, "Priya Okafor"), (Role.QUALITY_OFFICER, "Dev Ashworth")]
    }
    arrangement = services.arrangement_create(
        council=council,
        actor=people[Role.COMMISSIONER],
        reference="DO-FPS-2026",
        title="Day opportunities",
        mechanism="flexible_framework",
        regime="pcr_2015_light_touch",
        starts_on=timezone.localdate(),
        ends_on=timezone.localdate() + timedelta(days=1500),
        estimated_value=Decimal("4200000"),
        quality_weight=Decimal(60),
        price_weight=Decimal(40),
        quality_threshold=Decimal(50),
        price_basis="day",
    )
    services.lot_create(
        arrangement=arrangement,
        actor=None,
        title="Building based",
        service_types=["building-based"],
        areas=["altrincham"],
    )
    applications.question_create(
        arrangement=arrangement,
        actor=None,
        kind="pass-fail",
        text="Do you hold public liability insurance of at least £5m?",
        asks_expiry=True,
    )
    applications.question_create(
        arrangement=arrangement,
        actor=None,
        kind="scored",
        text="How will you offer a purposeful day?",
        weight=Decimal(100),
        max_score=5,
    )
    services.arrangement_transition(
        arrangement=arrangement, actor=None, to_status="open", closes_at=timezone.now() + timedelta(days=20)
    )
    provider = accounts.organisation_create(kind=OrganisationKind.PROVIDER, name="Hollybrook Day Opportunities CIC")
    people[Role.PROVIDER_ADMIN] = accounts.user_create(
        organisation=provider,
        email="admin@hollybrook.example",
        full_name="Nadia Fairweather",
        roles=[Role.PROVIDER_ADMIN.value],
        password=PASSWORD,
    )
    return people


def sign_out(journey):
    journey.click(role="button", name="Sign out")


def test_provider_applies_council_evaluates_and_admits_provider_reads_feedback(journey, market):
    page = journey.page
    journey.sign_in("admin@hollybrook.example", PASSWORD)
    journey.click(role="link", name="Applications")
    journey.click(role="button", name="Find arrangements open for applications")
    journey.click(role="button", name="Apply to DO-FPS-2026")
    page.get_by_label("Lot 1: Building based").check()
    page.get_by_label("Altrincham (level 1)").check()
    page.get_by_role("group", name=re.compile("public liability insurance")).get_by_label("Yes").check()
    fill_date(page, "Expiry date for question 1", "2027-03-31")
    page.get_by_label(re.compile("purposeful day")).fill("Gardening, art and trips chosen by each person.")
    page.get_by_label("Your day rate").fill("62.50")
    journey.click(role="button", name="Submit the application")
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Your application is submitted")
    journey.click(role="link", name="Withdraw this application")  # looked at, with no reason given, not done
    journey.click(role="button", name="Withdraw the application")
    expect(page.locator(".govuk-error-summary")).to_contain_text("Say why the application is withdrawn")
    journey.click(role="link", name="Back to the application")
    sign_out(journey)

    journey.sign_in("quality_officer@mereford.example", PASSWORD)
    journey.click(role="link", name="Arrangements")
    journey.click(role="link", name="DO-FPS-2026")
    journey.click(role="link", name="Applications received")
    journey.click(role="link", name="Hollybrook Day Opportunities CIC")
    page.get_by_label("Score", exact=True).fill("4")
    journey.click(role="button", name="Save my score")
    expect(page.get_by_role("cell", name="Dev Ashworth")).to_be_visible()
    sign_out(journey)

    journey.sign_in("commissioner@mereford.example", PASSWORD)
    journey.click(role="link", name="Arrangements")
    journey.click(role="link", name="DO-FPS-2026")
    journey.click(role="link", name="Applications received")
    journey.click(role="link", name="Hollybrook Day Opportunities CIC")
    page.get_by_label("Score", exact=True).fill("4")
    journey.click(role="button", name="Save as the agreed score")
    page.get_by_label("Admit", exact=True).check()
    page.get_by_role("textbox", name=re.compile("Reasons")).fill("A strong, local offer at a fair price.")
    journey.click(role="button", name="Record the decision")
    expect(page.get_by_role("cell", name="Admitted")).to_be_visible()
    journey.click(role="link", name="Back to DO-FPS-2026")
    journey.click(role="link", name="Admitted providers")
    journey.click(role="link", name=re.compile("^Suspend Hollybrook"))
    page.get_by_label("Quality concern under investigation").check()
    journey.click(role="button", name="Suspend")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Suspend 1 admission(s) of Hollybrook")
    journey.click(role="button", name=re.compile("^Suspend Hollybrook"))
    expect(page.locator(".govuk-notification-banner")).to_contain_text("no new work is routed to them")
    expect(page.get_by_role("cell", name="Suspended")).to_be_visible()
    sign_out(journey)

    journey.sign_in("admin@hollybrook.example", PASSWORD)
    journey.click(role="link", name="Applications")
    journey.click(role="link", name="Feedback on DO-FPS-2026")
    expect(page.get_by_text("you have been admitted")).to_be_visible()
    expect(page.get_by_role("cell", name="4 of 5")).to_be_visible()
    expect(page.get_by_text("Your rank: 1 of 1")).to_be_visible()
