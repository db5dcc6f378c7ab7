from __future__ import annotations

from caremarket.core.tenancy import get_for_organisation_or_404
from caremarket.domain import notifications as rules
from caremarket.domain.notifications import Email, Kind

from .models import EmailPreference, Notification, WebhookDelivery, WebhookSubscription


def email_choices(*, users, kind: Kind) -> dict[int, Email]:
    """Each person's email choice for one kind, in one query: their own, or the kind's default."""
    chosen = dict(EmailPreference.objects.filter(user__in=users, kind=kind.value).values_list("user_id", "email"))
    return {u.pk: Email(chosen[u.pk]) if u.pk in chosen else rules.KINDS[kind].email for u in users}


def notification_list(*, user, unread_only: bool = False):
    found = Notification.objects.filter(recipient=user)
    return found.filter(read_at__isnull=True) if unread_only else found


def unread_count(*, user) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def notification_get(*, user, pk) -> Notification:
    from django.http import Http404

    found = Notification.objects.filter(recipient=user, pk=pk).first()
    if found is None:
        raise Http404("No such notification")
    return found


def email_preferences(*, user) -> list[dict]:
    """Every kind the person may be told of (their organisation's side only), with their choice or the default."""
    chosen = dict(EmailPreference.objects.filter(user=user).values_list("kind", "email"))
    return [
        {
            "kind": kind.value,
            "label": rules.KINDS[kind].label,
            "email": Email(chosen.get(kind, rules.KINDS[kind].email)),
        }
        for kind in kinds_for(user.organisation)
    ]


def subscription_list(*, organisation):
    return WebhookSubscription.objects.for_organisation(organisation)


def subscription_get(*, organisation, pk) -> WebhookSubscription:
    return get_for_organisation_or_404(WebhookSubscription.objects, organisation, pk=pk)


def delivery_list(*, subscription):
    return WebhookDelivery.objects.filter(subscription=subscription)


def kinds_for(organisation) -> list[Kind]:
    return rules.kinds_for(provider=organisation is not None and organisation.is_provider)
