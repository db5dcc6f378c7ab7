"""A home care placement's visit plan: set by the provider's people or its rostering system, dated, never edited;
missed and late visits counted against it on the council's scorecard, with the visits behind the figures."""

import json
from datetime import date, time, timedelta
from decimal import Decimal

import pytest

from caremarket.accounts import services as accounts
from caremarket.brokerage import placements
from caremarket.brokerage.models import VisitPlan
from caremarket.core.errors import ServiceError
from caremarket.core.models import AuditEvent
from caremarket.domain import visits
from caremarket.domain.roles import Role
from caremarket.finance.models import DeliveryRecord
from caremarket.quality import scorecards
from tests.factories import START, PlacementFactory, ProviderFactory, UserFactory

MORNING = visits.PlannedVisit(visits.EVERY_DAY, time(8), 45)
TEA = visits.PlannedVisit(visits.WEEKDAYS_ONLY, time(17), 30)


@pytest.fixture
def placement(db):
    return PlacementFactory()


def _provider_user(placement):
    return UserFactory(organisation=placement.provider, roles=[Role.PROVIDER_STAFF])


def _token(user, role):
    return accounts.api_token_create(
        organisation=user.organisation, name=f"rota-{user.pk}", roles=[role.value], actor=user
    ).secret


def test_a_new_plan_ends_the_current_one_and_is_audited(placement):
    staff = _provider_user(placement)
    first = placements.visit_plan_set(placement=placement, actor=staff, starts_on=START, visits=[MORNING])
    second = placements.visit_plan_set(
        placement=placement, actor=staff, starts_on=START + timedelta(days=7), visits=[MORNING, TEA], reason="Tea call"
    )
    first.refresh_from_db()
    assert first.ends_on == START + timedelta(days=6) and second.ends_on is None
    assert [v.as_domain for v in second.visits.all()] == [MORNING, TEA]
    assert placements.visit_plan_on(placement, START + timedelta(days=3)) == first
    event = AuditEvent.objects.filter(action="placement.visit_plan_set").order_by("pk").last()
    assert event.after["visits"] == ["Every day 08:00 45 min x1", "Monday to Friday 17:00 30 min x1"]


def test_bad_plans_are_refused_and_nothing_is_saved(placement):
    staff = _provider_user(placement)
    with pytest.raises(ServiceError) as refused:
        placements.visit_plan_set(placement=placement, actor=staff, starts_on=START - timedelta(days=1), visits=[TEA])
    assert "cannot start before the placement" in refused.value.errors["starts_on"]
    with pytest.raises(ServiceError) as refused:
        placements.visit_plan_set(
            placement=placement, actor=staff, starts_on=START, visits=[MORNING, visits.PlannedVisit({0}, time(8), 20)]
        )
    assert "starts before the visit at 08:00" in refused.value.errors["visit-2"]
    placements.visit_plan_set(placement=placement, actor=staff, starts_on=START + timedelta(days=7), visits=[TEA])
    with pytest.raises(ServiceError) as refused:
        placements.visit_plan_set(placement=placement, actor=staff, starts_on=START, visits=[MORNING])
    assert refused.value.status == 409 and "must start after" in refused.value.errors["starts_on"]
    assert VisitPlan.objects.filter(placement=placement).count() == 1


def test_the_provider_plans_visits_in_the_browser(placement, client):
    client.force_login(_provider_user(placement), backend="caremarket.accounts.backends.OrganisationUserBackend")
    url = f"/referrals/placements/{placement.pk}/visits/"
    assert client.get(url).status_code == 200
    form = {"starts_on": START.isoformat(), "visit_1_start": "08:00", "visit_1_minutes": "45", "visit_1_carers": "1"}
    form |= {"visit_1_days": [str(d) for d in range(7)]}
    # line 3 half filled: the time is asked for, nothing is saved
    page = client.post(url, form | {"visit_3_days": ["0"], "visit_3_minutes": "30"})
    assert page.status_code == 400 and "Visit 3: enter the time it starts" in page.content.decode()
    assert not VisitPlan.objects.exists()
    done = client.post(url, form | {"visit_3_days": ["0", "1"], "visit_3_start": "17:00", "visit_3_minutes": "30"})
    assert done.status_code == 302
    shown = client.get(f"/referrals/placements/{placement.pk}/").content.decode()
    assert "Every day at 08:00, 45 minutes" in shown and "Monday and Tuesday at 17:00, 30 minutes" in shown


