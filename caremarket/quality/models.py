"""Quality monitoring: the council's framework as versioned data, monitoring visits and their findings, the
provider's factual-accuracy comments and action plans, and complaints and compliments."""

from __future__ import annotations

from decimal import Decimal

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
from caremarket.domain import quality, surveys
from caremarket.domain.lifecycles import ACTION_PLAN, COMPLAINT, MONITORING_VISIT, PLACEMENT_REVIEW, PLAN_ACTION


class QualityFramework(TenantModel):
    """One version of a council's framework: its scale and its questions with their standards, domains and weights.
    Published versions are never changed; a change is a new version in force from a date."""

    TENANT_FIELD = "council"

    council = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    version = models.PositiveIntegerField()
    effective_from = models.DateField()
    scale = models.JSONField()  # [[code, label, score], ...] best first
    note = models.TextField(blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-effective_from", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["council", "version"], name="one_framework_version_number"),
            models.UniqueConstraint(
                fields=["council", "effective_from"],
                condition=Q(published_at__isnull=False),
                name="one_published_framework_a_day",
            ),
        ]

    def __str__(self) -> str:
        return f"Quality framework version {self.version} (from {self.effective_from:%d %B %Y})"

    @property
    def is_published(self) -> bool:
        return self.published_at is not None

    def label_of(self, code: str) -> str:
        return next((label for c, label, _ in self.scale if c == code), code)

    def spec(self) -> quality.Framework:
        """The version as the domain's framework, for rolling ratings up."""
        scale = quality.Scale(tuple(quality.Level(c, label, int(score)) for c, label, score in self.scale))
        domains: dict[str, dict] = {}
        for q in self.questions.all():
            d = domains.setdefault(q.domain_key, {"title": q.domain_title, "weight": q.domain_weight, "standards": {}})
            s = d["standards"].setdefault(
                q.standard_key, {"title": q.standard_title, "weight": q.standard_weight, "questions": []}
            )
            s["questions"].append(quality.QuestionSpec(q.key, q.text, q.guidance, q.weight, frozenset(q.service_types)))
        return quality.Framework(
            scale,
            tuple(
                quality.DomainSpec(
                    dk,
                    d["title"],
                    d["weight"],
                    tuple(
                        quality.StandardSpec(sk, s["title"], s["weight"], tuple(s["questions"]))
                        for sk, s in d["standards"].items()
                    ),
                )
                for dk, d in domains.items()
            ),
        )


class FrameworkQuestion(models.Model):
    """A question with its standard and domain beside it, as a row of the framework's spreadsheet."""

    framework = models.ForeignKey(QualityFramework, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveIntegerField()
    domain_key = models.CharField(max_length=20)
    domain_title = models.CharField(max_length=200)
    domain_weight = models.DecimalField(max_digits=6, decimal_places=2)
    standard_key = models.CharField(max_length=20)
    standard_title = models.CharField(max_length=200)
    standard_weight = models.DecimalField(max_digits=6, decimal_places=2)
    key = models.CharField(max_length=20)
    text = models.CharField(max_length=500)
    guidance = models.TextField(blank=True)
    weight = models.DecimalField(max_digits=6, decimal_places=2, default=Decimal(1))
    service_types = models.JSONField(default=list, blank=True)  # codes; empty: every service type

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["framework", "key"], name="one_question_per_key"),
            models.CheckConstraint(
                condition=Q(weight__gt=0) & Q(standard_weight__gt=0) & Q(domain_weight__gt=0),
                name="framework_weights_positive",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.key} {self.text}"


