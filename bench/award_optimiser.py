"""Times the tiered-framework award optimiser on the size of seed 001: 35 areas, 80 bidders.

Usage: uv run python bench/award_optimiser.py [--runs 5] [--cap-1 2] [--cap-2 2]
Prints the time of each run, the median, and the shape of the award.
"""

import argparse
import random
import statistics
import time
from decimal import Decimal

from caremarket.domain.award import AwardArea, AwardBid, Caps, compute_award


def instance(seed: int):
    rng = random.Random(seed)
    levels = [1] * 12 + [2] * 12 + [3] * 11
    areas = [AwardArea(f"area-{i:02d}", f"Area {i}", level) for i, level in enumerate(levels, start=1)]
    bids = []
    for p in range(80):
        quality = rng.uniform(55, 95)
        for area in rng.sample(areas, rng.randint(6, 20)):
            score = Decimal(str(round(min(100.0, quality + rng.uniform(-8, 8)), 2)))
            bids.append(AwardBid(f"provider-{p:02d}", area.key, score))
    return areas, bids


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--cap-1", type=int, default=2)
    parser.add_argument("--cap-2", type=int, default=2)
    args = parser.parse_args()
    times = []
    for run in range(args.runs):
        areas, bids = instance(run)
        start = time.perf_counter()
        result = compute_award(areas, bids, Caps(args.cap_1, args.cap_2))
        times.append(time.perf_counter() - start)
        print(
            f"run {run}: {len(bids)} bids, {len(result.placements)} positions awarded, "
            f"{len(result.unfilled)} unfilled, total score {result.total_score}, {times[-1]:.3f} s"
        )
    print(
        f"35 areas, 80 bidders, caps {args.cap_1}/{args.cap_2}: median {statistics.median(times):.3f} s, "
        f"max {max(times):.3f} s over {args.runs} runs"
    )


if __name__ == "__main__":
    main()
