"""The calculation engine of a payment run: what a period owes each provider, line by line.

It prices every placement of the council for the period from the rates in force on each day, adds adjustment
lines for earlier lines whose rates changed since they were paid (never rewriting them), applies holds, and brings
in earlier held lines once released. It reads and returns lines; the run's lifecycle (runs.py) stores them.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Q

from caremarket.accounts.models import Organisation
from caremarket.brokerage.models import Placement
from caremarket.domain import pricing
from caremarket.domain import rates as seed_rates
from caremarket.domain.dated import in_force
from caremarket.domain.lifecycles import PAYMENT_RUN

from . import selectors as rate_rules
from .delivery import kind_for
from .models import (
    BankHoliday,
    ContributionAssessment,
    DeliveryRecord,
    Hold,
    HoursBlock,
    PaymentLine,
    PaymentRules,
    PaymentRun,
    Rate,
)

ZERO = Decimal("0.00")


class _Context:
    """Everything a calculation reads, loaded once."""

    def __init__(self, council: Organisation, start: date, end: date) -> None:
        self.council = council
        self.rates_by_arrangement: dict[int, list[Rate]] = defaultdict(list)
        for rate in Rate.objects.filter(council=council):
            self.rates_by_arrangement[rate.arrangement_id].append(rate)
        self.rules_by_arrangement: dict[int, list[PaymentRules]] = defaultdict(list)
        for rules in PaymentRules.objects.filter(council=council):
            self.rules_by_arrangement[rules.arrangement_id].append(rules)
        self.bank_holidays = frozenset(BankHoliday.objects.values_list("day", flat=True))
        self.holds_provider = set(
            Hold.objects.filter(council=council, released_at__isnull=True, provider__isnull=False).values_list(
                "provider_id", flat=True
            )
        )
        self.holds_placement = set(
            Hold.objects.filter(council=council, released_at__isnull=True, placement__isnull=False).values_list(
                "placement_id", flat=True
            )
        )
        self.contributions: dict[int, list[ContributionAssessment]] = defaultdict(list)
        for c in ContributionAssessment.objects.filter(council=council):
            self.contributions[c.person_id].append(c)
        from django.db.models import Count

        self.placements_by_admission = dict(
            Placement.objects.in_group("live")
            .filter(council=council, admission__isnull=False)
            .values_list("admission")
            .annotate(n=Count("id"))
        )
        self.blocks = list(
            HoursBlock.objects.filter(council=council, starts_on__lte=end).filter(
                Q(ends_on__isnull=True) | Q(ends_on__gte=start)
            )
        )

    def rates(self, arrangement_id: int) -> list[Rate]:
        return self.rates_by_arrangement.get(arrangement_id, [])

    def rules(self, placement: Placement, day: date) -> pricing.Rules:
        arrangement_id = placement.admission.arrangement_id if placement.admission_id else None
        row = in_force(self.rules_by_arrangement.get(arrangement_id, []), day) if arrangement_id else None
        if row is None:
            return pricing.Rules(bank_holidays=self.bank_holidays)
        return pricing.Rules(
            pay_on=row.pay_on,
            minimum_minutes=row.minimum_minutes,
            weekend_percent=row.weekend_percent,
            bank_holiday_percent=row.bank_holiday_percent,
            bank_holidays=self.bank_holidays,
        )

    def placements_count(self, admission) -> int:
        return self.placements_by_admission.get(admission.pk, 0)

    def held(self, placement: Placement) -> bool:
        return placement.provider_id in self.holds_provider or placement.pk in self.holds_placement


def _placements(council: Organisation, start: date, end: date, ids=None):
    qs = (
        Placement.objects.for_organisation(council)
        .filter(start_on__lte=end)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=start))
        .exclude(funding_route="direct-payment")
        .exclude(route="in-house")  # the council's own service is paid from its own budget, not by payment runs
        .select_related("admission", "request", "provider", "person")
        .prefetch_related("terms", "hospital_stays")
    )
    if ids is not None:
        qs = qs.filter(pk__in=ids)
    return qs


def _deliveries(placements: list[Placement], start: date, end: date) -> dict[int, list[DeliveryRecord]]:
    found: dict[int, list[DeliveryRecord]] = defaultdict(list)
    ids = [p.pk for p in placements]
    for n in range(0, len(ids), 900):
        for record in DeliveryRecord.objects.filter(
            placement_id__in=ids[n : n + 900], day__gte=pricing.week_start(start), day__lte=end
        ).only("placement_id", "day", "start", "minutes", "carers", "kind"):
            found[record.placement_id].append(record)
    return found


def _price(placement: Placement, start: date, end: date, context: _Context, records, covered: set[str]):
    """The lines of one placement for a period, by the rules of its arrangement."""
    end = min(end, placement.ended_on or end)
    start = max(start, placement.start_on)
    if end < start:
        return pricing.Priced()
    ref = f"p{placement.pk}"
    choice = rate_rules.care_rates(placement, context.rates, context.placements_count)
    terms = [
        pricing.Terms(t.starts_on, t.ends_on, t.hours_per_week, t.days_per_week, placement.weekly_placement)
        for t in placement.terms.all()
    ]
    stays = [pricing.Stay(s.admitted_on, s.discharged_on, s.unplanned) for s in placement.hospital_stays.all()]
    rules = context.rules(placement, start)
    kind = kind_for(placement)
    if kind == "visit":
        visits = [pricing.Visit(r.day, r.minutes, r.carers, f"{r.day.isoformat()}T{r.start}") for r in records]
        return pricing.price_hourly(
            ref=ref,
            start=start,
            end=end,
            rates=choice.rates,
            terms=terms,
            visits=visits,
            stays=stays,
            rules=rules,
            covered_by_block=covered,
        )
    if kind == "attendance":
        planned = []
        for day in pricing.days(start, end):
            t = in_force(terms, day)
            if t and t.days_per_week and day.weekday() < min(t.days_per_week, 7):
                planned.append(day)
        transport = seed_rates.transport_applies(
            needs_transport=placement.request.needs_transport,
            provider_offers_transport=bool(placement.admission and placement.admission.offers_transport),
        )
        return pricing.price_daily(
            ref=ref,
            start=start,
            end=end,
            rates=choice.rates,
            attendances=[r.day for r in records],
            planned_days=planned,
            stays=stays,
            rules=rules,
            transport_rates=rate_rules.transport_rates(placement, context.rates),
            transport=transport,
        )
    return pricing.price_weekly(ref=ref, start=start, end=end, rates=choice.rates, terms=terms, stays=stays)


def _line(
    run,
    placement,
    line: pricing.Line,
    *,
    held: bool,
    kind: str | None = None,
    key: str | None = None,
    description: str | None = None,
    amount: Decimal | None = None,
    adjusts=None,
) -> PaymentLine:
    return PaymentLine(
        run=run,
        provider_id=placement.provider_id,
        placement=placement,
        person_id=placement.person_id,
        key=key or line.key,
        kind=kind or line.kind,
        day=line.day,
        quantity=line.quantity.quantize(Decimal("0.0001")),
        unit=line.unit,
        rate=line.rate,
        amount=line.amount if amount is None else amount,
        rate_ref=str(line.rate_id or "")[:60],
        description=(description or line.description)[:300],
        flagged=line.flagged,
        held=held,
        adjusts=adjusts,
    )


def _last_approval(council: Organisation, run: PaymentRun):
    return (
        PaymentRun.objects.in_group("committed")
        .filter(council=council)
        .exclude(pk=run.pk)
        .order_by("-approved_at")
        .values_list("approved_at", flat=True)
        .first()
    )


def _adjustments(run: PaymentRun, context: _Context) -> tuple[list[PaymentLine], list[str]]:
    """Lines already paid whose rates changed since the last approved run: the difference, as new lines."""
    since = _last_approval(run.council, run)
    if since is None:
        return [], []
    changed = list(Rate.objects.filter(council=run.council, created_at__gt=since, starts_on__lt=run.period_start))
    if not changed:
        return [], []
    first = min(r.starts_on for r in changed)
    last = run.period_start - timedelta(days=1)
    paid = PaymentLine.objects.filter(run__council=run.council, committed=True, day__gte=first, day__lte=last).exclude(
        kind="adjustment", adjusts__isnull=False
    )
    by_key = {line.key: line for line in paid}
    already = defaultdict(lambda: ZERO)
    for key, amount in PaymentLine.objects.filter(
        run__council=run.council, committed=True, day__gte=first, day__lte=last
    ).values_list("key", "amount"):
        base = key.split(":adj:")[0]
        already[base] += amount
    placement_ids = set(paid.values_list("placement_id", flat=True))
    placements = list(_placements(run.council, first, last, ids=placement_ids))
    records = _deliveries(placements, first, last)
    made, problems = [], []
    for placement in placements:
        priced = _price(placement, first, last, context, records.get(placement.pk, []), set())
        problems += priced.problems
        held = context.held(placement)
        for line in priced.lines:
            if line.flagged:
                continue
            original = by_key.get(line.key)
            if original is None:
                # due now and never paid (a rate that did not exist then): paid now, under its own key
                made.append(
                    _line(
                        run, placement, line, held=held, kind="adjustment", description=f"backdated: {line.description}"
                    )
                )
                continue
            difference = pricing.adjustment(key=line.key, paid=already[line.key], now_due=line.amount)
            if difference:
                made.append(
                    _line(
                        run,
                        placement,
                        line,
                        held=held,
                        kind="adjustment",
                        key=f"{line.key}:adj:{run.pk}",
                        amount=difference,
                        adjusts=original,
                        description=f"rate changed: was £{already[line.key]}, now £{line.amount} ({line.description})",
                    )
                )
    return made, problems


def _released(run: PaymentRun, context: _Context, keys_in_run: set[str]) -> list[PaymentLine]:
    """Lines held in an earlier run, no longer held and not yet paid: paid in this one."""
    committed = PaymentLine.objects.filter(run__council=run.council, committed=True)
    found = []
    earlier = (
        PaymentLine.objects.filter(run__council=run.council, run__status__in=PAYMENT_RUN.group("committed"), held=True)
        .exclude(run=run)
        .exclude(key__in=committed.values("key"))
        .select_related("placement")
        .order_by("run_id")
    )
    for line in earlier:
        if line.key in keys_in_run or (line.placement and context.held(line.placement)):
            continue
        keys_in_run.add(line.key)
        line.pk, line.run, line.held, line.committed = None, run, False, False
        line.description = f"released from hold: {line.description}"[:300]
        found.append(line)
    return found


def _contributions(run: PaymentRun, placement: Placement, context: _Context, held: bool) -> list[PaymentLine]:
    """Net placements: the provider collects the person's assessed contribution, so it comes off the payment."""
    if placement.funding_route != "net":
        return []
    lines = []
    start = max(run.period_start, placement.start_on)
    end = min(run.period_end, placement.ended_on or run.period_end)
    for day in pricing.days(start, end):
        assessment = in_force(context.contributions.get(placement.person_id, []), day)
        if assessment is None or not assessment.weekly_amount:
            continue
        line = pricing.Line(
            f"p{placement.pk}:contribution:{day.isoformat()}",
            "contribution",
            day,
            Decimal(1) / 7,
            "week",
            assessment.weekly_amount,
            -pricing.day_share(assessment.weekly_amount, day),
            f"c{assessment.pk}",
            "contribution collected by the provider",
        )
        lines.append(_line(run, placement, line, held=held))
    return lines


