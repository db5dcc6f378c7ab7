"""Each KPI with worked figures."""

from decimal import Decimal

import pytest

from caremarket.domain.kpis import REFERRAL_ACCEPTANCE, AcceptanceCount, Rag, acceptance_rate, counts_towards_acceptance


def test_acceptance_is_accepted_over_decided_to_one_place():
    # 15 accepted, 3 declined, 2 timed out: 15 of 20 decided
    count = AcceptanceCount(accepted=15, declined=3, timed_out=2)
    assert count.decided == 20 and count.rate == Decimal("75.0")
    assert acceptance_rate(2, 3) == Decimal("66.7")  # 66.666… rounds half up
    assert acceptance_rate(0, 0) is None
    with pytest.raises(ValueError):
        acceptance_rate(4, 3)


@pytest.mark.parametrize(
    ("rate", "rag"),
    [("74.9", Rag.RED), ("75.0", Rag.AMBER), ("79.9", Rag.AMBER), ("80.0", Rag.GREEN), (None, None)],
)
def test_red_below_75_amber_within_five_points_green_above(rate, rag):
    assert REFERRAL_ACCEPTANCE.rag(Decimal(rate) if rate else None) == rag


def test_the_rule_binds_primary_and_secondary_providers_in_level_1_areas():
    assert counts_towards_acceptance("primary", 1) and counts_towards_acceptance("secondary", 1)
    assert not counts_towards_acceptance("reserve", 1) and not counts_towards_acceptance("primary", 2)
