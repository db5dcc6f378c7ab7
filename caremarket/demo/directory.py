"""Each council's public directory: every admitted provider offered its listings, most written and approved, a few
held back by the data-quality gate, some waiting for the commissioner on Monday, one returned; postcodes to search
from (Mereford's real ones, Westmarch's and Stourshire's fictional districts placed on a grid); a few enquiries."""

from __future__ import annotations

import csv
import random
from decimal import Decimal
from pathlib import Path

from caremarket.accounts.models import User
from caremarket.arrangements.models import Admission
from caremarket.directory import services
from caremarket.directory.models import Listing, Postcode
from caremarket.reference.models import AreaPostcode

from .arrangements import _admin

HERE = Path(__file__).resolve().parent
# where the fictional counties' districts sit: a grid of about 3 miles from a corner (no real place is meant)
GRIDS = {"WM": (Decimal("52.05"), Decimal("-1.95")), "SV": (Decimal("52.75"), Decimal("-2.25"))}
LETTERS = "ABDEFGHJLNPQRSTUWXYZ"

# what each kind of service says to a family, and how it is priced for people who pay for themselves
KINDS = {
    "home-care": (
        "Care and support at home: personal care, meals and medication, from short visits to longer calls.",
        "Personal care, help with meals, medication prompts, companionship",
        (18, 120),
        "MO,TU,WE,TH,FR,SA,SU",
        ("07:00", "22:00"),
        "hour",
        Decimal("1.15"),
    ),
    "live-in-care": (
        "A carer living in your home, so that you can stay there.",
        "",
        (18, 120),
        "MO,TU,WE,TH,FR,SA,SU",
        None,
        "week",
        Decimal("1.10"),
    ),
    "day-services": (
        "A purposeful day with others: activities, outings and a hot lunch.",
        "Arts and crafts, music, gardening, trips out",
        (18, 120),
        "MO,TU,WE,TH,FR",
        ("09:00", "16:00"),
        "day",
        Decimal("1.10"),
    ),
    "supported-living": (
        "Support in your own tenancy to live as independently as you can.",
        "Cooking, budgeting, getting out and about",
        (18, 120),
        "MO,TU,WE,TH,FR,SA,SU",
        None,
        "week",
        Decimal("1.05"),
    ),
    "childrens-community-support": (
        "Support for children and their families in the community, after school and in the holidays.",
        "Play, swimming, youth clubs, short breaks",
        (5, 17),
        "MO,TU,WE,TH,FR,SA",
        ("15:30", "19:30"),
        "session",
        Decimal("1.00"),
    ),
    "independence-life-skills": (
        "One-to-one life skills for young people up to 25: open access, no referral needed.",
        "Travel training, cooking, money, getting ready for work",
        (16, 25),
        "MO,WE,FR",
        ("10:00", "15:00"),
        "session",
        Decimal("1.00"),
    ),
    "building-based": (
        "Day opportunities in a day centre, with support through the day.",
        "Music, art, cooking, sensory room",
        (18, 120),
        "MO,TU,WE,TH,FR",
        ("09:30", "15:30"),
        "day",
        Decimal("1.10"),
    ),
    "community-support": (
        "Support to take part in community life: clubs, sport, volunteering and friends.",
        "Walking groups, volunteering, swimming, cafés",
        (18, 120),
        "MO,TU,WE,TH,FR,SA",
        ("09:00", "17:00"),
        "hour",
        Decimal("1.15"),
    ),
    "employment-skills": (
        "Towards work and learning: skills, work experience and support into a job.",
        "CV writing, work tasters, college courses",
        (16, 64),
        "MO,TU,WE,TH",
        ("09:30", "15:00"),
        "session",
        Decimal("1.00"),
    ),
}
STREETS = ["Mill Lane", "Church Street", "Station Road", "The Green", "Park Avenue", "High Street", "School Road"]
LANGUAGES = ["English", "English, Polish", "English, Urdu, Punjabi", "English, British Sign Language", "English"]


