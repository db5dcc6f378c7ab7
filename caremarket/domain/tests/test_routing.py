from datetime import date, datetime

import pytest

from caremarket.domain.routing import add_working_hours, cascade_steps, ranked_steps


@pytest.mark.parametrize(
    "start,hours,expected",
    [
        ("2026-11-23 10:00", 4, "2026-11-23 14:00"),  # Monday morning
        ("2026-11-23 15:00", 4, "2026-11-24 11:00"),  # runs over into Tuesday
        ("2026-11-27 16:00", 4, "2026-11-30 12:00"),  # Friday afternoon to Monday
        ("2026-11-28 11:00", 4, "2026-11-30 13:00"),  # offered on a Saturday
        ("2026-11-23 07:30", 1, "2026-11-23 10:00"),  # before the day starts
        ("2026-11-23 18:00", 8, "2026-11-24 17:00"),
    ],
)
def test_deadlines_in_working_hours(start, hours, expected):
    assert add_working_hours(datetime.fromisoformat(start), hours) == datetime.fromisoformat(expected)


def test_bank_holidays_are_not_working_days():
    christmas = frozenset({date(2026, 12, 25), date(2026, 12, 28)})
    assert add_working_hours(datetime(2026, 12, 24, 15), 4, christmas) == datetime(2026, 12, 29, 11)


def test_cascade_skips_ineligible_and_offers_reserve_all_at_once():
    steps = cascade_steps(
        primary="ash", secondary="birch", reserve=["cedar", "dogwood", "elm"], eligible={"birch", "cedar", "elm"}
    )
    assert [(s.name, s.providers, s.all_at_once) for s in steps] == [
        ("secondary", ("birch",), False),
        ("reserve", ("cedar", "elm"), True),
    ]
    assert cascade_steps(primary=None, secondary=None, reserve=[], eligible=set()) == []


def test_ranked_one_at_a_time():
    steps = ranked_steps(ranked=["a", "b", "c"], eligible={"a", "c"})
    assert [(s.name, s.providers) for s in steps] == [("rank-1", ("a",)), ("rank-3", ("c",))]
