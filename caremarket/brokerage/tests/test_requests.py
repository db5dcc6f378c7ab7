from datetime import date, timedelta

import pytest
from django.utils import timezone

from caremarket.accounts import services as accounts
from caremarket.brokerage import services
from caremarket.brokerage.models import CareRequest
from caremarket.core.errors import ServiceError
from caremarket.domain.roles import OrganisationKind, Role
from caremarket.reference import services as reference
from caremarket.reference.models import AreaPostcode
from tests.factories import PersonFactory, admit, live_arrangement


@pytest.fixture
def world(council, council_admin, make_user):
    day = reference.service_type_create(council=council, actor=None, code="day-services", name="Day services")
    expected = reference.need_level_create(
        council=council, actor=None, service_type=day, code="expected", name="Expected"
    )
    north = reference.area_create(council=council, actor=None, code="north", name="North", level=1)
    south = reference.area_create(council=council, actor=None, code="south", name="South", level=2)
    AreaPostcode.objects.create(council=council, outward_code="WA15", area=north)
    practitioner = make_user(council, Role.PRACTITIONER)
    team_leader = make_user(council, Role.TEAM_LEADER)
    adult = PersonFactory(council=council, given_name="Ada", date_of_birth=date(1950, 5, 1), postcode="wa15 6sq")
    twelve = timezone.localdate() - timedelta(days=365 * 12)
    child = PersonFactory(council=council, given_name="Kit", date_of_birth=twelve, postcode="WA15 6SQ")
    return {
        "day": day,
        "expected": expected,
        "north": north,
        "south": south,
        "practitioner": practitioner,
        "team_leader": team_leader,
        "adult": adult,
        "child": child,
    }


def request_for(world, person, **overrides):
    data = {
        "service_type": "day-services",
        "need_level": world["expected"].pk,
        "days_per_week": 3,
        "start_on": timezone.localdate() + timedelta(days=7),
        "outcomes": "Meet people; keep active",
    }
    return services.care_request_create(
        council=world["adult"].council, actor=world["practitioner"], person=person, **{**data, **overrides}
    )


def test_area_follows_the_postcode_unless_overridden(world):
    derived = request_for(world, world["adult"])
    assert derived.area == world["north"] and not derived.area_overridden and derived.status == "sourcing"
    chosen = request_for(world, world["adult"], area="south")
    assert chosen.area == world["south"] and chosen.area_overridden


@pytest.mark.parametrize(
    "overrides,field",
    [
        ({"start_on": date(2020, 1, 1)}, "start_on"),
        ({"service_type": "nursing"}, "service_type"),
        ({"need_level": None}, "need_level"),
        ({"days_per_week": None}, "hours_per_week"),
        ({"days_per_week": 9}, "days_per_week"),
        ({"outcomes": " "}, "outcomes"),
        ({"area": "nowhere"}, "area"),
    ],
)
def test_bad_requests_are_refused_and_nothing_saved(world, overrides, field):
    with pytest.raises(ServiceError) as exc:
        request_for(world, world["adult"], **overrides)
    assert field in exc.value.errors
    assert not CareRequest.objects.exists()


def test_bad_postcode_and_unknown_district(world, council):
    with pytest.raises(ServiceError, match="real postcode"):
        services.person_create(
            council=council,
            actor=None,
            given_name="A",
            family_name="B",
            date_of_birth=date(1960, 1, 1),
            address="x",
            postcode="NOT A CODE",
        )
    stranger = PersonFactory(council=council, postcode="M1 1AA")
    with pytest.raises(ServiceError, match="No area covers the postcode M1 1AA"):
        request_for(world, stranger)


def test_requests_for_children_wait_for_a_team_leader(world):
    request = request_for(world, world["child"])
    assert request.status == "awaiting-approval" and request.requires_approval
    with pytest.raises(ServiceError, match="cannot be the one who made the request"):
        services.care_request_approve(request=request, actor=world["practitioner"])
    approved = services.care_request_approve(request=request, actor=world["team_leader"], note="Plan agreed")
    assert approved.status == "sourcing" and approved.approved_by == world["team_leader"]
    assert [c.to_status for c in approved.status_changes.all()] == ["awaiting-approval", "sourcing"]


def test_eligibility_shows_on_the_request_page(world, council, council_admin, login, make_user):
    arrangement, lot = live_arrangement(
        council,
        reference="DS",
        title="Day services",
        mechanism="flexible_framework",
        service_types=[world["day"]],
        areas=[world["north"]],
        need_levels=[world["expected"]],
        starts_on=date(2025, 1, 1),
        ends_on=date(2029, 1, 1),
    )
    for name, transport, status in [
        ("Bus Ltd", True, "active"),
        ("Walk Ltd", False, "active"),
        ("Paused Ltd", True, "suspended"),
    ]:
        provider = accounts.organisation_create(kind=OrganisationKind.PROVIDER, name=name)
        admit(arrangement, lot, provider, area=world["north"], offers_transport=transport, status=status, price=None)
    request = request_for(world, world["adult"], needs_transport=True)
    page = login(make_user(council, Role.BROKER)).get(f"/brokerage/requests/{request.pk}/").content.decode()
    can, cannot = page.split("Providers who can take it")[1].split("Providers who cannot", 1)
    assert "Bus Ltd" in can and "Bus Ltd" not in cannot
    assert "does not offer transport, which the person&#39;s assessment says they need" in cannot
    assert "suspended" in cannot.split("Paused Ltd")[1][:200]


def test_people_are_council_staff_only(world, login, provider, other_council, make_user):
    person = world["adult"]
    assert login(make_user(provider, Role.PROVIDER_ADMIN)).get(f"/brokerage/people/{person.pk}/").status_code == 403
    assert login(make_user(other_council, Role.BROKER)).get(f"/brokerage/people/{person.pk}/").status_code == 404
    request = request_for(world, person)
    assert login(make_user(other_council, Role.BROKER)).get(f"/brokerage/requests/{request.pk}/").status_code == 404


def test_practitioner_records_a_request_in_the_browser_form(world, login):
    from caremarket.brokerage.models import CareRequest

    client = login(world["practitioner"])
    start = timezone.localdate() + timedelta(days=3)
    url = f"/brokerage/people/{world['adult'].pk}/requests/new/"
    answers = {
        "service_type": "day-services",
        "need_level": str(world["expected"].pk),
        "days_per_week": "2",
        "start_on": start.isoformat(),
        "outcomes": "Gardening club",
    }
    # first the answers are read back, each with a Change button; nothing is recorded yet
    check = client.post(url, answers).content.decode()
    assert "Check the request before you record it" in check and f"{start:%-d %B %Y}" in check
    assert "Day services" in check and not CareRequest.objects.filter(person=world["adult"]).exists()
    changing = client.post(url, {**answers, "change": "outcomes"}).content.decode()
    assert "Record a care request" in changing and "Gardening club" in changing
    response = client.post(url, {**answers, "confirm": "yes"})
    assert response.status_code == 302
    page = client.get("/brokerage/").content.decode()
    assert "Ada Byrne" in page and "Sourcing" in page
    past = client.post(url, {**answers, "start_on": "2020-01-01", "outcomes": "x", "confirm": "yes"}).content.decode()
    assert "The start date cannot be in the past" in past
