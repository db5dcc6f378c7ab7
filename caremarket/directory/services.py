"""Writes to the directory: listings offered by admissions, changes proposed by providers and decided by councils,
providers' profiles, enquiries from the public, and the postcodes the search measures from."""

from __future__ import annotations

import csv
import hashlib
import hmac
from datetime import datetime, time, timedelta
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count, F, Q
from django.urls import reverse
from django.utils import timezone

from caremarket.core.audit import audit_record
from caremarket.core.errors import ServiceError
from caremarket.core.lifecycle import status_move, status_started
from caremarket.domain import directory as rules
from caremarket.domain.lifecycles import ADMISSION, LISTING_CHANGE
from caremarket.domain.notifications import Kind

from .forms import EnquiryForm, ListingForm, ProfileForm, listing_initial
from .models import (
    LISTING_FIELDS,
    Enquiry,
    EnquiryCount,
    Listing,
    ListingChange,
    ListingChangeStatus,
    Postcode,
    ProviderProfile,
)
from .selectors import postcode_place

HISTORY = (ListingChangeStatus, "change")


def _form_errors(form) -> dict[str, str]:
    return {field: " ".join(str(e) for e in errors) for field, errors in form.errors.items()}


def _notify(**kwargs) -> None:
    from caremarket.notifications.services import notify

    notify(**kwargs)


# Postcodes -------------------------------------------------------------------------------------------------------


