"""The directory by machine: a provider's listings, profile and enquiries, a council's approvals and feed checks,
and the public's enquiry. (The public search by machine is the Open Referral UK feed at /openreferral/.)"""

from __future__ import annotations

from datetime import date, datetime
from uuid import UUID

from ninja import Field, Router, Schema

from caremarket.accounts.api_auth import require
from caremarket.core.jobs import JobOut
from caremarket.core.middleware import client_address
from caremarket.core.permissions import signed_in_council, signed_in_provider
from caremarket.domain.roles import Permission

from . import selectors, services

router = Router(tags=["directory"])


class ListingIn(Schema):
    name: str
    description: str = ""
    activities: str = ""
    address_1: str = ""
    town: str = ""
    postcode: str = ""
    age_min: int | None = None
    age_max: int | None = None
    offers_transport: bool = False
    one_to_one: bool = False
    complex_needs: bool = False
    days: list[str] = Field(default_factory=list, description="MO, TU, WE, TH, FR, SA, SU")
    opens_at: str | None = Field(None, description="HH:MM")
    closes_at: str | None = Field(None, description="HH:MM")
    languages: str = ""
    email: str = ""
    phone: str = ""
    free: bool = False
    price_pence: int | None = Field(None, description="For people who pay for themselves")
    price_unit: str = Field("", description="hour, session, day or week")
    price_note: str = ""
    taking_new_people: bool = True

    def form_data(self) -> dict:
        values = self.model_dump()
        values["days"] = ",".join(values["days"])
        return services.form_data(values)


class ListingOut(Schema):
    id: int
    uuid: UUID
    council: str
    council_slug: str
    provider: str
    service_type: str
    name: str
    description: str
    activities: str
    address_1: str
    town: str
    postcode: str
    age_min: int | None
    age_max: int | None
    offers_transport: bool
    one_to_one: bool
    complex_needs: bool
    days: str
    opens_at: str | None
    closes_at: str | None
    languages: str
    email: str
    phone: str
    free: bool
    price_pence: int | None
    price_unit: str
    price_note: str
    taking_new_people: bool
    public: bool
    complete: bool
    missing: list[str]
    checked_on: date | None
    waiting_change_id: int | None


def _listing_out(listing, public: set[int]) -> dict:
    waiting = selectors.waiting_change(listing)
    return {
        **services.listing_values(listing),
        "id": listing.pk,
        "uuid": listing.uuid,
        "council": listing.council.name,
        "council_slug": listing.council.slug,
        "provider": listing.provider.name,
        "service_type": listing.service_type.name,
        "public": listing.pk in public,
        "complete": not listing.gaps(),
        "missing": [g.label for g in listing.gaps()],
        "checked_on": listing.checked_on,
        "waiting_change_id": waiting.pk if waiting else None,
    }


class ChangeOut(Schema):
    id: int
    listing_id: int
    listing: str
    provider: str
    status: str
    proposed: dict
    missing: list[str] = Field(description="What the listing would still lack: it stays out of the directory")
    submitted_at: datetime
    decided_at: datetime | None
    reason: str


def _change_out(change) -> dict:
    return {
        "id": change.pk,
        "listing_id": change.listing_id,
        "listing": change.listing.name,
        "provider": change.listing.provider.name,
        "status": change.status,
        "proposed": change.proposed,
        "missing": [g.label for g in services.proposed_gaps(change)],
        "submitted_at": change.submitted_at,
        "decided_at": change.decided_at,
        "reason": change.reason,
    }


# Providers --------------------------------------------------------------------------------------------------------


@router.get("/directory/listings", response=list[ListingOut])
def listings(request):
    """A provider's listings in every council's directory (a council's: every listing of its own directory)."""
    organisation = request.auth.organisation
    if organisation.kind == "provider":
        require(request, Permission.DIRECTORY_KEEP)
        services.listings_offer(provider=organisation)
        found = selectors.provider_listings(organisation)
    else:
        require(request, Permission.DIRECTORY_APPROVE)
        found = selectors.council_listings(organisation)
    public = selectors.public_ids()
    return [_listing_out(x, public) for x in found]


def _own_listing(request, listing_id: int):
    organisation = request.auth.organisation
    if organisation.kind == "provider":
        require(request, Permission.DIRECTORY_KEEP)
        return selectors.provider_listing(organisation, listing_id)
    require(request, Permission.DIRECTORY_APPROVE)
    return selectors.council_listing(organisation, listing_id)


@router.get("/directory/listings/{listing_id}", response=ListingOut)
def listing(request, listing_id: int):
    return _listing_out(_own_listing(request, listing_id), selectors.public_ids())


@router.post("/directory/listings/{listing_id}/changes", response={201: ChangeOut})
def listing_change(request, listing_id: int, payload: ListingIn):
    """Propose the listing whole; it waits for the council, and the public see the approved one until then."""
    require(request, Permission.DIRECTORY_KEEP)
    provider = signed_in_provider(request, "Keeping a directory listing")
    found = selectors.provider_listing(provider, listing_id)
    change = services.listing_change_submit(listing=found, actor=request.auth, data=payload.form_data())
    return 201, _change_out(change)


