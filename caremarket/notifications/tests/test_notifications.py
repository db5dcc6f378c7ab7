"""Everyone asked to act is told: in the app (with an unread count), by email as they choose, and a provider's
systems by signed webhooks that are retried until delivered."""

from __future__ import annotations

import json
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from django.core import mail

from caremarket.brokerage import competitions, services, sourcing
from caremarket.brokerage.tests.test_cascade import MONDAY_10, build
from caremarket.brokerage.tests.test_competitions import CLOSES, offer, publish
from caremarket.core.errors import ServiceError
from caremarket.domain import notifications as rules
from caremarket.domain.roles import Role
from caremarket.notifications import sending
from caremarket.notifications import services as notifications
from caremarket.notifications.models import Notification, WebhookDelivery


def _told(user, kind=None):
    found = Notification.objects.filter(recipient=user)
    return list(found.filter(kind=kind) if kind else found)


def test_a_referral_offered_is_in_the_providers_list_with_its_deadline_emailed_and_opened_from_there(
    council, make_user, login, django_capture_on_commit_callbacks
):
    request, providers, broker = build(council, make_user)
    ash, ash_user = providers["Ash"]
    birch, birch_user = providers["Birch"]
    with django_capture_on_commit_callbacks(execute=True):
        [first] = sourcing.sourcing_start(request=request, actor=broker, now=MONDAY_10)
    [told] = _told(ash_user)
    assert told.kind == rules.Kind.REFERRAL_OFFERED and told.deadline_at == first.deadline_at
    assert told.link == f"/referrals/{first.pk}/" and "answer by" in told.subject
    assert _told(birch_user) == []  # the secondary is asked only if Ash does not accept
    assert [m.to for m in mail.outbox if m.subject == told.subject] == [[ash_user.email]]
    assert "Ada" not in told.body and "Byrne" not in told.body  # the person's name is for after placement
    client = login(ash_user)
    home = client.get("/").content.decode()
    assert "Notifications (1 unread)" in home  # in the navigation, and under it where a small screen shows it
    assert 'href="/notifications/?show=unread">1 unread notification</a>' in home
    opened = client.get(f"/notifications/{told.pk}/")
    assert opened.status_code == 302 and opened["Location"] == f"/referrals/{first.pk}/"
    told.refresh_from_db()
    assert told.read_at is not None
    assert "unread" not in client.get("/").content.decode()
    # the same event is never told twice
    notifications.notify(
        kind=rules.Kind.REFERRAL_OFFERED,
        organisation=ash,
        subject="again",
        body="again",
        link="/",
        event_key=f"referral:{first.pk}:offered",
    )
    assert len(_told(ash_user)) == 1
    # another person cannot open it
    assert login(make_user(ash, Role.PROVIDER_STAFF)).get(f"/notifications/{told.pk}/").status_code == 404


def test_each_person_chooses_email_now_daily_or_never_and_leavers_are_not_emailed(
    council, make_user, django_capture_on_commit_callbacks
):
    request, providers, broker = build(council, make_user)
    ash, ash_user = providers["Ash"]
    daily = make_user(ash, Role.PROVIDER_ADMIN)
    never = make_user(ash, Role.PROVIDER_STAFF)
    leaver = make_user(ash, Role.PROVIDER_STAFF)
    notifications.email_preferences_set(user=daily, choices={"referral.offered": "daily"})
    notifications.email_preferences_set(user=never, choices={"referral.offered": "never"})
    with pytest.raises(ServiceError) as refused:
        notifications.email_preferences_set(user=never, choices={"referral.offered": "hourly", "nonsense": "never"})
    assert set(refused.value.errors) == {"referral.offered", "nonsense"}
    with django_capture_on_commit_callbacks(execute=True):
        sourcing.sourcing_start(request=request, actor=broker, now=MONDAY_10)
        leaver.is_active = False  # leaves before the worker sends
        leaver.save(update_fields=["is_active"])
    emailed = sorted(to for m in mail.outbox for to in m.to)
    assert emailed == [ash_user.email]  # the leaver, the daily and the never people: not now
    assert all(len(_told(u)) == 1 for u in (ash_user, daily, never))
    assert sending.digests_send() == 1
    digest = mail.outbox[-1]
    assert digest.to == [daily.email] and "1 new item" in digest.subject and "/referrals/" in digest.body
    assert sending.digests_send() == 0  # nothing new since


