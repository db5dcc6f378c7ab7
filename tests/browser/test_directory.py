"""The public directory in the browser, every page checked with axe: a parent finds open-access life skills support
for a 19-year-old near a postcode, reads the service page and sends an enquiry (signed out, and with a wrong
postcode first); a provider's office updates its listing and the commissioner approves it after a check page."""

import re

import pytest
from playwright.sync_api import expect

from caremarket.accounts import services as accounts
from caremarket.directory import services
from caremarket.directory.models import Enquiry, Listing
from caremarket.directory.tests.factories import directory_market, listing_in
from caremarket.domain.roles import Role

from .worlds import PASSWORD

pytestmark = pytest.mark.browser


def _market():
    council, commissioner, day, made = directory_market(
        providers={"Oakfield Day Centre": {"age_min": 16, "age_max": 25}, "Birchwood Support": {"age_min": 18}}
    )
    oak, oak_office, _ = made["Oakfield Day Centre"]
    birch, birch_office, _ = made["Birchwood Support"]
    listing_in("public", Listing.objects.get(provider=oak), provider_user=oak_office, commissioner=commissioner)
    listing_in(
        "public",
        Listing.objects.get(provider=birch),
        provider_user=birch_office,
        commissioner=commissioner,
        name="Birchwood older people's day centre",
        age_min="50",
        age_max="99",
        postcode="M41 5AA",
    )
    return council, commissioner, oak


def test_a_parent_finds_life_skills_for_a_19_year_old_and_sends_an_enquiry(journey, transactional_db):
    council, _, _ = _market()
    journey.goto("/directory/")  # one council here: straight to its directory
    expect(journey.page.get_by_role("heading", name="Find care and support")).to_be_visible()
    page = journey.page
    page.get_by_label("Postcode").fill("M99 9ZZ")
    journey.click(role="button", name="Search")
    expect(page.get_by_role("link", name="We cannot find the postcode M99 9ZZ: check it and try again")).to_be_visible()
    page.get_by_label("Postcode").fill("m33 7zf")
    page.get_by_label("Within (miles)").fill("5")
    page.get_by_label("Age of the person").fill("19")
    page.get_by_label("One-to-one support").check()
    journey.click(role="button", name="Search")
    expect(page.get_by_role("heading", name="1 service found")).to_be_visible()
    expect(page.get_by_text("0.0 miles away")).to_be_visible()
    journey.click(role="link", name="Oakfield life skills")
    expect(page.get_by_text("£18.50 a session")).to_be_visible()
    expect(page.get_by_text("0161 496 0000")).to_be_visible()
    page.get_by_label("Your name").fill("Sam Patel")
    journey.click(role="button", name="Send the enquiry")
    expect(
        page.get_by_text("Give an email address or a telephone number so the provider can reply").first
    ).to_be_visible()
    page.get_by_label("Email address").fill("sam@example.com")
    page.get_by_label("Your message").fill("My son is 19. Is there a place on Wednesdays?")
    journey.click(role="button", name="Send the enquiry")
    expect(page.get_by_role("heading", name="Enquiry sent")).to_be_visible()
    assert Enquiry.objects.get().message == "My son is 19. Is there a place on Wednesdays?"
    # printable: the search form and the enquiry form are left off the printed page
    page.emulate_media(media="print")
    journey.goto(f"/directory/{council.slug}/services/{Listing.objects.get(name='Oakfield life skills').uuid}/")
    expect(page.get_by_role("button", name="Send the enquiry")).to_be_hidden()


def test_a_provider_updates_its_listing_and_the_commissioner_approves_it(journey, transactional_db):
    council, commissioner, oak = _market()
    accounts.user_create(
        organisation=oak, email="office@oakfield.example", full_name="Dee Office",
        roles=[Role.PROVIDER_ADMIN.value], password=PASSWORD,
    )  # fmt: skip
    accounts.user_create(
        organisation=council, email="commissioner@council.example", full_name="Priya Shah",
        roles=[Role.COMMISSIONER.value], password=PASSWORD,
    )  # fmt: skip
    services.enquiry_send(
        listing=Listing.objects.get(name="Oakfield life skills"),
        data={"name": "Jo", "phone": "0161 496 0002", "message": "Is there a place on Fridays?"},
        address="192.0.2.1",
    )
    page = journey.page
    journey.sign_in("office@oakfield.example", PASSWORD)
    journey.click(role="link", name="Directory listings")
    journey.click(role="link", name="Oakfield life skills")
    journey.click(role="link", name="Change the listing")
    page.get_by_label("Price for people who pay for themselves, in pounds").fill("19.75")
    page.get_by_label("Saturday").check()
    journey.click(role="button", name="Continue")
    expect(page.get_by_role("heading", name="Check your listing before you send it to the council")).to_be_visible()
    journey.click(role="button", name="Send to the council for approval")
    expect(page.get_by_text("Waiting for the council", exact=True)).to_be_visible()
    journey.click(role="link", name="Back to your listings")
    journey.click(role="link", name="Your organisation's profile")
    page.get_by_label("Website").fill("not a web address")
    journey.click(role="button", name="Save the profile")
    expect(page.get_by_role("link", name="Enter a valid URL.")).to_be_visible()
    page.get_by_label("Website").fill("https://oakfield.example")
    journey.click(role="button", name="Save the profile")
    journey.click(role="link", name=re.compile(r"about Oakfield life skills$"))
    expect(page.get_by_text("Is there a place on Fridays?")).to_be_visible()
    journey.click(role="button", name="Sign out")

    journey.sign_in("commissioner@council.example", PASSWORD)
    journey.click(role="link", name="Public directory")
    journey.click(role="link", name="Oakfield life skills")
    expect(page.get_by_role("row", name="Price Changed £18.50 £19.75")).to_be_visible()
    journey.click(role="button", name="Approve")
    expect(page.get_by_role("heading", name="Approve Oakfield life skills?")).to_be_visible()
    journey.click(role="button", name="Approve and publish")
    expect(page.get_by_text("Oakfield life skills is approved")).to_be_visible()
    journey.goto(f"/directory/{council.slug}/services/{Listing.objects.get(name='Oakfield life skills').uuid}/")
    expect(page.get_by_text("£19.75 a session")).to_be_visible()
    expect(page.get_by_text("Monday, Wednesday, Friday, Saturday, 09:30 to 15:30")).to_be_visible()
    # the commissioner checks the feed as the official validator would (in the worker, with its progress)
    journey.goto("/directory/manage/")
    journey.click(role="link", name="Check the feed")
    journey.click(role="button", name="Check the feed now")
    expect(page.get_by_text("The feed passes the self-check")).to_be_visible()
    journey.click(role="link", name="See the result")
    expect(page.get_by_role("heading", name="Pass")).to_be_visible()
