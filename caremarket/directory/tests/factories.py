"""A small directory: a council with day opportunities in two areas, providers admitted with their ages and needs,
real Trafford postcodes to measure from, and listings in each state of their life (offered, waiting, public,
held back, returned)."""

from __future__ import annotations

from decimal import Decimal

from caremarket.accounts import services as accounts
from caremarket.directory import services
from caremarket.directory.models import Listing, Postcode
from caremarket.domain.roles import OrganisationKind, Role
from caremarket.reference import services as reference
from caremarket.reference.models import AreaPostcode
from tests.factories import CouncilFactory, UserFactory, admit, live_arrangement

# real postcodes and their centres (ONS postcode directory, Trafford, ../shared/data/geo)
PLACES = {
    "M33 7ZF": ("53.425111", "-2.320000"),  # Sale Central
    "M32 0NN": ("53.452375", "-2.301925"),  # Gorse Hill, about 2 miles north
    "M41 5AA": ("53.448597", "-2.354612"),  # Urmston, about 2.2 miles north-west
    "WA14 1EP": ("53.389008", "-2.347215"),  # Altrincham, about 2.7 miles south
    "WA15 8AB": ("53.385350", "-2.337774"),  # Altrincham East
}


def places() -> None:
    for code, (lat, lon) in PLACES.items():
        Postcode.objects.get_or_create(postcode=code, defaults={"latitude": Decimal(lat), "longitude": Decimal(lon)})


def directory_market(*, council=None, providers=None):
    """The council, its commissioner, its day service and the providers (name → admission fields), each with an
    office user; every admission offers its listing."""
    places()
    council = council or CouncilFactory()
    commissioner = UserFactory(organisation=council, roles=[Role.COMMISSIONER])
    day = reference.service_type_create(council=council, actor=None, code="day-opportunities", name="Day opportunities")
    area = reference.area_create(council=council, actor=None, code="sale", name="Sale", level=1)
    AreaPostcode.objects.create(council=council, outward_code="M33", area=area)
    arrangement, lot = live_arrangement(
        council,
        reference="DAY-DPS",
        mechanism="flexible_framework",
        service_types=[day],
        areas=[area],
        title="Day opportunities",
    )
    made = {}
    for name, fields in (providers or {"Oakfield Day Centre": {"age_min": 18, "age_max": 64}}).items():
        provider = accounts.organisation_create(kind=OrganisationKind.PROVIDER, name=name)
        admission = admit(arrangement, lot, provider, area=area, **fields)
        made[name] = (provider, UserFactory(organisation=provider, roles=[Role.PROVIDER_ADMIN]), admission)
    services.listings_offer()
    return council, commissioner, day, made


GOOD = {
    "name": "Oakfield life skills",
    "description": "Life skills for young people: cooking, travel training and money, in small groups.",
    "activities": "Cooking, travel training, gardening",
    "address_1": "2 School Road",
    "town": "Sale",
    "postcode": "M33 7ZF",
    "age_min": "16",
    "age_max": "25",
    "one_to_one": "true",
    "days": ["MO", "WE", "FR"],
    "opens_at": "09:30",
    "closes_at": "15:30",
    "languages": "English, Urdu",
    "email": "hello@oakfield.example",
    "phone": "0161 496 0000",
    "price": "18.50",
    "price_unit": "session",
    "price_note": "Lunch included",
    "taking_new_people": "true",
}


def listing_in(state: str, listing: Listing, *, provider_user, commissioner, **changes) -> Listing:
    """`listing` brought to `state` through the services: offered, waiting, public, held (approved but
    incomplete) or returned."""
    data = {**GOOD, **changes}
    if state == "held":
        data = {**data, "price": "", "price_unit": "", "free": ""}
    if state != "offered":
        change = services.listing_change_submit(listing=listing, actor=provider_user, data=data)
        if state in ("public", "held"):
            services.listing_change_approve(change=change, actor=commissioner)
        elif state == "returned":
            services.listing_change_return(change=change, actor=commissioner, reason="Say what a session costs")
    listing.refresh_from_db()
    return listing
