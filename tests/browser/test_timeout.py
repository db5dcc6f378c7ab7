"""The GOV.UK timeout warning: two minutes before a session ends a dialog says so; staying signed in renews the
session, and a person who does nothing is taken to the sign-in page, told why."""

import pytest
from playwright.sync_api import expect

from caremarket.accounts import services as accounts
from caremarket.domain.roles import OrganisationKind, Role
from tests.browser.worlds import PASSWORD

pytestmark = pytest.mark.browser


def test_the_timeout_warning_offers_to_stay_signed_in(journey, transactional_db):
    council = accounts.organisation_create(kind=OrganisationKind.COUNCIL, name="Westmarch County Council")
    accounts.user_create(
        organisation=council, email="broker@westmarch.example", full_name="Tom Castellano",
        roles=[Role.BROKER.value], password=PASSWORD,
    )  # fmt: skip
    page = journey.page
    page.clock.install()
    journey.sign_in("broker@westmarch.example", PASSWORD)
    dialog = page.get_by_role("dialog", name="You will be signed out soon")
    expect(dialog).to_be_hidden()
    page.clock.run_for("28:01")  # the session lasts 30 minutes
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("we will sign you out in 2 minutes")
    journey.check()  # the page with its dialog open passes axe
    dialog.get_by_role("button", name="Stay signed in").click()
    expect(dialog).to_be_hidden()
    # staying renewed the session: 28 minutes later the warning comes again, and then the sign-in page
    page.clock.run_for("28:01")
    expect(dialog).to_be_visible()
    page.clock.run_for("02:00")
    expect(page.get_by_text("You were signed out after 30 minutes without activity")).to_be_visible()
