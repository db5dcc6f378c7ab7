"""Pages of brokerage: sealed offers by page and export, placements, and tenancy."""

import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from caremarket.brokerage import competitions
from caremarket.brokerage.models import Competition, Offer
from caremarket.core.models import AuditEvent
from caremarket.domain.roles import Role

from .factories import market


@pytest.fixture
def live_competition(council, make_user):
    request, providers, broker, _ = market(council, make_user)
    # the request starts in 2030; the test runs now
    competition = competitions.competition_publish(
        request=request, actor=broker, closes_at=timezone.now() + timedelta(hours=2), criteria="60/40"
    )
    ash, ash_user = providers["Ash"]
    competitions.offer_submit(
        competition=competition,
        provider=ash,
        actor=ash_user,
        price=Decimal("26.40"),
        earliest_start_on=date(2030, 6, 10),
        how_outcomes_met="Meals and a daily walk",
    )
    return competition, providers, broker


def test_sealed_offers_cannot_be_read_by_page_or_export_and_each_attempt_is_audited(live_competition, login):
    competition, _, broker = live_competition
    client = login(broker)
    page = client.get(reverse("brokerage:competition", args=[competition.pk]))
    assert page.status_code == 200
    assert b"Offers received" in page.content and b"26.40" not in page.content and b"daily walk" not in page.content
    for name, route in [("brokerage:competition-offers", "page"), ("brokerage:competition-export", "export")]:
        refused = client.get(reverse(name, args=[competition.pk]))
        assert refused.status_code == 403 and b"sealed until" in refused.content
        assert b"26.40" not in refused.content
        assert AuditEvent.objects.filter(action="offer.sealed_read_refused", after={"route": route}).count() == 1
    # scoring before the closing time is refused as well
    assert client.post(reverse("brokerage:competition-score", args=[competition.pk])).status_code == 403


def test_the_audit_view_shows_no_offer_content(live_competition, council, make_user, login):
    client = login(make_user(council, Role.ORGANISATION_ADMIN))
    page = client.get(reverse("core:audit-list"))
    export = client.get(reverse("core:audit-export"))
    body = page.content + b"".join(export.streaming_content)
    assert b"offer.submitted" in body
    assert b"26.40" not in body and b"daily walk" not in body


def test_after_closing_the_broker_reads_scores_and_awards_and_the_export_has_the_offers(live_competition, login):
    competition, providers, broker = live_competition
    Competition.objects.filter(pk=competition.pk).update(
        published_at=timezone.now() - timedelta(hours=3), closes_at=timezone.now() - timedelta(minutes=1)
    )
    client = login(broker)
    page = client.get(reverse("brokerage:competition", args=[competition.pk]))
    assert b"Meals and a daily walk" in page.content
    export = client.get(reverse("brokerage:competition-export", args=[competition.pk]))
    assert b"Ash,26.40,hour,2030-06-10,Meals and a daily walk" in export.content
    offer = Offer.objects.get()
    bad = client.post(reverse("brokerage:competition-score", args=[competition.pk]), {f"quality_{offer.pk}": "130"})
    assert bad.status_code == 400 and b"less than or equal to 100" in bad.content
    client.post(reverse("brokerage:competition-score", args=[competition.pk]), {f"quality_{offer.pk}": "75"})
    offer.refresh_from_db()
    assert (offer.total_score, offer.rank) == (Decimal("85.00"), 1)
    award_url = reverse("brokerage:competition-award", args=[competition.pk])
    check = client.post(award_url, {"offer": str(offer.pk)}).content.decode()
    assert "Award the care to Ash?" in check and "£26.40 per hour" in check
    assert not Offer.objects.filter(pk=offer.pk, placement__isnull=False).exists()  # nothing yet
    done = client.post(award_url, {"offer": str(offer.pk), "confirm": "yes"})
    assert done.status_code == 302
    placement = offer.placement
    assert placement.provider == providers["Ash"][0]