class MonitoringVisit(LifecycleModelMixin, TenantModel):
    TENANT_FIELD = "council"
    LIFECYCLE = MONITORING_VISIT

    objects = LifecycleTenantQuerySet.as_manager()

    council = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    provider = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    service_type = models.ForeignKey("reference.ServiceType", on_delete=models.PROTECT, related_name="+")
    framework = models.ForeignKey(QualityFramework, on_delete=models.PROTECT, related_name="visits")
    version = models.PositiveSmallIntegerField(default=1)
    supersedes = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="superseded_by"
    )
    status = models.CharField(max_length=20, choices=MONITORING_VISIT.choices, default="planned")
    planned_for = models.DateField()
    visited_on = models.DateField(null=True, blank=True)
    lead = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(blank=True)
    summary = models.TextField(blank=True)
    shared_on = models.DateField(null=True, blank=True)
    accuracy_closes_on = models.DateField(null=True, blank=True)
    reviewer = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    published_on = models.DateField(null=True, blank=True)
    overall = models.CharField(max_length=40, blank=True)
    overall_score = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    explanation = models.JSONField(default=list, blank=True)
    revisit_due_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-planned_for", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["council", "provider", "service_type"],
                condition=Q(status__in=sorted(MONITORING_VISIT.group("open"))),
                name="one_open_visit_per_provider_service",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=sorted(MONITORING_VISIT.group("reported")))
                | (Q(published_on__isnull=False) & ~Q(overall="") & Q(reviewer__isnull=False)),
                name="published_visit_is_rated_and_signed_off",
            ),
            models.CheckConstraint(
                condition=Q(reviewer__isnull=True) | ~Q(reviewer=models.F("lead")),
                name="visit_signed_off_by_someone_else",
            ),
        ]

    def __str__(self) -> str:
        return f"Monitoring visit to {self.provider} ({self.service_type}), {self.planned_for:%d %B %Y}"

    @property
    def reference(self) -> str:
        return f"V-{self.pk}" + (f" v{self.version}" if self.version > 1 else "")

    def get_overall_label(self) -> str:
        return self.framework.label_of(self.overall) if self.overall else ""


class VisitStatusChange(StatusChange):
    visit = models.ForeignKey(MonitoringVisit, on_delete=models.PROTECT, related_name="status_changes")

    class Meta(StatusChange.Meta):
        pass


class Finding(models.Model):
    """The rating and evidence for one question of a visit."""

    visit = models.ForeignKey(MonitoringVisit, on_delete=models.CASCADE, related_name="findings")
    question = models.ForeignKey(FrameworkQuestion, on_delete=models.PROTECT, related_name="+")
    rating = models.CharField(max_length=40)
    evidence = models.TextField()
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["question__position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["visit", "question"], name="one_finding_per_question"),
            models.CheckConstraint(condition=~Q(evidence=""), name="finding_has_evidence"),
        ]


class AccuracyComment(models.Model):
    """The provider's challenge to a fact in a shared draft, and the officer's answer."""

    visit = models.ForeignKey(MonitoringVisit, on_delete=models.PROTECT, related_name="comments")
    finding = models.ForeignKey(Finding, null=True, blank=True, on_delete=models.PROTECT, related_name="comments")
    comment = models.TextField()
    made_by = models.ForeignKey("accounts.User", null=True, on_delete=models.PROTECT, related_name="+")
    made_at = models.DateTimeField(default=timezone.now)
    response = models.TextField(blank=True)
    responded_by = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    responded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["made_at", "id"]
        constraints = [models.CheckConstraint(condition=~Q(comment=""), name="accuracy_comment_has_text")]


class ActionPlan(LifecycleModelMixin, models.Model):
    LIFECYCLE = ACTION_PLAN

    visit = models.OneToOneField(MonitoringVisit, on_delete=models.PROTECT, related_name="action_plan")
    status = models.CharField(max_length=20, choices=ACTION_PLAN.choices, default="due")
    due_on = models.DateField()
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    completed_at = models.DateTimeField(null=True, blank=True)

    objects = LifecycleQuerySet.as_manager()

    class Meta:
        ordering = ["due_on", "id"]


class PlanAction(LifecycleModelMixin, models.Model):
    LIFECYCLE = PLAN_ACTION

    plan = models.ForeignKey(ActionPlan, on_delete=models.PROTECT, related_name="actions")
    finding = models.ForeignKey(Finding, on_delete=models.PROTECT, related_name="actions")
    action = models.TextField()
    owner = models.CharField(max_length=200)
    due_on = models.DateField()
    status = models.CharField(max_length=20, choices=PLAN_ACTION.choices, default="not-started")
    progress = models.TextField(blank=True)
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    objects = LifecycleQuerySet.as_manager()

    class Meta:
        ordering = ["finding__question__position", "due_on", "id"]
        constraints = [
            models.CheckConstraint(condition=~Q(action="") & ~Q(owner=""), name="action_has_text_and_owner"),
        ]


