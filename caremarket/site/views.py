"""The pages that bring every app together: the home page of each role, a to-do list of what waits for them."""

from __future__ import annotations

from django.shortcuts import render

from caremarket.arrangements.presenters import commissioner_to_do
from caremarket.brokerage.presenters import broker_to_do, provider_to_do, team_leader_to_do
from caremarket.core.permissions import has_permission, organisation_required
from caremarket.core.selectors import audit_event_list
from caremarket.domain.roles import Permission, Role
from caremarket.finance.presenters import finance_to_do, provider_money_to_do
from caremarket.reference.selectors import reference_summary


def _provider(user, organisation):
    return provider_to_do(provider=organisation) + provider_money_to_do(provider=organisation)


# What each role's home page lists as waiting for them; each item links where it is done.
TO_DO = {
    Role.BROKER: lambda user, organisation: broker_to_do(council=organisation),
    Role.TEAM_LEADER: lambda user, organisation: team_leader_to_do(council=organisation),
    Role.FINANCE_OFFICER: lambda user, organisation: finance_to_do(user=user, council=organisation),
    Role.COMMISSIONER: lambda user, organisation: commissioner_to_do(council=organisation),
    Role.PROVIDER_ADMIN: _provider,
    Role.PROVIDER_STAFF: _provider,
}


@organisation_required
def home(request):
    organisation = request.user.organisation
    roles = sorted(request.user.roles)
    to_do, shown = {}, set()
    for role in roles:
        make = TO_DO.get(role)
        if make is not None and make not in shown:  # a provider admin who is also staff sees the list once
            shown.add(make)
            to_do[role] = make(request.user, organisation)
    context = {"organisation": organisation, "roles": roles, "to_do": to_do}
    if organisation.is_council and has_permission(request.user, Permission.REFERENCE_MANAGE):
        context["summary"] = reference_summary(council=organisation)
    if has_permission(request.user, Permission.AUDIT_READ):
        context["recent_events"] = audit_event_list(organisation=organisation)[:5]
    return render(request, "site/home.html", context)
