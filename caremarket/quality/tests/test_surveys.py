"""Satisfaction surveys never identify a respondent to the provider; outcome measures are kept per person against
the outcomes in the request, as series per tool and domain."""

import json
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from caremarket.accounts import services as accounts
from caremarket.brokerage.models import PersonRecordView
from caremarket.core.errors import ServiceError
from caremarket.domain import surveys
from caremarket.domain.roles import Role
from caremarket.quality import surveying
from caremarket.quality.models import OutcomeMeasure, SurveyResponse
from tests.factories import PlacementFactory, ProviderFactory, UserFactory

TODAY = date(2030, 9, 1)


def test_results_per_question_with_worked_figures():
    found = surveys.results({"overall": [5, 4, 2, 5], "safe": [3]})
    overall = found[0]
    # mean (5 + 4 + 2 + 5) / 4 = 4.0; 3 of 4 answered 4 or 5: 75%
    assert (overall.answered, overall.mean, overall.satisfied) == (4, Decimal("4.0"), Decimal("75.0"))
    assert (found[2].mean, found[2].satisfied) == (Decimal("3.0"), Decimal("0.0"))
    assert found[1].answered == 0 and found[1].mean is None
    assert not surveys.shown_to_provider(4) and surveys.shown_to_provider(5)
    assert surveys.check_answers({"overall": 6}) == {
        "overall": "Answer from 1 (Very dissatisfied) to 5 (Very satisfied)"
    }
    assert surveys.request_outcomes("Stay safe at home\n- Get out of the house; see friends") == [
        "Stay safe at home",
        "Get out of the house",
        "see friends",
    ]
    assert surveys.direction([Decimal(3), Decimal(5)]) == "better"
    assert surveys.direction([Decimal(3), Decimal(5)], higher_is_better=False) == "worse"


@pytest.fixture
def placed(db):
    placement = PlacementFactory()
    return placement, UserFactory(organisation=placement.council, roles=[Role.QUALITY_OFFICER])


def _respond(survey, officer, provider, n, score=4):
    for i in range(n):
        surveying.survey_response_record(
            survey=survey,
            actor=officer,
            provider_id=provider.pk,
            respondent="family" if i % 2 else "person",
            received_on=survey.opens_on,
            answers={"overall": score, "respect": 5},
            comment=f"Comment {i} naming someone" if i == 0 else "",
        )


def test_a_provider_sees_its_results_only_from_five_responses_and_never_a_comment(placed, client):
    placement, officer = placed
    survey = surveying.survey_create(
        council=placement.council, actor=officer, title="Home care 2030", opens_on=TODAY, closes_on=TODAY
    )
    _respond(survey, officer, placement.provider, 4)
    staff = UserFactory(organisation=placement.provider, roles=[Role.PROVIDER_STAFF])
    client.force_login(staff, backend="caremarket.accounts.backends.OrganisationUserBackend")
    page = client.get(f"/quality/surveys/{survey.pk}/").content.decode()
    assert "4 responses" in page and "Fewer than 5 responses" in page and "Comment 0" not in page
    _respond(survey, officer, placement.provider, 1, score=2)
    page = client.get(f"/quality/surveys/{survey.pk}/").content.decode()
    assert "5 responses" in page and "80.0%" in page and "Comment 0" not in page  # 4 of 5 satisfied overall
    # the council sees the comment; another provider does not see the survey at all
    client.force_login(officer, backend="caremarket.accounts.backends.OrganisationUserBackend")
    council_page = client.get(f"/quality/surveys/{survey.pk}/").content.decode()
    assert "Comment 0 naming someone" in council_page
    stranger = UserFactory(organisation=ProviderFactory(), roles=[Role.PROVIDER_STAFF])
    client.force_login(stranger, backend="caremarket.accounts.backends.OrganisationUserBackend")
    assert client.get(f"/quality/surveys/{survey.pk}/").status_code == 404


