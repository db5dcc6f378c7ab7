"""KPIs read from what Caremarket recorded (domain/kpis.py says what each means)."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

from django.db.models import Count
from django.utils import timezone

from caremarket.brokerage.models import Referral
from caremarket.domain import kpis
from caremarket.domain.lifecycles import REFERRAL

PERIODS = {"3": "the last 3 months", "6": "the last 6 months", "12": "the last 12 months"}


def period(months: str | None, today: date | None = None) -> tuple[str, date, date]:
    """The months asked for (3, 6 or 12; 6 otherwise), ending today."""
    today = today or timezone.localdate()
    months = months if months in PERIODS else "6"
    return months, today - timedelta(days=round(int(months) * 30.44)), today


def _acceptance_referrals(*, council, start: date, end: date):
    """The referrals seed 001's acceptance rule counts: offered in the period to a primary or secondary provider in
    a level 1 area, and decided (accepted, declined or timed out)."""
    return Referral.objects.filter(
        request__council=council,
        offered_at__date__gte=start,
        offered_at__date__lte=end,
        step__in=kpis.ACCEPTANCE_POSITIONS,
        request__area__level=kpis.ACCEPTANCE_AREA_LEVEL,
        status__in=REFERRAL.group("decided"),
    )


def referral_acceptance(*, council, start: date, end: date) -> list[dict]:
    """Each provider's acceptance rate over the period, lowest first, with its counts and its band."""
    counted: dict[int, dict] = defaultdict(lambda: {"accepted": 0, "declined": 0, "timed_out": 0})
    names: dict[int, str] = {}
    rows = (
        _acceptance_referrals(council=council, start=start, end=end)
        .values("provider_id", "provider__name", "status")
        .annotate(n=Count("id"))
        .order_by()
    )
    for row in rows:
        names[row["provider_id"]] = row["provider__name"]
        if REFERRAL.is_in(row["status"], "won"):
            key = "accepted"
        else:
            key = "declined" if REFERRAL.is_in(row["status"], "declined") else "timed_out"
        counted[row["provider_id"]][key] += row["n"]
    found = []
    for provider_id, numbers in counted.items():
        count = kpis.AcceptanceCount(**numbers)
        found.append(
            {
                "provider_id": provider_id,
                "provider": names[provider_id],
                "accepted": count.accepted,
                "declined": count.declined,
                "timed_out": count.timed_out,
                "decided": count.decided,
                "rate": count.rate,
                "rag": kpis.REFERRAL_ACCEPTANCE.rag(count.rate),
            }
        )
    return sorted(found, key=lambda r: (r["rate"], r["provider"]))


def referrals_not_accepted(*, council, provider_id: int, start: date, end: date):
    """The referrals behind a provider's acceptance rate that it did not accept: declined (with the reason) or left
    to time out."""
    return (
        _acceptance_referrals(council=council, start=start, end=end)
        .filter(provider_id=provider_id, status__in=REFERRAL.group("not_accepted"))
        .select_related("request__service_type", "request__area", "decline_reason", "provider")
        .order_by("-offered_at")
    )
