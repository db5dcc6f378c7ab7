"""A broker works the queue from the home page: the request nobody has taken, taken, then the broker's own list."""

import re

import pytest
from playwright.sync_api import expect

from .worlds import PASSWORD, home_care_market

pytestmark = pytest.mark.browser


def test_a_broker_takes_a_request_from_the_home_page_and_finds_it_in_their_own_list(journey, transactional_db):
    home_care_market(
        mechanism="tiered_framework",
        providers=[("Evergreen Home Care Ltd", "admin@evergreen.example", {"position": "primary"})],
        reason_codes=[],
        reference_code="HC-2025",
        cap_level_1=2,
        cap_level_2=2,
    )
    page = journey.page
    journey.sign_in("broker@westmarch.example", PASSWORD)
    waiting = page.locator(".govuk-summary-card, section, li, div").filter(
        has_text=re.compile("Requests being sourced that nobody has taken")
    )
    expect(waiting.first).to_be_visible()
    journey.click(role="link", name=re.compile(r"^Request R-\d+: Home care, Ashcombe North$"))
    expect(page.get_by_text("Nobody is working this request yet")).to_be_visible()
    journey.click(role="button", name="Take this request")
    expect(page.locator(".govuk-notification-banner")).to_contain_text("is yours to work")
    expect(page.get_by_text("Worked by Tom Castellano")).to_be_visible()
    journey.click(role="link", name="Home")
    journey.click(role="link", name=re.compile(r"^Request R-\d+: Home care, Ashcombe North$"))
    expect(page.get_by_role("button", name="Give it back to the queue")).to_be_visible()
    journey.click(role="link", name="Care requests")
    page.get_by_label("Owner").select_option(label="Mine")
    page.get_by_label("Order").select_option(label="Provider's answer due soonest first")
    journey.click(role="button", name="Filter")
    expect(page.get_by_role("row", name=re.compile(r"^R-\d+ Edna Sutcliffe"))).to_contain_text("Tom Castellano")
