"""Rates: one dated model for every form in the seeds, uplifts that keep the previous rates, floors, and which
rate applies to a placement on a day and why."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from django.db.models import Q

from caremarket.accounts.models import Organisation
from caremarket.arrangements import selectors as arrangement_reads
from caremarket.arrangements.models import Arrangement
from caremarket.core.audit import audit_record, describe_actor
from caremarket.core.errors import ServiceError
from caremarket.domain import dated, pricing
from caremarket.domain import rates as seed_rates
from caremarket.domain.money import MoneyError, parse_money

from .models import CostOfCare, MinimumPrice, Rate

# Homecare Association minimum price for homecare in England, per hour (shared/data/README.md).
MINIMUM_PRICES = [
    (date(2023, 4, 1), date(2024, 3, 31), Decimal("25.95"), Decimal("10.42")),
    (date(2024, 4, 1), date(2025, 3, 31), Decimal("28.53"), Decimal("11.44")),
    (date(2025, 4, 1), None, Decimal("32.14"), Decimal("12.21")),
]


def minimum_prices_load() -> None:
    for starts_on, ends_on, amount, nlw in MINIMUM_PRICES:
        MinimumPrice.objects.get_or_create(
            starts_on=starts_on, defaults={"ends_on": ends_on, "amount": amount, "national_living_wage": nlw}
        )


def minimum_price_on(day: date) -> Decimal | None:
    found = MinimumPrice.objects.filter(starts_on__lte=day).filter(Q(ends_on__isnull=True) | Q(ends_on__gte=day))
    row = found.order_by("-starts_on").first()
    return row.amount if row else None


def cost_of_care_on(council: Organisation, day: date) -> Decimal | None:
    row = CostOfCare.objects.for_organisation(council).filter(starts_on__lte=day).order_by("-starts_on").first()
    return row.hourly_rate if row else None


def flags_for(council: Organisation, amount: Decimal, unit: str, day: date) -> list[str]:
    """Floors apply to hourly home care rates: the council's cost of care and the Homecare Association price."""
    if unit != "hour":
        return []
    return pricing.floor_flags(amount, cost_of_care=cost_of_care_on(council, day), minimum_price=minimum_price_on(day))


@transaction.atomic
def rate_create(
    *,
    council: Organisation,
    actor,
    arrangement: Arrangement,
    kind: str,
    unit: str,
    amount,
    starts_on: date | None,
    ends_on: date | None = None,
    service_type=None,
    need_level=None,
    area=None,
    provider=None,
    scheme_places_min: int | None = None,
    scheme_places_max: int | None = None,
    placements_min: int | None = None,
    placements_max: int | None = None,
    add_on: str = "",
    reason: str = "",
    supersedes: Rate | None = None,
) -> Rate:
    if arrangement.council_id != council.pk:
        raise ServiceError({"arrangement": "No such arrangement in your council"}, status=404)
    if starts_on is None:
        raise ServiceError({"starts_on": "Enter the date the rate takes effect from"})
    try:
        amount = parse_money(amount)
        pricing.check_rate_amount(amount)
    except (MoneyError, pricing.PricingError) as exc:
        raise ServiceError({"amount": str(exc)}) from exc
    if kind == "add-on" and not add_on:
        raise ServiceError({"add_on": "Name the add-on, for example transport"})
    if kind == "provider-area" and (provider is None or area is None):
        raise ServiceError({"provider": "A provider's rate needs the provider and the area"})
    rate = Rate(
        council=council,
        kind=kind,
        arrangement=arrangement,
        service_type=service_type,
        need_level=need_level,
        area=area,
        provider=provider,
        scheme_places_min=scheme_places_min,
        scheme_places_max=scheme_places_max,
        placements_min=placements_min,
        placements_max=placements_max,
        add_on=add_on,
        unit=unit,
        amount=amount,
        starts_on=starts_on,
        ends_on=ends_on,
        reason=(reason or "").strip(),
        supersedes=supersedes,
        created_by=describe_actor(actor)[0],
    )
    try:
        dated.check_no_overlap(rate, list(Rate.objects.same_key_as(rate).select_for_update()))
    except dated.DatedError as exc:
        raise ServiceError({"starts_on": str(exc)}, status=409) from exc
    rate.floor_flags = "; ".join(flags_for(council, amount, unit, starts_on))
    rate.save()
    audit_record(
        actor=actor,
        organisation=council,
        action="rate.created",
        target=rate,
        after={"kind": kind, "amount": amount, "unit": unit, "starts_on": starts_on, "ends_on": ends_on},
        reason=rate.reason,
    )
    return rate


