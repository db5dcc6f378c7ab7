"""Each role's home page is a to-do list: counts of what waits for them, each linking where it is done, and the
counts match the lists behind them."""

from __future__ import annotations

import html
import re

from django.utils import timezone

from caremarket.brokerage import services, sourcing
from caremarket.brokerage.models import CareRequest
from caremarket.brokerage.tests.test_cascade import build
from caremarket.domain.roles import Role
from tests.factories import ApplicationFactory, CareRequestFactory, PaymentRunFactory, UserFactory


def _count(page: str, label: str) -> int:
    found = re.search(
        re.escape(html.escape(label, quote=False).replace("'", "&#39;"))
        + r': (?:<strong class="govuk-tag govuk-tag--blue">(\d+)</strong>|none)',
        page,
    )
    assert found, label
    return int(found.group(1) or 0)


def _requests_listed(page: str) -> set[str]:
    return set(re.findall(r'href="/brokerage/requests/(\d+)/"', page))


def test_a_broker_and_a_team_leader_work_from_their_home_page(council, login):
    broker = UserFactory(organisation=council, roles=[Role.BROKER])
    leader = UserFactory(organisation=council, roles=[Role.TEAM_LEADER])
    unsourced = [CareRequestFactory(council=council, state="unsourced") for _ in range(3)]
    untaken = CareRequestFactory(council=council, state="sourcing")
    CareRequestFactory(council=council, state="awaiting-approval")
    CareRequest.objects.filter(pk=unsourced[0].pk).update(status_changed_at=timezone.now() - timezone.timedelta(days=9))
    services.requests_escalate()
    client = login(broker)
    home = client.get("/").content.decode()
    assert _count(home, "Unsourced requests, not yet escalated") == 2
    assert _count(home, "Escalated: unsourced longer than the council allows") == 1
    assert _count(home, "Requests being sourced that nobody has taken") == 1
    assert _requests_listed(home) == {str(r.pk) for r in [*unsourced, untaken]}
    nobodys = client.get("/brokerage/?status=sourcing&owner=nobody").content.decode()
    assert _requests_listed(nobodys) == {str(untaken.pk)}  # the count and the list behind it agree
    waiting = client.get("/brokerage/?status=unsourced&escalated=no").content.decode()
    assert _requests_listed(waiting) == {str(r.pk) for r in unsourced[1:]}
    escalated = client.get("/brokerage/?status=unsourced&escalated=yes").content.decode()
    assert _requests_listed(escalated) == {str(unsourced[0].pk)}
    leader_home = login(leader).get("/").content.decode()
    assert _count(leader_home, "Children's requests waiting for your approval") == 1
    assert "Unsourced requests, not yet escalated" not in leader_home  # not the team leader's work


def test_finance_officers_see_runs_to_approve_and_their_own_waiting(council, login):
    run = PaymentRunFactory(council=council, state="calculated")
    other = UserFactory(organisation=council, roles=[Role.FINANCE_OFFICER])
    mine = login(run.calculated_by).get("/").content.decode()
    assert _count(mine, "Payment runs for you to approve") == 0
    assert _count(mine, "Your calculations waiting for another officer") == 1
    theirs = login(other).get("/").content.decode()
    assert _count(theirs, "Payment runs for you to approve") == 1
    assert f'href="/finance/runs/{run.pk}/"' in theirs


def test_a_provider_sees_referrals_to_answer_with_deadlines_and_a_commissioner_applications_to_decide(
    council, other_council, make_user, login, provider
):
    request, providers, broker = build(council, make_user)
    [first] = sourcing.sourcing_start(request=request, actor=broker)
    ash_home = login(providers["Ash"][1]).get("/").content.decode()
    assert _count(ash_home, "Referrals to answer") == 1
    assert f'href="/referrals/{first.pk}/"' in ash_home and "answer by" in ash_home
    assert _count(login(providers["Birch"][1]).get("/").content.decode(), "Referrals to answer") == 0

    application = ApplicationFactory(council=other_council, provider=provider, state="submitted")
    commissioner = make_user(other_council, Role.COMMISSIONER)
    page = login(commissioner).get("/").content.decode()
    assert _count(page, "Applications to evaluate and decide") == 1
    assert f"/applications/{application.pk}/" in page


def test_the_to_do_list_and_the_queue_by_machine(council, client):
    from caremarket.accounts import services as accounts

    broker = UserFactory(organisation=council, roles=[Role.BROKER, Role.TEAM_LEADER])
    waiting = CareRequestFactory(council=council, state="unsourced")
    child = CareRequestFactory(council=council, state="awaiting-approval")
    secret = accounts.api_token_create(
        organisation=council, name="Case system", roles=["broker", "team_leader"], actor=broker
    ).secret
    auth = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
    items = {(i["role"], i["label"]): i for i in client.get("/api/v1/to-do", **auth).json()}
    unsourced = items[("broker", "Unsourced requests, not yet escalated")]
    assert unsourced["count"] == 1 and unsourced["rows"][0]["href"] == f"/brokerage/requests/{waiting.pk}/"
    assert items[("team_leader", "Children's requests waiting for your approval")]["count"] == 1
    queue = client.get("/api/v1/care-requests?status=unsourced&escalated=no", **auth).json()
    assert [r["id"] for r in queue] == [waiting.pk]
    assert [r["id"] for r in client.get(f"/api/v1/care-requests?q={child.pk}", **auth).json()] == [child.pk]
