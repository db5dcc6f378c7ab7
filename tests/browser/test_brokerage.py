import os
import re
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from caremarket.accounts import services as accounts
from caremarket.domain.roles import OrganisationKind, Role
from caremarket.reference import services as reference
from caremarket.reference.models import AreaPostcode
from tests.browser.forms import fill_date
from tests.factories import PersonFactory, admit, live_arrangement

PASSWORD = "journey-password-2026"
SCREENSHOTS = os.environ.get("CAREMARKET_SCREENSHOTS", "")  # a folder: journeys save pictures of key pages there
pytestmark = pytest.mark.browser


@pytest.fixture
def council(transactional_db):
    council = accounts.organisation_create(kind=OrganisationKind.COUNCIL, name="Stourshire County Council")
    for role, email in [
        (Role.PRACTITIONER, "practitioner"),
        (Role.TEAM_LEADER, "team.leader"),
        (Role.BROKER, "broker"),
    ]:
        accounts.user_create(
            organisation=council,
            email=f"{email}@stourshire.example",
            full_name=email.title(),
            roles=[role.value],
            password=PASSWORD,
        )
    children = reference.service_type_create(
        council=council,
        actor=None,
        code="childrens-community-support",
        name="Children's community support",
        regulated_activity=False,
    )
    area = reference.area_create(council=council, actor=None, code="stour-valley", name="Stour Valley", level=1)
    AreaPostcode.objects.create(council=council, outward_code="SV1", area=area)
    arrangement, lot = live_arrangement(
        council,
        reference="CCS-RF-2026",
        title="Children's community support",
        mechanism="ranked_framework",
        regime="procurement_act_2023",
        service_types=[children],
        areas=[area],
        starts_on=date(2026, 4, 1),
        ends_on=date(2030, 3, 31),
    )
    for name, age_max in [("Juniper Community Support", 18), ("Adults Only Care", None)]:
        provider = accounts.organisation_create(kind=OrganisationKind.PROVIDER, name=name)
        admit(arrangement, lot, provider, area=area, age_min=0 if age_max else 18, age_max=age_max, price=None)
    return council


def test_practitioner_records_a_childs_request_team_leader_approves_broker_sees_eligibility(journey, council):
    page = journey.page
    journey.sign_in("practitioner@stourshire.example", PASSWORD)
    journey.click(role="link", name="Care requests")
    journey.click(role="button", name="Find or add a person")
    journey.click(role="button", name="Add a person")
    page.get_by_label("First name").fill("Kit")
    page.get_by_label("Last name").fill("Oddie")
    fill_date(page, "Date of birth", (timezone.localdate() - timedelta(days=365 * 11)).isoformat())
    page.get_by_label("Address").fill("4 Mill Lane, Stourbridge")
    page.get_by_label("Postcode").fill("sv1 4ab")
    journey.click(role="button", name="Add the person")
    journey.click(role="button", name="Record a care request")
    page.get_by_label("Service", exact=True).select_option("childrens-community-support")
    page.get_by_label("Hours per week (home care)").fill("6")
    fill_date(page, "Start date", (timezone.localdate() + timedelta(days=10)).isoformat())
    page.get_by_label("Outcomes the person wants").fill("Join a football club; time out for parents")
    journey.click(role="button", name="Continue")
    # the answers read back: the hours are changed from there, then the request recorded
    expect(page.get_by_role("heading", name="Check the request before you record it")).to_be_visible()
    journey.click(role="button", name="Change hours per week (home care)")
    page.get_by_label("Hours per week (home care)").fill("8")
    journey.click(role="button", name="Continue")
    expect(page.locator(".govuk-summary-list")).to_contain_text("8")
    journey.click(role="button", name="Record the request")
    expect(page.locator(".govuk-notification-banner")).to_contain_text("a team leader must approve it")
    expect(page.get_by_text("Needed: the person is a child")).to_be_visible()
    journey.click(role="button", name="Sign out")

    journey.sign_in("team.leader@stourshire.example", PASSWORD)
    journey.click(role="link", name="Care requests")
    journey.click(role="link", name=re.compile(r"^R-\d+$"))
    journey.click(role="button", name="Approve the request")
    expect(page.locator(".govuk-notification-banner")).to_contain_text("now being sourced")
    journey.click(role="button", name="Sign out")

    journey.sign_in("broker@stourshire.example", PASSWORD)
    journey.click(role="link", name="Care requests")
    journey.click(role="link", name=re.compile(r"^R-\d+$"))
    expect(page.get_by_role("listitem").filter(has_text=re.compile("^Juniper Community Support$"))).to_be_visible()
    expect(page.get_by_role("row", name=re.compile("Adults Only Care"))).to_contain_text("outside its age range")


def test_a_request_is_cancelled_with_a_reason_and_the_response_time_changed_while_live(journey, council):
    from caremarket.brokerage import services as brokerage

    practitioner = council.users.get(email="practitioner@stourshire.example")
    person = PersonFactory(council=council, date_of_birth=date(1950, 1, 1), postcode="SV1 1AA")
    request = brokerage.care_request_create(
        council=council,
        actor=practitioner,
        person=person,
        service_type="childrens-community-support",
        hours_per_week=Decimal(6),
        start_on=timezone.localdate() + timedelta(days=7),
        outcomes="Stay at home",
    )
    page = journey.page
    journey.sign_in("practitioner@stourshire.example", PASSWORD)
    journey.goto(f"/brokerage/requests/{request.pk}/")
    page.get_by_text("Cancel this request").click()
    journey.click(role="button", name="Cancel the request")
    expect(page.locator(".govuk-error-summary")).to_contain_text("Say why the request is cancelled")
    page.get_by_label("Why is the request cancelled?").fill("The person chose a direct payment")
    journey.click(role="button", name="Cancel the request")
    expect(page.locator(".govuk-notification-banner")).to_contain_text(f"Request {request.reference} cancelled")
    expect(page.locator("main .govuk-tag").first).to_have_text("Cancelled")
    if SCREENSHOTS:
        page.screenshot(path=str(Path(SCREENSHOTS) / "request-cancelled.png"), full_page=True)
    journey.click(role="button", name="Sign out")

    accounts.user_create(
        organisation=council,
        email="commissioner@stourshire.example",
        full_name="Commissioner",
        roles=[Role.COMMISSIONER.value],
        password=PASSWORD,
    )
    journey.sign_in("commissioner@stourshire.example", PASSWORD)
    journey.click(role="link", name="Arrangements")
    journey.click(role="link", name="CCS-RF-2026")
    journey.click(role="link", name="Change the details")
    page.get_by_label(re.compile("Working hours a provider has to answer")).fill("6")
    journey.click(role="button", name="Save changes")
    expect(page.get_by_text("6.0 working hours")).to_be_visible()
