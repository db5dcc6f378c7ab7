"""The pages that bring every app together: the home page of each role, a to-do list of what waits for them."""

from __future__ import annotations

from django.shortcuts import render

from caremarket.core.permissions import has_permission, organisation_required
from caremarket.core.selectors import audit_event_list
from caremarket.domain.roles import Permission
from caremarket.reference.selectors import reference_summary

from .todo import to_do_for


@organisation_required
def home(request):
    organisation = request.user.organisation
    roles = sorted(request.user.roles)
    context = {"organisation": organisation, "roles": roles, "to_do": to_do_for(request.user, roles)}
    if organisation.is_council and has_permission(request.user, Permission.REFERENCE_MANAGE):
        context["summary"] = reference_summary(council=organisation)
    if has_permission(request.user, Permission.AUDIT_READ):
        context["recent_events"] = audit_event_list(organisation=organisation)[:5]
    return render(request, "site/home.html", context)
