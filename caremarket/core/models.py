from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


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
