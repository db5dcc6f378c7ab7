"""What the finance pages show and offer, worked out from the records and the person's roles: each page's display
state apart from its forms (the views add those) and from the writes (services, rates, runs, delivery)."""

from __future__ import annotations

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from caremarket.brokerage.models import reference_of
from caremarket.core.pages import paginate
from caremarket.core.permissions import has_permission
from caremarket.core.todo import Item, Row
from caremarket.domain import pricing
from caremarket.domain.roles import Permission
from caremarket.reference import selectors as reference

from . import reconciliation, selectors, statements


def rates_page(*, request, user, council) -> dict:
    page, query = paginate(
        request, selectors.rate_list(council=council).order_by("arrangement__reference", "kind", "starts_on")
    )
    return {
        "rates": page.object_list,
        "page": page,
        "query": query,
        "can_manage": has_permission(user, Permission.RATES_MANAGE),
        "cost_of_care": reference.cost_of_care_on(council, timezone.localdate()),
    }


def rate_page(*, user, council, rate) -> dict:
    return {
        "rate": rate,
        "history": selectors.rate_history(council=council, rate=rate),
        "can_manage": has_permission(user, Permission.RATES_MANAGE),
    }


def cost_of_care_page(*, user, council, worked: dict | None = None) -> dict:
    """The floors in force today and the rates below them; with `worked` (the form's parts), the hourly rate they
    make, before anyone saves it."""
    today = timezone.localdate()
    parts = {k: v for k, v in (worked or {}).items() if k not in {"name", "starts_on"}}
    return {
        "result": pricing.CostOfCare(**parts).hourly_rate() if worked else None,
        "minimum": reference.minimum_price_on(today),
        "current": reference.cost_of_care_on(council, today),
        "below": [r for r in selectors.rate_list(council=council) if r.floor_flags][:100],
        "can_manage": has_permission(user, Permission.RATES_MANAGE),
    }


def run_page(*, run, user=None) -> dict:
    """A run's remittances, the cost per person, its adjustments, held and flagged lines, history and blocks, and
    whether this person may approve it (the officer who calculated it may not, and is told why)."""
    lines = selectors.run_lines(run)
    why_not = _why_not_approve(run, user)
    previous = reconciliation.previous_run(run)
    return {
        "previous": previous,
        "controls": reconciliation.controls(run),
        "previous_controls": reconciliation.controls(previous),
        "variance": reconciliation.variance(run, previous) if run.calculated_at else [],
        "ledger_gaps": reconciliation.ledger_gaps(run) if run.calculated_at else [],
        "can_approve": run.may_become("approved") and not why_not,
        "why_not_approve": why_not,
        "run": run,
        "remittances": statements.remittances(run),
        "people": statements.person_costs(run)[:200],
        "adjustments": lines.filter(kind="adjustment")[:200],
        "held": lines.filter(held=True)[:200],
        "flagged": lines.filter(flagged=True)[:200],
        "line_count": lines.count(),
        "history": run.status_changes.select_related("changed_by"),
        "blocks": selectors.block_utilisation(run),
    }


def rules_page(*, user, council) -> dict:
    return {
        "rules": selectors.payment_rules(council=council),
        "blocks": selectors.hours_blocks(council=council),
        "can_manage": has_permission(user, Permission.RATES_MANAGE),
    }


def delivery_page(*, provider, placements) -> dict:
    """Uploads, remittances, placements, and the pre-filled templates of this month and the two before."""
    first = timezone.localdate().replace(day=1)
    months = [first]
    for _ in range(2):
        months.append((months[-1] - timedelta(days=1)).replace(day=1))
    return {
        "months": [
            {"value": f"{m:%Y-%m}", "label": f"{m:%B %Y}" + (" (to date)" if m == first else "")} for m in months
        ],
        "uploads": selectors.uploads(provider=provider),
        "remittances": selectors.provider_remittances(provider=provider),
        "placements": placements[:200],
    }


def remittance_summary(run, provider_id: int, lines) -> dict:
    """What a provider checks a remittance against its invoice and bank statement: the payment reference, when it
    was paid, the hours, visits, days and weeks paid for, and the total."""
    from .exports import payment_reference

    counted = reconciliation.controls_of(lines)
    return {
        "reference": payment_reference(run, provider_id),
        "paid_on": run.paid_at,
        "approved_on": run.approved_at,
        "hours": counted.hours,
        "visits": counted.visits,
        "days": counted.days,
        "weeks": counted.weeks,
        "total": counted.total,
    }


def upload_page(*, upload) -> dict:
    """An upload with its problems, one per kind, each with its rows as ranges ("5 to 298")."""
    from caremarket.core.spreadsheets import row_ranges

    problems = []
    for entry in upload.errors:
        rows = entry.get("rows") or [entry["row"]]
        count = entry.get("count", len(rows))
        problems.append(
            {
                "problem": entry.get("problem") or entry["message"],
                "column": entry["column"],
                "example": entry["message"],
                "rows": row_ranges(rows) + (f" and {count - len(rows)} more" if count > len(rows) else ""),
                "count": count,
            }
        )
    return {"upload": upload, "problems": problems, "rejected": upload.status == upload.REJECTED}