def postcodes_import(path: Path | str, *, batch: int = 5000) -> dict[str, int]:
    """Load postcode centres from a CSV with postcode and latitude/longitude columns (the ONS postcode directory,
    or an extract of it such as a council's own): new ones added, known ones moved, malformed rows counted."""
    names = {"postcode": ("postcode", "pcds", "pcd"), "lat": ("lat", "latitude"), "lon": ("lon", "long", "longitude")}
    added = moved = rejected = 0
    with open(path, newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        header = {h.lower(): h for h in reader.fieldnames or []}
        column = {}
        for key, options in names.items():
            found = next((header[o] for o in options if o in header), None)
            if found is None:
                raise ServiceError(f"The file has no {key} column (expected one of: {', '.join(options)})")
            column[key] = found
        rows: dict[str, tuple[Decimal, Decimal]] = {}
        for row in reader:
            try:
                code = rules.postcode_normalised(row[column["postcode"]])
                lat, lon = (
                    Decimal(row[column["lat"]]).quantize(Decimal("0.000001")),
                    Decimal(row[column["lon"]]).quantize(Decimal("0.000001")),
                )
            except (rules.PostcodeError, ArithmeticError, TypeError, ValueError):
                rejected += 1
                continue
            if not (-90 <= lat <= 90 and -180 <= lon <= 180):
                rejected += 1
                continue
            rows[code] = (lat, lon)
    codes = list(rows)
    for start in range(0, len(codes), batch):
        chunk = codes[start : start + batch]
        known = {p.postcode: p for p in Postcode.objects.filter(postcode__in=chunk)}
        new = [Postcode(postcode=c, latitude=rows[c][0], longitude=rows[c][1]) for c in chunk if c not in known]
        Postcode.objects.bulk_create(new, batch_size=batch)
        added += len(new)
        changed = [p for c, p in known.items() if (p.latitude, p.longitude) != rows[c]]
        for p in changed:
            p.latitude, p.longitude = rows[p.postcode]
        Postcode.objects.bulk_update(changed, ["latitude", "longitude"], batch_size=batch)
        moved += len(changed)
    return {"added": added, "moved": moved, "rejected": rejected}


# Listings offered by admissions ----------------------------------------------------------------------------------


def listings_offer(*, provider=None, notify: bool = True) -> list[Listing]:
    """Every current admission offers its provider a listing for each service type of its lot, once; the listing
    starts from what the council already knows (ages and needs admitted for, the CQC-registered address) and is
    not public until the provider has written it and the council approved it."""
    from caremarket.arrangements.models import Admission
    from caremarket.cqc.models import CqcLocation

    admissions = (
        Admission.objects.filter(status__in=sorted(ADMISSION.group("current")), provider__is_active=True)
        .select_related("arrangement", "provider", "application")
        .prefetch_related("lot__service_types")
        .order_by("pk")
    )
    if provider is not None:
        admissions = admissions.filter(provider=provider)
    have = set(Listing.objects.values_list("council_id", "provider_id", "service_type_id"))
    made: list[Listing] = []
    for admission in admissions:
        council = admission.arrangement.council
        for service_type in admission.lot.service_types.all():
            key = (council.pk, admission.provider_id, service_type.pk)
            if key in have:
                continue
            have.add(key)
            location = CqcLocation.objects.filter(location_id=admission.application.cqc_location_id).first()
            profile = ProviderProfile.objects.filter(provider=admission.provider).first()
            try:
                with transaction.atomic():  # the worker and a provider's page may offer it at the same moment
                    listing = Listing.objects.create(
                        council=council,
                        provider=admission.provider,
                        service_type=service_type,
                        name=f"{service_type.name} from {admission.provider.name}",
                        postcode=location.postcode if location and location.postcode else "",
                        age_min=admission.age_min,
                        age_max=admission.age_max,
                        offers_transport=admission.offers_transport,
                        one_to_one=admission.one_to_one,
                        complex_needs=admission.complex_needs,
                        email=(profile.email if profile else "") or admission.provider.contact_email,
                        phone=profile.phone if profile else "",
                    )
            except IntegrityError:
                continue  # offered by the other, once
            made.append(listing)
            audit_record(
                actor=None,
                organisation=council,
                action="listing.offered",
                target=listing,
                also=admission.provider,
                after={"service_type": service_type.name},
            )
            if notify:
                _notify(
                    kind=Kind.LISTING_OFFERED,
                    organisation=admission.provider,
                    subject=f"Write your {council.name} directory listing for {service_type.name}",
                    body=(
                        f"You are admitted to provide {service_type.name} for {council.name}. Write your listing for "
                        "its public directory: the council publishes it once it has approved it."
                    ),
                    link=reverse("provider-directory:listing", args=[listing.pk]),
                    event_key=f"listing-offered:{listing.pk}",
                )
    return made


# Changes proposed by providers and decided by councils -----------------------------------------------------------


def listing_values(listing: Listing) -> dict:
    """The listing as it stands, in the form a change proposes it."""
    values = {field: getattr(listing, field) for field in LISTING_FIELDS}
    for key in ("opens_at", "closes_at"):
        values[key] = values[key].strftime("%H:%M") if values[key] else None
    return values


def _clean(data: dict) -> dict:
    form = ListingForm(data)
    if not form.is_valid():
        raise ServiceError(_form_errors(form))
    proposed = form.proposed()
    if proposed["postcode"] and postcode_place(proposed["postcode"]) is None:
        raise ServiceError({"postcode": f"We cannot find the postcode {proposed['postcode']}: check it and try again"})
    return proposed


def form_data(values: dict) -> dict:
    """Stored values as a form's data: what the API's JSON and a page's fields both become."""
    initial = listing_initial(values)
    data = {}
    for key, value in initial.items():
        if isinstance(value, bool):
            if value:
                data[key] = "true"
        elif value is not None:
            data[key] = value
    return data


@transaction.atomic
def listing_change_submit(*, listing: Listing, actor, data: dict) -> ListingChange:
    """A provider proposes its listing whole; it waits for the council (one waiting change at a time: a second
    replaces the first, which is withdrawn)."""
    listing = Listing.objects.select_for_update().get(pk=listing.pk)
    proposed = _clean(data)
    if proposed == listing_values(listing) and listing.approved_at is not None:
        raise ServiceError("Nothing has changed: the listing already says this")
    waiting = ListingChange.objects.filter(listing=listing, status__in=sorted(LISTING_CHANGE.group("waiting")))
    for earlier in waiting:
        status_move(
            earlier,
            "withdrawn",
            lifecycle=LISTING_CHANGE,
            changed_by=_person(actor),
            history=HISTORY,
            reason="Replaced by a newer change",
        )
    change = ListingChange.objects.create(
        council=listing.council, listing=listing, proposed=proposed, submitted_by=_person(actor)
    )
    status_started(change, history=HISTORY, changed_by=_person(actor))
    gaps = [r.label for r in _gaps_of(listing, proposed)]
    audit_record(
        actor=actor,
        organisation=listing.provider,
        action="listing_change.submitted",
        target=listing,
        also=listing.council,
        after={"proposed": proposed, "missing": gaps},
    )
    _notify(
        kind=Kind.LISTING_SUBMITTED,
        organisation=listing.council,
        subject=f"{listing.provider.name} asks you to approve its directory listing",
        body=f"{listing.name}: check the changes and approve them, or return them with a reason.",
        link=reverse("directory-manage:change", args=[change.pk]),
        event_key=f"listing-change:{change.pk}",
    )
    return change


def _person(actor):
    from caremarket.core.audit import describe_actor

    return describe_actor(actor)[0]


def _gaps_of(listing: Listing, proposed: dict) -> list[rules.Requirement]:
    located = postcode_place(proposed["postcode"]) is not None
    return rules.listing_gaps(proposed, located=located, categories=1 if listing.service_type_id else 0)


def proposed_gaps(change: ListingChange) -> list[rules.Requirement]:
    return _gaps_of(change.listing, change.proposed)


@transaction.atomic
def listing_change_approve(*, change: ListingChange, actor, today=None) -> Listing:
    """The council approves: the listing becomes what was proposed, checked today, and is public if it passes the
    data-quality gate (a listing that does not stays out of the directory, and the provider is told what it lacks)."""
    change = ListingChange.objects.select_for_update().get(pk=change.pk)
    listing = Listing.objects.select_for_update().get(pk=change.listing_id)
    status_move(change, "approved", lifecycle=LISTING_CHANGE, changed_by=_person(actor), history=HISTORY)
    before = listing_values(listing)
    proposed = change.proposed
    for field in LISTING_FIELDS:
        value = proposed[field]
        if field in ("opens_at", "closes_at") and value:
            value = time.fromisoformat(value)
        setattr(listing, field, value)
    place = postcode_place(listing.postcode)
    listing.latitude, listing.longitude = (place.latitude, place.longitude) if place else (None, None)
    now = timezone.now()
    listing.approved_at = listing.approved_at or now
    listing.checked_on = today or timezone.localdate()
    listing.modified_at = now
    listing.complete = not listing.gaps()
    listing.save()
    change.decided_by, change.decided_at = _person(actor), now
    change.save(update_fields=["decided_by", "decided_at"])
    after = listing_values(listing)
    audit_record(
        actor=actor,
        organisation=listing.council,
        action="listing_change.approved",
        target=listing,
        also=listing.provider,
        before={k: v for k, v in before.items() if v != after[k]},
        after={k: v for k, v in after.items() if v != before[k]},
    )
    lacking = [r.label.lower() for r in listing.gaps()]
    _notify(
        kind=Kind.LISTING_DECIDED,
        organisation=listing.provider,
        subject=f"{listing.council.name} approved your directory listing",
        body=(
            f"{listing.name} is in the public directory as you wrote it."
            if not lacking
            else f"{listing.name} is approved but stays out of the directory until it has: " + "; ".join(lacking)
        ),
        link=reverse("provider-directory:listing", args=[listing.pk]),
        event_key=f"listing-decided:{change.pk}",
    )
    return listing


@transaction.atomic
def listing_change_return(*, change: ListingChange, actor, reason: str) -> ListingChange:
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError({"reason": "Say what the provider must change before you can approve it"})
    change = ListingChange.objects.select_for_update().get(pk=change.pk)
    change.reason = reason
    change.decided_by, change.decided_at = _person(actor), timezone.now()
    status_move(
        change,
        "returned",
        lifecycle=LISTING_CHANGE,
        changed_by=_person(actor),
        history=HISTORY,
        reason=reason,
        also_save=("reason", "decided_by", "decided_at"),
    )
    listing = change.listing
    audit_record(
        actor=actor,
        organisation=listing.council,
        action="listing_change.returned",
        target=listing,
        also=listing.provider,
        reason=reason,
    )
    _notify(
        kind=Kind.LISTING_DECIDED,
        organisation=listing.provider,
        subject=f"{listing.council.name} returned your directory listing",
        body=f"{listing.name}: {reason}",
        link=reverse("provider-directory:listing", args=[listing.pk]),
        event_key=f"listing-decided:{change.pk}",
    )
    return change


@transaction.atomic
def profile_update(*, provider, actor, data: dict) -> ProviderProfile:
    """The provider's own words about itself, shown with each of its listings in every council's directory."""
    form = ProfileForm(data)
    if not form.is_valid():
        raise ServiceError(_form_errors(form))
    profile, _ = ProviderProfile.objects.select_for_update().get_or_create(provider=provider)
    before = {k: getattr(profile, k) for k in form.cleaned_data}
    for key, value in form.cleaned_data.items():
        setattr(profile, key, value.strip() if isinstance(value, str) else value)
    profile.updated_at = timezone.now()
    profile.save()
    after = {k: getattr(profile, k) for k in form.cleaned_data}
    audit_record(
        actor=actor,
        organisation=provider,
        action="directory_profile.updated",
        target=profile,
        before={k: v for k, v in before.items() if v != after[k]},
        after={k: v for k, v in after.items() if v != before[k]},
    )
    # the feed's records of every listing of the provider changed with it
    Listing.objects.filter(provider=provider).update(modified_at=profile.updated_at)
    return profile


# Enquiries -------------------------------------------------------------------------------------------------------


def sender_key(address: str) -> str:
    """A keyed hash of the sender's network address: enough to count their enquiries, never the address itself."""
    return hmac.new(settings.SECRET_KEY.encode(), (address or "").encode(), hashlib.sha256).hexdigest()


@transaction.atomic
def enquiry_send(*, listing: Listing, data: dict, address: str, now: datetime | None = None) -> Enquiry:
    """A person's enquiry to a provider from its public page, delivered by the worker. Limited per sender and per
    provider so that nobody can flood a provider; a family sending a few is never stopped."""
    now = now or timezone.now()
    form = EnquiryForm(data)
    if not form.is_valid():
        raise ServiceError(_form_errors(form))
    if form.cleaned_data["website"]:
        raise ServiceError("Your enquiry could not be sent", status=400)  # a bot filled the hidden field
    key = sender_key(address)
    recent = Enquiry.objects.filter(sender_key=key, sent_at__gte=now - timedelta(hours=1)).count()
    if recent >= rules.ENQUIRIES_PER_ADDRESS_HOUR:
        raise ServiceError(
            f"You have sent {recent} enquiries in the last hour. Wait an hour and send this one again, or telephone "
            "the provider.",
            status=429,
        )
    today = timezone.localtime(now).date()
    start_of_day = timezone.make_aware(datetime.combine(today, time()))
    if (
        Enquiry.objects.filter(provider_id=listing.provider_id, sent_at__gte=start_of_day).count()
        >= rules.ENQUIRIES_PER_PROVIDER_DAY
    ):
        raise ServiceError(
            "This provider has had more enquiries today than it can read. Try again tomorrow, or telephone them.",
            status=429,
        )
    d = form.cleaned_data
    enquiry = Enquiry.objects.create(
        council=listing.council,
        listing=listing,
        provider=listing.provider,
        name=d["name"].strip(),
        email=d["email"].strip(),
        phone=d["phone"],
        message=d["message"].strip(),
        sender_key=key,
        sent_at=now,
        delete_after=today + timedelta(days=rules.ENQUIRY_KEPT_DAYS),
    )
    _count(listing, today)
    audit_record(
        actor=None,
        organisation=listing.provider,
        action="enquiry.sent",
        target=enquiry,
        label=f"Enquiry {enquiry.pk} about {listing.name}",
    )
    from .tasks import deliver_enquiry

    transaction.on_commit(lambda: deliver_enquiry.enqueue(enquiry.pk))
    return enquiry


def _count(listing: Listing, today) -> None:
    from caremarket.reference.models import AreaPostcode

    area_id = None
    if listing.postcode:
        district = (
            AreaPostcode.objects.for_organisation(listing.council)
            .filter(outward_code=rules.outward_code(listing.postcode))
            .first()
        )
        area_id = district.area_id if district else None
    month = today.replace(day=1)
    row, _ = EnquiryCount.objects.get_or_create(
        council=listing.council, service_type=listing.service_type, area_id=area_id, month=month
    )
    EnquiryCount.objects.filter(pk=row.pk).update(enquiries=F("enquiries") + 1)


def enquiry_deliver(enquiry_id: int) -> bool:
    """Tell the provider's people (by the worker): the message stays in Caremarket, the notification only says
    where to read it, so an email carries nothing the person wrote."""
    enquiry = Enquiry.objects.select_related("listing", "provider").filter(pk=enquiry_id).first()
    if enquiry is None or enquiry.delivered_at is not None:
        return False
    with transaction.atomic():
        _notify(
            kind=Kind.DIRECTORY_ENQUIRY,
            organisation=enquiry.provider,
            subject=f"A new enquiry about {enquiry.listing.name}",
            body="Someone has sent you an enquiry from the public directory. Read it and reply to them.",
            link=reverse("provider-directory:enquiry", args=[enquiry.pk]),
            event_key=f"enquiry:{enquiry.pk}",
        )
        Enquiry.objects.filter(pk=enquiry.pk, delivered_at__isnull=True).update(delivered_at=timezone.now())
    return True


def enquiry_read(*, enquiry: Enquiry, actor) -> None:
    """Who read what a member of the public wrote, and when, is kept like every view of a person's details."""
    audit_record(
        actor=actor,
        organisation=enquiry.provider,
        action="enquiry.read",
        target=enquiry,
        label=f"Enquiry {enquiry.pk} about {enquiry.listing.name}",
    )


def enquiries_forget(today=None) -> int:
    """Delete the enquiries kept their stated time, with everything the people gave."""
    today = today or timezone.localdate()
    old = Enquiry.objects.filter(Q(delete_after__lt=today))
    by_provider = list(old.values("provider").annotate(n=Count("pk")).values_list("provider", "n"))
    count = old.count()
    old.delete()
    from caremarket.accounts.models import Organisation

    for provider in Organisation.objects.filter(pk__in=[p for p, _ in by_provider]):
        n = dict(by_provider)[provider.pk]
        audit_record(
            actor=None,
            organisation=provider,
            action="enquiries.deleted",
            after={"enquiries": n},
            reason=f"kept {rules.ENQUIRY_KEPT_DAYS} days, as the people who sent them were told",
        )
    return count


# The feed's self-check --------------------------------------------------------------------------------------------

CHECK_REQUESTS_ABOUT = 140  # requests a check of a full feed makes, for its progress bar


def feed_check_start(*, council, actor):
    from caremarket.core.jobs import job_start

    return job_start(
        organisation=council,
        actor=actor,
        kind="directory.feed_check",
        key=f"feed_check:{council.pk}",
        label="Checking the Open Referral UK feed",
        handler=_feed_check_job,
        unit="requests",
        council_id=council.pk,
    )


def _feed_check_job(*, job, actor, progress, council_id: int) -> tuple[str, str]:
    from caremarket.accounts.models import Organisation

    from . import oruk_check
    from .models import FeedCheck

    asked = {"n": 0}
    own = oruk_check.own_feed()

    def get(path, params):
        asked["n"] += 1
        progress(asked["n"], max(CHECK_REQUESTS_ABOUT, asked["n"] + 1))
        return own(path, params)

    report = oruk_check.check(get, feed="/openreferral/")
    council = Organisation.objects.get(pk=council_id)
    made = FeedCheck.objects.create(
        council=council, ran_by=_person(actor), result=report.result, report=report.as_dict()
    )
    audit_record(
        actor=actor, organisation=council, action="directory.feed_checked", target=made, after={"result": report.result}
    )
    words = {"pass": "passes", "warn": "passes with warnings", "fail": "fails"}[report.result]
    return f"The feed {words} the self-check", reverse("directory-manage:feed-check-result", args=[made.pk])
