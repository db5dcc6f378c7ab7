"""Schemathesis against the Open Referral UK feed, with the UK profile's own API description
(../shared/data/oruk/schema/openapi.json): every operation, with generated input, must answer without a server
error, as JSON, and every answer the description documents (200) must match its schema.

The description points at the profile's schemas on the web; they are read from the same folder instead, and two
errata are mended first (docs/adr/0018): `/service_at_locations/{id}` refers to the service schema where its
sibling list refers to the service-at-location one, and the time filters have `"type": "time"`, which is not a
JSON Schema type. The description documents only 200 answers, so the 400 problems the feed gives for bad input
(a page past the end, a postcode that does not exist) are checked for their shape in test_oruk.py, not here."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, settings

pytestmark = pytest.mark.whole_product

ORUK = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "oruk" / "schema"
REMOTE = "https://raw.githubusercontent.com/openreferral/uk-profile/main/schema/"


def _description() -> dict:
    path = ORUK / "openapi.json"
    assert path.exists(), f"{path} is missing: the Open Referral UK data lives in ../shared/data/oruk (see its README)"
    raw = json.loads(path.read_text())

    def local(node):
        if isinstance(node, dict):
            ref = node.get("$ref", "")
            if ref.startswith(REMOTE):
                name = ref.removeprefix(REMOTE)
                if name == "compiled/service.json" and local.in_place_path:
                    name = "compiled/service_at_location.json"  # erratum: the place's own schema
                return json.loads((ORUK / name).read_text())
            if node.get("type") == "time":
                return {**node, "type": "string", "format": "time"}  # erratum: "time" is a format, not a type
            return {key: local(value) for key, value in node.items()}
        if isinstance(node, list):
            return [local(item) for item in node]
        return node

    local.in_place_path = False
    paths = {}
    for name, item in raw["paths"].items():
        local.in_place_path = name == "/service_at_locations/{id}"
        paths[name] = local(item)
    local.in_place_path = False
    raw["paths"] = paths
    raw["components"] = local(raw["components"])
    raw["servers"] = [{"url": "/openreferral"}]
    return raw


schema = schemathesis.openapi.from_dict(_description())
schema.app = get_wsgi_application()


@pytest.fixture
def feed(db, in_test_transaction):
    from caremarket.directory.models import Listing
    from caremarket.directory.tests.factories import directory_market, listing_in

    council, commissioner, _, made = directory_market(
        providers={"Oakfield Day Centre": {"age_min": 16, "age_max": 25}, "Birchwood Support": {"age_min": 18}}
    )
    for name, postcode in (("Oakfield Day Centre", "M33 7ZF"), ("Birchwood Support", "M41 5AA")):
        provider, office, _ = made[name]
        listing_in("public", Listing.objects.get(provider=provider), provider_user=office, commissioner=commissioner,
                   postcode=postcode)  # fmt: skip
    return council


@schema.parametrize()
@settings(max_examples=8, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck), database=None)
def test_the_feed_keeps_to_the_uk_profiles_description(case, feed):
    from schemathesis.checks import not_a_server_error
    from schemathesis.specs.openapi.checks import content_type_conformance, response_schema_conformance

    response = case.call()
    case.validate_response(response, checks=[not_a_server_error, content_type_conformance, response_schema_conformance])
    assert response.headers.get("access-control-allow-origin") == ["*"], (case.method, case.formatted_path)
