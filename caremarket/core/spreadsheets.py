"""Cells written to CSV and XLSX exports are neutralised: text that a spreadsheet would run as a formula (it
begins with =, +, -, @, a tab or a carriage return) is written with a leading apostrophe, so a provider's offer
text or a person's name can never become a formula in a council officer's spreadsheet. Numbers, negative ones
included, stay numbers."""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from typing import Any

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
NUMBER = re.compile(r"-?\d+(\.\d+)?")


def safe_cell(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(TRIGGERS) and not NUMBER.fullmatch(value):
        return "'" + value
    return value


def safe_row(row: Iterable[Any]) -> list[Any]:
    return [safe_cell(value) for value in row]


class SafeWriter:
    """csv.writer whose rows are neutralised."""

    def __init__(self, target, **kwargs) -> None:
        self._writer = csv.writer(target, **kwargs)

    def writerow(self, row: Iterable[Any]):
        return self._writer.writerow(safe_row(row))

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


def append(sheet, row: Iterable[Any]) -> None:
    """openpyxl's `sheet.append`, neutralised (openpyxl stores text beginning with = as a formula)."""
    sheet.append(safe_row(row))
