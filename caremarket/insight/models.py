"""Market insight: a month of the market per provider, service, area and route, summed from Caremarket's own records
or imported from the council's old systems, so every report reads thousands of rows, not millions of payment lines.
Money is kept in pence and quantities in hundredths, as integers, so the database sums them exactly."""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.db.models import Q
from django.utils import timezone

from caremarket.core.tenancy import TenantModel
from caremarket.domain import insight

SOURCES = [
    ("run", "Payment run"),
    ("placements", "Placements"),
    ("history", "Imported history"),
]
ROUTES = [(r.value, insight.ROUTE_LABELS[r]) for r in insight.Route]


class HistoryImport(TenantModel):
    """A file of monthly figures from before Caremarket (or from systems beside it), checked row by row: all of it
    is imported or none of it."""

    TENANT_FIELD = "council"

    council = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    file_name = models.CharField(max_length=200)
    rows = models.PositiveIntegerField(default=0)
    first_month = models.DateField(null=True, blank=True)
    last_month = models.DateField(null=True, blank=True)
    spend_pence = models.BigIntegerField(default=0)
    imported_by = models.ForeignKey("accounts.User", null=True, on_delete=models.PROTECT, related_name="+")
    imported_at = models.DateTimeField(default=timezone.now)
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-imported_at", "-id"]

    def __str__(self) -> str:
        return f"History import {self.pk}: {self.file_name}"

    @property
    def audit_label(self) -> str:
        return str(self)

    @property
    def spend(self) -> Decimal:
        return Decimal(self.spend_pence) / 100


class MarketMonth(TenantModel):
    """One month of one provider's care of one service in one area by one route: what was paid and what was done."""

    TENANT_FIELD = "council"

    council = models.ForeignKey("accounts.Organisation", on_delete=models.CASCADE, related_name="+")
    month = models.DateField()  # its first day
    source = models.CharField(max_length=12, choices=SOURCES)
    run = models.ForeignKey("finance.PaymentRun", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    history = models.ForeignKey(HistoryImport, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    # history may give spend on providers not named ("non-framework provision", seed 004)
    provider = models.ForeignKey(
        "accounts.Organisation", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    provider_name = models.CharField(max_length=200, blank=True)
    service_type = models.ForeignKey("reference.ServiceType", on_delete=models.PROTECT, related_name="+")
    area = models.ForeignKey("reference.Area", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    # the placements' need level (seed 002's complexity); none in imported history
    need_level = models.ForeignKey(
        "reference.NeedLevel", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # the lot the placements were admitted under; none for spot purchases and imported history
    lot = models.ForeignKey("arrangements.Lot", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    route = models.CharField(max_length=20, choices=ROUTES)
    framework = models.BooleanField()
    spend_pence = models.BigIntegerField(default=0)  # gross: what the council paid or would pay before contributions
    contributions_pence = models.BigIntegerField(default=0)  # the people's contributions collected by providers
    hours_x100 = models.BigIntegerField(default=0)
    days_x100 = models.BigIntegerField(default=0)
    weeks_x100 = models.BigIntegerField(default=0)
    # the hours paid at their standard hourly rate (before weekend and bank holiday enhancements), in pence: the
    # weighted average standard hourly rate the finance return asks for is this over the hours (ADR 0017)
    standard_pence = models.BigIntegerField(default=0, db_default=0)
    new_packages = models.PositiveIntegerField(default=0)
    active_packages = models.PositiveIntegerField(default=0)
    active_people = models.PositiveIntegerField(default=0, db_default=0)  # a person with two packages counts once

    class Meta:
        indexes = [models.Index(fields=["council", "month"], name="market_month_council_month")]
        constraints = [
            models.CheckConstraint(condition=Q(route__in=[r for r, _ in ROUTES]), name="market_month_route"),
            models.CheckConstraint(condition=Q(source__in=[s for s, _ in SOURCES]), name="market_month_source"),
            models.CheckConstraint(
                condition=Q(source="run", run__isnull=False, history__isnull=True)
                | Q(source="history", history__isnull=False, run__isnull=True)
                | Q(source="placements", run__isnull=True, history__isnull=True),
                name="market_month_source_matches",
            ),
            models.CheckConstraint(
                condition=Q(provider__isnull=False) | ~Q(provider_name=""), name="market_month_names_provider"
            ),
            models.CheckConstraint(
                condition=~Q(source="history") | Q(spend_pence__gte=0), name="market_month_history_spend_not_negative"
            ),
        ]


class RunSummary(models.Model):
    """A payment run the worker has summed into the market's months (once it is approved)."""

    run = models.OneToOneField("finance.PaymentRun", on_delete=models.CASCADE, related_name="+")
    lines = models.PositiveIntegerField()
    summarised_at = models.DateTimeField(default=timezone.now)


class Outlook(TenantModel):
    """Forecast active packages a year ahead in one service and area against the capacity there, worked out by the
    worker and replaced each time: the forecast's sign of unmet need."""

    TENANT_FIELD = "council"

    council = models.ForeignKey("accounts.Organisation", on_delete=models.CASCADE, related_name="+")
    service_type = models.ForeignKey("reference.ServiceType", on_delete=models.CASCADE, related_name="+")
    area = models.ForeignKey("reference.Area", on_delete=models.CASCADE, related_name="+")
    capacity = models.PositiveIntegerField()
    unknown = models.PositiveIntegerField(default=0)  # admissions whose capacity is not known
    carrying = models.PositiveIntegerField(default=0)
    peak = models.DecimalField(max_digits=9, decimal_places=1)
    exceeds_from = models.DateField(null=True, blank=True)
    may_exceed_from = models.DateField(null=True, blank=True)
    worked_out_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["service_type__name", "area__name"]
        constraints = [
            models.UniqueConstraint(fields=["council", "service_type", "area"], name="one_outlook_per_service_area")
        ]


class PositionStatement(TenantModel):
    """A market position statement for one service as the council published it: the figures as they stood and
    what the council intends. Each publication is kept; the newest is the public one."""

    TENANT_FIELD = "council"

    council = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    service_type = models.ForeignKey("reference.ServiceType", on_delete=models.PROTECT, related_name="+")
    intentions = models.TextField()
    figures = models.JSONField()
    as_of = models.DateField()
    published_by = models.ForeignKey("accounts.User", null=True, on_delete=models.PROTECT, related_name="+")
    published_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-published_at", "-id"]
        constraints = [models.CheckConstraint(condition=~Q(intentions=""), name="statement_says_what_is_intended")]

    def __str__(self) -> str:
        return f"Market position statement {self.pk}: {self.service_type.name}"

    @property
    def audit_label(self) -> str:
        return str(self)
