"""An event one organisation causes in another's work is in both organisations' audit logs; sealed offers are in
the council's log only as "an offer was made"."""

from datetime import timedelta

from caremarket.brokerage import sourcing
from caremarket.brokerage.models import Referral
from caremarket.core.models import AuditEvent

from .test_cascade import MONDAY_10, build
from .test_competitions import offer, publish


def _log(organisation, action):
    return list(AuditEvent.objects.filter(organisation=organisation, action=action))


def test_referral_answers_are_in_the_councils_log_and_the_providers(council, make_user):
    request, providers, broker = build(council, make_user)
    [first] = sourcing.sourcing_start(request=request, actor=broker, now=MONDAY_10)
    ash, ash_user = providers["Ash"]
    assert [e.object_id for e in _log(ash, "referral.received")] == [str(first.pk)]
    sourcing.referral_view(referral=first, provider=ash, actor=ash_user, now=MONDAY_10)
    sourcing.referral_decline(
        referral=first, provider=ash, actor=ash_user, reason_code="no-capacity", now=MONDAY_10 + timedelta(hours=1)
    )
    [declined] = _log(council, "referral.declined")
    assert declined.object_id == str(first.pk) and declined.actor == ash_user and declined.reason == "No staff capacity"
    assert len(_log(ash, "referral.declined")) == 1 and len(_log(council, "referral.viewed")) == 1
    second = Referral.objects.get(request=request, step="secondary")
    birch, birch_user = providers["Birch"]
    sourcing.referrals_time_out(now=second.deadline_at + timedelta(minutes=1))
    assert [e.object_id for e in _log(birch, "referral.timed_out")] == [str(second.pk)]
    cedar, cedar_user = providers["Cedar"]
    reserve = Referral.objects.get(request=request, provider=cedar)
    placement = sourcing.referral_accept(
        referral=reserve, provider=cedar, actor=cedar_user, now=second.deadline_at + timedelta(hours=1)
    )
    assert len(_log(cedar, "referral.accepted")) == len(_log(council, "referral.accepted")) == 1
    assert [e.object_id for e in _log(cedar, "placement.created")] == [str(placement.pk)]


def test_offers_are_in_the_bidders_log_and_only_as_an_offer_in_the_councils(council, make_user):
    competition, providers, _ = publish(council, make_user)
    made = offer(competition, providers, "Ash", "27.00")
    ash, ash_user = providers["Ash"]
    [own] = _log(ash, "offer.submitted")
    assert own.actor == ash_user and own.object_id == str(made.pk)
    [seen] = _log(council, "offer.submitted")
    text = " ".join(str(v) for v in [seen.object_repr, seen.actor_label, seen.before, seen.after, seen.reason])
    assert seen.actor is None and "Ash" not in text and ash_user.email not in text and "27" not in text
    assert seen.object_repr == f"An offer in competition {competition.pk}"
