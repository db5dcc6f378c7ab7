"""A home page's to-do list: each item is a count of things waiting and the things themselves (the first few, each
linking where it is done); `href`, where given, is the full list behind the count."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

SHOWN = 10


@dataclass
class Row:
    text: str
    href: str
    when: datetime | None = None
    when_label: str = ""


@dataclass
class Item:
    label: str
    rows: list[Row] = field(default_factory=list)
    count: int = 0
    href: str = ""  # the list behind the count, filtered to exactly these

    @classmethod
    def of(cls, label: str, records, row, href: str = "") -> Item:
        """`records` a queryset or list; `row` makes a Row of one record. Only the first few are built."""
        count = records.count() if hasattr(records, "count") and not isinstance(records, list) else len(records)
        return cls(label, [row(r) for r in records[:SHOWN]], count, href)