def test_who_is_told_of_approvals_runs_competitions_awards_and_escalations(council, other_council, make_user):
    from caremarket.brokerage.models import CareRequest
    from tests.factories import CareRequestFactory, PaymentRunFactory

    team_leader = make_user(council, Role.TEAM_LEADER)
    child = CareRequestFactory(council=council, state="awaiting-approval")
    [approval] = _told(team_leader, rules.Kind.APPROVAL_WAITING)
    assert approval.link == f"/brokerage/requests/{child.pk}/"

    run = PaymentRunFactory(council=council, state="calculated")
    calculator = run.calculated_by
    others = [u for u in council.users.filter(role_grants__role="finance_officer") if u != calculator]
    assert _told(calculator, rules.Kind.RUN_AWAITING_APPROVAL) == []
    assert others and all(_told(u, rules.Kind.RUN_AWAITING_APPROVAL) for u in others)

    competition, providers, broker = publish(other_council, make_user)  # a market of its own
    assert all(_told(user, rules.Kind.COMPETITION_OPENED) for _, user in providers.values())
    offer(competition, providers, "Ash", "26.00")
    won = offer(competition, providers, "Birch", "25.00")
    competitions.competitions_close(now=CLOSES + timedelta(minutes=1))
    competition.refresh_from_db()
    competitions.competition_score(
        competition=competition,
        actor=broker,
        quality={o.pk: 4 for o in competition.offers.all()},
        now=CLOSES + timedelta(minutes=2),
    )
    competitions.competition_award(competition=competition, offer=won, actor=broker, now=CLOSES + timedelta(minutes=3))
    assert _told(providers["Birch"][1], rules.Kind.OFFER_AWARDED)
    assert _told(providers["Ash"][1], rules.Kind.OFFER_NOT_AWARDED)
    assert not _told(providers["Cedar"][1], rules.Kind.OFFER_NOT_AWARDED)  # it made no offer

    stale = CareRequestFactory(council=council, state="unsourced")
    CareRequest.objects.filter(pk=stale.pk).update(status_changed_at=MONDAY_10 - timedelta(days=10))
    assert services.requests_escalate(now=MONDAY_10) >= 1
    assert _told(team_leader, rules.Kind.REQUEST_ESCALATED)


def test_a_deadline_one_working_hour_away_is_told_once_to_those_who_have_not_answered(council, make_user):
    request, providers, broker = build(council, make_user)
    [first] = sourcing.sourcing_start(request=request, actor=broker, now=MONDAY_10)
    ash_user = providers["Ash"][1]
    early = first.deadline_at - timedelta(hours=2)
    assert sourcing.deadlines_remind(now=early) == 0
    near = first.deadline_at - timedelta(minutes=40)
    assert sourcing.deadlines_remind(now=near) == 1
    assert sourcing.deadlines_remind(now=near + timedelta(minutes=5)) == 0
    [reminder] = _told(ash_user, rules.Kind.DEADLINE_NEAR)
    assert reminder.link == f"/referrals/{first.pk}/"


class Receiver:
    """A real HTTP endpoint on this machine that answers 500 to the first `failures` deliveries, then 204."""

    def __init__(self, failures: int):
        self.failures, self.received = failures, []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - the standard library's name
                body = self.rfile.read(int(self.headers["Content-Length"]))
                outer.received.append((dict(self.headers), body))
                self.send_response(500 if len(outer.received) <= outer.failures else 204)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/caremarket"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()


