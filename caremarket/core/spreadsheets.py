"""Cells written to CSV and XLSX exports are neutralised: text that a spreadsheet would run as a formula (it
begins with =, +, -, @, a tab or a carriage return) is written with a leading apostrophe, so a provider's offer
text or a person's name can never become a formula in a council officer's spreadsheet. Numbers, negative ones
included, stay numbers."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass
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


# --- a file's problems, row by row ------------------------------------------------------------------------------


@dataclass
class RowError:
    """One row's problem. `problem` names the kind of problem, so a file with the same mistake on 294 rows shows
    one problem with its rows, not 294 errors."""

    row: int
    column: str
    message: str
    problem: str = ""

    def as_dict(self) -> dict:
        return {"row": self.row, "column": self.column, "message": self.message, "problem": self.problem}


GROUP_ROWS = 50  # the rows listed under each problem; `count` says how many in all


def grouped(errors: list[RowError], problems: dict[str, str]) -> list[dict]:
    """One entry per distinct problem (its column and kind), in the order first met: what it is (named in
    `problems`), the first example in full, the rows it is on and how many."""
    groups: dict[tuple[str, str], dict] = {}
    for error in errors:
        key = (error.column, error.problem or error.message)
        group = groups.get(key)
        if group is None:
            groups[key] = group = {
                "problem": problems.get(error.problem, error.message),
                "column": error.column,
                "row": error.row,
                "message": error.message,
                "rows": [],
                "count": 0,
            }
        group["count"] += 1
        if len(group["rows"]) < GROUP_ROWS:
            group["rows"].append(error.row)
    return list(groups.values())


def row_ranges(rows: list[int]) -> str:
    """'2, 5 to 9, 12': the rows of a problem, read at a glance."""
    spans: list[list[int]] = []
    for row in sorted(rows):
        if spans and row == spans[-1][1] + 1:
            spans[-1][1] = row
        else:
            spans.append([row, row])
    return ", ".join(str(a) if a == b else f"{a} to {b}" for a, b in spans)


# --- a table as a download ---------------------------------------------------------------------------------------


def table_csv(header: list[str], rows: Iterable[Iterable[Any]]) -> str:
    out = io.StringIO()
    writer = SafeWriter(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


def table_xlsx(title: str, header: list[str], rows: Iterable[Iterable[Any]]) -> bytes:
    """One sheet: the header, then the rows; money (Decimal) kept as numbers shown to the penny."""
    from decimal import Decimal

    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = title[:31]
    append(sheet, header)
    for row in rows:
        append(sheet, row)
        for column, value in enumerate(row, start=1):
            if isinstance(value, Decimal):
                sheet.cell(row=sheet.max_row, column=column).number_format = "#,##0.00"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
