"""Every way of placing care, end to end in the browser with both sides signed in: ranked approach, call-off
competition with sealed offers, block vacancy, spot purchase; then the placement's life and a provider failure."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from caremarket.accounts import services as accounts
from caremarket.brokerage.models import CareRequest, Competition
from caremarket.core.models import AuditEvent
from caremarket.domain.roles import Role
from tests.browser.forms import fill_date

from .worlds import PASSWORD, home_care_market

pytestmark = pytest.mark.browser
PROVIDERS = [("Evergreen Care Ltd", "admin@evergreen.example"), ("Maplegate Care Ltd", "admin@maplegate.example")]


def build(mechanism: str, **admission) -> None:
    home_care_market(
        mechanism=mechanism,
        providers=[(name, email, {"rank": rank, **admission}) for rank, (name, email) in enumerate(PROVIDERS, 1)],
        reason_codes=[
            ("decline", "no-capacity", "No staff capacity for this package"),
            ("spot-purchase", "urgent-discharge", "Urgent hospital discharge"),
            ("ending", "provider-exit", "Provider left the market"),
            ("ending", "died", "Person died"),
        ],
        reference_code="HC-" + mechanism[:4].upper(),
        price_basis="hour-per-area",
    )


def open_request(journey):
    """The world's one request, whatever its state: the queue lists open requests unless asked for any."""
    journey.click(role="link", name="Care requests")
    journey.page.get_by_label("State").select_option(label="Any state, placed included")
    journey.click(role="button", name="Filter")
    journey.click(role="link", name=re.compile(r"^R-\d+$"))


def switch(journey, email):
    journey.click(role="button", name="Sign out")
    journey.sign_in(email, PASSWORD)


def test_ranked_approach_one_provider_at_a_time_and_where_it_stands(journey, transactional_db):
    build("ranked_framework")
    page = journey.page
    journey.sign_in("broker@westmarch.example", PASSWORD)
    open_request(journey)
    expect(page.get_by_text("Rank-1: Evergreen Care Ltd")).to_be_visible()
    expect(page.get_by_text("Rank-2: Maplegate Care Ltd")).to_be_visible()
    journey.click(role="button", name="Offer to providers")
    expect(page.get_by_role("row", name=re.compile("Evergreen"))).to_contain_text("Offered")

    switch(journey, "admin@evergreen.example")
    journey.click(role="link", name="Referrals and placements")
    journey.click(role="link", name=re.compile(r"^Request R-\d+$"))
    page.get_by_label("No staff capacity for this package").check()
    journey.click(role="button", name="Decline the referral")

    switch(journey, "broker@westmarch.example")
    open_request(journey)
    expect(page.get_by_role("row", name=re.compile("Evergreen"))).to_contain_text("No staff capacity")
    expect(page.get_by_role("row", name=re.compile("Maplegate"))).to_contain_text("Offered")

    switch(journey, "admin@maplegate.example")
    journey.click(role="link", name="Referrals and placements")
    journey.click(role="link", name=re.compile(r"^Request R-\d+$"))
    journey.click(role="button", name="Accept the referral")
    expect(page.get_by_text("12 Mill Lane, WM1 2AB")).to_be_visible()

    switch(journey, "broker@westmarch.example")
    open_request(journey)
    expect(page.get_by_text("Placed with Maplegate Care Ltd")).to_be_visible()
    expect(page.get_by_text("by ranked approach")).to_be_visible()


