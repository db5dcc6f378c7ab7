"""The award of primary and secondary positions on a tiered framework (seed 001), computed exactly.

Level 1 areas get a primary and a secondary provider, level 2 areas a primary, level 3 areas none. A
provider may win at most `cap_level_1` level 1 areas and `cap_level_2` level 2 areas (a primary or a
secondary position counts as winning the area). Every bidder that passed evaluation and holds no
position in an area it applied for joins that area's reserve list.

The award is optimal lexicographically, in this order:
1. fill as many positions as possible (a position no bidder can take is reported with the reason);
2. maximise the total evaluation score of the positions awarded;
3. give the primary position to the higher-scoring of an area's two providers;
4. break remaining ties deterministically: the provider earlier in `tie_order` (by default the bid
   with the higher score, then the provider's key) wins.
It is computed as a min-cost flow (OR-Tools), exactly and in milliseconds: the most flow fills the most positions,
and each position's cost weighs the later stages, each above everything after it. The CP-SAT model it replaced
(`solver="cp-sat"`, seconds) is kept to check it against; tests check both against exhaustive search on small
cases. The same bids always give the same award.
"""

from __future__ import annotations

import time
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from ortools.graph.python import min_cost_flow
from ortools.sat.python import cp_model

PRIMARY = "primary"
SECONDARY = "secondary"
RESERVE = "reserve"

POSITIONS_BY_LEVEL = {1: (PRIMARY, SECONDARY), 2: (PRIMARY,), 3: ()}
SCALE = 100  # scores carry two decimal places into the integer model


class AwardError(ValueError):
    """Input the optimiser cannot work with (a bid for an unknown area, a cap below zero)."""


@dataclass(frozen=True)
class AwardArea:
    key: str
    name: str
    level: int


@dataclass(frozen=True)
class AwardBid:
    provider: str
    area: str
    score: Decimal


@dataclass(frozen=True)
class Caps:
    level_1: int
    level_2: int


@dataclass(frozen=True)
class Unfilled:
    area: str
    position: str
    reason: str


@dataclass(frozen=True)
class Placement:
    area: str
    provider: str
    position: str
    score: Decimal


@dataclass
class AwardResult:
    placements: list[Placement]
    unfilled: list[Unfilled]
    total_score: Decimal
    explanations: dict[str, list[str]] = field(default_factory=dict)
    solve_seconds: float = 0.0

    def holder(self, area: str, position: str) -> str | None:
        for placement in self.placements:
            if placement.area == area and placement.position == position:
                return placement.provider
        return None

    def positions_of(self, provider: str) -> list[Placement]:
        return [p for p in self.placements if p.provider == provider]


def _scaled(score: Decimal) -> int:
    return int((Decimal(score) * SCALE).to_integral_value())


def compute_award(
    areas: list[AwardArea],
    bids: list[AwardBid],
    caps: Caps,
    *,
    tie_order: list[str] | None = None,
    time_limit_seconds: float = 60.0,
    solver: str = "flow",
) -> AwardResult:
    """The award, by a min-cost flow (exact, milliseconds) or (`solver="cp-sat"`) by the CP-SAT model it replaced,
    kept to check it against."""
    if caps.level_1 < 0 or caps.level_2 < 0:
        raise AwardError("A cap on areas cannot be negative")
    by_key = {area.key: area for area in areas}
    if len(by_key) != len(areas):
        raise AwardError("Each area must appear once")
    seen = set()
    for bid in bids:
        if bid.area not in by_key:
            raise AwardError(f"The bid of {bid.provider} names an unknown area '{bid.area}'")
        if (bid.provider, bid.area) in seen:
            raise AwardError(f"{bid.provider} bid twice for area '{bid.area}'")
        if bid.score < 0:
            raise AwardError(f"The score of {bid.provider} for '{bid.area}' is negative")
        seen.add((bid.provider, bid.area))

    score = {(b.provider, b.area): Decimal(b.score) for b in bids}
    providers = sorted({b.provider for b in bids})
    if tie_order is None:
        best = defaultdict(Decimal)
        for b in bids:
            best[b.provider] = max(best[b.provider], Decimal(b.score))
        tie_order = sorted(providers, key=lambda p: (-best[p], p))
    tie_rank = {provider: index for index, provider in enumerate(tie_order)}
    missing = [p for p in providers if p not in tie_rank]
    for provider in sorted(missing):
        tie_rank[provider] = len(tie_rank)

    started = time.perf_counter()
    if solver == "cp-sat":
        chosen = _solve_cp_sat(areas, by_key, score, providers, caps, tie_rank, time_limit_seconds)
    elif solver == "flow":
        chosen = _solve_flow(areas, by_key, score, caps, tie_rank)
    else:
        raise AwardError(f"Unknown solver '{solver}': flow or cp-sat")
    elapsed = time.perf_counter() - started

    placements = [
        Placement(area=a, provider=p, position=pos, score=score[p, a])
        for (p, a, pos) in sorted(chosen, key=lambda c: (c[1], c[2], c[0]))
    ]
    result = AwardResult(
        placements=placements, unfilled=[], total_score=sum((pl.score for pl in placements), Decimal(0))
    )
    result.solve_seconds = elapsed
    result.unfilled = _unfilled(areas, score, result, caps)
    result.explanations = explain(areas, score, result, caps)
    return result


