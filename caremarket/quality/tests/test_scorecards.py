"""Every KPI from the record, with worked figures: the cascade's answers, the placement it made, the visits
recorded against its plan, a complaint and an action plan sent late; the provider reads only its own card."""

from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from caremarket.accounts import services as accounts
from caremarket.brokerage import sourcing
from caremarket.brokerage.models import Referral
from caremarket.brokerage.tests.test_cascade import build
from caremarket.core.models import Job
from caremarket.core.scheduling import REGISTRY
from caremarket.domain.kpis import Rag
from caremarket.domain.roles import Role
from caremarket.finance.models import DeliveryRecord
from caremarket.quality import scorecards, selectors, services
from caremarket.quality.models import ScorecardSet
from tests.factories import OrganisationFactory, complaint, monitoring_visit

LONDON = ZoneInfo("Europe/London")
MONDAY_10 = datetime(2030, 6, 3, 10, 0, tzinfo=LONDON)


def _year(council, make_user, time_machine):
    """Ash declines after 2 hours; Birch accepts after 1 hour and its placement starts 9 days later; Birch then
    records 29 of its 30 planned hours (10 a week for three weeks), gets a complaint, and sends an action plan a day
    late."""
    request, providers, broker = build(council, make_user)
    ash, ash_user = providers["Ash"]
    birch, birch_user = providers["Birch"]
    time_machine.move_to(MONDAY_10)
    sourcing.sourcing_start(request=request, actor=broker, now=MONDAY_10)
    sourcing.referral_decline(
        referral=Referral.objects.get(provider=ash),
        provider=ash,
        actor=ash_user,
        reason_code="no-capacity",
        now=MONDAY_10 + timedelta(hours=2),
    )
    time_machine.move_to(MONDAY_10 + timedelta(hours=3))
    sourcing.referral_accept(
        referral=Referral.objects.get(provider=birch),
        provider=birch,
        actor=birch_user,
        now=MONDAY_10 + timedelta(hours=3),
    )
    request.refresh_from_db()
    placement = request.placement
    assert placement.hours_per_week == Decimal(10)
    first = placement.start_on
    for n in range(15):  # 14 visits of 2 hours and one of 1 hour over the placement's first three weeks
        DeliveryRecord.objects.create(
            placement=placement,
            provider=birch,
            kind="visit",
            day=first + timedelta(days=n),
            minutes=60 if n == 14 else 120,
            source="api",
        )
    complaint(council, birch, "received")
    visit = monitoring_visit(council, birch, "published", rating="requires-improvement")
    plan = visit.action_plan
    time_machine.move_to(datetime.combine(plan.due_on + timedelta(days=1), datetime.min.time(), tzinfo=LONDON))
    services.action_plan_submit(
        plan=plan,
        provider=birch,
        actor=birch_user,
        actions=[
            services.NewAction(f.question.key, "Put it right", "Manager", plan.due_on + timedelta(days=60))
            for f in services.plan_issues(plan)
        ],
    )
    return providers, placement


def test_each_kpi_of_each_provider_from_the_record(council, make_user, time_machine):
    providers, placement = _year(council, make_user, time_machine)
    start, end = placement.start_on, placement.start_on + timedelta(days=20)  # three weeks
    cards = {
        c["provider"]: {f["code"]: f for f in c["kpis"]}
        for c in scorecards.scorecards(council=council, start=date(2030, 6, 1), end=end + timedelta(days=40))
    }
    birch, ash = cards["Birch"], cards["Ash"]
    assert (ash["response-time"]["value"], ash["response-time"]["rag"]) == (Decimal("2.0"), Rag.GREEN)
    assert (ash["referral-acceptance"]["value"], ash["referral-acceptance"]["rag"]) == (Decimal(0), Rag.RED)
    assert birch["response-time"]["value"] == Decimal("1.0")
    assert birch["acceptance-to-start"]["value"] == Decimal((placement.start_on - MONDAY_10.date()).days)
    assert birch["complaints-per-1000-hours"]["value"] == Decimal("34.48")  # 1 complaint over 29 hours
    assert (birch["action-plans-on-time"]["value"], birch["action-plans-on-time"]["rag"]) == (Decimal(0), Rag.RED)
    # over exactly the first three weeks: 29 of 30 planned hours, 96.7%, amber
    three_weeks = {
        c["provider"]: {f["code"]: f for f in c["kpis"]}
        for c in scorecards.scorecards(council=council, start=start, end=end)
    }["Birch"]
    assert three_weeks["hours-delivered"]["value"] == Decimal("96.7")
    assert three_weeks["hours-delivered"]["rag"] == Rag.AMBER
    assert three_weeks["hours-delivered"]["basis"] == "29 of 30 hours"


