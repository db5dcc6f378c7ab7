from datetime import date
from decimal import Decimal

import pytest

from caremarket.domain import quality
from caremarket.domain.quality import (
    DEFAULT_FRAMEWORK,
    DEFAULT_SCALE,
    DomainSpec,
    Framework,
    PlannedAction,
    QualityError,
    QuestionSpec,
    RiskFacts,
    StandardSpec,
)

D = Decimal


def small_framework() -> Framework:
    """Two domains; the first weighs double, its first question weighs double; one question is for day services."""
    return Framework(
        DEFAULT_SCALE,
        (
            DomainSpec(
                "1",
                "Safe",
                D(2),
                (
                    StandardSpec(
                        "1.1",
                        "Safeguarding",
                        D(1),
                        (
                            QuestionSpec("1.1.1", "Abuse is reported", "", D(2)),
                            QuestionSpec("1.1.2", "Checks are done", "", D(1)),
                        ),
                    ),
                ),
            ),
            DomainSpec(
                "2",
                "Caring",
                D(1),
                (
                    StandardSpec(
                        "2.1",
                        "Dignity",
                        D(1),
                        (
                            QuestionSpec("2.1.1", "Dignity", "", D(1)),
                            QuestionSpec("2.1.2", "Activities", "", D(1), frozenset({"day-services"})),
                        ),
                    ),
                ),
            ),
        ),
    )


def test_ratings_roll_up_by_weight_and_every_step_is_explained():
    ratings = {"1.1.1": "good", "1.1.2": "requires-improvement", "2.1.1": "excellent"}
    rollup = quality.roll_up(small_framework(), ratings, "home-care")
    safe, caring = rollup.domains
    # each step averages its parts' ratings: the standard (3 x 2 + 2 x 1) / 3 = 2.67 is Good (3), so Safe is 3.00
    assert safe.parts[0].score == D("2.67") and safe.parts[0].level.code == "good"
    assert safe.score == D("3.00") and safe.level.code == "good"
    assert caring.score == D("4.00") and caring.level.code == "excellent"
    # (3 x 2 + 4 x 1) / 3 = 3.33: Good
    assert rollup.overall.score == D("3.33") and rollup.overall.level.code == "good"
    lines = rollup.explanation()
    assert lines[0] == "Overall: Good, weighted score (3 x 2 + 4 x 1) / 3 = 3.33"
    assert "      Question 1.1.2 Checks are done: Requires improvement (2), weight 1" in lines
    assert len(lines) == 1 + 2 + 2 + 3  # overall, two domains, two standards, three questions asked


def test_a_poor_answer_is_never_averaged_away():
    ratings = {"1.1.1": "excellent", "1.1.2": "poor", "2.1.1": "excellent"}
    rollup = quality.roll_up(small_framework(), ratings, "home-care")
    standard = rollup.domains[0].parts[0]
    # (4 x 2 + 1 x 1) / 3 = 3.00 would be Good; a Poor part holds it at Requires improvement
    assert standard.score == D("3.00") and standard.level.code == "requires-improvement" and standard.held
    assert "held at Requires improvement because a part is rated Poor" in rollup.explanation()[2]


def test_a_half_rounds_up_to_the_better_rating():
    assert DEFAULT_SCALE.band(D("2.5")).code == "good"
    assert DEFAULT_SCALE.band(D("2.49")).code == "requires-improvement"
    assert DEFAULT_SCALE.band(D("1.2")).code == "poor"


def test_questions_for_another_service_are_not_asked_and_every_asked_question_is_rated():
    framework = small_framework()
    with pytest.raises(QualityError, match="not asked of this service"):
        quality.roll_up(framework, {"1.1.1": "good", "1.1.2": "good", "2.1.1": "good", "2.1.2": "good"}, "home-care")
    with pytest.raises(QualityError, match="2.1.2 not rated"):
        quality.roll_up(framework, {"1.1.1": "good", "1.1.2": "good", "2.1.1": "good"}, "day-services")


def test_a_rating_outside_the_scale_is_refused():
    with pytest.raises(QualityError, match="'outstanding' is not a rating on this scale"):
        quality.roll_up(small_framework(), {"1.1.1": "outstanding", "1.1.2": "good", "2.1.1": "good"}, "home-care")


def test_the_default_framework_is_sound_and_asks_services_their_own_questions():
    DEFAULT_FRAMEWORK.check()
    home = {q.key for q in DEFAULT_FRAMEWORK.questions("home-care")}
    day = {q.key for q in DEFAULT_FRAMEWORK.questions("day-services")}
    assert "1.2.2" in home and "1.2.2" not in day  # medicines
    assert "4.1.3" in day and "4.1.3" not in home  # activities
    assert "3.1.2" in {q.key for q in DEFAULT_FRAMEWORK.questions("supported-living")}  # least 1:1 (seed 002)


