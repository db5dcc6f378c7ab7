"""Reads of the directory: what the public may see (approved, complete, from a provider with a live admission for
that service), the search over it, and each organisation's own listings, changes and enquiries."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, time
from functools import reduce
from operator import or_

from django.db.models import Exists, OuterRef, Q, QuerySet

from caremarket.core.tenancy import get_for_organisation_or_404
from caremarket.domain import directory as rules
from caremarket.domain.lifecycles import LISTING_CHANGE

from .models import NEED_FIELDS, Enquiry, FeedCheck, Listing, ListingChange, Postcode, ProviderProfile


def public_listings(council=None) -> QuerySet[Listing]:
    """Listings the public may see. A provider suspended or removed from every admission for the service, or an
    organisation made inactive, leaves the directory at once: this is asked on every read, nothing is copied."""
    from caremarket.arrangements.selectors import admissions_in
    from caremarket.domain.arrangements import Status

    live = admissions_in(
        "offerable",
        arrangement__status=Status.LIVE,
        provider=OuterRef("provider"),
        arrangement__council=OuterRef("council"),
        lot__service_types=OuterRef("service_type"),
    )
    listings = Listing.objects.filter(
        complete=True, approved_at__isnull=False, provider__is_active=True, council__is_active=True
    ).filter(Exists(live))
    if council is not None:
        listings = listings.filter(council=council)
    return listings.select_related("council", "provider", "service_type")


def councils_with_directories():
    from caremarket.accounts.models import Organisation

    return Organisation.objects.filter(pk__in=public_listings().values("council_id")).order_by("name")


def services_of(council):
    from caremarket.reference.models import ServiceType

    return (
        ServiceType.objects.for_organisation(council)
        .filter(pk__in=public_listings(council).values("service_type_id"))
        .order_by("name")
    )


def postcode_place(postcode: str) -> Postcode | None:
    return Postcode.objects.filter(postcode=postcode).first() if postcode else None


@dataclass
class Search:
    """A search of one council's directory (or of every council's, for the feed)."""

    service_code: str = ""
    nothing: bool = False  # a filter nothing can meet (an unknown taxonomy term)
    text: str = ""
    postcode: str = ""
    miles: float | None = None
    age: int | None = None
    group: tuple[int, int] | None = None  # an age group: serving some of the ages from its first to its last
    age_min: int | None = None  # Open Referral's minimum_age: services whose youngest age is at least this
    age_max: int | None = None  # and maximum_age: services whose oldest age is at most this
    needs: list[str] = field(default_factory=list)
    needs_any: bool = False  # meets at least one of the needs
    day: str = ""
    at: time | None = None
    start_time: time | None = None
    end_time: time | None = None
    taking_only: bool = False
    modified_after: datetime | None = None


@dataclass
class Found:
    listing: Listing
    miles: float | None


class UnknownPostcode(ValueError):
    pass


def search(council, query: Search) -> list[Found]:
    """Filter in the database; measure distance on what is left inside the postcode's bounding box, nearest first
    (by name when no postcode is given)."""
    listings = public_listings(council)
    if query.service_code:
        listings = listings.filter(service_type__code=query.service_code)
    if query.nothing:
        return Results([])
    if query.text:
        words = query.text.split()[:8]
        for word in words:
            listings = listings.filter(
                Q(name__icontains=word)
                | Q(description__icontains=word)
                | Q(activities__icontains=word)
                | Q(provider__name__icontains=word)
                | Q(service_type__name__icontains=word)
            )
    if query.age is not None:
        listings = listings.filter(age_min__lte=query.age, age_max__gte=query.age)
    if query.group is not None:
        listings = listings.filter(age_min__lte=query.group[1], age_max__gte=query.group[0])
    if query.age_min is not None:
        listings = listings.filter(age_min__gte=query.age_min)
    if query.age_max is not None:
        listings = listings.filter(age_max__lte=query.age_max)
    for need in query.needs:
        listings = listings.filter(**{NEED_FIELDS[need]: True})
    if query.needs_any:
        listings = listings.filter(reduce(or_, (Q(**{flag: True}) for flag in NEED_FIELDS.values())))
    if query.day:
        listings = listings.filter(days__contains=query.day)
    if query.at is not None:
        listings = listings.filter(opens_at__lte=query.at, closes_at__gt=query.at)
    if query.start_time is not None:
        listings = listings.filter(opens_at__gte=query.start_time)
    if query.end_time is not None:
        listings = listings.filter(closes_at__lte=query.end_time)
    if query.taking_only:
        listings = listings.filter(taking_new_people=True)
    if query.modified_after is not None:
        listings = listings.filter(modified_at__gte=query.modified_after)
    if not query.postcode:
        return Results([(pk, None) for pk in listings.order_by("name", "pk").values_list("pk", flat=True)])
    place = postcode_place(query.postcode)
    if place is None:
        raise UnknownPostcode(f"We cannot find the postcode {query.postcode}: check it and try again")
    lat, lon = float(place.latitude), float(place.longitude)
    miles = query.miles if query.miles is not None else rules.DISTANCE_MAX_MILES
    south, north, west, east = rules.bounding_box(lat, lon, miles)
    near = listings.filter(latitude__gte=south, latitude__lte=north, longitude__gte=west, longitude__lte=east)
    found = []
    for pk, name, at_lat, at_lon in near.values_list("pk", "name", "latitude", "longitude"):
        distance = rules.miles_between(lat, lon, float(at_lat), float(at_lon))
        if distance <= miles:
            found.append((distance, name, pk))
    found.sort()
    return Results([(pk, distance) for distance, _, pk in found])


class Results(Sequence):
    """What a search found, in order, as ids and distances: a page of it loads only its own listings."""

    def __init__(self, found: list[tuple[int, float | None]]) -> None:
        self.found = found

    def __len__(self) -> int:
        return len(self.found)

    def __getitem__(self, index):
        if isinstance(index, slice):
            chosen = self.found[index]
            loaded = public_listings().in_bulk([pk for pk, _ in chosen])
            return [Found(loaded[pk], miles) for pk, miles in chosen if pk in loaded]
        pk, miles = self.found[index]
        return Found(public_listings().get(pk=pk), miles)


def public_listing(council, key: str) -> Listing:
    from django.core.exceptions import ValidationError
    from django.http import Http404

    try:
        return public_listings(council).get(uuid=key)
    except (Listing.DoesNotExist, ValidationError, ValueError) as exc:
        raise Http404("No such service in this directory") from exc


def profile_of(provider) -> ProviderProfile | None:
    return ProviderProfile.objects.filter(provider=provider).first()


def profiles_of(provider_ids) -> dict[int, ProviderProfile]:
    return {p.provider_id: p for p in ProviderProfile.objects.filter(provider_id__in=set(provider_ids))}


def quality_of(listings: list[Listing]) -> dict[int, dict]:
    """What the public are told of each listing's quality: the CQC's latest rating of the registered location
    where the service is regulated, and the council's latest published monitoring rating of the provider."""
    from caremarket.arrangements.models import Admission
    from caremarket.cqc.selectors import ratings_of
    from caremarket.quality.selectors import latest_published_ratings

    by_listing: dict[int, dict] = {}
    registered: dict[tuple, str] = {}
    rows = (
        Admission.objects.filter(
            provider__in={x.provider_id for x in listings},
            arrangement__council__in={x.council_id for x in listings},
            lot__service_types__in={x.service_type_id for x in listings},
        )
        .exclude(application__cqc_location_id="")
        .order_by("pk")
        .values_list("provider_id", "arrangement__council_id", "lot__service_types", "application__cqc_location_id")
    )
    for provider, council, service, location in rows:
        registered.setdefault((provider, council, service), location)
    locations: dict[int, str] = {}
    for listing in listings:
        location = registered.get((listing.provider_id, listing.council_id, listing.service_type_id))
        if location and listing.service_type.regulated_activity:
            locations[listing.pk] = location
    ratings = ratings_of(locations.values())
    councils: dict[int, dict] = {}
    for listing in listings:
        if listing.council_id not in councils:
            councils[listing.council_id] = latest_published_ratings(council=listing.council)
        cqc = ratings.get(locations.get(listing.pk, ""), [])
        by_listing[listing.pk] = {
            "regulated": listing.service_type.regulated_activity,
            "cqc_location": locations.get(listing.pk, ""),
            "cqc": cqc[0] if cqc else None,
            "council": councils[listing.council_id].get((listing.provider_id, listing.service_type_id)),
        }
    return by_listing


