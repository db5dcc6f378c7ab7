"""The demand forecast on series whose future is known: a seasonal, growing market is forecast within its interval,
the method says what it assumed, too little history says how much is needed, and the accuracy on the held-back
year is the method's own."""

import math
from datetime import date

import pytest

from caremarket.domain import forecast


def _series(months: int, *, start=date(2019, 4, 1), noise=0.0):
    """40 packages growing by 0.3 a month, 5 more in January than in July, and a small wobble."""
    return [
        (
            forecast.add_months(start, n),
            40 + 0.3 * n + 5 * math.cos((forecast.add_months(start, n).month - 1) / 12 * 2 * math.pi)
            + noise * math.sin(n * 1.7),
        )
        for n in range(months)
    ]  # fmt: skip


def test_a_seasonal_growing_market_is_forecast_within_its_interval():
    known = _series(72, noise=0.8)
    made = forecast.forecast(known[:48], horizon=24)
    assert made.method.endswith("a 12-month season") and made.level == 80
    assert [p.month for p in made.points][:2] == [date(2023, 4, 1), date(2023, 5, 1)]
    assert len(made.points) == 24
    actual = dict(known[48:])
    assert all(abs(p.mean - actual[p.month]) < 0.05 * actual[p.month] for p in made.points)  # within 5%, two years on
    assert sum(1 for p in made.points if p.low <= actual[p.month] <= p.high) >= 12
    january = next(p for p in made.points if p.month == date(2024, 1, 1))
    july = next(p for p in made.points if p.month == date(2023, 7, 1))
    assert january.mean > july.mean + 5  # the season, above the growth between them
    assert all(p.low <= p.mean <= p.high for p in made.points)
    assert made.accuracy is not None and made.accuracy.months == 12
    assert made.accuracy.mean_absolute_percentage_error < 5 and made.accuracy.inside_interval >= 9


def test_under_two_years_there_is_no_season_and_under_one_no_forecast():
    short = forecast.forecast(_series(18), horizon=6)
    assert "no season" in short.method and short.accuracy is None
    with pytest.raises(forecast.TooLittleHistory) as refused:
        forecast.forecast(_series(9), horizon=6)
    assert str(refused.value) == "A forecast needs at least 12 months of history; there are 9"


def test_a_month_with_no_figure_is_a_zero_and_demand_is_never_below_zero():
    gappy = [(date(2020, 1, 1), 3.0), (date(2020, 4, 1), 2.0)]
    assert forecast.filled(gappy) == [
        (date(2020, 1, 1), 3.0), (date(2020, 2, 1), 0.0), (date(2020, 3, 1), 0.0), (date(2020, 4, 1), 2.0)
    ]  # fmt: skip
    falling = [(forecast.add_months(date(2020, 1, 1), n), max(0.0, 12.0 - n)) for n in range(14)]
    assert all(p.low >= 0 and p.mean >= 0 for p in forecast.forecast(falling, horizon=12).points)
