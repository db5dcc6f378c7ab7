"""Purchasing arrangements and their lots and application windows."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone

from caremarket.core.lifecycle import LifecycleModelMixin, LifecycleQuerySet, StatusChange
from caremarket.core.tenancy import TenantModel
from caremarket.domain.arrangements import (
    MECHANISM_LABELS,
    REGIME_LABELS,
    STATUS_LABELS,
    Mechanism,
    Regime,
    Status,
)
from caremarket.domain.lifecycles import ADMISSION, APPLICATION, ARRANGEMENT

MECHANISMS = [(m.value, MECHANISM_LABELS[m]) for m in Mechanism]
REGIMES = [(r.value, REGIME_LABELS[r]) for r in Regime]
STATUSES = [(s.value, STATUS_LABELS[s]) for s in Status]
PRICE_BASES = [
    ("none", "No price asked"),
    ("hour-per-area", "An hourly rate for each area applied for"),
    ("day", "A day rate"),
    ("week", "A weekly rate"),
]


class Arrangement(LifecycleModelMixin, TenantModel):
    TENANT_FIELD = "council"
    LIFECYCLE = ARRANGEMENT

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
    # What price applicants give: an hourly rate per area (seed 001), a day rate, a weekly rate, or none.
    price_basis = models.CharField(max_length=20, choices=PRICE_BASES, default="none")
    # Ranked frameworks (seed 004): rank = KPI share × KPI score + the rest × price score.
    kpi_weight = models.DecimalField(max_digits=5, decimal_places=2, default=50)
    # Cascades and ranked approaches: working hours a provider has to answer a referral (seed 001: 4).
    response_hours = models.DecimalField(max_digits=5, decimal_places=1, default=4)
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


class Question(TenantModel):
    """A question of the selection questionnaire the commissioner writes."""

    TENANT_FIELD = "arrangement__council"
    KINDS = [("pass-fail", "Pass or fail"), ("scored", "Scored quality question")]

    arrangement = models.ForeignKey(Arrangement, on_delete=models.PROTECT, related_name="questions")
    number = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=20, choices=KINDS)
    text = models.TextField()
    guidance = models.TextField(blank=True)
    weight = models.DecimalField(max_digits=5, decimal_places=2, default=0)
    max_score = models.PositiveSmallIntegerField(default=0)
    asks_expiry = models.BooleanField(default=False, help_text="The answer carries an expiry date (insurance).")

    class Meta:
        ordering = ["arrangement", "number"]
        constraints = [
            models.UniqueConstraint(fields=["arrangement", "number"], name="question_number_unique"),
            models.CheckConstraint(
                condition=Q(kind="pass-fail") | (Q(kind="scored") & Q(weight__gt=0) & Q(max_score__gt=0)),
                name="question_scored_has_weight_and_scale",
            ),
        ]

    def __str__(self) -> str:
        return f"Q{self.number} {self.text[:60]}"


class Application(LifecycleModelMixin, models.Model):
    """A provider's application to an arrangement. Owned by the provider; read by the arrangement's council."""

    TENANT_FIELD = "provider"
    LIFECYCLE = APPLICATION
    STATUSES = APPLICATION.choices

    arrangement = models.ForeignKey(Arrangement, on_delete=models.PROTECT, related_name="applications")
    provider = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="applications")
    status = models.CharField(max_length=20, choices=STATUSES, default="draft")
    lots = models.ManyToManyField(Lot, related_name="applications", blank=True)
    areas = models.ManyToManyField("reference.Area", related_name="applications", blank=True)
    offers_transport = models.BooleanField(default=False)
    one_to_one = models.BooleanField(default=False)
    complex_needs = models.BooleanField(default=False)
    age_min = models.PositiveSmallIntegerField(null=True, blank=True)
    age_max = models.PositiveSmallIntegerField(null=True, blank=True)
    cqc_location_id = models.CharField(max_length=20, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    submitted_at = models.DateTimeField(null=True, blank=True)

    objects = LifecycleQuerySet.as_manager()

    class Meta:
        ordering = ["arrangement", "provider__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["arrangement", "provider"],
                condition=Q(status__in=sorted(APPLICATION.group("open"))),
                name="one_open_application_per_provider",
            ),
            models.CheckConstraint(
                condition=Q(age_min__isnull=True) | Q(age_max__isnull=True) | Q(age_max__gte=models.F("age_min")),
                name="application_age_range_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.provider} to {self.arrangement.reference}"


class Answer(models.Model):
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="answers")
    meets = models.BooleanField(null=True, help_text="For pass/fail questions.")
    response = models.TextField(blank=True)
    expires_on = models.DateField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["application", "question"], name="answer_unique")]


class ApplicationPrice(models.Model):
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="prices")
    area = models.ForeignKey("reference.Area", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    amount = models.DecimalField(max_digits=10, decimal_places=2)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["application", "area"], name="price_per_area_unique"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="price_positive"),
        ]


class ApplicationDocument(models.Model):
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="documents")
    title = models.CharField(max_length=200)
    file = models.FileField(upload_to="applications/%Y/%m/")
    confidential = models.BooleanField(default=False, help_text="Seen only by the council, never published.")
    uploaded_at = models.DateTimeField(default=timezone.now)


class QualityScore(models.Model):
    """One evaluator's score for one question of one application."""

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="scores")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="+")
    evaluator = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    score = models.PositiveSmallIntegerField()
    comment = models.TextField(blank=True)
    scored_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["application", "question", "evaluator"], name="one_score_per_evaluator")
        ]


