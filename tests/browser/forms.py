"""Filling GOV.UK components as a person does."""

from __future__ import annotations

from datetime import date


def fill_date(page, legend: str, day: date | str, *, at: str | None = None) -> None:
    """The GOV.UK date input named by its legend: day, month and year (and the time of a deadline)."""
    day = date.fromisoformat(day) if isinstance(day, str) else day
    group = page.get_by_role("group", name=legend, exact=True)
    group.get_by_label("Day").fill(str(day.day))
    group.get_by_label("Month").fill(str(day.month))
    group.get_by_label("Year").fill(str(day.year))
    if at is not None:
        group.get_by_label("Time (24-hour)").fill(at)
