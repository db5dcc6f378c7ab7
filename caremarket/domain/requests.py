"""Rules for care requests, by name."""

from __future__ import annotations

# Seed 004: where a child or young person is assessed as eligible for community support, the case manager seeks
# the approval of the Team Leader (Children With Disabilities) before approaching a provider.
CHILD_AGE = 18


def needs_team_leader_approval(age_at_start: int) -> bool:
    """A request for a child (under 18 on the day care starts) waits for a team leader before any provider."""
    return age_at_start < CHILD_AGE


def first_status(age_at_start: int) -> str:
    """Where every new request starts, a replacement after a provider failure as much as any other."""
    return "awaiting-approval" if needs_team_leader_approval(age_at_start) else "sourcing"
