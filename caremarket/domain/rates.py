"""Which rate prices a placement, by name (seeds 000 and 002). Rates are any objects with the fields of a rate
(kind, provider_id, area_id, service_type_id, need_level_id, scheme and placement bands); this module decides,
the finance app stores and dates them."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

# Seed 002: the order in which a placement's rate is found. A price agreed for this placement (call-off or spot)
# comes first, then the provider's own rate for the area, then the supported living rate for the complexity and
# the scheme's size band, then the arrangement's set rate for the service and need level.
RATE_PRECEDENCE = ("agreed", "provider-area", "supported-living", "set")
AGREED_PRICE_ROUTES = frozenset({"call-off", "spot"})

# The Homecare Association's minimum price for homecare in England, per hour, by financial year, with the National
# Living Wage it assumes (shared/data/README.md): a floor an hourly home care price is flagged below.
HOMECARE_ASSOCIATION_MINIMUM_PRICES = (
    (date(2023, 4, 1), date(2024, 3, 31), Decimal("25.95"), Decimal("10.42")),
    (date(2024, 4, 1), date(2025, 3, 31), Decimal("28.53"), Decimal("11.44")),
    (date(2025, 4, 1), None, Decimal("32.14"), Decimal("12.21")),
)


def in_band(value: int, low: int | None, high: int | None) -> bool:
    """Seed 002: supported living bands run from a lower to an upper number, either end open."""
    return (low is None or value >= low) and (high is None or value <= high)


def supported_living_rates(
    candidates: Sequence[Any], *, need_level_id, scheme_places: int, placements: Callable[[], int]
) -> list[Any]:
    """Seed 002: the weekly supported living rate by complexity and scheme size; where the council banded it by
    how many of its people the provider supports in the scheme, by that band too (counted only when needed)."""
    living = [
        r
        for r in candidates
        if r.kind == "supported-living"
        and r.need_level_id == need_level_id
        and in_band(scheme_places, r.scheme_places_min, r.scheme_places_max)
    ]
    if any(r.placements_min is not None or r.placements_max is not None for r in living):
        count = placements()
        living = [r for r in living if in_band(count, r.placements_min, r.placements_max)]
    return living


def placement_rates(
    candidates: Sequence[Any],
    *,
    provider_id,
    area_id,
    service_type_id,
    need_level_id,
    scheme_places: int,
    placements: Callable[[], int],
) -> tuple[str | None, list[Any]]:
    """The first kind in RATE_PRECEDENCE (after an agreed price) with rates for the placement, and those rates."""
    own = [
        r
        for r in candidates
        if r.kind == "provider-area"
        and r.provider_id == provider_id
        and r.area_id == area_id
        and r.service_type_id in (None, service_type_id)
    ]
    if own:
        return "provider-area", own
    living = supported_living_rates(
        candidates, need_level_id=need_level_id, scheme_places=scheme_places, placements=placements
    )
    if living:
        return "supported-living", living
    set_rates = [
        r
        for r in candidates
        if r.kind == "set" and r.service_type_id in (None, service_type_id) and r.need_level_id in (None, need_level_id)
    ]
    if set_rates:
        return "set", [r for r in set_rates if r.need_level_id == need_level_id] or set_rates
    return None, []


def transport_applies(*, needs_transport: bool, provider_offers_transport: bool) -> bool:
    """Seed 000: the transport rate is paid per attendance day only where the person is assessed as needing
    transport and the provider offers it."""
    return bool(needs_transport and provider_offers_transport)
