"""The directory by machine, as on the pages: a provider's listing proposed, a council's approval, the public's
enquiry, and nobody reaching another organisation's listings."""

from __future__ import annotations

import pytest

from caremarket.accounts import services as accounts
from caremarket.directory.models import Enquiry, Listing
from caremarket.domain.roles import Role
from tests.factories import CouncilFactory, UserFactory

from .factories import directory_market

pytestmark = pytest.mark.django_db


def _token(organisation, user, role) -> dict:
    secret = accounts.api_token_create(organisation=organisation, name="system", roles=[role.value], actor=user).secret
    return {"Authorization": f"Bearer {secret}"}


PROPOSED = {
    "name": "Oakfield life skills",
    "description": "Life skills for young people.",
    "address_1": "2 School Road",
    "postcode": "M33 7ZF",
    "age_min": 16,
    "age_max": 25,
    "one_to_one": True,
    "days": ["MO", "WE"],
    "opens_at": "09:30",
    "closes_at": "15:30",
    "email": "hello@oakfield.example",
    "price_pence": 1850,
    "price_unit": "session",
}


def test_a_listing_proposed_approved_and_enquired_about_by_machine(client):
    council, commissioner, day, made = directory_market()
    provider, office, _ = made["Oakfield Day Centre"]
    as_provider = _token(provider, office, Role.PROVIDER_ADMIN)
    as_council = _token(council, commissioner, Role.COMMISSIONER)
    listings = client.get("/api/v1/directory/listings", headers=as_provider).json()
    assert [x["public"] for x in listings] == [False]
    listing_id = listings[0]["id"]
    bad = client.post(
        f"/api/v1/directory/listings/{listing_id}/changes",
        {**PROPOSED, "price_pence": 5_000_000},
        content_type="application/json",
        headers=as_provider,
    )
    assert bad.status_code == 400 and bad.json()["errors"][0]["field"] == "price"
    made_change = client.post(
        f"/api/v1/directory/listings/{listing_id}/changes",
        PROPOSED,
        content_type="application/json",
        headers=as_provider,
    )
    assert made_change.status_code == 201, made_change.content
    change = made_change.json()
    assert change["missing"] == [] and change["status"] == "submitted"
    waiting = client.get("/api/v1/directory/changes", headers=as_council).json()
    assert [c["id"] for c in waiting] == [change["id"]]
    approved = client.post(f"/api/v1/directory/changes/{change['id']}/approval", headers=as_council)
    assert approved.status_code == 200 and approved.json()["public"] is True
    assert approved.json()["price_pence"] == 1850 and approved.json()["days"] == "MO,WE"
    again = client.post(f"/api/v1/directory/changes/{change['id']}/approval", headers=as_council)
    assert again.status_code == 409
    uuid = approved.json()["uuid"]
    sent = client.post(
        f"/api/v1/directory/services/{uuid}/enquiries",
        {"name": "Sam", "email": "sam@example.com", "message": "A place on Mondays?"},
        content_type="application/json",
    )
    assert sent.status_code == 201
    assert client.get("/api/v1/directory/enquiries", headers=as_provider).json()[0]["message"] == "A place on Mondays?"
    no_way_back = client.post(
        f"/api/v1/directory/services/{uuid}/enquiries",
        {"name": "Sam", "message": "Hi"},
        content_type="application/json",
    )
    assert no_way_back.status_code == 400
    assert (
        client.post(
            f"/api/v1/directory/services/{uuid}/enquiries",
            {"name": "x", "email": "x@example.com", "message": "x"},
            content_type="application/json",
        ).status_code
        == 201
    )
    assert Enquiry.objects.count() == 2
    profile = client.put(
        "/api/v1/directory/profile",
        {"description": "A family-run day centre.", "website": "https://oakfield.example"},
        content_type="application/json",
        headers=as_provider,
    )
    assert profile.status_code == 200 and profile.json()["website"] == "https://oakfield.example"


def test_nobody_reaches_another_organisations_listings_by_machine(client):
    council, commissioner, day, made = directory_market()
    provider, office, _ = made["Oakfield Day Centre"]
    listing = Listing.objects.get(provider=provider)
    _, _, _, others = directory_market(providers={"Birchwood Support": {}})
    other_provider, other_office, _ = others["Birchwood Support"]
    as_other = _token(other_provider, other_office, Role.PROVIDER_ADMIN)
    assert client.get(f"/api/v1/directory/listings/{listing.pk}", headers=as_other).status_code == 404
    taken = client.post(
        f"/api/v1/directory/listings/{listing.pk}/changes", PROPOSED, content_type="application/json", headers=as_other
    )
    assert taken.status_code == 404
    as_provider = _token(provider, office, Role.PROVIDER_ADMIN)
    change = client.post(
        f"/api/v1/directory/listings/{listing.pk}/changes",
        PROPOSED,
        content_type="application/json",
        headers=as_provider,
    ).json()
    other_council = CouncilFactory()
    stranger = UserFactory(organisation=other_council, roles=[Role.COMMISSIONER])
    as_stranger = _token(other_council, stranger, Role.COMMISSIONER)
    assert client.post(f"/api/v1/directory/changes/{change['id']}/approval", headers=as_stranger).status_code == 404
    assert client.get("/api/v1/directory/changes", headers=as_stranger).json() == []
    # a provider's token may not approve, a council's may not propose
    assert client.post(f"/api/v1/directory/changes/{change['id']}/approval", headers=as_provider).status_code == 403
    as_council = _token(council, commissioner, Role.COMMISSIONER)
    refused = client.post(
        f"/api/v1/directory/listings/{listing.pk}/changes",
        PROPOSED,
        content_type="application/json",
        headers=as_council,
    )
    assert refused.status_code == 403