def test_rostering_systems_plan_by_api_and_councils_read_it(placement, client, council_admin):
    staff = _provider_user(placement)
    secret = _token(staff, Role.PROVIDER_STAFF)
    body = {
        "starts_on": START.isoformat(),
        "visits": [{"days": ["Monday", "Friday"], "start": "09:15", "minutes": 60, "carers": 2}],
    }
    headers = {"Authorization": f"Bearer {secret}"}
    made = client.post(
        f"/api/v1/placements/{placement.pk}/visit-plans", json.dumps(body), "application/json", headers=headers
    )
    assert made.status_code == 201, made.content
    assert made.json()["visits"] == [{"days": ["Monday", "Friday"], "start": "09:15:00", "minutes": 60, "carers": 2}]
    overlap = {**body, "starts_on": (START + timedelta(days=1)).isoformat()}
    overlap["visits"] = body["visits"] + [{"days": ["Friday"], "start": "10:00", "minutes": 30}]
    refused = client.post(
        f"/api/v1/placements/{placement.pk}/visit-plans", json.dumps(overlap), "application/json", headers=headers
    )
    assert refused.status_code == 400 and "visit-2" in refused.content.decode()
    broker = UserFactory(organisation=placement.council, roles=[Role.BROKER])
    council_headers = {"Authorization": f"Bearer {_token(broker, Role.BROKER)}"}
    read = client.get(f"/api/v1/placements/{placement.pk}/visit-plans", headers=council_headers)
    assert [p["starts_on"] for p in read.json()] == [START.isoformat()]
    # a council cannot set a provider's rota, nor another provider see it
    assert (
        client.post(
            f"/api/v1/placements/{placement.pk}/visit-plans",
            json.dumps(body),
            "application/json",
            headers=council_headers,
        ).status_code
        == 403
    )
    stranger = UserFactory(organisation=ProviderFactory(), roles=[Role.PROVIDER_STAFF])
    other = {"Authorization": f"Bearer {_token(stranger, Role.PROVIDER_STAFF)}"}
    assert client.get(f"/api/v1/placements/{placement.pk}/visit-plans", headers=other).status_code == 404


def _record(placement, day, at):
    DeliveryRecord.objects.create(
        placement=placement, provider=placement.provider, kind="visit", day=day, start=at, minutes=45, source="api"
    )


def test_missed_and_late_visits_count_on_the_scorecard_with_the_visits_behind_them(placement):
    """A week from Monday START: 08:00 every day and 17:00 on weekdays is 12 planned visits; Wednesday the person
    is in hospital (2 fewer: 10); Thursday's 17:00 is missed and Friday's 08:00 starts at 08:50 (late)."""
    staff = _provider_user(placement)
    broker = UserFactory(organisation=placement.council, roles=[Role.BROKER])
    placements.visit_plan_set(placement=placement, actor=staff, starts_on=START, visits=[MORNING, TEA])
    placements.hospital_admit(placement=placement, actor=broker, admitted_on=START + timedelta(days=2))
    placements.hospital_discharge(placement=placement, actor=broker, discharged_on=START + timedelta(days=3))
    for offset in range(7):
        day = START + timedelta(days=offset)
        if offset == 2:
            continue
        _record(placement, day, time(8, 50) if offset == 4 else time(8, 5))
        if offset < 5 and offset != 3:
            _record(placement, day, time(17, 10))
    end = START + timedelta(days=6)
    cards = scorecards.scorecards(council=placement.council, start=START, end=end, today=end)
    figures = {f["code"]: f for f in cards[0]["kpis"]}
    assert (figures["missed-visits"]["value"], figures["missed-visits"]["basis"]) == (
        Decimal("10.0"),
        "1 of 10 planned visits",
    )
    assert figures["late-visits"]["value"] == Decimal("11.1")
    assert figures["late-visits"]["basis"] == "1 of 9 visits"
    detail = scorecards.scorecard_detail(
        council=placement.council, provider_id=placement.provider_id, start=START, end=end, today=end
    )
    assert [(v["day"], v["planned"], v["actual"], v["outcome"], v["late_by"]) for v in detail["visits"]] == [
        (START + timedelta(days=4), time(8), time(8, 50), visits.Outcome.LATE, 50),
        (START + timedelta(days=3), time(17), None, visits.Outcome.MISSED, None),
    ]
    assert date(2030, 6, 10).weekday() == 0  # START is a Monday, as the figures above assume
