"""The seed rules that are found by name in domain/, each checked on the seeds' own cases."""

from types import SimpleNamespace as R

from caremarket.domain import disclosure, rates, requests


def test_a_child_is_under_18_on_the_day_care_starts_and_waits_for_a_team_leader():
    assert requests.first_status(17) == "awaiting-approval" and requests.needs_team_leader_approval(0)
    assert requests.first_status(18) == "sourcing" and not requests.needs_team_leader_approval(64)


def test_a_provider_sees_a_district_and_an_age_band_before_placement():
    seen = disclosure.before_placement(postcode="wa15 6sq", age=37)
    assert (seen.postcode_district, seen.age_band) == ("WA15", "30 to 39")
    assert disclosure.age_band(9) == "0 to 9" and disclosure.age_band(80) == "80 to 89"


def _rate(kind, **fields):
    base = {
        "provider_id": None,
        "area_id": None,
        "service_type_id": None,
        "need_level_id": None,
        "scheme_places_min": None,
        "scheme_places_max": None,
        "placements_min": None,
        "placements_max": None,
    }
    return R(kind=kind, **{**base, **fields})


def test_rate_precedence_provider_area_then_supported_living_band_then_set_rate():
    own = _rate("provider-area", provider_id=1, area_id=7)
    band_small = _rate("supported-living", need_level_id=2, scheme_places_min=1, scheme_places_max=3)
    band_large = _rate("supported-living", need_level_id=2, scheme_places_min=4, scheme_places_max=None)
    few = _rate("supported-living", need_level_id=3, scheme_places_min=4, placements_min=1, placements_max=2)
    many = _rate("supported-living", need_level_id=3, scheme_places_min=4, placements_min=3)
    general = _rate("set", service_type_id=5)
    specific = _rate("set", service_type_id=5, need_level_id=2)
    every = [own, band_small, band_large, few, many, general, specific]
    place = {
        "provider_id": 1,
        "area_id": 7,
        "service_type_id": 5,
        "need_level_id": 2,
        "scheme_places": 6,
        "placements": lambda: 1,
    }
    assert rates.placement_rates(every, **place) == ("provider-area", [own])
    elsewhere = {**place, "area_id": 8}
    assert rates.placement_rates(every, **elsewhere) == ("supported-living", [band_large])
    assert rates.placement_rates(every, **{**elsewhere, "scheme_places": 2}) == ("supported-living", [band_small])
    counted = []
    three = {**elsewhere, "need_level_id": 3, "placements": lambda: counted.append(1) or 3}
    assert rates.placement_rates(every, **three) == ("supported-living", [many]) and counted == [1]
    assert rates.placement_rates(every, **{**elsewhere, "need_level_id": 9}) == ("set", [general])
    assert rates.placement_rates([general, specific], **elsewhere) == ("set", [specific])
    assert rates.placement_rates([], **place) == (None, [])
    assert rates.RATE_PRECEDENCE[0] == "agreed" and "call-off" in rates.AGREED_PRICE_ROUTES


def test_transport_is_paid_only_when_assessed_as_needed_and_offered():
    assert rates.transport_applies(needs_transport=True, provider_offers_transport=True)
    assert not rates.transport_applies(needs_transport=True, provider_offers_transport=False)
    assert not rates.transport_applies(needs_transport=False, provider_offers_transport=True)


def test_care_is_paid_up_to_the_assessed_weekly_hours():
    from decimal import Decimal

    from caremarket.domain.pricing import within_assessed_hours

    assert within_assessed_hours(Decimal("1.5"), Decimal("10")) == (Decimal("1.5"), Decimal("0"))
    assert within_assessed_hours(Decimal("1.5"), Decimal("0.5")) == (Decimal("0.5"), Decimal("1.0"))
    assert within_assessed_hours(Decimal("1"), Decimal("-2")) == (Decimal("0"), Decimal("1"))
