"""The public directory's rules (seed 003: Care Finder; seed 004: families did not know the services existed).

What a listing must hold before the public may see it, how far a service is from a postcode, who counts as a
child, a young person or an adult, and how often a person may send enquiries. Open Referral UK (HSDS-UK 3.0) is
the shape the same records take in the feed.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

# A full UK postcode: outward code (area, district) and inward code (sector, unit).
POSTCODE = re.compile(r"^([A-Z]{1,2}\d[A-Z\d]?) ?(\d[A-Z]{2})$")


class PostcodeError(ValueError):
    pass


def postcode_normalised(value: str) -> str:
    """'wa15 8ab' and 'WA158AB' are both 'WA15 8AB'; anything that is not a postcode's shape is refused."""
    compact = re.sub(r"\s+", "", (value or "").upper())
    match = POSTCODE.match(compact)
    if not match:
        raise PostcodeError(f"'{value.strip()}' is not a postcode: enter one like WA15 8AB")
    return f"{match.group(1)} {match.group(2)}"


def outward_code(postcode: str) -> str:
    return postcode_normalised(postcode).split(" ")[0]


EARTH_RADIUS_MILES = 3958.8
METRES_PER_MILE = 1609.344
# The public search offers distances from half a mile to 50 miles (a county is crossed in less).
DISTANCE_MIN_MILES = 0.5
DISTANCE_MAX_MILES = 50


def miles_between(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine): the distance as the crow flies, which is what a directory shows."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_MILES * math.asin(math.sqrt(a))


def bounding_box(lat: float, lon: float, miles: float) -> tuple[float, float, float, float]:
    """A box that holds every point within `miles`: the database narrows by it, then distance decides."""
    dlat = math.degrees(miles / EARTH_RADIUS_MILES)
    dlon = math.degrees(miles / (EARTH_RADIUS_MILES * max(math.cos(math.radians(lat)), 0.01)))
    return lat - dlat, lat + dlat, lon - dlon, lon + dlon


# Seed 004: open-access support for young people up to 25; children's services stop at 18.
@dataclass(frozen=True)
class AgeGroup:
    code: str
    label: str
    minimum: int
    maximum: int


AGE_GROUPS = (
    AgeGroup("children", "Children (under 18)", 0, 17),
    AgeGroup("young-people", "Young people (16 to 25)", 16, 25),
    AgeGroup("adults", "Adults (18 and over)", 18, 120),
)
AGE_MAX = 120


def serves_age(age_min: int | None, age_max: int | None, age: int) -> bool:
    return (age_min is None or age >= age_min) and (age_max is None or age <= age_max)


# Days as iCalendar's BYDAY codes, which HSDS schedules use.
DAYS = (
    ("MO", "Monday"),
    ("TU", "Tuesday"),
    ("WE", "Wednesday"),
    ("TH", "Thursday"),
    ("FR", "Friday"),
    ("SA", "Saturday"),
    ("SU", "Sunday"),
)
DAY_CODES = tuple(code for code, _ in DAYS)


NEEDS = (
    ("transport", "Transport to and from the service"),
    ("one-to-one", "One-to-one support"),
    ("complex-needs", "Support for complex needs"),
)

PRICE_UNITS = (
    ("hour", "an hour"),
    ("session", "a session"),
    ("day", "a day"),
    ("week", "a week"),
)
PRICE_MAX_PENCE = 1_000_000  # £10,000 for one unit: anything above is a typing slip


# The data-quality gate: directories that stopped publishing did so because records lacked these (the Open
# Referral UK profile leaves them optional; a family cannot use a record without them).
@dataclass(frozen=True)
class Requirement:
    code: str
    label: str


REQUIREMENTS = (
    Requirement("description", "A description of the service"),
    Requirement("address", "The address where the service is based, with its postcode"),
    Requirement("categories", "The kind of service it is"),
    Requirement("ages", "The ages it supports"),
    Requirement("cost", "What it costs people who pay for themselves, or that it is free"),
    Requirement("contact", "An email address or telephone number for enquiries"),
)


def listing_gaps(values: Mapping[str, Any], *, located: bool, categories: int) -> list[Requirement]:
    """What a listing (its fields by name, as stored or as proposed) still lacks before it may be published;
    nothing missing means it passes the gate. `located`: its postcode is one Caremarket can place."""
    present = {
        "description": bool((values["description"] or "").strip()),
        "address": bool((values["address_1"] or "").strip() and values["postcode"] and located),
        "categories": categories > 0,
        "ages": values["age_min"] is not None and values["age_max"] is not None,
        "cost": values["free"] or values["price_pence"] is not None,
        "contact": bool((values["email"] or "").strip() or (values["phone"] or "").strip()),
    }
    return [r for r in REQUIREMENTS if not present[r.code]]


def completeness(gaps: list[Requirement]) -> int:
    """Per cent of the gate's requirements met, shown to the provider."""
    return round(100 * (len(REQUIREMENTS) - len(gaps)) / len(REQUIREMENTS))


# A record not confirmed for this long is shown as due a check (Open Referral UK's assured_date).
CHECK_DUE_DAYS = 365

# Enquiries: kept this long after they are sent, then deleted with what the person gave.
ENQUIRY_KEPT_DAYS = 90
# One address may send this many an hour (a family contacting a handful of providers is well within it); one
# provider takes this many a day from the public before further ones wait for the next day.
ENQUIRIES_PER_ADDRESS_HOUR = 5
ENQUIRIES_PER_PROVIDER_DAY = 50

# Open Referral UK (HSDS-UK 3.0)
ORUK_VERSION = "HSDS-UK-3.0"
ORUK_PROFILE = "https://github.com/OpenReferralUK/uk-profile/blob/main/docs/index.md"
ORUK_OPENAPI = "https://raw.githubusercontent.com/OpenReferralUK/uk-profile/main/schema/openapi.json"
ORUK_PER_PAGE = 50
ORUK_PER_PAGE_MAX = 200