@transaction.atomic
def rate_supersede(*, rate: Rate, actor, amount, starts_on: date, reason: str) -> Rate:
    """A new amount from a date, possibly in the past (a backdated change produces adjustments in the next run).
    The old rate ends the day before and is kept."""
    rate = Rate.objects.select_for_update().get(pk=rate.pk)
    if starts_on is None:
        raise ServiceError({"starts_on": "Enter the date the new rate takes effect from"})
    if starts_on <= rate.starts_on:
        raise ServiceError({"starts_on": f"The new rate must start after {rate.starts_on:%-d %B %Y}"})
    if rate.ends_on is not None and rate.ends_on < starts_on - timedelta(days=1):
        raise ServiceError({"starts_on": "That rate had already ended; add a new rate instead"}, status=409)
    if not (reason or "").strip():
        raise ServiceError({"reason": "Say why the rate changes"})
    previous_end = rate.ends_on
    rate.ends_on = starts_on - timedelta(days=1)
    rate.save(update_fields=["ends_on"])
    audit_record(
        actor=actor,
        organisation=rate.council,
        action="rate.ended",
        target=rate,
        before={"ends_on": previous_end},
        after={"ends_on": rate.ends_on},
        reason=reason,
    )
    return rate_create(
        council=rate.council,
        actor=actor,
        arrangement=rate.arrangement,
        kind=rate.kind,
        unit=rate.unit,
        amount=amount,
        starts_on=starts_on,
        ends_on=previous_end,
        service_type=rate.service_type,
        need_level=rate.need_level,
        area=rate.area,
        provider=rate.provider,
        scheme_places_min=rate.scheme_places_min,
        scheme_places_max=rate.scheme_places_max,
        placements_min=rate.placements_min,
        placements_max=rate.placements_max,
        add_on=rate.add_on,
        reason=reason,
        supersedes=rate,
    )


@transaction.atomic
def rates_uplift(*, council: Organisation, actor, rates, percent: Decimal, starts_on: date, reason: str = "") -> list:
    """An uplift of `percent` from a date to a chosen set of rates (seed 001: at least 3% a year)."""
    if percent is None or percent <= 0:
        raise ServiceError({"percent": "An uplift is a percentage above 0"})
    if starts_on is None:
        raise ServiceError({"starts_on": "Enter the date the uplift takes effect from"})
    chosen = [r for r in rates if dated.covers(r, starts_on)]
    if not chosen:
        raise ServiceError({"rates": "None of the chosen rates is in force on that date"})
    why = (reason or "").strip() or f"uplift of {percent}% from {starts_on:%-d %B %Y}"
    return [
        rate_supersede(
            rate=r, actor=actor, amount=pricing.uplift(r.amount, Decimal(percent)), starts_on=starts_on, reason=why
        )
        for r in chosen
    ]


def rates_from_admissions(*, arrangement: Arrangement, actor, starts_on: date | None = None) -> int:
    """Each admitted provider's own price per area becomes a provider-area rate (seed 001), once."""
    made = 0
    for admission in arrangement_reads.admissions_in(
        "current", arrangement=arrangement, price__isnull=False, area__isnull=False
    ).prefetch_related("lot__service_types"):
        unit = {"hour-per-area": "hour", "day": "day", "week": "week"}.get(arrangement.price_basis, "hour")
        for service_type in admission.lot.service_types.all():
            exists = Rate.objects.filter(
                arrangement=arrangement,
                kind="provider-area",
                provider=admission.provider,
                area=admission.area,
                service_type=service_type,
            ).exists()
            if exists:
                continue
            rate_create(
                council=arrangement.council,
                actor=actor,
                arrangement=arrangement,
                kind="provider-area",
                unit=unit,
                amount=admission.price,
                starts_on=starts_on or arrangement.starts_on,
                service_type=service_type,
                area=admission.area,
                provider=admission.provider,
                reason="the provider's price in its application",
            )
            made += 1
    return made


