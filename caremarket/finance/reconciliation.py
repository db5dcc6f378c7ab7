"""Reads a finance officer reconciles a run with before approving it: the control totals, the change from the
previous run per provider and in total, and whether every line can be booked to the council's ledger (a supplier
code for each provider, a cost centre for each service). Sums in Python: SQLite sums decimals as floats."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from .calculation import ZERO
from .models import CostCentre, PaymentRun, SupplierCode


@dataclass
class Controls:
    """What a run pays for, counted: compared line by line with the previous run and with the providers' invoices."""

    total: Decimal = ZERO
    lines: int = 0
    providers: int = 0
    people: int = 0
    visits: int = 0
    hours: Decimal = ZERO
    days: Decimal = ZERO
    weeks: Decimal = ZERO
    held_total: Decimal = ZERO
    held_lines: int = 0
    flagged_total: Decimal = ZERO
    flagged_lines: int = 0
    flagged_hours: Decimal = ZERO


CARE_KINDS = frozenset({"care", "hospital"})


def previous_run(run: PaymentRun) -> PaymentRun | None:
    """The council's last approved or paid run for an earlier period: what this one is compared with."""
    return (
        PaymentRun.objects.for_organisation(run.council)
        .in_group("committed")
        .filter(period_end__lt=run.period_start)
        .exclude(pk=run.pk)
        .order_by("-period_end", "-id")
        .first()
    )


TALLIED = ("provider_id", "person_id", "kind", "key", "unit", "quantity", "amount", "held", "flagged")


def controls(run: PaymentRun | None) -> Controls:
    """The run's control totals, read straight from its lines."""
    return tally(run.lines.values_list(*TALLIED)) if run is not None else Controls()


def controls_of(lines) -> Controls:
    """The same counts for lines already read (a remittance's)."""
    return tally(tuple(getattr(line, name) for name in TALLIED) for line in lines)


QUANTITY_OF_UNIT = {"hour": "hours", "day": "days", "week": "weeks"}


def add_quantity(counts, unit: str, quantity: Decimal) -> None:
    """Add a line's quantity to the hours, days or weeks it counts in (other units count in none)."""
    name = QUANTITY_OF_UNIT.get(unit)
    if name is not None:
        setattr(counts, name, getattr(counts, name) + quantity)


def tally(rows) -> Controls:
    """Counts of lines given as TALLIED tuples: one rule for what a visit, an hour of care or a person is."""
    found = Controls()
    providers, people = set(), set()
    for provider_id, person_id, kind, key, unit, quantity, amount, held, flagged in rows:
        if flagged:
            found.flagged_lines += 1
            found.flagged_total += amount
            found.flagged_hours += quantity if unit == "hour" else ZERO
            continue
        if held:
            found.held_lines += 1
            found.held_total += amount
            continue
        found.lines += 1
        found.total += amount
        providers.add(provider_id)
        if person_id:
            people.add(person_id)
        if kind == "care" and ":visit:" in key:
            found.visits += 1
        if kind not in CARE_KINDS:
            continue  # blocks, add-ons, contributions and adjustments are money, not care delivered
        add_quantity(found, unit, quantity)
    found.providers, found.people = len(providers), len(people)
    return found


def _provider_totals(run: PaymentRun | None) -> dict[int, tuple[str, Decimal]]:
    totals: dict[int, list] = {}
    if run is None:
        return {}
    for provider_id, name, amount in run.lines.filter(held=False, flagged=False).values_list(
        "provider_id", "provider__name", "amount"
    ):
        row = totals.setdefault(provider_id, [name, ZERO])
        row[1] += amount
    return {pk: (name, total) for pk, (name, total) in totals.items()}


def percent_change(before: Decimal, now: Decimal) -> Decimal | None:
    if not before:
        return None
    return ((now - before) / before * 100).quantize(Decimal("0.1"))


def variance(run: PaymentRun, previous: PaymentRun | None) -> list[dict]:
    """Each provider in either run: what this run pays it, what the previous paid, the change; largest first."""
    now, before = _provider_totals(run), _provider_totals(previous)
    rows = []
    for provider_id in now.keys() | before.keys():
        name = (now.get(provider_id) or before.get(provider_id))[0]
        this, last = now.get(provider_id, ("", ZERO))[1], before.get(provider_id, ("", ZERO))[1]
        rows.append(
            {
                "provider_id": provider_id,
                "provider": name,
                "now": this,
                "before": last,
                "change": this - last,
                "percent": percent_change(last, this),
                "new": provider_id not in before,
                "gone": provider_id not in now,
            }
        )
    return sorted(rows, key=lambda r: (-abs(r["change"]), r["provider"]))


@dataclass
class Ledger:
    """The council's codes as the payments file needs them, and what is missing."""

    suppliers: dict[int, str] = field(default_factory=dict)
    centres: dict[int | None, CostCentre] = field(default_factory=dict)

    def centre(self, service_type_id: int | None) -> CostCentre | None:
        return self.centres.get(service_type_id) or self.centres.get(None)


def ledger(council) -> Ledger:
    return Ledger(
        suppliers=dict(SupplierCode.objects.for_organisation(council).values_list("provider_id", "code")),
        centres={c.service_type_id: c for c in CostCentre.objects.for_organisation(council)},
    )


def booked(run: PaymentRun) -> list[dict]:
    """The payable total per provider and service, with the supplier code, cost centre and account to book it to."""
    codes = ledger(run.council)
    totals: dict[tuple, dict] = {}
    for provider_id, provider, service_id, service, amount in run.lines.filter(held=False, flagged=False).values_list(
        "provider_id", "provider__name", "placement__service_type_id", "placement__service_type__name", "amount"
    ):
        row = totals.setdefault(
            (provider, provider_id, service or "", service_id),
            {"provider_id": provider_id, "provider": provider, "service": service or "", "amount": ZERO, "lines": 0},
        )
        row["amount"] += amount
        row["lines"] += 1
    rows = []
    for (_, provider_id, _, service_id), row in sorted(totals.items(), key=lambda item: item[0][:3]):
        centre = codes.centre(service_id)
        row.update(
            supplier_code=codes.suppliers.get(provider_id, ""),
            cost_centre=centre.code if centre else "",
            account=centre.account if centre else "",
        )
        rows.append(row)
    return rows


def ledger_gaps(run: PaymentRun) -> list[str]:
    """What stops the payments file being loaded into the ledger: a provider without a supplier code, a service
    without a cost centre (and no default)."""
    gaps: dict[str, None] = {}
    for row in booked(run):
        if not row["supplier_code"]:
            gaps[f"{row['provider']} has no supplier code"] = None
        if not row["cost_centre"]:
            gaps[f"{row['service'] or 'Lines without a service'} have no cost centre"] = None
    return list(gaps)
