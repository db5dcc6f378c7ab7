"""The directory as an Open Referral UK feed (HSDS-UK 3.0): services, taxonomies, taxonomy terms and services at
locations, each a paged list and by id, for anyone, without a key (docs/adr/0018).

Only fields the UK profile defines are sent, and an optional field with no value is left out, never null. Ids are
UUIDs: a listing's own, or a name-based UUID (uuid5) for records that are derived (taxonomies and their terms, a
service's schedule, address, cost and attribute links), so the same record keeps the same id between reads."""

from __future__ import annotations

import math
import uuid
from dataclasses import dataclass
from datetime import datetime, time

from django.urls import reverse
from django.utils import timezone

from caremarket.domain import directory as rules

from . import selectors
from .models import NEED_FIELDS, Listing
from .presenters import price_text

NAMESPACE = uuid.UUID("7d6c4b8e-3a1f-5e2d-9c0b-6f4a2e1d8c3b")


def derived_id(*parts: object) -> str:
    return str(uuid.uuid5(NAMESPACE, ":".join(str(p) for p in parts)))


SERVICE_TYPES = derived_id("taxonomy", "service-types")
NEEDS = derived_id("taxonomy", "needs")
TAXONOMIES = {
    SERVICE_TYPES: ("Caremarket service types", "The kinds of care and support councils buy and the public look for."),
    NEEDS: ("Caremarket needs met", "What a service offers beyond its core: transport, one-to-one, complex needs."),
}


class FeedError(ValueError):
    """A query the feed cannot answer: a 400 problem that names the parameter."""

    def __init__(self, parameter: str, message: str) -> None:
        super().__init__(message)
        self.parameter = parameter


# Taxonomies and their terms ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Term:
    id: str
    name: str
    description: str
    taxonomy_id: str
    code: str


def terms() -> list[Term]:
    """A term per service type code in use in any public listing, and a term per need."""
    from caremarket.reference.models import ServiceType

    codes: dict[str, ServiceType] = {}
    used = selectors.public_listings().values("service_type_id")
    for service in ServiceType.objects.filter(pk__in=used).order_by("code", "pk"):
        codes.setdefault(service.code, service)
    found = [
        Term(derived_id("term", "service", code), s.name, s.description or s.name, SERVICE_TYPES, code)
        for code, s in sorted(codes.items())
    ]
    found += [Term(derived_id("term", "need", code), label, label, NEEDS, code) for code, label in rules.NEEDS]
    return found


def term_json(term: Term) -> dict:
    return {
        "id": term.id,
        "name": term.name,
        "description": term.description,
        "taxonomy": TAXONOMIES[term.taxonomy_id][0],
        "taxonomy_id": term.taxonomy_id,
        "term": term.code,
    }


def taxonomy_json(key: str) -> dict:
    name, description = TAXONOMIES[key]
    return {"id": key, "name": name, "description": description, "version": "1"}


def _terms_of(listing: Listing) -> list[Term]:
    found = [
        Term(
            derived_id("term", "service", listing.service_type.code),
            listing.service_type.name,
            listing.service_type.description or listing.service_type.name,
            SERVICE_TYPES,
            listing.service_type.code,
        )
    ]
    for code, label in rules.NEEDS:
        if getattr(listing, NEED_FIELDS[code]):
            found.append(Term(derived_id("term", "need", code), label, label, NEEDS, code))
    return found


# Services ---------------------------------------------------------------------------------------------------------


