from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from caremarket.brokerage import competitions, selectors
from caremarket.brokerage.models import CareRequest, Offer
from caremarket.core.errors import ServiceError
from caremarket.core.models import AuditEvent

from .factories import market

LONDON = ZoneInfo("Europe/London")
NOW = datetime(2030, 6, 3, 10, 0, tzinfo=LONDON)
CLOSES = NOW + timedelta(days=2)


def publish(council, make_user, **kw):
    request, providers, broker, _ = market(council, make_user, **kw)
    competition = competitions.competition_publish(
        request=request, actor=broker, closes_at=CLOSES, criteria="60% quality, 40% price", now=NOW
    )
    return competition, providers, broker


def offer(competition, providers, name, price, when=NOW):
    provider, user = providers[name]
    return competitions.offer_submit(
        competition=competition,
        provider=provider,
        actor=user,
        price=Decimal(price),
        earliest_start_on=date(2030, 6, 10),
        how_outcomes_met=f"{name} will help with meals and a walk each day",
        now=when,
    )


def test_publish_invites_every_eligible_provider_and_picks_the_unit(council, make_user):
    competition, providers, _ = publish(council, make_user)
    assert sorted(i.provider.name for i in competition.invitations.all()) == ["Ash", "Birch", "Cedar"]
    assert competition.price_unit == "hour"
    assert (competition.quality_weight, competition.price_weight) == (60, 40)


def test_publish_refuses_a_closing_time_in_the_past_and_bad_weights(council, make_user):
    request, _, broker, _ = market(council, make_user)
    with pytest.raises(ServiceError, match="closing time must be in the future"):
        competitions.competition_publish(request=request, actor=broker, closes_at=NOW, criteria="x", now=NOW)
    with pytest.raises(ServiceError, match="add up to 100"):
        competitions.competition_publish(
            request=request, actor=broker, closes_at=CLOSES, criteria="x", quality_weight=70, now=NOW
        )
    assert not request.competitions.exists()


def test_offers_are_sealed_before_closing_for_everyone_and_the_attempt_is_audited(council, make_user):
    competition, providers, broker = publish(council, make_user)
    offer(competition, providers, "Ash", "26.40")
    offer(competition, providers, "Birch", "24.10")
    assert selectors.offer_count(competition=competition) == 2
    with pytest.raises(competitions.SealedError, match="sealed until"):
        competitions.offers_for_council(competition=competition, actor=broker, route="page", now=NOW)
    refused = AuditEvent.objects.get(action="offer.sealed_read_refused")
    assert refused.actor == broker and refused.after == {"route": "page"}
    # the audit log itself carries no offer content
    for event in AuditEvent.objects.filter(action__startswith="offer."):
        assert "26.40" not in str(event.after) and "meals" not in str(event.after)
    # after the closing time the council can read them
    offers = competitions.offers_for_council(competition=competition, actor=broker, route="page", now=CLOSES)
    assert sorted(o.price for o in offers) == [Decimal("24.10"), Decimal("26.40")]


def test_offer_after_closing_or_from_a_provider_not_invited_is_refused(council, make_user):
    competition, providers, _ = publish(council, make_user)
    with pytest.raises(ServiceError, match="has closed"):
        offer(competition, providers, "Ash", "26.40", when=CLOSES)
    from caremarket.accounts import services as accounts
    from caremarket.domain.roles import OrganisationKind, Role

    outsider = accounts.organisation_create(kind=OrganisationKind.PROVIDER, name="Outsider Care")
    with pytest.raises(ServiceError, match="not eligible"):
        competitions.offer_submit(
            competition=competition,
            provider=outsider,
            actor=make_user(outsider, Role.PROVIDER_STAFF),
            price=Decimal(20),
            earliest_start_on=date(2030, 6, 10),
            how_outcomes_met="x",
            now=NOW,
        )
    with pytest.raises(ServiceError, match="cannot be in the past"):
        competitions.offer_submit(
            competition=competition,
            provider=providers["Ash"][0],
            actor=providers["Ash"][1],
            price=Decimal(20),
            earliest_start_on=date(2030, 6, 1),
            how_outcomes_met="x",
            now=NOW,
        )
    assert not Offer.objects.exists()


def test_a_second_offer_replaces_the_first_and_withdrawal_closes_with_the_competition(council, make_user):
    competition, providers, _ = publish(council, make_user)
    first = offer(competition, providers, "Ash", "26.40")
    second = offer(competition, providers, "Ash", "25.00")
    assert Offer.objects.get(pk=first.pk).status == "withdrawn"
    assert selectors.offer_count(competition=competition) == 1
    ash, ash_user = providers["Ash"]
    with pytest.raises(ServiceError, match="No such offer"):
        competitions.offer_withdraw(offer=second, provider=providers["Birch"][0], actor=ash_user, now=NOW)
    with pytest.raises(ServiceError, match="has closed"):
        competitions.offer_withdraw(offer=second, provider=ash, actor=ash_user, now=CLOSES)
    competitions.offer_withdraw(offer=second, provider=ash, actor=ash_user, now=NOW)
    assert selectors.offer_count(competition=competition) == 0


def test_scoring_after_closing_by_the_published_weights_then_award(council, make_user):
    competition, providers, broker = publish(council, make_user)
    ash = offer(competition, providers, "Ash", "30.00")
    birch = offer(competition, providers, "Birch", "24.00")
    with pytest.raises(competitions.SealedError):
        competitions.competition_score(competition=competition, actor=broker, quality={}, now=NOW)
    assert competitions.competitions_close(now=CLOSES) == 1
    with pytest.raises(ServiceError, match="Score the offer from"):
        competitions.competition_score(competition=competition, actor=broker, quality={ash.pk: 90}, now=CLOSES)
    ranked = competitions.competition_score(
        competition=competition, actor=broker, quality={ash.pk: Decimal(90), birch.pk: Decimal(70)}, now=CLOSES
    )
    # Ash: 0.6 x 90 + 0.4 x (24/30 x 100 = 80) = 86; Birch: 0.6 x 70 + 0.4 x 100 = 82
    assert [(o.provider.name, o.price_score, o.total_score, o.rank) for o in ranked] == [
        ("Ash", Decimal("80.00"), Decimal("86.00"), 1),
        ("Birch", Decimal("100.00"), Decimal("82.00"), 2),
    ]
    with pytest.raises(ServiceError, match="did not score highest"):
        competitions.competition_award(competition=competition, offer=birch, actor=broker, now=CLOSES)
    placement = competitions.competition_award(competition=competition, offer=ash, actor=broker, now=CLOSES)
    assert (placement.provider.name, placement.route, placement.agreed_price, placement.price_unit) == (
        "Ash",
        "call-off",
        Decimal("30.00"),
        "hour",
    )
    assert CareRequest.objects.get(pk=competition.request_id).status == "placed"
    with pytest.raises(ServiceError):
        competitions.competition_award(competition=competition, offer=ash, actor=broker, now=CLOSES)


def test_no_award_needs_a_reason_and_leaves_the_request_unsourced(council, make_user):
    competition, providers, broker = publish(council, make_user)
    with pytest.raises(ServiceError, match="Record why"):
        competitions.competition_no_award(competition=competition, actor=broker, reason=" ", now=CLOSES)
    competitions.competition_no_award(competition=competition, actor=broker, reason="No offers", now=CLOSES)
    assert CareRequest.objects.get(pk=competition.request_id).status == "unsourced"