class ModeratedScore(models.Model):
    """The agreed score. Append-only: a later row supersedes an earlier one and must say why."""

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="moderated_scores")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="+")
    score = models.PositiveSmallIntegerField()
    moderator = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(blank=True)
    moderated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["moderated_at", "id"]


class Decision(models.Model):
    """The outcome of an application with its scores, so the provider's feedback letter explains it."""

    application = models.OneToOneField(Application, on_delete=models.PROTECT, related_name="decision")
    outcome = models.CharField(max_length=10, choices=[("admit", "Admitted"), ("reject", "Not admitted")])
    reasons = models.TextField()
    passed_pass_fail = models.BooleanField()
    quality_score = models.DecimalField(max_digits=5, decimal_places=2)
    quality_threshold = models.DecimalField(max_digits=5, decimal_places=2)
    price_score = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    total_score = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    rank = models.PositiveSmallIntegerField(null=True, blank=True)
    ranked_out_of = models.PositiveSmallIntegerField(null=True, blank=True)
    low_price_flag = models.BooleanField(default=False)
    decided_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(default=timezone.now)


class Admission(LifecycleModelMixin, models.Model):
    """A provider admitted to a lot (and an area), with its position or rank and its accepted terms."""

    LIFECYCLE = ADMISSION
    STATUSES = ADMISSION.choices
    POSITIONS = [("", "None"), ("primary", "Primary"), ("secondary", "Secondary"), ("reserve", "Reserve list")]

    arrangement = models.ForeignKey(Arrangement, on_delete=models.PROTECT, related_name="admissions")
    lot = models.ForeignKey(Lot, on_delete=models.PROTECT, related_name="admissions")
    provider = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="admissions")
    area = models.ForeignKey("reference.Area", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="admissions")
    status = models.CharField(max_length=20, choices=STATUSES, default="active")
    position = models.CharField(max_length=20, choices=POSITIONS, blank=True)
    rank = models.PositiveSmallIntegerField(null=True, blank=True)
    score = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    price = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)
    # Places bought in a block contract (seed 002); vacancies are these less the active placements.
    block_places = models.PositiveSmallIntegerField(null=True, blank=True)
    # The people the provider says it can support at once under this admission, kept current by the provider
    # (seed 004: demand set against capacity); none until it declares.
    capacity = models.PositiveSmallIntegerField(null=True, blank=True)
    capacity_declared_on = models.DateField(null=True, blank=True)
    offers_transport = models.BooleanField(default=False)
    one_to_one = models.BooleanField(default=False)
    complex_needs = models.BooleanField(default=False)
    age_min = models.PositiveSmallIntegerField(null=True, blank=True)
    age_max = models.PositiveSmallIntegerField(null=True, blank=True)
    insurance_expires_on = models.DateField(null=True, blank=True)
    admitted_on = models.DateField(default=timezone.localdate)

    objects = LifecycleQuerySet.as_manager()

    class Meta:
        ordering = ["arrangement", "lot__number", "area__name", "position", "rank"]
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "lot", "area"],
                condition=~Q(status=ADMISSION.state("removed")),
                name="one_admission_per_lot_area",
            ),
            models.CheckConstraint(condition=Q(price__isnull=True) | Q(price__gt=0), name="admission_price_positive"),
            models.CheckConstraint(condition=Q(status__in=list(ADMISSION.states)), name="admission_status_valid"),
        ]

    def __str__(self) -> str:
        where = f", {self.area.name}" if self.area_id else ""
        return f"{self.provider} on {self.lot}{where}"


class AdmissionStatusChange(StatusChange):
    admission = models.ForeignKey(Admission, on_delete=models.PROTECT, related_name="status_changes")
    reason_code = models.CharField(max_length=40, blank=True)
    effective_on = models.DateField(default=timezone.localdate)

    class Meta(StatusChange.Meta):
        pass


class AwardRun(models.Model):
    """One computation of positions (tiered) or ranks (ranked). Kept, so earlier awards and rankings stay readable."""

    arrangement = models.ForeignKey(Arrangement, on_delete=models.PROTECT, related_name="award_runs")
    kind = models.CharField(max_length=20, choices=[("positions", "Positions"), ("ranking", "Ranking")])
    computed_at = models.DateTimeField(default=timezone.now)
    computed_by = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    solve_seconds = models.DecimalField(max_digits=8, decimal_places=3, default=0)
    total_score = models.DecimalField(max_digits=10, decimal_places=2, default=0)
    result = models.JSONField(default=dict)

    class Meta:
        ordering = ["-computed_at", "-id"]


class ArrangementDocument(models.Model):
    """Tender documents, specifications and the like; they may be added even once the arrangement is live."""

    arrangement = models.ForeignKey(Arrangement, on_delete=models.PROTECT, related_name="documents")
    title = models.CharField(max_length=200)
    file = models.FileField(upload_to="arrangements/%Y/%m/")
    uploaded_at = models.DateTimeField(default=timezone.now)
    uploaded_by = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["uploaded_at", "id"]
