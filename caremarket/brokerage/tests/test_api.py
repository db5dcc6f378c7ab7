"""Brokerage through /api/v1/: the council side, the provider side, sealed offers and idempotency keys."""

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from caremarket.accounts import services as accounts
from caremarket.brokerage.models import Competition, Offer, Placement, Referral
from caremarket.core.models import AuditEvent
from caremarket.domain.roles import OrganisationKind, Role

from .factories import market


@pytest.fixture
def token_for(make_user):
    def make(organisation, *roles: Role):
        admin = make_user(organisation, *roles)  # a token acts as its person, with roles that person holds
        return accounts.api_token_create(
            organisation=organisation, name=f"client-{admin.pk}", roles=[r.value for r in roles], actor=admin
        ).secret

    return make


def call(client, method, path, secret, body=None, key=None):
    headers = {"Authorization": f"Bearer {secret}"}
    if key:
        headers["Idempotency-Key"] = key
    kwargs = {"data": json.dumps(body)} if body is not None else {}
    return getattr(client, method)(f"/api/v1{path}", headers=headers, content_type="application/json", **kwargs)


@pytest.fixture
def world(council, make_user, token_for):
    request, providers, broker, arrangement = market(council, make_user)
    return {
        "request": request,
        "providers": providers,
        "broker": token_for(council, Role.BROKER),
        "practitioner": token_for(council, Role.PRACTITIONER),
        "ash": token_for(providers["Ash"][0], Role.PROVIDER_STAFF),
        "birch": token_for(providers["Birch"][0], Role.PROVIDER_STAFF),
    }


def test_council_creates_a_person_and_a_request_with_an_idempotency_key(client, world):
    person = call(
        client,
        "post",
        "/people",
        world["practitioner"],
        {
            "given_name": "Bo",
            "family_name": "Eke",
            "date_of_birth": "1950-02-03",
            "address": "2 Row",
            "postcode": "wm1 2bb",
        },
    )
    assert person.status_code == 201 and person.json()["postcode"] == "WM1 2BB"
    body = {
        "person_id": person.json()["id"],
        "service_type": "home-care",
        "start_on": str(timezone.localdate() + timedelta(days=7)),
        "outcomes": "Get up and dressed",
        "hours_per_week": "7.5",
    }
    first = call(client, "post", "/care-requests", world["practitioner"], body, key="req-1")
    again = call(client, "post", "/care-requests", world["practitioner"], body, key="req-1")
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json() and again["Idempotent-Replayed"] == "true"
    assert first.json()["area"] == "north-flexible-framework" and first.json()["status"] == "sourcing"
    other = call(client, "post", "/care-requests", world["practitioner"], {**body, "hours_per_week": "9"}, key="req-1")
    assert other.status_code == 422 and "different request" in other.json()["detail"]
    past = call(client, "post", "/care-requests", world["practitioner"], {**body, "start_on": "2020-01-01"}, key="r2")
    assert past.status_code == 400 and past.json()["errors"][0]["field"] == "start_on"
    listed = call(client, "get", "/care-requests?status=sourcing", world["broker"])
    assert len([r for r in listed.json() if r["person_id"] == person.json()["id"]]) == 1
    verdicts = call(client, "get", f"/care-requests/{first.json()['id']}/eligibility", world["broker"]).json()
    assert {v["provider"] for v in verdicts if v["eligible"]} == {"Ash", "Birch", "Cedar"}


