"""Times market insight for a council of West Sussex's size (seed 001: about 1 million home care hours a year) with
five years behind it: the payment-run benchmark's market (60 providers, 35 areas, about 2,000 placements), five
years of approved four-weekly runs written straight into the payment lines (two lines a placement a day: about 7
million), summed into the market's months as the worker does, and five years of history imported beside them.
Then each report as a commissioner asks for it: the spend table, one provider's year drilled down (its last full
year of runs), the demand forecast, unmet need, the seeds' reports for a year, the finance return's unit costs and a
market position statement; and the worker's outlooks of demand against capacity.

Usage (SQLite in a temporary file):   uv run python bench/insight.py
       (PostgreSQL):                  scripts/with-postgres.sh uv run python bench/insight.py
       Smaller, for a quick look:     uv run python bench/insight.py --years 1
"""

import argparse
import csv
import io
import random
import statistics
import sys
import time
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import payment_run  # noqa: E402  (the same market, built the same way)

QUARTERS, RATE, AMOUNT = Decimal("0.75"), Decimal("28.50"), Decimal("21.38")  # 45 minutes at £28.50
FIRST = date(2021, 4, 5)  # a Monday: the first run's first day


def _runs(council, placements, years: int) -> tuple[int, int]:
    """Approved four-weekly runs over `years`, their lines inserted directly (the runs' calculation has its own
    benchmark): two visits a placement a day at its provider's rate."""
    from caremarket.core.bulk import insert_many
    from caremarket.finance.models import PaymentLine, PaymentRun

    fields = ("run", "provider", "placement", "person", "key", "kind", "day", "quantity", "unit", "rate", "amount",
              "rate_ref", "description", "flagged", "held", "committed")  # fmt: skip
    runs = lines = 0
    start = FIRST
    while start + timedelta(days=27) < FIRST + timedelta(days=365 * years):
        end = start + timedelta(days=27)
        run = PaymentRun.objects.create(
            council=council, period_start=start, period_end=end, status="approved", total=Decimal(0)
        )

        def rows(run=run, start=start):
            for pk, provider, person in placements:
                for n in range(28):
                    day = start + timedelta(days=n)
                    for visit in (0, 1):
                        key = f"p{pk}:visit:{day}:{visit}"
                        yield (run.pk, provider, pk, person, key, "care", day, QUARTERS, "hour", RATE, AMOUNT, "",
                               "visit", False, False, True)  # fmt: skip

        lines += insert_many(PaymentLine, fields, rows())
        runs += 1
        start = end + timedelta(days=1)
    return runs, lines


