"""The public directory: listings made from the market (what a provider is admitted for), kept by the provider and
approved by the council, searched by the public and published as an Open Referral UK feed (docs/adr/0018)."""

from __future__ import annotations

from uuid import uuid4

from django.db import models
from django.db.models import Q
from django.utils import timezone

from caremarket.core.lifecycle import LifecycleModelMixin, LifecycleTenantQuerySet, StatusChange
from caremarket.core.tenancy import TenantModel
from caremarket.domain import directory as rules
from caremarket.domain.lifecycles import LISTING_CHANGE


class Postcode(models.Model):
    """A postcode's centre, from the ONS postcode directory: public geography shared by every council."""

    postcode = models.CharField(max_length=8, unique=True)  # normalised: 'WA15 8AB'
    latitude = models.DecimalField(max_digits=9, decimal_places=6)
    longitude = models.DecimalField(max_digits=9, decimal_places=6)

    class Meta:
        ordering = ["postcode"]

    def __str__(self) -> str:
        return self.postcode


class ProviderProfile(models.Model):
    """One profile of a provider for every council it works with: the organisation in the feed."""

    provider = models.OneToOneField("accounts.Organisation", on_delete=models.PROTECT, related_name="directory_profile")
    uuid = models.UUIDField(default=uuid4, unique=True, editable=False)
    description = models.TextField(blank=True)
    website = models.URLField(blank=True)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=30, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Profile of {self.provider}"


PRICE_UNITS = list(rules.PRICE_UNITS)
# each need a listing may meet (domain.directory.NEEDS), by the field that says it does
NEED_FIELDS = {"transport": "offers_transport", "one-to-one": "one_to_one", "complex-needs": "complex_needs"}


class Listing(TenantModel):
    """What one provider offers one council's residents for one service type: offered by an admission, written by
    the provider, and public once the council has approved it and it passes the data-quality gate. The fields
    here are the approved ones; a provider's edits wait in a ListingChange."""

    TENANT_FIELD = "council"

    council = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    provider = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="listings")
    service_type = models.ForeignKey("reference.ServiceType", on_delete=models.PROTECT, related_name="listings")
    uuid = models.UUIDField(default=uuid4, unique=True, editable=False)  # the feed's service id
    location_uuid = models.UUIDField(default=uuid4, unique=True, editable=False)  # its location and place
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    activities = models.TextField(blank=True)
    address_1 = models.CharField(max_length=200, blank=True)
    town = models.CharField(max_length=100, blank=True)
    postcode = models.CharField(max_length=8, blank=True)
    latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    age_min = models.PositiveSmallIntegerField(null=True, blank=True)
    age_max = models.PositiveSmallIntegerField(null=True, blank=True)
    offers_transport = models.BooleanField(default=False)
    one_to_one = models.BooleanField(default=False)
    complex_needs = models.BooleanField(default=False)
    days = models.CharField(max_length=20, blank=True)  # BYDAY codes: 'MO,TU,WE'
    opens_at = models.TimeField(null=True, blank=True)
    closes_at = models.TimeField(null=True, blank=True)
    languages = models.CharField(max_length=200, blank=True)  # as the provider writes them: 'English, Urdu'
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=30, blank=True)
    free = models.BooleanField(default=False)
    price_pence = models.PositiveIntegerField(null=True, blank=True)  # for people who pay for themselves
    price_unit = models.CharField(max_length=10, choices=PRICE_UNITS, blank=True)
    price_note = models.CharField(max_length=300, blank=True)
    taking_new_people = models.BooleanField(default=True)
    # the gate's verdict on the approved fields, kept so that the public search filters on it
    complete = models.BooleanField(default=False)
    approved_at = models.DateTimeField(null=True, blank=True)  # first approval: from then on the listing is public
    checked_on = models.DateField(null=True, blank=True)  # the council last confirmed it
    modified_at = models.DateTimeField(default=timezone.now)
    offered_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["council", "provider", "service_type"], name="one_listing_per_service"),
            models.CheckConstraint(
                condition=Q(age_min__isnull=True) | Q(age_max__isnull=True) | Q(age_min__lte=models.F("age_max")),
                name="listing_ages_in_order",
            ),
            models.CheckConstraint(
                condition=Q(price_pence__isnull=True) | Q(price_pence__lte=rules.PRICE_MAX_PENCE),
                name="listing_price_in_range",
            ),
            models.CheckConstraint(
                condition=Q(price_pence__isnull=True) | ~Q(price_unit=""), name="listing_price_has_unit"
            ),
            models.CheckConstraint(
                condition=(Q(latitude__isnull=True) & Q(longitude__isnull=True))
                | (Q(latitude__isnull=False) & Q(longitude__isnull=False)),
                name="listing_located_whole",
            ),
            models.CheckConstraint(
                condition=Q(complete=False) | Q(approved_at__isnull=False), name="listing_complete_once_approved"
            ),
        ]
        indexes = [models.Index(fields=["latitude", "longitude"], name="listing_place")]

    def __str__(self) -> str:
        return self.name

    @property
    def day_codes(self) -> list[str]:
        return [d for d in self.days.split(",") if d]

    def gaps(self) -> list[rules.Requirement]:
        return rules.listing_gaps(
            self.__dict__, located=self.latitude is not None, categories=1 if self.service_type_id else 0
        )


