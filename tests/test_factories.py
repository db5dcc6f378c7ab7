"""Each factory brings its record to every state of its lifecycle, through the services, with its history."""

import pytest

from caremarket.domain import lifecycles

from .factories import (
    AdmissionFactory,
    ApplicationFactory,
    CareRequestFactory,
    CompetitionFactory,
    PaymentRunFactory,
    PlacementFactory,
    ReferralFactory,
)

CASES = [
    (CareRequestFactory, lifecycles.CARE_REQUEST),
    (PlacementFactory, lifecycles.PLACEMENT),
    (PaymentRunFactory, lifecycles.PAYMENT_RUN),
    (AdmissionFactory, lifecycles.ADMISSION),
    (ReferralFactory, lifecycles.REFERRAL),
    (CompetitionFactory, lifecycles.COMPETITION),
    (ApplicationFactory, lifecycles.APPLICATION),
]


@pytest.mark.parametrize(
    ("factory", "state"),
    [(f, s) for f, lifecycle in CASES for s in lifecycle.states],
    ids=lambda v: v if isinstance(v, str) else v.__name__,
)
def test_a_factory_makes_each_state_of_its_lifecycle(db, factory, state):
    record = factory(state=state)
    record.refresh_from_db()
    assert record.status == state
    history = getattr(record, "status_changes", None)
    if history is not None:  # the records that keep a history show every move that brought them here
        moves = list(history.values_list("from_status", "to_status"))
        assert moves[0][0] == "" and moves[-1][1] == state
        assert all(record.LIFECYCLE.can(a, b) for a, b in moves[1:])
