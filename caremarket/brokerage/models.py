"""People who need care and their care requests. A person's details are visible to council staff only."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone

from caremarket.core.lifecycle import (
    LifecycleModelMixin,
    LifecycleQuerySet,
    LifecycleTenantQuerySet,
    StatusChange,
)
from caremarket.core.tenancy import TenantModel
from caremarket.domain import visits
from caremarket.domain.lifecycles import CARE_REQUEST, COMPETITION, OFFER, PLACEMENT, REFERRAL

REQUEST_STATUSES = CARE_REQUEST.choices


class Person(TenantModel):
    TENANT_FIELD = "council"

    council = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    given_name = models.CharField(max_length=100)
    family_name = models.CharField(max_length=100)
    date_of_birth = models.DateField()
    address = models.TextField()
    postcode = models.CharField(max_length=10)
    phone = models.CharField(max_length=40, blank=True)
    email = models.EmailField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["family_name", "given_name"]

    def __str__(self) -> str:
        return f"{self.given_name} {self.family_name}"

    @property
    def audit_label(self) -> str:
        # the audit log is read by people who may not open a person's record: a reference, never a name
        return f"Person {self.pk}"

    def age_on(self, day) -> int:
        born = self.date_of_birth
        return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


class PersonRecordView(TenantModel):
    """Someone opened a person's record (their page, a request or placement showing them, or the same by API):
    kept for the person's council, which answers subject access requests from it. Append-only."""

    TENANT_FIELD = "council"

    council = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="record_views")
    viewer = models.ForeignKey("accounts.User", null=True, on_delete=models.PROTECT, related_name="+")
    viewer_label = models.CharField(max_length=300)  # the person, or the token and the person it acts for
    viewer_organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    what = models.CharField(max_length=100)  # "person", "care request 12", "placement 40"
    via = models.CharField(max_length=10, choices=[("page", "Page"), ("api", "API")])
    viewed_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-viewed_at", "-id"]

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("A record of a view cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("A record of a view cannot be deleted")


REFERENCE_PREFIX = "R-"


def reference_of(pk: int | None) -> str:
    return f"{REFERENCE_PREFIX}{pk}" if pk else ""


def pk_of_reference(text: str) -> int | None:
    """The request a reference names: "R-4821", "r4821" or "4821"."""
    text = (text or "").strip().upper().removeprefix(REFERENCE_PREFIX.rstrip("-")).lstrip("-").strip()
    return int(text) if text.isdigit() else None


class CareRequest(LifecycleModelMixin, TenantModel):
    """A person's assessed needs, turned into a request for care."""

    TENANT_FIELD = "council"
    LIFECYCLE = CARE_REQUEST

    objects = LifecycleTenantQuerySet.as_manager()

    council = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="requests")
    service_type = models.ForeignKey("reference.ServiceType", on_delete=models.PROTECT, related_name="+")
    need_level = models.ForeignKey(
        "reference.NeedLevel", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    area = models.ForeignKey("reference.Area", on_delete=models.PROTECT, related_name="+")
    area_overridden = models.BooleanField(default=False)
    needs_transport = models.BooleanField(default=False)
    hours_per_week = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    visit_pattern = models.CharField(max_length=200, blank=True)
    days_per_week = models.PositiveSmallIntegerField(null=True, blank=True)
    weekly_placement = models.BooleanField(default=False)
    start_on = models.DateField()
    outcomes = models.TextField()
    requirements = models.TextField(blank=True)
    status = models.CharField(max_length=20, choices=REQUEST_STATUSES)
    requires_approval = models.BooleanField(default=False)
    approved_by = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    approved_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    status_changed_at = models.DateTimeField(default=timezone.now)
    escalated_at = models.DateTimeField(null=True, blank=True)
    # The broker working the request: one at a time, so two do not phone the same providers.
    owner = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    owned_at = models.DateTimeField(null=True, blank=True)
    replaces_placement = models.ForeignKey(
        "brokerage.Placement", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=list(CARE_REQUEST.states)), name="request_status"),
            models.CheckConstraint(
                condition=Q(hours_per_week__isnull=True) | Q(hours_per_week__gt=0), name="request_hours_positive"
            ),
            models.CheckConstraint(
                condition=Q(days_per_week__isnull=True) | (Q(days_per_week__gte=1) & Q(days_per_week__lte=7)),
                name="request_days_1_to_7",
            ),
            models.CheckConstraint(
                condition=~Q(status=CARE_REQUEST.state("being_sourced"))
                | Q(requires_approval=False)
                | Q(approved_at__isnull=False),
                name="request_approved_before_sourcing",
            ),
        ]

    def __str__(self) -> str:
        return f"Request {self.reference}: {self.service_type.name} for {self.person}"

    @property
    def reference(self) -> str:
        """The one reference both sides use: on the broker's queue, on the provider's referral, competition and
        placement pages, in notifications and in the API."""
        return reference_of(self.pk)

    @property
    def audit_label(self) -> str:
        return f"Request {self.pk}: {self.service_type.name} for person {self.person_id}"


