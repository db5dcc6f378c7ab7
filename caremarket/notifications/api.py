"""Notifications and webhooks by machine: a system reads and clears what its person is told, sets their email
choices, and an admin's token subscribes the organisation's systems to events."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from django.core.exceptions import PermissionDenied
from ninja import Router, Schema

from caremarket.accounts.api_auth import acting_person, require
from caremarket.domain.roles import Permission

from . import selectors, services

router = Router(tags=["notifications"])


class NotificationOut(Schema):
    id: int
    kind: str
    subject: str
    body: str
    link: str
    deadline_at: datetime | None
    created_at: datetime
    read_at: datetime | None


def _person(request):
    person = acting_person(request)
    if person.organisation_id != request.auth.organisation_id:
        raise PermissionDenied("This token acts for nobody in its organisation")
    return person


@router.get("/notifications", response=list[NotificationOut])
def notification_list(request, unread: bool = False, limit: int = 100):
    """What the token's person is told, newest first."""
    return list(selectors.notification_list(user=_person(request), unread_only=unread)[: max(1, min(limit, 500))])


@router.post("/notifications/{notification_id}/read", response=NotificationOut)
def notification_read(request, notification_id: int):
    return services.notification_read(
        notification=selectors.notification_get(user=_person(request), pk=notification_id)
    )


class ReadAllOut(Schema):
    marked_read: int


@router.post("/notifications/read-all", response=ReadAllOut)
def notifications_read_all(request):
    return {"marked_read": services.notifications_read_all(user=_person(request))}


class PreferenceOut(Schema):
    kind: str
    label: str
    email: str


class PreferencesIn(Schema):
    choices: dict[str, str]


@router.get("/notifications/email-preferences", response=list[PreferenceOut])
def email_preferences(request):
    return selectors.email_preferences(user=_person(request))


@router.put("/notifications/email-preferences", response=list[PreferenceOut])
def email_preferences_set(request, payload: PreferencesIn):
    person = _person(request)
    services.email_preferences_set(user=person, choices=payload.choices)
    return selectors.email_preferences(user=person)


class WebhookIn(Schema):
    url: str
    kinds: list[str]
    description: str = ""


class WebhookOut(Schema):
    id: int
    url: str
    kinds: list[str]
    description: str
    is_active: bool
    created_at: datetime
    failing_since: datetime | None


class WebhookCreatedOut(WebhookOut):
    secret: str


class WebhookDeliveryOut(Schema):
    event_id: UUID
    kind: str
    status: str
    attempts: int
    last_status_code: int | None
    last_error: str
    created_at: datetime
    delivered_at: datetime | None
    next_attempt_at: datetime
    payload: dict


@router.get("/webhooks", response=list[WebhookOut])
def webhook_list(request):
    require(request, Permission.TOKENS_MANAGE)
    return selectors.subscription_list(organisation=request.auth.organisation)


@router.post("/webhooks", response={201: WebhookCreatedOut})
def webhook_subscribe(request, payload: WebhookIn):
    """The secret is in this response only."""
    require(request, Permission.TOKENS_MANAGE)
    return 201, services.webhook_subscribe(organisation=request.auth.organisation, actor=request.auth, **payload.dict())


@router.get("/webhooks/{subscription_id}/deliveries", response=list[WebhookDeliveryOut])
def webhook_deliveries(request, subscription_id: int, limit: int = 100):
    require(request, Permission.TOKENS_MANAGE)
    subscription = selectors.subscription_get(organisation=request.auth.organisation, pk=subscription_id)
    return list(selectors.delivery_list(subscription=subscription)[: max(1, min(limit, 500))])


@router.post("/webhooks/{subscription_id}/deactivation", response=WebhookOut)
def webhook_deactivate(request, subscription_id: int):
    require(request, Permission.TOKENS_MANAGE)
    subscription = selectors.subscription_get(organisation=request.auth.organisation, pk=subscription_id)
    return services.webhook_deactivate(subscription=subscription, actor=request.auth)
