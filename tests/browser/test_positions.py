import random
from datetime import date
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from caremarket.accounts import services as accounts
from caremarket.arrangements import services
from caremarket.arrangements.models import Admission, Application, Arrangement, Decision
from caremarket.domain.roles import OrganisationKind, Role
from caremarket.reference import services as reference

PASSWORD = "journey-password-2026"
pytestmark = pytest.mark.browser


@pytest.fixture
def framework(transactional_db):
    rng = random.Random(1)
    council = accounts.organisation_create(kind=OrganisationKind.COUNCIL, name="Westmarch County Council")
    commissioner = accounts.user_create(
        organisation=council,
        email="commissioner@westmarch.example",
        full_name="Priya Okafor",
        roles=[Role.COMMISSIONER.value],
        password=PASSWORD,
    )
    reference.service_type_create(
        council=council, actor=None, code="home-care", name="Home care", regulated_activity=True
    )
    levels = [1] * 12 + [2] * 12 + [3] * 11
    codes = []
    for n, level in enumerate(levels, start=1):
        codes.append(f"area-{n:02d}")
        reference.area_create(council=council, actor=None, code=codes[-1], name=f"Area {n:02d}", level=level)
    arrangement = services.arrangement_create(
        council=council,
        actor=commissioner,
        reference="HC-2025",
        title="Care and support at home",
        mechanism="tiered_framework",
        regime="pcr_2015_light_touch",
        starts_on=date(2025, 11, 1),
        ends_on=date(2030, 10, 31),
        estimated_value=Decimal("96000000"),
        cap_level_1=2,
        cap_level_2=2,
        price_basis="hour-per-area",
    )
    lot = services.lot_create(
        arrangement=arrangement, actor=commissioner, title="Home care", service_types=["home-care"], areas=codes
    )
    Arrangement.objects.filter(pk=arrangement.pk).update(status="live")
    areas = {a.code: a for a in lot.areas.all()}
    for p in range(40):
        provider = accounts.organisation_create(kind=OrganisationKind.PROVIDER, name=f"Provider {p:02d} Home Care")
        application = Application.objects.create(arrangement=arrangement, provider=provider, status="admitted")
        Decision.objects.create(
            application=application,
            outcome="admit",
            reasons="ok",
            passed_pass_fail=True,
            quality_score=Decimal(rng.randint(60, 95)),
            quality_threshold=Decimal(55),
            decided_by=commissioner,
        )
        for code in rng.sample(codes, rng.randint(6, 14)):
            Admission.objects.create(
                arrangement=arrangement,
                lot=lot,
                provider=provider,
                area=areas[code],
                application=application,
                price=Decimal(rng.randint(2450, 3250)) / 100,
            )
    return arrangement


def test_positions_are_computed_for_the_35_areas_under_caps(journey, framework):
    page = journey.page
    journey.sign_in("commissioner@westmarch.example", PASSWORD)
    journey.click(role="link", name="Arrangements")
    journey.click(role="link", name="HC-2025")
    journey.click(role="link", name="Admitted providers and positions")
    journey.click(role="button", name="Compute the positions")
    # a live framework: the check page says what is at stake before anything changes
    expect(page.get_by_role("heading", level=1)).to_have_text("Compute the positions on a live framework?")
    journey.click(role="button", name="Compute the positions")
    # the optimiser runs in the worker; its page says the outcome and links back to the positions
    expect(page.locator(".govuk-panel")).to_contain_text("36 awarded, 0 unfilled")
    journey.click(role="link", name="See the result")
    expect(page.get_by_text("under the caps (level 1: 2, level 2: 2 areas per provider)")).to_be_visible()
    page.get_by_text("Why each area went to whom").click()
    expect(page.get_by_role("heading", name="area-01")).to_be_visible()
    expect(page.locator(".govuk-details__text")).to_contain_text("Primary:")
    counts = {}
    for admission in Admission.objects.exclude(position__in=["", "reserve"]).select_related("area"):
        counts.setdefault((admission.provider_id, admission.area.level), set()).add(admission.area_id)
    assert all(len(held) <= 2 for held in counts.values())
