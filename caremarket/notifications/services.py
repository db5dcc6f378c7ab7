"""Telling people: `notify` records an event for the people asked to act, emails those who want it now (the
worker sends), and queues a signed webhook for each of the organisation's subscriptions to that kind. Every step is
keyed by the event, so nothing is told or sent twice."""

from __future__ import annotations

import ipaddress
import json
import secrets
import socket
import uuid
from collections import defaultdict
from datetime import datetime
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from caremarket.accounts.models import Organisation, User
from caremarket.core.audit import audit_record, describe_actor
from caremarket.core.errors import ServiceError
from caremarket.domain import notifications as rules
from caremarket.domain.notifications import Email, Kind
from caremarket.domain.roles import GRANTS

from .models import EmailPreference, Notification, WebhookDelivery, WebhookSubscription

EVENT_NAMESPACE = uuid.UUID("7b0e53a4-4a43-4a7e-9f55-2f1f4d0c2a61")


def people_asked(organisation: Organisation, kind: Kind):
    """The organisation's active people whose roles let them do what this kind of event asks."""
    roles = [r.value for r in GRANTS[rules.KINDS[kind].asks]]
    return User.objects.filter(organisation=organisation, is_active=True, role_grants__role__in=roles).distinct()


def email_choice(user: User, kind: Kind) -> Email:
    chosen = EmailPreference.objects.filter(user=user, kind=kind.value).values_list("email", flat=True).first()
    return Email(chosen) if chosen else rules.KINDS[kind].email


def notify(
    *,
    kind: Kind,
    organisation: Organisation,
    subject: str,
    body: str,
    link: str,
    event_key: str,
    deadline_at: datetime | None = None,
    data: dict | None = None,
    recipients=None,
    exclude=(),
) -> list[Notification]:
    """Tell the people `organisation` has to act on this event (or `recipients`, its people only), once per event.
    Emails and webhooks go after the caller's transaction commits, so a rolled-back event tells nobody."""
    people = list(recipients if recipients is not None else people_asked(organisation, kind))
    skip = {getattr(u, "pk", u) for u in exclude if u is not None}
    made = []
    for person in people:
        if person.pk in skip or person.organisation_id != organisation.pk or not person.is_active:
            continue
        notification, created = Notification.objects.get_or_create(
            recipient=person,
            event_key=event_key,
            defaults={
                "organisation": organisation,
                "kind": kind.value,
                "subject": subject[:300],
                "body": body,
                "link": link,
                "deadline_at": deadline_at,
            },
        )
        if created:
            made.append(notification)
    now_ids = [n.pk for n in made if email_choice(n.recipient, kind) == Email.IMMEDIATELY]
    if now_ids:
        from .tasks import send_notification_emails

        transaction.on_commit(lambda: send_notification_emails.enqueue(notification_ids=now_ids))
    _queue_webhooks(kind=kind, organisation=organisation, event_key=event_key, subject=subject, link=link, data=data)
    return made


def _queue_webhooks(*, kind, organisation, event_key, subject, link, data) -> None:
    subscriptions = [
        s for s in WebhookSubscription.objects.filter(organisation=organisation, is_active=True) if kind in s.kinds
    ]
    if not subscriptions:
        return
    event_id = uuid.uuid5(EVENT_NAMESPACE, event_key)
    payload = {
        "id": str(event_id),
        "type": kind.value,
        "created": timezone.now().isoformat(),
        "summary": subject,
        "link": link,
        "data": data or {},
    }
    queued = []
    for subscription in subscriptions:
        delivery, created = WebhookDelivery.objects.get_or_create(
            subscription=subscription, event_id=event_id, defaults={"kind": kind.value, "payload": payload}
        )
        if created:
            queued.append(delivery.pk)
    if queued:
        from .tasks import deliver_webhooks

        transaction.on_commit(lambda: deliver_webhooks.enqueue(delivery_ids=queued))


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
    for notification in Notification.objects.filter(
        emailed_at__isnull=True, recipient__is_active=True, created_at__lte=now
    ).select_related("recipient"):
        if email_choice(notification.recipient, Kind(notification.kind)) == Email.DAILY:
            waiting[notification.recipient].append(notification)
    for person, items in waiting.items():
        Notification.objects.filter(pk__in=[n.pk for n in items]).update(emailed_at=now)
        lines = "\n".join(f"- {n.subject}\n  {_absolute(n.link)}" for n in reversed(items))
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


@transaction.atomic
def notification_read(*, notification: Notification, now: datetime | None = None) -> Notification:
    if notification.read_at is None:
        notification.read_at = now or timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


@transaction.atomic
def notifications_read_all(*, user: User, now: datetime | None = None) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).update(read_at=now or timezone.now())


