"""Demand by service and area, month by month, from the market's months (history and Caremarket's own placements),
and its forecast (domain/forecast.py)."""

from __future__ import annotations

from datetime import date

from django.db.models import Sum

from caremarket.domain import forecast, insight

from .models import MarketMonth

MEASURES = {"new": "New packages", "active": "Active packages"}
HORIZONS = {"1": 12, "2": 24, "3": 36, "4": 48}  # years -> months; seed 004's contract runs four years


def demand_series(*, council, service_type_id: int, area_id: int | None, measure: str, today: date) -> list:
    """(month, packages) for every month before this one, history and Caremarket's own months together."""
    column = "active_packages" if measure == "active" else "new_packages"
    found = MarketMonth.objects.for_organisation(council).filter(
        service_type_id=service_type_id, source__in=("history", "placements"), month__lt=insight.month_of(today)
    )
    if area_id:
        found = found.filter(area_id=area_id)
    rows = found.values("month").annotate(total=Sum(column)).order_by("month")
    return [(r["month"], float(r["total"] or 0)) for r in rows]


def demand_forecast(
    *, council, service_type_id: int, area_id: int | None, measure: str, years: str, today: date, assess: bool = True
):
    """The series and its forecast over the horizon (and its accuracy on the held-back year, unless `assess` is
    false); TooLittleHistory says how much more is needed."""
    series = forecast.filled(
        demand_series(council=council, service_type_id=service_type_id, area_id=area_id, measure=measure, today=today)
    )
    return series, forecast.forecast(series, horizon=HORIZONS.get(years, 48), assess=assess)
