"""What a person is told (in the app, by email now or in a daily digest) and what an organisation's systems are
sent (signed webhooks, retried, each try logged)."""

from __future__ import annotations

import uuid

from django.db import models
from django.db.models import Q
from django.utils import timezone

from caremarket.core.lifecycle import LifecycleModelMixin
from caremarket.core.tenancy import TenantModel
from caremarket.domain.lifecycles import WEBHOOK_DELIVERY
from caremarket.domain.notifications import KINDS, Email

KIND_CHOICES = [(k.value, rule.label) for k, rule in KINDS.items()]
EMAIL_CHOICES = [(e.value, e.value) for e in Email]


class Notification(TenantModel):
    """One event that asks one person to act. `link` is the page where it is done."""

    TENANT_FIELD = "organisation"

    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    recipient = models.ForeignKey("accounts.User", on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=40, choices=KIND_CHOICES)
    subject = models.CharField(max_length=300)
    body = models.TextField()
    link = models.CharField(max_length=300)
    deadline_at = models.DateTimeField(null=True, blank=True)
    # the event this tells of, so the same event is never told twice to the same person
    event_key = models.CharField(max_length=120)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["recipient", "read_at"], name="notification_unread")]
        constraints = [
            models.UniqueConstraint(fields=["recipient", "event_key"], name="notification_once_per_event"),
            models.CheckConstraint(condition=Q(kind__in=[k for k, _ in KIND_CHOICES]), name="notification_kind"),
        ]


class EmailPreference(models.Model):
    """A person's choice of email for one kind of notification; without one, the kind's default applies."""

    user = models.ForeignKey("accounts.User", on_delete=models.CASCADE, related_name="email_preferences")
    kind = models.CharField(max_length=40, choices=KIND_CHOICES)
    email = models.CharField(max_length=12, choices=EMAIL_CHOICES)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="email_preference_once"),
            models.CheckConstraint(condition=Q(email__in=[e for e, _ in EMAIL_CHOICES]), name="email_preference_known"),
        ]


class WebhookSubscription(TenantModel):
    """An organisation's system that is sent the events it subscribed to, signed with this subscription's secret."""

    TENANT_FIELD = "organisation"

    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    url = models.URLField(max_length=500)
    kinds = models.JSONField(default=list)
    secret = models.CharField(max_length=64)  # kept to sign with; shown to the organisation once, when made
    description = models.CharField(max_length=200, blank=True)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey("accounts.User", null=True, on_delete=models.SET_NULL, related_name="+")
    failing_since = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]


DELIVERY_STATES = WEBHOOK_DELIVERY.choices


class WebhookDelivery(LifecycleModelMixin, models.Model):
    """One event for one subscription: its body, fixed when the event happened, and what each try got back."""

    LIFECYCLE = WEBHOOK_DELIVERY

    subscription = models.ForeignKey(WebhookSubscription, on_delete=models.CASCADE, related_name="deliveries")
    event_id = models.UUIDField(default=uuid.uuid4)
    kind = models.CharField(max_length=40, choices=KIND_CHOICES)
    payload = models.JSONField()
    status = models.CharField(max_length=10, choices=DELIVERY_STATES, default=WEBHOOK_DELIVERY.state("waiting"))
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    last_status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="webhook_delivery_due")]
        constraints = [
            models.UniqueConstraint(fields=["subscription", "event_id"], name="webhook_delivery_once"),
            models.CheckConstraint(
                condition=Q(status__in=[s for s, _ in DELIVERY_STATES]), name="webhook_delivery_status"
            ),
        ]
