"""What the quality pages show: KPIs by provider for a period, and the records behind each figure."""

from __future__ import annotations

from datetime import date, timedelta

from django.urls import reverse
from django.utils import timezone

from caremarket.brokerage import selectors as brokerage
from caremarket.core.todo import Item, Row
from caremarket.domain import kpis

from . import selectors

PERIODS = {"3": "the last 3 months", "6": "the last 6 months", "12": "the last 12 months"}


def period(months: str | None, today: date | None = None) -> tuple[str, date, date]:
    """The months asked for (3, 6 or 12; 6 otherwise), ending today."""
    today = today or timezone.localdate()
    months = months if months in PERIODS else "6"
    return months, today - timedelta(days=round(int(months) * 30.44)), today


def kpis_page(*, council, months: str | None) -> dict:
    months, start, end = period(months)
    return {
        "stopped": brokerage.referral_stops(council=council),
        "kpi": kpis.REFERRAL_ACCEPTANCE,
        "rows": selectors.referral_acceptance(council=council, start=start, end=end),
        "months": months,
        "periods": PERIODS,
        "start": start,
        "end": end,
    }


def not_accepted_page(*, council, provider, months: str | None) -> dict:
    months, start, end = period(months)
    rows = [
        r
        for r in selectors.referral_acceptance(council=council, start=start, end=end)
        if r["provider_id"] == provider.pk
    ]
    return {
        "stopped": brokerage.referral_stops(council=council).get(provider.name, ""),
        "kpi": kpis.REFERRAL_ACCEPTANCE,
        "provider": provider,
        "row": rows[0] if rows else None,
        "referrals": selectors.referrals_not_accepted(council=council, provider_id=provider.pk, start=start, end=end)[
            :500
        ],
        "months": months,
        "period_label": PERIODS[months],
    }


def quality_to_do(*, council) -> list[Item]:
    """Primary and secondary providers below the 75% acceptance seed 001 requires, over the last six months."""
    _, start, end = period("6")
    below = [
        r for r in selectors.referral_acceptance(council=council, start=start, end=end) if r["rag"] == kpis.Rag.RED
    ]
    return [
        Item.of(
            "Providers below 75% referral acceptance (last 6 months)",
            below,
            lambda r: Row(
                f"{r['provider']}: {r['rate']}% of {r['decided']} referrals accepted",
                reverse("quality:not-accepted", args=[r["provider_id"]]) + "?months=6",
            ),
            reverse("quality:kpis") + "?months=6",
        )
    ]