@transaction.atomic
def cost_of_care_create(*, council: Organisation, actor, name: str, starts_on: date, **parts) -> CostOfCare:
    if starts_on is None:
        raise ServiceError({"starts_on": "Enter the date the cost of care applies from"})
    for field, value in parts.items():
        if value is None or Decimal(value) < 0:
            raise ServiceError({field: "Give a number of 0 or more"})
    hourly = pricing.CostOfCare(**{k: Decimal(v) for k, v in parts.items()}).hourly_rate()
    row = CostOfCare.objects.create(
        council=council, name=(name or "Cost of care").strip(), starts_on=starts_on, hourly_rate=hourly, **parts
    )
    audit_record(
        actor=actor,
        organisation=council,
        action="cost_of_care.created",
        target=row,
        after={"hourly_rate": hourly, "starts_on": starts_on},
    )
    return row


# -- which rate applies ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RateChoice:
    rates: list[pricing.Rate]
    why: str


def _as_pricing(rows, source: str) -> list[pricing.Rate]:
    return [pricing.Rate(r.pk, r.amount, r.unit, r.starts_on, r.ends_on, source) for r in rows]


# how each kind of rate is named on the commissioner's page and in a run's lines
RATE_WHY = {
    "provider-area": ("provider's rate for the area", "the provider's own rate for the area"),
    "supported-living": ("supported living rate", "the supported living rate for the complexity and scheme size"),
    "set": ("set rate", "the arrangement's set rate for the service and need level"),
}


def placements_in_scheme(admission) -> int:
    """The council's live placements with the provider in this scheme (block admission)."""
    return admission.placements.in_group("live").count()


def care_rates(placement, rates_index=None, placements_count=None) -> RateChoice:
    """The rates that price a placement, and why, in the order of seed 002 (domain.rates.RATE_PRECEDENCE): a
    price agreed in a call-off or spot purchase, else the first kind of the arrangement's rates that fits."""
    if placement.route in seed_rates.AGREED_PRICE_ROUTES:
        unit = placement.price_unit or "hour"
        rows = [
            pricing.Rate(f"terms:{t.pk}", t.agreed_price, unit, t.starts_on, t.ends_on, "the agreed price")
            for t in placement.terms.all()
            if t.agreed_price
        ]
        return RateChoice(rows, f"the price agreed in the {placement.get_route_display().lower()}")
    admission = placement.admission
    if admission is None:
        return RateChoice([], "no arrangement: no rate")
    candidates = (
        rates_index(admission.arrangement_id)
        if rates_index
        else list(Rate.objects.filter(arrangement_id=admission.arrangement_id))
    )
    kind, chosen = seed_rates.placement_rates(
        candidates,
        provider_id=placement.provider_id,
        area_id=placement.area_id,
        service_type_id=placement.service_type_id,
        need_level_id=placement.need_level_id,
        scheme_places=admission.block_places or 0,
        placements=lambda: placements_count(admission) if placements_count else placements_in_scheme(admission),
    )
    if kind is None:
        return RateChoice([], "no rate has been set for this placement")
    source, why = RATE_WHY[kind]
    return RateChoice(_as_pricing(chosen, source), why)


def transport_rates(placement, rates_index=None) -> list[pricing.Rate]:
    admission = placement.admission
    if admission is None:
        return []
    candidates = (
        rates_index(admission.arrangement_id)
        if rates_index
        else list(Rate.objects.filter(arrangement_id=admission.arrangement_id))
    )
    return _as_pricing([r for r in candidates if r.kind == "add-on" and r.add_on == "transport"], "transport")


def rate_explain(placement, day: date) -> tuple[pricing.Rate | None, str]:
    """For a commissioner: the rate that applies to a placement on a date, and why."""
    choice = care_rates(placement)
    rate = pricing.rate_on(choice.rates, day)
    if rate is None:
        return None, f"No rate in force on {day:%-d %B %Y}: {choice.why}"
    return rate, f"{choice.why}, in force from {rate.starts_on:%-d %B %Y}" + (
        f" to {rate.ends_on:%-d %B %Y}" if rate.ends_on else ""
    )
