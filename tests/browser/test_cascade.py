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
    journey.click(role="link", name=re.compile(r"^R-\d+$"))
    expect(page.get_by_text("Primary: Evergreen Home Care Ltd")).to_be_visible()
    journey.click(role="button", name="Offer to providers")
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Offered to Evergreen Home Care Ltd (primary)")
    journey.click(role="button", name="Sign out")

    journey.sign_in("admin@evergreen.example", PASSWORD)
    journey.click(role="link", name="Referrals and placements")
    journey.click(role="link", name=re.compile(r"^Request R-\d+$"))
    expect(page.get_by_text("postcode district WM1")).to_be_visible()
    assert "Sutcliffe" not in page.content()
    page.get_by_label("Cannot meet the requested call times").check()
    journey.click(role="button", name="Decline the referral")
    journey.click(role="button", name="Sign out")

    # the secondary is told as soon as the primary declines, and accepts from the notification
    journey.sign_in("admin@maplegate.example", PASSWORD)
    journey.click(role="link", name="Notifications (1 unread)")
    expect(page.locator(".cm-notification--unread")).to_contain_text("answer by")
    journey.click(role="link", name=re.compile(r"^Request R-\d+: Home care in Ashcombe North, answer by"))
    expect(page.get_by_role("link", name="Notifications (1 unread)")).to_have_count(0)
    journey.click(role="button", name="Accept the referral")
    expect(page.get_by_role("heading", name=re.compile("Edna Sutcliffe"))).to_be_visible()
    expect(page.get_by_text("12 Mill Lane, WM1 2AB")).to_be_visible()
    journey.click(role="button", name="Sign out")

    journey.sign_in("broker@westmarch.example", PASSWORD)
    journey.click(role="link", name="Care requests")
    expect(page.get_by_role("link", name=re.compile(r"^R-\d+$"))).to_have_count(0)  # placed: out of the open queue
    page.get_by_label("State").select_option(label="Any state, placed included")
    journey.click(role="button", name="Filter")
    journey.click(role="link", name=re.compile(r"^R-\d+$"))
    expect(page.get_by_text("Placed with Maplegate Home Care Ltd")).to_be_visible()
    expect(page.get_by_role("row", name=re.compile("Evergreen"))).to_contain_text(
        "Cannot meet the requested call times"
    )


def test_a_provider_chooses_its_emails_and_subscribes_its_rostering_system(journey, cascade, settings):
    settings.WEBHOOKS_ALLOW_PRIVATE_ADDRESSES = True
    page = journey.page
    journey.sign_in("admin@evergreen.example", PASSWORD)
    journey.click(role="link", name="Notifications")
    journey.click(role="link", name="Choose what you are emailed about")
    page.get_by_role("group", name="Our offer in a competition is not awarded").get_by_label(
        "Do not email me; show it in Caremarket only"
    ).check()
    journey.click(role="button", name="Save my choices")
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Your email choices are saved")
    journey.click(role="link", name="Webhooks")
    journey.click(role="button", name="Add the subscription")
    expect(page.locator(".govuk-error-summary")).to_contain_text("Give the address of your system's endpoint")
    page.get_by_label("Address of your system's endpoint").fill("http://127.0.0.1:9/rota")
    page.get_by_label("A referral is offered to us").check()
    journey.click(role="button", name="Add the subscription")
    expect(page.locator("#webhook-secret")).to_have_text(re.compile(r"^[0-9a-f]{64}$"))
    journey.click(role="link", name="Back to webhooks")
    journey.click(role="link", name="http://127.0.0.1:9/rota")
    expect(page.get_by_text("Nothing sent yet.")).to_be_visible()
