"""The award optimiser against brute force on small cases, and its rules and explanations."""

import itertools
import random
from decimal import Decimal

import pytest

from caremarket.domain.award import (
    PRIMARY,
    SECONDARY,
    AwardArea,
    AwardBid,
    AwardError,
    Caps,
    compute_award,
    reserve_lists,
)


def brute_force(areas, bids, caps):
    """Best (positions filled, total score) over every possible assignment."""
    score = {(b.provider, b.area): b.score for b in bids}
    slots = [(a, pos) for a in areas for pos in {1: (PRIMARY, SECONDARY), 2: (PRIMARY,), 3: ()}[a.level]]
    choices = []
    for area, _pos in slots:
        choices.append([None] + sorted(p for (p, a) in score if a == area.key))
    best = (-1, Decimal(-1))
    for combo in itertools.product(*choices):
        held = {}
        ok = True
        for (area, pos), provider in zip(slots, combo, strict=True):
            if provider is None:
                continue
            if held.get((area.key, provider)):
                ok = False
                break
            held[area.key, provider] = pos
        if not ok:
            continue
        for (area, pos), provider in zip(slots, combo, strict=True):
            if area.level == 1 and pos == SECONDARY and provider is not None:
                primary = combo[slots.index((area, PRIMARY))]
                if primary is None:
                    ok = False
        wins = {}
        for (area_key, provider), _pos in held.items():
            level = next(a.level for a in areas if a.key == area_key)
            wins[provider, level] = wins.get((provider, level), 0) + 1
        if any(n > (caps.level_1 if lvl == 1 else caps.level_2) for (_p, lvl), n in wins.items()):
            ok = False
        if not ok:
            continue
        filled = sum(1 for c in combo if c is not None)
        total = sum((score[c, area.key] for (area, _pos), c in zip(slots, combo, strict=True) if c), Decimal(0))
        best = max(best, (filled, total))
    return best


def random_case(rng):
    areas = [AwardArea(f"a{i}", f"Area {i}", rng.choice([1, 1, 2, 3])) for i in range(rng.randint(2, 4))]
    providers = [f"p{i}" for i in range(rng.randint(2, 4))]
    bids = [
        AwardBid(p, a.key, Decimal(rng.randint(40, 100)) + Decimal(rng.randint(0, 99)) / 100)
        for p in providers
        for a in areas
        if rng.random() < 0.75
    ]
    caps = Caps(level_1=rng.randint(0, 2), level_2=rng.randint(0, 2))
    return areas, bids, caps


@pytest.mark.parametrize("seed", range(60))
def test_matches_brute_force_on_small_cases(seed):
    areas, bids, caps = random_case(random.Random(seed))
    result = compute_award(areas, bids, caps)
    filled, total = brute_force(areas, bids, caps)
    assert (len(result.placements), result.total_score) == (filled, total)
    # every unfilled position is reported with a reason
    slots = sum({1: 2, 2: 1, 3: 0}[a.level] for a in areas)
    assert len(result.placements) + len(result.unfilled) == slots
    assert all(u.reason for u in result.unfilled)


def test_levels_positions_and_primary_goes_to_the_higher_score():
    areas = [AwardArea("n", "North", 1), AwardArea("s", "South", 2), AwardArea("r", "Rural", 3)]
    bids = [
        AwardBid(p, a, Decimal(s))
        for p, a, s in [
            ("ash", "n", "80"),
            ("birch", "n", "90"),
            ("cedar", "n", "70"),
            ("ash", "s", "60"),
            ("cedar", "s", "75"),
            ("ash", "r", "99"),
            ("birch", "r", "50"),
        ]
    ]
    result = compute_award(areas, bids, Caps(level_1=1, level_2=1))
    assert result.holder("n", PRIMARY) == "birch" and result.holder("n", SECONDARY) == "ash"
    assert result.holder("s", PRIMARY) == "cedar"
    assert [p for p in result.placements if p.area == "r"] == []
    assert reserve_lists(areas, bids, result) == {"n": ["cedar"], "s": ["ash"], "r": ["ash", "birch"]}
    assert result.unfilled == []
    assert any("Level 3 area" in line for line in result.explanations["r"])


def test_cap_moves_a_provider_and_the_explanation_says_so():
    areas = [AwardArea("a", "A", 2), AwardArea("b", "B", 2)]
    bids = [
        AwardBid("star", "a", Decimal(95)),
        AwardBid("star", "b", Decimal(90)),
        AwardBid("solid", "a", Decimal(80)),
        AwardBid("solid", "b", Decimal(60)),
    ]
    result = compute_award(areas, bids, Caps(level_1=0, level_2=1))
    # star may win one level 2 area: star in b with solid in a (90 + 80) beats star in a with solid in b (95 + 60)
    assert (result.holder("a", PRIMARY), result.holder("b", PRIMARY)) == ("solid", "star")
    assert result.total_score == Decimal(170)
    assert any("star scored 95" in line and "cap of 1 level 2" in line for line in result.explanations["a"])


def test_unfillable_areas_say_which_and_why():
    areas = [AwardArea("lonely", "Lonely", 1), AwardArea("empty", "Empty", 2), AwardArea("busy", "Busy", 2)]
    bids = [AwardBid("solo", "lonely", Decimal(70)), AwardBid("solo", "busy", Decimal(70))]
    result = compute_award(areas, bids, Caps(level_1=1, level_2=0))
    reasons = {(u.area, u.position): u.reason for u in result.unfilled}
    assert "only one provider applied (solo)" in reasons["lonely", SECONDARY]
    assert "no provider that passed evaluation applied" in reasons["empty", PRIMARY]
    assert "holds its cap of 0 level 2 areas" in reasons["busy", PRIMARY]


