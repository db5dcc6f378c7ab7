"""Times a four-week payment run for a council of West Sussex's size (seed 001: about 1 million home care hours a
year): generated placements, visits of 30 to 60 minutes paid on actuals with a minimum time and weekend
enhancements, provider rates per area, some hospital stays and net contributions.

Usage (SQLite in a temporary file):   uv run python bench/payment_run.py
       (PostgreSQL):                  scripts/with-postgres.sh uv run python bench/payment_run.py
       Smaller, for a quick look:     uv run python bench/payment_run.py --hours 100000
"""

import argparse
import random
import time
from datetime import date, datetime, timedelta
from datetime import time as clock
from decimal import Decimal

from _database import setup

PERIOD_START = date(2025, 10, 6)  # a Monday
WEEKS = 4


def build(hours_a_year: int) -> tuple[int, int]:
    from caremarket.accounts.models import Organisation
    from caremarket.arrangements.models import Admission, Application, Arrangement, Lot
    from caremarket.brokerage.models import CareRequest, HospitalStay, Person, Placement, PlacementTerms
    from caremarket.finance.models import ContributionAssessment, DeliveryRecord, PaymentRules, Rate
    from caremarket.reference.models import Area, ServiceType

    rng = random.Random(5)
    council = Organisation.objects.create(kind="council", name="Bench County Council", slug="bench-county")
    areas = Area.objects.bulk_create(
        [Area(council=council, code=f"a{i:02d}", name=f"Area {i}", level=1 + i % 3) for i in range(35)]
    )
    home = ServiceType.objects.create(council=council, code="home-care", name="Home care")
    arrangement = Arrangement.objects.create(
        council=council,
        reference="HC",
        title="Home care",
        mechanism="tiered_framework",
        regime="pcr_2015_light_touch",
        status="live",
        starts_on=date(2025, 1, 1),
        ends_on=date(2030, 1, 1),
        estimated_value=Decimal(1),
        price_basis="hour-per-area",
    )
    lot = Lot.objects.create(arrangement=arrangement, number=1, title="Home care")
    lot.service_types.set([home])
    lot.areas.set(areas)
    PaymentRules.objects.create(
        council=council,
        arrangement=arrangement,
        pay_on="actual",
        minimum_minutes=30,
        weekend_percent=Decimal(10),
        starts_on=date(2025, 1, 1),
    )
    providers = Organisation.objects.bulk_create(
        [Organisation(kind="provider", name=f"Provider {p:03d}", slug=f"bench-provider-{p}") for p in range(60)]
    )
    admissions, rates = [], []
    for provider in providers:
        application = Application.objects.create(arrangement=arrangement, provider=provider, status="admitted")
        for area in rng.sample(areas, 8):
            price = Decimal(rng.randint(2600, 3300)) / 100
            admissions.append(
                Admission(
                    arrangement=arrangement, lot=lot, provider=provider, area=area, application=application, price=price
                )
            )
            rates.append(
                Rate(
                    council=council,
                    kind="provider-area",
                    arrangement=arrangement,
                    service_type=home,
                    area=area,
                    provider=provider,
                    unit="hour",
                    amount=price,
                    starts_on=date(2025, 4, 1),
                )
            )
    admissions = Admission.objects.bulk_create(admissions)
    Rate.objects.bulk_create(rates)
    weekly_hours = hours_a_year / 52
    people, requests, placements = [], [], []
    total = 0.0
    while total < weekly_hours:
        hours = rng.choice([3.5, 5, 7, 7, 10, 10.5, 14, 21])
        total += hours
        people.append(
            Person(
                council=council,
                given_name="P",
                family_name=str(len(people)),
                date_of_birth=date(1940, 1, 1),
                address="x",
                postcode="BN1 1AA",
            )
        )
    people = Person.objects.bulk_create(people, batch_size=2000)
    for person in people:
        admission = rng.choice(admissions)
        hours = Decimal(str(rng.choice([3.5, 5, 7, 7, 10, 10.5, 14, 21])))
        requests.append(
            CareRequest(
                council=council,
                person=person,
                service_type=home,
                area=admission.area,
                hours_per_week=hours,
                start_on=date(2025, 4, 1),
                outcomes="x",
                status="placed",
            )
        )
    requests = CareRequest.objects.bulk_create(requests, batch_size=2000)
    for request in requests:
        admission = rng.choice([a for a in admissions[:400] if a.area_id == request.area_id] or admissions)
        placements.append(
            Placement(
                council=council,
                request=request,
                person=request.person,
                provider_id=admission.provider_id,
                admission=admission,
                service_type=home,
                area_id=admission.area_id,
                start_on=date(2025, 4, 1),
                hours_per_week=request.hours_per_week,
                price_unit="hour",
                route="cascade",
                funding_route="net" if rng.random() < 0.2 else "gross",
            )
        )
    placements = Placement.objects.bulk_create(placements, batch_size=2000)
    PlacementTerms.objects.bulk_create(
        [
            PlacementTerms(placement=p, starts_on=p.start_on, hours_per_week=p.hours_per_week, reason="award")
            for p in placements
        ],
        batch_size=2000,
    )
    ContributionAssessment.objects.bulk_create(
        [
            ContributionAssessment(
                council=council, person_id=p.person_id, weekly_amount=Decimal("42.50"), starts_on=date(2025, 4, 1)
            )
            for p in placements
            if p.funding_route == "net"
        ],
        batch_size=2000,
    )
    HospitalStay.objects.bulk_create(
        [
            HospitalStay(
                placement=p,
                admitted_on=PERIOD_START + timedelta(days=rng.randint(0, 20)),
                discharged_on=None,
                unplanned=True,
            )
            for p in rng.sample(placements, len(placements) // 50)
        ]
    )
    records = []
    end = PERIOD_START + timedelta(weeks=WEEKS) - timedelta(days=1)
    for p in placements:
        visits_a_week = max(1, int(float(p.hours_per_week) / 0.75))
        for week in range(WEEKS):
            for n in range(visits_a_week):
                day = PERIOD_START + timedelta(weeks=week, days=n % 7)
                minutes = rng.choice([30, 45, 45, 60])
                start = clock(7 + (n // 7) * 3, 0)
                end_time = (datetime.combine(day, start) + timedelta(minutes=minutes)).time()
                records.append(
                    DeliveryRecord(
                        placement=p,
                        provider_id=p.provider_id,
                        kind="visit",
                        day=day,
                        start=start,
                        end=end_time,
                        minutes=minutes,
                        source="upload",
                    )
                )
    DeliveryRecord.objects.bulk_create(records, batch_size=5000)
    assert end
    return len(placements), len(records)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--hours", type=int, default=1_000_000, help="home care hours a year")
    args = parser.parse_args()
    setup()
    from django.db import connection

    from caremarket.accounts.models import Organisation
    from caremarket.finance import runs

    started = time.perf_counter()
    placements, visits = build(args.hours)
    built = time.perf_counter() - started
    council = Organisation.objects.get(slug="bench-county")
    run = runs.payment_run_create(
        council=council,
        actor=None,
        period_start=PERIOD_START,
        period_end=PERIOD_START + timedelta(weeks=WEEKS) - timedelta(days=1),
    )
    timings = []
    for _ in range(2):
        started = time.perf_counter()
        run = runs.payment_run_calculate(run=run, actor=None)
        timings.append(time.perf_counter() - started)
    from caremarket.finance import reconciliation

    started = time.perf_counter()
    controls = reconciliation.controls(run)
    reconciliation.variance(run, reconciliation.previous_run(run))
    gaps = reconciliation.ledger_gaps(run)
    reconciled = time.perf_counter() - started
    started = time.perf_counter()
    run = runs.payment_run_approve(run=run, actor=None)
    approved = time.perf_counter() - started
    lines = run.lines.count()
    hours = controls.hours
    print(
        f"{connection.vendor}: {placements:,} placements, {visits:,} visits in {WEEKS} weeks "
        f"({args.hours:,} hours a year); data built in {built:.1f} s"
    )
    print(
        f"{connection.vendor}: four-week run calculated in {timings[0]:.1f} s, recalculated in {timings[1]:.1f} s: "
        f"{lines:,} lines, {hours:,.0f} paid hours, total £{run.total:,.2f}, held £{run.held_total:,.2f}"
    )
    print(
        f"{connection.vendor}: reconciliation read (control totals, change per provider, {len(gaps)} missing ledger "
        f"codes) in {reconciled:.2f} s; approval (lines committed under the unique index) in {approved:.2f} s"
    )


if __name__ == "__main__":
    main()
