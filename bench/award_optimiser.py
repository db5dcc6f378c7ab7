"""Times the tiered-framework award on the size of seed 001 (35 areas, 80 bidders): the min-cost flow it is
computed by, against the CP-SAT model it replaced, on the same bids; checks both reach the same optimum (positions
filled, total score, the primaries' scores, the tie order) and prints each run, the medians and the ratio.

Usage: uv run python bench/award_optimiser.py [--runs 5] [--cap-1 2] [--cap-2 2]
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


def stages(result) -> tuple:
    primaries = sum((p.score for p in result.placements if p.position == "primary"), Decimal(0))
    return len(result.placements), result.total_score, primaries


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--cap-1", type=int, default=2)
    parser.add_argument("--cap-2", type=int, default=2)
    args = parser.parse_args()
    times = {"flow": [], "cp-sat": []}
    for run in range(args.runs):
        areas, bids = instance(run)
        results = {}
        for solver in times:
            start = time.perf_counter()
            results[solver] = compute_award(areas, bids, Caps(args.cap_1, args.cap_2), solver=solver)
            times[solver].append(time.perf_counter() - start)
        flow, cp_sat = results["flow"], results["cp-sat"]
        same = stages(flow) == stages(cp_sat) and flow.placements == cp_sat.placements
        print(
            f"run {run}: {len(bids)} bids, {len(flow.placements)} positions awarded, {len(flow.unfilled)} unfilled, "
            f"total score {flow.total_score}; flow {times['flow'][-1] * 1000:.1f} ms, "
            f"CP-SAT {times['cp-sat'][-1] * 1000:.0f} ms; "
            + ("the same award" if same else f"the same optimum: {stages(flow) == stages(cp_sat)}")
        )
    flow, cp_sat = statistics.median(times["flow"]), statistics.median(times["cp-sat"])
    print(
        f"35 areas, 80 bidders, caps {args.cap_1}/{args.cap_2}, {args.runs} runs: flow median {flow * 1000:.1f} ms "
        f"(max {max(times['flow']) * 1000:.1f}), CP-SAT median {cp_sat:.2f} s (max {max(times['cp-sat']):.2f}); "
        f"the flow takes 1/{cp_sat / flow:.0f} of the time"
    )


if __name__ == "__main__":
    main()