def _solve_cp_sat(areas, by_key, score, providers, caps, tie_rank, time_limit_seconds) -> set[tuple[str, str, str]]:
    """The four stages one after another, each fixed before the next (the model the flow replaced)."""
    model = cp_model.CpModel()
    x: dict[tuple[str, str, str], cp_model.IntVar] = {}
    for (provider, area_key), _ in sorted(score.items()):
        for position in POSITIONS_BY_LEVEL[by_key[area_key].level]:
            x[provider, area_key, position] = model.new_bool_var(f"x[{provider},{area_key},{position}]")

    filled_terms = []
    for area in areas:
        bidders = sorted(p for (p, a) in score if a == area.key)
        for position in POSITIONS_BY_LEVEL[area.level]:
            model.add(sum(x[p, area.key, position] for p in bidders) <= 1)
            filled_terms.extend(x[p, area.key, position] for p in bidders)
        if area.level == 1:
            for p in bidders:
                model.add(x[p, area.key, PRIMARY] + x[p, area.key, SECONDARY] <= 1)
                # A secondary only where there is a primary.
            model.add(sum(x[p, area.key, SECONDARY] for p in bidders) <= sum(x[p, area.key, PRIMARY] for p in bidders))
    for provider in providers:
        for level, cap in ((1, caps.level_1), (2, caps.level_2)):
            won = [var for (p, a, _pos), var in x.items() if p == provider and by_key[a].level == level]
            if won:
                model.add(sum(won) <= cap)

    stages = [
        sum(filled_terms),
        sum(_scaled(score[p, a]) * var for (p, a, _pos), var in x.items()),
        sum(_scaled(score[p, a]) * var for (p, a, pos), var in x.items() if pos == PRIMARY),
        -sum(tie_rank[p] * var for (p, a, _pos), var in x.items()),
    ]
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.random_seed = 2026
    solver.parameters.max_time_in_seconds = time_limit_seconds
    for objective in stages:
        if isinstance(objective, int):  # no bids at all: nothing to optimise
            continue
        model.maximize(objective)
        status = solver.solve(model)
        if status != cp_model.OPTIMAL:
            raise AwardError(f"The optimiser did not prove an optimal award within {time_limit_seconds} seconds")
        best_value = int(round(solver.objective_value))
        model.add(objective == best_value)
        model.clear_hints()
        for var in x.values():
            model.add_hint(var, solver.value(var))

    return {key for key, var in x.items() if solver.value(var)}


def _solve_flow(areas, by_key, score, caps, tie_rank) -> set[tuple[str, str, str]]:
    """The same lexicographic optimum as a min-cost flow: source → (provider, level), as many units as the cap →
    (provider, area), one unit → (area, position), one unit → sink. The most flow fills the most positions; each
    position's cost ranks the rest: the score (stage 2), the score again on a primary position (stage 3, which
    puts the higher score first), then the tie order (stage 4), each weighted above everything after it."""
    positions = [(a.key, pos) for a in areas for pos in POSITIONS_BY_LEVEL[a.level]]
    if not positions or not score:
        return set()
    most = len(positions)
    top_score = max(_scaled(v) for v in score.values())
    top_rank = max(tie_rank.values(), default=0)
    w_primary = most * top_rank + 1  # stage 3 outweighs every tie order
    w_score = most * (top_score * w_primary + top_rank) + 1  # stage 2 outweighs stages 3 and 4
    if most * top_score * (w_score + w_primary) >= 2**62:
        raise AwardError("The award is too large for the flow's exact costs")
    flow = min_cost_flow.SimpleMinCostFlow()
    nodes: dict[tuple, int] = {}

    def node(key: tuple) -> int:
        return nodes.setdefault(key, len(nodes))

    source, sink = node(("source",)), node(("sink",))
    arcs: list[tuple[int, int, int, int]] = []
    position_arcs: dict[int, tuple[str, str, str]] = {}
    for provider, area_key in sorted(score):
        level = by_key[area_key].level
        if not POSITIONS_BY_LEVEL[level]:
            continue
        cap = caps.level_1 if level == 1 else caps.level_2
        if ("provider", provider, level) not in nodes:
            arcs.append((source, node(("provider", provider, level)), cap, 0))
        held = nodes["provider", provider, level]
        bid = node(("bid", provider, area_key))
        arcs.append((held, bid, 1, 0))
        points = _scaled(score[provider, area_key])
        for position in POSITIONS_BY_LEVEL[level]:
            cost = -points * w_score - (points * w_primary if position == PRIMARY else 0) + tie_rank[provider]
            position_arcs[len(arcs)] = (provider, area_key, position)
            arcs.append((bid, node(("position", area_key, position)), 1, cost))
    for area_key, position in positions:
        if ("position", area_key, position) in nodes:
            arcs.append((nodes["position", area_key, position], sink, 1, 0))
    for tail, head, capacity, cost in arcs:
        flow.add_arc_with_capacity_and_unit_cost(tail, head, capacity, cost)
    total = sum(capacity for tail, _, capacity, _ in arcs if tail == source)
    flow.set_node_supply(source, total)
    flow.set_node_supply(sink, -total)
    status = flow.solve_max_flow_with_min_cost()
    if status != flow.OPTIMAL:
        raise AwardError(f"The award's flow could not be solved ({status})")
    chosen = {position_arcs[i] for i in position_arcs if flow.flow(i)}
    return _primaries_first(chosen, score, tie_rank)


