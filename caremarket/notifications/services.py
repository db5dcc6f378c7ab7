"""Telling people: `notify` records an event for the people asked to act, emails those who want it now (the
worker sends), and queues a signed webhook for each of the organisation's subscriptions to that kind. Every step is
keyed by the event, so nothing is told or sent twice."""

from __future__ import annotations

import secrets
import threading
import uuid
from contextlib import contextmanager
from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from caremarket.accounts.models import Organisation, User
from caremarket.core.audit import audit_record, describe_actor
from caremarket.core.errors import ServiceError
from caremarket.domain import notifications as rules
from caremarket.domain.lifecycles import WEBHOOK_DELIVERY
from caremarket.domain.notifications import Email, Kind
from caremarket.domain.roles import GRANTS

from . import selectors, sending
from .models import EmailPreference, Notification, WebhookDelivery, WebhookSubscription
from .tasks import deliver_webhooks, send_notification_emails

EVENT_NAMESPACE = uuid.UUID("7b0e53a4-4a43-4a7e-9f55-2f1f4d0c2a61")


def people_asked(organisation: Organisation, kind: Kind):
    """The organisation's active people whose roles let them do what this kind of event asks."""
    roles = [r.value for r in GRANTS[rules.KINDS[kind].asks]]
    return User.objects.filter(organisation=organisation, is_active=True, role_grants__role__in=roles).distinct()


_quiet = threading.local()


@contextmanager
def history():
    """Events recorded as history (the demo's past year, an import): the notifications are kept, read, and nothing
    is emailed or sent to webhooks, because nobody is asked to act on the past."""
    _quiet.on = True
    try:
        yield
    finally:
        _quiet.on = False


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
    skip = {getattr(u, "pk", u) for u in exclude if u is not None}
    people = [
        p
        for p in (recipients if recipients is not None else people_asked(organisation, kind))
        if p.pk not in skip and p.organisation_id == organisation.pk and p.is_active
    ]
    told = set(
        Notification.objects.filter(event_key=event_key, recipient__in=people).values_list("recipient_id", flat=True)
    )
    quiet = getattr(_quiet, "on", False)
    now = timezone.now()
    fresh = [
        Notification(
            organisation=organisation,
            recipient=person,
            kind=kind.value,
            subject=subject[:300],
            body=body,
            link=link,
            deadline_at=deadline_at,
            event_key=event_key,
            created_at=now,
            read_at=now if quiet else None,
            emailed_at=now if quiet else None,
        )
        for person in people
        if person.pk not in told
    ]
    try:
        with transaction.atomic():  # a savepoint: a notification never undoes the event it tells of
            made = Notification.objects.bulk_create(fresh)
    except IntegrityError:  # told at the same moment by another worker: keep only what is new
        made = []
        for notification in fresh:
            try:
                with transaction.atomic():
                    notification.save()
            except IntegrityError:
                continue
            made.append(notification)
    if quiet or not made:
        return made
    chosen = selectors.email_choices(users=[n.recipient for n in made], kind=kind)
    now_ids = [n.pk for n in made if chosen[n.recipient_id] == Email.IMMEDIATELY]
    if now_ids:
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
        transaction.on_commit(lambda: deliver_webhooks.enqueue(delivery_ids=queued))


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
    mine = set(selectors.kinds_for(user.organisation))
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
    audit_record(
        actor=user, organisation=user.organisation, action="email_preferences.changed", target=user, after=choices
    )
    return saved


# -- webhooks ------------------------------------------------------------------------------------------------


@transaction.atomic
def webhook_subscribe(
    *, organisation: Organisation, actor, url: str, kinds: list[str], description: str = ""
) -> WebhookSubscription:
    """A subscription with a new secret; the caller shows the secret once."""
    url = (url or "").strip()
    errors = {}
    refused = sending.address_refused(url) if url else "Give the address of your system's endpoint"
    if refused:
        errors["url"] = refused
    allowed = set(selectors.kinds_for(organisation))
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
        WebhookDelivery.objects.filter(subscription=subscription, status__in=WEBHOOK_DELIVERY.group("due")).update(
            status=WEBHOOK_DELIVERY.state("failed"), last_error="the subscription was ended"
        )
        audit_record(
            actor=actor,
            organisation=subscription.organisation,
            action="webhook.ended",
            target=subscription,
            after={"url": subscription.url},
        )
    return subscription
