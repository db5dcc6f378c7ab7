from decimal import Decimal

import pytest

from caremarket.domain.evaluation import (
    Candidate,
    EvaluationError,
    QuestionSpec,
    check_score,
    evaluate,
    price_scores,
    quality_score,
    ranked_score,
    unusually_low,
)

D = Decimal
QUESTIONS = [QuestionSpec("q1", D(60), 5), QuestionSpec("q2", D(40), 10)]


def test_quality_score_is_weighted_share_of_maximum():
    assert quality_score({"q1": 5, "q2": 10}, QUESTIONS) == D("100.00")
    assert quality_score({"q1": 3, "q2": 5}, QUESTIONS) == D("56.00")  # 60*0.6 + 40*0.5
    with pytest.raises(EvaluationError, match="No agreed score yet for: q2"):
        quality_score({"q1": 3}, QUESTIONS)


@pytest.mark.parametrize("score", [-1, 6, None, 2.5, True])
def test_score_outside_the_scale(score):
    with pytest.raises(EvaluationError):
        check_score(score, 5)


def test_price_scores_and_low_prices():
    scores = price_scores({"a": D("20.00"), "b": D("25.00"), "c": D("40.00")})
    assert scores == {"a": D("100.00"), "b": D("80.00"), "c": D("50.00")}
    with pytest.raises(EvaluationError, match="more than £0"):
        price_scores({"a": D("0")})
    assert unusually_low({"a": D("14.00"), "b": D("25.00"), "c": D("26.00")}) == {"a"}
    assert unusually_low({"a": D("22.00"), "b": D("25.00"), "c": D("26.00")}) == set()


def test_quality_first_then_price_for_those_that_pass():
    outcomes = evaluate(
        [
            Candidate("good", True, D("80"), D("25.00")),
            Candidate("cheap-but-weak", True, D("40"), D("18.00")),
            Candidate("failed-pass-fail", False, D("95"), D("20.00")),
            Candidate("best", True, D("90"), D("27.00")),
        ],
        quality_weight=D(60),
        price_weight=D(40),
        quality_threshold=D(60),
    )
    by = {o.key: o for o in outcomes}
    assert by["cheap-but-weak"].passed_quality is False and by["cheap-but-weak"].price_score is None
    assert by["failed-pass-fail"].total is None
    # prices compared only among those that passed: 25 is the lowest
    assert by["good"].price_score == D("100.00") and by["good"].total == D("88.00")
    assert by["best"].price_score == D("92.59") and by["best"].total == D("91.04")
    assert (by["best"].rank, by["good"].rank) == (1, 2)


def test_weights_must_add_up():
    with pytest.raises(EvaluationError, match="add up to 100"):
        evaluate([], quality_weight=D(60), price_weight=D(30), quality_threshold=D(0))


def test_ranked_formula():
    assert ranked_score(kpi=D(80), price_score=D(90), kpi_weight=D(50), price_weight=D(50)) == D("85.00")
