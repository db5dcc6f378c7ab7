"""Times eligibility against a database: one request as the request page does it, and 10,000 requests against
1,000 providers with 20,000 admissions (market loaded once from the database, then every request assessed).

Usage (SQLite in a temporary file):   uv run python bench/eligibility_db.py
       (PostgreSQL):                  scripts/with-postgres.sh uv run python bench/eligibility_db.py
       (the demo database):           uv run python bench/eligibility_db.py --demo
"""

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def setup(demo: bool) -> None:
    if not demo and "DATABASE_URL" not in os.environ:
        os.environ["DATABASE_URL"] = f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite3"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    import django

    django.setup()
    if not demo:
        from django.core.management import call_command

        call_command("migrate", verbosity=0)


def build_market(providers: int, admissions: int, requests: int) -> None:
    from caremarket.accounts.models import Organisation
    from caremarket.arrangements.models import Admission, Application, Arrangement, Lot
    from caremarket.brokerage.models import CareRequest, Person
    from caremarket.reference.models import Area, ServiceType

    rng = random.Random(11)
    council = Organisation.objects.create(kind="council", name="Bench Council", slug="bench")
    areas = Area.objects.bulk_create(
        [Area(council=council, code=f"a{i:02d}", name=f"Area {i}", level=1 + i % 3) for i in range(35)]
    )
    types = ServiceType.objects.bulk_create(
        [ServiceType(council=council, code=f"s{i}", name=f"Service {i}") for i in range(5)]
    )
    arrangement = Arrangement.objects.create(
        council=council,
        reference="B",
        title="Bench",
        mechanism="dynamic_market",
        regime="procurement_act_2023",
        status="live",
        starts_on=date(2026, 1, 1),
        ends_on=date(2030, 1, 1),
        estimated_value=Decimal(1),
    )
    lots = []
    for i, service_type in enumerate(types):
        lot = Lot.objects.create(arrangement=arrangement, number=i + 1, title=service_type.name)
        lot.service_types.set([service_type])
        lot.areas.set(areas)
        lots.append(lot)
    orgs = Organisation.objects.bulk_create(
        [Organisation(kind="provider", name=f"Provider {p:04d}", slug=f"bench-p{p}") for p in range(providers)]
    )
    applications = Application.objects.bulk_create(
        [Application(arrangement=arrangement, provider=o, status="admitted") for o in orgs]
    )
    seen, rows = set(), []
    while len(rows) < admissions:
        p = rng.randrange(providers)
        lot, area = rng.choice(lots), rng.choice(areas)
        if (p, lot.pk, area.pk) in seen:
            continue
        seen.add((p, lot.pk, area.pk))
        rows.append(
            Admission(
                arrangement=arrangement,
                lot=lot,
                provider=orgs[p],
                area=area,
                application=applications[p],
                offers_transport=rng.random() < 0.6,
                status="suspended" if rng.random() < 0.05 else "active",
            )
        )
    Admission.objects.bulk_create(rows, batch_size=2000)
    people = Person.objects.bulk_create(
        [
            Person(
                council=council,
                given_name="P",
                family_name=str(n),
                date_of_birth=date(1950, 1, 1),
                address="x",
                postcode="AB1 2CD",
            )
            for n in range(requests)
        ],
        batch_size=2000,
    )
    CareRequest.objects.bulk_create(
        [
            CareRequest(
                council=council,
                person=person,
                service_type=rng.choice(types),
                area=rng.choice(areas),
                needs_transport=rng.random() < 0.4,
                days_per_week=2,
                start_on=date.today() + timedelta(days=7),
                outcomes="x",
                status="sourcing",
            )
            for person in people
        ],
        batch_size=2000,
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--demo", action="store_true", help="measure the demo database's own requests")
    parser.add_argument("--providers", type=int, default=1000)
    parser.add_argument("--admissions", type=int, default=20000)
    parser.add_argument("--requests", type=int, default=10000)
    parser.add_argument("--sample", type=int, default=50, help="requests timed one by one, as the page does")
    args = parser.parse_args()
    setup(args.demo)
    from django.db import connection

    from caremarket.brokerage import selectors
    from caremarket.brokerage.models import CareRequest
    from caremarket.domain.eligibility import assess

    if not args.demo:
        start = time.perf_counter()
        build_market(args.providers, args.admissions, args.requests)
        print(
            f"built {args.providers} providers, {args.admissions} admissions, {args.requests} requests in "
            f"{time.perf_counter() - start:.1f} s"
        )
    requests = list(
        CareRequest.objects.select_related("council", "person", "service_type", "area", "need_level").order_by("pk")
    )
    if connection.vendor == "postgresql" and not args.demo:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # what autovacuum does for a live database after a load
    sample = random.Random(3).sample(requests, min(args.sample, len(requests)))
    from django.db import reset_queries

    connection.force_debug_cursor = True
    reset_queries()
    verdicts = selectors.request_eligibility(sample[0])
    queries = len(connection.queries)
    connection.force_debug_cursor = False
    one, floor = [], []
    for request in sample:
        t0 = time.perf_counter()
        selectors.request_eligibility(request)
        one.append(time.perf_counter() - t0)
        market, _ = selectors.eligibility_market(
            council=request.council, service_type=request.service_type, area=request.area
        )
        t0 = time.perf_counter()
        assess(selectors.need_of(request), market, all_providers=[v.provider for v in verdicts])
        floor.append(time.perf_counter() - t0)
    median, p95 = statistics.median(one), sorted(one)[int(len(one) * 0.95) - 1]
    print(
        f"{connection.vendor}: one request as the request page does it (query + rules): median "
        f"{median * 1000:.1f} ms, 95th percentile {p95 * 1000:.1f} ms, max {max(one) * 1000:.1f} ms over {len(one)} "
        f"requests, {queries} queries, {len(verdicts)} providers judged"
    )
    print(
        f"{connection.vendor}: the rule engine alone on the same market (the floor): median "
        f"{statistics.median(floor) * 1000:.1f} ms; the page takes {median / statistics.median(floor):.1f} times it"
    )
    by_council = {}
    for request in requests:
        by_council.setdefault(request.council_id, []).append(request)
    start = time.perf_counter()
    eligible = 0
    for council_requests in by_council.values():
        market, providers = selectors.eligibility_market(council=council_requests[0].council)
        for request in council_requests:
            eligible += sum(v.eligible for v in assess(selectors.need_of(request), market))
    total = time.perf_counter() - start
    print(
        f"{connection.vendor}: all {len(requests)} requests, market loaded once per council: {total:.2f} s "
        f"({total / len(requests) * 1000:.2f} ms a request, {eligible / len(requests):.1f} eligible on average)"
    )


if __name__ == "__main__":
    main()