class CareRequestStatusChange(StatusChange):
    request = models.ForeignKey(CareRequest, on_delete=models.PROTECT, related_name="status_changes")

    class Meta(StatusChange.Meta):
        pass


REFERRAL_STATUSES = REFERRAL.choices
OPEN_REFERRAL = tuple(sorted(REFERRAL.group("open")))


class Referral(LifecycleModelMixin, models.Model):
    """A request offered to one provider at one step of a cascade or ranked approach. Every step is kept."""

    LIFECYCLE = REFERRAL

    request = models.ForeignKey(CareRequest, on_delete=models.PROTECT, related_name="referrals")
    provider = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="referrals")
    admission = models.ForeignKey(
        "arrangements.Admission", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    step = models.CharField(max_length=20)
    step_number = models.PositiveSmallIntegerField()
    status = models.CharField(max_length=20, choices=REFERRAL_STATUSES, default="offered")
    offered_at = models.DateTimeField(default=timezone.now)
    deadline_at = models.DateTimeField()
    viewed_at = models.DateTimeField(null=True, blank=True)
    responded_at = models.DateTimeField(null=True, blank=True)
    decline_reason = models.ForeignKey(
        "reference.ReasonCode", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    note = models.TextField(blank=True)

    objects = LifecycleQuerySet.as_manager()

    class Meta:
        ordering = ["offered_at", "id"]
        constraints = [
            # Two providers accepting at the same moment: the database lets exactly one win.
            models.UniqueConstraint(
                fields=["request"], condition=Q(status=REFERRAL.state("won")), name="one_acceptance_per_request"
            ),
            models.UniqueConstraint(fields=["request", "provider", "step_number"], name="one_referral_per_step"),
            models.CheckConstraint(
                condition=~Q(status=REFERRAL.state("declined")) | Q(decline_reason__isnull=False),
                name="decline_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"Request {reference_of(self.request_id)} to {self.provider} ({self.step})"


PRICE_UNITS = [("hour", "per hour"), ("day", "per day"), ("week", "per week"), ("package", "for the package")]
ROUTES = [
    ("cascade", "Cascade"),
    ("ranked", "Ranked approach"),
    ("call-off", "Call-off competition"),
    ("block", "Block contract vacancy"),
    ("spot", "Spot purchase"),
    ("in-house", "The council's own service"),
]
COMPETITION_STATUSES = COMPETITION.choices


class Competition(LifecycleModelMixin, TenantModel):
    """A call-off competition (seed 003): the request, anonymised, published to every eligible provider on a lot.
    Offers are sealed until `closes_at`."""

    TENANT_FIELD = "council"
    LIFECYCLE = COMPETITION

    objects = LifecycleTenantQuerySet.as_manager()

    council = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    request = models.ForeignKey(CareRequest, on_delete=models.PROTECT, related_name="competitions")
    arrangement = models.ForeignKey("arrangements.Arrangement", on_delete=models.PROTECT, related_name="+")
    quality_weight = models.DecimalField(max_digits=5, decimal_places=2)
    price_weight = models.DecimalField(max_digits=5, decimal_places=2)
    price_unit = models.CharField(max_length=10, choices=PRICE_UNITS)
    criteria = models.TextField(help_text="How offers will be judged, published with the competition.")
    status = models.CharField(max_length=20, choices=COMPETITION_STATUSES, default="open")
    published_at = models.DateTimeField(default=timezone.now)
    closes_at = models.DateTimeField()
    closed_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey("accounts.User", null=True, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey("accounts.User", null=True, on_delete=models.PROTECT, related_name="+")
    decision_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-published_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_at__gt=models.F("published_at")), name="competition_closes_later"
            ),
            models.CheckConstraint(condition=Q(status__in=list(COMPETITION.states)), name="competition_status"),
            models.UniqueConstraint(
                fields=["request"],
                condition=Q(status__in=sorted(COMPETITION.group("live"), reverse=True)),
                name="one_live_competition_per_request",
            ),
        ]

    def __str__(self) -> str:
        return f"Competition {self.pk} for request {reference_of(self.request_id)}"

    def is_sealed(self, now) -> bool:
        return now < self.closes_at


class CompetitionInvitation(models.Model):
    """An eligible provider on the lot, invited when the competition was published."""

    competition = models.ForeignKey(Competition, on_delete=models.PROTECT, related_name="invitations")
    provider = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    admission = models.ForeignKey("arrangements.Admission", on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["competition", "provider"], name="one_invitation_each")]


class Offer(LifecycleModelMixin, models.Model):
    """A provider's sealed offer. Its content is read only through `competitions.offers_for_council` after the
    closing time; before then only the count is visible and every attempt to read is audited."""

    LIFECYCLE = OFFER

    competition = models.ForeignKey(Competition, on_delete=models.PROTECT, related_name="offers")
    provider = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="offers")
    price = models.DecimalField(max_digits=10, decimal_places=2)
    earliest_start_on = models.DateField()
    how_outcomes_met = models.TextField()
    status = models.CharField(max_length=20, default="submitted", choices=OFFER.choices)
    submitted_at = models.DateTimeField(default=timezone.now)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    quality_score = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    quality_comment = models.TextField(blank=True)
    price_score = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    total_score = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    rank = models.PositiveSmallIntegerField(null=True, blank=True)
    low_price = models.BooleanField(default=False)

    objects = LifecycleQuerySet.as_manager()

    class Meta:
        ordering = ["rank", "submitted_at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(price__gt=0), name="offer_price_positive"),
            models.UniqueConstraint(
                fields=["competition", "provider"], condition=Q(status=OFFER.state("live")), name="one_live_offer_each"
            ),
            models.CheckConstraint(
                condition=Q(quality_score__isnull=True) | (Q(quality_score__gte=0) & Q(quality_score__lte=100)),
                name="offer_quality_0_to_100",
            ),
        ]

    def __str__(self) -> str:
        return f"Offer {self.pk} from {self.provider}"


