"""Every KPI from the record, with worked figures: the cascade's answers, the placement it made, the visits
recorded against its plan, a complaint and an action plan sent late; the provider reads only its own card."""

from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from caremarket.brokerage import sourcing
from caremarket.brokerage.models import Referral
from caremarket.brokerage.tests.test_cascade import build
from caremarket.domain.kpis import Rag
from caremarket.domain.roles import Role
from caremarket.finance.models import DeliveryRecord
from caremarket.quality import scorecards, services
from tests.factories import complaint, monitoring_visit

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
