"""A council's reference data: service types, areas, need levels and reason codes.

Records are deactivated, never deleted, because later records (lots, requests, placements) refer to them.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone

from caremarket.core.tenancy import TenantModel
from caremarket.domain.reference import REASON_KINDS


class ReferenceModel(TenantModel):
    TENANT_FIELD = "council"

    council = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    code = models.CharField(max_length=40)
    name = models.CharField(max_length=200)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.name


class ServiceType(ReferenceModel):
    description = models.TextField(blank=True)
    regulated_activity = models.BooleanField(
        default=False,
        help_text="Involves personal care or medication, so providers need CQC registration.",
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["council", "code"], name="service_type_code_unique"),
            models.UniqueConstraint(fields=["council", "name"], name="service_type_name_unique"),
        ]


class Area(ReferenceModel):
    level = models.PositiveSmallIntegerField()
    in_county = models.BooleanField(default=True)
    ons_code = models.CharField(max_length=9, blank=True)
    latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)

    class Meta:
        ordering = ["level", "name"]
        constraints = [
            models.UniqueConstraint(fields=["council", "code"], name="area_code_unique"),
            models.UniqueConstraint(fields=["council", "name"], name="area_name_unique"),
            models.CheckConstraint(condition=Q(level__gte=1) & Q(level__lte=3), name="area_level_1_to_3"),
            models.CheckConstraint(
                condition=(Q(latitude__isnull=True) & Q(longitude__isnull=True))
                | (Q(latitude__isnull=False) & Q(longitude__isnull=False)),
                name="area_centroid_both_or_neither",
            ),
        ]


class NeedLevel(ReferenceModel):
    service_type = models.ForeignKey(ServiceType, on_delete=models.PROTECT, related_name="need_levels")
    rank = models.PositiveSmallIntegerField(default=1, help_text="Order from least to most need.")
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["service_type__name", "rank", "name"]
        constraints = [
            models.UniqueConstraint(fields=["service_type", "code"], name="need_level_code_unique"),
            models.UniqueConstraint(fields=["service_type", "name"], name="need_level_name_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.service_type.name}: {self.name}"


class ReasonCode(ReferenceModel):
    kind = models.CharField(max_length=20, choices=list(REASON_KINDS.items()))

    class Meta:
        ordering = ["kind", "name"]
        constraints = [
            models.UniqueConstraint(fields=["council", "kind", "code"], name="reason_code_unique"),
            models.CheckConstraint(condition=Q(kind__in=list(REASON_KINDS)), name="reason_code_kind_valid"),
        ]


class AreaPostcode(TenantModel):
    """Which area a postcode district (outward code, e.g. WA15) falls in, so a request's area follows its postcode."""

    TENANT_FIELD = "council"

    council = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    outward_code = models.CharField(max_length=4)
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="postcode_districts")

    class Meta:
        ordering = ["outward_code"]
        constraints = [models.UniqueConstraint(fields=["council", "outward_code"], name="area_postcode_unique")]

    def __str__(self) -> str:
        return f"{self.outward_code} -> {self.area.name}"


# -- price floors: what a council pays for an hour of home care should not fall below (seed 000, shared/data)

MONEY = {"max_digits": 12, "decimal_places": 2}


class MinimumPrice(models.Model):
    """The Homecare Association minimum price for homecare in England, per hour, by financial year."""

    starts_on = models.DateField(unique=True)
    ends_on = models.DateField(null=True, blank=True)
    amount = models.DecimalField(**MONEY)
    national_living_wage = models.DecimalField(**MONEY)

    class Meta:
        db_table = "finance_minimumprice"  # kept from when finance held it


class CostOfCare(TenantModel):
    """A council's cost of care exercise: the parts of an hourly rate, from a date."""

    TENANT_FIELD = "council"

    council = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    name = models.CharField(max_length=200)
    pay_per_hour = models.DecimalField(**MONEY)
    on_costs_percent = models.DecimalField(max_digits=5, decimal_places=2)
    travel_percent = models.DecimalField(max_digits=5, decimal_places=2)
    mileage_per_hour = models.DecimalField(**MONEY)
    training_percent = models.DecimalField(max_digits=5, decimal_places=2)
    supervision_percent = models.DecimalField(max_digits=5, decimal_places=2)
    overheads_percent = models.DecimalField(max_digits=5, decimal_places=2)
    return_percent = models.DecimalField(max_digits=5, decimal_places=2)
    hourly_rate = models.DecimalField(**MONEY)
    starts_on = models.DateField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "finance_costofcare"  # kept from when finance held it