def _history(council, years: int) -> bytes:
    """Five years of monthly figures per provider and area before the runs began, as a council's old system gives
    them."""
    from caremarket.brokerage.models import Placement

    streams = sorted(set(Placement.objects.filter(council=council).values_list("provider__name", "area__code")))
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        ["month", "provider", "service", "area", "route", "new packages", "active packages", "hours", "spend"]
    )
    rng = random.Random(3)
    for n in range(12 * years):
        month = date(2016 + (n + 3) // 12, (n + 3) % 12 + 1, 1)
        for provider, area in streams:
            active = rng.randint(2, 9)
            writer.writerow([month.strftime("%Y-%m"), provider, "home-care", area, "framework", rng.randint(0, 2),
                             active, active * 30, f"{active * 30 * 24.5:.2f}"])  # fmt: skip
    return out.getvalue().encode()


def _best(fn, rounds: int = 5) -> tuple[float, float]:
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return min(times), statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--hours", type=int, default=1_000_000, help="home care hours a year")
    parser.add_argument("--years", type=int, default=5, help="years of runs, and of history before them")
    args = parser.parse_args()
    payment_run.setup()
    from django.db import connection, transaction

    from caremarket.accounts.models import Organisation
    from caremarket.brokerage.models import Placement
    from caremarket.domain import insight
    from caremarket.insight import (
        capacity,
        forecasting,
        history,
        market,
        position,
        reports,
        summaries,
        unit_costs,
        unmet,
    )
    from caremarket.insight.models import MarketMonth
    from caremarket.reference.models import ServiceType

    payment_run.build(args.hours)
    council = Organisation.objects.get(slug="bench-county")
    placements = list(Placement.objects.filter(council=council).values_list("pk", "provider_id", "person_id"))
    started = time.perf_counter()
    with transaction.atomic():
        runs, lines = _runs(council, placements, args.years)
    written = time.perf_counter() - started
    today = FIRST + timedelta(days=365 * args.years)
    started = time.perf_counter()
    summed = summaries.market_refresh(today=today)
    summing = time.perf_counter() - started
    content = _history(council, args.years)
    started = time.perf_counter()
    imported = history.history_import(
        council=council, actor=None, file_name="history.csv", content=content, today=today
    )
    importing = time.perf_counter() - started
    months = MarketMonth.objects.filter(council=council).count()
    said = connection.vendor
    print(f"{said}: {len(placements):,} placements; {runs} approved runs of {lines:,} payment lines written in "
          f"{written:.1f} s; {imported.rows:,} months of history imported in {importing:.2f} s")  # fmt: skip
    print(f"{said}: the worker summed {summed['runs']} runs ({summed['lines']:,} lines) into months in {summing:.1f} s "
          f"({summed['lines'] / summing:,.0f} lines a second); {months:,} months kept in all")  # fmt: skip

    table = reports.spend_by_provider(council=council)
    best, median = _best(lambda: reports.spend_by_provider(council=council))
    print(f"{said}: spend by provider by year ({len(table['years'])} years, "
          f"{len(table['framework']['lines']) + len(table['other']['lines'])} providers, £{table['total']:,} in all): "
          f"{best * 1000:.0f} ms (median {median * 1000:.0f} ms)")  # fmt: skip
    provider = table["framework"]["lines"][0]["provider_id"]
    year = insight.financial_year(today - timedelta(days=200))  # the last full year of runs
    page = reports.provider_year(council=council, provider_id=provider, year=year, framework=True)
    best, median = _best(
        lambda: reports.provider_year(council=council, provider_id=provider, year=year, framework=True)
    )
    print(f"{said}: one provider's year drilled down ({len(page['placements'])} placements, "
          f"{sum(r['lines'] for r in page['placements']):,} payment lines): {best * 1000:.0f} ms "
          f"(median {median * 1000:.0f} ms)")  # fmt: skip
    service = ServiceType.objects.get(council=council, code="home-care").pk
    forecasting.demand_forecast(
        council=council, service_type_id=service, area_id=None, measure="new", years="4", today=today
    )  # fmt: skip  (statsmodels imported once, as a web process would)
    best, median = _best(
        lambda: forecasting.demand_forecast(
            council=council, service_type_id=service, area_id=None, measure="new", years="4", today=today
        )
    )
    print(f"{said}: demand forecast, four years ahead with its held-back year: {best * 1000:.0f} ms "
          f"(median {median * 1000:.0f} ms)")  # fmt: skip
    best, median = _best(lambda: unmet.unmet_need(council=council, today=today))
    print(f"{said}: unmet need: {best * 1000:.0f} ms (median {median * 1000:.0f} ms)")
    best, median = _best(
        lambda: market.seed_reports(council=council, year=year, service_type_id=None, today=today), rounds=3
    )
    print(f"{said}: the seeds' six reports for {insight.financial_year_name(year)}: {best * 1000:.0f} ms "
          f"(median {median * 1000:.0f} ms)")  # fmt: skip
    rate = unit_costs.hourly_rate(council, year).rows[-1]
    best, median = _best(lambda: unit_costs.unit_costs(council=council, year=year), rounds=3)
    print(f"{said}: unit costs (weighted average standard hourly rate £{rate[2]} over {rate[1]:,} hours): "
          f"{best * 1000:.0f} ms (median {median * 1000:.0f} ms)")  # fmt: skip
    home = ServiceType.objects.get(pk=service)
    best, median = _best(lambda: position.statement_tables(council=council, service=home, today=today), rounds=3)
    print(f"{said}: a market position statement (with its four-year forecast): {best * 1000:.0f} ms "
          f"(median {median * 1000:.0f} ms)")  # fmt: skip
    started = time.perf_counter()
    kept = capacity.outlooks_refresh(council=council, today=today)
    print(f"{said}: the worker's outlooks, {kept} services and areas forecast against capacity: "
          f"{time.perf_counter() - started:.1f} s")  # fmt: skip


if __name__ == "__main__":
    main()
