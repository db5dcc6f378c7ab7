from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from caremarket.domain.lifecycles import JOB


class AppendOnlyError(Exception):
    """Audit records are never changed or deleted."""


class AuditEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("Audit records cannot be changed.")

    def delete(self):
        raise AppendOnlyError("Audit records cannot be deleted.")

    def for_organisation(self, organisation) -> AuditEventQuerySet:
        if organisation is None:
            return self.none()
        return self.filter(organisation=organisation)


class AuditEvent(models.Model):
    """One state change: who, which organisation, when, what object, before and after, and why.

    Append-only three times over: this model refuses updates and deletes, its queryset refuses bulk
    updates and deletes, and on PostgreSQL and SQLite a database trigger refuses UPDATE (and, on
    PostgreSQL, DELETE).
    """

    TENANT_FIELD = "organisation"

    occurred_at = models.DateTimeField(default=timezone.now, db_index=True, editable=False)
    organisation = models.ForeignKey(
        "accounts.Organisation", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_label = models.CharField(max_length=300)
    action = models.CharField(max_length=100, db_index=True)
    object_type = models.CharField(max_length=100, blank=True, db_index=True)
    object_id = models.CharField(max_length=64, blank=True)
    object_repr = models.CharField(max_length=300, blank=True)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    reason = models.TextField(blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    request_id = models.CharField(max_length=64, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-occurred_at", "-id"]
        indexes = [models.Index(fields=["organisation", "-occurred_at"], name="audit_org_time")]

    def __str__(self) -> str:
        return f"{self.occurred_at.isoformat()} {self.actor_label} {self.action} {self.object_repr}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError("Audit records cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("Audit records cannot be deleted.")


class PeriodicTaskState(models.Model):
    """When each periodic task last ran and next falls due: the schedule is data, not memory."""

    name = models.CharField(max_length=200, unique=True)
    last_enqueued_at = models.DateTimeField(null=True, blank=True)
    next_due_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.name} due {self.next_due_at.isoformat()}"


class Job(models.Model):
    """Work that runs in the worker while its page shows how far it has got: calculating a payment run, computing
    positions, checking a large upload. One active job per thing it works on (`kind` and `key`), so a second
    click finds the job already running and starts nothing."""

    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=60)  # "payment_run.calculate"
    key = models.CharField(max_length=100)  # what it works on: "payment_run:36"
    label = models.CharField(max_length=200)  # "Calculating payment run 36"
    handler = models.CharField(max_length=200)  # the dotted path of the function that does the work
    args = models.JSONField(default=dict)
    status = models.CharField(max_length=10, default="queued", choices=JOB.choices)
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    unit = models.CharField(max_length=40, blank=True)  # what is counted: "placements"
    message = models.TextField(blank=True)  # the result, or why it failed
    link = models.CharField(max_length=300, blank=True)  # where the result is
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    progressed_at = models.DateTimeField(null=True, blank=True)  # when it last said how far it had got
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "key"],
                condition=models.Q(status__in=sorted(JOB.group("active"))),
                name="one_active_job_per_thing",
            ),
            models.CheckConstraint(condition=models.Q(status__in=list(JOB.states)), name="job_status"),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def active(self) -> bool:
        return JOB.is_in(self.status, "active")

    @property
    def failed(self) -> bool:
        return JOB.is_in(self.status, "failed")

    @property
    def percent(self) -> int:
        return min(100, round(100 * self.done / self.total)) if self.total else 0
