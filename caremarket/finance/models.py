"""Rates (dated), delivery records, contributions and payment runs. Money is Decimal pounds to the penny."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone

from caremarket.core.lifecycle import LifecycleModelMixin, LifecycleTenantQuerySet, StatusChange
from caremarket.core.tenancy import TenantModel, TenantQuerySet
from caremarket.domain.lifecycles import PAYMENT_RUN

RATE_KINDS = [
    ("set", "A set rate for a service and need level on an arrangement"),
    ("provider-area", "A provider's own rate for an area"),
    ("supported-living", "A weekly supported living rate by complexity and scheme size"),
    ("add-on", "An add-on, such as transport per attendance day"),
]
UNITS = [("hour", "per hour"), ("day", "per day"), ("session", "per session"), ("week", "per week")]
MONEY = {"max_digits": 12, "decimal_places": 2}


# The fields that make two rates one rate at different dates: a supported-living band (scheme size, placements)
# or an add-on is a rate of its own. The overlap check, supersession and the history page all use this.
RATE_KEY = (
    "council",
    "kind",
    "arrangement",
    "service_type",
    "need_level",
    "area",
    "provider",
    "scheme_places_min",
    "scheme_places_max",
    "placements_min",
    "placements_max",
    "add_on",
)


class RateQuerySet(TenantQuerySet):
    def same_key_as(self, rate: Rate) -> RateQuerySet:
        """The rate's history: every rate with its key, at whatever dates."""
        return self.filter(**{name: getattr(rate, name) for name in RATE_KEY})


class Rate(TenantModel):
    """A rate in force from a date; a new rate supersedes the old by ending it (ADR 0005)."""

    TENANT_FIELD = "council"

    council = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=20, choices=RATE_KINDS)
    arrangement = models.ForeignKey("arrangements.Arrangement", on_delete=models.PROTECT, related_name="rates")
    service_type = models.ForeignKey(
        "reference.ServiceType", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    need_level = models.ForeignKey(
        "reference.NeedLevel", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    area = models.ForeignKey("reference.Area", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    provider = models.ForeignKey(
        "accounts.Organisation", null=True, blank=True, on_delete=models.PROTECT, related_name="rates"
    )
    scheme_places_min = models.PositiveSmallIntegerField(null=True, blank=True)
    scheme_places_max = models.PositiveSmallIntegerField(null=True, blank=True)
    # Seed 002: supported living rates by complexity, scheme size and the number of the council's placements
    # with the provider in the scheme.
    placements_min = models.PositiveSmallIntegerField(null=True, blank=True)
    placements_max = models.PositiveSmallIntegerField(null=True, blank=True)
    add_on = models.CharField(max_length=20, blank=True)
    unit = models.CharField(max_length=10, choices=UNITS)
    amount = models.DecimalField(**MONEY)
    starts_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True)
    reason = models.TextField(blank=True)
    floor_flags = models.TextField(blank=True, help_text="Why the rate is below a floor, when it is.")
    supersedes = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    objects = models.Manager.from_queryset(RateQuerySet)()

    class Meta:
        ordering = ["arrangement", "kind", "starts_on", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="rate_amount_positive"),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")), name="rate_ends_after_start"
            ),
            models.CheckConstraint(condition=Q(kind__in=[k for k, _ in RATE_KINDS]), name="rate_kind"),
        ]

    def key(self) -> tuple:
        """What makes two rates one rate at different dates (RATE_KEY)."""
        return tuple(getattr(self, self._meta.get_field(name).attname) for name in RATE_KEY)


class PaymentRules(TenantModel):
    """How an arrangement pays, from a date: on planned or actual delivery, minimum chargeable time per visit,
    weekend and bank holiday enhancements."""

    TENANT_FIELD = "council"

    council = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    arrangement = models.ForeignKey("arrangements.Arrangement", on_delete=models.PROTECT, related_name="+")
    pay_on = models.CharField(max_length=10, choices=[("actual", "Actual delivery"), ("planned", "Planned")])
    minimum_minutes = models.PositiveSmallIntegerField(default=0)
    weekend_percent = models.DecimalField(max_digits=5, decimal_places=2, default=0)
    bank_holiday_percent = models.DecimalField(max_digits=5, decimal_places=2, default=0)
    starts_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["arrangement", "starts_on"]


