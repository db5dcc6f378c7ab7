"""KPIs by machine, as on the quality pages."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from ninja import Router, Schema

from caremarket.accounts.api_auth import require
from caremarket.brokerage import selectors as brokerage
from caremarket.brokerage import services as brokerage_services
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


class StopIn(Schema):
    reason: str


class StopOut(Schema):
    provider_id: int
    reason: str
    stopped_at: datetime
    lifted_at: datetime | None


@router.post("/providers/{provider_id}/referral-stop", response=StopOut)
def referral_stop(request, provider_id: int, payload: StopIn):
    """Stop new referrals to a provider at once; its placements continue."""
    require(request, Permission.REFERRALS_STOP)
    council = signed_in_council(request, "Stopping referrals")
    provider = brokerage.provider_get(pk=provider_id)
    return brokerage_services.referrals_stop(
        council=council, actor=request.auth, provider=provider, reason=payload.reason
    )


@router.post("/providers/{provider_id}/referral-stop/lifting", response=StopOut)
def referral_resume(request, provider_id: int):
    require(request, Permission.REFERRALS_STOP)
    council = signed_in_council(request, "Stopping referrals")
    provider = brokerage.provider_get(pk=provider_id)
    return brokerage_services.referrals_resume(council=council, actor=request.auth, provider=provider)
