import re

import pytest
from playwright.sync_api import expect

from .worlds import PASSWORD, home_care_market

pytestmark = pytest.mark.browser


@pytest.fixture
def cascade(transactional_db):
    return home_care_market(
        mechanism="tiered_framework",
        providers=[
            ("Evergreen Home Care Ltd", "admin@evergreen.example", {"position": "primary"}),
            ("Maplegate Home Care Ltd", "admin@maplegate.example", {"position": "secondary"}),
        ],
        reason_codes=[("decline", "call-times", "Cannot meet the requested call times")],
        reference_code="HC-2025",
        cap_level_1=2,
        cap_level_2=2,
    )


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
