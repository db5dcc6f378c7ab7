"""The home care market the brokerage journeys run in: Westmarch's broker, home care in Ashcombe North, one live
arrangement, providers admitted to it with an admin each, and Edna Sutcliffe's request for care."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone

from caremarket.accounts import services as accounts
from caremarket.accounts.models import Organisation
from caremarket.brokerage import services
from caremarket.domain.roles import OrganisationKind, Role
from caremarket.reference import services as reference
from caremarket.reference.models import AreaPostcode
from tests.factories import admit, live_arrangement

PASSWORD = "journey-password-2026"


def home_care_market(
    *,
    mechanism: str,
    providers: list[tuple[str, str, dict]],
    reason_codes: list[tuple[str, str, str]],
    reference_code: str,
    **arrangement_fields,
) -> Organisation:
    """`providers` are (name, admin email, admission fields); `reason_codes` are (kind, code, name)."""
    council = accounts.organisation_create(kind=OrganisationKind.COUNCIL, name="Westmarch County Council")
    broker = accounts.user_create(
        organisation=council,
        email="broker@westmarch.example",
        full_name="Tom Castellano",
        roles=[Role.BROKER.value],
        password=PASSWORD,
    )
    home = reference.service_type_create(council=council, actor=None, code="home-care", name="Home care")
    north = reference.area_create(council=council, actor=None, code="ashcombe-north", name="Ashcombe North", level=1)
    AreaPostcode.objects.create(council=council, outward_code="WM1", area=north)
    for kind, code, name in reason_codes:
        reference.reason_code_create(council=council, actor=None, kind=kind, code=code, name=name)
    arrangement, lot = live_arrangement(
        council,
        reference=reference_code,
        mechanism=mechanism,
        service_types=[home],
        areas=[north],
        starts_on=date(2025, 11, 1),
        ends_on=date(2030, 11, 1),  # five years: a block contract's shortest term (seed 002)
        **arrangement_fields,
    )
    for name, email, fields in providers:
        provider = accounts.organisation_create(kind=OrganisationKind.PROVIDER, name=name)
        accounts.user_create(
            organisation=provider,
            email=email,
            full_name=name.split()[0],
            roles=[Role.PROVIDER_ADMIN.value],
            password=PASSWORD,
        )
        admit(arrangement, lot, provider, area=north, **{"price": Decimal("28.10"), **fields})
    person = services.person_create(
        council=council,
        actor=broker,
        given_name="Edna",
        family_name="Sutcliffe",
        date_of_birth=date(1938, 2, 2),
        address="12 Mill Lane",
        postcode="WM1 2AB",
    )
    services.care_request_create(
        council=council,
        actor=broker,
        person=person,
        service_type="home-care",
        hours_per_week=Decimal(14),
        visit_pattern="2 calls a day",
        start_on=timezone.localdate() + timedelta(days=5),
        outcomes="Stay at home safely",
    )
    return council
