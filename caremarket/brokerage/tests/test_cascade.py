import threading
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.db import connection

from caremarket.accounts import services as accounts
from caremarket.arrangements.models import Admission, Application, Arrangement, Lot
from caremarket.brokerage import services, sourcing
from caremarket.brokerage.models import CareRequest, Placement, Referral
from caremarket.core.errors import ServiceError
from caremarket.domain.roles import OrganisationKind, Role
from caremarket.reference import services as reference
from caremarket.reference.models import AreaPostcode

LONDON = ZoneInfo("Europe/London")
MONDAY_10 = datetime(2030, 6, 3, 10, 0, tzinfo=LONDON)


def build(council, make_user):
    home = reference.service_type_create(council=council, actor=None, code="home-care", name="Home care")
    north = reference.area_create(council=council, actor=None, code="north", name="North", level=1)
    AreaPostcode.objects.create(council=council, outward_code="WM1", area=north)
    reference.reason_code_create(
        council=council, actor=None, kind="decline", code="no-capacity", name="No staff capacity"
    )
    arrangement = Arrangement.objects.create(
        council=council,
        reference="HC",
        title="Home care",
        mechanism="tiered_framework",
        regime="pcr_2015_light_touch",
        status="live",
        starts_on=date(2025, 1, 1),
        ends_on=date(2035, 1, 1),
        estimated_value=Decimal(1),
        cap_level_1=2,
        cap_level_2=2,
    )
    lot = Lot.objects.create(arrangement=arrangement, number=1, title="Home care")
    lot.service_types.set([home])
    lot.areas.set([north])
    providers = {}
    for name, position, rank in [
        ("Ash", "primary", None),
        ("Birch", "secondary", None),
        ("Cedar", "reserve", 1),
        ("Dogwood", "reserve", 2),
    ]:
        provider = accounts.organisation_create(kind=OrganisationKind.PROVIDER, name=name)
        application = Application.objects.create(arrangement=arrangement, provider=provider, status="admitted")
        Admission.objects.create(
            arrangement=arrangement,
            lot=lot,
            provider=provider,
            area=north,
            application=application,
            position=position,
            rank=rank,
            price=Decimal("27.50"),
        )
        providers[name] = (provider, make_user(provider, Role.PROVIDER_STAFF))
    practitioner = make_user(council, Role.PRACTITIONER)
    person = services.person_create(
        council=council,
        actor=practitioner,
        given_name="Ada",
        family_name="Byrne",
        date_of_birth=date(1940, 1, 1),
        address="1 Lane",
        postcode="WM1 1AA",
    )
    request = services.care_request_create(
        council=council,
        actor=practitioner,
        person=person,
        service_type="home-care",
        hours_per_week=Decimal(10),
        start_on=date(2030, 6, 10),
        outcomes="Stay at home",
        today=date(2030, 6, 1),
    )
    return request, providers, make_user(council, Role.BROKER)


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
    while True:
        open_ones = list(Referral.objects.filter(request=request, status__in=["offered", "viewed"]))
        if not open_ones:
            break
        for referral in open_ones:
            provider, user = providers[referral.provider.name]
            sourcing.referral_decline(
                referral=referral, provider=provider, actor=user, reason_code="no-capacity", now=now
            )
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
