"""The Open Referral UK feed validates against the UK profile's compiled schemas, its filters filter, bad queries are
400 problems, and the self-check judges the validator's own mock feeds as the validator does."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import pytest

from caremarket.directory import oruk_check

pytestmark = pytest.mark.django_db

SHARED = Path(__file__).resolve().parents[3].parent / "shared" / "data" / "oruk"
MOCKS = SHARED / "validator-mocks" / "OpenReferralApi" / "Mocks"


def _shared(path: Path) -> Path:
    assert path.exists(), f"{path} is missing: the Open Referral UK data lives in ../shared/data/oruk (see its README)"
    return path


def _valid(record, schema: str) -> list[str]:
    level = oruk_check.Level("test", required=True)
    oruk_check.validate(record, schema, level, "test")
    return [m.text for m in level.messages]


def test_every_endpoint_validates_against_the_uk_profile_with_no_error_and_no_warning(client, directory):
    about = client.get("/openreferral/")
    assert about.status_code == 200 and about["Access-Control-Allow-Origin"] == "*"
    assert about.json()["version"] == "HSDS-UK-3.0"
    services = client.get("/openreferral/services").json()
    assert services["total_items"] == 3 and services["contents"]  # the held-back listing is not in the feed
    for record in services["contents"]:
        assert _valid(record, "service_list") == []
        uuid.UUID(record["id"])
        full = client.get(f"/openreferral/services/{record['id']}")
        assert full["Access-Control-Allow-Origin"] == "*"
        assert _valid(full.json(), "service") == []
        assert "null" not in full.content.decode()
    places = client.get("/openreferral/service_at_locations").json()
    for record in places["contents"]:
        assert _valid(record, "service_at_location_list") == []
        assert (
            _valid(client.get(f"/openreferral/service_at_locations/{record['id']}").json(), "service_at_location") == []
        )
    for record in client.get("/openreferral/taxonomies").json()["contents"]:
        assert _valid(record, "taxonomy") == []
        assert _valid(client.get(f"/openreferral/taxonomies/{record['id']}").json(), "taxonomy") == []
    terms = client.get("/openreferral/taxonomy_terms").json()["contents"]
    assert {t["name"] for t in terms} >= {"Day opportunities", "Transport to and from the service"}
    for record in terms:
        assert _valid(record, "taxonomy_term") == []


def test_the_vendored_schemas_are_the_uk_profiles_own():
    for name in ("service", "service_list", "service_at_location", "service_at_location_list"):
        ours = json.loads((oruk_check.SCHEMAS / f"{name}.json").read_text())
        assert ours == json.loads(_shared(SHARED / "schema" / "compiled" / f"{name}.json").read_text())
    for name in ("taxonomy", "taxonomy_term"):
        ours = json.loads((oruk_check.SCHEMAS / f"{name}.json").read_text())
        assert ours == json.loads(_shared(SHARED / "schema" / f"{name}.json").read_text())


def _ids(answer) -> list[str]:
    return [r["id"] for r in answer.json()["contents"]]


def test_the_filters_filter(client, directory):
    council, listings, _ = directory
    oak, birch, cedar = (str(listings[n].uuid) for n in ("Oakfield Day Centre", "Birchwood Support", "Cedar Lodge"))
    get = client.get
    assert _ids(get("/openreferral/services", {"search": "cedar play"})) == [cedar]
    assert _ids(get("/openreferral/services", {"search": "no service says this"})) == []
    assert set(_ids(get("/openreferral/services", {"minimum_age": 16}))) == {oak, birch}
    assert _ids(get("/openreferral/services", {"maximum_age": 17})) == [cedar]
    assert _ids(get("/openreferral/services", {"day": "SA"})) == [cedar]
    assert _ids(get("/openreferral/services", {"day": "Saturday"})) == [cedar]
    assert set(_ids(get("/openreferral/services", {"start_time": "09:00", "end_time": "16:00"}))) == {oak, birch, cedar}
    assert _ids(get("/openreferral/services", {"start_time": "10:00"})) == []
    assert _ids(get("/openreferral/services", {"start_time": "10:00:00+01:00"})) == []  # an offset is set aside
    terms = {t["term"]: t["id"] for t in get("/openreferral/taxonomy_terms").json()["contents"]}
    assert _ids(get("/openreferral/services", {"taxonomy_term_id": terms["transport"]})) == [birch]
    assert len(_ids(get("/openreferral/services", {"taxonomy_term_id": terms["day-opportunities"]}))) == 3
    assert _ids(get("/openreferral/services", {"modified_after": "2999-01-01T00:00:00Z"})) == []
    near = get("/openreferral/service_at_locations", {"postcode": "M33 7ZF", "proximity": 3300})
    assert [r["service_id"] for r in near.json()["contents"]] == [oak, birch]
    paged = get("/openreferral/services", {"per_page": 2, "page": 2}).json()
    assert (paged["total_pages"], paged["page_number"], paged["last_page"], len(paged["contents"])) == (2, 2, True, 1)


@pytest.mark.parametrize(
    ("path", "query", "parameter"),
    [
        ("/openreferral/services", {"page": "99"}, "page"),
        ("/openreferral/services", {"page": "two"}, "page"),
        ("/openreferral/services", {"per_page": "0"}, "per_page"),
        ("/openreferral/services", {"minimum_age": "old"}, "minimum_age"),
        ("/openreferral/services", {"day": "Funday"}, "day"),
        ("/openreferral/services", {"start_time": "9am"}, "start_time"),
        ("/openreferral/services", {"modified_after": "yesterday"}, "modified_after"),
        ("/openreferral/service_at_locations", {"postcode": "M99 9ZZ"}, "postcode"),
        ("/openreferral/service_at_locations", {"postcode": "M33 7ZF", "proximity": "-5"}, "proximity"),
        ("/openreferral/service_at_locations", {"proximity": "100"}, "proximity"),
    ],
)
def test_a_bad_query_is_a_400_problem_naming_the_parameter(client, directory, path, query, parameter):
    answer = client.get(path, query)
    assert answer.status_code == 400 and answer["Content-Type"] == "application/problem+json"
    assert answer["Access-Control-Allow-Origin"] == "*"
    assert answer.json()["errors"][0]["field"] == parameter


def test_an_unknown_id_is_a_404_problem(client, directory):
    for path in ("services", "taxonomies", "taxonomy_terms", "service_at_locations"):
        assert client.get(f"/openreferral/{path}/{uuid.uuid4()}").status_code == 404
        assert client.get(f"/openreferral/{path}/not-a-uuid").status_code == 404


def test_the_self_check_passes_the_validators_passing_mock_warns_on_its_warning_mock_and_fails_its_failing_mock():
    results = {}
    for name in ("V3.0-UK-Default", "V3.0-UK-Warn", "V3.0-UK-Fail"):
        folder = _shared(MOCKS / name)
        results[name] = oruk_check.check(oruk_check.mock_feed(folder), feed=name, fixed=True)
    assert results["V3.0-UK-Default"].result == "pass", results["V3.0-UK-Default"].text()
    assert results["V3.0-UK-Warn"].result == "warn", results["V3.0-UK-Warn"].text()
    assert results["V3.0-UK-Fail"].result == "fail", results["V3.0-UK-Fail"].text()
    fail = results["V3.0-UK-Fail"].text()
    assert "'name' is a required property" in fail and "is not a 'email'" in fail and "profile is missing" in fail
    warn = results["V3.0-UK-Warn"].text()
    assert "page 10 was asked for, page_number says 1" in warn and "'description' is a required property" in warn


def test_the_self_check_passes_our_own_feed_and_a_council_runs_it_from_its_page(client, directory):
    report = oruk_check.check(oruk_check.own_feed(), feed="own")
    assert report.result == "pass", report.text()
    assert len(report.levels[1].tested) > 10  # the filters were asked, not skipped
    from tests.factories import UserFactory

    council = directory[0]
    commissioner = UserFactory(organisation=council, roles=["commissioner"])
    client.force_login(commissioner)
    started = client.post("/directory/manage/feed-check/")
    assert started.status_code == 302
    job = client.get(started["Location"]).content.decode()
    assert "The feed passes the self-check" in job
    from caremarket.directory.models import FeedCheck

    made = FeedCheck.objects.get()
    assert made.result == "pass"
    assert "Level 1" in client.get(f"/directory/manage/feed-check/{made.pk}/").content.decode()


def test_an_empty_feed_fails(client):
    report = oruk_check.check(oruk_check.own_feed(), feed="own")
    assert report.result == "fail" and "an empty feed fails" in report.text()


def test_the_command_checks_a_folder_of_mock_answers_and_fails_a_failing_feed():
    import io

    from django.core.management import CommandError, call_command

    out = io.StringIO()
    call_command("oruk_check", str(_shared(MOCKS / "V3.0-UK-Default")), stdout=out)
    assert ": PASS" in out.getvalue()
    with pytest.raises(CommandError, match="fails the self-check"):
        call_command("oruk_check", str(_shared(MOCKS / "V3.0-UK-Fail")), stdout=io.StringIO())
    with pytest.raises(CommandError, match="neither a web address nor a folder"):
        call_command("oruk_check", "/no/such/feed", stdout=io.StringIO())
