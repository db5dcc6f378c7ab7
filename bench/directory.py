"""Times the public directory's search with distance: 2,000 public services (1,000 providers, two services each,
placed across Trafford's real postcodes), searched from a postcode within 2, 5 and 10 miles, with and without an
age and a day, as the search page does it (the page's own view, through the test client) and as the selector alone;
then the Open Referral UK list with postcode and proximity.

Usage (SQLite in a temporary file):   uv run python bench/directory.py
       (PostgreSQL):                  scripts/with-postgres.sh uv run python bench/directory.py
"""

import csv
import random
import statistics
import time
from datetime import date
from datetime import time as clock
from decimal import Decimal
from pathlib import Path

from _database import setup

POSTCODES = Path(__file__).resolve().parents[2] / "shared" / "data" / "geo" / "trafford_postcodes.csv"


def build(services: int) -> tuple[str, list[str]]:
    from django.utils import timezone

    from caremarket.accounts.models import Organisation
    from caremarket.arrangements.models import Admission, Application, Arrangement, Lot
    from caremarket.directory.models import Listing, Postcode
    from caremarket.reference.models import Area, ServiceType

    rng = random.Random(15)
    with POSTCODES.open() as rows:
        places = [(r["postcode"], Decimal(r["lat"]), Decimal(r["lon"])) for r in csv.DictReader(rows)]
    Postcode.objects.bulk_create([Postcode(postcode=p, latitude=a, longitude=o) for p, a, o in places], batch_size=5000)
    council = Organisation.objects.create(kind="council", name="Bench Council", slug="bench")
    area = Area.objects.create(council=council, code="all", name="All", level=1)
    types = ServiceType.objects.bulk_create(
        [ServiceType(council=council, code=f"s{i}", name=f"Service {i}") for i in range(4)]
    )
    arrangement = Arrangement.objects.create(
        council=council, reference="B", title="Bench", mechanism="dynamic_market", regime="procurement_act_2023",
        status="live", starts_on=date(2026, 1, 1), ends_on=date(2030, 1, 1), estimated_value=Decimal(1),
    )  # fmt: skip
    lots = []
    for i, service_type in enumerate(types):
        lot = Lot.objects.create(arrangement=arrangement, number=i + 1, title=service_type.name)
        lot.service_types.set([service_type])
        lot.areas.set([area])
        lots.append(lot)
    providers = Organisation.objects.bulk_create(
        [Organisation(kind="provider", name=f"Provider {p:04d}", slug=f"bench-p{p}") for p in range(services // 2)]
    )
    applications = Application.objects.bulk_create(
        [Application(arrangement=arrangement, provider=o, status="admitted") for o in providers]
    )
    admissions, listings = [], []
    now = timezone.now()
    for p, provider in enumerate(providers):
        for k in range(2):
            lot = lots[(p + k) % len(lots)]
            admissions.append(
                Admission(arrangement=arrangement, lot=lot, provider=provider, area=area, application=applications[p],
                          status="suspended" if rng.random() < 0.03 else "active")
            )  # fmt: skip
            postcode, lat, lon = rng.choice(places)
            low = rng.choice([0, 5, 16, 18, 18, 18])
            listings.append(
                Listing(
                    council=council,
                    provider=provider,
                    service_type=types[(p + k) % len(types)],
                    name=f"Service {p}-{k}",
                    description="Support in the community.",
                    address_1="1 High Street",
                    postcode=postcode,
                    latitude=lat,
                    longitude=lon,
                    age_min=low,
                    age_max=17 if low < 16 else rng.choice([25, 64, 120]),
                    days=rng.choice(["MO,TU,WE,TH,FR", "MO,WE,FR", "SA,SU", "MO,TU,WE,TH,FR,SA,SU"]),
                    opens_at=clock(9),
                    closes_at=clock(rng.choice([15, 17, 20])),
                    email="a@example.com",
                    price_pence=rng.randint(1500, 3500),
                    price_unit="hour",
                    one_to_one=rng.random() < 0.4,
                    complete=True,
                    approved_at=now,
                    checked_on=date.today(),
                )  # fmt: skip
            )
    Admission.objects.bulk_create(admissions, batch_size=2000)
    Listing.objects.bulk_create(listings, batch_size=2000)
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # what autovacuum does for a live database after a load
    return council.slug, [p for p, _, _ in rng.sample(places, 40)]


def _queries(fn) -> int:
    from django.db import connection, reset_queries

    connection.force_debug_cursor = True
    reset_queries()
    fn()
    count = len(connection.queries)
    connection.force_debug_cursor = False
    return count


def timed(fn, runs: int) -> tuple[float, float]:
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.95) - 1]


def main() -> None:
    setup()
    from django.db import connection
    from django.test import Client

    from caremarket.directory import selectors
    from caremarket.directory.models import Listing

    t = time.perf_counter()
    slug, postcodes = build(2000)
    print(
        f"database: {connection.vendor}; built {Listing.objects.count():,} services in {time.perf_counter() - t:.1f} s"
    )
    print(f"public (a live admission, approved, complete): {selectors.public_listings().count():,}")
    from caremarket.accounts.selectors import council_by_slug

    council = council_by_slug(slug)
    client = Client(HTTP_HOST="localhost")
    codes = iter(postcodes * 100)
    print(f"{'search':<52} {'found':>6} {'median':>9} {'p95':>9} {'queries':>8}")
    for label, extra in [
        ("postcode within 2 miles", {"distance": "2"}),
        ("postcode within 5 miles", {"distance": "5"}),
        ("postcode within 10 miles", {"distance": "10"}),
        ("within 5 miles, age 19, Wednesday at 10:00", {"distance": "5", "age": "19", "day": "WE", "time": "10:00"}),
        ("within 5 miles, one-to-one, taking new people", {"distance": "5", "needs": "one-to-one", "taking": "on"}),
    ]:
        query = selectors.Search(postcode=postcodes[0], miles=float(extra["distance"]))
        found = len(selectors.search(council, query))

        def page(extra=extra):
            answer = client.get(f"/directory/{slug}/", {"postcode": next(codes), **extra})
            assert answer.status_code == 200, answer.status_code

        queries = _queries(page)
        median, p95 = timed(page, 40)
        print(f"{'page: ' + label:<52} {found:>6} {median:>7.1f}ms {p95:>7.1f}ms {queries:>8}")

    def alone():
        selectors.search(council, selectors.Search(postcode=next(codes), miles=5.0))

    median, p95 = timed(alone, 40)
    print(f"{'selector alone: within 5 miles':<52} {'':>6} {median:>7.1f}ms {p95:>7.1f}ms")

    def feed():
        answer = client.get("/openreferral/service_at_locations", {"postcode": next(codes), "proximity": 8000})
        assert answer.status_code == 200

    median, p95 = timed(feed, 40)
    print(f"{'Open Referral: service_at_locations within 8 km':<52} {'':>6} {median:>7.1f}ms {p95:>7.1f}ms")

    def services_page():
        assert client.get("/openreferral/services", {"page": 20, "per_page": 50}).status_code == 200

    median, p95 = timed(services_page, 20)
    print(f"{'Open Referral: services, page 20 of 50 a page':<52} {'':>6} {median:>7.1f}ms {p95:>7.1f}ms")


if __name__ == "__main__":
    main()