def test_a_webhook_that_fails_twice_is_retried_with_back_off_then_delivered_once_signed(
    council, make_user, settings, django_capture_on_commit_callbacks
):
    settings.WEBHOOKS_ALLOW_PRIVATE_ADDRESSES = True  # the receiver is on this machine
    request, providers, broker = build(council, make_user)
    ash, ash_user = providers["Ash"]
    admin = make_user(ash, Role.PROVIDER_ADMIN)
    receiver = Receiver(failures=2)
    try:
        subscription = notifications.webhook_subscribe(
            organisation=ash, actor=admin, url=receiver.url, kinds=["referral.offered"], description="Rota"
        )
        with django_capture_on_commit_callbacks(execute=True):
            [first] = sourcing.sourcing_start(request=request, actor=broker, now=MONDAY_10)
        [delivery] = WebhookDelivery.objects.filter(subscription=subscription)
        assert (delivery.status, delivery.attempts, delivery.last_status_code) == ("retrying", 1, 500)
        subscription.refresh_from_db()
        assert subscription.failing_since is not None
        # not due yet: nothing is sent
        assert sending.webhooks_retry_due(now=delivery.next_attempt_at - timedelta(seconds=1)) == 0
        assert len(receiver.received) == 1
        sending.webhooks_retry_due(now=delivery.next_attempt_at)
        delivery.refresh_from_db()
        assert (delivery.status, delivery.attempts) == ("retrying", 2)
        assert delivery.next_attempt_at - delivery.created_at >= timedelta(minutes=5)  # backed off further
        sending.webhooks_retry_due(now=delivery.next_attempt_at)
        delivery.refresh_from_db()
        assert (delivery.status, delivery.attempts, delivery.last_status_code) == ("delivered", 3, 204)
        assert sending.webhooks_retry_due(now=delivery.next_attempt_at + timedelta(days=1)) == 0
        assert len(receiver.received) == 3  # delivered once, never again
        headers, body = receiver.received[-1]
        assert rules.signature_valid(subscription.secret, headers[rules.SIGNATURE_HEADER], body)
        assert not rules.signature_valid("another-secret", headers[rules.SIGNATURE_HEADER], body)
        event = json.loads(body)
        assert event["type"] == "referral.offered" and event["data"]["referral_id"] == first.pk
        assert event["data"]["accept"] == f"/api/v1/referrals/{first.pk}/accept"
        assert {h for h, _ in receiver.received[0][0].items()} >= {"Caremarket-Event", "Caremarket-Delivery"}
        assert len({json.loads(b)["id"] for _, b in receiver.received}) == 1  # the same event each time
        subscription.refresh_from_db()
        assert subscription.failing_since is None
    finally:
        receiver.close()


def test_a_receiver_that_never_answers_well_is_marked_failed_and_sourcing_goes_on(
    council, make_user, settings, django_capture_on_commit_callbacks
):
    settings.WEBHOOKS_ALLOW_PRIVATE_ADDRESSES = True
    request, providers, broker = build(council, make_user)
    ash, _ = providers["Ash"]
    receiver = Receiver(failures=100)
    try:
        subscription = notifications.webhook_subscribe(
            organisation=ash, actor=None, url=receiver.url, kinds=["referral.offered"]
        )
        with django_capture_on_commit_callbacks(execute=True):
            [first] = sourcing.sourcing_start(request=request, actor=broker, now=MONDAY_10)
        delivery = WebhookDelivery.objects.get(subscription=subscription)
        for _ in range(len(rules.RETRY_AFTER)):
            delivery.refresh_from_db()
            sending.webhooks_retry_due(now=delivery.next_attempt_at)
        delivery.refresh_from_db()
        assert (delivery.status, delivery.attempts) == ("failed", len(rules.RETRY_AFTER) + 1)
        assert first.status == "offered"  # the referral stood throughout
    finally:
        receiver.close()


def test_webhook_addresses_inside_the_installation_or_not_https_are_refused(provider, make_user):
    admin = make_user(provider, Role.PROVIDER_ADMIN)
    for url, why in [
        ("http://rota.example.com/hook", "https://"),
        ("https://127.0.0.1/hook", "private network"),
        ("https://10.1.2.3/hook", "private network"),
        ("https://169.254.169.254/latest", "private network"),
    ]:
        with pytest.raises(ServiceError) as refused:
            notifications.webhook_subscribe(organisation=provider, actor=admin, url=url, kinds=["referral.offered"])
        assert why in refused.value.errors["url"]
    with pytest.raises(ServiceError) as refused:
        notifications.webhook_subscribe(
            organisation=provider, actor=admin, url="https://8.8.8.8/hook", kinds=["payment_run.awaiting_approval"]
        )
    assert "cannot subscribe" in refused.value.errors["kinds"]


