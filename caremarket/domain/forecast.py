"""Demand forecast with a minimum and a maximum (seed 004: "forecast demand over the four years of the contract"),
from a monthly series of packages, by exponential smoothing (statsmodels' ETS): additive errors, a damped additive
trend (a market does not grow in a straight line for ever) and, from two years of history, a 12-month season. The
interval is the model's own prediction interval. Its accuracy is shown by fitting on all but the last year and
forecasting that year, against what happened."""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from datetime import date

MIN_MONTHS = 12  # enough for a level and a trend
SEASONAL_FROM = 24  # two of each month before a season is estimated
HELD_BACK = 12  # the year kept back to show the forecast's accuracy
LEVEL = 80  # the interval's coverage, in per cent


class TooLittleHistory(ValueError):
    def __init__(self, has: int, needs: int = MIN_MONTHS):
        self.has, self.needs = has, needs
        super().__init__(f"A forecast needs at least {needs} months of history; there are {has}")


@dataclass(frozen=True)
class Point:
    month: date
    mean: float
    low: float
    high: float


@dataclass(frozen=True)
class Accuracy:
    months: int
    mean_absolute_error: float
    mean_absolute_percentage_error: float | None  # none when a held-back month was zero
    inside_interval: int  # held-back months whose actual figure fell inside the interval
    points: tuple[tuple[Point, float], ...]  # each forecast month with what happened


@dataclass(frozen=True)
class Forecast:
    method: str
    level: int
    points: tuple[Point, ...]
    accuracy: Accuracy | None


def add_months(month: date, n: int) -> date:
    index = month.year * 12 + month.month - 1 + n
    return date(index // 12, index % 12 + 1, 1)


def filled(series: list[tuple[date, float]]) -> list[tuple[date, float]]:
    """The series month by month from its first month to its last, a month with no figure counted as zero."""
    if not series:
        return []
    given = dict(series)
    first, last = min(given), max(given)
    out, month = [], first
    while month <= last:
        out.append((month, float(given.get(month, 0))))
        month = add_months(month, 1)
    return out


def _fit(values: list[float], first: date):
    import pandas as pd
    from statsmodels.tools.sm_exceptions import ConvergenceWarning
    from statsmodels.tsa.exponential_smoothing.ets import ETSModel

    seasonal = len(values) >= SEASONAL_FROM
    index = pd.date_range(pd.Timestamp(first), periods=len(values), freq="MS")
    model = ETSModel(
        pd.Series(values, index=index, dtype=float),
        error="add",
        trend="add",
        damped_trend=True,
        seasonal="add" if seasonal else None,
        seasonal_periods=12 if seasonal else None,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        warnings.simplefilter("ignore", RuntimeWarning)
        return model.fit(disp=False), seasonal


def _predict(fitted, start: int, horizon: int, first: date, level: int) -> list[Point]:
    frame = fitted.get_prediction(start=start, end=start + horizon - 1).summary_frame(alpha=1 - level / 100)
    return [
        Point(add_months(first, start + i), max(0.0, float(r.mean)), max(0.0, float(r.pi_lower)), float(r.pi_upper))
        for i, r in enumerate(frame.itertuples())
    ]


def method_of(seasonal: bool) -> str:
    season = ", a 12-month season" if seasonal else " (no season: under two years of history)"
    return f"Exponential smoothing (ETS): additive errors, a damped additive trend{season}"


def forecast(series: list[tuple[date, float]], horizon: int, level: int = LEVEL, assess: bool = True) -> Forecast:
    """The next `horizon` months after the series, each with its interval; and, given a year more than the least
    history (and `assess`), the accuracy of the same method on the last year held back."""
    months = filled(series)
    if len(months) < MIN_MONTHS:
        raise TooLittleHistory(len(months))
    if horizon < 1:
        raise ValueError("A forecast is for at least one month")
    first, values = months[0][0], [v for _, v in months]
    fitted, seasonal = _fit(values, first)
    points = tuple(_predict(fitted, len(values), horizon, first, level))
    accuracy = None
    if assess and len(values) >= MIN_MONTHS + HELD_BACK:
        kept = values[:-HELD_BACK]
        trial, _ = _fit(kept, first)
        guessed = _predict(trial, len(kept), HELD_BACK, first, level)
        actual = values[-HELD_BACK:]
        errors = [abs(p.mean - a) for p, a in zip(guessed, actual, strict=True)]
        mape = (
            None
            if any(a == 0 for a in actual)
            else sum(e / a for e, a in zip(errors, actual, strict=True)) / len(actual) * 100
        )
        accuracy = Accuracy(
            months=HELD_BACK,
            mean_absolute_error=sum(errors) / len(errors),
            mean_absolute_percentage_error=mape,
            inside_interval=sum(1 for p, a in zip(guessed, actual, strict=True) if p.low <= a <= p.high),
            points=tuple(zip(guessed, actual, strict=True)),
        )
    return Forecast(method=method_of(seasonal), level=level, points=points, accuracy=accuracy)
