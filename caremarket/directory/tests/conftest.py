"""The directory tests' shared market: four providers near Sale, three public and one held back by the gate."""

from __future__ import annotations

import pytest

from caremarket.directory.models import Listing

from .factories import directory_market, listing_in

PROVIDERS = {
    "Oakfield Day Centre": {"age_min": 16, "age_max": 25},
    "Birchwood Support": {"age_min": 18, "age_max": 99},
    "Cedar Lodge": {"age_min": 5, "age_max": 17},
    "Damson House": {"age_min": 18, "age_max": 99},
}


@pytest.fixture
def directory():
    council, commissioner, day, made = directory_market(providers=PROVIDERS)
    listings = {}
    for (name, (provider, office, _)), (postcode, extra) in zip(
        made.items(),
        [
            ("M33 7ZF", {}),
            (
                "M32 0NN",
                {
                    "name": "Birchwood community support",
                    "one_to_one": "",
                    "offers_transport": "true",
                    "age_min": "18",
                    "age_max": "99",
                },
            ),
            ("WA14 1EP", {"name": "Cedar Lodge play and skills", "age_min": "5", "age_max": "17", "days": ["SA"]}),
            ("M41 5AA", {"name": "Damson House day centre", "age_min": "18", "age_max": "99"}),
        ],
        strict=True,
    ):
        state = "held" if name == "Damson House" else "public"
        listing = Listing.objects.get(provider=provider)
        listings[name] = listing_in(
            state, listing, provider_user=office, commissioner=commissioner, postcode=postcode, **extra
        )
    return council, listings, made