def test_a_provider_reads_its_own_scorecard_and_not_anothers(council, make_user, time_machine, client):
    providers, _ = _year(council, make_user, time_machine)
    birch, birch_user = providers["Birch"]
    client.force_login(birch_user)
    page = client.get("/quality/scorecard/?months=12").content.decode()
    assert "Scorecard: Birch" in page and "Ash" not in page
    assert client.get(f"/quality/scorecards/{providers['Ash'][0].pk}/").status_code in {403, 404}
    officer = make_user(council, Role.QUALITY_OFFICER)
    client.force_login(officer)
    page = client.get("/quality/scorecards/?months=12").content.decode()
    assert "Birch" in page and "Ash" in page and "of referrals accepted by Ash" in page


def _by_provider(cards) -> dict:
    return {c["provider"]: {f["code"]: (f["value"], f["rag"], f["basis"]) for f in c["kpis"]} for c in cards}


def test_the_worker_keeps_each_councils_scorecards_and_pages_read_the_kept_ones(
    council, make_user, time_machine, client
):
    providers, _ = _year(council, make_user, time_machine)
    other = make_user(OrganisationFactory(name="Eastshire Council"), Role.QUALITY_OFFICER)
    assert "caremarket.quality.tasks.refresh_scorecards" in REGISTRY
    assert scorecards.scorecards_refresh() == 6  # two councils, three periods each
    kept = scorecards.scorecard_set(council=council, months="12")
    _, start, end = selectors.period("12")
    assert (kept.start, kept.end) == (start, end)
    # read back from the database exactly as computed: Decimal values, bands, bases
    assert _by_provider(kept.cards) == _by_provider(scorecards.scorecards(council=council, start=start, end=end))
    value, rag, basis = _by_provider(kept.cards)["Birch"]["complaints-per-1000-hours"]
    assert isinstance(value, Decimal) and (rag, basis) == (Rag.RED, "1 complaint")
    assert scorecards.scorecard_set(council=other.organisation, months="12").cards == []

    officer = make_user(council, Role.QUALITY_OFFICER)
    client.force_login(officer)
    complaint(council, providers["Birch"][0], "received")  # a second complaint, after the figures were kept
    page = client.get("/quality/scorecards/?months=12").content.decode()
    assert "Worked out at" in page and "1 complaint<" in page and "2 complaints" not in page
    # worked out again on request, in the worker: the job's page, then the new figure
    done = client.post("/quality/scorecards/", {"months": "12"})
    job = Job.objects.get(pk=int(done.url.rstrip("/").rsplit("/", 1)[1]))
    assert (job.status, job.done, job.total) == ("done", scorecards.SOURCES, scorecards.SOURCES)
    assert job.organisation == council and job.link == "/quality/scorecards/?months=12"
    assert f"{len(kept.cards)} providers" in job.message
    assert "2 complaints" in client.get("/quality/scorecards/?months=12").content.decode()
    assert ScorecardSet.objects.filter(council=council).count() == 3  # replaced, never piled up

    client.force_login(other)  # another council's officer sees none of it
    page = client.get("/quality/scorecards/?months=12").content.decode()
    assert "Birch" not in page and "No figures for this period" in page


def test_never_worked_out_the_page_works_them_out_first(council, make_user, time_machine, client):
    _year(council, make_user, time_machine)
    client.force_login(make_user(council, Role.COMMISSIONER))
    assert not ScorecardSet.objects.exists()
    page = client.get("/quality/scorecards/?months=3")
    assert page.status_code == 200 and "Birch" in page.content.decode()
    assert list(ScorecardSet.objects.values_list("months", flat=True)) == [3]
    assert Job.objects.get().kind == "quality.scorecards"


