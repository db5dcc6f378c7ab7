"""Ranked frameworks re-rank from KPI and price: a provider with the better evaluation score but red KPIs falls
below one whose KPIs are green, each change explained, and the ranked approach offers in the new order."""

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from caremarket.arrangements import admissions
from caremarket.arrangements.models import Decision
from caremarket.arrangements.tasks import recompute_rankings
from caremarket.quality import reviewing
from caremarket.quality.models import PlacementReview
from tests.factories import PlacementFactory, UserFactory, admit, live_arrangement


def _ranked(council, placements):
    """A ranked framework (seed 004) on the placements' service and area, both providers admitted at one price,
    the first with the better evaluation score."""
    first = placements[0]
    arrangement, lot = live_arrangement(
        council, reference="CCS", mechanism="ranked_framework", service_types=[first.service_type], areas=[first.area]
    )
    officer = UserFactory(organisation=council, roles=["commissioner"])
    made = []
    for placement, quality in zip(placements, (Decimal(90), Decimal(60)), strict=True):
        admission = admit(arrangement, lot, placement.provider, area=first.area, price=Decimal("25.00"))
        Decision.objects.create(
            application=admission.application, outcome="admit", reasons="x", passed_pass_fail=True,
            quality_score=quality, quality_threshold=Decimal(50), decided_by=officer,
        )  # fmt: skip
        made.append(admission)
    return arrangement, made


def test_kpis_reorder_a_ranked_framework_and_each_provider_is_told_why(council, time_machine):
    late, prompt = PlacementFactory(council=council), PlacementFactory(council=council)
    arrangement, (late_admission, prompt_admission) = _ranked(council, [late, prompt])
    admissions.KPI_SOURCE, kept = None, admissions.KPI_SOURCE
    try:
        admissions.ranking_compute(arrangement=arrangement, actor=None)  # before KPIs: the evaluation decides
    finally:
        admissions.KPI_SOURCE = kept
    late_admission.refresh_from_db()
    assert late_admission.rank == 1
    # over the next months one provider reviews on time, the other not at all
    reviewing.schedule_reviews()
    due = PlacementReview.objects.get(placement=prompt).due_on
    time_machine.move_to(timezone.now() + timedelta(days=(due - timezone.localdate()).days))
    staff = UserFactory(organisation=prompt.provider, roles=["provider_admin"])
    reviewing.review_record(
        review=PlacementReview.objects.get(placement=prompt), provider=prompt.provider, actor=staff,
        outcomes_met="met", notes="On track", next_step="none",
    )  # fmt: skip
    time_machine.move_to(timezone.now() + timedelta(days=10))
    run = admissions.ranking_compute(arrangement=arrangement, actor=None)
    late_admission.refresh_from_db()
    prompt_admission.refresh_from_db()
    assert (prompt_admission.rank, late_admission.rank) == (1, 2)
    [(group, rows)] = run.result["rankings"].items()
    assert rows[0]["why"] == (
        "Rank 1 (was 2): KPI 50.0 (1 green, 0 amber, 1 red of 2 figures) x 50% + price 100.00 x 50% = 75.00"
    )
    # both started later than 7 days after being placed (red); only one reviewed on time (green against red)
    assert rows[1]["why"].startswith("Rank 2 (was 1): KPI 0.0 (0 green, 0 amber, 2 red of 2 figures)")
    # the worker re-ranks every six months, not sooner
    assert recompute_rankings.call() == 0
    time_machine.move_to(timezone.now() + timedelta(days=190))
    assert recompute_rankings.call() == 1


def test_the_commissioner_reads_why_each_provider_ranks_where_it_does(council, client):
    placements = [PlacementFactory(council=council), PlacementFactory(council=council)]
    arrangement, _ = _ranked(council, placements)
    admissions.ranking_compute(arrangement=arrangement, actor=None)
    client.force_login(UserFactory(organisation=council, roles=["commissioner"]))
    page = client.get(f"/arrangements/{arrangement.pk}/admissions/").content.decode()
    assert "Why each provider ranks where it does" in page and "Rank 1 (new): KPI" in page