class Complaint(LifecycleModelMixin, TenantModel):
    """A complaint or compliment about a provider (and perhaps one placement or person), logged by the council or
    by the provider; both see it."""

    TENANT_FIELD = "council"
    LIFECYCLE = COMPLAINT

    objects = LifecycleTenantQuerySet.as_manager()

    council = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    provider = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    placement = models.ForeignKey(
        "brokerage.Placement", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    person = models.ForeignKey("brokerage.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=20, choices=list(quality.COMPLAINT_KINDS.items()))
    category = models.CharField(max_length=40, choices=list(quality.COMPLAINT_CATEGORIES.items()))
    severity = models.CharField(max_length=20, choices=list(quality.SEVERITIES.items()), blank=True)
    safeguarding = models.BooleanField(default=False)
    received_on = models.DateField()
    summary = models.TextField()
    status = models.CharField(max_length=20, choices=COMPLAINT.choices, default="received")
    acknowledge_by = models.DateField(null=True, blank=True)
    respond_by = models.DateField(null=True, blank=True)
    acknowledged_on = models.DateField(null=True, blank=True)
    closed_on = models.DateField(null=True, blank=True)
    outcome = models.CharField(max_length=20, choices=list(quality.OUTCOMES.items()), blank=True)
    response = models.TextField(blank=True)
    lessons = models.TextField(blank=True)
    logged_by = models.ForeignKey("accounts.User", null=True, on_delete=models.PROTECT, related_name="+")
    logged_by_organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    logged_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-received_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=~Q(category="") & ~Q(summary=""), name="complaint_has_category_summary"),
            models.CheckConstraint(condition=~Q(kind="complaint") | ~Q(severity=""), name="complaint_has_severity"),
            models.CheckConstraint(
                condition=~Q(kind="complaint", status=COMPLAINT.state("closed")) | ~Q(outcome=""),
                name="closed_complaint_has_outcome",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} C-{self.pk} about {self.provider}"

    @property
    def reference(self) -> str:
        return f"C-{self.pk}"


class ComplaintStatusChange(StatusChange):
    complaint = models.ForeignKey(Complaint, on_delete=models.PROTECT, related_name="status_changes")

    class Meta(StatusChange.Meta):
        pass


class ReviewSchedule(TenantModel):
    """How often the council's placements of one service are reviewed against the care plan (1 to 3 months)."""

    TENANT_FIELD = "council"

    council = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    service_type = models.ForeignKey("reference.ServiceType", on_delete=models.PROTECT, related_name="+")
    every_months = models.PositiveSmallIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["council", "service_type"], name="one_review_schedule_per_service"),
            models.CheckConstraint(condition=Q(every_months__gte=1, every_months__lte=3), name="review_every_1_to_3"),
        ]


class PlacementReview(LifecycleModelMixin, TenantModel):
    """A review of a placement against the outcomes in its request: scheduled, or asked for when needs change."""

    TENANT_FIELD = "council"
    LIFECYCLE = PLACEMENT_REVIEW

    council = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    placement = models.ForeignKey("brokerage.Placement", on_delete=models.PROTECT, related_name="reviews")
    provider = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    due_on = models.DateField()
    reason = models.CharField(max_length=300)
    status = models.CharField(max_length=20, choices=PLACEMENT_REVIEW.choices, default=PLACEMENT_REVIEW.state("due"))
    done_on = models.DateField(null=True, blank=True)
    reviewed_by = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    outcomes_met = models.CharField(max_length=20, choices=list(quality.OUTCOMES_MET.items()), blank=True)
    notes = models.TextField(blank=True)
    next_step = models.CharField(max_length=20, choices=list(quality.NEXT_STEPS.items()), blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = LifecycleTenantQuerySet.as_manager()

    class Meta:
        ordering = ["due_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["placement"],
                condition=Q(status=PLACEMENT_REVIEW.state("due")),
                name="one_review_due_per_placement",
            ),
            models.CheckConstraint(
                condition=~Q(status=PLACEMENT_REVIEW.state("done"))
                | (~Q(outcomes_met="") & ~Q(next_step="") & Q(done_on__isnull=False)),
                name="done_review_is_recorded",
            ),
        ]


