"""Rates, thresholds and rules take effect from a date and may end; these helpers pick and check them.

A period covers `starts_on` up to and including `ends_on`; `ends_on=None` means open-ended (ADR 0005).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Protocol


class Dated(Protocol):
    @property
    def starts_on(self) -> date | None: ...

    @property
    def ends_on(self) -> date | None: ...


class DatedError(ValueError):
    """A dated record that cannot stand: no start, ends before it starts, or overlaps another."""


@dataclass(frozen=True)
class Period:
    starts_on: date | None
    ends_on: date | None = None


def check_period(item: Dated) -> None:
    if item.starts_on is None:
        raise DatedError("A dated record needs the date it takes effect from.")
    if item.ends_on is not None and item.ends_on < item.starts_on:
        raise DatedError(f"It ends on {item.ends_on.isoformat()}, before it starts on {item.starts_on.isoformat()}.")


def covers(item: Dated, on: date) -> bool:
    return item.starts_on is not None and item.starts_on <= on and (item.ends_on is None or on <= item.ends_on)


def overlaps(a: Dated, b: Dated) -> bool:
    a_end = a.ends_on or date.max
    b_end = b.ends_on or date.max
    assert a.starts_on is not None and b.starts_on is not None
    return a.starts_on <= b_end and b.starts_on <= a_end


def check_no_overlap(new: Dated, existing: Iterable[Dated]) -> None:
    """Refuse a dated record that would overlap another for the same key."""
    check_period(new)
    for other in existing:
        if overlaps(new, other):
            end = other.ends_on.isoformat() if other.ends_on else "open-ended"
            raise DatedError(
                f"It overlaps the record in force from {other.starts_on.isoformat()} to {end}; "
                "end that one first or choose other dates."
            )


def in_force[D: Dated](items: Sequence[D], on: date) -> D | None:
    """The record in force on a date: the latest-starting one that covers it, or None."""
    candidates = [item for item in items if covers(item, on)]
    if not candidates:
        return None
    return max(candidates, key=lambda item: item.starts_on or date.min)
