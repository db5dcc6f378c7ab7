"""What a provider may know of a person, by name (seed 003): before it is placed with them, only enough to decide
whether it can meet the need (where, roughly how old, what care), never who."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class BeforePlacement:
    """The person as a provider sees them in a referral or a competition."""

    postcode_district: str
    age_band: str


def postcode_district(postcode: str) -> str:
    """The outward code only (WA15 of WA15 6SQ): a district of some thousands of households, not an address."""
    return (postcode or "").strip().upper().split(" ")[0]


def age_band(age: int) -> str:
    """A ten-year band (30 to 39), not a date of birth."""
    low = age // 10 * 10
    return f"{low} to {low + 9}"


def before_placement(*, postcode: str, age: int) -> BeforePlacement:
    return BeforePlacement(postcode_district=postcode_district(postcode), age_band=age_band(age))