class Placement(LifecycleModelMixin, TenantModel):
    """The individual service agreement created by an award. Only now does the provider see the person."""

    TENANT_FIELD = "council"
    LIFECYCLE = PLACEMENT

    objects = LifecycleTenantQuerySet.as_manager()

    council = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    request = models.OneToOneField(CareRequest, on_delete=models.PROTECT, related_name="placement")
    # A placement moved back into sourcing (provider failure) keeps its history; the new request points back here.
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="placements")
    provider = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="placements")
    admission = models.ForeignKey(
        "arrangements.Admission", null=True, blank=True, on_delete=models.PROTECT, related_name="placements"
    )
    service_type = models.ForeignKey("reference.ServiceType", on_delete=models.PROTECT, related_name="+")
    need_level = models.ForeignKey(
        "reference.NeedLevel", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    area = models.ForeignKey("reference.Area", on_delete=models.PROTECT, related_name="+")
    start_on = models.DateField()
    hours_per_week = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    days_per_week = models.PositiveSmallIntegerField(null=True, blank=True)
    weekly_placement = models.BooleanField(default=False)
    agreed_price = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)
    price_unit = models.CharField(max_length=10, choices=PRICE_UNITS, blank=True)
    route = models.CharField(max_length=20, choices=ROUTES)
    offer = models.OneToOneField(Offer, null=True, blank=True, on_delete=models.PROTECT, related_name="placement")
    # Off-framework purchases are flagged everywhere (seeds 003, 004): the reason is mandatory.
    spot_reason = models.ForeignKey(
        "reference.ReasonCode", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Seed 002: council-arranged paid gross (the council bills the contribution) or net (the provider collects
    # it), a direct payment (the person pays), or an Individual Service Fund held by the provider.
    funding_route = models.CharField(
        max_length=20,
        default="gross",
        choices=[
            ("gross", "Council-arranged, paid gross"),
            ("net", "Council-arranged, paid net"),
            ("direct-payment", "Direct payment"),
            ("isf", "Individual Service Fund"),
        ],
    )
    status = models.CharField(max_length=20, default="active", choices=PLACEMENT.choices)
    ended_on = models.DateField(null=True, blank=True)
    end_reason = models.ForeignKey(
        "reference.ReasonCode", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    end_note = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(agreed_price__isnull=True) | Q(agreed_price__gt=0), name="placement_price_positive"
            ),
            models.CheckConstraint(condition=Q(route__in=[r for r, _ in ROUTES]), name="placement_route"),
            models.CheckConstraint(
                condition=~Q(route="spot") | (Q(spot_reason__isnull=False) & Q(agreed_price__isnull=False)),
                name="spot_has_reason_and_price",
            ),
            models.CheckConstraint(
                condition=~Q(status=PLACEMENT.state("ended"))
                | (Q(ended_on__isnull=False) & Q(end_reason__isnull=False)),
                name="ended_placement_has_date_and_reason",
            ),
        ]

    @property
    def is_spot(self) -> bool:
        return self.route == "spot"

    def __str__(self) -> str:
        return f"Placement {self.pk}: {self.person} with {self.provider}"

    @property
    def audit_label(self) -> str:
        return f"Placement {self.pk}: person {self.person_id} with {self.provider}"

    def shared_with_provider(self, today) -> bool:
        """Whether the provider still sees the person's details: while the placement runs, and for the council's
        set number of days after it ends."""
        if self.ended_on is None:
            return True
        return (today - self.ended_on).days <= self.council.provider_access_days


class PlacementTerms(models.Model):
    """The terms of a placement from a date. A variation closes the current terms and dates new ones; old terms are
    never changed, so a payment for any day can be priced from the terms in force that day."""

    placement = models.ForeignKey(Placement, on_delete=models.PROTECT, related_name="terms")
    starts_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True)
    need_level = models.ForeignKey(
        "reference.NeedLevel", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    hours_per_week = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    days_per_week = models.PositiveSmallIntegerField(null=True, blank=True)
    agreed_price = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)
    admission = models.ForeignKey(
        "arrangements.Admission", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField()
    created_by = models.ForeignKey("accounts.User", null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["starts_on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["placement", "starts_on"], name="one_terms_per_start"),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")), name="terms_end_after_start"
            ),
        ]


