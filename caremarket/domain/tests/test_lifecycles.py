"""The lifecycle tables: every move named, every group real, final states final, and the refusals readable."""

import pytest

from caremarket.domain import lifecycles
from caremarket.domain.lifecycles import CARE_REQUEST, LIFECYCLES, PAYMENT_RUN, LifecycleError


@pytest.mark.parametrize("lifecycle", LIFECYCLES, ids=lambda lc: lc.name)
def test_every_state_is_reached_from_the_first_and_groups_name_real_states(lifecycle):
    first = lifecycle.states[0]
    reached, frontier = {first}, [first]
    while frontier:
        for end in lifecycle.moves.get(frontier.pop(), frozenset()):
            if end not in reached:
                reached.add(end)
                frontier.append(end)
    assert reached == set(lifecycle.states), f"{lifecycle.name}: unreachable {set(lifecycle.states) - reached}"
    for group, states in lifecycle.groups.items():
        assert states and states <= set(lifecycle.states), group


def test_a_refused_move_says_what_the_record_may_become():
    CARE_REQUEST.check("sourcing", "placed")
    with pytest.raises(LifecycleError, match="that is placed cannot become sourcing; that is final"):
        CARE_REQUEST.check("placed", "sourcing")
    with pytest.raises(LifecycleError, match="cannot become paid; it can become approved, calculated"):
        PAYMENT_RUN.check("calculated", "paid")
    assert PAYMENT_RUN.is_in("draft", "changeable") and not PAYMENT_RUN.is_in("paid", "changeable")
    with pytest.raises(ValueError):
        PAYMENT_RUN.state("committed")  # two states: not a one-state group


def test_the_two_person_and_sealed_rules_have_no_shortcut_in_the_tables():
    assert not PAYMENT_RUN.can("draft", "approved") and not PAYMENT_RUN.can("draft", "paid")
    assert not lifecycles.COMPETITION.can("open", "awarded")  # offers are read and scored only once closed
    assert not CARE_REQUEST.can("awaiting-approval", "placed")  # a child's request is approved before sourcing
