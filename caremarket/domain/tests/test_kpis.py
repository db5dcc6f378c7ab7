"""Each KPI with worked figures."""

from decimal import Decimal

import pytest

from caremarket.domain.kpis import REFERRAL_ACCEPTANCE, AcceptanceCount, Rag, acceptance_rate, counts_towards_acceptance


def test_acceptance_is_accepted_over_decided_to_one_place():
    # 15 accepted, 3 declined, 2 timed out: 15 of 20 decided
    count = AcceptanceCount(accepted=15, declined=3, timed_out=2)
    assert count.decided == 20 and count.rate == Decimal("75.0")
    assert acceptance_rate(2, 3) == Decimal("66.7")  # 66.666… rounds half up
    assert acceptance_rate(0, 0) is None
    with pytest.raises(ValueError):
        acceptance_rate(4, 3)


@pytest.mark.parametrize(
    ("rate", "rag"),
    [("74.9", Rag.RED), ("75.0", Rag.AMBER), ("79.9", Rag.AMBER), ("80.0", Rag.GREEN), (None, None)],
)
def test_red_below_75_amber_within_five_points_green_above(rate, rag):
    assert REFERRAL_ACCEPTANCE.rag(Decimal(rate) if rate else None) == rag


def test_the_rule_binds_primary_and_secondary_providers_in_level_1_areas():
    assert counts_towards_acceptance("primary", 1) and counts_towards_acceptance("secondary", 1)
    assert not counts_towards_acceptance("reserve", 1) and not counts_towards_acceptance("primary", 2)


def test_lower_is_better_kpis_are_red_above_their_threshold():
    from caremarket.domain.kpis import RESPONSE_TIME

    assert RESPONSE_TIME.rag(Decimal("4.5")) == Rag.RED
    assert RESPONSE_TIME.rag(Decimal("3.5")) == Rag.AMBER  # within an hour of the four allowed
    assert RESPONSE_TIME.rag(Decimal("2.0")) == Rag.GREEN
    assert RESPONSE_TIME.target == "at most 4 working hours"


def test_each_kpi_from_worked_figures():
    from datetime import date

    from caremarket.domain import kpis

    # answers after 1, 2, 3 and 10 hours: the median is 2.5 hours, amber against at most 4
    assert kpis.median([Decimal(10), Decimal(1), Decimal(3), Decimal(2)]) == Decimal("2.5")
    assert kpis.RESPONSE_TIME.rag(Decimal("2.5")) == Rag.GREEN
    # starts 3, 9 and 12 days after acceptance: the median 9 is red against at most 7
    assert kpis.ACCEPTANCE_TO_START.rag(kpis.median([Decimal(3), Decimal(9), Decimal(12)])) == Rag.RED
    # 14 hours a week planned over 28 days, 3 of them in hospital: 50 hours planned; 48 delivered is 96.0%, amber
    planned = kpis.planned_hours(
        Decimal(14), date(2026, 1, 1), date(2026, 12, 31), date(2026, 3, 1), date(2026, 3, 28), 3
    )
    assert planned == Decimal(50)
    assert kpis.share(48, planned) == Decimal("96.0") and kpis.HOURS_DELIVERED.rag(Decimal("96.0")) == Rag.AMBER
    # 3 complaints over 2,400 hours: 1.25 per 1,000, red against at most 1
    assert kpis.per_thousand(3, Decimal(2400)) == Decimal("1.25")
    assert kpis.COMPLAINTS_RATE.rag(Decimal("1.25")) == Rag.RED
    # 2 of 3 plans on time: 66.7%, red against all of them
    assert kpis.share(2, 3) == Decimal("66.7") and kpis.ACTION_PLANS_ON_TIME.rag(Decimal("66.7")) == Rag.RED
    assert kpis.ACTION_PLANS_ON_TIME.rag(Decimal(100)) == Rag.GREEN
    assert kpis.median([]) is None and kpis.share(0, 0) is None and kpis.per_thousand(1, Decimal(0)) is None


def test_answers_are_timed_in_working_hours():
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from caremarket.domain.routing import add_working_hours, working_hours_between

    london = ZoneInfo("Europe/London")
    friday_4pm = datetime(2026, 11, 20, 16, 0, tzinfo=london)
    # offered at 16:00 on a Friday, answered at 11:00 on Monday: one hour on Friday and two on Monday
    assert working_hours_between(friday_4pm, datetime(2026, 11, 23, 11, 0, tzinfo=london)) == 3.0
    assert working_hours_between(friday_4pm, add_working_hours(friday_4pm, 4)) == 4.0
    assert working_hours_between(friday_4pm, friday_4pm) == 0.0


def test_a_providers_kpi_score_for_ranking():
    from caremarket.domain.kpis import kpi_score

    assert kpi_score([Rag.GREEN, Rag.GREEN, Rag.AMBER, Rag.RED, None]) == (
        Decimal("62.5"),
        "2 green, 1 amber, 1 red of 4 figures",
    )
    assert kpi_score([None]) == (None, "no KPI figures yet")
