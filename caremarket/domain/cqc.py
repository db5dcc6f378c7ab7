"""Reading the CQC care directory: the regulator's list of registered care locations.

Accepts the forms seen in the wild:
- the CQC's own CSV since 2024 (four preamble lines, then `Name,...,CQC Location ID (for office use only),...`);
- its 2020 form (`Local Authority` with a capital A, a truncated `CQC Location (for office use only` header,
  dates like `31/05/2023 - 12:00`);
- the open-data extracts that rename the columns (`name,cqc_id,...,inspection_date,area_code`) or carry no
  location id at all (`name,type,address,...`).

Every row is either read or rejected with its row number and the reason. Council codes one digit short
(`E0800005`) are repaired to nine characters (`E08000005`) and the repair is reported; a code that is
still not a known council after repair is rejected.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime

LOCATION_ID = re.compile(r"^1-\d{6,12}$")
COUNCIL_CODE = re.compile(r"^[EWSN]\d{8}$")
SHORT_COUNCIL_CODE = re.compile(r"^([EWSN]\d{2})(\d{5})$")
POSTCODE = re.compile(r"^[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}$")

# Column names of each form, mapped to one vocabulary.
COLUMNS = {
    "name": ["Name", "name"],
    "location_id": ["CQC Location ID (for office use only)", "CQC Location (for office use only", "cqc_id"],
    "provider_name": ["Provider name", "provider"],
    "service_types": ["Service types", "type"],
    "postcode": ["Postcode", "postcode"],
    "address": ["Address", "address"],
    "local_authority": ["Local authority", "Local Authority", "area_name"],
    "council_code": ["area_code"],
    "last_check": ["Date of latest check", "inspection_date"],
}


@dataclass(frozen=True)
class CqcLocation:
    row: int
    name: str
    location_id: str
    provider_name: str
    service_types: tuple[str, ...]
    postcode: str
    address: str
    local_authority: str
    council_code: str
    last_check: date | None


@dataclass(frozen=True)
class RejectedRow:
    row: int
    column: str
    reason: str


@dataclass
class DirectoryReport:
    form: str
    locations: list[CqcLocation] = field(default_factory=list)
    rejected: list[RejectedRow] = field(default_factory=list)
    repaired: list[RejectedRow] = field(default_factory=list)


class DirectoryFormatError(ValueError):
    """The file is not a CQC directory in any known form."""


def _find_header(lines: list[str]) -> int:
    for index, line in enumerate(lines[:20]):
        lowered = line.lower()
        if lowered.startswith("name,") and ("postcode" in lowered or "cqc location" in lowered):
            return index
    raise DirectoryFormatError(
        "No header row found: expected a line starting 'Name,' with a Postcode column in the first 20 lines"
    )


def _form(header: list[str]) -> str:
    if "CQC Location ID (for office use only)" in header:
        return "cqc-2024"
    if "CQC Location (for office use only" in header:
        return "cqc-2020"
    if "cqc_id" in header:
        return "extract-with-ids"
    return "extract-without-ids"


def parse_check_date(value: str) -> date | None:
    value = (value or "").strip()
    if not value or value.upper() == "NA":
        return None
    for fmt in ("%Y-%m-%d", "%d/%m/%Y - %H:%M", "%d/%m/%Y", "%d %B %Y"):
        try:
            return datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    raise ValueError(f"'{value}' is not a date (expected 2023-05-31 or 31/05/2023)")


def repair_council_code(code: str) -> tuple[str, bool]:
    """(code, repaired). A code one digit short gains the missing zero: E0800005 -> E08000005."""
    code = (code or "").strip().upper()
    if COUNCIL_CODE.match(code):
        return code, False
    short = SHORT_COUNCIL_CODE.match(code)
    if short:
        return f"{short.group(1)}0{short.group(2)}", True
    return code, False


def parse_directory(text: str | Iterable[str], *, known_council_codes: set[str] | None = None) -> DirectoryReport:
    lines = text.splitlines() if isinstance(text, str) else [line.rstrip("\r\n") for line in text]
    start = _find_header(lines)
    reader = csv.reader(lines[start:])
    header = [column.strip() for column in next(reader)]
    index = {}
    for key, names in COLUMNS.items():
        for name in names:
            if name in header:
                index[key] = header.index(name)
                break
    if "name" not in index or "postcode" not in index:
        raise DirectoryFormatError("The header has no Name or Postcode column")
    report = DirectoryReport(form=_form(header))
    for offset, values in enumerate(reader, start=start + 2):
        if not any(value.strip() for value in values):
            continue
        if len(values) != len(header):
            report.rejected.append(RejectedRow(offset, "", f"has {len(values)} columns, the header has {len(header)}"))
            continue

        def get(key: str, values=values) -> str:
            return values[index[key]].strip() if key in index else ""

        problems: list[RejectedRow] = []
        name = get("name")
        if not name:
            problems.append(RejectedRow(offset, "name", "the location has no name"))
        location_id = get("location_id")
        if "location_id" in index and not LOCATION_ID.match(location_id):
            problems.append(
                RejectedRow(offset, "location_id", f"'{location_id}' is not a CQC location id like 1-466088203")
            )
        postcode = re.sub(r"\s+", " ", get("postcode").upper())
        if not POSTCODE.match(postcode):
            problems.append(RejectedRow(offset, "postcode", f"'{postcode}' is not a UK postcode"))
        council_code = ""
        if "council_code" in index:
            raw = get("council_code")
            council_code, repaired = repair_council_code(raw)
            if not COUNCIL_CODE.match(council_code):
                problems.append(RejectedRow(offset, "council_code", f"'{raw}' is not a council code like E08000009"))
            elif known_council_codes is not None and council_code not in known_council_codes:
                problems.append(RejectedRow(offset, "council_code", f"'{raw}' is not a known council code"))
            elif repaired:
                report.repaired.append(
                    RejectedRow(offset, "council_code", f"'{raw}' was a digit short: read as {council_code}")
                )
        try:
            last_check = parse_check_date(get("last_check"))
        except ValueError as exc:
            problems.append(RejectedRow(offset, "last_check", str(exc)))
            last_check = None
        if problems:
            report.rejected.extend(problems)
            continue
        report.locations.append(
            CqcLocation(
                row=offset,
                name=name,
                location_id=location_id,
                provider_name=get("provider_name"),
                service_types=tuple(t.strip() for t in get("service_types").split("|") if t.strip()),
                postcode=postcode,
                address=get("address"),
                local_authority=get("local_authority"),
                council_code=council_code,
                last_check=last_check,
            )
        )
    return report


# --- published ratings ---------------------------------------------------------------------------------------------

# CQC's four ratings, best first. Real extracts spell one two ways ("Requires improvement" and "Requires
# Improvement"); any case and spacing is read, and the respelling reported.
CQC_RATINGS = {
    "outstanding": "Outstanding",
    "good": "Good",
    "requires-improvement": "Requires improvement",
    "inadequate": "Inadequate",
}
RATINGS_COLUMNS = {"date": ("reportdate", "report_date", "publication date"), "rating": ("overall", "rating"),
                   "location": ("locationid", "location_id", "location id")}  # fmt: skip


@dataclass(frozen=True)
class CqcRating:
    row: int
    location_id: str
    report_date: date
    rating: str  # a key of CQC_RATINGS
    ownership: str


@dataclass
class RatingsReport:
    ratings: list[CqcRating] = field(default_factory=list)
    rejected: list[RejectedRow] = field(default_factory=list)
    repaired: list[RejectedRow] = field(default_factory=list)


def parse_rating(text: str) -> tuple[str | None, bool]:
    """(the rating's key, whether it was spelt otherwise than CQC's own label); none for an unknown rating."""
    cleaned = " ".join((text or "").split())
    key = cleaned.lower().replace(" ", "-")
    if key not in CQC_RATINGS:
        return None, False
    return key, cleaned != CQC_RATINGS[key]


def parse_ratings(text: str | Iterable[str]) -> RatingsReport:
    """CQC's published inspection ratings, one row per report: its date, the overall rating and the location. A row
    without a known rating (including "Not rated" or blank), a real date or a location id is rejected with why."""
    lines = text.splitlines() if isinstance(text, str) else list(text)
    reader = csv.reader(lines)
    try:
        header = [h.strip().lower() for h in next(reader)]
    except StopIteration:
        raise DirectoryFormatError("The file is empty") from None
    where = {}
    for name, options in RATINGS_COLUMNS.items():
        found = next((header.index(o) for o in options if o in header), None)
        if found is None:
            raise DirectoryFormatError(f"Not a CQC ratings file: no column for the {name} ({' or '.join(options)})")
        where[name] = found
    ownership = header.index("ownership") if "ownership" in header else None
    report = RatingsReport()
    seen: dict[tuple[str, date], int] = {}
    for number, row in enumerate(reader, start=2):
        if not any(cell.strip() for cell in row):
            continue
        cell = {name: (row[i].strip() if i < len(row) else "") for name, i in where.items()}
        rating, respelt = parse_rating(cell["rating"])
        if rating is None:
            report.rejected.append(RejectedRow(number, "rating", f"'{cell['rating']}' is not a CQC rating"))
            continue
        if not LOCATION_ID.match(cell["location"]):
            why = (
                "an NHS site code, not the location id of an independent provider (1-…)"
                if re.match(r"^[A-Z0-9]{3,6}$", cell["location"])
                else "not a CQC location id (1-…)"
            )
            report.rejected.append(RejectedRow(number, "location", f"'{cell['location']}' is {why}"))
            continue
        try:
            day = date.fromisoformat(cell["date"])
        except ValueError:
            report.rejected.append(RejectedRow(number, "date", f"'{cell['date']}' is not a date (YYYY-MM-DD)"))
            continue
        if respelt:
            report.repaired.append(RejectedRow(number, "rating", f"'{cell['rating']}' read as {CQC_RATINGS[rating]}"))
        owner = row[ownership].strip() if ownership is not None and ownership < len(row) else ""
        earlier = seen.get((cell["location"], day))
        if earlier is not None:
            report.repaired.append(
                RejectedRow(number, "report", f"the same report as row {earlier}: this later row is kept")
            )
        seen[(cell["location"], day)] = number
        report.ratings.append(CqcRating(number, cell["location"], day, rating, owner))
    return report
