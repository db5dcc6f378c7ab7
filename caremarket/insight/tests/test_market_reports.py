"""The seeds' reports, generated: the share of hours by framework position (seed 001), placements and spend in and
out of county by complexity (seed 002), in-house against external provision with the people who use both (seed 003,
with a request placed with the council's own service), unsourced requests over time, time to source, spot purchases
by reason; and the finance return's weighted average standard hourly rate, enhancements left out."""

import csv
import io
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from caremarket.accounts import models as accounts_models
from caremarket.accounts import services as accounts
from caremarket.brokerage import placements
from caremarket.brokerage import services as brokerage
from caremarket.brokerage.models import CareRequest
from caremarket.brokerage.tests.factories import market as brokerage_market
from caremarket.domain import insight
from caremarket.domain.roles import OrganisationKind, Role
from caremarket.finance import runs
from caremarket.finance import services as finance
from caremarket.finance.calculation import _placements
from caremarket.finance.tests.test_runs import world  # noqa: F401 - the fixture
from caremarket.insight import history, market, summaries, unit_costs
from caremarket.reference import services as reference
from tests.factories import CouncilFactory

from .test_spend import _csv

D = Decimal
TODAY = date(2024, 6, 1)


def test_hours_by_position_and_county_by_complexity_from_history(council, make_user, client):
    reference.service_type_create(council=council, actor=None, code="home-care", name="Home care")
    reference.area_create(council=council, actor=None, code="east", name="East", level=1)
    reference.area_create(council=council, actor=None, code="away", name="Elsewhere", level=1, in_county=False)
    for name in ("Ash", "Birch", "Cedar"):
        accounts.organisation_create(kind=OrganisationKind.PROVIDER, name=name)
    rows = []
    for month in ("2023-04", "2023-05"):
        rows += [
            [month, "Ash", "home-care", "East", "primary", 1, 30, "600", "15000.00"],
            [month, "Birch", "home-care", "East", "secondary", 0, 10, "150", "3750.00"],
            [month, "Cedar", "home-care", "Elsewhere", "reserve", 1, 12, "250", "6250.00"],
        ]
    commissioner = make_user(council, Role.COMMISSIONER)
    history.history_import(council=council, actor=commissioner, file_name="h.csv", content=_csv(rows), today=TODAY)
    routes = market.hours_by_route(council, 2023)
    shares = {r[0]: r[2] for r in routes.rows}
    assert shares["Framework, reserve provider"] == D("25.0")  # seed 001: about a quarter from reserve providers
    assert shares["Framework, primary provider"] == D("60.0") and routes.rows[-1][1] == D("2000.00")
    county = market.county_by_complexity(council, 2023)
    assert county.rows[-1] == ["Total", 40, D("37500.00"), 12, D("12500.00"), 52, D("50000.00")]
    assert county.rows[0][0] == market.NOT_RECORDED  # history carries no need level

    client.force_login(commissioner)
    page = client.get("/insight/reports/?year=2023").content.decode()
    assert "The market in 2023/24" in page and "Framework, reserve provider" in page and "<svg" in page
    got = client.get("/insight/reports/?year=2023&table=routes&format=csv")
    assert got["Content-Disposition"] == 'attachment; filename="routes-2023.csv"'
    lines = list(csv.reader(io.StringIO(got.content.decode())))
    assert lines[0] == routes.header and lines[3][0] == "Framework, reserve provider" and lines[3][2] == "25.0"

    secret = accounts.api_token_create(
        organisation=council, name="bi", roles=[Role.COMMISSIONER.value], actor=commissioner
    ).secret
    auth = {"Authorization": f"Bearer {secret}"}
    by_api = client.get("/api/v1/insight/reports?year=2023", headers=auth).json()
    assert by_api["years"] == [2023] and [t["key"] for t in by_api["tables"]][:2] == ["county", "routes"]
    assert by_api["tables"][1]["rows"][2][2] == "25.0"
    assert client.get("/api/v1/insight/reports?year=1999", headers=auth).status_code == 404
    assert client.get("/api/v1/insight/unit-costs?year=2023", headers=auth).json()["tables"][0]["key"] == "hourly"

    # one view of the market: any measure by any dimension, year by year
    view = client.get("/insight/market/?by=county&measure=active").content.decode()
    assert "Active packages, average a month by in county or out and financial year" in view
    got = client.get("/insight/market/?by=county&measure=active&format=csv").content.decode()
    assert list(csv.reader(io.StringIO(got)))[1:] == [
        ["In county", "40.0", "40.0"],
        ["Out of county", "12.0", "12.0"],
        ["Total", "52.0", "52.0"],
    ]
    net = client.get("/api/v1/insight/market?by=provider&measure=hours", headers=auth).json()
    assert net["header"] == ["Provider", "2023/24", "All years"] and net["rows"][0] == ["Ash", "1200.00", "1200.00"]
    assert client.get("/api/v1/insight/market?by=colour", headers=auth).status_code == 400
    by_provider = client.get("/insight/market/?by=provider&measure=spend").content.decode()
    ash = accounts_models.Organisation.objects.get(name="Ash").pk
    assert f'href="/insight/spend/{ash}/2023/?framework=all"' in by_provider  # each figure opens the year behind it
    year = client.get(f"/insight/spend/{ash}/2023/?framework=all").content.decode()
    assert "All spend, 2023/24" in year and "30,000.00" in year

    client.force_login(make_user(CouncilFactory(), Role.COMMISSIONER))
    assert "No figures yet" in client.get("/insight/reports/").content.decode()
    assert "No figures for this service and area yet" in client.get("/insight/market/").content.decode()