def _block_lines(run: PaymentRun, context: _Context) -> tuple[list[PaymentLine], set[tuple[int, int]]]:
    lines, covered = [], set()
    for block in context.blocks:
        start, end = max(run.period_start, block.starts_on), min(run.period_end, block.ends_on or run.period_end)
        rate = pricing.Rate(f"block{block.pk}", block.amount_per_hour, "hour", block.starts_on, block.ends_on)
        priced = pricing.price_block(
            ref=f"b{block.pk}", start=start, end=end, hours_per_week=block.hours_per_week, rates=[rate]
        )
        held = block.provider_id in context.holds_provider
        for line in priced.lines:
            lines.append(
                PaymentLine(
                    run=run,
                    provider_id=block.provider_id,
                    key=line.key,
                    kind="block",
                    day=line.day,
                    quantity=line.quantity.quantize(Decimal("0.0001")),
                    unit="hour",
                    rate=line.rate,
                    amount=line.amount,
                    rate_ref=str(line.rate_id),
                    description=line.description,
                    held=held,
                )
            )
        covered.add((block.provider_id, block.area_id))
    return lines, covered


@dataclass
class Calculation:
    lines: list[PaymentLine] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def calculate(run: PaymentRun, progress=None) -> Calculation:
    """Every line the run's period owes: placements priced day by day, blocks, contributions, adjustments for rates
    changed since earlier lines were paid, and held lines now released. Lines already committed are left out, so
    a line is never paid twice. Writes nothing."""
    context = _Context(run.council, run.period_start, run.period_end)
    committed = set(
        PaymentLine.objects.filter(
            run__council=run.council, committed=True, day__gte=run.period_start, day__lte=run.period_end
        ).values_list("key", flat=True)
    )
    placements = list(_placements(run.council, run.period_start, run.period_end))
    records = _deliveries(placements, run.period_start, run.period_end)
    block_lines, blocks = _block_lines(run, context)
    lines: list[PaymentLine] = [b for b in block_lines if b.key not in committed]
    problems: list[str] = []
    for number, placement in enumerate(placements):
        if progress is not None and number % 25 == 0:
            progress(number, len(placements))
        mine = records.get(placement.pk, [])
        covered = (
            {f"{r.day.isoformat()}T{r.start}" for r in mine}
            if (placement.provider_id, placement.area_id) in blocks
            else set()
        )
        priced = _price(placement, run.period_start, run.period_end, context, mine, covered)
        problems += priced.problems
        held = context.held(placement)
        lines += [_line(run, placement, line, held=held) for line in priced.lines if line.key not in committed]
        lines += [c for c in _contributions(run, placement, context, held) if c.key not in committed]
    adjustments, adjustment_problems = _adjustments(run, context)
    lines += adjustments
    problems += adjustment_problems
    lines += _released(run, context, {line.key for line in lines})
    if progress is not None:
        progress(len(placements), len(placements))
    return Calculation(lines=lines, problems=problems)
