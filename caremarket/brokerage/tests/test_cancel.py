"""A request is cancelled with a reason (the person died, moved or chose a direct payment): its open referrals and
any competition end, and the providers concerned are told."""

import pytest
from django.core import mail

from caremarket.brokerage import services, sourcing
from caremarket.brokerage.models import CareRequest, Referral
from caremarket.core.errors import ServiceError
from caremarket.core.models import AuditEvent
from caremarket.domain.roles import Role

from .test_cascade import MONDAY_10, build
from .test_competitions import offer, publish


def test_cancelling_ends_open_referrals_and_tells_the_provider(council, make_user, django_capture_on_commit_callbacks):
    request, providers, broker = build(council, make_user)
    [first] = sourcing.sourcing_start(request=request, actor=broker, now=MONDAY_10)
    with pytest.raises(ServiceError, match="Say why"):
        services.care_request_cancel(request=request, actor=broker, reason=" ")
    assert Referral.objects.get(pk=first.pk).status == "offered"
    with django_capture_on_commit_callbacks(execute=True):
        services.care_request_cancel(request=request, actor=broker, reason="The person chose a direct payment")
    assert CareRequest.objects.get(pk=request.pk).status == "cancelled"
    assert Referral.objects.get(pk=first.pk).status == "cancelled"
    ash, ash_user = providers["Ash"]
    assert AuditEvent.objects.filter(organisation=ash, action="referral.cancelled").count() == 1
    assert any(ash_user.email in m.to and "cancelled" in m.subject for m in mail.outbox)
    with pytest.raises(ServiceError, match="has cancelled this request"):
        sourcing.referral_accept(referral=first, provider=ash, actor=ash_user, now=MONDAY_10)
    with pytest.raises(ServiceError, match="cannot be cancelled"):
        services.care_request_cancel(request=request, actor=broker, reason="again")


def test_cancelling_ends_a_running_competition(council, make_user):
    competition, providers, broker = publish(council, make_user)
    offer(competition, providers, "Ash", "27.00")
    services.care_request_cancel(request=competition.request, actor=broker, reason="The person moved away")
    competition.refresh_from_db()
    assert competition.status == "cancelled"
    with pytest.raises(ServiceError, match="closed"):
        offer(competition, providers, "Birch", "26.00")


def test_a_practitioner_cancels_in_the_browser_with_a_reason(council, make_user, login):
    request, _, _ = build(council, make_user)
    client = login(make_user(council, Role.PRACTITIONER))
    page = client.get(f"/brokerage/requests/{request.pk}/").content.decode()
    assert "Cancel this request" in page
    # the person's link is a link, not escaped markup; a name with markup in it stays text
    assert f'<a class="govuk-link" href="/brokerage/people/{request.person.pk}/">Ada Byrne</a>, aged' in page
    type(request.person).objects.filter(pk=request.person.pk).update(family_name="<b>Byrne</b>")
    page = client.get(f"/brokerage/requests/{request.pk}/").content.decode()
    assert "Ada &lt;b&gt;Byrne&lt;/b&gt;</a>" in page and "<b>Byrne" not in page
    bad = client.post(f"/brokerage/requests/{request.pk}/cancel/", {"reason": ""})
    assert bad.status_code == 400 and "Say why the request is cancelled" in bad.content.decode()
    done = client.post(f"/brokerage/requests/{request.pk}/cancel/", {"reason": "The person died"})
    assert done.status_code == 302 and CareRequest.objects.get(pk=request.pk).status == "cancelled"
    assert "Cancel this request" not in client.get(f"/brokerage/requests/{request.pk}/").content.decode()
