"""A quality officer plans and records a monitoring visit, the provider challenges a fact within its window, a second
officer signs the report off as Requires improvement, and the provider sends its action plan; a complaint is
logged, acknowledged and closed."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from caremarket.accounts import services as accounts
from caremarket.domain.roles import Role

from .forms import fill_date
from .worlds import PASSWORD, home_care_market

pytestmark = pytest.mark.browser

HOME_CARE_QUESTIONS = (
    "1.1.1",
    "1.1.2",
    "1.2.1",
    "1.2.2",
    "2.1.1",
    "2.1.2",
    "3.1.1",
    "4.1.1",
    "4.1.2",
    "5.1.1",
    "5.1.2",
)
RATED = {"1.1.1": "Poor", "2.1.1": "Requires improvement", "3.1.1": "Requires improvement"}


@pytest.fixture
def market(transactional_db):
    council = home_care_market(
        mechanism="tiered_framework",
        providers=[("Evergreen Home Care Ltd", "admin@evergreen.example", {"position": "primary"})],
        reason_codes=[],
        reference_code="HC-2025",
        cap_level_1=2,
        cap_level_2=2,
    )
    for email, name in (("quality@westmarch.example", "Rhian Okafor"), ("senior@westmarch.example", "Sam Adeyemi")):
        accounts.user_create(
            organisation=council, email=email, full_name=name, roles=[Role.QUALITY_OFFICER.value], password=PASSWORD
        )
    return council


def plan_action(page, key: str, action: str, owner: str, day) -> None:
    """The first action row under an issue's question."""
    group = page.get_by_role("group", name=re.compile(rf"^Question {re.escape(key)} "))
    group.get_by_label("What will be done").fill(action)
    group.get_by_label("Who owns it").first.fill(owner)
    done_by = group.get_by_role("group", name="Done by").first
    done_by.get_by_label("Day").fill(str(day.day))
    done_by.get_by_label("Month").fill(str(day.month))
    done_by.get_by_label("Year").fill(str(day.year))


def sign_out(journey):
    journey.click(role="button", name="Sign out")


def test_a_visit_is_recorded_challenged_published_and_answered_with_an_action_plan(journey, market):
    page = journey.page
    today = timezone.localdate()
    journey.sign_in("quality@westmarch.example", PASSWORD)
    journey.click(role="link", name="Monitoring visits")
    expect(page.get_by_role("row", name=re.compile("^Evergreen Home Care Ltd"))).to_contain_text("never visited")
    journey.click(role="link", name="The quality framework")
    expect(page.get_by_role("heading", name="Publish a new version")).to_be_visible()
    journey.click(role="link", name="Monitoring visits")
    page.get_by_label("Provider", exact=True).select_option(label="Evergreen Home Care Ltd")
    page.get_by_label("Service", exact=True).select_option(label="Home care")
    fill_date(page, "Date of the visit", today)
    journey.click(role="button", name="Plan the visit")
    expect(page.get_by_role("heading", level=1)).to_have_text("Evergreen Home Care Ltd: Home care")

    fill_date(page, "Date of the visit", today)
    page.get_by_label("Summary for the report").fill("Unannounced visit; spoke with four people and six staff.")
    for key in HOME_CARE_QUESTIONS:
        page.get_by_role("group", name=re.compile(rf"^{re.escape(key)} ")).get_by_label(
            RATED.get(key, "Good"), exact=True
        ).check()
        page.get_by_label(f"Evidence for {key}", exact=True).fill(f"Seen and heard on the visit ({key}).")
    journey.click(role="button", name="Save and share the draft with the provider")
    expect(page.get_by_text("Draft rating")).to_be_visible()
    expect(page.locator(".govuk-summary-list")).to_contain_text("Requires improvement")
    sign_out(journey)

    # the provider challenges a fact within its 14 days, then says it has no more comments
    journey.sign_in("admin@evergreen.example", PASSWORD)
    expect(page.get_by_role("heading", name="Monitoring reports shared for your comments")).to_be_visible()
    journey.click(role="link", name="Monitoring reports")
    with page.expect_navigation():
        page.get_by_role("link", name=re.compile(r"^V-\d+")).first.click()
    journey.check()
    page.get_by_label("Which finding (optional)").select_option(value="1.1.1")
    page.get_by_label("What is factually wrong, and what is right").fill(
        "Two safeguarding referrals were made in March; the log is in the office."
    )
    journey.click(role="button", name="Send the comment")
    expect(page.get_by_text("Two safeguarding referrals were made in March")).to_be_visible()
    journey.click(role="button", name="We have no more comments")
    sign_out(journey)

    # the visiting officer answers; another officer signs off
    journey.sign_in("quality@westmarch.example", PASSWORD)
    journey.click(role="link", name="Monitoring visits")
    with page.expect_navigation():
        page.get_by_role("link", name=re.compile(r"^V-\d+")).first.click()
    journey.check()
    expect(page.get_by_text("Another quality officer signs off a report you visited for.")).to_be_visible()
    page.get_by_label("Your answer to the provider").fill("Seen: the log shows two referrals, but staff did not know.")
    journey.click(role="button", name="Send the answer")
    sign_out(journey)
    journey.sign_in("senior@westmarch.example", PASSWORD)
    expect(page.get_by_role("heading", name="Monitoring reports for you to sign off")).to_be_visible()
    with page.expect_navigation():
        page.get_by_role("link", name=re.compile(r"^V-\d+ Evergreen")).first.click()
    journey.check()
    journey.click(role="button", name="Sign off and publish")
    expect(page.get_by_text("The report is signed off and published")).to_be_visible()
    expect(page.get_by_text("Due from the provider by")).to_be_visible()
    sign_out(journey)

    # the provider's plan: refused while an issue has no action, sent once each has one
    journey.sign_in("admin@evergreen.example", PASSWORD)
    expect(page.get_by_role("heading", name="Action plans to send or carry out")).to_be_visible()
    with page.expect_navigation():
        page.get_by_role("link", name=re.compile(r"^Report V-\d+")).first.click()
    journey.check()
    expect(page.get_by_role("heading", level=1)).to_have_text("Home care: Requires improvement")
    next_year = today.replace(year=today.year + 1)
    plan_action(page, "1.1.1", "Safeguarding refresher for every carer", "Registered manager", next_year)
    plan_action(page, "2.1.1", "Rewrite care plans from the council's assessments", "Care coordinator", next_year)
    journey.click(role="button", name="Send the action plan")
    expect(page.locator(".govuk-error-summary")).to_contain_text("none yet for question 3.1.1")
    plan_action(page, "3.1.1", "Dignity training for every carer", "Training lead", next_year)
    journey.click(role="button", name="Send the action plan")
    expect(page.get_by_text("Your action plan is sent to the council")).to_be_visible()
    expect(page.get_by_role("heading", name=re.compile("^Question 3.1.1: Not started"))).to_be_visible()
    expect(page.get_by_role("button", name="Send the action plan")).to_have_count(0)


