"""The CQC care directory as imported: public data, shared by every council of the installation."""

from django.db import models
from django.utils import timezone


class CqcImport(models.Model):
    file_name = models.CharField(max_length=255)
    form = models.CharField(max_length=40)
    imported_at = models.DateTimeField(default=timezone.now)
    imported_by = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    rows_read = models.PositiveIntegerField(default=0)
    rows_rejected = models.PositiveIntegerField(default=0)
    rows_repaired = models.PositiveIntegerField(default=0)
    rejected = models.JSONField(default=list)
    repaired = models.JSONField(default=list)

    class Meta:
        ordering = ["-imported_at", "-id"]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.imported_at:%Y-%m-%d})"


class CqcLocation(models.Model):
    """A registered location. Keyed by the CQC location id (1-123456789)."""

    location_id = models.CharField(max_length=20, unique=True)
    name = models.CharField(max_length=300)
    provider_name = models.CharField(max_length=300, blank=True)
    postcode = models.CharField(max_length=10, blank=True)
    service_types = models.JSONField(default=list)
    local_authority = models.CharField(max_length=120, blank=True)
    council_code = models.CharField(max_length=9, blank=True)
    last_check_on = models.DateField(null=True, blank=True)
    last_import = models.ForeignKey(CqcImport, on_delete=models.PROTECT, related_name="locations")

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.location_id})"


class CqcRating(models.Model):
    """One published CQC inspection rating of a location; the history is every report, newest last."""

    location_id = models.CharField(max_length=20)
    report_date = models.DateField()
    rating = models.CharField(
        max_length=30,
        choices=[
            ("outstanding", "Outstanding"),
            ("good", "Good"),
            ("requires-improvement", "Requires improvement"),
            ("inadequate", "Inadequate"),
        ],
    )
    ownership = models.CharField(max_length=60, blank=True)
    last_import = models.ForeignKey(CqcImport, on_delete=models.PROTECT, related_name="ratings")

    class Meta:
        ordering = ["location_id", "report_date"]
        constraints = [models.UniqueConstraint(fields=["location_id", "report_date"], name="one_cqc_rating_a_day")]
        indexes = [models.Index(fields=["location_id", "-report_date"], name="cqc_rating_latest")]

    def __str__(self) -> str:
        return f"{self.location_id}: {self.get_rating_display()} ({self.report_date})"