def test_no_one_reads_or_ends_another_organisations_notifications_or_webhooks(
    council, other_council, make_user, login, client, settings
):
    settings.WEBHOOKS_ALLOW_PRIVATE_ADDRESSES = True
    mine = make_user(council, Role.TEAM_LEADER)
    theirs = make_user(other_council, Role.ORGANISATION_ADMIN, Role.TEAM_LEADER)
    [told] = notifications.notify(
        kind=rules.Kind.APPROVAL_WAITING,
        organisation=council,
        subject="A child's request waits",
        body="x",
        link="/brokerage/",
        event_key="test:1",
    )
    assert told.recipient == mine
    hook = notifications.webhook_subscribe(
        organisation=council, actor=None, url="http://127.0.0.1:9/hook", kinds=["approval.waiting"]
    )
    browser = login(theirs)
    assert browser.get(f"/notifications/{told.pk}/").status_code == 404
    assert browser.get(f"/notifications/webhooks/{hook.pk}/").status_code == 404
    assert browser.post(f"/notifications/webhooks/{hook.pk}/", {"confirm": "on"}).status_code == 404
    hook.refresh_from_db()
    assert hook.is_active
    # someone of another organisation given explicitly is still not told
    assert (
        notifications.notify(
            kind=rules.Kind.APPROVAL_WAITING,
            organisation=council,
            subject="x",
            body="x",
            link="/",
            event_key="test:2",
            recipients=[theirs],
        )
        == []
    )


def test_a_rostering_system_reads_its_notifications_subscribes_and_answers_by_machine(
    council, make_user, client, settings, django_capture_on_commit_callbacks
):
    from caremarket.accounts import services as accounts

    settings.WEBHOOKS_ALLOW_PRIVATE_ADDRESSES = True
    request, providers, broker = build(council, make_user)
    ash, ash_user = providers["Ash"]
    admin = make_user(ash, Role.PROVIDER_ADMIN)
    token = accounts.api_token_create(organisation=ash, name="Rota", roles=["provider_admin"], actor=admin).secret
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    staff_token = accounts.api_token_create(
        organisation=ash, name="Staff", roles=["provider_staff"], actor=ash_user
    ).secret
    assert (
        client.post(
            "/api/v1/webhooks",
            {"url": "https://rota.example.com/hook", "kinds": ["referral.offered"]},
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {staff_token}",
        ).status_code
        == 403
    )  # subscribing is for an admin
    made = client.post(
        "/api/v1/webhooks",
        {"url": "http://127.0.0.1:9/hook", "kinds": ["referral.offered", "offer.awarded"]},
        content_type="application/json",
        **auth,
    )
    assert made.status_code == 201 and len(made.json()["secret"]) == 64
    hook_id = made.json()["id"]
    assert "secret" not in client.get("/api/v1/webhooks", **auth).json()[0]
    with django_capture_on_commit_callbacks(execute=True):
        [first] = sourcing.sourcing_start(request=request, actor=broker, now=MONDAY_10)
    [delivery] = client.get(f"/api/v1/webhooks/{hook_id}/deliveries", **auth).json()
    assert delivery["kind"] == "referral.offered" and delivery["attempts"] == 1  # nothing listens on port 9
    assert delivery["payload"]["data"]["referral_id"] == first.pk
    unread = client.get("/api/v1/notifications?unread=true", **auth).json()
    assert [n["kind"] for n in unread] == ["referral.offered"]
    assert client.post(f"/api/v1/notifications/{unread[0]['id']}/read", **auth).json()["read_at"] is not None
    assert client.get("/api/v1/notifications?unread=true", **auth).json() == []
    changed = client.put(
        "/api/v1/notifications/email-preferences",
        {"choices": {"referral.offered": "never"}},
        content_type="application/json",
        **auth,
    )
    assert {p["kind"]: p["email"] for p in changed.json()}["referral.offered"] == "never"
    bad = client.put(
        "/api/v1/notifications/email-preferences",
        {"choices": {"payment_run.awaiting_approval": "sometimes"}},
        content_type="application/json",
        **auth,
    )
    assert bad.status_code == 400
    ended = client.post(f"/api/v1/webhooks/{hook_id}/deactivation", **auth)
    assert ended.json()["is_active"] is False


def test_long_lists_are_paged_fifty_at_a_time_keeping_the_query(council, make_user, login):
    from caremarket.notifications.models import Notification

    leader = make_user(council, Role.TEAM_LEADER)
    Notification.objects.bulk_create(
        Notification(
            organisation=council,
            recipient=leader,
            kind="approval.waiting",
            subject=f"Request {n} waits",
            body="x",
            link="/",
            event_key=f"test:{n}",
        )
        for n in range(55)
    )
    client = login(leader)
    first = client.get("/notifications/?show=unread").content.decode()
    second = client.get("/notifications/?show=unread&page=2").content.decode()
    assert first.count("cm-notification--unread") == 50 and second.count("cm-notification--unread") == 5
    assert 'href="?show=unread&amp;page=2"' in first and "govuk-pagination" in first