def test_in_house_against_external_with_the_people_using_both(council, make_user, client):
    request, made, broker, _ = brokerage_market(council, make_user)
    own = accounts.organisation_create(kind=OrganisationKind.PROVIDER, name="Westmarch Day Centres")
    own.in_house_of = council
    own.save()
    elsewhere = CouncilFactory()
    theirs = accounts.organisation_create(kind=OrganisationKind.PROVIDER, name="Their Day Centres")
    theirs.in_house_of = elsewhere
    theirs.save()
    client.force_login(broker)
    assert "Place with Westmarch Day Centres" in client.get(f"/brokerage/requests/{request.pk}/").content.decode()
    refused = client.post(f"/brokerage/requests/{request.pk}/in-house/", {"provider": theirs.pk})
    assert refused.status_code == 404  # another council's own service is not this council's
    assert client.post(f"/brokerage/requests/{request.pk}/in-house/", {"provider": own.pk}).status_code == 302
    placed = CareRequest.objects.get(pk=request.pk).placement
    assert placed.route == "in-house" and placed.provider == own
    assert placed not in _placements(council, date(2020, 1, 1), date(2040, 1, 1))  # no payment run pays it

    second = brokerage.care_request_create(
        council=council,
        actor=broker,
        person=request.person,
        service_type="home-care",
        hours_per_week=D(5),
        start_on=request.start_on,
        outcomes="Get out of the house",
        today=date(2030, 6, 1),
    )
    secret = accounts.api_token_create(organisation=council, name="cms", roles=[Role.BROKER.value], actor=broker)
    auth = {"Authorization": f"Bearer {secret.secret}"}
    listed = client.get("/api/v1/in-house-services", headers=auth).json()
    assert [s["name"] for s in listed] == ["Westmarch Day Centres"]
    with transaction.atomic():
        external = placements.placement_create(
            request=CareRequest.objects.select_for_update().get(pk=second.pk),
            provider=made["Ash"][0],
            route="cascade",
            actor=broker,
            reason="test",
        )
    assert external.person_id == placed.person_id
    third = brokerage.care_request_create(
        council=council,
        actor=broker,
        person=request.person,
        service_type="home-care",
        hours_per_week=D(2),
        start_on=request.start_on,
        outcomes="Company",
        today=date(2030, 6, 1),
    )
    by_api = client.post(
        f"/api/v1/care-requests/{third.pk}/in-house-placement",
        {"provider_id": own.pk},
        content_type="application/json",
        headers=auth,
    )
    assert by_api.status_code == 201 and by_api.json()["route"] == "in-house"

    year = insight.financial_year(request.start_on)
    table = market.in_house_against_external(council, year)
    assert [r[:2] for r in table.rows] == [
        ["In-house", 1],
        ["External providers", 1],
        ["People using both", 1],
        ["Total", 1],
    ]
    summaries.activity_summarise(council=council, today=date(2030, 7, 1))
    from caremarket.insight import view

    people = view.market_view(council=council, by="route", measure="people")
    assert {r[0]: r[-1] for r in people.rows[:-1]} == {"In-house": D("1.0"), "Framework": D("1.0")}
    packages = view.market_view(council=council, by="route", measure="active")
    assert {r[0]: r[-1] for r in packages.rows[:-1]} == {"In-house": D("2.0"), "Framework": D("1.0")}
    routes = {r[0] for r in market.time_to_source(council, insight.financial_year(timezone.localdate())).rows}
    assert "In-house" in routes and "Framework" in routes


