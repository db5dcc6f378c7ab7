"""Rules for a council's reference data: codes, area levels, need levels, reason codes."""

from __future__ import annotations

import re
from decimal import Decimal

CODE_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$")

AREA_LEVELS = {
    1: "Level 1: highest demand, a primary and a secondary provider and a reserve list",
    2: "Level 2: a primary provider and a reserve list, with a paid block of hours at the start",
    3: "Level 3: a reserve list only",
}

REASON_KINDS = {
    "decline": "Decline reason (a provider turns down a referral)",
    "spot-purchase": "Spot purchase reason (care bought off the arrangements)",
    "suspension": "Suspension reason (an admission or placement is suspended)",
    "ending": "Ending reason (a placement ends)",
}

ONS_CODE_PATTERN = re.compile(r"^[EWSN][0-9]{8}$")


class ReferenceError(ValueError):
    """Reference data that breaks a rule; `field` names the input that is wrong."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


def normalise_code(raw: str, *, field: str = "code") -> str:
    code = (raw or "").strip().lower().replace(" ", "-").replace("_", "-")
    if not code:
        raise ReferenceError(field, "Enter a code")
    if not CODE_PATTERN.match(code):
        raise ReferenceError(
            field,
            "Code must be 1 to 40 characters: lower-case letters, numbers and hyphens, "
            "starting with a letter or number",
        )
    return code


def check_area_level(level: object) -> int:
    try:
        value = int(level)  # type: ignore[call-overload]
    except (TypeError, ValueError) as exc:
        raise ReferenceError("level", "Area level must be 1, 2 or 3") from exc
    if value not in AREA_LEVELS or str(level).strip() not in {"1", "2", "3"}:
        raise ReferenceError("level", "Area level must be 1, 2 or 3")
    return value


def check_reason_kind(kind: str) -> str:
    if kind not in REASON_KINDS:
        raise ReferenceError("kind", f"Reason kind must be one of: {', '.join(REASON_KINDS)}")
    return kind


def check_ons_code(code: str) -> str:
    code = (code or "").strip().upper()
    if code and not ONS_CODE_PATTERN.match(code):
        raise ReferenceError("ons_code", "ONS code must be a letter and 8 digits, like E08000009")
    return code


def check_centroid(latitude: Decimal | None, longitude: Decimal | None) -> None:
    if (latitude is None) != (longitude is None):
        raise ReferenceError("latitude", "Give both latitude and longitude for the centroid, or neither")
    if latitude is not None and not Decimal(-90) <= latitude <= Decimal(90):
        raise ReferenceError("latitude", "Latitude must be between -90 and 90")
    if longitude is not None and not Decimal(-180) <= longitude <= Decimal(180):
        raise ReferenceError("longitude", "Longitude must be between -180 and 180")


POSTCODE = re.compile(r"^([A-Z]{1,2}[0-9][A-Z0-9]?) ?([0-9][A-Z]{2})$")


def normalise_postcode(raw: str) -> str:
    """'wa15 6sq' -> 'WA15 6SQ'; anything that is not a UK postcode is refused."""
    compact = re.sub(r"\s+", "", (raw or "").upper())
    match = POSTCODE.match(compact)
    if not match:
        raise ReferenceError("postcode", "Enter a real postcode, like WA15 6SQ")
    return f"{match.group(1)} {match.group(2)}"


def outward_code(postcode: str) -> str:
    return normalise_postcode(postcode).split(" ")[0]
