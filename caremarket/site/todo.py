"""What waits for a person, by their roles: each app's to-do items, composed once for the home page and the API."""

from __future__ import annotations

from caremarket.arrangements.presenters import commissioner_to_do
from caremarket.brokerage.presenters import broker_to_do, provider_to_do, team_leader_to_do
from caremarket.directory import presenters as directory
from caremarket.domain.roles import Role
from caremarket.finance.presenters import finance_to_do, provider_money_to_do
from caremarket.quality.presenters import provider_quality_to_do, quality_to_do


def _provider(user, organisation):
    return (
        provider_to_do(provider=organisation)
        + provider_money_to_do(provider=organisation)
        + provider_quality_to_do(provider=organisation)
        + directory.provider_to_do(provider=organisation)
    )


# What each role's home page lists as waiting for them; each item links where it is done.
TO_DO = {
    Role.BROKER: lambda user, organisation: broker_to_do(council=organisation, user=user),
    Role.TEAM_LEADER: lambda user, organisation: team_leader_to_do(council=organisation),
    Role.FINANCE_OFFICER: lambda user, organisation: finance_to_do(user=user, council=organisation),
    Role.COMMISSIONER: lambda user, organisation: (
        commissioner_to_do(council=organisation) + directory.commissioner_to_do(council=organisation)
    ),
    Role.QUALITY_OFFICER: lambda user, organisation: quality_to_do(council=organisation, user=user),
    Role.PROVIDER_ADMIN: _provider,
    Role.PROVIDER_STAFF: _provider,
}


def to_do_for(user, roles) -> dict:
    """Each of the person's roles that has work, with its items; a role sharing another's list shows it once."""
    to_do, shown = {}, set()
    for role in sorted(roles):
        make = TO_DO.get(role)
        if make is not None and make not in shown:
            shown.add(make)
            to_do[role] = make(user, user.organisation)
    return to_do
