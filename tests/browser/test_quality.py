"""The KPI page shows a primary provider below 75% acceptance and, one click further, the referrals it declined."""

import re

import pytest
from playwright.sync_api import expect

from caremarket.accounts import services as accounts
from caremarket.accounts.models import Organisation
from caremarket.brokerage import sourcing
from caremarket.brokerage.models import CareRequest, Referral
from caremarket.domain.roles import Role

from .worlds import PASSWORD, home_care_market

pytestmark = pytest.mark.browser


def test_a_quality_officer_finds_the_provider_below_75_and_the_referrals_it_declined(journey, transactional_db):
    council = home_care_market(
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
    accounts.user_create(
        organisation=council, email="quality@westmarch.example", full_name="Rhian Okafor",
        roles=[Role.QUALITY_OFFICER.value], password=PASSWORD,
    )  # fmt: skip
    request = CareRequest.objects.get()
    sourcing.sourcing_start(request=request, actor=None)
    evergreen = Organisation.objects.get(name="Evergreen Home Care Ltd")
    sourcing.referral_decline(
        referral=Referral.objects.get(provider=evergreen), provider=evergreen, actor=None, reason_code="call-times"
    )
    page = journey.page
    journey.sign_in("quality@westmarch.example", PASSWORD)
    expect(page.get_by_text("Providers below 75% referral acceptance (last 6 months)").first).to_be_visible()
    expect(
        page.get_by_role("link", name=re.compile("^Evergreen Home Care Ltd: 0.0% of 1 referrals accepted"))
    ).to_be_visible()
    journey.click(role="link", name="KPIs")
    expect(page.get_by_role("row", name=re.compile("^Evergreen"))).to_contain_text("Red")
    journey.click(role="link", name="Evergreen Home Care Ltd")  # its scorecard, each figure's records below
    expect(page.get_by_role("heading", level=1)).to_have_text("Scorecard: Evergreen Home Care Ltd")
    journey.click(role="link", name="Back to KPIs and scorecards")
    journey.click(role="link", name="0.0% of referrals accepted by Evergreen Home Care Ltd")
    expect(page.get_by_role("heading", level=1)).to_have_text("Referrals Evergreen Home Care Ltd did not accept")
    expect(page.get_by_role("row", name=re.compile(r"^R-\d+"))).to_contain_text("Cannot meet the requested call times")