class ProfileIn(Schema):
    description: str = ""
    website: str = ""
    email: str = ""
    phone: str = ""


class ProfileOut(ProfileIn):
    uuid: UUID


@router.put("/directory/profile", response=ProfileOut)
def profile(request, payload: ProfileIn):
    """The provider's profile, shown with its listings in every council's directory."""
    require(request, Permission.DIRECTORY_KEEP)
    provider = signed_in_provider(request, "Keeping a directory profile")
    return services.profile_update(provider=provider, actor=request.auth, data=payload.model_dump())


class EnquiryOut(Schema):
    id: int
    listing_id: int
    listing: str
    name: str
    email: str
    phone: str
    message: str
    sent_at: datetime
    delete_after: date


@router.get("/directory/enquiries", response=list[EnquiryOut])
def enquiries(request):
    """Enquiries people sent from the public directory, newest first, until they are deleted."""
    require(request, Permission.DIRECTORY_KEEP)
    provider = signed_in_provider(request, "Reading enquiries")
    return [_enquiry_out(e) for e in selectors.provider_enquiries(provider)[:200]]


@router.get("/directory/enquiries/{enquiry_id}", response=EnquiryOut)
def enquiry(request, enquiry_id: int):
    require(request, Permission.DIRECTORY_KEEP)
    provider = signed_in_provider(request, "Reading enquiries")
    found = selectors.provider_enquiry(provider, enquiry_id)
    services.enquiry_read(enquiry=found, actor=request.auth)
    return _enquiry_out(found)


def _enquiry_out(e) -> dict:
    return {
        "id": e.pk,
        "listing_id": e.listing_id,
        "listing": e.listing.name,
        "name": e.name,
        "email": e.email,
        "phone": e.phone,
        "message": e.message,
        "sent_at": e.sent_at,
        "delete_after": e.delete_after,
    }


# Councils ---------------------------------------------------------------------------------------------------------


@router.get("/directory/changes", response=list[ChangeOut])
def changes(request, waiting: bool = True):
    """Providers' changes to the council's listings: those waiting for a decision, or (waiting=false) all."""
    require(request, Permission.DIRECTORY_APPROVE)
    council = signed_in_council(request, "Approving directory listings")
    return [_change_out(c) for c in selectors.council_changes(council, waiting_only=waiting)[:200]]


@router.post("/directory/changes/{change_id}/approval", response=ListingOut)
def change_approve(request, change_id: int):
    """Approve: the listing becomes what was proposed, checked today, and public if it passes the gate."""
    require(request, Permission.DIRECTORY_APPROVE)
    council = signed_in_council(request, "Approving directory listings")
    listing = services.listing_change_approve(change=selectors.council_change(council, change_id), actor=request.auth)
    return _listing_out(listing, selectors.public_ids(council))


class ReturnIn(Schema):
    reason: str = Field(description="What the provider must change")


@router.post("/directory/changes/{change_id}/return", response=ChangeOut)
def change_return(request, change_id: int, payload: ReturnIn):
    require(request, Permission.DIRECTORY_APPROVE)
    council = signed_in_council(request, "Approving directory listings")
    change = services.listing_change_return(
        change=selectors.council_change(council, change_id), actor=request.auth, reason=payload.reason
    )
    return _change_out(change)


class FeedCheckOut(Schema):
    id: int
    ran_at: datetime
    result: str = Field(description="pass, warn or fail")
    report: dict


@router.post("/directory/feed-checks", response={202: JobOut})
def feed_check(request):
    """Run the Open Referral UK self-check of the installation's feed in the worker; the job's link is the result."""
    require(request, Permission.DIRECTORY_APPROVE)
    council = signed_in_council(request, "Checking the feed")
    return 202, services.feed_check_start(council=council, actor=request.auth)


@router.get("/directory/feed-checks/{check_id}", response=FeedCheckOut)
def feed_check_get(request, check_id: int):
    require(request, Permission.DIRECTORY_APPROVE)
    council = signed_in_council(request, "Checking the feed")
    return selectors.feed_check(council, check_id)


# The public -------------------------------------------------------------------------------------------------------


class EnquiryIn(Schema):
    name: str
    email: str = ""
    phone: str = ""
    message: str


class EnquirySentOut(Schema):
    id: int
    delete_after: date


@router.post("/directory/services/{service_id}/enquiries", response={201: EnquirySentOut}, auth=None)
def enquiry_send(request, service_id: str, payload: EnquiryIn):
    """Send an enquiry to a public service (its Open Referral UK id), as from its page: no key; limited per sender
    and per provider (429 when over)."""
    found = selectors.public_listing(None, service_id)
    sent = services.enquiry_send(listing=found, data=payload.model_dump(), address=client_address(request))
    return 201, {"id": sent.pk, "delete_after": sent.delete_after}
