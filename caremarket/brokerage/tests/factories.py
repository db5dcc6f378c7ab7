"""A small market for brokerage tests: one council area, providers admitted to one arrangement, a person."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from caremarket.accounts import services as accounts
from caremarket.brokerage import services
from caremarket.domain.roles import OrganisationKind, Role
from caremarket.reference import services as reference
from caremarket.reference.models import AreaPostcode, ServiceType
from tests.factories import admit, live_arrangement


def market(
    council,
    make_user,
    *,
    mechanism="flexible_framework",
    providers=("Ash", "Birch", "Cedar"),
    arrangement_fields=None,
    **admission,
):
    """A live arrangement with one lot in one area, `providers` admitted to it (names, or names with each one's
    own admission fields such as position and rank), a person and their request for home care."""
    home = ServiceType.objects.filter(council=council, code="home-care").first() or reference.service_type_create(
        council=council, actor=None, code="home-care", name="Home care"
    )
    north = reference.area_create(council=council, actor=None, code=f"north-{mechanism}", name="North", level=1)
    AreaPostcode.objects.create(council=council, outward_code="WM1", area=north)
    for kind, code, name in [
        ("decline", "no-capacity", "No staff capacity"),
        ("spot-purchase", "no-capacity-on-framework", "Nobody on the arrangements has capacity"),
        ("ending", "died", "The person died"),
        ("ending", "provider-failed", "The provider can no longer provide care"),
    ]:
        reference.reason_code_create(council=council, actor=None, kind=kind, code=code, name=name)
    arrangement, lot = live_arrangement(
        council,
        reference=mechanism.upper(),
        mechanism=mechanism,
        service_types=[home],
        areas=[north],
        price_basis="hour-per-area",
        **(arrangement_fields or {}),
    )
    made = {}
    own = providers if isinstance(providers, dict) else dict.fromkeys(providers, {})
    for name, fields in own.items():
        provider = accounts.organisation_create(kind=OrganisationKind.PROVIDER, name=name)
        admit(arrangement, lot, provider, area=north, **{**admission, **fields})
        made[name] = (provider, make_user(provider, Role.PROVIDER_STAFF))
    practitioner = make_user(council, Role.PRACTITIONER)
    person = services.person_create(
        council=council,
        actor=practitioner,
        given_name="Ada",
        family_name="Byrne",
        date_of_birth=date(1940, 1, 1),
        address="1 Lane",
        postcode="WM1 1AA",
        phone="01234 567890",
    )
    request = services.care_request_create(
        council=council,
        actor=practitioner,
        person=person,
        service_type="home-care",
        hours_per_week=Decimal(10),
        start_on=date(2030, 6, 10),
        outcomes="Stay at home",
        today=date(2030, 6, 1),
    )
    return request, made, make_user(council, Role.BROKER), arrangement
