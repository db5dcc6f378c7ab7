"""Purchasing arrangements and their lots and application windows."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone

from caremarket.core.tenancy import TenantModel
from caremarket.domain.arrangements import (
    MECHANISM_LABELS,
    REGIME_LABELS,
    STATUS_LABELS,
    Mechanism,
    Regime,
    Status,
)

MECHANISMS = [(m.value, MECHANISM_LABELS[m]) for m in Mechanism]
REGIMES = [(r.value, REGIME_LABELS[r]) for r in Regime]
STATUSES = [(s.value, STATUS_LABELS[s]) for s in Status]


class Arrangement(TenantModel):
    TENANT_FIELD = "council"

    council = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="arrangements")
    reference = models.CharField(max_length=40)
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    mechanism = models.CharField(max_length=40, choices=MECHANISMS)
    regime = models.CharField(max_length=40, choices=REGIMES)
    status = models.CharField(max_length=20, choices=STATUSES, default=Status.DRAFT.value)
    starts_on = models.DateField()
    ends_on = models.DateField()
    max_extension_months = models.PositiveSmallIntegerField(default=0)
    estimated_value = models.DecimalField(max_digits=14, decimal_places=2)
    contact_name = models.CharField(max_length=200, blank=True)
    contact_email = models.EmailField(blank=True)
    contact_phone = models.CharField(max_length=40, blank=True)
    # Evaluation settings (seed 001: quality first, price only for those that pass the threshold).
    quality_weight = models.DecimalField(max_digits=5, decimal_places=2, default=60)
    price_weight = models.DecimalField(max_digits=5, decimal_places=2, default=40)
    quality_threshold = models.DecimalField(max_digits=5, decimal_places=2, default=60)
    # Tiered frameworks: how many level 1 and level 2 areas one provider may win.
    cap_level_1 = models.PositiveSmallIntegerField(null=True, blank=True)
    cap_level_2 = models.PositiveSmallIntegerField(null=True, blank=True)
    # Windowed mechanisms: reopen every N months (seed 003: 12), or only on recorded unmet need (seed 000).
    window_every_months = models.PositiveSmallIntegerField(null=True, blank=True)
    window_length_days = models.PositiveSmallIntegerField(default=28)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-starts_on", "title"]
        constraints = [
            models.UniqueConstraint(fields=["council", "reference"], name="arrangement_reference_unique"),
            models.CheckConstraint(condition=Q(ends_on__gt=models.F("starts_on")), name="arrangement_ends_after_start"),
            models.CheckConstraint(condition=Q(estimated_value__gte=0), name="arrangement_value_not_negative"),
            models.CheckConstraint(
                condition=Q(mechanism__in=[m.value for m in Mechanism]), name="arrangement_mechanism"
            ),
            models.CheckConstraint(condition=Q(regime__in=[r.value for r in Regime]), name="arrangement_regime"),
            models.CheckConstraint(condition=Q(status__in=[s.value for s in Status]), name="arrangement_status"),
            models.CheckConstraint(
                condition=Q(quality_weight__gte=0) & Q(price_weight__gte=0), name="arrangement_weights_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"

    @property
    def mechanism_enum(self) -> Mechanism:
        return Mechanism(self.mechanism)

    @property
    def status_enum(self) -> Status:
        return Status(self.status)


class ArrangementStatusChange(models.Model):
    """Append-only history of an arrangement's lifecycle."""

    arrangement = models.ForeignKey(Arrangement, on_delete=models.PROTECT, related_name="status_changes")
    from_status = models.CharField(max_length=20, choices=STATUSES, blank=True)
    to_status = models.CharField(max_length=20, choices=STATUSES)
    changed_at = models.DateTimeField(default=timezone.now)
    changed_by = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(blank=True)

    class Meta:
        ordering = ["changed_at", "id"]


class Lot(TenantModel):
    """A set of service types × areas × need levels within an arrangement."""

    TENANT_FIELD = "arrangement__council"

    arrangement = models.ForeignKey(Arrangement, on_delete=models.PROTECT, related_name="lots")
    number = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    service_types = models.ManyToManyField("reference.ServiceType", related_name="lots")
    areas = models.ManyToManyField("reference.Area", related_name="lots")
    need_levels = models.ManyToManyField("reference.NeedLevel", related_name="lots", blank=True)
    added_on = models.DateField(default=timezone.localdate)

    class Meta:
        ordering = ["arrangement", "number"]
        constraints = [models.UniqueConstraint(fields=["arrangement", "number"], name="lot_number_unique")]

    def __str__(self) -> str:
        return f"Lot {self.number}: {self.title}"


class ApplicationWindow(TenantModel):
    """A dated period in which providers may apply. Closed by the worker when `closes_at` passes."""

    TENANT_FIELD = "arrangement__council"
    REASONS = [("initial", "First opening"), ("scheduled", "Scheduled reopening"), ("unmet-need", "Unmet need")]

    arrangement = models.ForeignKey(Arrangement, on_delete=models.PROTECT, related_name="windows")
    opens_at = models.DateTimeField()
    closes_at = models.DateTimeField()
    reason = models.CharField(max_length=20, choices=REASONS)
    unmet_need = models.TextField(blank=True, help_text="The unmet need that justifies reopening (seed 000).")
    closed_at = models.DateTimeField(null=True, blank=True)
    opened_by = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["arrangement", "opens_at"]
        constraints = [
            models.CheckConstraint(condition=Q(closes_at__gt=models.F("opens_at")), name="window_closes_after_opening"),
            models.CheckConstraint(
                condition=~Q(reason="unmet-need") | ~Q(unmet_need=""), name="window_unmet_need_said"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.arrangement.reference} window {self.opens_at:%Y-%m-%d} to {self.closes_at:%Y-%m-%d}"

    def is_open(self, now) -> bool:
        return self.closed_at is None and self.opens_at <= now < self.closes_at
