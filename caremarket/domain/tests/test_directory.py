"""The directory's rules by name: postcodes, distance, the data-quality gate."""

import pytest

from caremarket.domain import directory as rules

COMPLETE = {
    "description": "Life skills",
    "address_1": "2 School Road",
    "postcode": "M33 7ZF",
    "age_min": 16,
    "age_max": 25,
    "free": False,
    "price_pence": 1850,
    "email": "",
    "phone": "0161 496 0000",
}


def test_postcodes_are_read_in_any_spacing_and_case_and_anything_else_is_refused():
    assert rules.postcode_normalised(" wa158ab ") == "WA15 8AB"
    assert rules.outward_code("m33 7zf") == "M33"
    with pytest.raises(rules.PostcodeError, match="is not a postcode"):
        rules.postcode_normalised("SALE1")


def test_distance_is_the_great_circle_and_the_box_holds_every_point_within_it():
    # Sale Central to Altrincham (ONS postcode centres): about 2.7 miles
    miles = rules.miles_between(53.425111, -2.32, 53.389008, -2.347215)
    assert miles == pytest.approx(2.7, abs=0.1)
    south, north, west, east = rules.bounding_box(53.425111, -2.32, 3)
    assert south < 53.389008 < north and west < -2.347215 < east


@pytest.mark.parametrize(
    ("change", "lacking"),
    [
        ({}, set()),
        ({"description": "  "}, {"description"}),
        ({"postcode": ""}, {"address"}),
        ({"age_max": None}, {"ages"}),
        ({"price_pence": None}, {"cost"}),
        ({"price_pence": None, "free": True}, set()),
        ({"phone": ""}, {"contact"}),
    ],
)
def test_the_gate_names_what_a_listing_lacks(change, lacking):
    gaps = rules.listing_gaps({**COMPLETE, **change}, located=True, categories=1)
    assert {g.code for g in gaps} == lacking
    assert rules.completeness(gaps) == round(100 * (6 - len(lacking)) / 6)


def test_an_address_caremarket_cannot_place_is_no_address():
    assert [g.code for g in rules.listing_gaps(COMPLETE, located=False, categories=1)] == ["address"]
