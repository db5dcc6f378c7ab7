"""Adding a person who is most likely already recorded (same name, date of birth and postcode) offers their record
first; a different person with the same details is added only when the broker says so."""

from datetime import date

import pytest

from caremarket.brokerage import services
from caremarket.brokerage.models import Person
from caremarket.core.errors import ServiceError
from caremarket.domain.roles import Role

EDNA = {
    "given_name": "Edna",
    "family_name": "Sutcliffe",
    "date_of_birth": date(1938, 5, 2),
    "address": "12 Mill Lane",
    "postcode": "WM1 2AB",
}


def test_the_same_person_twice_is_refused_naming_the_record(council, make_user):
    broker = make_user(council, Role.BROKER)
    first = services.person_create(council=council, actor=broker, **EDNA)
    with pytest.raises(ServiceError, match=f"Person {first.pk} has the same name"):
        services.person_create(council=council, actor=broker, **{**EDNA, "given_name": "edna", "postcode": "wm12ab"})
    services.person_create(council=council, actor=broker, duplicate_ok=True, **EDNA)
    assert Person.objects.count() == 2
    # another date of birth is another person
    services.person_create(council=council, actor=broker, **{**EDNA, "date_of_birth": date(1938, 5, 3)})


def test_the_page_offers_the_existing_record_then_adds_only_when_told(council, make_user, client):
    broker = make_user(council, Role.PRACTITIONER)
    first = services.person_create(council=council, actor=broker, **EDNA)
    client.force_login(broker)
    posted = {**EDNA, "date_of_birth": "1938-05-02"}
    page = client.post("/brokerage/people/new/", posted).content.decode()
    assert "This person may already be recorded" in page and f'href="/brokerage/people/{first.pk}/"' in page
    assert Person.objects.count() == 1
    added = client.post("/brokerage/people/new/", {**posted, "duplicate_ok": "yes"})
    assert added.status_code == 302 and Person.objects.count() == 2


def test_the_api_refuses_a_likely_duplicate_with_409(council, make_user, client):
    import json

    from caremarket.accounts import services as accounts

    broker = make_user(council, Role.PRACTITIONER)
    services.person_create(council=council, actor=broker, **EDNA)
    secret = accounts.api_token_create(organisation=council, name="case", roles=["practitioner"], actor=broker).secret
    body = {**EDNA, "date_of_birth": "1938-05-02"}
    headers = {"Authorization": f"Bearer {secret}"}
    refused = client.post("/api/v1/people", data=json.dumps(body), content_type="application/json", headers=headers)
    assert refused.status_code == 409
    made = client.post(
        "/api/v1/people", data=json.dumps({**body, "duplicate_ok": True}), content_type="application/json",
        headers=headers,
    )  # fmt: skip
    assert made.status_code == 201
