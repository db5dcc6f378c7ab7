"""Rates' writes: one dated model for every form in the seeds, checked against the floors, superseded and uplifted
with the previous rates kept. Which rate applies to a placement on a day, and why, is read in selectors."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction

from caremarket.accounts.models import Organisation
from caremarket.arrangements import selectors as arrangement_reads
from caremarket.arrangements.models import Arrangement
from caremarket.core.audit import audit_record, describe_actor
from caremarket.core.errors import ServiceError
from caremarket.domain import dated, pricing
from caremarket.domain.money import MoneyError, parse_money
from caremarket.reference.selectors import price_floor_flags

from .models import Rate


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
    rate.floor_flags = "; ".join(price_floor_flags(council, amount, unit, starts_on))
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
