"""Evaluation of applications: quality first, then price for those that pass (seed 001), and rankings.

Scores are Decimals rounded half up to two places; weights are percentages that add up to 100.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

TWO_PLACES = Decimal("0.01")
HUNDRED = Decimal(100)


class EvaluationError(ValueError):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


def _round(value: Decimal) -> Decimal:
    return value.quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class QuestionSpec:
    key: str
    weight: Decimal
    max_score: int


def check_score(score: int | None, max_score: int) -> int:
    if score is None or isinstance(score, bool) or not isinstance(score, int):
        raise EvaluationError("score", f"Give a whole-number score from 0 to {max_score}")
    if not 0 <= score <= max_score:
        raise EvaluationError("score", f"The score must be from 0 to {max_score}, not {score}")
    return score


def check_weights(quality_weight: Decimal, price_weight: Decimal) -> None:
    if quality_weight < 0 or price_weight < 0 or quality_weight + price_weight != HUNDRED:
        raise EvaluationError("quality_weight", "Quality and price weights must be 0 or more and add up to 100")


def quality_score(scores: dict[str, int], questions: list[QuestionSpec]) -> Decimal:
    """0-100: each question's score as a share of its maximum, weighted."""
    total_weight = sum((q.weight for q in questions), Decimal(0))
    if total_weight <= 0:
        raise EvaluationError("weight", "The scored questions need weights above zero")
    missing = [q.key for q in questions if q.key not in scores]
    if missing:
        raise EvaluationError("score", f"No agreed score yet for: {', '.join(missing)}")
    value = sum(
        (Decimal(check_score(scores[q.key], q.max_score)) / q.max_score * q.weight for q in questions), Decimal(0)
    )
    return _round(value / total_weight * HUNDRED)


def price_scores(prices: dict[str, Decimal]) -> dict[str, Decimal]:
    """0-100: the lowest price scores 100, others in proportion (lowest / price × 100)."""
    if not prices:
        return {}
    for key, price in prices.items():
        if price <= 0:
            raise EvaluationError("price", f"The price of {key} must be more than £0")
    lowest = min(prices.values())
    return {key: _round(lowest / price * HUNDRED) for key, price in prices.items()}


def unusually_low(prices: dict[str, Decimal], tolerance: Decimal = Decimal("0.15")) -> set[str]:
    """Prices more than `tolerance` below the median are flagged for review (seed 001), never rejected."""
    if len(prices) < 3:
        return set()
    median = Decimal(statistics.median(prices.values()))
    return {key for key, price in prices.items() if price < median * (1 - tolerance)}


@dataclass(frozen=True)
class Candidate:
    key: str
    passed_pass_fail: bool
    quality: Decimal
    price: Decimal | None = None


@dataclass(frozen=True)
class Outcome:
    key: str
    passed_pass_fail: bool
    quality: Decimal
    passed_quality: bool
    price_score: Decimal | None
    total: Decimal | None
    rank: int | None
    low_price: bool


def evaluate(
    candidates: list[Candidate], *, quality_weight: Decimal, price_weight: Decimal, quality_threshold: Decimal
) -> list[Outcome]:
    """Quality first; only those that pass the pass/fail questions and the threshold have prices scored."""
    check_weights(quality_weight, price_weight)
    passing = [c for c in candidates if c.passed_pass_fail and c.quality >= quality_threshold]
    priced = {c.key: c.price for c in passing if c.price is not None}
    scores = price_scores(priced)
    flags = unusually_low(priced)
    totals = {}
    for c in passing:
        price_part = scores.get(c.key, Decimal(0))
        totals[c.key] = _round((c.quality * quality_weight + price_part * price_weight) / HUNDRED)
    order = sorted(totals, key=lambda k: (-totals[k], k))
    ranks = {}
    for position, key in enumerate(order, start=1):
        previous = order[position - 2] if position > 1 else None
        ranks[key] = ranks[previous] if previous and totals[previous] == totals[key] else position
    return [
        Outcome(
            key=c.key,
            passed_pass_fail=c.passed_pass_fail,
            quality=c.quality,
            passed_quality=c.key in totals,
            price_score=scores.get(c.key),
            total=totals.get(c.key),
            rank=ranks.get(c.key),
            low_price=c.key in flags,
        )
        for c in candidates
    ]


def ranked_score(*, kpi: Decimal, price_score: Decimal, kpi_weight: Decimal, price_weight: Decimal) -> Decimal:
    """A ranked framework's formula (seed 004), for example 50% KPI score and 50% price score."""
    check_weights(kpi_weight, price_weight)
    return _round((kpi * kpi_weight + price_score * price_weight) / HUNDRED)
