import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from caremarket.accounts import services as accounts
from caremarket.arrangements.models import Admission, Application, Arrangement, Lot
from caremarket.brokerage import services
from caremarket.domain.roles import OrganisationKind, Role
from caremarket.reference import services as reference
from caremarket.reference.models import AreaPostcode

PASSWORD = "journey-password-2026"
pytestmark = pytest.mark.browser


@pytest.fixture
def cascade(transactional_db):
    council = accounts.organisation_create(kind=OrganisationKind.COUNCIL, name="Westmarch County Council")
    broker = accounts.user_create(
        organisation=council,
        email="broker@westmarch.example",
        full_name="Tom Castellano",
        roles=[Role.BROKER.value],
        password=PASSWORD,
    )
    home = reference.service_type_create(council=council, actor=None, code="home-care", name="Home care")
    north = reference.area_create(council=council, actor=None, code="ashcombe-north", name="Ashcombe North", level=1)
    AreaPostcode.objects.create(council=council, outward_code="WM1", area=north)
    reference.reason_code_create(
        council=council, actor=None, kind="decline", code="call-times", name="Cannot meet the requested call times"
    )
    arrangement = Arrangement.objects.create(
        council=council,
        reference="HC-2025",
        title="Home care framework",
        mechanism="tiered_framework",
        regime="pcr_2015_light_touch",
        status="live",
        starts_on=date(2025, 11, 1),
        ends_on=date(2030, 10, 31),
        estimated_value=Decimal(1),
        cap_level_1=2,
        cap_level_2=2,
    )
    lot = Lot.objects.create(arrangement=arrangement, number=1, title="Home care")
    lot.service_types.set([home])
    lot.areas.set([north])
    for name, email, position in [
        ("Evergreen Home Care Ltd", "admin@evergreen.example", "primary"),
        ("Maplegate Home Care Ltd", "admin@maplegate.example", "secondary"),
    ]:
        provider = accounts.organisation_create(kind=OrganisationKind.PROVIDER, name=name)
        accounts.user_create(
            organisation=provider,
            email=email,
            full_name=name.split()[0],
            roles=[Role.PROVIDER_ADMIN.value],
            password=PASSWORD,
        )
        application = Application.objects.create(arrangement=arrangement, provider=provider, status="admitted")
        Admission.objects.create(
            arrangement=arrangement,
            lot=lot,
            provider=provider,
            area=north,
            application=application,
            position=position,
            price=Decimal("28.10"),
        )
    person = services.person_create(
        council=council,
        actor=broker,
        given_name="Edna",
        family_name="Sutcliffe",
        date_of_birth=date(1938, 2, 2),
        address="12 Mill Lane",
        postcode="WM1 2AB",
    )
    services.care_request_create(
        council=council,
        actor=broker,
        person=person,
        service_type="home-care",
        hours_per_week=Decimal(14),
        visit_pattern="2 calls a day",
        start_on=timezone.localdate() + timedelta(days=5),
        outcomes="Stay at home safely",
    )
    return council


def test_cascade_broker_offers_primary_declines_secondary_accepts(journey, cascade):
    page = journey.page
    journey.sign_in("broker@westmarch.example", PASSWORD)
    journey.click(role="link", name="Care requests")
    journey.click(role="link", name=re.compile(r"^\d+$"))
    expect(page.get_by_text("Primary: Evergreen Home Care Ltd")).to_be_visible()
    journey.click(role="button", name="Offer to providers")
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Offered to Evergreen Home Care Ltd (primary)")
    journey.click(role="button", name="Sign out")

    journey.sign_in("admin@evergreen.example", PASSWORD)
    journey.click(role="link", name="Referrals and placements")
    journey.click(role="link", name=re.compile(r"^Referral \d+$"))
    expect(page.get_by_text("postcode district WM1")).to_be_visible()
    assert "Sutcliffe" not in page.content()
    page.get_by_label("Cannot meet the requested call times").check()
    journey.click(role="button", name="Decline the referral")
    journey.click(role="button", name="Sign out")

    journey.sign_in("admin@maplegate.example", PASSWORD)
    journey.click(role="link", name="Referrals and placements")
    journey.click(role="link", name=re.compile(r"^Referral \d+$"))
    journey.click(role="button", name="Accept the referral")
    expect(page.get_by_role("heading", name=re.compile("Edna Sutcliffe"))).to_be_visible()
    expect(page.get_by_text("12 Mill Lane, WM1 2AB")).to_be_visible()
    journey.click(role="button", name="Sign out")

    journey.sign_in("broker@westmarch.example", PASSWORD)
    journey.click(role="link", name="Care requests")
    journey.click(role="link", name=re.compile(r"^\d+$"))
    expect(page.get_by_text("Placed with Maplegate Home Care Ltd")).to_be_visible()
    expect(page.get_by_role("row", name=re.compile("Evergreen"))).to_contain_text(
        "Cannot meet the requested call times"
    )
