"""What an attacker with a valid account could still do through the API, and what stops it now."""

import json

from caremarket.accounts import services as accounts
from caremarket.core.models import AuditEvent
from caremarket.domain.roles import Role


def _person_body(given_name: str = "Ada"):
    return {
        "given_name": given_name,
        "family_name": "Byrne",
        "date_of_birth": "1940-01-01",
        "address": "1 Lane",
        "postcode": "WM1 1AA",
    }


def test_a_revoked_token_gets_no_replay_of_its_earlier_reply(client, council, make_user):
    admin = make_user(council, Role.ORGANISATION_ADMIN, Role.BROKER)
    issued = accounts.api_token_create(organisation=council, name="cm", roles=["broker"], actor=admin)
    headers = {"Authorization": f"Bearer {issued.secret}", "Idempotency-Key": "k-1"}
    made = client.post("/api/v1/people", json.dumps(_person_body()), content_type="application/json", headers=headers)
    assert made.status_code == 201
    accounts.api_token_revoke(token=issued.token, actor=admin, reason="left")
    again = client.post("/api/v1/people", json.dumps(_person_body()), content_type="application/json", headers=headers)
    assert again.status_code == 401 and "Idempotent-Replayed" not in again


def test_a_client_chosen_request_id_is_kept_only_when_well_formed(client, council, make_user):
    admin = make_user(council, Role.ORGANISATION_ADMIN, Role.BROKER)
    secret = accounts.api_token_create(organisation=council, name="cm", roles=["broker"], actor=admin).secret
    tries = [("<script>alert(1)</script>", False), ("x" * 200, False), ("case-42.retry:1", True)]
    for number, (given, kept) in enumerate(tries):
        response = client.post(
            "/api/v1/people",
            json.dumps(_person_body(f"Ada{number}")),  # three people: the same one twice is refused
            content_type="application/json",
            headers={"Authorization": f"Bearer {secret}", "X-Request-Id": given},
        )
        event = AuditEvent.objects.filter(action="person.created").latest("pk")
        assert (event.request_id == given) is kept and (response["X-Request-Id"] == given) is kept
        assert event.request_id == response["X-Request-Id"] and len(event.request_id) <= 64
