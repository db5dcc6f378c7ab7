"""Reviews against the care plan: scheduled every 1 to 3 months per service by the worker, brought forward when
needs change, recorded by the provider against the request's outcomes, leading to a variation or a new request."""

from datetime import timedelta

import pytest
from django.utils import timezone

from caremarket.core.errors import ServiceError
from caremarket.domain import quality
from caremarket.domain.roles import Role
from caremarket.notifications.models import Notification
from caremarket.quality import reviewing as reviews
from caremarket.quality.models import PlacementReview
from tests.factories import PlacementFactory, ProviderFactory, UserFactory


def test_the_worker_schedules_each_live_placements_review_by_its_services_interval(council, make_user):
    placement = PlacementFactory(council=council)
    officer = make_user(council, Role.QUALITY_OFFICER)
    reviews.schedule_set(council=council, actor=officer, service_type=placement.service_type, every=2)
    assert reviews.schedule_reviews() == 1
    assert reviews.schedule_reviews() == 0  # one review due at a time
    due = PlacementReview.objects.get()
    assert due.due_on == quality.next_review_due(placement.start_on, 2) and due.reason == "Every 2 months"
    with pytest.raises(ServiceError, match="every 1, 2 or 3 months"):
        reviews.schedule_set(council=council, actor=officer, service_type=placement.service_type, every=6)


def test_the_provider_records_a_review_that_asks_for_a_variation_and_the_brokers_are_told(council, make_user):
    placement = PlacementFactory(council=council)
    broker = make_user(council, Role.BROKER)
    staff = UserFactory(organisation=placement.provider, roles=["provider_admin"])
    reviews.schedule_reviews()
    review = PlacementReview.objects.get()
    with pytest.raises(ServiceError) as refused:
        reviews.review_record(
            review=review, provider=placement.provider, actor=staff, outcomes_met="", notes="", next_step=""
        )
    assert set(refused.value.errors) == {"outcomes_met", "notes", "next_step"}
    with pytest.raises(ServiceError):
        reviews.review_record(
            review=review, provider=ProviderFactory(), actor=staff, outcomes_met="met", notes="x", next_step="none"
        )
    reviews.review_record(
        review=review, provider=placement.provider, actor=staff, outcomes_met="partly",
        notes="Mobility has declined; the morning call needs two carers.", next_step="variation",
    )  # fmt: skip
    review.refresh_from_db()
    assert review.status_in("done") and review.done_on == timezone.localdate()
    told = Notification.objects.get(recipient=broker, kind="quality.review_change")
    assert told.link == f"/brokerage/placements/{placement.pk}/"
    # the next review is scheduled from this one
    reviews.schedule_reviews()
    assert PlacementReview.objects.in_group("due").get().due_on == quality.next_review_due(timezone.localdate())


def test_needs_changing_brings_the_review_forward_and_the_provider_is_told(council, make_user):
    placement = PlacementFactory(council=council)
    staff = UserFactory(organisation=placement.provider, roles=["provider_admin"])
    broker = make_user(council, Role.BROKER)
    reviews.schedule_reviews()
    review = reviews.review_ask(
        placement=placement, organisation=council, actor=broker, reason="Discharged from hospital"
    )
    assert review.due_on == timezone.localdate() and review.reason == "Needs changed: Discharged from hospital"
    assert Notification.objects.filter(recipient=staff, kind="quality.review_asked").exists()
    assert PlacementReview.objects.count() == 1
    with pytest.raises(ServiceError):
        reviews.review_ask(placement=placement, organisation=ProviderFactory(), actor=broker, reason="x")


def test_overdue_reviews_are_listed_and_count_against_the_provider(council, make_user, time_machine, client):
    from caremarket.quality import scorecards

    placement = PlacementFactory(council=council)
    reviews.schedule_reviews()
    due = PlacementReview.objects.get().due_on
    time_machine.move_to(timezone.now() + timedelta(days=(due - timezone.localdate()).days + 3))
    today = timezone.localdate()
    assert [r.placement_id for r in reviews.overdue(organisation=council)] == [placement.pk]
    assert [r.placement_id for r in reviews.overdue(organisation=placement.provider)] == [placement.pk]
    assert not reviews.overdue(organisation=ProviderFactory()).exists()
    card = {
        c["provider_id"]: {f["code"]: f for f in c["kpis"]}
        for c in scorecards.scorecards(council=council, start=today - timedelta(days=30), end=today)
    }[placement.provider_id]
    assert card["reviews-on-time"]["value"] == 0 and card["reviews-on-time"]["basis"] == "1 review"
    client.force_login(UserFactory(organisation=placement.provider, roles=["provider_admin"]))
    home = client.get("/").content.decode()
    assert "Reviews overdue" in home and f"Placement {placement.pk}" in home
