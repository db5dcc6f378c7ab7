"""People who need care and their care requests. A person's details are visible to council staff only."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone

from caremarket.core.tenancy import TenantModel

REQUEST_STATUSES = [
    ("awaiting-approval", "Awaiting approval"),
    ("sourcing", "Sourcing"),
    ("unsourced", "Unsourced"),
    ("placed", "Placed"),
    ("cancelled", "Cancelled"),
]


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

    def age_on(self, day) -> int:
        born = self.date_of_birth
        return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


class CareRequest(TenantModel):
    """A person's assessed needs, turned into a request for care."""

    TENANT_FIELD = "council"

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

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=[s for s, _ in REQUEST_STATUSES]), name="request_status"),
            models.CheckConstraint(
                condition=Q(hours_per_week__isnull=True) | Q(hours_per_week__gt=0), name="request_hours_positive"
            ),
            models.CheckConstraint(
                condition=Q(days_per_week__isnull=True) | (Q(days_per_week__gte=1) & Q(days_per_week__lte=7)),
                name="request_days_1_to_7",
            ),
            models.CheckConstraint(
                condition=~Q(status="sourcing") | Q(requires_approval=False) | Q(approved_at__isnull=False),
                name="request_approved_before_sourcing",
            ),
        ]

    def __str__(self) -> str:
        return f"Request {self.pk}: {self.service_type.name} for {self.person}"


class CareRequestStatusChange(models.Model):
    request = models.ForeignKey(CareRequest, on_delete=models.PROTECT, related_name="status_changes")
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20)
    changed_at = models.DateTimeField(default=timezone.now)
    changed_by = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(blank=True)

    class Meta:
        ordering = ["changed_at", "id"]


REFERRAL_STATUSES = [
    ("offered", "Offered"),
    ("viewed", "Viewed"),
    ("accepted", "Accepted"),
    ("declined", "Declined"),
    ("timed-out", "Timed out"),
    ("withdrawn", "Gone to another provider"),
]
OPEN_REFERRAL = ("offered", "viewed")


class Referral(models.Model):
    """A request offered to one provider at one step of a cascade or ranked approach. Every step is kept."""

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

    class Meta:
        ordering = ["offered_at", "id"]
        constraints = [
            # Two providers accepting at the same moment: the database lets exactly one win.
            models.UniqueConstraint(
                fields=["request"], condition=Q(status="accepted"), name="one_acceptance_per_request"
            ),
            models.UniqueConstraint(fields=["request", "provider", "step_number"], name="one_referral_per_step"),
            models.CheckConstraint(
                condition=~Q(status="declined") | Q(decline_reason__isnull=False), name="decline_has_reason"
            ),
        ]

    def __str__(self) -> str:
        return f"Request {self.request_id} to {self.provider} ({self.step})"


class Placement(TenantModel):
    """The individual service agreement created by an award. Only now does the provider see the person."""

    TENANT_FIELD = "council"

    council = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    request = models.OneToOneField(CareRequest, on_delete=models.PROTECT, related_name="placement")
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
    status = models.CharField(
        max_length=20, default="active", choices=[("active", "Active"), ("suspended", "Suspended"), ("ended", "Ended")]
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(agreed_price__isnull=True) | Q(agreed_price__gt=0), name="placement_price_positive"
            )
        ]

    def __str__(self) -> str:
        return f"Placement {self.pk}: {self.person} with {self.provider}"
