"""A person's notifications and email choices; an organisation admin's webhook subscriptions and their log."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from caremarket.core.govuk import FAILED, bound, submit
from caremarket.core.pages import paginate
from caremarket.core.permissions import organisation_required, permission_required
from caremarket.domain.roles import Permission

from . import forms, selectors, services


@organisation_required
def notification_list(request):
    unread_only = request.GET.get("show") == "unread"
    page, query = paginate(request, selectors.notification_list(user=request.user, unread_only=unread_only))
    return render(
        request,
        "notifications/list.html",
        {"page": page, "query": query, "unread_only": unread_only, "unread": selectors.unread_count(user=request.user)},
    )


@organisation_required
def notification_open(request, pk: int):
    """Opening a notification marks it read and goes where the work is done."""
    notification = selectors.notification_get(user=request.user, pk=pk)
    services.notification_read(notification=notification)
    link = notification.link if url_has_allowed_host_and_scheme(notification.link, allowed_hosts=None) else "/"
    return redirect(link)


@require_POST
@organisation_required
def notifications_read_all(request):
    done = services.notifications_read_all(user=request.user)
    messages.success(request, f"{done} marked as read")
    return redirect("notifications:list")


@organisation_required
def email_settings(request):
    preferences = selectors.email_preferences(user=request.user)
    form = forms.EmailPreferencesForm(bound(request), preferences=preferences)
    done = submit(request, form, lambda data: services.email_preferences_set(user=request.user, choices=data))
    if done is not FAILED:
        messages.success(request, "Your email choices are saved")
        return redirect("notifications:list")
    return render(request, "notifications/settings.html", {"form": form})


@permission_required(Permission.TOKENS_MANAGE)
def webhook_list(request):
    organisation = request.user.organisation
    form = forms.WebhookForm(bound(request), kinds=selectors.kinds_for(organisation))
    made = submit(
        request,
        form,
        lambda data: services.webhook_subscribe(organisation=organisation, actor=request.user, **data),
    )
    if made is not FAILED:
        # the secret is shown on this response only
        return render(request, "notifications/webhook_created.html", {"subscription": made})
    return render(
        request,
        "notifications/webhooks.html",
        {"form": form, "subscriptions": selectors.subscription_list(organisation=organisation)},
    )


@permission_required(Permission.TOKENS_MANAGE)
def webhook_detail(request, pk: int):
    subscription = selectors.subscription_get(organisation=request.user.organisation, pk=pk)
    form = forms.WebhookEndForm(bound(request))
    done = submit(
        request, form, lambda data: services.webhook_deactivate(subscription=subscription, actor=request.user)
    )
    if done is not FAILED:
        messages.success(request, f"No more events will be sent to {subscription.url}")
        return redirect("notifications:webhooks")
    page, query = paginate(request, selectors.delivery_list(subscription=subscription))
    return render(
        request,
        "notifications/webhook.html",
        {"subscription": subscription, "form": form, "page": page, "query": query},
    )
