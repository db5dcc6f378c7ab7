"""What a payment run says to each provider (its remittance) and about each person (gross, contribution, net)."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from caremarket.domain import pricing
from caremarket.domain.dated import in_force

from .calculation import ZERO
from .models import ContributionAssessment, PaymentRun


def remittances(run: PaymentRun) -> list[dict]:
    """One remittance per provider: its payable lines and total."""
    # Summed in Python: some databases (SQLite) sum decimals as floats.
    totals: dict[tuple[int, str], Decimal] = defaultdict(lambda: ZERO)
    for provider_id, name, amount in run.lines.filter(held=False, flagged=False).values_list(
        "provider_id", "provider__name", "amount"
    ):
        totals[(provider_id, name)] += amount
    return [
        {"provider_id": provider_id, "provider": name, "total": total}
        for (provider_id, name), total in sorted(totals.items(), key=lambda item: item[0][1])
    ]


def person_costs(run: PaymentRun) -> list[dict]:
    """Gross cost, contribution and net cost per person (seed 002)."""
    totals: dict[int, dict] = {}
    for line in run.lines.filter(flagged=False, person__isnull=False).select_related("person", "placement"):
        row = totals.setdefault(
            line.person_id, {"person": line.person, "gross": ZERO, "contribution": ZERO, "route": ""}
        )
        row["route"] = line.placement.get_funding_route_display() if line.placement else ""
        if line.kind == "contribution":
            row["contribution"] -= line.amount
        else:
            row["gross"] += line.amount
    for person_id, row in totals.items():
        if row["contribution"] == 0:
            # gross placements: the council pays in full and bills the person's assessed contribution
            placement_route = run.lines.filter(person_id=person_id).values_list("placement__funding_route", flat=True)
            if "gross" in placement_route:
                row["contribution"] = _billed_contribution(run, person_id)
        row["net"] = row["gross"] - row["contribution"]
    return sorted(totals.values(), key=lambda r: str(r["person"]))


def _billed_contribution(run: PaymentRun, person_id: int) -> Decimal:
    total = ZERO
    assessments = list(ContributionAssessment.objects.filter(person_id=person_id))
    for day in pricing.days(run.period_start, run.period_end):
        found = in_force(assessments, day)
        if found:
            total += pricing.day_share(found.weekly_amount, day)
    return total
