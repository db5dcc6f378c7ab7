"""Payment runs: draft → calculated → approved → paid.

Calculating (calculation.py) runs in one transaction: interrupted, it leaves the run as it was; run again, it
gives the same figures. Approval commits the lines; the unique index on committed line keys means a line is never
paid twice, whatever happens. A second officer approves what the first calculated.
"""

from __future__ import annotations

from datetime import date

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from caremarket.accounts.models import Organisation
from caremarket.core.audit import audit_record, describe_actor
from caremarket.core.errors import ServiceError
from caremarket.core.lifecycle import status_move, status_started
from caremarket.domain.lifecycles import PAYMENT_RUN
from caremarket.domain.notifications import Kind
from caremarket.notifications.services import notify

from .calculation import ZERO, calculate
from .models import Hold, PaymentLine, PaymentRun, PaymentRunStatusChange


def _status(run: PaymentRun, to_status: str, actor, *fields: str) -> None:
    """Move the run, saving with its status the `fields` the step set."""
    status_move(
        run,
        to_status,
        lifecycle=PAYMENT_RUN,
        changed_by=describe_actor(actor)[0],
        history=(PaymentRunStatusChange, "run"),
        also_save=fields,
    )


@transaction.atomic
def payment_run_create(*, council: Organisation, actor, period_start: date, period_end: date) -> PaymentRun:
    if not council.is_council:
        raise ServiceError("Only a council makes payment runs", status=403)
    if period_start is None or period_end is None:
        raise ServiceError({"period_start": "Enter the first and last day of the period"})
    if period_end < period_start:
        raise ServiceError({"period_end": "The period ends before it starts"})
    if (period_end - period_start).days > 62:
        raise ServiceError({"period_end": "A run covers at most two months"})
    run = PaymentRun.objects.create(
        council=council, period_start=period_start, period_end=period_end, created_by=describe_actor(actor)[0]
    )
    status_started(run, history=(PaymentRunStatusChange, "run"), changed_by=describe_actor(actor)[0])
    audit_record(
        actor=actor,
        organisation=council,
        action="payment_run.created",
        target=run,
        after={"period_start": period_start, "period_end": period_end},
    )
    return run


def payment_run_calculate(*, run: PaymentRun, actor, progress=None) -> PaymentRun:
    """Price the period (reading only, `progress(done, total)` told as it goes), then store the lines and move the
    run in one transaction: interrupted, the run is as it was. A run approved while it was being priced is left
    alone and the calculation says so."""
    run = PaymentRun.objects.select_related("council").get(pk=run.pk)
    if not PAYMENT_RUN.is_in(run.status, "changeable"):
        raise ServiceError(f"A run that is {run.get_status_display().lower()} cannot be changed", status=409)
    calculation = calculate(run, progress=progress)
    with transaction.atomic():
        return _calculated(run, calculation, actor)


def _calculated(run: PaymentRun, calculation, actor) -> PaymentRun:
    run = PaymentRun.objects.select_for_update().get(pk=run.pk)
    if not PAYMENT_RUN.is_in(run.status, "changeable"):
        raise ServiceError(
            f"The run became {run.get_status_display().lower()} while it was being calculated: nothing was changed",
            status=409,
        )
    run.lines.all().delete()
    lines, problems = calculation.lines, calculation.problems
    PaymentLine.objects.bulk_create(lines, batch_size=2000)
    payable = [line for line in lines if not line.held and not line.flagged]
    run.total = sum((line.amount for line in payable), ZERO)
    run.held_total = sum((line.amount for line in lines if line.held and not line.flagged), ZERO)
    run.problems = sorted(set(problems))[:500]
    run.calculated_by, run.calculated_at = describe_actor(actor)[0], timezone.now()
    _status(run, "calculated", actor, "total", "held_total", "problems", "calculated_by", "calculated_at")
    audit_record(
        actor=actor,
        organisation=run.council,
        action="payment_run.calculated",
        target=run,
        after={"lines": len(lines), "total": run.total, "held": run.held_total},
    )
    notify(
        kind=Kind.RUN_AWAITING_APPROVAL,
        organisation=run.council,
        subject=f"Payment run {run.pk} of £{run.total:,} waits for a second finance officer",
        body=f"{run.period_start:%-d %B} to {run.period_end:%-d %B %Y}: {len(payable)} lines to pay, "
        f"£{run.held_total:,} held. It was calculated by {run.calculated_by or 'the system'}; another finance "
        "officer checks and approves it.",
        link=reverse("finance:run", args=[run.pk]),
        event_key=f"payment_run:{run.pk}:calculated:{run.calculated_at.isoformat()}",
        exclude=[run.calculated_by],
    )
    return run


