"""KPIs by machine, as on the quality pages."""

from __future__ import annotations

from decimal import Decimal

from ninja import Router, Schema

from caremarket.accounts.api_auth import require
from caremarket.core.permissions import signed_in_council
from caremarket.domain.roles import Permission

from . import presenters

router = Router(tags=["quality"])


class AcceptanceOut(Schema):
    provider_id: int
    provider: str
    accepted: int
    declined: int
    timed_out: int
    decided: int
    rate: Decimal | None
    rag: str | None


@router.get("/kpis/referral-acceptance", response=list[AcceptanceOut])
def referral_acceptance(request, months: str = "6"):
    """Each primary and secondary provider's share of level 1 referrals accepted over the last 3, 6 or 12 months,
    lowest first, with its band (red below seed 001's 75%, amber within five points above)."""
    require(request, Permission.QUALITY_READ)
    council = signed_in_council(request, "Reading KPIs")
    return presenters.kpis_page(council=council, months=months)["rows"]