def test_competition_by_machine_sealed_until_closing_then_scored_and_awarded(client, world):
    request = world["request"]
    closes = timezone.now() + timedelta(hours=1)
    published = call(
        client,
        "post",
        f"/care-requests/{request.pk}/competitions",
        world["broker"],
        {"closes_at": closes.isoformat(), "criteria": "60% quality, 40% price"},
    )
    assert published.status_code == 201 and published.json()["offer_count"] == 0
    cid = published.json()["id"]
    opportunities = call(client, "get", "/care-opportunities", world["ash"]).json()
    [mine] = [o for o in opportunities if o["kind"] == "competition"]
    assert mine["postcode_district"] == "WM1" and "Ada" not in json.dumps(mine) and mine["age_band"] == "90 to 99"
    offer = {"price": "26.40", "earliest_start_on": "2030-06-10", "how_outcomes_met": "Meals and a daily walk"}
    made = call(client, "post", f"/competitions/{cid}/offers", world["ash"], offer, key="offer-1")
    replay = call(client, "post", f"/competitions/{cid}/offers", world["ash"], offer, key="offer-1")
    assert made.status_code == replay.status_code == 201 and Offer.objects.count() == 1
    call(client, "post", f"/competitions/{cid}/offers", world["birch"], {**offer, "price": "24.00"})
    # sealed: the council's token is refused and the attempt audited; Birch sees only its own offer
    refused = call(client, "get", f"/competitions/{cid}/offers", world["broker"])
    assert refused.status_code == 403 and "sealed until" in refused.json()["detail"] and "26.40" not in refused.text
    assert AuditEvent.objects.filter(action="offer.sealed_read_refused", after={"route": "api"}).exists()
    assert [o["price"] for o in call(client, "get", f"/competitions/{cid}/offers", world["birch"]).json()] == ["24.00"]
    assert call(client, "get", f"/competitions/{cid}", world["broker"]).json()["offer_count"] == 2
    # scoring and deciding before the closing time are refused and audited, as on the pages
    sealed_id = Offer.objects.filter(competition_id=cid).values_list("pk", flat=True).first()
    for path, body in [
        ("scores", {"quality": {sealed_id: 90}}),
        ("award", {"offer_id": sealed_id}),
        ("no-award", {"reason": "x"}),
    ]:
        attempt = call(client, "post", f"/competitions/{cid}/{path}", world["broker"], body)
        assert attempt.status_code == 403 and "sealed until" in attempt.json()["detail"], path
    refusals = AuditEvent.objects.filter(action="offer.sealed_read_refused").values_list("after", flat=True)
    assert {"score", "award", "no-award"} <= {a["route"] for a in refusals}
    # closing time passes
    Competition.objects.filter(pk=cid).update(
        published_at=timezone.now() - timedelta(hours=2), closes_at=timezone.now() - timedelta(seconds=1)
    )
    late = call(client, "post", f"/competitions/{cid}/offers", world["ash"], {**offer, "price": "20.00"})
    assert late.status_code == 409 and "closed" in late.json()["detail"]
    offers = call(client, "get", f"/competitions/{cid}/offers", world["broker"]).json()
    ids = {o["provider"]: o["id"] for o in offers}
    scored = call(
        client, "post", f"/competitions/{cid}/scores", world["broker"], {"quality": {ids["Ash"]: 90, ids["Birch"]: 70}}
    )
    assert [(o["provider"], o["rank"]) for o in scored.json()] == [("Ash", 1), ("Birch", 2)]
    award = call(client, "post", f"/competitions/{cid}/award", world["broker"], {"offer_id": ids["Ash"]})
    assert award.status_code == 201 and award.json()["route"] == "call-off"
    placements = call(client, "get", "/placements", world["ash"]).json()
    assert [p["person"]["family_name"] for p in placements] == ["Byrne"]
    assert call(client, "get", "/placements", world["birch"]).json() == []


def test_provider_answers_a_referral_by_machine_and_cannot_touch_anothers(client, council, make_user, token_for):
    request, providers, broker, _ = market(council, make_user, mechanism="tiered_framework", providers=("Ash",))
    from caremarket.arrangements.models import Admission

    Admission.objects.update(position="primary")
    broker_token = token_for(council, Role.BROKER)
    started = call(client, "post", f"/care-requests/{request.pk}/sourcing", broker_token)
    assert started.status_code == 201 and started.json()[0]["provider"] == "Ash"
    referral = Referral.objects.get()
    other = token_for(
        accounts.organisation_create(kind=OrganisationKind.PROVIDER, name="Other Care"), Role.PROVIDER_STAFF
    )
    assert call(client, "post", f"/referrals/{referral.pk}/accept", other).status_code == 404
    ash = token_for(providers["Ash"][0], Role.PROVIDER_STAFF)
    no_reason = call(client, "post", f"/referrals/{referral.pk}/decline", ash, {"reason_code": ""})
    assert no_reason.status_code == 400 and "reason" in no_reason.json()["detail"]
    accepted = call(client, "post", f"/referrals/{referral.pk}/accept", ash, key="acc-1")
    assert accepted.status_code == 201 and accepted.json()["person"]["given_name"] == "Ada"
    assert call(client, "post", f"/referrals/{referral.pk}/accept", ash, key="acc-1").status_code == 201
    assert Placement.objects.count() == 1
    # a council token cannot use the provider's endpoints, nor a provider the council's
    assert call(client, "get", "/care-opportunities", broker_token).status_code == 403
    assert call(client, "get", "/care-requests", ash).status_code == 403


def test_spot_purchase_by_machine_needs_a_reason(client, world, provider):
    request = world["request"]
    body = {"provider_id": provider.pk, "reason_code": "", "agreed_price": "30.00", "price_unit": "hour"}
    bad = call(client, "post", f"/care-requests/{request.pk}/spot-purchase", world["broker"], body)
    assert bad.status_code == 400 and bad.json()["errors"][0]["field"] == "reason_code"
    ok = call(
        client,
        "post",
        f"/care-requests/{request.pk}/spot-purchase",
        world["broker"],
        {**body, "reason_code": "no-capacity-on-framework"},
    )
    assert ok.status_code == 201 and ok.json()["spot_purchase"] is True
    assert ok.json()["spot_reason"] == "no-capacity-on-framework"
    assert [p["id"] for p in call(client, "get", "/placements?spot_only=true", world["broker"]).json()] == [
        ok.json()["id"]
    ]


def test_openapi_lists_the_brokerage_paths(client, db):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    for path in ["/api/v1/care-requests", "/api/v1/care-opportunities", "/api/v1/competitions/{competition_id}/offers"]:
        assert path in paths