# the fields a provider proposes in a change, in the order its form shows them
LISTING_FIELDS = (
    "name",
    "description",
    "activities",
    "address_1",
    "town",
    "postcode",
    "age_min",
    "age_max",
    "offers_transport",
    "one_to_one",
    "complex_needs",
    "days",
    "opens_at",
    "closes_at",
    "languages",
    "email",
    "phone",
    "free",
    "price_pence",
    "price_unit",
    "price_note",
    "taking_new_people",
)


class ListingChange(LifecycleModelMixin, TenantModel):
    """A provider's proposed listing, waiting for the council; the public keep seeing the approved one."""

    TENANT_FIELD = "council"
    LIFECYCLE = LISTING_CHANGE

    council = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    listing = models.ForeignKey(Listing, on_delete=models.PROTECT, related_name="changes")
    status = models.CharField(max_length=20, choices=LISTING_CHANGE.choices, default="submitted")
    proposed = models.JSONField()  # the whole listing as proposed, by LISTING_FIELDS
    submitted_by = models.ForeignKey("accounts.User", null=True, on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    reason = models.TextField(blank=True)  # why it was returned

    objects = LifecycleTenantQuerySet.as_manager()

    class Meta:
        ordering = ["-submitted_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["listing"],
                condition=Q(status__in=sorted(LISTING_CHANGE.group("waiting"))),
                name="one_waiting_change_per_listing",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=sorted(LISTING_CHANGE.group("returned"))) | ~Q(reason=""),
                name="returned_change_has_reason",
            ),
        ]


class ListingChangeStatus(StatusChange):
    change = models.ForeignKey(ListingChange, on_delete=models.PROTECT, related_name="status_changes")

    class Meta(StatusChange.Meta):
        pass


class Enquiry(TenantModel):
    """A person's message to a provider from its public page: only what they chose to give, delivered by the worker
    and deleted after ENQUIRY_KEPT_DAYS. The counts stay (as self-funder demand) in EnquiryCount."""

    TENANT_FIELD = "council"

    council = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    listing = models.ForeignKey(Listing, on_delete=models.PROTECT, related_name="enquiries")
    provider = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    name = models.CharField(max_length=100)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=30, blank=True)
    message = models.TextField()
    sender_key = models.CharField(max_length=64)  # a keyed hash of the sender's network address: for rate limits
    sent_at = models.DateTimeField(default=timezone.now)
    delivered_at = models.DateTimeField(null=True, blank=True)
    delete_after = models.DateField()

    class Meta:
        ordering = ["-sent_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(email="") | ~Q(phone=""), name="enquiry_has_a_way_back"),
        ]
        indexes = [
            models.Index(fields=["sender_key", "sent_at"], name="enquiry_by_sender"),
            models.Index(fields=["provider", "sent_at"], name="enquiry_by_provider"),
        ]


class EnquiryCount(TenantModel):
    """Enquiries sent in a month to one service type in one area: the self-funder demand market insight reads,
    kept after the enquiries themselves are deleted."""

    TENANT_FIELD = "council"

    council = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    service_type = models.ForeignKey("reference.ServiceType", on_delete=models.PROTECT, related_name="+")
    area = models.ForeignKey("reference.Area", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    month = models.DateField()  # its first day
    enquiries = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["month"]
        constraints = [
            models.UniqueConstraint(
                fields=["council", "service_type", "area", "month"],
                condition=Q(area__isnull=False),
                name="one_enquiry_count_a_month",
            ),
            models.UniqueConstraint(
                fields=["council", "service_type", "month"],
                condition=Q(area__isnull=True),
                name="one_enquiry_count_a_month_no_area",
            ),
        ]


class FeedCheck(TenantModel):
    """One run of the Open Referral UK self-check of the installation's feed, kept with its findings."""

    TENANT_FIELD = "council"

    council = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    ran_at = models.DateTimeField(default=timezone.now)
    ran_by = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    result = models.CharField(
        max_length=4, choices=[("pass", "Pass"), ("warn", "Pass with warnings"), ("fail", "Fail")]
    )
    report = models.JSONField()

    class Meta:
        ordering = ["-ran_at", "-pk"]