def test_call_off_competition_sealed_offers_scored_after_closing(journey, transactional_db):
    build("flexible_framework")
    page = journey.page
    journey.sign_in("broker@westmarch.example", PASSWORD)
    open_request(journey)
    page.get_by_text("Run a call-off competition on HC-FLEX").click()
    closes = timezone.localtime() + timedelta(hours=3)
    fill_date(page, "Closing time", closes.date(), at=f"{closes:%H:%M}")
    journey.click(role="button", name="Publish the competition")
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Published to 2 providers")
    competition_url = page.url

    for (_name, email), price, how in [
        (PROVIDERS[0], "27.90", "A small team of three carers who know the village"),
        (PROVIDERS[1], "25.40", "Carers with dementia training and a named lead"),
    ]:
        switch(journey, email)
        journey.click(role="link", name="Referrals and placements")
        journey.click(role="link", name=re.compile(r"^Request R-\d+$"))
        assert "Sutcliffe" not in page.content()
        expect(page.get_by_text("postcode district WM1")).to_be_visible()
        page.get_by_label("Your price").fill(price)
        fill_date(page, "Earliest start date", (timezone.localdate() + timedelta(days=6)).isoformat())
        page.get_by_label("How you will meet the outcomes").fill(how)
        journey.click(role="button", name="Submit the offer")
        expect(page.locator(".govuk-notification-banner")).to_contain_text("Your sealed offer is in")
        expect(page.get_by_text(how)).to_be_visible()

    # before the closing time the broker sees only the count; reading the offers is refused and audited
    switch(journey, "broker@westmarch.example")
    journey.goto(competition_url.replace(journey.base_url, ""))
    expect(page.locator(".govuk-summary-list__row", has_text="Offers received")).to_contain_text("2")
    assert "25.40" not in page.content() and "dementia" not in page.content()
    journey.goto(competition_url.replace(journey.base_url, "") + "offers/")
    expect(page.get_by_text(re.compile("Offers are sealed until"))).to_be_visible()
    assert AuditEvent.objects.filter(action="offer.sealed_read_refused").count() == 1

    # the closing time passes
    Competition.objects.update(
        published_at=timezone.now() - timedelta(hours=4), closes_at=timezone.now() - timedelta(minutes=1)
    )
    journey.goto(competition_url.replace(journey.base_url, ""))
    expect(page.get_by_text("Carers with dementia training and a named lead")).to_be_visible()
    page.get_by_label("Quality score for Evergreen Care Ltd (0 to 100)").fill("90")
    page.get_by_label("Quality score for Maplegate Care Ltd (0 to 100)").fill("70")
    journey.click(role="button", name="Score and rank the offers")
    # Evergreen: 0.6 x 90 + 0.4 x (25.40 / 27.90 x 100 = 91.04) = 90.42; Maplegate: 0.6 x 70 + 40 = 82
    expect(page.get_by_role("row", name=re.compile("Evergreen"))).to_contain_text("90.42")
    page.get_by_role("radio", name=re.compile("Evergreen Care Ltd: rank 1")).check()
    journey.click(role="button", name="Confirm the award")
    expect(page.get_by_role("heading", level=1)).to_have_text("Award the care to Evergreen Care Ltd?")
    journey.click(role="button", name="Award to Evergreen Care Ltd")
    expect(page.get_by_text("Call-off competition")).to_be_visible()

    switch(journey, "admin@maplegate.example")
    journey.click(role="link", name="Referrals and placements")
    journey.click(role="link", name=re.compile(r"^Request R-\d+$"))
    expect(page.get_by_text("2 of 2", exact=True)).to_be_visible()
    expect(page.get_by_text("100.00 out of 100 (the lowest price scores 100)")).to_be_visible()

    switch(journey, "admin@evergreen.example")
    journey.click(role="link", name="Referrals and placements")
    journey.click(role="link", name="Edna Sutcliffe")
    expect(page.get_by_text("12 Mill Lane, WM1 2AB")).to_be_visible()


