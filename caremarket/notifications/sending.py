"""What the worker sends: notification emails (now, or in a daily summary) and webhook deliveries, each claimed
before it is sent so nothing goes twice. Services queue the work; this module does it."""

from __future__ import annotations

import ipaddress
import json
import socket
from collections import defaultdict
from datetime import datetime
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import send_mail
from django.utils import timezone

from caremarket.domain import notifications as rules
from caremarket.domain.lifecycles import WEBHOOK_DELIVERY
from caremarket.domain.notifications import Email, Kind

from . import selectors
from .models import Notification, WebhookDelivery, WebhookSubscription


def emails_send(*, notification_ids: list[int]) -> int:
    """Email each notification not yet emailed to a person still active (the worker's task calls this)."""
    sent = 0
    for notification in Notification.objects.filter(pk__in=notification_ids, emailed_at__isnull=True).select_related(
        "recipient"
    ):
        # claimed first, so a second worker or a retried task sends nothing twice
        if not Notification.objects.filter(pk=notification.pk, emailed_at__isnull=True).update(
            emailed_at=timezone.now()
        ):
            continue
        if not notification.recipient.is_active:
            continue
        send_mail(
            notification.subject,
            f"{notification.body}\n\n{_absolute(notification.link)}\n",
            None,
            [notification.recipient.email],
        )
        sent += 1
    return sent


def digests_send(*, now: datetime | None = None) -> int:
    """One email to each person who chose a daily digest, listing what came since the last one."""
    now = now or timezone.now()
    waiting = defaultdict(list)
    unsent = list(
        Notification.objects.filter(emailed_at__isnull=True, recipient__is_active=True, created_at__lte=now)
        .select_related("recipient")
        .order_by("created_at", "id")
    )
    for kind in {n.kind for n in unsent}:
        of_kind = [n for n in unsent if n.kind == kind]
        chosen = selectors.email_choices(users=[n.recipient for n in of_kind], kind=Kind(kind))
        for notification in of_kind:
            if chosen[notification.recipient_id] == Email.DAILY:
                waiting[notification.recipient].append(notification)
    for person, items in waiting.items():
        Notification.objects.filter(pk__in=[n.pk for n in items]).update(emailed_at=now)
        lines = "\n".join(f"- {n.subject}\n  {_absolute(n.link)}" for n in sorted(items, key=lambda n: n.created_at))
        send_mail(
            f"Caremarket: {len(items)} new {'item' if len(items) == 1 else 'items'} for you",
            f"Since your last summary:\n\n{lines}\n\nChoose what you are emailed about in Caremarket, "
            "under Notifications.\n",
            None,
            [person.email],
        )
    return len(waiting)


def _absolute(link: str) -> str:
    return f"{getattr(settings, 'SITE_URL', '').rstrip('/')}{link}"


def address_refused(url: str) -> str | None:
    """Why an address may not receive webhooks, or None: https only, and never a private, loopback or link-local
    host (a subscription must not reach into the installation's own network), unless the settings allow it."""
    parts = urlsplit(url)
    allow_private = getattr(settings, "WEBHOOKS_ALLOW_PRIVATE_ADDRESSES", False)
    if parts.scheme != "https" and not (allow_private and parts.scheme == "http"):
        return "Give an https:// address"
    if not parts.hostname:
        return "Give the full address of your system's endpoint, such as https://rota.example.com/caremarket"
    if allow_private:
        return None
    try:
        addresses = {info[4][0] for info in socket.getaddrinfo(parts.hostname, parts.port or 443)}
    except OSError:
        return f"{parts.hostname} cannot be found"
    for address in addresses:
        ip = ipaddress.ip_address(address.split("%")[0])
        if ip.is_private or ip.is_loopback or ip.is_link_local or ip.is_reserved or ip.is_multicast:
            return "The address is on a private network; give one your system receives on from the internet"
    return None


LEASE = rules.RETRY_AFTER[0]
DUE = WEBHOOK_DELIVERY.group("due")


def webhook_attempt(*, delivery_id: int, now: datetime | None = None) -> str:
    """Try one delivery once, if it is due. It is claimed with a lease first, so two workers never send it at once;
    no transaction is held open while the receiver answers."""
    import requests

    now = now or timezone.now()
    claimed = WebhookDelivery.objects.filter(
        pk=delivery_id, status__in=DUE, next_attempt_at__lte=now, subscription__is_active=True
    ).update(next_attempt_at=now + LEASE)
    delivery = WebhookDelivery.objects.select_related("subscription").get(pk=delivery_id)
    if not claimed:
        return delivery.status
    subscription = delivery.subscription
    body = json.dumps(delivery.payload, sort_keys=True, separators=(",", ":")).encode()
    code, error = None, ""
    refused = address_refused(subscription.url)
    if refused:
        error = refused
    else:
        try:
            response = requests.post(
                subscription.url,
                data=body,
                headers={
                    "Content-Type": "application/json",
                    "User-Agent": "Caremarket-Webhooks/1",
                    rules.SIGNATURE_HEADER: rules.signature(subscription.secret, int(now.timestamp()), body),
                    "Caremarket-Event": delivery.kind,
                    "Caremarket-Delivery": str(delivery.event_id),
                },
                timeout=rules.WEBHOOK_TIMEOUT_SECONDS,
                allow_redirects=False,
            )
            code = response.status_code
            if not 200 <= code < 300:
                error = f"the receiver answered {code}"
        except requests.RequestException as exc:
            error = f"no answer: {type(exc).__name__}"
    delivery.attempts += 1
    delivery.last_status_code = code
    delivery.last_error = error[:300]
    if not error:
        delivery.status, delivery.delivered_at = WEBHOOK_DELIVERY.state("delivered"), now
        WebhookSubscription.objects.filter(pk=subscription.pk).update(failing_since=None)
    else:
        wait = rules.retry_after(delivery.attempts)
        delivery.status = WEBHOOK_DELIVERY.state("retrying" if wait else "failed")
        delivery.next_attempt_at = now + wait if wait else now
        WebhookSubscription.objects.filter(pk=subscription.pk, failing_since__isnull=True).update(failing_since=now)
    delivery.save(
        update_fields=["attempts", "last_status_code", "last_error", "status", "delivered_at", "next_attempt_at"]
    )
    return delivery.status


def webhooks_retry_due(*, now: datetime | None = None) -> int:
    now = now or timezone.now()
    due = WebhookDelivery.objects.filter(
        status__in=DUE, next_attempt_at__lte=now, subscription__is_active=True
    ).values_list("pk", flat=True)[:500]
    for pk in list(due):
        webhook_attempt(delivery_id=pk, now=now)
    return len(due)