def _primaries_first(chosen: set, score, tie_rank) -> set:
    """In each area the higher score holds the primary position (the earlier in the tie order on equal scores), and
    a lone holder is the primary: the same positions, scores and ties, in their places."""
    by_area: dict[str, list[str]] = defaultdict(list)
    for provider, area_key, _ in chosen:
        by_area[area_key].append(provider)
    placed = set()
    for area_key, holders in by_area.items():
        holders.sort(key=lambda p: (-score[p, area_key], tie_rank[p]))
        for provider, position in zip(holders, (PRIMARY, SECONDARY), strict=False):
            placed.add((provider, area_key, position))
    return placed


def _level_wins(result: AwardResult, provider: str, level: int, by_key: dict[str, AwardArea]) -> list[str]:
    return sorted({p.area for p in result.positions_of(provider) if by_key[p.area].level == level})


def _unfilled(areas, score, result: AwardResult, caps: Caps) -> list[Unfilled]:
    by_key = {a.key: a for a in areas}
    out = []
    for area in areas:
        bidders = sorted(p for (p, a) in score if a == area.key)
        for position in POSITIONS_BY_LEVEL[area.level]:
            if result.holder(area.key, position):
                continue
            if not bidders:
                reason = "no provider that passed evaluation applied for this area"
            elif position == SECONDARY and len(bidders) == 1:
                reason = f"only one provider applied ({bidders[0]}), and it holds the primary position"
            else:
                cap = caps.level_1 if area.level == 1 else caps.level_2
                primary = result.holder(area.key, PRIMARY) if position == SECONDARY else None
                others = [p for p in bidders if p != primary]
                reason = (f"{primary} holds the primary position; " if primary else "") + (
                    f"every {'other ' if primary else ''}provider that applied already holds its cap of {cap} "
                    f"level {area.level} areas: "
                    + ", ".join(f"{p} ({', '.join(_level_wins(result, p, area.level, by_key))})" for p in others)
                )
            out.append(Unfilled(area=area.key, position=position, reason=reason))
    return out


def explain(areas, score, result: AwardResult, caps: Caps) -> dict[str, list[str]]:
    """Why each area went to whom, in words a commissioner can check."""
    by_key = {a.key: a for a in areas}
    out: dict[str, list[str]] = {}
    for area in areas:
        lines = []
        bidders = sorted((p for (p, a) in score if a == area.key), key=lambda p: (-score[p, area.key], p))
        holders = {pos: result.holder(area.key, pos) for pos in POSITIONS_BY_LEVEL[area.level]}
        for position, holder in holders.items():
            if holder:
                lines.append(f"{position.capitalize()}: {holder}, score {score[holder, area.key]}")
        if area.level == 3:
            lines.append(
                "Level 3 area: no primary or secondary positions; every admitted bidder is on the reserve list"
            )
        placed = set(holders.values())
        lowest_held = min((score[h, area.key] for h in placed if h), default=None)
        cap = caps.level_1 if area.level == 1 else caps.level_2
        for bidder in bidders:
            if bidder in placed or area.level == 3:
                continue
            if lowest_held is not None and score[bidder, area.key] > lowest_held:
                wins = _level_wins(result, bidder, area.level, by_key)
                lines.append(
                    f"{bidder} scored {score[bidder, area.key]}, more than a position holder, but already holds "
                    f"its cap of {cap} level {area.level} areas ({', '.join(wins)}), where the award scores higher "
                    "in total"
                )
            else:
                lines.append(f"{bidder} scored {score[bidder, area.key]}: reserve list")
        out[area.key] = lines
    return out


def reserve_lists(areas: list[AwardArea], bids: list[AwardBid], result: AwardResult) -> dict[str, list[str]]:
    """Every bidder without a position in an area it applied for, best score first."""
    out = {}
    for area in areas:
        holders = {p.provider for p in result.placements if p.area == area.key}
        reserve = [b for b in bids if b.area == area.key and b.provider not in holders]
        out[area.key] = [b.provider for b in sorted(reserve, key=lambda b: (-b.score, b.provider))]
    return out
