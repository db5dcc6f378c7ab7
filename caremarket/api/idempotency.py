"""`Idempotency-Key` for every POST to the API: a retry with the same key and the same request gets the first
response again (marked `Idempotent-Replayed: true`) and changes nothing; the same key with a different request is
refused. Only successful responses are kept, so a corrected retry can reuse its key. Keys live for 24 hours."""

from __future__ import annotations

import hashlib
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.http import HttpResponse
from django.utils import timezone

from .models import IdempotencyKey
from .problems import problem

HEADER = "Idempotency-Key"
LIFETIME = timedelta(hours=24)


def _sha(*parts: bytes) -> str:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part)
        digest.update(b"\0")
    return digest.hexdigest()


def _authentic(credentials: str) -> bool:
    from caremarket.accounts.services import api_token_authenticate

    scheme, _, secret = credentials.partition(" ")
    return scheme.lower() == "bearer" and api_token_authenticate(secret=secret.strip()) is not None


class IdempotencyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        key = request.headers.get(HEADER)
        credentials = request.headers.get("Authorization", "")
        if request.method != "POST" or key is None or not request.path.startswith("/api/") or not credentials:
            return self.get_response(request)
        if not key.strip() or len(key) > 255:
            return problem(400, f"{HEADER} must be 1 to 255 characters")
        if not _authentic(credentials):
            # authentication comes before any replay: a revoked or unknown token gets its 401, never a stored reply
            return self.get_response(request)
        scope = _sha(credentials.encode())
        fingerprint = _sha(request.method.encode(), request.path.encode(), request.body)
        cutoff = timezone.now() - LIFETIME
        IdempotencyKey.objects.filter(scope=scope, key=key, created_at__lt=cutoff).delete()
        try:
            with transaction.atomic():
                record = IdempotencyKey.objects.create(scope=scope, key=key, fingerprint=fingerprint)
        except IntegrityError:
            record = IdempotencyKey.objects.filter(scope=scope, key=key).first()
            if record is None:
                return problem(409, f"A request with this {HEADER} is being processed; retry shortly")
            if record.fingerprint != fingerprint:
                return problem(422, f"This {HEADER} was used for a different request; use a new key")
            if record.status is None:
                return problem(409, f"A request with this {HEADER} is still being processed; retry shortly")
            replay = HttpResponse(bytes(record.body), status=record.status, content_type=record.content_type)
            replay["Idempotent-Replayed"] = "true"
            return replay
        try:
            response = self.get_response(request)
        except Exception:
            record.delete()
            raise
        if 200 <= response.status_code < 300 and not response.streaming:
            record.status = response.status_code
            record.content_type = response.get("Content-Type", "application/json")
            record.body = response.content
            record.save(update_fields=["status", "content_type", "body"])
        else:
            record.delete()
        return response


def prune(*, now=None) -> int:
    now = now or timezone.now()
    deleted, _ = IdempotencyKey.objects.filter(created_at__lt=now - LIFETIME).delete()
    return deleted