@transaction.atomic
def email_preferences_set(*, user: User, choices: dict[str, str]) -> list[EmailPreference]:
    """Set the person's email choice for each kind given; unknown kinds or choices are refused, nothing saved."""
    errors = {}
    side = user.organisation is not None and user.organisation.is_provider
    mine = {k.value for k in rules.KINDS if (k in rules.PROVIDER_EVENTS) == side}
    for kind, choice in choices.items():
        if kind not in mine:
            errors[kind] = "There is no such kind of notification for your organisation"
        elif choice not in {e.value for e in Email}:
            errors[kind] = "Choose straight away, a daily summary, or no email"
    if errors:
        raise ServiceError(errors)
    saved = []
    for kind, choice in choices.items():
        preference, _ = EmailPreference.objects.update_or_create(user=user, kind=kind, defaults={"email": choice})
        saved.append(preference)
    return saved


# -- webhooks ------------------------------------------------------------------------------------------------


def _address_refused(url: str) -> str | None:
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


@transaction.atomic
def webhook_subscribe(
    *, organisation: Organisation, actor, url: str, kinds: list[str], description: str = ""
) -> WebhookSubscription:
    """A subscription with a new secret; the caller shows the secret once."""
    url = (url or "").strip()
    errors = {}
    refused = _address_refused(url) if url else "Give the address of your system's endpoint"
    if refused:
        errors["url"] = refused
    allowed = {k.value for k in rules.PROVIDER_EVENTS} if organisation.is_provider else {k.value for k in rules.KINDS}
    chosen = sorted(set(kinds or []))
    if not chosen:
        errors["kinds"] = "Choose at least one kind of event"
    elif set(chosen) - allowed:
        errors["kinds"] = f"Your organisation cannot subscribe to: {', '.join(sorted(set(chosen) - allowed))}"
    if errors:
        raise ServiceError(errors)
    subscription = WebhookSubscription.objects.create(
        organisation=organisation,
        url=url,
        kinds=chosen,
        secret=secrets.token_hex(32),
        description=(description or "").strip()[:200],
        created_by=describe_actor(actor)[0],
    )
    audit_record(
        actor=actor,
        organisation=organisation,
        action="webhook.subscribed",
        target=subscription,
        after={"url": url, "kinds": chosen},
    )
    return subscription


@transaction.atomic
def webhook_deactivate(*, subscription: WebhookSubscription, actor) -> WebhookSubscription:
    if subscription.is_active:
        subscription.is_active = False
        subscription.save(update_fields=["is_active"])
        WebhookDelivery.objects.filter(subscription=subscription, status__in=["pending", "retrying"]).update(
            status="failed", last_error="the subscription was ended"
        )
        audit_record(
            actor=actor,
            organisation=subscription.organisation,
            action="webhook.ended",
            target=subscription,
            after={"url": subscription.url},
        )
    return subscription


LEASE = rules.RETRY_AFTER[0]


def webhook_attempt(*, delivery_id: int, now: datetime | None = None) -> str:
    """Try one delivery once, if it is due. It is claimed with a lease first, so two workers never send it at once;
    no transaction is held open while the receiver answers."""
    import requests

    now = now or timezone.now()
    claimed = WebhookDelivery.objects.filter(
        pk=delivery_id, status__in=["pending", "retrying"], next_attempt_at__lte=now, subscription__is_active=True
    ).update(next_attempt_at=now + LEASE)
    delivery = WebhookDelivery.objects.select_related("subscription").get(pk=delivery_id)
    if not claimed:
        return delivery.status
    subscription = delivery.subscription
    body = json.dumps(delivery.payload, sort_keys=True, separators=(",", ":")).encode()
    code, error = None, ""
    refused = _address_refused(subscription.url)
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
        delivery.status, delivery.delivered_at = "delivered", now
        WebhookSubscription.objects.filter(pk=subscription.pk).update(failing_since=None)
    else:
        wait = rules.retry_after(delivery.attempts)
        delivery.status = "retrying" if wait else "failed"
        delivery.next_attempt_at = now + wait if wait else now
        WebhookSubscription.objects.filter(pk=subscription.pk, failing_since__isnull=True).update(failing_since=now)
    delivery.save(
        update_fields=["attempts", "last_status_code", "last_error", "status", "delivered_at", "next_attempt_at"]
    )
    return delivery.status


def webhooks_retry_due(*, now: datetime | None = None) -> int:
    now = now or timezone.now()
    due = WebhookDelivery.objects.filter(
        Q(status="pending") | Q(status="retrying"), next_attempt_at__lte=now, subscription__is_active=True
    ).values_list("pk", flat=True)[:500]
    for pk in list(due):
        webhook_attempt(delivery_id=pk, now=now)
    return len(due)
