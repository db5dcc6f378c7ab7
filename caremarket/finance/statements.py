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
    """Gross cost, contribution and net cost per person (seed 002). Read as plain values in one pass over the run's
    lines, people and their assessments once each: no query per person, however large the run."""
    from caremarket.brokerage.models import Person, Placement

    routes = dict(Placement._meta.get_field("funding_route").choices)
    totals: dict[int, dict] = {}
    gross_funded = set(run.lines.filter(placement__funding_route="gross").values_list("person_id", flat=True))
    for person_id, kind, amount, route in (
        run.lines.filter(flagged=False, person__isnull=False)
        .order_by("pk")
        .values_list("person_id", "kind", "amount", "placement__funding_route")
    ):
        row = totals.setdefault(person_id, {"gross": ZERO, "contribution": ZERO, "route": ""})
        row["route"] = routes.get(route, "") if route else ""
        if kind == "contribution":
            row["contribution"] -= amount
        else:
            row["gross"] += amount
    # gross placements: the council pays in full and bills the person's assessed contribution
    billed = [pid for pid, row in totals.items() if row["contribution"] == 0 and pid in gross_funded]
    assessments: dict[int, list] = defaultdict(list)
    for assessment in ContributionAssessment.objects.filter(person_id__in=billed):
        assessments[assessment.person_id].append(assessment)
    people = Person.objects.in_bulk(list(totals))
    for person_id, row in totals.items():
        if person_id in billed:
            row["contribution"] = _billed_contribution(run, assessments[person_id])
        row["person"] = people[person_id]
        row["net"] = row["gross"] - row["contribution"]
    return sorted(totals.values(), key=lambda r: (str(r["person"]), r["person"].pk))


def _billed_contribution(run: PaymentRun, assessments: list) -> Decimal:
    total = ZERO
    for day in pricing.days(run.period_start, run.period_end):
        found = in_force(assessments, day)
        if found:
            total += pricing.day_share(found.weekly_amount, day)
    return total