class HoursBlock(TenantModel):
    """A block of hours bought from a provider in an area (seed 001, level 2 areas), paid whatever the use."""

    TENANT_FIELD = "council"

    council = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    arrangement = models.ForeignKey("arrangements.Arrangement", on_delete=models.PROTECT, related_name="+")
    provider = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    area = models.ForeignKey("reference.Area", on_delete=models.PROTECT, related_name="+")
    hours_per_week = models.DecimalField(max_digits=7, decimal_places=2)
    amount_per_hour = models.DecimalField(**MONEY)
    starts_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True)

    class Meta:
        constraints = [models.CheckConstraint(condition=Q(hours_per_week__gt=0), name="block_hours_positive")]


class BankHoliday(models.Model):
    day = models.DateField(unique=True)
    name = models.CharField(max_length=100)


DELIVERY_KINDS = [("visit", "Visit"), ("attendance", "Attendance day"), ("week", "Week")]


class DeliveryUpload(models.Model):
    # checked once and accepted or rejected whole: an outcome, not a lifecycle
    ACCEPTED, REJECTED = "accepted", "rejected"

    provider = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    file_name = models.CharField(max_length=200)
    status = models.CharField(max_length=10, choices=[("accepted", "Accepted"), ("rejected", "Rejected")])
    rows = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    already_recorded = models.PositiveIntegerField(default=0)
    # one entry per distinct problem with the rows it is on (delivery.grouped); error_count counts every row's
    errors = models.JSONField(default=list)
    error_count = models.PositiveIntegerField(default=0)
    skipped = models.PositiveIntegerField(default=0)  # planned visits left without times: not delivered
    # the councils whose placements the file names, so their finance officers see an upload that failed
    councils = models.ManyToManyField("accounts.Organisation", related_name="+", blank=True)
    uploaded_by = models.ForeignKey("accounts.User", null=True, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-uploaded_at"]


class DeliveryRecord(models.Model):
    """What a provider delivered: a visit (start, end, carers), an attendance day, or a week."""

    placement = models.ForeignKey("brokerage.Placement", on_delete=models.PROTECT, related_name="deliveries")
    provider = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=12, choices=DELIVERY_KINDS)
    day = models.DateField()
    start = models.TimeField(null=True, blank=True)
    end = models.TimeField(null=True, blank=True)
    minutes = models.PositiveIntegerField(default=0)
    carers = models.PositiveSmallIntegerField(default=1)
    source = models.CharField(max_length=10, choices=[("form", "Form"), ("upload", "Upload"), ("api", "API")])
    upload = models.ForeignKey(DeliveryUpload, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    recorded_by = models.ForeignKey("accounts.User", null=True, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["day", "start", "id"]
        constraints = [
            models.UniqueConstraint(fields=["placement", "day", "start"], name="one_visit_per_start"),
            models.UniqueConstraint(
                fields=["placement", "day"], condition=Q(start__isnull=True), name="one_day_record_per_day"
            ),
            models.CheckConstraint(condition=Q(carers__gte=1), name="delivery_carers_at_least_one"),
            models.CheckConstraint(condition=Q(kind__in=[k for k, _ in DELIVERY_KINDS]), name="delivery_kind"),
        ]


class ContributionAssessment(TenantModel):
    """A person's assessed weekly contribution to the cost of their care, from a date."""

    TENANT_FIELD = "council"

    council = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey("brokerage.Person", on_delete=models.PROTECT, related_name="contributions")
    weekly_amount = models.DecimalField(**MONEY)
    starts_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey("accounts.User", null=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["person", "starts_on"]
        constraints = [models.CheckConstraint(condition=Q(weekly_amount__gte=0), name="contribution_not_negative")]


class Hold(TenantModel):
    """A provider or a placement held from payment, e.g. in dispute; released lines are paid in a later run."""

    TENANT_FIELD = "council"

    council = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    provider = models.ForeignKey(
        "accounts.Organisation", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    placement = models.ForeignKey(
        "brokerage.Placement", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField()
    created_by = models.ForeignKey("accounts.User", null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    released_at = models.DateTimeField(null=True, blank=True)
    released_by = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(provider__isnull=False) | Q(placement__isnull=False), name="hold_has_a_target"
            )
        ]


RUN_STATUSES = PAYMENT_RUN.choices


class PaymentRun(LifecycleModelMixin, TenantModel):
    TENANT_FIELD = "council"
    LIFECYCLE = PAYMENT_RUN

    objects = LifecycleTenantQuerySet.as_manager()

    council = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    period_start = models.DateField()
    period_end = models.DateField()
    status = models.CharField(max_length=12, choices=RUN_STATUSES, default="draft")
    total = models.DecimalField(**MONEY, default=0)
    held_total = models.DecimalField(**MONEY, default=0)
    problems = models.JSONField(default=list)
    created_by = models.ForeignKey("accounts.User", null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    calculated_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    calculated_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    approved_at = models.DateTimeField(null=True, blank=True)
    paid_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-period_start", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(period_end__gte=models.F("period_start")), name="run_period_valid"),
            models.CheckConstraint(condition=Q(status__in=list(PAYMENT_RUN.states)), name="run_status"),
            # The person who approves a run cannot be the one who calculated it.
            models.CheckConstraint(
                condition=Q(approved_by__isnull=True) | ~Q(approved_by=models.F("calculated_by")),
                name="run_approver_is_not_calculator",
            ),
        ]

    def __str__(self) -> str:
        return f"Payment run {self.pk}: {self.period_start:%-d %b %Y} to {self.period_end:%-d %b %Y}"


class PaymentRunStatusChange(StatusChange):
    run = models.ForeignKey(PaymentRun, on_delete=models.PROTECT, related_name="status_changes")

    class Meta(StatusChange.Meta):
        pass


LINE_KINDS = [
    ("care", "Care"),
    ("add-on", "Add-on"),
    ("hospital", "Hospital days"),
    ("block", "Block of hours"),
    ("above-plan", "Above plan (not paid)"),
    ("in-hospital", "Recorded in hospital (not paid)"),
    ("adjustment", "Adjustment"),
    ("contribution", "Contribution collected by the provider"),
]


class PaymentLine(models.Model):
    """One priced line. `key` names what it pays for (placement, component, day); a key is paid once: the unique
    index on committed lines refuses a second, whatever happens. Adjustments have keys of their own."""

    run = models.ForeignKey(PaymentRun, on_delete=models.CASCADE, related_name="lines")
    provider = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    placement = models.ForeignKey(
        "brokerage.Placement", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    person = models.ForeignKey("brokerage.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    key = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=LINE_KINDS)
    day = models.DateField()
    quantity = models.DecimalField(max_digits=12, decimal_places=4)
    unit = models.CharField(max_length=10)
    rate = models.DecimalField(**MONEY)
    amount = models.DecimalField(**MONEY)
    rate_ref = models.CharField(max_length=60, blank=True)
    description = models.CharField(max_length=300)
    flagged = models.BooleanField(default=False)
    held = models.BooleanField(default=False)
    adjusts = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="adjustments")
    committed = models.BooleanField(default=False)

    class Meta:
        ordering = ["provider", "placement", "day", "key"]
        constraints = [
            models.UniqueConstraint(fields=["key"], condition=Q(committed=True), name="a_line_is_paid_once"),
            models.UniqueConstraint(fields=["run", "key"], name="one_line_per_key_per_run"),
        ]


class SupplierCode(TenantModel):
    """The council's supplier number for a provider in its finance ledger, carried on the payments file."""

    TENANT_FIELD = "council"

    council = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    provider = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    code = models.CharField(max_length=40)

    class Meta:
        ordering = ["provider__name"]
        constraints = [
            models.UniqueConstraint(fields=["council", "provider"], name="one_supplier_code_per_provider"),
            models.CheckConstraint(condition=~Q(code=""), name="supplier_code_not_blank"),
        ]


class CostCentre(TenantModel):
    """Where the council's ledger books a service's spend: a cost centre and an account (subjective) code. The one
    without a service is the default, for lines no service names (blocks of hours)."""

    TENANT_FIELD = "council"

    council = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    service_type = models.ForeignKey(
        "reference.ServiceType", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    code = models.CharField(max_length=40)
    account = models.CharField(max_length=40, blank=True)

    class Meta:
        ordering = ["service_type__name"]
        constraints = [
            models.UniqueConstraint(fields=["council", "service_type"], name="one_cost_centre_per_service"),
            models.UniqueConstraint(
                fields=["council"], condition=Q(service_type__isnull=True), name="one_default_cost_centre"
            ),
            models.CheckConstraint(condition=~Q(code=""), name="cost_centre_not_blank"),
        ]