def finance_to_do(*, user, council) -> list[Item]:
    """Runs to calculate, runs waiting for a second officer (this person's own calculations apart), active holds."""
    runs = selectors.run_list(council=council)

    def run_row(run):
        return Row(
            f"Run {run.pk}: {run.period_start:%-d %B} to {run.period_end:%-d %B %Y}"
            + (f", £{run.total:,}" if run.calculated_at else ""),
            reverse("finance:run", args=[run.pk]),
        )

    to_approve = runs.in_group("to_approve")
    return [
        Item.of("Payment runs to calculate", runs.in_group("to_calculate"), run_row),
        Item.of("Payment runs for you to approve", to_approve.exclude(calculated_by=user), run_row),
        Item.of("Your calculations waiting for another officer", to_approve.filter(calculated_by=user), run_row),
        Item.of(
            "Payments on hold",
            selectors.hold_list(council=council).filter(released_at__isnull=True),
            lambda h: Row(
                f"{h.provider.name if h.provider_id else f'Placement {h.placement_id}'}: {h.reason}",
                reverse("finance:holds"),
                h.created_at,
                "held since",
            ),
            reverse("finance:holds"),
        ),
        Item.of(
            "Providers' uploads rejected and not yet fixed",
            selectors.failed_uploads(council=council),
            lambda u: Row(
                f"{u.provider.name}: {u.file_name}, {u.error_count} rows with problems",
                reverse("finance:uploads"),
                u.uploaded_at,
                "uploaded",
            ),
            reverse("finance:uploads"),
        ),
    ]


def uploads_page(*, council) -> dict:
    """The providers' uploads that failed, with what was wrong (the kinds of problem, not the rows' details)."""
    return {
        "uploads": [
            {"upload": u, "problems": [(p.get("problem") or p["message"], p.get("count", 1)) for p in u.errors]}
            for u in selectors.failed_uploads(council=council, days=31)[:100]
        ]
    }


def provider_money_to_do(*, provider) -> list[Item]:
    remittances = selectors.provider_remittances(provider=provider)[:3]
    return [
        Item.of(
            "Delivery records due: nothing recorded for a week",
            selectors.placements_without_records(provider=provider),
            lambda p: Row(
                f"Placement {p.pk} (request {reference_of(p.request_id)}), {p.service_type.name} for {p.council.name}"
                + (f": last recorded {p.last_recorded:%-d %B %Y}" if p.last_recorded else ": nothing recorded yet"),
                reverse("delivery:index"),
            ),
            reverse("delivery:index"),
        ),
        Item.of(
            "Latest remittances",
            remittances,
            lambda r: Row(
                f"{r['run__council__name']}: {r['run__period_start']:%-d %B} to {r['run__period_end']:%-d %B %Y}, "
                f"£{r['total']:,}",
                reverse("delivery:remittance", args=[r["run_id"]]),
            ),
            reverse("delivery:index"),
        ),
    ]


def run_check_page(*, run, user, step: str) -> dict:
    """What approving or paying the run does, in numbers: how much to how many providers for how many people, in
    how many lines; what stays held or flagged; who calculated it."""
    lines = selectors.run_lines(run)
    payable = lines.filter(held=False, flagged=False)
    remittances = statements.remittances(run)
    return {
        "run": run,
        "step": step,
        "remittances": remittances,
        "ledger_gaps": reconciliation.ledger_gaps(run),
        "payable_lines": payable.count(),
        "people": payable.exclude(person__isnull=True).values("person_id").distinct().count(),
        "held_lines": lines.filter(held=True).count(),
        "flagged_lines": lines.filter(flagged=True).count(),
        "allowed": run.may_become("approved" if step == "approve" else "paid")
        and not (step == "approve" and _why_not_approve(run, user)),
        "why_not": (step == "approve" and _why_not_approve(run, user))
        or f"This run is {run.get_status_display().lower()}: there is nothing to "
        + ("approve." if step == "approve" else "mark paid."),
    }


def _why_not_approve(run, user) -> str:
    """The two-person rule, said to the officer it stops (runs.payment_run_approve enforces it)."""
    if user is not None and run.may_become("approved") and run.calculated_by_id == user.pk:
        return "You calculated this run, so another finance officer checks and approves it."
    return ""


def ledger_codes_page(*, council) -> dict:
    """Each provider the council pays with its supplier code, each service with its cost centre."""
    codes = reconciliation.ledger(council)
    return {
        "providers": [
            {"provider": p, "code": codes.suppliers.get(p.pk, "")} for p in selectors.providers_paid(council=council)
        ],
        "services": [
            {"service": s, "centre": codes.centres.get(s.pk)}
            for s in reference.service_type_list(council=council, active_only=False)
        ],
        "default": codes.centres.get(None),
    }