def test_block_vacancy_then_the_placement_is_varied_in_hospital_and_the_provider_fails(journey, transactional_db):
    build("block_contract", block_places=2)
    page = journey.page
    journey.sign_in("broker@westmarch.example", PASSWORD)
    open_request(journey)
    expect(page.get_by_role("row", name=re.compile("Evergreen"))).to_contain_text("2 of 2")
    journey.click(role="button", name="Place with Evergreen Care Ltd")
    expect(page.get_by_role("heading", name=re.compile("Placement"))).to_be_visible()

    # a variation that overlaps is refused; a later one keeps the old terms (dated from the placement's own start,
    # not from today, which may have turned since the world was built)
    start = CareRequest.objects.get().start_on
    fill_date(page, "Date the new terms start", start.isoformat())
    page.get_by_label("Hours per week").fill("18")
    page.get_by_label("Why the placement is varied").fill("Review after a fall")
    journey.click(role="button", name="Vary from this date")
    expect(page.locator(".govuk-error-summary")).to_contain_text("would overlap")
    fill_date(page, "Date the new terms start", (start + timedelta(days=14)).isoformat())
    journey.click(role="button", name="Vary from this date")
    expect(page.get_by_role("row", name=re.compile("Review after a fall"))).to_contain_text("18")
    expect(page.get_by_role("row", name=re.compile("the terms of the award"))).to_contain_text("14")

    fill_date(page, "Date", (start + timedelta(days=20)).isoformat())
    journey.click(role="button", name="Record the admission")
    expect(page.locator("main .govuk-tag").first).to_contain_text("Suspended")
    fill_date(page, "Date", (start + timedelta(days=24)).isoformat())
    journey.click(role="button", name="Record the discharge")
    expect(page.locator("main .govuk-tag").first).to_contain_text("Active")

    switch(journey, "admin@evergreen.example")
    journey.click(role="link", name="Referrals and placements")
    journey.click(role="link", name="Edna Sutcliffe")
    expect(page.get_by_text("Review after a fall")).to_be_visible()

    # the provider fails: its placements go back into sourcing with their history
    switch(journey, "broker@westmarch.example")
    journey.click(role="link", name="Placements")
    journey.click(role="button", name="A provider has failed or left")
    journey.click(role="button", name="Move all its placements into sourcing")
    expect(page.locator(".govuk-error-summary")).to_contain_text("Choose the provider")
    page.get_by_label("Provider", exact=True).select_option(label="Evergreen Care Ltd")
    fill_date(page, "Last day of care from this provider", (start + timedelta(days=30)).isoformat())
    page.get_by_label("Why").select_option(label="Provider left the market")
    journey.click(role="button", name="Move all its placements into sourcing")
    # a check page first: which placements end and whose; nothing has changed yet
    expect(page.get_by_role("heading", level=1)).to_contain_text("1 placements with Evergreen Care Ltd end on")
    expect(page.get_by_text(re.compile("Edna Sutcliffe"))).to_be_visible()
    journey.click(role="button", name="End 1 placements and source their people again")
    expect(page.locator(".govuk-notification-banner")).to_contain_text("1 placements ended")
    journey.click(role="link", name=re.compile(r"^R-\d+$"))
    expect(page.get_by_text(re.compile("Re-sourcing: this request replaces placement"))).to_be_visible()


def test_spot_purchase_needs_a_reason_and_is_flagged(journey, transactional_db):
    build("flexible_framework")
    page = journey.page
    journey.sign_in("broker@westmarch.example", PASSWORD)
    open_request(journey)
    page.get_by_text("Record a spot purchase").click()
    page.get_by_label("Provider", exact=True).select_option(label="Maplegate Care Ltd")
    page.get_by_label("Agreed price").fill("33.50")
    journey.click(role="button", name="Record the spot purchase")
    expect(page.locator(".govuk-error-summary")).to_contain_text("Choose why nothing on the arrangements")
    page.get_by_label("Why nothing on the arrangements can meet the need").select_option(
        label="Urgent hospital discharge"
    )
    journey.click(role="button", name="Record the spot purchase")
    expect(page.get_by_text("Spot purchase", exact=True).first).to_be_visible()
    journey.click(role="link", name="Placements")
    expect(page.get_by_role("row", name=re.compile("Maplegate"))).to_contain_text("Spot purchase")
    # continuity: Maplegate is on the framework, so the person keeps it under the arrangement from a date
    journey.click(role="button", name="Keep providers on a new arrangement")
    page.get_by_label("New arrangement").select_option(label="HC-FLEX: Home care")
    fill_date(page, "Date the placements move to it", (timezone.localdate() + timedelta(days=40)).isoformat())
    journey.click(role="button", name="Move the placements")
    expect(page.get_by_text("1 placements kept their provider")).to_be_visible()
    switch(journey, "admin@maplegate.example")
    journey.click(role="link", name="Referrals and placements")
    journey.click(role="link", name="Edna Sutcliffe")
    expect(page.get_by_text("12 Mill Lane, WM1 2AB")).to_be_visible()


def test_team_leader_sets_when_unsourced_requests_are_escalated(journey, transactional_db):
    build("flexible_framework")
    from caremarket.accounts.models import Organisation

    accounts.user_create(
        organisation=Organisation.objects.get(name="Westmarch County Council"),
        email="lead@westmarch.example",
        full_name="Lee Ward",
        roles=[Role.TEAM_LEADER.value],
        password=PASSWORD,
    )
    page = journey.page
    journey.sign_in("lead@westmarch.example", PASSWORD)
    journey.click(role="link", name="Care requests")
    journey.click(role="link", name="Change this")
    page.get_by_label(re.compile("Escalate unsourced requests")).fill("0")
    journey.click(role="button", name="Save")
    expect(page.locator(".govuk-error-summary")).to_contain_text("from 1 to 720")
    page.get_by_label(re.compile("Escalate unsourced requests")).fill("8")
    journey.click(role="button", name="Save")
    expect(page.locator(".govuk-notification-banner")).to_contain_text("escalated after 8 hours")