class Survey(TenantModel):
    """A round of satisfaction surveys of people receiving care and their families (domain/surveys.py)."""

    TENANT_FIELD = "council"

    council = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    title = models.CharField(max_length=200)
    opens_on = models.DateField()
    closes_on = models.DateField()
    created_by = models.ForeignKey("accounts.User", null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-opens_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(closes_on__gte=models.F("opens_on")), name="survey_closes_after_open"),
            models.CheckConstraint(condition=~Q(title=""), name="survey_has_title"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def audit_label(self) -> str:
        return f"Survey {self.pk}: {self.title}"


class SurveyResponse(models.Model):
    """One person's or family's answers about one provider. Nothing here says who answered: a response is
    counted, never shown, to the provider."""

    survey = models.ForeignKey(Survey, on_delete=models.PROTECT, related_name="responses")
    provider = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    respondent = models.CharField(max_length=10, choices=list(surveys.RESPONDENTS.items()))
    received_on = models.DateField()
    comment = models.TextField(blank=True)  # the council's alone: free text could name someone
    entered_by = models.ForeignKey("accounts.User", null=True, on_delete=models.PROTECT, related_name="+")
    entered_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-received_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(respondent__in=list(surveys.RESPONDENTS)), name="survey_respondent_kind"
            ),
        ]


class SurveyAnswer(models.Model):
    response = models.ForeignKey(SurveyResponse, on_delete=models.CASCADE, related_name="answers")
    question = models.CharField(max_length=20, choices=[(q.code, q.text) for q in surveys.QUESTIONS])
    score = models.PositiveSmallIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["response", "question"], name="one_answer_a_question"),
            models.CheckConstraint(condition=Q(score__gte=1) & Q(score__lte=5), name="survey_score_on_scale"),
        ]


class OutcomeMeasure(TenantModel):
    """A score on an outcome tool for one of the outcomes in a person's request, on a date: tool, domain, scale and
    score only (no licensed tool's content). Recorded by the council or the provider of the placement."""

    TENANT_FIELD = "council"

    council = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    request = models.ForeignKey("brokerage.CareRequest", on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey("brokerage.Person", on_delete=models.PROTECT, related_name="+")
    outcome = models.CharField(max_length=300)
    tool = models.CharField(max_length=100)
    domain = models.CharField(max_length=100)
    scale_min = models.DecimalField(max_digits=6, decimal_places=2)
    scale_max = models.DecimalField(max_digits=6, decimal_places=2)
    higher_is_better = models.BooleanField(default=True)
    score = models.DecimalField(max_digits=6, decimal_places=2)
    measured_on = models.DateField()
    note = models.TextField(blank=True)
    recorded_by = models.ForeignKey("accounts.User", null=True, on_delete=models.PROTECT, related_name="+")
    recorded_by_organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["outcome", "tool", "domain", "measured_on", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(scale_max__gt=models.F("scale_min")), name="outcome_scale_runs_up"),
            models.CheckConstraint(
                condition=Q(score__gte=models.F("scale_min")) & Q(score__lte=models.F("scale_max")),
                name="outcome_score_on_its_scale",
            ),
            models.CheckConstraint(
                condition=~Q(outcome="") & ~Q(tool="") & ~Q(domain=""), name="outcome_measure_named"
            ),
        ]

    @property
    def audit_label(self) -> str:
        return f"Outcome measure {self.pk} for person {self.person_id}"


class ScorecardSet(TenantModel):
    """Every provider's scorecard for one council over the last 3, 6 or 12 months, as the worker last worked it out
    (computing every KPI of a large council takes seconds, too long for a page). One set per council and period;
    working it out again replaces it."""

    TENANT_FIELD = "council"

    council = models.ForeignKey("accounts.Organisation", on_delete=models.CASCADE, related_name="+")
    months = models.PositiveSmallIntegerField()
    cut = models.CharField(max_length=60, blank=True, default="")  # "area=3;service=2;position=primary", or all
    start = models.DateField()
    end = models.DateField()
    cards = models.JSONField()  # [{provider_id, provider, red, kpis: [{code, name, value, rag, basis}]}]
    worked_out_at = models.DateTimeField(default=timezone.now)
    took_ms = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["council", "months", "cut"], name="one_scorecard_set_per_period"),
            models.CheckConstraint(condition=Q(months__in=[3, 6, 12]), name="scorecard_set_months"),
            models.CheckConstraint(condition=Q(end__gte=models.F("start")), name="scorecard_set_ends_after_start"),
        ]

    def __str__(self) -> str:
        return f"Scorecards for the last {self.months} months to {self.end:%d %B %Y}"
