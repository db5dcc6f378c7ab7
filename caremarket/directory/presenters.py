"""What the directory's pages show, prepared: a listing in words a family reads, its quality, its completeness."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from django.utils import timezone

from caremarket.domain import directory as rules

from . import selectors, services
from .models import LISTING_FIELDS, NEED_FIELDS, Listing

DAY_NAMES = dict(rules.DAYS)
UNITS = dict(rules.PRICE_UNITS)


def price_text(listing) -> str:
    if listing.free:
        return "Free"
    if listing.price_pence is not None:
        return f"£{listing.price_pence / 100:,.2f} {UNITS.get(listing.price_unit, '')}".strip()
    return "Not given"


def ages_text(age_min, age_max) -> str:
    if age_min is None or age_max is None:
        return "Not given"
    if age_max >= rules.AGE_MAX:
        return f"{age_min} and over"
    return f"{age_min} to {age_max}"


def opening_text(days: str, opens_at, closes_at) -> str:
    codes = [d for d in (days or "").split(",") if d]
    if not codes:
        return "Not given"
    hours = ""
    if opens_at and closes_at:
        opens = opens_at if isinstance(opens_at, str) else opens_at.strftime("%H:%M")
        closes = closes_at if isinstance(closes_at, str) else closes_at.strftime("%H:%M")
        hours = f", {opens} to {closes}"
    return ", ".join(DAY_NAMES[c] for c in codes) + hours


def needs_text(listing) -> list[str]:
    return [label for code, label in rules.NEEDS if getattr(listing, NEED_FIELDS[code])]


def quality_text(quality: dict | None) -> list[str]:
    if not quality:
        return []
    lines = []
    if quality["regulated"]:
        if quality["cqc"] is not None:
            rating = quality["cqc"]
            lines.append(f"Care Quality Commission: {rating.get_rating_display()} ({rating.report_date:%-d %B %Y})")
        elif quality["cqc_location"]:
            lines.append("Care Quality Commission: registered, not yet rated")
        else:
            lines.append("Care Quality Commission: no registration recorded")
    if quality["council"]:
        lines.append(f"The council's latest monitoring: {quality['council']}")
    return lines


@dataclass
class Result:
    listing: Listing
    miles: float | None
    price: str
    ages: str
    opening: str
    needs: list[str]
    quality: list[str]


def search_page(*, council, form, page, request) -> dict:
    results = []
    if page is not None:
        listings = [f.listing for f in page.object_list]
        quality = selectors.quality_of(listings)
        for f in page.object_list:
            x = f.listing
            results.append(
                Result(
                    x,
                    f.miles,
                    price_text(x),
                    ages_text(x.age_min, x.age_max),
                    opening_text(x.days, x.opens_at, x.closes_at),
                    needs_text(x),
                    quality_text(quality.get(x.pk)),
                )
            )
    query = urlencode([(key, v) for key, values in request.GET.lists() if key != "page" for v in values])
    return {
        "council": council,
        "brand_organisation": council,
        "form": form,
        "page": page,
        "results": results,
        "query": query,
    }


def service_page(*, council, listing, form) -> dict:
    quality = selectors.quality_of([listing]).get(listing.pk)
    return {
        "council": council,
        "brand_organisation": council,
        "listing": listing,
        "profile": selectors.profile_of(listing.provider),
        "price": price_text(listing),
        "ages": ages_text(listing.age_min, listing.age_max),
        "opening": opening_text(listing.days, listing.opens_at, listing.closes_at),
        "needs": needs_text(listing),
        "quality": quality_text(quality),
        "check_due": listing.checked_on is None
        or (timezone.localdate() - listing.checked_on).days > rules.CHECK_DUE_DAYS,
        "form": form,
        "kept_days": rules.ENQUIRY_KEPT_DAYS,
    }


LABELS = {
    "name": "Name",
    "description": "Description",
    "activities": "Activities",
    "address_1": "Building and street",
    "town": "Town or city",
    "postcode": "Postcode",
    "age_min": "Youngest age",
    "age_max": "Oldest age",
    "offers_transport": "Transport",
    "one_to_one": "One-to-one",
    "complex_needs": "Complex needs",
    "days": "Days open",
    "opens_at": "Opens at",
    "closes_at": "Closes at",
    "languages": "Languages",
    "email": "Email",
    "phone": "Telephone",
    "free": "Free",
    "price_pence": "Price",
    "price_unit": "Price for",
    "price_note": "What the price includes",
    "taking_new_people": "Taking new people",
}


def _shown(field: str, value) -> str:
    if value in (None, ""):
        return "Not given"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if field == "price_pence":
        return f"£{value / 100:,.2f}"
    if field == "price_unit":
        return UNITS.get(value, value)
    if field == "days":
        return ", ".join(DAY_NAMES[c] for c in value.split(",") if c)
    return str(value)


def change_rows(listing: Listing, proposed: dict) -> list[dict]:
    """Each field as it is now and as proposed, the changed ones marked."""
    now = services.listing_values(listing)
    return [
        {
            "label": LABELS[f],
            "now": _shown(f, now[f]),
            "proposed": _shown(f, proposed.get(f)),
            "changed": now[f] != proposed.get(f),
        }
        for f in LISTING_FIELDS
    ]


def completeness(gaps) -> dict:
    return {
        "percent": rules.completeness(gaps),
        "missing": [g.label for g in gaps],
        "met": [r.label for r in rules.REQUIREMENTS if r not in gaps],
    }


# The day's work --------------------------------------------------------------------------------------------------


def commissioner_to_do(*, council) -> list:
    from django.urls import reverse

    from caremarket.core.todo import Item, Row

    return [
        Item.of(
            "Directory listings waiting for your approval",
            selectors.council_changes(council).order_by("submitted_at"),
            lambda c: Row(
                f"{c.proposed.get('name') or c.listing.name} from {c.listing.provider.name}",
                reverse("directory-manage:change", args=[c.pk]),
                c.submitted_at,
                "sent",
            ),
            reverse("directory-manage:index"),
        )
    ]


def provider_to_do(*, provider, now=None) -> list:
    from datetime import timedelta

    from django.urls import reverse

    from caremarket.core.todo import Item, Row

    now = now or timezone.now()
    to_write = [
        x
        for x in selectors.provider_listings(provider)
        if selectors.waiting_change(x) is None and (x.approved_at is None or not x.complete)
    ]
    return [
        Item.of(
            "Directory listings to write or complete",
            to_write,
            lambda x: Row(f"{x.name} ({x.council.name})", reverse("provider-directory:listing", args=[x.pk])),
            reverse("provider-directory:list"),
        ),
        Item.of(
            "Enquiries from the public in the last week",
            selectors.provider_enquiries(provider).filter(sent_at__gte=now - timedelta(days=7)),
            lambda e: Row(
                f"About {e.listing.name}", reverse("provider-directory:enquiry", args=[e.pk]), e.sent_at, "sent"
            ),
            reverse("provider-directory:list"),
        ),
    ]
