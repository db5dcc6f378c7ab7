"""Times the eligibility rules: one request, and 10,000 requests against 1,000 providers with 20,000 admissions.

Usage: uv run python bench/eligibility.py [--requests 10000] [--providers 1000] [--admissions 20000]
This measures the pure rule engine (caremarket.domain.eligibility) with the market index built once.
"""

import argparse
import random
import statistics
import time

from caremarket.domain.eligibility import AdmissionFact, Market, Need, ProviderFact, assess

SERVICES = ["home-care", "day-services", "supported-living", "childrens-community-support", "life-skills"]
LEVELS = ["expected", "enhanced", "complex"]


def market(rng, providers: int, admissions: int, areas: int):
    area_codes = [f"area-{i:02d}" for i in range(areas)]
    facts = []
    for n in range(admissions):
        facts.append(
            AdmissionFact(
                provider=f"provider-{n % providers:04d}",
                service_types=frozenset({rng.choice(SERVICES)}),
                areas=frozenset(rng.sample(area_codes, rng.randint(1, 3))),
                need_levels=frozenset(rng.sample(LEVELS, rng.randint(1, 3))),
                status="suspended" if rng.random() < 0.05 else "active",
                offers_transport=rng.random() < 0.6,
                age_min=0 if rng.random() < 0.2 else None,
                age_max=25 if rng.random() < 0.2 else None,
                admission_id=n,
            )
        )
    facts_providers = [
        ProviderFact(f"provider-{p:04d}", registered=rng.random() > 0.03, has_capacity=rng.random() > 0.1)
        for p in range(providers)
    ]
    return area_codes, facts, facts_providers


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=10_000)
    parser.add_argument("--providers", type=int, default=1_000)
    parser.add_argument("--admissions", type=int, default=20_000)
    parser.add_argument("--areas", type=int, default=35)
    args = parser.parse_args()
    rng = random.Random(7)
    area_codes, facts, providers = market(rng, args.providers, args.admissions, args.areas)
    start = time.perf_counter()
    index = Market.build(facts, providers)
    built = time.perf_counter() - start
    needs = [
        Need(
            rng.choice(SERVICES),
            rng.choice(area_codes),
            rng.choice(LEVELS),
            needs_transport=rng.random() < 0.4,
            age=rng.randint(5, 90),
            regulated=rng.random() < 0.5,
        )
        for _ in range(args.requests)
    ]
    per_request = []
    eligible = 0
    start = time.perf_counter()
    for need in needs:
        t0 = time.perf_counter()
        verdicts = assess(need, index)
        per_request.append(time.perf_counter() - t0)
        eligible += sum(v.eligible for v in verdicts)
    total = time.perf_counter() - start
    print(
        f"market: {args.providers} providers, {args.admissions} admissions, {args.areas} areas; index built in "
        f"{built * 1000:.1f} ms"
    )
    print(
        f"{args.requests} requests in {total:.3f} s; per request median {statistics.median(per_request) * 1e6:.0f} us, "
        f"p99 {sorted(per_request)[int(len(per_request) * 0.99)] * 1e6:.0f} us; "
        f"{eligible / args.requests:.1f} eligible providers per request on average"
    )


if __name__ == "__main__":
    main()
