"""Key performance indicators computed from what Caremarket itself saw, not from what providers report: each with
its definition, its source, the threshold the contract sets and red, amber and green bands.

Seed 001 (West Sussex home care): primary and secondary providers in level 1 areas accept at least 75% of the
referrals offered to them. Below the threshold is red; within five points above it, amber (at risk); above, green.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum


class Rag(StrEnum):
    RED = "red"
    AMBER = "amber"
    GREEN = "green"


@dataclass(frozen=True)
class Kpi:
    code: str
    name: str
    definition: str
    source: str
    unit: str
    threshold: Decimal  # the contract's minimum (higher is better)
    amber_margin: Decimal  # how far above the threshold a figure is still at risk

    def rag(self, value: Decimal | None) -> Rag | None:
        """Red below the threshold, amber within the margin above it, green above; none without a figure."""
        if value is None:
            return None
        if value < self.threshold:
            return Rag.RED
        return Rag.AMBER if value < self.threshold + self.amber_margin else Rag.GREEN


REFERRAL_ACCEPTANCE = Kpi(
    code="referral-acceptance",
    name="Referral acceptance rate",
    definition=(
        "Of the referrals offered to the provider as a primary or secondary provider in a level 1 area and answered "
        "or timed out in the period, the share it accepted. A referral that went to another provider first, or "
        "whose request was cancelled, is left out: the provider was never asked to decide it."
    ),
    source="Referrals recorded by the cascade (offered, accepted, declined, timed out)",
    unit="%",
    threshold=Decimal(75),
    amber_margin=Decimal(5),
)

# The positions and area level seed 001's acceptance rule applies to.
ACCEPTANCE_POSITIONS = frozenset({"primary", "secondary"})
ACCEPTANCE_AREA_LEVEL = 1


@dataclass(frozen=True)
class AcceptanceCount:
    accepted: int
    declined: int
    timed_out: int

    @property
    def decided(self) -> int:
        """The referrals the provider was asked to decide: accepted, declined or left to time out."""
        return self.accepted + self.declined + self.timed_out

    @property
    def rate(self) -> Decimal | None:
        return acceptance_rate(self.accepted, self.decided)


def acceptance_rate(accepted: int, decided: int) -> Decimal | None:
    """Accepted as a percentage of decided, to one place, half up; none when nothing was decided."""
    if decided <= 0:
        return None
    if not 0 <= accepted <= decided:
        raise ValueError("accepted must be between 0 and the referrals decided")
    return (Decimal(100) * accepted / decided).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def counts_towards_acceptance(step: str, area_level: int) -> bool:
    """Seed 001's rule binds primary and secondary providers in level 1 areas only."""
    return step in ACCEPTANCE_POSITIONS and area_level == ACCEPTANCE_AREA_LEVEL