def test_ties_are_broken_deterministically():
    areas = [AwardArea("a", "A", 2)]
    bids = [AwardBid(p, "a", Decimal(80)) for p in ("zeta", "alpha", "mu")]
    assert compute_award(areas, bids, Caps(0, 1)).holder("a", PRIMARY) == "alpha"
    assert compute_award(areas, bids, Caps(0, 1), tie_order=["mu", "zeta", "alpha"]).holder("a", PRIMARY) == "mu"


@pytest.mark.parametrize(
    "areas,bids,message",
    [
        ([AwardArea("a", "A", 1)], [AwardBid("p", "x", Decimal(1))], "unknown area 'x'"),
        ([AwardArea("a", "A", 1)], [AwardBid("p", "a", Decimal(1))] * 2, "bid twice"),
        ([AwardArea("a", "A", 1)], [AwardBid("p", "a", Decimal(-1))], "negative"),
    ],
)
def test_bad_input(areas, bids, message):
    with pytest.raises(AwardError, match=message):
        compute_award(areas, bids, Caps(1, 1))


def _stages(result, tie_rank) -> tuple:
    """The four things the award optimises, in order: positions filled, total score, the primaries' scores, and
    the tie order (lower ranks first)."""
    primaries = sum((p.score for p in result.placements if p.position == PRIMARY), Decimal(0))
    return (
        len(result.placements),
        result.total_score,
        primaries,
        -sum(tie_rank[p.provider] for p in result.placements),
    )


def _tie_rank(bids) -> dict:
    best = {}
    for b in bids:
        best[b.provider] = max(best.get(b.provider, Decimal(0)), b.score)
    return {p: i for i, p in enumerate(sorted(best, key=lambda p: (-best[p], p)))}


def brute_force_stages(areas, bids, caps, tie_rank) -> tuple:
    """The best of every possible assignment by all four stages (lexicographically)."""
    score = {(b.provider, b.area): b.score for b in bids}
    slots = [(a, pos) for a in areas for pos in {1: (PRIMARY, SECONDARY), 2: (PRIMARY,), 3: ()}[a.level]]
    choices = [[None] + sorted(p for (p, a) in score if a == area.key) for area, _ in slots]
    best = None
    for combo in itertools.product(*choices):
        chosen = [(area, pos, p) for (area, pos), p in zip(slots, combo, strict=True) if p is not None]
        if len({(area.key, p) for area, _, p in chosen}) < len(chosen):
            continue  # one position per provider per area
        primaries = {area.key for area, pos, _ in chosen if pos == PRIMARY}
        if any(pos == SECONDARY and area.key not in primaries for area, pos, _ in chosen):
            continue
        wins = {}
        for area, _, p in chosen:
            wins[p, area.level] = wins.get((p, area.level), 0) + 1
        if any(n > (caps.level_1 if level == 1 else caps.level_2) for (_, level), n in wins.items()):
            continue
        value = (
            len(chosen),
            sum((score[p, area.key] for area, _, p in chosen), Decimal(0)),
            sum((score[p, area.key] for area, pos, p in chosen if pos == PRIMARY), Decimal(0)),
            -sum(tie_rank[p] for _, _, p in chosen),
        )
        best = value if best is None or value > best else best
    return best


@pytest.mark.parametrize("seed", range(40))
def test_the_flow_finds_the_exhaustive_optimum_by_all_four_stages_even_with_tied_scores(seed):
    rng = random.Random(1000 + seed)
    areas, bids, caps = random_case(rng)
    if seed % 2:  # whole scores from a few values: many ties for stages 3 and 4 to settle
        bids = [AwardBid(b.provider, b.area, Decimal(rng.choice([60, 70, 70, 80]))) for b in bids]
    tie_rank = _tie_rank(bids)
    result = compute_award(areas, bids, caps)
    assert _stages(result, tie_rank) == brute_force_stages(areas, bids, caps, tie_rank)
    scores = {(b.provider, b.area): b.score for b in bids}
    for area in areas:  # the primary is the higher score
        primary, secondary = result.holder(area.key, PRIMARY), result.holder(area.key, SECONDARY)
        if secondary:
            assert primary and scores[primary, area.key] >= scores[secondary, area.key]


@pytest.mark.parametrize("seed", range(3))
def test_the_flow_and_the_cp_sat_model_it_replaced_reach_the_same_optimum(seed):
    rng = random.Random(seed)
    levels = [1] * 6 + [2] * 6 + [3] * 3
    areas = [AwardArea(f"area-{i:02d}", f"Area {i}", level) for i, level in enumerate(levels)]
    bids = []
    for p in range(25):
        quality = rng.uniform(55, 95)
        for area in rng.sample(areas, rng.randint(3, 9)):
            bids.append(AwardBid(f"provider-{p:02d}", area.key, Decimal(str(round(quality + rng.uniform(-5, 5))))))
    tie_rank = _tie_rank(bids)
    flow = compute_award(areas, bids, Caps(2, 2))
    cp_sat = compute_award(areas, bids, Caps(2, 2), solver="cp-sat")
    assert _stages(flow, tie_rank) == _stages(cp_sat, tie_rank)
    assert compute_award(areas, bids, Caps(2, 2)).placements == flow.placements  # the same bids, the same award