def test_a_framework_with_a_zero_weight_or_a_repeated_key_is_refused():
    bad = Framework(DEFAULT_SCALE, (DomainSpec("1", "Safe", D(0), small_framework().domains[0].standards),))
    with pytest.raises(QualityError, match="needs a weight above 0"):
        bad.check()
    q = QuestionSpec("1", "Same", "")
    twice = Framework(DEFAULT_SCALE, (DomainSpec("1", "A", D(1), (StandardSpec("1.1", "S", D(1), (q, q)),)),))
    with pytest.raises(QualityError, match="appears twice"):
        twice.check()


def test_the_timers():
    shared = date(2026, 11, 2)
    assert quality.accuracy_window_closes(shared) == date(2026, 11, 16)
    assert quality.action_plan_due(date(2026, 11, 20)) == date(2026, 12, 4)
    assert quality.revisit_due(date(2026, 8, 31), "requires-improvement") == date(2027, 2, 28)  # six months
    assert quality.revisit_due(date(2026, 8, 31), "good") == date(2027, 8, 31)
    # a complaint received on a Friday is acknowledged by the Wednesday; a bank holiday Monday pushes it on
    assert quality.acknowledge_by(date(2026, 11, 20)) == date(2026, 11, 25)
    assert quality.acknowledge_by(date(2026, 12, 24), frozenset({date(2026, 12, 25), date(2026, 12, 28)})) == date(
        2026, 12, 31
    )
    assert quality.respond_by(date(2026, 11, 2)) == date(2026, 11, 30)  # 20 working days


def test_an_action_plan_needs_an_action_per_issue_with_owner_and_a_future_date():
    today = date(2026, 11, 23)
    good = PlannedAction("1.1.2", "Finish checks", "Registered manager", date(2026, 12, 31))
    quality.check_action_plan(["1.1.2"], [good], today)
    with pytest.raises(QualityError, match="none yet for question 2.1.1"):
        quality.check_action_plan(["1.1.2", "2.1.1"], [good], today)
    with pytest.raises(QualityError, match="which has passed"):
        quality.check_action_plan(["1.1.2"], [PlannedAction("1.1.2", "x", "y", date(2026, 11, 1))], today)
    with pytest.raises(QualityError, match="Name who owns"):
        quality.check_action_plan(["1.1.2"], [PlannedAction("1.1.2", "x", " ", date(2026, 12, 1))], today)


def test_the_visit_queue_puts_risk_first_and_says_why():
    never = quality.visit_priority(RiskFacts("Never Seen Ltd", None, None))
    assert never.points == 30 and never.reasons == ("never visited",)
    poor = quality.visit_priority(
        RiskFacts("Poor Care Ltd", 7, "poor", revisit_overdue=True, open_complaints=2, open_safeguarding=1, kpis_red=1)
    )
    # 20 safeguarding + 7 months + 20 overdue + 25 Poor + 10 complaints + 10 KPI
    assert poor.points == 92
    assert poor.reasons[0] == "1 open safeguarding concern(s)" and "last rated Poor" in poor.reasons
    good = quality.visit_priority(RiskFacts("Fine Ltd", 3, "good"))
    assert good.points == 3 and good.reasons == ("3 months since the last visit",)


def test_the_framework_goes_to_a_sheet_and_back_and_a_bad_sheet_says_which_rows():
    header, *rows = quality.framework_sheet(DEFAULT_FRAMEWORK)
    assert tuple(header) == quality.SHEET_COLUMNS and len(rows) == len(DEFAULT_FRAMEWORK.questions())
    as_dicts = [dict(zip(header, r, strict=True)) for r in rows]
    assert quality.framework_from_sheet(as_dicts) == DEFAULT_FRAMEWORK
    as_dicts[0]["weight"] = "0"
    as_dicts[1]["domain weight"] = "3"  # Safe is weighted 2 on the row above
    as_dicts[2]["text"] = ""
    with pytest.raises(QualityError) as refused:
        quality.framework_from_sheet(as_dicts)
    assert refused.value.message == (
        "Row 2: weight '0' is not a number above 0; Row 3: domain 1 has another title or weight above; "
        "Row 4: text missing"
    )
    with pytest.raises(QualityError, match="no questions"):
        quality.framework_from_sheet([])
