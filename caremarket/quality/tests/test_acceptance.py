"""The referral acceptance KPI from the cascade's record: a primary provider that declines is below 75%, and its
page lists the referrals it did not accept; reserve providers are not held to the rule."""

import json
import re
from datetime import datetime
from zoneinfo import ZoneInfo

from caremarket.accounts import services as accounts
from caremarket.brokerage import sourcing
from caremarket.brokerage.models import Referral
from caremarket.brokerage.tests.test_cascade import build
from caremarket.domain.kpis import Rag
from caremarket.domain.roles import Role
from caremarket.quality import presenters, selectors

MONDAY_10 = datetime(2030, 6, 3, 10, 0, tzinfo=ZoneInfo("Europe/London"))


def _cascade(council, make_user):
    """Ash (primary) declines, Birch (secondary) accepts; the reserve list is never asked."""
    request, providers, broker = build(council, make_user)
    sourcing.sourcing_start(request=request, actor=broker, now=MONDAY_10)
    ash, ash_user = providers["Ash"]
    referral = Referral.objects.get(request=request, provider=ash)
    sourcing.referral_decline(referral=referral, provider=ash, actor=ash_user, reason_code="no-capacity", now=MONDAY_10)
    birch, birch_user = providers["Birch"]
    sourcing.referral_accept(
        referral=Referral.objects.get(request=request, provider=birch), provider=birch, actor=birch_user, now=MONDAY_10
    )
    return providers


def test_each_primary_and_secondary_provider_has_its_rate_and_band(council, make_user):
    providers = _cascade(council, make_user)
    rows = selectors.referral_acceptance(council=council, start=MONDAY_10.date(), end=MONDAY_10.date())
    assert [(r["provider"], r["accepted"], r["declined"], r["decided"], r["rate"], r["rag"]) for r in rows] == [
        ("Ash", 0, 1, 1, 0, Rag.RED),
        ("Birch", 1, 0, 1, 100, Rag.GREEN),
    ]
    behind = selectors.referrals_not_accepted(
        council=council, provider_id=providers["Ash"][0].pk, start=MONDAY_10.date(), end=MONDAY_10.date()
    )
    assert [(f.provider.name, f.decline_reason.code) for f in behind] == [("Ash", "no-capacity")]


def test_the_quality_officer_sees_the_provider_below_75_and_one_click_further_its_declines(
    council, make_user, client, time_machine
):
    time_machine.move_to(MONDAY_10)
    providers = _cascade(council, make_user)
    officer = make_user(council, Role.QUALITY_OFFICER)
    client.force_login(officer)
    home = client.get("/").content.decode()
    assert "Providers below 75% referral acceptance (last 6 months)" in home and "Ash: 0.0% of 1 referrals" in home
    page = client.get("/quality/kpis/").content.decode()
    assert re.search(r"Ash.*?govuk-tag--red", page, re.S) and "Birch" in page
    drill = client.get(f"/quality/kpis/referral-acceptance/{providers['Ash'][0].pk}/?months=6").content.decode()
    assert "Referrals Ash did not accept" in drill and "No staff capacity" in drill and "0 of 1 accepted" in drill
    broker = make_user(council, Role.BROKER)
    client.force_login(broker)
    assert client.get("/quality/kpis/").status_code == 403
    secret = accounts.api_token_create(
        organisation=council, name="kpi", roles=[Role.QUALITY_OFFICER.value], actor=officer
    ).secret
    got = client.get("/api/v1/kpis/referral-acceptance?months=6", headers={"Authorization": f"Bearer {secret}"})
    assert [(r["provider"], r["rate"], r["rag"]) for r in json.loads(got.content)] == [
        ("Ash", "0.0", "red"),
        ("Birch", "100.0", "green"),
    ]


def test_the_period_is_three_six_or_twelve_months():
    assert presenters.period("12", MONDAY_10.date())[0] == "12"
    assert presenters.period("nonsense", MONDAY_10.date())[0] == "6"


def test_stopping_new_referrals_takes_the_provider_out_of_routing_at_once(council, make_user, client):
    from caremarket.brokerage import selectors as brokerage_selectors
    from caremarket.core.models import AuditEvent

    request, providers, broker = build(council, make_user)
    ash = providers["Ash"][0]
    officer = make_user(council, Role.QUALITY_OFFICER)
    client.force_login(officer)
    refused = client.post(f"/quality/providers/{ash.pk}/referral-stop/", {"action": "stop", "reason": ""})
    assert refused.status_code == 400 and "Say why new referrals" in refused.content.decode()
    client.post(f"/quality/providers/{ash.pk}/referral-stop/", {"action": "stop", "reason": "Safeguarding concern"})
    verdict = next(v for v in brokerage_selectors.request_eligibility(request) if v.provider == "Ash")
    assert not verdict.eligible and verdict.explain() == "new referrals stopped by the council: Safeguarding concern"
    sourcing.sourcing_start(request=request, actor=broker, now=MONDAY_10)
    assert not Referral.objects.filter(request=request, provider=ash).exists()  # the cascade went past Ash
    assert AuditEvent.objects.filter(action="referrals.stopped", reason="Safeguarding concern").exists()
    page = client.get(f"/quality/kpis/referral-acceptance/{ash.pk}/").content.decode()
    assert "New referrals to Ash are stopped: Safeguarding concern" in page
    from caremarket.notifications.models import Notification

    told = Notification.objects.get(recipient=providers["Ash"][1])
    assert told.subject == f"{council.name} stops new referrals to you" and "Safeguarding concern" in told.body
    client.post(f"/quality/providers/{ash.pk}/referral-stop/", {"action": "resume"})
    assert next(v for v in brokerage_selectors.request_eligibility(request) if v.provider == "Ash").eligible
    broker_client = client
    broker_client.force_login(broker)
    forbidden = broker_client.post(f"/quality/providers/{ash.pk}/referral-stop/", {"action": "stop", "reason": "x"})
    assert forbidden.status_code == 403
    # by API, as on the page: stopped, then lifted; lifting what is not stopped is a conflict
    secret = accounts.api_token_create(
        organisation=council, name="quality", roles=[Role.QUALITY_OFFICER.value], actor=officer
    ).secret
    headers = {"Authorization": f"Bearer {secret}"}
    stopped = client.post(
        f"/api/v1/providers/{ash.pk}/referral-stop", data=json.dumps({"reason": "Missed visits"}),
        content_type="application/json", headers=headers,
    )  # fmt: skip
    assert stopped.status_code == 200 and stopped.json()["reason"] == "Missed visits"
    lifted = client.post(f"/api/v1/providers/{ash.pk}/referral-stop/lifting", headers=headers)
    assert lifted.status_code == 200 and lifted.json()["lifted_at"]
    assert client.post(f"/api/v1/providers/{ash.pk}/referral-stop/lifting", headers=headers).status_code == 409
