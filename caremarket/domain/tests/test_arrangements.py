from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from caremarket.domain.arrangements import (
    ArrangementRuleError,
    Mechanism,
    Regime,
    Status,
    Window,
    accepts_applications,
    check_editable,
    check_terms,
    check_transition,
    required_notices,
)

NOW = datetime(2026, 6, 1, 12, tzinfo=UTC)


def window(opens, closes):
    return Window(
        datetime.fromisoformat(opens).replace(tzinfo=UTC),
        datetime.fromisoformat(closes).replace(tzinfo=UTC) if closes else None,
    )


def test_lifecycle():
    check_transition(Status.DRAFT, Status.OPEN)
    check_transition(Status.EVALUATING, Status.LIVE)
    with pytest.raises(ArrangementRuleError, match="draft cannot become live; it can become: open"):
        check_transition(Status.DRAFT, Status.LIVE)
    with pytest.raises(ArrangementRuleError, match="it can become: nothing"):
        check_transition(Status.EXPIRED, Status.LIVE)


def test_only_contacts_and_description_change_once_live():
    check_editable(Status.DRAFT, {"title", "ends_on"})
    check_editable(Status.LIVE, {"description", "contact_email"})
    with pytest.raises(ArrangementRuleError, match="only its contact details, description and response time"):
        check_editable(Status.LIVE, {"description", "estimated_value"})


@pytest.mark.parametrize(
    "mechanism,regime,start,end,ext,field",
    [
        (Mechanism.BLOCK_CONTRACT, Regime.PCR_2015_LIGHT_TOUCH, "2024-04-01", "2027-03-31", 0, "ends_on"),
        (Mechanism.BLOCK_CONTRACT, Regime.PCR_2015_LIGHT_TOUCH, "2024-04-01", "2032-04-01", 36, "ends_on"),
        (Mechanism.OPEN_FRAMEWORK, Regime.PROCUREMENT_ACT_2023, "2025-04-01", "2033-04-01", 12, "ends_on"),
        (Mechanism.DYNAMIC_MARKET, Regime.PCR_2015_LIGHT_TOUCH, "2025-04-01", "2029-04-01", 0, "regime"),
        (Mechanism.DYNAMIC_PURCHASING_SYSTEM, Regime.PCR_2015_LIGHT_TOUCH, "2025-03-01", "2029-04-01", 0, "starts_on"),
        (Mechanism.TIERED_FRAMEWORK, Regime.PCR_2015_LIGHT_TOUCH, "2024-04-01", "2024-04-01", 0, "ends_on"),
    ],
)
def test_terms_refused(mechanism, regime, start, end, ext, field):
    with pytest.raises(ArrangementRuleError) as exc:
        check_terms(
            mechanism=mechanism,
            regime=regime,
            starts_on=date.fromisoformat(start),
            ends_on=date.fromisoformat(end),
            max_extension_months=ext,
        )
    assert exc.value.field == field


def test_terms_accepted():
    check_terms(
        mechanism=Mechanism.BLOCK_CONTRACT,
        regime=Regime.PCR_2015_LIGHT_TOUCH,
        starts_on=date(2024, 4, 1),
        ends_on=date(2031, 3, 31),
        max_extension_months=24,
    )
    check_terms(
        mechanism=Mechanism.DYNAMIC_PURCHASING_SYSTEM,
        regime=Regime.PCR_2015_LIGHT_TOUCH,
        starts_on=date(2023, 1, 1),
        ends_on=date(2027, 1, 1),
        max_extension_months=0,
    )


def test_application_windows_by_mechanism():
    past = [window("2026-01-01T00:00", "2026-02-01T00:00")]
    current = [window("2026-05-01T00:00", "2026-07-01T00:00")]
    assert accepts_applications(Mechanism.DYNAMIC_MARKET, Status.LIVE, [], NOW)
    assert accepts_applications(Mechanism.DYNAMIC_PURCHASING_SYSTEM, Status.EVALUATING, [], NOW)
    assert accepts_applications(Mechanism.FLEXIBLE_FRAMEWORK, Status.LIVE, current, NOW)
    assert not accepts_applications(Mechanism.FLEXIBLE_FRAMEWORK, Status.LIVE, past, NOW)
    assert not accepts_applications(Mechanism.TIERED_FRAMEWORK, Status.LIVE, current, NOW)
    assert accepts_applications(Mechanism.TIERED_FRAMEWORK, Status.OPEN, current, NOW)
    assert not accepts_applications(Mechanism.TIERED_FRAMEWORK, Status.OPEN, past, NOW)
    for status in (Status.DRAFT, Status.EXPIRED, Status.TERMINATED):
        assert not accepts_applications(Mechanism.DYNAMIC_MARKET, status, current, NOW)


def test_notices_by_regime_and_dated_threshold():
    pcr = required_notices(
        mechanism=Mechanism.FLEXIBLE_FRAMEWORK,
        regime=Regime.PCR_2015_LIGHT_TOUCH,
        estimated_value=Decimal("800000"),
        on=date(2024, 6, 1),
    )
    assert [n.code for n in pcr] == ["contract-notice", "contract-award-notice"]
    assert (
        required_notices(
            mechanism=Mechanism.FLEXIBLE_FRAMEWORK,
            regime=Regime.PCR_2015_LIGHT_TOUCH,
            estimated_value=Decimal("663539.99"),
            on=date(2024, 6, 1),
        )
        == []
    )
    market = required_notices(
        mechanism=Mechanism.DYNAMIC_MARKET,
        regime=Regime.PROCUREMENT_ACT_2023,
        estimated_value=Decimal("5000000"),
        on=date(2026, 1, 1),
    )
    assert [n.code for n in market][:1] == ["dynamic-market-notice"]
    assert "contract-details-notice" in [n.code for n in market]
    assert (
        required_notices(
            mechanism=Mechanism.DYNAMIC_MARKET,
            regime=Regime.PROCUREMENT_ACT_2023,
            estimated_value=Decimal("5000000"),
            on=date(2024, 1, 1),
        )
        == []
    )
