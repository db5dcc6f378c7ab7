"""Schemathesis against /api/v1/openapi.json: every operation, with generated valid and invalid input, by a token
of a council and of a provider holding every role of their kind. No request may end in a server error. Bounded
to a few generated examples an operation, besides schemathesis's coverage cases."""

from __future__ import annotations

import itertools

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, settings

from caremarket.accounts import services as accounts
from caremarket.domain.roles import OrganisationKind, Role

pytestmark = pytest.mark.whole_product

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())


@pytest.fixture
def secrets(db, in_test_transaction):
    made = {}
    for kind in (OrganisationKind.COUNCIL, OrganisationKind.PROVIDER):
        organisation = accounts.organisation_create(kind=kind, name=f"Fuzz {kind.value}")
        roles = [r.value for r in Role if r.value.startswith("provider_") == (kind == OrganisationKind.PROVIDER)]
        person = accounts.user_create(
            organisation=organisation, email=f"fuzz@{organisation.slug}.example", full_name="Fuzz", roles=roles
        )
        made[kind] = accounts.api_token_create(organisation=organisation, name="fuzz", roles=roles, actor=person).secret
    return made


TURNS = itertools.cycle([OrganisationKind.COUNCIL, OrganisationKind.PROVIDER])
SEEN: set[str] = set()


@schema.parametrize()
@settings(max_examples=3, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck), database=None)
def test_no_operation_answers_a_server_error(case, secrets):
    # an operation's first case goes with both tokens; the rest take turns between the council's and the
    # provider's, so each kind of caller meets about half of them in half the time of sending every case twice
    operation = f"{case.method} {case.path}"
    kinds = [next(TURNS)] if operation in SEEN else list(secrets)
    SEEN.add(operation)
    for kind in kinds:
        response = case.call(headers={"Authorization": f"Bearer {secrets[kind]}"})
        assert response.status_code < 500, f"{case.method} {case.formatted_path}: {response.status_code}"
