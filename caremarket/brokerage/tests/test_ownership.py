"""A broker takes a request to work it; two brokers taking the same one at once do not both get it; the request's
reference is the same on the broker's queue, the provider's pages, notifications and the API."""

import re
import threading
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import connection

from caremarket.brokerage import services, sourcing
from caremarket.brokerage.models import CareRequest, Referral, pk_of_reference
from caremarket.core.errors import ServiceError
from caremarket.core.models import AuditEvent
from caremarket.domain.notifications import Kind
from caremarket.domain.roles import Role
from caremarket.notifications.models import Notification

from .factories import market
from .test_api import call, token_for  # noqa: F401 - the fixture is used by name
from .test_cascade import build

MONDAY_10 = datetime(2030, 6, 3, 10, 0, tzinfo=ZoneInfo("Europe/London"))


def test_references_are_read_back_however_they_are_typed():
    assert [pk_of_reference(t) for t in ("R-4821", "r4821", " 4821 ", "R 4821", "x", "")] == [
        4821,
        4821,
        4821,
        4821,
        None,
        None,
    ]


def test_a_broker_takes_a_request_and_another_is_told_who_has_it(council, make_user):
    request, _, broker, _ = market(council, make_user)
    other = make_user(council, Role.BROKER)
    services.care_request_take(request=request, actor=broker)
    services.care_request_take(request=request, actor=broker)  # again: nothing changes
    with pytest.raises(ServiceError, match=f"{broker.full_name} took this request"):
        services.care_request_take(request=request, actor=other)
    assert CareRequest.objects.get(pk=request.pk).owner == broker
    services.care_request_take(request=request, actor=other, take_over=True)
    assert CareRequest.objects.get(pk=request.pk).owner == other
    taken = AuditEvent.objects.filter(action="care_request.taken").order_by("id")
    assert [e.after["owner"] for e in taken] == [broker.full_name, other.full_name]
    assert taken.last().before == {"owner": broker.full_name}
    services.care_request_release(request=request, actor=other)
    assert CareRequest.objects.get(pk=request.pk).owner is None


def test_a_placed_request_cannot_be_taken(council, make_user):
    request, _, broker, _ = market(council, make_user)
    services.care_request_cancel(request=request, actor=broker, reason="moved away")
    with pytest.raises(ServiceError, match="nothing left to work"):
        services.care_request_take(request=request, actor=broker)


@pytest.mark.django_db(transaction=True)
def test_two_brokers_taking_the_same_request_at_once_one_gets_it(council, make_user):
    request, _, first, _ = market(council, make_user)
    second = make_user(council, Role.BROKER)
    outcomes = {}
    barrier = threading.Barrier(2 if connection.vendor == "postgresql" else 1)

    def take(broker):
        barrier.wait()
        try:
            services.care_request_take(request=request, actor=broker)
            outcomes[broker.pk] = "taken"
        except ServiceError as exc:
            outcomes[broker.pk] = str(exc)
        finally:
            if threading.current_thread() is not threading.main_thread():
                connection.close()

    if connection.vendor == "postgresql":
        threads = [threading.Thread(target=take, args=(b,)) for b in (first, second)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    else:  # SQLite serialises writers: one after the other
        for broker in (first, second):
            take(broker)
    assert sorted(v == "taken" for v in outcomes.values()) == [False, True]
    winner = CareRequest.objects.get(pk=request.pk).owner
    loser_said = next(v for v in outcomes.values() if v != "taken")
    assert loser_said.startswith(f"{winner.full_name} took this request")
    assert AuditEvent.objects.filter(action="care_request.taken").count() == 1


def test_the_queue_shows_owner_and_deadline_and_sorts_by_deadline(council, make_user, client):
    request, _, broker = build(council, make_user)
    sourcing.sourcing_start(request=request, actor=broker, now=MONDAY_10)
    services.care_request_take(request=request, actor=broker)
    client.force_login(broker)
    page = client.get("/brokerage/", {"owner": "me", "sort": "deadline"}).content.decode()
    assert re.findall(r'href="/brokerage/requests/(\d+)/"', page) == [str(request.pk)]
    assert f">{request.reference}</a>" in page and broker.full_name in page
    deadline = Referral.objects.filter(request=request).order_by("deadline_at").first().deadline_at
    assert f"{deadline.astimezone(ZoneInfo('Europe/London')):%-d %B %Y}" in page
    assert (
        re.findall(r'href="/brokerage/requests/(\d+)/"', client.get("/brokerage/?owner=nobody").content.decode()) == []
    )
    assert re.findall(
        r'href="/brokerage/requests/(\d+)/"', client.get(f"/brokerage/?q={request.reference}").content.decode()
    ) == [str(request.pk)]


def test_the_request_page_takes_and_gives_back(council, make_user, client):
    request, _, broker, _ = market(council, make_user)
    client.force_login(broker)
    assert "Take this request" in client.get(f"/brokerage/requests/{request.pk}/").content.decode()
    client.post(f"/brokerage/requests/{request.pk}/owner/", {"action": "take"})
    page = client.get(f"/brokerage/requests/{request.pk}/").content.decode()
    assert f"Worked by {broker.full_name}" in page and "Give it back to the queue" in page
    other = make_user(council, Role.BROKER)
    client.force_login(other)
    response = client.post(f"/brokerage/requests/{request.pk}/owner/", {"action": "take"}, follow=True)
    assert f"{broker.full_name} took this request" in response.content.decode()
    assert f"Take over from {broker.full_name}" in response.content.decode()


def test_the_provider_sees_the_reference_the_broker_says(council, make_user, client):
    request, providers, broker = build(council, make_user)
    sourcing.sourcing_start(request=request, actor=broker, now=MONDAY_10)
    referral = Referral.objects.filter(request=request).first()
    provider, user = next(p for p in providers.values() if p[0].pk == referral.provider_id)
    client.force_login(user)
    assert f"Request {request.reference}" in client.get("/referrals/").content.decode()
    assert f"Request {request.reference}:" in client.get(f"/referrals/{referral.pk}/").content.decode()
    told = Notification.objects.get(recipient=user, kind=Kind.REFERRAL_OFFERED)
    assert told.subject.startswith(f"Request {request.reference}:")


def test_the_api_takes_a_request_and_says_its_reference(council, make_user, client, token_for):  # noqa: F811
    request, _, broker, _ = market(council, make_user)
    first, second = token_for(council, Role.BROKER), token_for(council, Role.BROKER)
    taken = call(client, "post", f"/care-requests/{request.pk}/take", first, {})
    assert taken.status_code == 200 and taken.json()["reference"] == request.reference
    assert taken.json()["owner"]
    refused = call(client, "post", f"/care-requests/{request.pk}/take", second, {})
    assert refused.status_code == 409 and "took this request" in refused.json()["detail"]
    mine = call(client, "get", "/care-requests?owner=me", first)
    assert [r["reference"] for r in mine.json()] == [request.reference]
    assert call(client, "post", f"/care-requests/{request.pk}/take", second, {"take_over": True}).status_code == 200