def _postcodes(rng: random.Random) -> int:
    if Postcode.objects.exists():
        return 0
    with (HERE / "mereford_postcodes.csv").open() as rows:
        made = [
            Postcode(postcode=r["postcode"], latitude=Decimal(r["lat"]), longitude=Decimal(r["lon"]))
            for r in csv.DictReader(rows)
        ]
    for prefix, (lat, lon) in GRIDS.items():
        for district in AreaPostcode.objects.filter(outward_code__startswith=prefix).values_list(
            "outward_code", flat=True
        ):
            n = int(district[len(prefix) :])
            centre = (lat + Decimal("0.045") * (n // 4), lon + Decimal("0.07") * (n % 4))
            for sector in range(1, 4):
                for _ in range(4):
                    code = f"{district} {sector}{rng.choice(LETTERS)}{rng.choice(LETTERS)}"
                    made.append(
                        Postcode(
                            postcode=code,
                            latitude=centre[0] + Decimal(rng.randint(-90, 90)) / 10000,
                            longitude=centre[1] + Decimal(rng.randint(-140, 140)) / 10000,
                        )
                    )
    Postcode.objects.bulk_create(made, ignore_conflicts=True)
    return Postcode.objects.count()


def _postcode_in(listing: Listing, rng: random.Random) -> str:
    admission = (
        Admission.objects.filter(provider=listing.provider, arrangement__council=listing.council, area__isnull=False)
        .order_by("pk")
        .first()
    )
    districts = AreaPostcode.objects.for_organisation(listing.council)
    if admission is not None and districts.filter(area=admission.area).exists():
        districts = districts.filter(area=admission.area)
    outward = rng.choice(sorted(districts.values_list("outward_code", flat=True)))
    found = sorted(Postcode.objects.filter(postcode__startswith=f"{outward} ").values_list("postcode", flat=True))
    return rng.choice(found) if found else ""


def _data(listing: Listing, rng: random.Random) -> dict:
    kind = KINDS.get(listing.service_type.code)
    if kind is None:
        description, activities, ages, days, hours, unit, markup = (
            listing.service_type.description or listing.service_type.name,
            "",
            (18, 120),
            "MO,TU,WE,TH,FR",
            ("09:00", "17:00"),
            "hour",
            Decimal("1.10"),
        )
    else:
        description, activities, ages, days, hours, unit, markup = kind
    admission = Admission.objects.filter(provider=listing.provider, arrangement__council=listing.council).first()
    price = (admission.price if admission and admission.price else Decimal("25")) * markup
    slug = listing.provider.slug
    postcode = _postcode_in(listing, rng)
    return {
        "name": f"{listing.provider.name}: {listing.service_type.name.lower()}",
        "description": f"{description} {listing.provider.name} is approved by {listing.council.name}.",
        "activities": activities,
        "address_1": f"{rng.randint(1, 120)} {rng.choice(STREETS)}",
        "town": (admission.area.name if admission and admission.area else "") or listing.council.name,
        "postcode": postcode,
        "age_min": str(ages[0]),
        "age_max": str(ages[1]),
        "offers_transport": "true" if listing.offers_transport or rng.random() < 0.3 else "",
        "one_to_one": "true" if listing.one_to_one or listing.service_type.code == "independence-life-skills" else "",
        "complex_needs": "true" if listing.complex_needs else "",
        "days": days.split(","),
        "opens_at": hours[0] if hours else "",
        "closes_at": hours[1] if hours else "",
        "languages": rng.choice(LANGUAGES),
        "email": f"enquiries@{slug}.example",
        "phone": f"01632 {rng.randint(100000, 999999)}",
        "price": f"{price.quantize(Decimal('0.01'))}",
        "price_unit": unit,
        "price_note": "Ask about a free taster day." if unit in ("day", "session") else "",
        "taking_new_people": "true" if rng.random() < 0.8 else "",
    }


def build(rng: random.Random) -> dict[str, int]:
    if Listing.objects.filter(approved_at__isnull=False).exists():
        return {}
    made = {"postcodes": _postcodes(rng)}
    services.listings_offer(notify=False)
    listings = list(Listing.objects.select_related("council", "provider", "service_type").order_by("pk"))
    counts = {"listings public": 0, "listings held back": 0, "listing changes waiting": 0, "listings returned": 0}
    for index, listing in enumerate(listings):
        office = _admin(listing.provider)
        commissioner = User.objects.filter(organisation=listing.council, email__startswith="commissioner").first()
        data = _data(listing, rng)
        fate = index % 13
        if fate == 5:
            data = {**data, "price": "", "price_unit": "", "price_note": ""}  # held back: no cost
        elif fate == 9:
            data = {**data, "postcode": "", "address_1": ""}  # held back: no address
        change = services.listing_change_submit(listing=listing, actor=office, data=data)
        if fate == 11:
            counts["listing changes waiting"] += 1
            continue
        if fate == 7:
            services.listing_change_return(
                change=change, actor=commissioner, reason="Say what a day costs people who pay for themselves."
            )
            counts["listings returned"] += 1
            continue
        approved = services.listing_change_approve(change=change, actor=commissioner)
        counts["listings public" if approved.complete else "listings held back"] += 1
    made.update(counts)
    made["enquiries"] = _enquiries(rng)
    return made


def _enquiries(rng: random.Random) -> int:
    from caremarket.directory import selectors

    public = list(selectors.public_listings().order_by("pk"))
    sent = 0
    for n, listing in enumerate(rng.sample(public, min(12, len(public)))):
        services.enquiry_send(
            listing=listing,
            data={
                "name": rng.choice(["Sam Patel", "Jo Okoye", "Alex Byrne", "Chris Novak"]),
                "email": f"family{n}@example.com",
                "message": "Do you have a place starting next month? My son is 19 and would like to come two days.",
            },
            address=f"192.0.2.{n + 1}",
        )
        sent += 1
    return sent
