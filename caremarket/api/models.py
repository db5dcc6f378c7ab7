from django.db import models
from django.utils import timezone


class IdempotencyKey(models.Model):
    """A POST to the API made with an `Idempotency-Key` header, and the response it got, replayed on a retry."""

    scope = models.CharField(max_length=64, help_text="SHA-256 of the credentials: keys belong to one token.")
    key = models.CharField(max_length=255)
    fingerprint = models.CharField(max_length=64, help_text="SHA-256 of the method, path and body.")
    status = models.PositiveSmallIntegerField(null=True, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    body = models.BinaryField(default=b"")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["scope", "key"], name="idempotency_key_unique")]