def test_a_provider_sees_only_its_own_offer_and_not_other_competitions(live_competition, login, provider, make_user):
    competition, providers, _ = live_competition
    birch, birch_user = providers["Birch"]
    page = login(birch_user).get(reverse("referrals:competition", args=[competition.pk]))
    assert page.status_code == 200 and b"26.40" not in page.content and b"Make a sealed offer" in page.content
    # the page's words, not its markup: a random CSRF token or nonce may spell "Ada"
    words = re.sub(r"<[^>]*>", " ", page.content.decode())
    assert "Ada" not in words and "Byrne" not in words
    outsider = make_user(provider, Role.PROVIDER_STAFF)
    assert login(outsider).get(reverse("referrals:competition", args=[competition.pk])).status_code == 404
    ash_page = login(providers["Ash"][1]).get(reverse("referrals:competition", args=[competition.pk]))
    assert b"26.40" in ash_page.content


def test_another_council_cannot_open_the_competition_or_its_placements(
    live_competition, other_council, make_user, login
):
    competition, _, _ = live_competition
    client = login(make_user(other_council, Role.BROKER))
    assert client.get(reverse("brokerage:competition", args=[competition.pk])).status_code == 404
    assert client.get(reverse("brokerage:competition-export", args=[competition.pk])).status_code == 404
    assert not AuditEvent.objects.filter(action="offer.sealed_read_refused").exists()


def test_spot_purchase_page_refuses_without_reason_and_flags_the_placement(council, make_user, provider, login):
    request, _, broker, _ = market(council, make_user)
    client = login(broker)
    url = reverse("brokerage:request-spot", args=[request.pk])
    bad = client.post(url, {"provider": provider.pk, "agreed_price": "31.20", "price_unit": "hour"})
    assert bad.status_code == 400 and b"Choose why nothing on the arrangements" in bad.content
    ok = client.post(
        url,
        {
            "provider": provider.pk,
            "agreed_price": "31.20",
            "price_unit": "hour",
            "reason_code": "no-capacity-on-framework",
        },
    )
    assert ok.status_code == 302
    listing = client.get(reverse("brokerage:placements") + "?route=spot")
    assert b"Spot purchase" in listing.content and provider.name.encode() in listing.content


def test_variation_overlap_shows_a_clear_error(council, make_user, provider, login):
    request, _, broker, _ = market(council, make_user)
    client = login(broker)
    client.post(
        reverse("brokerage:request-spot", args=[request.pk]),
        {
            "provider": provider.pk,
            "agreed_price": "31.20",
            "price_unit": "hour",
            "reason_code": "no-capacity-on-framework",
        },
    )
    placement = request.__class__.objects.get(pk=request.pk).placement
    bad = client.post(
        reverse("brokerage:placement-vary", args=[placement.pk]),
        {"starts_on": "2030-06-10", "hours_per_week": "12", "reason": "more"},
    )
    assert bad.status_code == 400 and b"would overlap" in bad.content
    assert placement.terms.count() == 1


def test_carry_over_page_refuses_without_an_arrangement_and_reports_the_result(council, make_user, provider, login):
    request, _, broker, arrangement = market(council, make_user)
    client = login(broker)
    bad = client.post(reverse("brokerage:carry-over"), {"starts_on": "2031-01-01"})
    assert bad.status_code == 200 and b"Choose the arrangement" in bad.content
    client.post(
        reverse("brokerage:request-spot", args=[request.pk]),
        {
            "provider": provider.pk,
            "agreed_price": "31.20",
            "price_unit": "hour",
            "reason_code": "no-capacity-on-framework",
        },
    )
    done = client.post(reverse("brokerage:carry-over"), {"arrangement": arrangement.pk, "starts_on": "2031-01-01"})
    # the spot provider is not on the arrangement: its placement is listed for re-sourcing
    assert b"0 placements kept their provider" in done.content and provider.name.encode() in done.content


def test_a_spot_price_below_the_homecare_association_minimum_is_flagged_on_the_placement(
    council, make_user, provider, login
):
    from caremarket.reference.services import minimum_prices_load

    minimum_prices_load()
    request, _, broker, _ = market(council, make_user)
    client = login(broker)
    client.post(
        reverse("brokerage:request-spot", args=[request.pk]),
        {
            "provider": provider.pk,
            "agreed_price": "24.00",
            "price_unit": "hour",
            "reason_code": "no-capacity-on-framework",
        },
    )
    placement = request.__class__.objects.get(pk=request.pk).placement
    page = client.get(reverse("brokerage:placement", args=[placement.pk]))
    assert b"below the Homecare Association minimum price" in page.content
