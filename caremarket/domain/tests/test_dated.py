from dataclasses import dataclass
from datetime import date

import pytest

from caremarket.domain.dated import DatedError, check_no_overlap, check_period, in_force


@dataclass
class Rate:
    starts_on: date | None
    ends_on: date | None = None
    amount: str = ""


def test_period_needs_a_start_and_an_end_after_it():
    with pytest.raises(DatedError, match="takes effect from"):
        check_period(Rate(None))
    with pytest.raises(DatedError, match="before it starts"):
        check_period(Rate(date(2024, 4, 1), date(2024, 3, 31)))


def test_overlap_is_refused_and_touching_periods_are_not():
    old = Rate(date(2023, 4, 1), date(2024, 3, 31))
    check_no_overlap(Rate(date(2024, 4, 1)), [old])
    with pytest.raises(DatedError, match="overlaps"):
        check_no_overlap(Rate(date(2024, 3, 31)), [old])
    with pytest.raises(DatedError, match="overlaps"):
        check_no_overlap(Rate(date(2020, 1, 1)), [Rate(date(2024, 4, 1))])


def test_in_force_picks_the_latest_covering_record():
    rates = [Rate(date(2023, 4, 1), date(2024, 3, 31), "a"), Rate(date(2024, 4, 1), None, "b")]
    assert in_force(rates, date(2024, 3, 31)).amount == "a"
    assert in_force(rates, date(2024, 4, 1)).amount == "b"
    assert in_force(rates, date(2023, 3, 31)) is None