def test_the_weighted_average_standard_hourly_rate_leaves_enhancements_out(world, client):  # noqa: F811
    council = world["council"]
    finance.payment_rules_set(
        council=council,
        actor=None,
        arrangement=world["HC"][0],
        starts_on=date(2024, 4, 1),
        pay_on="actual",
        weekend_percent=D(20),
    )
    # a weekday hour and a Saturday hour at the provider's £28.10: the Saturday's paid at £33.72
    world["visited"](visits=[("2024-04-02", "08:00", "09:00"), ("2024-04-06", "08:00", "09:00")])
    run = runs.payment_run_create(
        council=council, actor=world["finance"], period_start=date(2024, 4, 1), period_end=date(2024, 4, 14)
    )
    run = runs.payment_run_calculate(run=run, actor=world["finance"])
    runs.payment_run_approve(run=run, actor=world["other_finance"])
    summaries.market_refresh(today=date(2024, 5, 1))
    table = unit_costs.hourly_rate(council, 2024)
    total = table.rows[-1]
    assert total[1] == D("2.00") and total[2] == D("28.10")  # the standard rate, weighted by hours
    assert total[5] == D("30.91")  # spend over hours carries the weekend's 20%
    assert "£28.10 an hour" in table.note

    client.force_login(world["finance"])
    page = client.get("/insight/unit-costs/?year=2024").content.decode()
    assert "Weighted average standard hourly rate" in page and "28.10" in page and "30.91" in page
    rows = list(
        csv.reader(io.StringIO(client.get("/insight/unit-costs/?year=2024&table=hourly&format=csv").content.decode()))
    )
    assert rows[-1][0] == "Total" and rows[-1][2] == "28.10"


def test_a_market_position_statement_is_published_and_public(council, make_user, client):
    from caremarket.core.models import AuditEvent
    from caremarket.insight.models import PositionStatement

    _, made, broker, arrangement = brokerage_market(council, make_user)
    commissioner = make_user(council, Role.COMMISSIONER)
    service = arrangement.lots.get().service_types.get()
    client.force_login(commissioner)
    draft = client.get(f"/insight/position/{service.pk}/").content.decode()
    assert "Supply: providers admitted, capacity and vacancies by area" in draft and "Not published yet" in draft
    assert "A forecast needs at least 12 months of history" in draft  # said, not an error
    refused = client.post(f"/insight/position/{service.pk}/", {"intentions": "  "})
    assert refused.status_code == 400 and "Say what the council intends" in refused.content.decode()
    assert not PositionStatement.objects.exists()
    public = f"/market-position/{council.slug}/home-care/"
    client.logout()
    assert client.get(public).status_code == 404  # nothing published yet

    client.force_login(broker)  # reads no insight
    assert client.post(f"/insight/position/{service.pk}/", {"intentions": "More"}).status_code == 403
    client.force_login(commissioner)
    done = client.post(f"/insight/position/{service.pk}/", {"intentions": "More capacity in the north.\nISFs."})
    assert done.status_code == 302
    statement = PositionStatement.objects.get()
    assert statement.figures[0]["rows"][-1][:2] == ["All areas", 3]  # Ash, Birch and Cedar admitted
    assert AuditEvent.objects.filter(action="position_statement.published").count() == 1

    client.logout()  # the public page needs no sign-in
    page = client.get(public).content.decode()
    assert "More capacity in the north." in page and "Supply: providers admitted" in page and council.name in page
    assert "Home care" in client.get(f"/market-position/{council.slug}/").content.decode()
    rows = list(csv.reader(io.StringIO(client.get(public + "?format=csv").content.decode())))
    assert rows[0][0] == "Market position statement: Home care" and ["What the council intends"] in rows
    assert client.get(f"/market-position/{CouncilFactory().slug}/home-care/").status_code == 404

    secret = accounts.api_token_create(
        organisation=council, name="cms", roles=[Role.COMMISSIONER.value], actor=commissioner
    ).secret
    auth = {"Authorization": f"Bearer {secret}"}
    read = client.get(f"/api/v1/insight/market-position/{service.pk}", headers=auth).json()
    assert read["published"]["id"] == statement.pk and read["tables"][0]["key"] == "supply"
    again = client.post(
        f"/api/v1/insight/market-position/{service.pk}/publication",
        {"intentions": "Outcome-based contracts from April."},
        content_type="application/json",
        headers=auth,
    )
    assert again.status_code == 201 and PositionStatement.objects.count() == 2
    assert "Outcome-based contracts from April." in client.get(public).content.decode()  # the newest is public