def test_scorecards_by_api_kept_and_worked_out_again(council, make_user, time_machine, client):
    providers, _ = _year(council, make_user, time_machine)
    officer = make_user(council, Role.QUALITY_OFFICER)
    _, birch_user = providers["Birch"]

    def auth(user, role):
        secret = accounts.api_token_create(
            organisation=user.organisation, name=f"t{user.pk}{role.value}", roles=[role.value], actor=user
        ).secret
        return {"Authorization": f"Bearer {secret}"}

    as_council = auth(officer, Role.QUALITY_OFFICER)
    first = client.get("/api/v1/scorecards?months=12", headers=as_council)
    assert first.status_code == 202 and first.json()["kind"] == "quality.scorecards"
    assert first.json()["status"] == "done"  # run at once by the tests' task backend
    read = client.get("/api/v1/scorecards?months=12", headers=as_council)
    assert read.status_code == 200
    assert {"Ash", "Birch"} <= {c["provider"] for c in read.json()}
    assert all(c["worked_out_at"] for c in read.json())
    again = client.post("/api/v1/scorecards/calculation?months=12", headers=as_council)
    assert again.status_code == 202 and again.json()["status"] == "done"
    as_birch = auth(birch_user, Role.PROVIDER_STAFF)
    mine = client.get("/api/v1/scorecards?months=12", headers=as_birch).json()
    assert [(c["provider"], c["council"]) for c in mine] == [("Birch", council.name)]
    refused = client.post("/api/v1/scorecards/calculation", headers=as_birch)
    assert refused.status_code == 403


def test_ranking_reads_the_kept_six_months(council, make_user, time_machine):
    providers, _ = _year(council, make_user, time_machine)
    assert not ScorecardSet.objects.exists()
    first = scorecards.kpi_scores(council)  # none kept: worked out and kept
    assert ScorecardSet.objects.get().months == 6
    ScorecardSet.objects.update(cards=[])  # ranking reads what is kept, not a fresh computation
    assert first and scorecards.kpi_scores(council) == {}


def test_kpis_by_position_area_and_service(council, make_user, time_machine, client):
    """Ash declined as the primary provider; Birch accepted as the secondary: cut by position, each provider's
    figures are those it earned there; an area with no care has no figures; the cut is kept and worked out again."""
    from caremarket.reference import services as reference

    providers, placement = _year(council, make_user, time_machine)
    _, start, end = selectors.period("12")
    primary = scorecards.scorecards(council=council, start=start, end=end, cut=selectors.Cut(position="primary"))
    assert [c["provider"] for c in primary] == ["Ash"]  # only who has figures in the cut
    secondary = {
        f["code"]: f
        for f in scorecards.scorecards(council=council, start=start, end=end, cut=selectors.Cut(position="secondary"))[
            0
        ]["kpis"]
    }
    assert secondary["response-time"]["value"] == Decimal("1.0")
    assert secondary["action-plans-on-time"]["value"] is None  # a plan is the provider's as a whole
    here = selectors.Cut(area_id=placement.area_id, service_type_id=placement.service_type_id)
    whole = _by_provider(scorecards.scorecards(council=council, start=start, end=end))
    assert (
        _by_provider(scorecards.scorecards(council=council, start=start, end=end, cut=here))["Birch"]["hours-delivered"]
        == whole["Birch"]["hours-delivered"]
    )
    empty = reference.area_create(council=council, actor=None, code="south", name="South", level=1)
    assert scorecards.scorecards(council=council, start=start, end=end, cut=selectors.Cut(area_id=empty.pk)) == []

    officer = make_user(council, Role.QUALITY_OFFICER)
    client.force_login(officer)
    page = client.get("/quality/scorecards/?months=12&position=secondary").content.decode()
    assert "Birch" in page and ">Ash<" not in page and "Within this area, service or position" in page
    assert ScorecardSet.objects.get(council=council, cut="position=secondary").months == 12
    other = client.get(f"/quality/scorecards/?months=12&area={empty.pk}").content.decode()
    assert "No figures for this period" in other
    elsewhere = reference.area_create(council=OrganisationFactory(), actor=None, code="x", name="X", level=1)
    ignored = client.get(f"/quality/scorecards/?months=12&area={elsewhere.pk}").content.decode()
    assert "Birch" in ignored and "Ash" in ignored  # another council's area is no cut: the whole market
    assert scorecards.scorecards_refresh() >= 6 + 2  # every council's periods, and the cuts asked for