@transaction.atomic
def payment_run_approve(*, run: PaymentRun, actor) -> PaymentRun:
    run = PaymentRun.objects.select_for_update().get(pk=run.pk)
    if not PAYMENT_RUN.can(run.status, "approved"):
        raise ServiceError("Only a calculated run can be approved", status=409)
    user = describe_actor(actor)[0]
    if user is not None and run.calculated_by_id == user.pk:
        raise ServiceError("The person who approves a run cannot be the one who calculated it", status=403)
    try:
        with transaction.atomic():
            run.lines.filter(held=False, flagged=False).update(committed=True)
    except IntegrityError as exc:
        raise ServiceError(
            "Some of these lines have been paid in another run: recalculate this run", status=409
        ) from exc
    run.approved_by, run.approved_at = user, timezone.now()
    _status(run, "approved", actor, "approved_by", "approved_at")
    audit_record(
        actor=actor, organisation=run.council, action="payment_run.approved", target=run, after={"total": run.total}
    )
    return run


@transaction.atomic
def payment_run_mark_paid(*, run: PaymentRun, actor) -> PaymentRun:
    run = PaymentRun.objects.select_for_update().get(pk=run.pk)
    if not PAYMENT_RUN.can(run.status, "paid"):
        raise ServiceError("Only an approved run can be marked paid", status=409)
    run.paid_at = timezone.now()
    _status(run, "paid", actor, "paid_at")
    audit_record(
        actor=actor, organisation=run.council, action="payment_run.paid", target=run, after={"total": run.total}
    )
    return run


@transaction.atomic
def hold_create(*, council: Organisation, actor, reason: str, provider=None, placement=None) -> Hold:
    if not (reason or "").strip():
        raise ServiceError({"reason": "Say why the payment is held"})
    if provider is None and placement is None:
        raise ServiceError({"provider": "Choose the provider or the placement to hold"})
    hold = Hold.objects.create(
        council=council,
        provider=provider,
        placement=placement,
        reason=reason.strip(),
        created_by=describe_actor(actor)[0],
    )
    audit_record(
        actor=actor,
        organisation=council,
        action="payment_hold.created",
        target=hold,
        after={"provider": provider.pk if provider else None, "placement": placement.pk if placement else None},
        reason=hold.reason,
    )
    return hold


@transaction.atomic
def hold_release(*, hold: Hold, actor) -> Hold:
    hold = Hold.objects.select_for_update().get(pk=hold.pk)
    if hold.released_at is not None:
        raise ServiceError("This hold has already been released", status=409)
    hold.released_at, hold.released_by = timezone.now(), describe_actor(actor)[0]
    hold.save(update_fields=["released_at", "released_by"])
    audit_record(actor=actor, organisation=hold.council, action="payment_hold.released", target=hold)
    held = hold.provider.name if hold.provider_id else f"placement {hold.placement_id}"
    notify(
        kind=Kind.HOLD_RELEASED,
        organisation=hold.council,
        subject=f"Payments to {held} are released",
        body=f"The hold ({hold.reason}) is released by {hold.released_by or 'the system'}: its lines are paid in "
        "the next run you calculate.",
        link=reverse("finance:holds"),
        event_key=f"hold:{hold.pk}:released",
        exclude=[hold.released_by],
    )
    return hold


def _calculate_job(*, job, actor, progress, run_id: int) -> tuple[str, str]:
    run = payment_run_calculate(run=PaymentRun.objects.get(pk=run_id), actor=actor, progress=progress)
    return (
        f"Payment run {run.pk} is calculated: £{run.total:,} to pay. Another finance officer checks and approves it.",
        reverse("finance:run", args=[run.pk]),
    )


def payment_run_calculation_start(*, run: PaymentRun, actor):
    """Calculate in the worker (a large council's run takes longer than a page can wait); the page that follows
    shows how many placements are priced so far. A second click while it runs starts nothing."""
    from caremarket.core.jobs import job_start

    if not PAYMENT_RUN.is_in(run.status, "changeable"):
        raise ServiceError(f"A run that is {run.get_status_display().lower()} cannot be changed", status=409)
    return job_start(
        organisation=run.council,
        actor=actor,
        kind="payment_run.calculate",
        key=f"payment_run:{run.pk}",
        label=f"Calculating payment run {run.pk}",
        handler=_calculate_job,
        unit="placements",
        run_id=run.pk,
    )