class HospitalStay(models.Model):
    """A stay in hospital suspends the placement from admission until discharge (seed 001 pays the first days)."""

    placement = models.ForeignKey(Placement, on_delete=models.PROTECT, related_name="hospital_stays")
    admitted_on = models.DateField()
    discharged_on = models.DateField(null=True, blank=True)
    unplanned = models.BooleanField(default=True)
    recorded_by = models.ForeignKey("accounts.User", null=True, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["admitted_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(discharged_on__isnull=True) | Q(discharged_on__gte=models.F("admitted_on")),
                name="discharge_after_admission",
            ),
            models.UniqueConstraint(
                fields=["placement"], condition=Q(discharged_on__isnull=True), name="one_open_hospital_stay"
            ),
        ]


class ReferralStop(TenantModel):
    """The council has stopped new referrals to a provider (a quality concern): routing leaves it out at once, its
    placements continue. Lifted by recording when and by whom; the history is kept."""

    TENANT_FIELD = "council"

    council = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    provider = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    reason = models.TextField()
    stopped_by = models.ForeignKey("accounts.User", null=True, on_delete=models.PROTECT, related_name="+")
    stopped_at = models.DateTimeField(default=timezone.now)
    lifted_by = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    lifted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-stopped_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["council", "provider"], condition=Q(lifted_at__isnull=True), name="one_referral_stop_at_a_time"
            ),
            models.CheckConstraint(condition=~Q(reason=""), name="referral_stop_has_a_reason"),
        ]


class VisitPlan(models.Model):
    """When a home care placement's visits are planned, from a date: which days, at what time, how long, how many
    carers (the provider's rota). A new plan from a date ends the current one the day before; earlier plans are
    kept, so a missed or late visit on any day is judged against the plan in force that day."""

    placement = models.ForeignKey(Placement, on_delete=models.PROTECT, related_name="visit_plans")
    starts_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True)
    reason = models.TextField(blank=True)
    created_by = models.ForeignKey("accounts.User", null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["starts_on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["placement", "starts_on"], name="one_visit_plan_per_start"),
            models.UniqueConstraint(
                fields=["placement"], condition=Q(ends_on__isnull=True), name="one_current_visit_plan"
            ),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="visit_plan_ends_after_start",
            ),
        ]

    @property
    def audit_label(self) -> str:
        return f"Visit plan {self.pk} of placement {self.placement_id}"


class PlannedVisit(models.Model):
    """One line of a visit plan. The days are a number, Monday 1, Tuesday 2, ... Sunday 64 (domain/visits.py)."""

    plan = models.ForeignKey(VisitPlan, on_delete=models.CASCADE, related_name="visits")
    days = models.PositiveSmallIntegerField()
    start = models.TimeField()
    minutes = models.PositiveSmallIntegerField()
    carers = models.PositiveSmallIntegerField(default=1)

    class Meta:
        ordering = ["start", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(days__gte=1) & Q(days__lte=127), name="planned_visit_days"),
            models.CheckConstraint(condition=Q(minutes__gte=1) & Q(minutes__lte=720), name="planned_visit_minutes"),
            models.CheckConstraint(condition=Q(carers__gte=1), name="planned_visit_carers"),
        ]

    @property
    def as_domain(self) -> visits.PlannedVisit:
        return visits.PlannedVisit(
            days=visits.days_of(self.days), start=self.start, minutes=self.minutes, carers=self.carers
        )
