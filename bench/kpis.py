"""Times every KPI of every provider over a year for a council of West Sussex's size (seed 001: about 1 million home
care hours a year): the payment-run benchmark's market (60 providers, 35 areas, about 2,000 placements) with a
visit plan for each placement and a year of visits against it (1% missed), two referrals for each placement (a
primary that declines, then the provider that accepts), a complaint for about one placement in seven, and
monitoring reports with action plans.

Usage (SQLite in a temporary file):   uv run python bench/kpis.py
       (PostgreSQL):                  scripts/with-postgres.sh uv run python bench/kpis.py
       Smaller, for a quick look:     uv run python bench/kpis.py --hours 100000
"""

import argparse
import random
import sys
import time
from datetime import date, datetime, timedelta
from datetime import time as clock
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import payment_run  # noqa: E402  (the same market, built the same way)

YEAR_START = date(2025, 4, 1)
YEAR_END = date(2026, 3, 31)
LONDON = ZoneInfo("Europe/London")


def year_of_records(rng: random.Random) -> dict[str, int]:
    from caremarket.accounts.models import Organisation
    from caremarket.brokerage.models import Placement, Referral
    from caremarket.finance.models import DeliveryRecord
    from caremarket.quality import services
    from caremarket.quality.models import ActionPlan, Complaint, MonitoringVisit

    council = Organisation.objects.get(slug="bench-county")
    placements = list(Placement.objects.filter(council=council).select_related("request"))
    providers = sorted({p.provider_id for p in placements})
    # the run benchmark recorded four weeks; a year is 52
    DeliveryRecord.objects.filter(placement__council=council).delete()
    records, n_records = [], 0
    # each placement's visit plan: the same calls every week, so missed and late visits are judged all year
    from caremarket.brokerage.models import PlannedVisit, VisitPlan
    from caremarket.domain import visits as visit_rules

    VisitPlan.objects.filter(placement__council=council).delete()
    plans = VisitPlan.objects.bulk_create(VisitPlan(placement=p, starts_on=YEAR_START) for p in placements)
    lines = []
    for p, plan in zip(placements, plans, strict=True):
        slots: dict[int, set[int]] = {}
        for n in range(max(1, int(float(p.hours_per_week) / 0.75))):
            slots.setdefault(n // 7, set()).add(n % 7)
        lines += [
            PlannedVisit(plan=plan, days=visit_rules.days_mask(days), start=clock(7 + slot * 3, 0), minutes=45)
            for slot, days in slots.items()
        ]
    PlannedVisit.objects.bulk_create(lines, batch_size=5000)
    for p in placements:
        visits_a_week = max(1, int(float(p.hours_per_week) / 0.75))
        for week in range(52):
            for n in range(visits_a_week):
                if rng.random() < 0.01:
                    continue  # a missed visit
                records.append(
                    DeliveryRecord(
                        placement=p,
                        provider_id=p.provider_id,
                        kind="visit",
                        day=YEAR_START + timedelta(weeks=week, days=n % 7),
                        start=clock(7 + (n // 7) * 3, 0),
                        minutes=rng.choice([30, 45, 45, 60]),
                        source="upload",
                    )
                )
        if len(records) > 50_000:
            DeliveryRecord.objects.bulk_create(records, batch_size=5000)
            n_records += len(records)
            records = []
    DeliveryRecord.objects.bulk_create(records, batch_size=5000)
    n_records += len(records)
    referrals = []
    for p in placements:
        offered = datetime.combine(YEAR_START + timedelta(days=rng.randint(0, 360)), clock(10), tzinfo=LONDON)
        other = rng.choice([x for x in providers if x != p.provider_id])
        declined = offered + timedelta(hours=rng.uniform(0.2, 5))
        referrals.append(
            Referral(
                request=p.request,
                provider_id=other,
                step="primary",
                step_number=1,
                status="timed-out",
                offered_at=offered,
                deadline_at=offered + timedelta(hours=4),
                responded_at=None,
            )
        )
        referrals.append(
            Referral(
                request=p.request,
                provider_id=p.provider_id,
                step="secondary",
                step_number=2,
                status="accepted",
                offered_at=declined,
                deadline_at=declined + timedelta(hours=4),
                responded_at=declined + timedelta(hours=rng.uniform(0.1, 6)),
            )
        )
    Referral.objects.bulk_create(referrals, batch_size=5000)
    officer = None
    framework = services.framework_for(council=council, on=YEAR_START)
    from caremarket.reference.models import ServiceType

    home = ServiceType.objects.get(council=council, code="home-care")
    from caremarket.accounts.models import User

    officer = User.objects.create(organisation=council, email="qo@bench.example", full_name="QO")
    reviewer = User.objects.create(organisation=council, email="qo2@bench.example", full_name="QO2")
    visits = MonitoringVisit.objects.bulk_create(
        [
            MonitoringVisit(
                council=council,
                provider_id=provider,
                service_type=home,
                framework=framework,
                status="published",
                planned_for=YEAR_START + timedelta(days=5 * n),
                visited_on=YEAR_START + timedelta(days=5 * n),
                lead=officer,
                reviewer=reviewer,
                published_on=YEAR_START + timedelta(days=5 * n + 30),
                overall="requires-improvement",
            )
            for n, provider in enumerate(providers[:30])
        ]
    )
    ActionPlan.objects.bulk_create(
        [
            ActionPlan(
                visit=v,
                status="submitted",
                due_on=v.published_on + timedelta(days=14),
                submitted_at=datetime.combine(
                    v.published_on + timedelta(days=rng.randint(5, 20)), clock(12), tzinfo=LONDON
                ),
            )
            for v in visits
        ]
    )
    complaints = Complaint.objects.bulk_create(
        [
            Complaint(
                council=council,
                provider_id=p.provider_id,
                placement=p,
                kind="complaint",
                category="missed-or-late-visits",
                severity="medium",
                received_on=YEAR_START + timedelta(days=rng.randint(0, 360)),
                summary="x",
                status="received",
                logged_by_organisation=council,
            )
            for p in rng.sample(placements, len(placements) // 7)
        ]
    )
    return {
        "providers": len(providers),
        "placements": len(placements),
        "visits": n_records,
        "visit plans": len(plans),
        "referrals": len(referrals),
        "complaints": len(complaints),
        "action plans": len(visits),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--hours", type=int, default=1_000_000, help="home care hours a year")
    args = parser.parse_args()
    payment_run.setup()
    from django.db import connection

    from caremarket.accounts.models import Organisation
    from caremarket.quality import scorecards

    started = time.perf_counter()
    payment_run.build(args.hours)
    counts = year_of_records(random.Random(7))
    built = time.perf_counter() - started
    council = Organisation.objects.get(slug="bench-county")
    timings = []
    for _ in range(3):
        started = time.perf_counter()
        cards = scorecards.scorecards(council=council, start=YEAR_START, end=YEAR_END, today=YEAR_END)
        timings.append(time.perf_counter() - started)
    figures = sum(1 for c in cards for f in c["kpis"] if f["value"] is not None)
    red = sum(1 for c in cards for f in c["kpis"] if f["rag"] == "red")
    missed = [f["basis"] for c in cards for f in c["kpis"] if f["code"] == "missed-visits"][:1]
    # what a page does instead: the worker works the figures out and keeps them; the page reads the kept ones
    started = time.perf_counter()
    kept = scorecards.scorecards_work_out(council=council, months="12", today=YEAR_END)
    worked_out = time.perf_counter() - started
    page_times = _page_times(council)
    said = ", ".join(f"{v:,} {k}" for k, v in counts.items())
    print(f"{connection.vendor}: a year of {said} ({args.hours:,} hours a year); data built in {built:.1f} s")
    print(
        f"{connection.vendor}: every KPI of every provider for the year ({len(cards)} scorecards, {figures} figures, "
        f"{red} red) in {min(timings):.2f} s (best of 3; first {timings[0]:.2f} s); missed visits of the first: "
        f"{missed[0] if missed else 'none'}"
    )
    print(
        f"{connection.vendor}: worked out and kept by the worker in {worked_out:.2f} s ({len(kept.cards)} scorecards); "
        f"the scorecards page, reading the kept figures, in {min(page_times) * 1000:.0f} ms "
        f"(median of {len(page_times)}: {sorted(page_times)[len(page_times) // 2] * 1000:.0f} ms)"
    )


def _page_times(council) -> list[float]:
    """The scorecards page as a quality officer gets it, through the whole Django stack."""
    from django.test import Client
    from django.test.utils import setup_test_environment

    from caremarket.accounts import services

    setup_test_environment()  # the test client's host, as in the tests
    officer = services.user_create(
        organisation=council, email="quality@bench.example", full_name="Q", roles=["quality_officer"], password=None
    )
    client = Client()
    client.force_login(officer)
    times = []
    for _ in range(11):
        started = time.perf_counter()
        page = client.get("/quality/scorecards/?months=12")
        times.append(time.perf_counter() - started)
        assert page.status_code == 200 and b"Worked out at" in page.content, page.status_code
    return times


if __name__ == "__main__":
    main()
