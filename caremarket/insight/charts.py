"""Charts drawn on the server as SVG: no script, nothing from elsewhere, printable. Each is read without colour (the
history a solid line, the forecast a dashed one, its interval a hatched band, each named in the legend) and, by a
screen reader, from its title and the data table beside it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

WIDTH, HEIGHT = 720, 320
LEFT, RIGHT, TOP, BOTTOM = 56, 16, 16, 40


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    history: str  # polyline points
    forecast: str
    band: str  # polygon points
    now_x: float | None
    y_ticks: list[tuple[float, str]]
    x_ticks: list[tuple[float, str]]
    plot: tuple[int, int, int, int]  # left, top, right, bottom
    capacity_y: float | None = None  # a level line (capacity), drawn dotted and named in the legend


def _nice_top(value: float) -> float:
    if value <= 0:
        return 1.0
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000, 10000):
        if value <= step * 5:
            return float(step * 5)
    return float(value)


def forecast_chart(history: list[tuple[date, float]], points, capacity: int | None = None) -> Chart:
    """History and forecast on one time axis, the forecast's interval as a band, capacity as a level line."""
    months = [m for m, _ in history] + [p.month for p in points]
    top = _nice_top(max([v for _, v in history] + [p.high for p in points] + [1.0, float(capacity or 0)]))
    span = max(1, len(months) - 1)
    right, bottom = WIDTH - RIGHT, HEIGHT - BOTTOM

    def x(i: int) -> float:
        return round(LEFT + (right - LEFT) * i / span, 1)

    def y(v: float) -> float:
        return round(bottom - (bottom - TOP) * min(v, top) / top, 1)

    def line(pairs) -> str:
        return " ".join(f"{a},{b}" for a, b in pairs)

    n = len(history)
    joined = [(x(n - 1), y(history[-1][1]))] if history else []
    upper = [(x(n + i), y(p.high)) for i, p in enumerate(points)]
    lower = [(x(n + i), y(p.low)) for i, p in enumerate(points)]
    return Chart(
        width=WIDTH,
        height=HEIGHT,
        history=line((x(i), y(v)) for i, (_, v) in enumerate(history)),
        forecast=line(joined + [(x(n + i), y(p.mean)) for i, p in enumerate(points)]),
        band=line(upper + lower[::-1]),
        now_x=x(n - 1) if history and points else None,
        y_ticks=[(y(top * k / 4), f"{top * k / 4:g}") for k in range(5)],
        x_ticks=[(x(i), f"{m.year}/{(m.year + 1) % 100:02d}") for i, m in enumerate(months) if m.month == 4],
        plot=(LEFT, TOP, right, bottom),
        capacity_y=y(capacity) if capacity is not None else None,
    )


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    text: str  # the figure written at the bar's end, so no value is read from length alone
    y: float
    width: float


@dataclass(frozen=True)
class BarChart:
    width: int
    height: int
    bars: list[Bar]
    label_width: int
    bar_height: int


def bar_chart(items: list[tuple[str, float]], *, unit: str = "", money: bool = False) -> BarChart:
    """Horizontal bars, one per label, each with its figure written beside it (no colour needed to read it)."""
    label_width, bar_height, gap = 220, 22, 10
    top = max([v for _, v in items] + [1.0])
    room = WIDTH - label_width - 70
    bars = [
        Bar(
            label,
            value,
            f"£{value:,.0f}" if money else f"{value:g}{unit}",
            TOP + i * (bar_height + gap),
            round(room * max(value, 0) / top, 1),
        )
        for i, (label, value) in enumerate(items)
    ]
    return BarChart(WIDTH, TOP * 2 + len(items) * (bar_height + gap), bars, label_width, bar_height)
