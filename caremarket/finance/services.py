"""Writes for payment rules, blocks of hours, contributions and funding routes; each audited, dated where it can
change over time (ADR 0005)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from django.db.models import Q

from caremarket.accounts.models import Organisation
from caremarket.core.audit import audit_record, describe_actor
from caremarket.core.errors import ServiceError
from caremarket.domain.money import MoneyError, parse_money

from .models import ContributionAssessment, CostCentre, HoursBlock, PaymentRules, SupplierCode

FUNDING_ROUTES = {"gross", "net", "direct-payment", "isf"}


def _end_current(rows, starts_on: date, what: str):
    current = rows.filter(Q(ends_on__isnull=True) | Q(ends_on__gte=starts_on)).order_by("-starts_on").first()
    if current is None:
        return None
    if current.starts_on >= starts_on:
        raise ServiceError(
            {"starts_on": f"The {what} in force from {current.starts_on:%-d %B %Y} starts on or after that date"},
            status=409,
        )
    current.ends_on = starts_on - timedelta(days=1)
    current.save(update_fields=["ends_on"])
    return current


@transaction.atomic
def payment_rules_set(
    *,
    council: Organisation,
    actor,
    arrangement,
    starts_on: date,
    pay_on: str,
    minimum_minutes: int = 0,
    weekend_percent: Decimal = Decimal(0),
    bank_holiday_percent: Decimal = Decimal(0),
) -> PaymentRules:
    if arrangement.council_id != council.pk:
        raise ServiceError({"arrangement": "No such arrangement in your council"}, status=404)
    if starts_on is None:
        raise ServiceError({"starts_on": "Enter the date the rules take effect from"})
    if pay_on not in {"actual", "planned"}:
        raise ServiceError({"pay_on": "Choose whether to pay on planned or actual delivery"})
    if minimum_minutes is None or not 0 <= minimum_minutes <= 120:
        raise ServiceError({"minimum_minutes": "The minimum chargeable time is from 0 to 120 minutes"})
    for field, value in (("weekend_percent", weekend_percent), ("bank_holiday_percent", bank_holiday_percent)):
        if value is None or not 0 <= value <= 200:
            raise ServiceError({field: "An enhancement is from 0% to 200%"})
    previous = _end_current(
        PaymentRules.objects.select_for_update().filter(arrangement=arrangement), starts_on, "rules"
    )
    rules = PaymentRules.objects.create(
        council=council,
        arrangement=arrangement,
        starts_on=starts_on,
        pay_on=pay_on,
        minimum_minutes=minimum_minutes,
        weekend_percent=weekend_percent,
        bank_holiday_percent=bank_holiday_percent,
    )
    audit_record(
        actor=actor,
        organisation=council,
        action="payment_rules.set",
        target=rules,
        before={"rules": previous.pk} if previous else None,
        after={
            "arrangement": arrangement.reference,
            "pay_on": pay_on,
            "minimum_minutes": minimum_minutes,
            "weekend_percent": weekend_percent,
            "bank_holiday_percent": bank_holiday_percent,
            "starts_on": starts_on,
        },
    )
    return rules


@transaction.atomic
def hours_block_create(
    *,
    council: Organisation,
    actor,
    arrangement,
    provider,
    area,
    hours_per_week,
    amount_per_hour,
    starts_on,
    ends_on=None,
) -> HoursBlock:
    if arrangement.council_id != council.pk or area.council_id != council.pk:
        raise ServiceError({"arrangement": "No such arrangement or area in your council"}, status=404)
    if starts_on is None:
        raise ServiceError({"starts_on": "Enter the date the block starts"})
    if hours_per_week is None or hours_per_week <= 0:
        raise ServiceError({"hours_per_week": "A block has more than 0 hours a week"})
    try:
        amount = parse_money(amount_per_hour)
    except MoneyError as exc:
        raise ServiceError({"amount_per_hour": str(exc)}) from exc
    if amount <= 0:
        raise ServiceError({"amount_per_hour": "The rate must be more than £0"})
    block = HoursBlock.objects.create(
        council=council,
        arrangement=arrangement,
        provider=provider,
        area=area,
        hours_per_week=hours_per_week,
        amount_per_hour=amount,
        starts_on=starts_on,
        ends_on=ends_on,
    )
    audit_record(
        actor=actor,
        organisation=council,
        action="hours_block.created",
        target=block,
        after={
            "provider": provider.name,
            "area": area.code,
            "hours_per_week": hours_per_week,
            "amount_per_hour": amount,
            "starts_on": starts_on,
        },
    )
    return block


@transaction.atomic
def contribution_set(*, council: Organisation, actor, person, weekly_amount, starts_on: date) -> ContributionAssessment:
    """A new assessed weekly contribution from a date; the one before ends the day before and is kept."""
    if person.council_id != council.pk:
        raise ServiceError({"person": "No such person in your council"}, status=404)
    if starts_on is None:
        raise ServiceError({"starts_on": "Enter the date the assessment applies from"})
    try:
        amount = parse_money(weekly_amount)
    except MoneyError as exc:
        raise ServiceError({"weekly_amount": str(exc)}) from exc
    if amount < 0:
        raise ServiceError({"weekly_amount": "A contribution cannot be negative"})
    previous = _end_current(
        ContributionAssessment.objects.select_for_update().filter(person=person), starts_on, "assessment"
    )
    made = ContributionAssessment.objects.create(
        council=council, person=person, weekly_amount=amount, starts_on=starts_on, created_by=describe_actor(actor)[0]
    )
    audit_record(
        actor=actor,
        organisation=council,
        action="contribution.assessed",
        target=made,
        before={"weekly_amount": previous.weekly_amount} if previous else None,
        after={"weekly_amount": amount, "starts_on": starts_on},
    )
    return made


@transaction.atomic
def funding_route_set(*, council: Organisation, actor, placement, funding_route: str):
    from caremarket.brokerage.models import Placement

    if placement.council_id != council.pk:
        raise ServiceError({"placement": "No such placement in your council"}, status=404)
    if funding_route not in FUNDING_ROUTES:
        raise ServiceError({"funding_route": "Choose gross, net, direct payment or Individual Service Fund"})
    placement = Placement.objects.select_for_update().get(pk=placement.pk)
    before = placement.funding_route
    placement.funding_route = funding_route
    placement.save(update_fields=["funding_route"])
    audit_record(
        actor=actor,
        organisation=council,
        action="placement.funding_route_set",
        target=placement,
        before={"funding_route": before},
        after={"funding_route": funding_route},
    )
    return placement


def _ledger_code(value: str, field: str, what: str) -> str:
    value = (value or "").strip()
    if len(value) > 40 or any(ch in value for ch in ',;"\t\r\n'):
        raise ServiceError({field: f"A {what} is up to 40 letters, digits, spaces, dashes or slashes"})
    return value


@transaction.atomic
def supplier_code_set(*, council: Organisation, actor, provider: Organisation, code: str) -> SupplierCode | None:
    """The provider's supplier number in the council's ledger; blank removes it."""
    if not provider.is_provider:
        raise ServiceError({"provider": "Choose a provider"})
    code = _ledger_code(code, "code", "supplier code")
    current = SupplierCode.objects.select_for_update().filter(council=council, provider=provider).order_by("pk").first()
    before = current.code if current else ""
    if code == before:
        return current
    if not code:
        current.delete()
        found = None
    elif current is None:
        found = SupplierCode.objects.create(council=council, provider=provider, code=code)
    else:
        current.code = code
        current.save(update_fields=["code"])
        found = current
    audit_record(
        actor=actor,
        organisation=council,
        action="finance.supplier_code_set",
        target=provider,
        before={"code": before},
        after={"code": code},
    )
    return found


@transaction.atomic
def cost_centre_set(*, council: Organisation, actor, service_type=None, code: str, account: str = "") -> CostCentre:
    """The cost centre and account a service's spend is booked to; without a service, the default."""
    if service_type is not None and service_type.council_id != council.pk:
        raise ServiceError({"service_type": "No such service in your council"}, status=404)
    code = _ledger_code(code, "code", "cost centre")
    account = _ledger_code(account, "account", "account code")
    if not code:
        raise ServiceError({"code": "Enter the cost centre"})
    current = (
        CostCentre.objects.select_for_update().filter(council=council, service_type=service_type).order_by("pk").first()
    )
    before = {"code": current.code, "account": current.account} if current else {}
    if current is None:
        current = CostCentre.objects.create(council=council, service_type=service_type, code=code, account=account)
    else:
        current.code, current.account = code, account
        current.save(update_fields=["code", "account"])
    audit_record(
        actor=actor,
        organisation=council,
        action="finance.cost_centre_set",
        target=current,
        before=before,
        after={"service": service_type.code if service_type else "", "code": code, "account": account},
    )
    return current