def test_a_complaint_is_logged_acknowledged_and_closed(journey, market):
    page = journey.page
    journey.sign_in("quality@westmarch.example", PASSWORD)
    journey.click(role="link", name="Complaints")
    journey.click(role="link", name="Log a complaint or compliment")
    page.get_by_label("Complaint", exact=True).check()
    page.get_by_label("About which provider").select_option(label="Evergreen Home Care Ltd")
    page.get_by_label("What is it about").select_option(label="Missed or late visits")
    page.get_by_label("Medium").check()
    fill_date(page, "Date received", timezone.localdate())
    page.get_by_label("What was said").fill("The evening call was missed twice last week.")
    journey.click(role="button", name="Log it")
    expect(page.get_by_role("heading", level=1)).to_have_text("Missed or late visits: Evergreen Home Care Ltd")
    journey.click(role="button", name="Record that it is acknowledged today")
    expect(page.locator(".govuk-summary-list")).to_contain_text("Acknowledged")
    page.get_by_label("Not upheld").check()
    page.get_by_label("How it was answered").fill("Call records show both visits made, 20 minutes late.")
    page.get_by_label("Lessons learned (optional)").fill("Tell families when a carer runs late.")
    journey.click(role="button", name="Close the complaint")
    expect(page.locator(".govuk-summary-list")).to_contain_text("Not upheld")
    journey.click(role="link", name="Back to complaints and compliments")
    expect(page.get_by_role("row", name=re.compile("^Complaint C-"))).to_contain_text("Closed")


def test_a_provider_records_a_review_that_asks_for_a_variation_and_the_broker_follows_it(journey, transactional_db):
    from caremarket.brokerage.models import Placement
    from caremarket.quality import reviewing
    from tests.factories import PlacementFactory

    placement = PlacementFactory()
    council, provider = placement.council, placement.provider
    accounts.user_create(
        organisation=provider, email="admin@provider.example", full_name="Pat", roles=[Role.PROVIDER_ADMIN.value],
        password=PASSWORD,
    )  # fmt: skip
    accounts.user_create(
        organisation=council, email="broker@council.example", full_name="Tom", roles=[Role.BROKER.value],
        password=PASSWORD,
    )  # fmt: skip
    reviewing.schedule_reviews()
    reviewing.review_ask(placement=placement, organisation=council, actor=None, reason="Back from hospital")
    page = journey.page
    journey.sign_in("admin@provider.example", PASSWORD)
    journey.click(role="link", name="Reviews")
    journey.click(role="link", name=f"Placement {placement.pk}")
    expect(page.locator(".govuk-summary-list")).to_contain_text("Needs changed: Back from hospital")
    journey.click(role="button", name="Record the review")
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Say whether the outcomes in the request are being met"
    )
    page.get_by_label("Not being met").check()
    page.get_by_label("What the review found").fill("Needs two carers in the morning since the fall.")
    page.get_by_label("Vary the placement (hours, days or need level)").check()
    journey.click(role="button", name="Record the review")
    expect(page.get_by_text("The review is recorded")).to_be_visible()
    journey.click(role="link", name="Scorecard")  # the provider's own, with the review among its figures
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Scorecard: {provider.name}")
    sign_out(journey)
    journey.sign_in("broker@council.example", PASSWORD)
    journey.click(role="link", name="Reviews")
    journey.click(role="link", name=f"Placement {placement.pk}")
    journey.click(role="link", name="Vary the placement")
    assert page.url.endswith(f"/brokerage/placements/{placement.pk}/")
    assert Placement.objects.get(pk=placement.pk).reviews.in_group("done").count() == 1