def test_bad_responses_are_refused_with_reasons_and_nothing_saved(placed):
    placement, officer = placed
    survey = surveying.survey_create(
        council=placement.council, actor=officer, title="Day services", opens_on=TODAY, closes_on=TODAY
    )
    with pytest.raises(ServiceError) as refused:
        surveying.survey_response_record(
            survey=survey,
            actor=officer,
            provider_id=ProviderFactory().pk,
            respondent="neighbour",
            received_on=TODAY + timedelta(days=1),
            answers={"overall": 9},
        )
    assert set(refused.value.errors) == {"provider", "respondent", "received_on", "overall"}
    assert not SurveyResponse.objects.exists()
    with pytest.raises(ServiceError) as refused:
        surveying.survey_create(
            council=placement.council, actor=officer, title="", opens_on=TODAY, closes_on=TODAY - timedelta(days=1)
        )
    assert set(refused.value.errors) == {"title", "closes_on"}


def test_surveys_by_api_council_records_provider_reads_its_own(placed, client):
    placement, officer = placed

    def token(user, role):
        return accounts.api_token_create(
            organisation=user.organisation, name=f"t{user.pk}", roles=[role.value], actor=user
        ).secret

    council = {"Authorization": f"Bearer {token(officer, Role.QUALITY_OFFICER)}"}
    made = client.post(
        "/api/v1/surveys",
        json.dumps({"title": "2030", "opens_on": str(TODAY), "closes_on": str(TODAY)}),
        "application/json",
        headers=council,
    )
    assert made.status_code == 201
    sid = made.json()["id"]
    for _ in range(5):
        body = {
            "provider_id": placement.provider_id,
            "respondent": "person",
            "received_on": str(TODAY),
            "answers": {"overall": 5},
        }
        assert (
            client.post(
                f"/api/v1/surveys/{sid}/responses", json.dumps(body), "application/json", headers=council
            ).status_code
            == 201
        )
    staff = UserFactory(organisation=placement.provider, roles=[Role.PROVIDER_STAFF])
    own = client.get(
        f"/api/v1/surveys/{sid}/results", headers={"Authorization": f"Bearer {token(staff, Role.PROVIDER_STAFF)}"}
    )
    assert own.status_code == 200
    [row] = own.json()
    assert row["responses"] == 5 and row["results"][0]["satisfied"] == "100.0"


def test_outcome_measures_over_time_for_an_outcome_in_the_request(placed, client, time_machine):
    time_machine.move_to(timezone.make_aware(timezone.datetime(2030, 9, 1, 10)))
    placement, _ = placed
    staff = UserFactory(organisation=placement.provider, roles=[Role.PROVIDER_STAFF])
    for day, score in ((date(2030, 6, 20), 3), (date(2030, 8, 20), 6)):
        surveying.outcome_measure_record(
            placement=placement,
            actor=staff,
            outcome="Stay at home",
            tool="Outcomes Star",
            domain="Living skills",
            scale_min=1,
            scale_max=10,
            score=score,
            measured_on=day,
        )
    [entry] = surveying.outcome_series(placement=placement)
    assert entry["outcome"] == "Stay at home"
    [series] = entry["series"]
    assert [m.score for m in series["measures"]] == [3, 6] and series["direction"] == "better"
    with pytest.raises(ServiceError) as refused:
        surveying.outcome_measure_record(
            placement=placement,
            actor=staff,
            outcome="Something else",
            tool="",
            domain="Living skills",
            scale_min=1,
            scale_max=10,
            score=11,
            measured_on=date(2030, 9, 2),
        )
    assert set(refused.value.errors) == {"outcome", "tool", "score", "measured_on"}
    assert OutcomeMeasure.objects.count() == 2
    # the page shows the series and logs the view of the person's record
    client.force_login(staff, backend="caremarket.accounts.backends.OrganisationUserBackend")
    page = client.get(f"/quality/placements/{placement.pk}/outcomes/").content.decode()
    assert "Outcomes Star: Living skills (better since the first measure)" in page
    assert PersonRecordView.objects.filter(person=placement.person, viewer=staff).exists()
    other = UserFactory(organisation=ProviderFactory(), roles=[Role.PROVIDER_STAFF])
    client.force_login(other, backend="caremarket.accounts.backends.OrganisationUserBackend")
    assert client.get(f"/quality/placements/{placement.pk}/outcomes/").status_code == 404
