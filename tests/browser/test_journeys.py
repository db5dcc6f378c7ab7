import re

import pytest
from playwright.sync_api import expect

from caremarket.accounts import services as accounts
from caremarket.accounts.models import Organisation
from caremarket.demo.builder import SIGN_INS
from caremarket.domain.roles import OrganisationKind, Role
from caremarket.site.navigation import ROLE_HOME

PASSWORD = "journey-password-2026"
pytestmark = pytest.mark.browser


def make_sign_in(role: Role):
    sign_in = next(s for s in SIGN_INS if s.role == role)
    kind = OrganisationKind.PROVIDER if role in {Role.PROVIDER_ADMIN, Role.PROVIDER_STAFF} else OrganisationKind.COUNCIL
    organisation = Organisation.objects.filter(name=sign_in.organisation).first() or accounts.organisation_create(
        kind=kind, name=sign_in.organisation
    )
    accounts.user_create(
        organisation=organisation, email=sign_in.email, full_name=sign_in.name, roles=[role.value], password=PASSWORD
    )
    return sign_in


@pytest.mark.parametrize("role", list(Role), ids=[r.value for r in Role])
def test_each_role_signs_in_and_sees_its_home_page(journey, role):
    sign_in = make_sign_in(role)
    journey.sign_in(sign_in.email, PASSWORD)
    page = journey.page
    expect(page).to_have_url(journey.base_url + "/")
    expect(page.get_by_role("heading", name="Your home page")).to_be_visible()
    expect(page.get_by_role("heading", name=ROLE_HOME[role][0])).to_be_visible()
    expect(page.get_by_text(f"Signed in as {sign_in.name}, {sign_in.organisation}")).to_be_visible()
    nav = page.get_by_role("navigation", name="Sections")
    if role in {Role.ORGANISATION_ADMIN}:
        expect(nav.get_by_role("link", name="Audit log")).to_be_visible()
    else:
        expect(nav.get_by_role("link", name="Audit log")).to_have_count(0 if role != Role.PROVIDER_ADMIN else 1)
    journey.click(role="button", name="Sign out")
    expect(page.get_by_role("heading", name="Sign in to Caremarket")).to_be_visible()


def test_wrong_password_shows_the_error_summary(journey):
    sign_in = make_sign_in(Role.BROKER)
    journey.sign_in(sign_in.email, "not-the-password")
    summary = journey.page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Enter a correct email address and password")
    expect(journey.page).to_have_title(re.compile("^Error: Sign in"))


def test_admin_adds_an_area_and_sees_the_audit_entry(journey):
    sign_in = make_sign_in(Role.ORGANISATION_ADMIN)
    journey.sign_in(sign_in.email, PASSWORD)
    page = journey.page
    journey.click(role="link", name="Reference data")
    journey.click(role="link", name="Areas")
    journey.click(role="button", name="Add an area")

    journey.click(role="button", name="Add the area")  # nothing filled in
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter a code")
    expect(page.locator(".govuk-error-summary")).to_contain_text("Choose the area's level")

    page.get_by_label("Code", exact=True).fill("crawley-north")
    page.get_by_label("Name", exact=True).fill("Crawley North")
    page.get_by_role("radio", name=re.compile("Level 1")).check()
    page.get_by_label("In county").check()
    journey.click(role="button", name="Add the area")
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Added the area 'Crawley North'")
    expect(page.get_by_role("cell", name="Crawley North", exact=True)).to_be_visible()

    journey.click(role="link", name="Audit log")
    row = page.locator("tr", has_text="area.created")
    expect(row).to_contain_text("Crawley North")
    expect(row).to_contain_text(sign_in.email)

    journey.click(role="link", name="People and roles")
    journey.click(role="button", name="Invite a person")
    page.get_by_label("Full name").fill("Sam Broker")
    page.get_by_label("Email address").fill("sam.broker@westmarch.example")
    page.get_by_label("Broker").check()
    journey.click(role="button", name="Send the invitation")
    expect(page.get_by_role("cell", name="sam.broker@westmarch.example", exact=True)).to_be_visible()
    journey.click(role="link", name="Withdraw the invitation to sam.broker@westmarch.example")
    journey.page.go_back()
    journey.click(role="link", name="API tokens")
    journey.click(role="link", name="API tokens")
    journey.click(role="button", name="Create a token")
    page.get_by_label("Name", exact=True).fill("Audit archive")
    # a token acts as the person who makes it: only the roles they hold are offered
    expect(page.get_by_label("Finance officer")).to_have_count(0)
    page.get_by_label("Organisation admin").check()
    journey.click(role="button", name="Create the token")
    expect(page.locator("#token-secret")).to_contain_text("cm_")
    journey.goto("/accessibility/")
    assert len(journey.checked) >= 12


def test_the_api_documentation_renders_under_the_content_security_policy(page, live_server):
    errors = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.goto(live_server.url + "/api/v1/docs")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("Caremarket API")
    assert not [e for e in errors if "Content Security Policy" in e], errors


def test_an_invited_person_accepts_and_signs_in(journey, mailoutbox):
    sign_in = make_sign_in(Role.ORGANISATION_ADMIN)
    journey.sign_in(sign_in.email, PASSWORD)
    page = journey.page
    journey.click(role="link", name="People and roles")
    journey.click(role="button", name="Invite a person")
    page.get_by_label("Full name").fill("Ola Invited")
    page.get_by_label("Email address").fill("ola@westmarch.example")
    page.get_by_label("Practitioner").check()
    journey.click(role="button", name="Send the invitation")
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Invited Ola Invited")
    journey.click(role="button", name="Sign out")
    link = re.search(r"https?://\S+/account/invitation/\S+", mailoutbox[-1].body).group(0)
    page.goto(link)
    journey.check()
    expect(page.get_by_role("heading", name="Join Westmarch County Council")).to_be_visible()
    page.get_by_label("Choose a password").fill("ola-chose-this-2026")
    page.get_by_label("Type the password again").fill("ola-chose-this-2026")
    journey.click(role="button", name="Accept and create my account")
    journey.sign_in("ola@westmarch.example", "ola-chose-this-2026")
    expect(page.get_by_text("Signed in as Ola Invited, Westmarch County Council")).to_be_visible()
