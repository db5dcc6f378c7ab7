from datetime import date
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import models
from django.utils import timezone

from caremarket.accounts.models import Organisation, User
from caremarket.core.models import AuditEvent
from caremarket.demo.builder import DEMO_PASSWORD, SIGN_INS
from caremarket.domain import insight as insight_rules
from caremarket.domain.roles import Role
from caremarket.reference.models import Area, NeedLevel, ServiceType

pytestmark = pytest.mark.demo


def counts():
    return (
        Organisation.objects.count(),
        User.objects.count(),
        Area.objects.count(),
        ServiceType.objects.count(),
        NeedLevel.objects.count(),
        AuditEvent.objects.count(),
    )


def test_demo_data_mirrors_the_seeds_and_is_idempotent(db):
    call_command("demo_data", verbosity=0)
    first = counts()
    westmarch = Organisation.objects.get(name="Westmarch County Council")
    levels = Area.objects.for_organisation(westmarch).filter(in_county=True).values_list("level", flat=True)
    assert len(levels) == 35 and set(levels) == {1, 2, 3}
    stourshire = Organisation.objects.get(name="Stourshire County Council")
    day = ServiceType.objects.for_organisation(stourshire).get(code="day-services")
    assert list(day.need_levels.values_list("name", flat=True)) == ["Expected", "Enhanced"]
    living = ServiceType.objects.for_organisation(stourshire).get(code="supported-living")
    assert list(living.need_levels.values_list("name", flat=True)) == ["Less complex", "Complex", "Highly complex"]
    mereford = Organisation.objects.get(name="Mereford Borough Council")
    assert ServiceType.objects.for_organisation(mereford).count() == 3
    assert Area.objects.for_organisation(mereford).exclude(ons_code="").count() == 21
    assert 75 <= Organisation.objects.filter(kind="provider").count() <= 85
    assert User.objects.count() >= 250
    for sign_in in SIGN_INS:
        user = User.objects.get(email=sign_in.email)
        assert user.check_password(DEMO_PASSWORD) and sign_in.role in user.roles
    assert {s.role for s in SIGN_INS} == set(Role)

    # the arrangements of the seeds, with admitted, rejected and suspended providers
    from caremarket.arrangements.models import Admission, Application, Arrangement, AwardRun

    assert set(Arrangement.objects.values_list("mechanism", flat=True)) == {
        "tiered_framework",
        "flexible_framework",
        "block_contract",
        "ranked_framework",
    }
    assert set(Application.objects.values_list("status", flat=True)) == {"admitted", "rejected"}
    assert {"active", "suspended"} <= set(Admission.objects.values_list("status", flat=True))
    framework = Arrangement.objects.get(reference="HC-2025")
    run = AwardRun.objects.get(arrangement=framework, kind="positions")
    assert len(run.result["placements"]) == 36 and run.result["unfilled"] == []  # 12 x 2 + 12 x 1
    assert AwardRun.objects.filter(kind="ranking").count() == 2  # at award, and again from a year's KPIs

    # several hundred people with care requests; children's requests wait for approval; the CQC directory
    from caremarket.brokerage.models import CareRequest, Person
    from caremarket.cqc.models import CqcLocation

    assert Person.objects.count() >= 300
    assert {"sourcing", "awaiting-approval"} <= set(CareRequest.objects.values_list("status", flat=True))
    assert CqcLocation.objects.count() > 50

    # a year of brokerage history by every route, about a quarter of home care hours with reserve providers
    from caremarket.brokerage.models import Competition, Placement, Referral

    assert set(Placement.objects.values_list("route", flat=True)) == {
        "cascade",
        "ranked",
        "call-off",
        "block",
        "spot",
        "in-house",
    }
    hours: dict[str, float] = {}
    for r in Referral.objects.filter(status="accepted", request__service_type__code="home-care").select_related(
        "request"
    ):
        hours[r.step] = hours.get(r.step, 0) + float(r.request.hours_per_week)
    assert {"primary", "secondary", "reserve"} <= set(hours)
    assert 0.18 <= hours["reserve"] / sum(hours.values()) <= 0.35
    awarded = Competition.objects.filter(status="awarded")
    assert awarded.exists() and max(c.offers.count() for c in awarded) >= 3
    assert CareRequest.objects.filter(status="unsourced").exists()
    assert CareRequest.objects.filter(replaces_placement__isnull=False).count() >= 5
    assert Placement.objects.filter(status="ended", end_reason__code="provider-exit").exists()
    assert Placement.objects.filter(terms__starts_on__gt=models.F("start_on")).exists()  # variations

    # a year of delivery records and four-weekly payment runs, with every rule the seeds describe
    from caremarket.finance.models import DeliveryRecord, PaymentLine, PaymentRun, Rate

    assert DeliveryRecord.objects.count() > 10_000
    assert PaymentRun.objects.filter(status="paid").count() >= 30
    assert PaymentRun.objects.filter(status="calculated").exists()  # the latest, for a second officer to approve
    kinds = set(PaymentLine.objects.values_list("kind", flat=True))
    assert {"care", "block", "hospital", "contribution", "adjustment", "above-plan"} <= kinds
    transport = PaymentLine.objects.filter(kind="adjustment", description__contains="transport")
    assert transport.exists() and set(transport.values_list("amount", flat=True)) == {Decimal("1.44")}
    assert PaymentLine.objects.filter(description__startswith="released from hold", committed=True).exists()
    assert Rate.objects.filter(reason__startswith="uplift of 3").exists()
    for run in PaymentRun.objects.all():
        assert run.total == sum(
            run.lines.filter(held=False, flagged=False).values_list("amount", flat=True), Decimal("0.00")
        )

    # the year's notifications are history, read; only what still waits today is unread
    from caremarket.brokerage.models import CareRequest
    from caremarket.notifications.models import Notification

    unread = Notification.objects.filter(read_at__isnull=True)
    waiting = CareRequest.objects.in_group("awaiting_approval")
    assert Notification.objects.filter(read_at__isnull=False).count() > 1000
    assert {n.event_key for n in unread.filter(kind="approval.waiting")} == {
        f"request:{pk}:approval" for pk in waiting.values_list("pk", flat=True)
    }
    assert set(unread.values_list("kind", flat=True)) <= {
        "approval.waiting",
        "care_request.escalated",
        "payment_run.awaiting_approval",
    }

    # a year of quality monitoring: all four ratings, a plan half done, a re-audit due, complaints overdue and
    # safeguarding, a draft with a provider and a report waiting for the demo quality officer's sign-off
    from caremarket.quality import monitoring
    from caremarket.quality.models import ActionPlan, Complaint, MonitoringVisit, PlacementReview

    published = MonitoringVisit.objects.in_group("published")
    assert set(published.values_list("overall", flat=True)) == {"excellent", "good", "requires-improvement", "poor"}
    half = [
        p
        for p in ActionPlan.objects.in_group("submitted")
        if 0 < p.actions.in_group("done").count() < p.actions.count()
    ]
    assert half and half[0].visit.overall == "requires-improvement"
    assert published.filter(revisit_due_on__lt=timezone.localdate()).exists()
    assert MonitoringVisit.objects.in_group("with_provider").exists()
    quality_officer = User.objects.get(email="quality@westmarch.example")
    waiting = MonitoringVisit.objects.in_group("to_sign_off").get()
    assert waiting.lead != quality_officer
    assert monitoring.overdue_complaints(organisation=westmarch)
    assert Complaint.objects.in_group("open").filter(safeguarding=True).exists()
    assert Complaint.objects.filter(kind="compliment").exists()
    # reviews against the care plan: done, due soon and overdue
    from caremarket.quality import reviewing

    assert PlacementReview.objects.in_group("done").count() > 100
    assert reviewing.overdue(organisation=westmarch).exists() and reviewing.due_soon(organisation=westmarch).exists()
    # visits planned and made: missed and late visits on the scorecards, not all providers alike; surveys with some
    # providers' results withheld below five responses; outcome measures over time
    from caremarket.quality import scorecards, surveying
    from caremarket.quality.models import OutcomeMeasure, Survey
    from caremarket.quality.selectors import period

    _, start, end = period("6")
    missed = [
        f["rag"]
        for card in scorecards.scorecards(council=westmarch, start=start, end=end)
        for f in card["kpis"]
        if f["code"] == "missed-visits" and f["value"] is not None
    ]
    assert len(missed) > 3 and len(set(missed)) > 1, missed
    survey = Survey.objects.for_organisation(westmarch).get()
    shown = [row["shown"] for row in surveying.survey_results(survey=survey, provider=None)]
    own = [
        surveying.survey_results(survey=survey, provider=Organisation.objects.get(pk=row["provider_id"]))[0]["shown"]
        for row in surveying.survey_results(survey=survey)
    ]
    assert all(shown) and True in own and False in own
    assert OutcomeMeasure.objects.filter(council=westmarch).values("request").distinct().count() >= 10
    # market insight: four years and more of history imported, then the council's own approved runs summed on
    from caremarket.insight import reports

    spend = reports.spend_by_provider(council=westmarch)
    assert spend["year_names"][:5] == ["2021/22", "2022/23", "2023/24", "2024/25", "2025/26"]
    assert all(total > 0 for total in spend["totals"]) and spend["other"]["lines"]
    assert any(line["cells"][-1] > 0 for line in spend["framework"]["lines"])  # this year's runs, not history
    # the old system's packages run on beside Caremarket's own: no step in demand where Caremarket began
    from django.db.models import Sum

    from caremarket.insight import market
    from caremarket.insight.models import MarketMonth

    def active(month):
        found = MarketMonth.objects.filter(council=westmarch, month=month, source__in=("history", "placements"))
        return found.aggregate(n=Sum("active_packages"))["n"]

    assert active(date(2025, 11, 1)) >= 0.8 * active(date(2025, 10, 1))
    # providers declared their capacity; in one windowed area they are full
    from caremarket.arrangements.models import Admission

    declared = Admission.objects.filter(status="active", area__isnull=False)
    assert declared.filter(capacity__isnull=False).count() >= 0.8 * declared.count()
    # Mereford's own day service, some of whose people also use an external provider (seed 003)
    mereford = Organisation.objects.get(name="Mereford Borough Council")
    this_year = insight_rules.financial_year(timezone.localdate())
    own = market.in_house_against_external(mereford, this_year).rows
    assert own[0][1] >= 10 and own[2][1] >= 1
    # CQC's ratings beside the council's: a location rated Inadequate puts its provider first in the visit queue
    top = monitoring.visit_queue(council=westmarch)[0]
    assert top["priority"].reasons[0] == "CQC rates a location Inadequate"

    # each council's public directory (seeds 003 and 004): every admitted provider has its listings, most public,
    # a few held back by the data-quality gate or waiting for the commissioner; the feed passes its self-check
    from caremarket.directory import oruk_check
    from caremarket.directory import selectors as directory
    from caremarket.directory.models import Listing

    admitted = set(Admission.objects.filter(status="active").values_list("provider_id", flat=True))
    assert admitted <= set(Listing.objects.values_list("provider_id", flat=True))
    public = directory.public_listings()
    assert public.count() >= 0.6 * Listing.objects.count()
    assert Listing.objects.filter(approved_at__isnull=False, complete=False).count() >= 3
    assert {"home-care", "day-services", "supported-living", "childrens-community-support"} <= set(
        public.values_list("service_type__code", flat=True)
    )
    report = oruk_check.check(oruk_check.own_feed(), feed="demo")
    assert report.result == "pass", report.text()

    # every demo person signs in with the demo password, so a password reset reaches them too
    people = list(User.objects.filter(is_active=True))
    assert all(user.check_password(DEMO_PASSWORD) for user in people)
    from django.contrib.auth.forms import PasswordResetForm

    second_finance = User.objects.filter(
        organisation=westmarch, role_grants__role="finance_officer", email__startswith="finance.officer"
    ).first()
    assert second_finance is not None
    assert list(PasswordResetForm().get_users(second_finance.email)) == [second_finance]
    # the printed list names every one of them by organisation
    import io

    out = io.StringIO()
    call_command("demo_people", stdout=out)
    listed = out.getvalue()
    assert all(user.email in listed for user in people) and "Mereford Borough Council" in listed

    call_command("demo_data", verbosity=0)
    assert counts() == first
