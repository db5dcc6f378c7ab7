"""Cells written to CSV and XLSX exports are neutralised: text that a spreadsheet would run as a formula (it
begins with =, +, -, @, a tab or a carriage return) is written with a leading apostrophe, so a provider's offer
text or a person's name can never become a formula in a council officer's spreadsheet. Numbers, negative ones
included, stay numbers."""

from __future__ import annotations

import csv
import io
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


class TooManyRows(Exception):
    pass


def _declared_rows(sheet) -> int:
    """The number of rows a sheet declares, without reading it (0 when it declares none)."""
    try:
        dimension = sheet.calculate_dimension()  # never force: forcing reads the whole sheet
    except ValueError:
        return 0
    digits = "".join(ch for ch in dimension.split(":")[-1] if ch.isdigit())
    return int(digits or 0)


def _rows(file_name: str, content: bytes, max_rows: int):
    """The file's rows (CSV, or the first sheet of an XLSX) as dicts keyed by the lower-cased header, read one at
    a time (never the whole sheet at once); blank rows skipped."""
    if file_name.lower().endswith(".xlsx"):
        from openpyxl import load_workbook

        sheet = load_workbook(io.BytesIO(content), read_only=True, data_only=True).worksheets[0]
        if _declared_rows(sheet) > max_rows + 1:
            raise TooManyRows  # the sheet says its size: refused unread (a sheet that lies is stopped below)
        values = sheet.iter_rows(values_only=True)
        first = next(values, None)
        header = [str(h or "").strip().lower() for h in first] if first else []
        for r in values:
            if any(v not in (None, "") for v in r):
                yield {header[i]: ("" if v is None else v) for i, v in enumerate(r) if i < len(header)}
        return
    reader = csv.DictReader(io.TextIOWrapper(io.BytesIO(content), encoding="utf-8-sig", newline=""))
    reader.fieldnames = [(f or "").strip().lower() for f in reader.fieldnames or []]
    for r in reader:
        if any((v or "").strip() for v in r.values() if isinstance(v, str)):
            yield r


def read_rows(file_name: str, content: bytes, *, max_rows: int) -> list[dict]:
    """Every row of an uploaded CSV or XLSX, refused (TooManyRows) beyond `max_rows`."""
    rows = []
    for row in _rows(file_name, content, max_rows):
        rows.append(row)
        if len(rows) > max_rows:
            raise TooManyRows
    return rows