def _when(moment: datetime) -> str:
    return timezone.localtime(moment, timezone.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _drop_empty(record: dict) -> dict:
    """Optional fields with no value are left out, not sent as null or empty."""
    return {k: v for k, v in record.items() if v not in (None, "", [], {})}


def organization_json(listing: Listing, profile) -> dict:
    provider = listing.provider
    return _drop_empty(
        {
            "id": str(profile.uuid) if profile else derived_id("organisation", provider.pk),
            "name": provider.name,
            "description": (
                profile.description
                if profile and profile.description
                else f"{provider.name}: a care provider admitted to {listing.council.name}'s arrangements."
            ),
            "email": profile.email if profile else "",
            "website": profile.website if profile else "",
        }
    )


def _service_page(listing: Listing, base: str) -> str:
    return base + reverse("directory:service", args=[listing.council.slug, listing.uuid])


def _fees(listing: Listing) -> str:
    if not listing.free and listing.price_pence is None:
        return ""
    text = f"{price_text(listing)} for people who pay for themselves."
    return text + (f" {listing.price_note}" if listing.price_note else "")


def service_list_json(listing: Listing, profile, base: str) -> dict:
    return _drop_empty(
        {
            "id": str(listing.uuid),
            "name": listing.name,
            "description": listing.description,
            "url": _service_page(listing, base),
            "email": listing.email,
            "status": "active",
            "fees": _fees(listing),
            "minimum_age": listing.age_min,
            "maximum_age": listing.age_max,
            "assured_date": listing.checked_on.isoformat() if listing.checked_on else None,
            "alert": "" if listing.taking_new_people else "Not taking new people at present.",
            "last_modified": _when(listing.modified_at),
            "organization": organization_json(listing, profile),
        }
    )


def location_json(listing: Listing, *, full: bool = True) -> dict:
    """The place: in a list, its one-to-one fields; by id, with its address too."""
    location_id = str(listing.location_uuid)
    record = {
        "id": location_id,
        "location_type": "physical",
        "name": listing.name,
        "latitude": float(listing.latitude) if listing.latitude is not None else None,
        "longitude": float(listing.longitude) if listing.longitude is not None else None,
    }
    if not full:
        return _drop_empty(record)
    return _drop_empty(
        {
            **record,
            "addresses": [
                {
                    "id": derived_id("address", listing.location_uuid),
                    "location_id": location_id,
                    "address_1": listing.address_1,
                    "city": listing.town or listing.council.name,
                    "region": listing.council.name,
                    "state_province": "England",
                    "postal_code": listing.postcode,
                    "country": "GB",
                    "address_type": "physical",
                }
            ],
        }
    )


def _time(value: time | None) -> str | None:
    return value.strftime("%H:%M:%S") if value else None


def service_json(listing: Listing, profile, base: str) -> dict:
    """A service fully nested: schedule, place, cost, contact and what it is (its taxonomy terms)."""
    service_id = str(listing.uuid)
    record = service_list_json(listing, profile, base)
    if listing.days:
        names = dict(rules.DAYS)
        days = ", ".join(names[d] for d in listing.day_codes)
        hours = f" from {listing.opens_at:%H:%M} to {listing.closes_at:%H:%M}" if listing.opens_at else ""
        record["schedules"] = [
            _drop_empty(
                {
                    "id": derived_id("schedule", listing.uuid),
                    "service_id": service_id,
                    "freq": "WEEKLY",
                    "byday": listing.days,
                    "opens_at": _time(listing.opens_at),
                    "closes_at": _time(listing.closes_at),
                    "description": f"Open {days}{hours}.",
                }
            )
        ]
    record["service_at_locations"] = [
        {
            "id": str(listing.location_uuid),
            "service_id": service_id,
            "location_id": str(listing.location_uuid),
            "location": location_json(listing),
        }
    ]
    if listing.free or listing.price_pence is not None:
        record["cost_options"] = [
            _drop_empty(
                {
                    "id": derived_id("cost", listing.uuid),
                    "service_id": service_id,
                    "option": "People who pay for themselves",
                    "amount": 0 if listing.free else listing.price_pence / 100,
                    "amount_description": "Free" if listing.free else dict(rules.PRICE_UNITS)[listing.price_unit],
                }
            )
        ]
    record["attributes"] = [
        {
            "id": derived_id("attribute", listing.uuid, term.id),
            "link_id": service_id,
            "taxonomy_term_id": term.id,
            "link_type": "service",
            "taxonomy_term": term_json(term),
        }
        for term in _terms_of(listing)
    ]
    return record


def service_at_location_json(listing: Listing, profile, base: str, *, full: bool) -> dict:
    """A service at its place: in a list, both with their one-to-one fields; by id, both nested in full."""
    service = service_json(listing, profile, base) if full else service_list_json(listing, profile, base)
    service.pop("service_at_locations", None)
    return {
        "id": str(listing.location_uuid),
        "service_id": str(listing.uuid),
        "location_id": str(listing.location_uuid),
        "location": location_json(listing, full=full),
        "service": service,
    }


# Queries ----------------------------------------------------------------------------------------------------------


def _int(params, name: str, *, low: int, high: int, default: int | None = None) -> int | None:
    raw = params.get(name)
    if raw in (None, ""):
        return default
    try:
        value = int(raw)
    except (TypeError, ValueError):
        raise FeedError(name, f"{name} must be a whole number, not '{raw}'") from None
    if not low <= value <= high:
        raise FeedError(name, f"{name} must be from {low} to {high:,}")
    return value


def _time_param(params, name: str) -> time | None:
    raw = params.get(name)
    if raw in (None, ""):
        return None
    try:
        # opening times are the place's own local times: an offset given with one is set aside
        return time.fromisoformat(raw).replace(tzinfo=None)
    except ValueError:
        raise FeedError(name, f"{name} must be a time like 09:30, not '{raw}'") from None


def search_from(params, *, with_place: bool) -> selectors.Search:
    """The UK profile's filters, checked: a wrong type or range is a FeedError, never a server error."""
    query = selectors.Search(text=(params.get("search") or "").strip()[:200])
    term = params.get("taxonomy_term_id")
    taxonomy = params.get("taxonomy_id")
    if term:
        known = {t.id: t for t in terms()}
        if term not in known:
            query.nothing = True  # a term the feed does not use matches no service
        elif known[term].taxonomy_id == SERVICE_TYPES:
            query.service_code = known[term].code
        else:
            query.needs = [known[term].code]
    if taxonomy:
        if taxonomy not in TAXONOMIES:
            query.nothing = True
        elif taxonomy == NEEDS:
            query.needs_any = True
    query.age_min = _int(params, "minimum_age", low=0, high=rules.AGE_MAX)
    query.age_max = _int(params, "maximum_age", low=0, high=rules.AGE_MAX)
    if params.get("day"):
        names = {name.upper(): code for code, name in rules.DAYS}
        day = names.get(params["day"].strip().upper(), params["day"].strip().upper())
        if day not in rules.DAY_CODES:
            raise FeedError("day", "day must be a day of the week: Monday to Sunday, or MO to SU")
        query.day = day
    query.start_time = _time_param(params, "start_time")
    query.end_time = _time_param(params, "end_time")
    after = params.get("modified_after")
    if after:
        try:
            moment = datetime.fromisoformat(after.replace("Z", "+00:00"))
        except ValueError:
            raise FeedError("modified_after", f"modified_after must be a date and time, not '{after}'") from None
        query.modified_after = moment if timezone.is_aware(moment) else timezone.make_aware(moment)
    if with_place and params.get("postcode"):
        try:
            query.postcode = rules.postcode_normalised(params["postcode"])
        except rules.PostcodeError as exc:
            raise FeedError("postcode", str(exc)) from None
        metres = params.get("proximity")
        if metres not in (None, ""):
            try:
                value = float(metres)
            except ValueError:
                raise FeedError("proximity", f"proximity must be a distance in metres, not '{metres}'") from None
            if not (0 < value <= rules.DISTANCE_MAX_MILES * rules.METRES_PER_MILE) or math.isnan(value):
                most = int(rules.DISTANCE_MAX_MILES * rules.METRES_PER_MILE)
                raise FeedError("proximity", f"proximity must be more than 0 and at most {most:,} metres")
            query.miles = value / rules.METRES_PER_MILE
    elif with_place and params.get("proximity"):
        raise FeedError("proximity", "proximity needs a postcode to measure from")
    return query


def found(params, *, with_place: bool) -> selectors.Results:
    """What the query finds, as a sequence whose pages load only their own listings."""
    query = search_from(params, with_place=with_place)
    try:
        return selectors.search(None, query)
    except selectors.UnknownPostcode as exc:
        raise FeedError("postcode", str(exc)) from None


def page(params, items, render=lambda found: found.listing) -> dict:
    """The UK profile's page envelope over `items`, rendering only the page asked for."""
    per_page = _int(params, "per_page", low=1, high=rules.ORUK_PER_PAGE_MAX, default=rules.ORUK_PER_PAGE)
    total = len(items)
    pages = math.ceil(total / per_page)
    number = _int(params, "page", low=1, high=max(pages, 1), default=1)
    contents = [render(item) for item in items[(number - 1) * per_page : number * per_page]]
    return {
        "total_items": total,
        "total_pages": pages,
        "page_number": number,
        "size": per_page,
        "first_page": number == 1,
        "last_page": number >= pages,
        "empty": total == 0,
        "contents": contents,
    }
