"""A provider plans a placement's visits and records an outcome measure; a quality officer sets up a satisfaction
survey and records a response. Every page is checked with axe."""

from datetime import date

import pytest
from playwright.sync_api import expect

from caremarket.accounts import services as accounts
from caremarket.domain.roles import Role
from tests.browser.forms import fill_date
from tests.factories import START, PlacementFactory

from .worlds import PASSWORD

pytestmark = pytest.mark.browser


def test_visits_outcomes_and_a_survey(journey, transactional_db, time_machine):
    time_machine.move_to(date(2030, 9, 1), tick=True)
    placement = PlacementFactory()
    accounts.user_create(
        organisation=placement.provider, email="office@provider.example", full_name="Sam Reyes",
        roles=[Role.PROVIDER_ADMIN.value], password=PASSWORD,
    )  # fmt: skip
    accounts.user_create(
        organisation=placement.council, email="quality@council.example", full_name="Rhian Okafor",
        roles=[Role.QUALITY_OFFICER.value], password=PASSWORD,
    )  # fmt: skip
    page = journey.page
    journey.sign_in("office@provider.example", PASSWORD)
    journey.goto(f"/referrals/placements/{placement.pk}/")
    journey.click(role="link", name="Plan the visits")
    fill_date(page, "Date the plan starts", START)
    first = page.locator("fieldset.cm-visit-line").first
    for day in ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"):
        first.get_by_label(day, exact=True).check()
    first.get_by_label("Time (24-hour, like 07:30)").fill("08:00")
    first.get_by_label("Minutes").fill("45")
    journey.click(role="button", name="Plan these visits")
    expect(page.get_by_text("Every day at 08:00, 45 minutes")).to_be_visible()

    journey.click(role="link", name="Outcome measures")
    page.get_by_label("Stay at home", exact=True).check()
    page.get_by_label("Tool or measure").fill("Outcomes Star")
    page.get_by_label("Domain").fill("Living skills")
    page.get_by_label("Score", exact=True).fill("4")
    fill_date(page, "Date measured", "2030-08-20")
    journey.click(role="button", name="Record the measure")
    expect(page.get_by_text("Outcomes Star: Living skills")).to_be_visible()

    page.context.clear_cookies()
    journey.sign_in("quality@council.example", PASSWORD)
    journey.click(role="link", name="Surveys")
    page.get_by_label("Title").fill("Home care survey 2030")
    fill_date(page, "Date the survey opens", "2030-08-01")
    fill_date(page, "Date the survey closes", "2030-09-30")
    journey.click(role="button", name="Set up the survey")
    page.get_by_label("About which provider").select_option(label=placement.provider.name)
    page.get_by_label("The person receiving care").check()
    fill_date(page, "Date received", "2030-08-15")
    page.locator("input[name=q_overall][value='5']").check()
    journey.click(role="button", name="Record the response")
    expect(page.get_by_text("1 response: 1 from people receiving care")).to_be_visible()