# A provider's own ------------------------------------------------------------------------------------------------


def provider_listings(provider) -> QuerySet[Listing]:
    return (
        Listing.objects.filter(provider=provider)
        .select_related("council", "service_type")
        .order_by("council__name", "service_type__name")
    )


def provider_listing(provider, pk) -> Listing:
    from django.http import Http404

    try:
        return provider_listings(provider).get(pk=pk)
    except (Listing.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404("No such listing of yours") from exc


def waiting_change(listing) -> ListingChange | None:
    return listing.changes.filter(status__in=sorted(LISTING_CHANGE.group("waiting"))).first()


def last_change(listing) -> ListingChange | None:
    return listing.changes.order_by("-submitted_at", "-pk").first()


def provider_enquiries(provider) -> QuerySet[Enquiry]:
    return Enquiry.objects.filter(provider=provider).select_related("listing", "listing__council")


def provider_enquiry(provider, pk) -> Enquiry:
    from django.http import Http404

    try:
        return provider_enquiries(provider).get(pk=pk)
    except (Enquiry.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404("No such enquiry of yours") from exc


# A council's own -------------------------------------------------------------------------------------------------


def council_listings(council) -> QuerySet[Listing]:
    return Listing.objects.for_organisation(council).select_related("provider", "service_type")


def council_changes(council, *, waiting_only: bool = True) -> QuerySet[ListingChange]:
    changes = ListingChange.objects.for_organisation(council).select_related(
        "listing", "listing__provider", "listing__service_type", "submitted_by"
    )
    if waiting_only:
        changes = changes.in_group("waiting")
    return changes


def council_change(council, pk) -> ListingChange:
    return get_for_organisation_or_404(council_changes(council, waiting_only=False), council, pk=pk)


def council_listing(council, pk) -> Listing:
    return get_for_organisation_or_404(council_listings(council), council, pk=pk)


def public_ids(council=None) -> set[int]:
    return set(public_listings(council).values_list("pk", flat=True))


def feed_checks(council):
    return FeedCheck.objects.for_organisation(council)


def feed_check(council, pk) -> FeedCheck:
    return get_for_organisation_or_404(FeedCheck.objects.all(), council, pk=pk)


def enquiry_counts(*, council, start, end, service_type_id: int | None = None):
    """(service name, area name, enquiries) per month row in the period: self-funder demand for market insight."""
    from .models import EnquiryCount

    counts = EnquiryCount.objects.for_organisation(council).filter(month__gte=start.replace(day=1), month__lte=end)
    if service_type_id:
        counts = counts.filter(service_type_id=service_type_id)
    return counts.values_list("service_type__name", "area__name", "enquiries")
