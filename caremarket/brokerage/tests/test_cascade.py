import threading
from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.db import connection

from caremarket.brokerage import sourcing
from caremarket.brokerage.models import CareRequest, Placement, Referral
from caremarket.core.errors import ServiceError

from .factories import market

LONDON = ZoneInfo("Europe/London")
MONDAY_10 = datetime(2030, 6, 3, 10, 0, tzinfo=LONDON)


def build(council, make_user):
    """A tiered framework in one area: Ash primary, Birch secondary, Cedar and Dogwood on the reserve list."""
    request, providers, broker, _ = market(
        council,
        make_user,
        mechanism="tiered_framework",
        providers={
            "Ash": {"position": "primary"},
            "Birch": {"position": "secondary"},
            "Cedar": {"position": "reserve", "rank": 1},
            "Dogwood": {"position": "reserve", "rank": 2},
        },
        arrangement_fields={"cap_level_1": 2, "cap_level_2": 2},
    )
    return request, providers, broker


def test_cascade_primary_secondary_then_reserve_at_once(council, make_user):
    request, providers, broker = build(council, make_user)
    [first] = sourcing.sourcing_start(request=request, actor=broker, now=MONDAY_10)
    assert (first.provider.name, first.step) == ("Ash", "primary")
    assert first.deadline_at == datetime(2030, 6, 3, 14, 0, tzinfo=LONDON)  # 4 working hours
    ash, ash_user = providers["Ash"]
    with pytest.raises(ServiceError, match="Choose the reason"):
        sourcing.referral_decline(referral=first, provider=ash, actor=ash_user, reason_code="", now=MONDAY_10)
    sourcing.referral_decline(
        referral=first, provider=ash, actor=ash_user, reason_code="no-capacity", now=MONDAY_10 + timedelta(hours=1)
    )
    second = Referral.objects.get(request=request, step="secondary")
    assert second.provider.name == "Birch"
    # nobody answers: the worker times the secondary out and the reserve list is offered all at once
    assert sourcing.referrals_time_out(now=second.deadline_at + timedelta(minutes=1)) == 1
    reserve = Referral.objects.filter(request=request, step="reserve").order_by("provider__name")
    assert [r.provider.name for r in reserve] == ["Cedar", "Dogwood"]
    cedar, cedar_user = providers["Cedar"]
    dogwood, dogwood_user = providers["Dogwood"]
    now = second.deadline_at + timedelta(hours=1)
    placement = sourcing.referral_accept(referral=reserve[0], provider=cedar, actor=cedar_user, now=now)
    assert placement.provider == cedar and placement.agreed_price == Decimal("27.50")
    with pytest.raises(ServiceError, match="gone to another provider"):
        sourcing.referral_accept(referral=reserve[1], provider=dogwood, actor=dogwood_user, now=now)
    steps = [(r.provider.name, r.status) for r in request.referrals.order_by("step_number", "provider__name")]
    assert steps == [("Ash", "declined"), ("Birch", "timed-out"), ("Cedar", "accepted"), ("Dogwood", "withdrawn")]
    assert CareRequest.objects.get(pk=request.pk).status == "placed"


def test_a_provider_cannot_answer_anothers_referral_or_after_the_deadline(council, make_user):
    request, providers, broker = build(council, make_user)
    [first] = sourcing.sourcing_start(request=request, actor=broker, now=MONDAY_10)
    birch, birch_user = providers["Birch"]
    with pytest.raises(ServiceError, match="No such referral"):
        sourcing.referral_accept(referral=first, provider=birch, actor=birch_user, now=MONDAY_10)
    ash, ash_user = providers["Ash"]
    with pytest.raises(ServiceError, match="time to answer"):
        sourcing.referral_accept(referral=first, provider=ash, actor=ash_user, now=first.deadline_at + timedelta(1))
    assert not Placement.objects.exists()


def test_when_everyone_declines_the_request_is_unsourced(council, make_user):
    request, providers, broker = build(council, make_user)
    now = MONDAY_10
    sourcing.sourcing_start(request=request, actor=broker, now=now)
    offered = []
    for _step in ("primary", "secondary", "reserve"):  # three steps, then nobody is left
        open_ones = list(Referral.objects.filter(request=request).in_group("open"))
        offered.append(sorted(r.provider.name for r in open_ones))
        for referral in open_ones:
            provider, user = providers[referral.provider.name]
            sourcing.referral_decline(
                referral=referral, provider=provider, actor=user, reason_code="no-capacity", now=now
            )
    assert offered == [["Ash"], ["Birch"], ["Cedar", "Dogwood"]]
    assert not Referral.objects.filter(request=request).in_group("open").exists()
    assert CareRequest.objects.get(pk=request.pk).status == "unsourced"


@pytest.mark.django_db(transaction=True)
def test_two_providers_accepting_at_once_exactly_one_wins(council, make_user):
    request, providers, broker = build(council, make_user)
    now = MONDAY_10
    sourcing.sourcing_start(request=request, actor=broker, now=now)
    for name in ("Ash", "Birch"):
        referral = Referral.objects.get(request=request, status="offered")
        provider, user = providers[name]
        sourcing.referral_decline(referral=referral, provider=provider, actor=user, reason_code="no-capacity", now=now)
    reserve = list(Referral.objects.filter(request=request, step="reserve").order_by("provider__name"))
    barrier = threading.Barrier(2)
    outcomes = {}

    def accept(referral):
        provider, user = providers[referral.provider.name]
        barrier.wait()
        try:
            sourcing.referral_accept(referral=referral, provider=provider, actor=user, now=now)
            outcomes[referral.provider.name] = "won"
        except ServiceError as exc:
            outcomes[referral.provider.name] = str(exc)
        finally:
            if threading.current_thread() is not threading.main_thread():
                connection.close()

    if connection.vendor == "postgresql":
        # Real concurrency: both threads reach the acceptance together and contend for the row lock.
        threads = [threading.Thread(target=accept, args=(r,)) for r in reserve]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    else:
        # SQLite serialises writers (and the in-memory test database admits one at a time): one after the other.
        barrier = threading.Barrier(1)
        for referral in reserve:
            accept(referral)
    assert sorted(outcomes.values()) == ["This request has gone to another provider", "won"]
    assert Placement.objects.count() == 1
    assert Referral.objects.filter(request=request, status="accepted").count() == 1
