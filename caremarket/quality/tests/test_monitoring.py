"""Monitoring visits from plan to publication, action plans and complaints, through the services and the pages:
every refusal the issue names says why and saves nothing, and no provider reads another's draft."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from caremarket.core.errors import ServiceError
from caremarket.core.models import AuditEvent
from caremarket.domain.roles import Role
from caremarket.notifications.models import Notification
from caremarket.quality import services
from caremarket.quality.models import Complaint, Finding, MonitoringVisit, PlanAction
from tests.factories import ProviderFactory, UserFactory, complaint, home_care, monitoring_visit


@pytest.fixture
def provider_admin(provider, make_user):
    return make_user(provider, Role.PROVIDER_ADMIN)


def test_a_visit_goes_from_plan_to_a_published_report_that_asks_for_an_action_plan(council, provider, provider_admin):
    visit = monitoring_visit(
        council,
        provider,
        "shared",
        rating="good",
        **{"1_1_1": "poor", "2_1_1": "requires-improvement", "3_1_1": "requires-improvement"},
    )
    # Safe, Effective and Caring each come to Requires improvement: (2 x 2 + 2 + 2 + 3 + 3) / 6 = 2.33
    assert visit.overall == "requires-improvement" and visit.overall_score == Decimal("2.33")
    assert Notification.objects.filter(recipient=provider_admin, kind="quality.draft_shared").exists()
    comment = services.accuracy_comment(
        visit=visit,
        provider=provider,
        actor=provider_admin,
        question_key="1.1.1",
        comment="Two safeguarding referrals were made",
    )
    services.accuracy_done(visit=visit, provider=provider, actor=provider_admin)
    lead = visit.lead
    with pytest.raises(ServiceError, match="Answer the provider's 1 comment"):
        services.visit_sign_off(
            visit=visit, council=council, actor=UserFactory(organisation=council, roles=["quality_officer"])
        )
    services.comment_answer(comment=comment, council=council, actor=lead, response="Seen; three files still had none")
    with pytest.raises(ServiceError, match="another officer than the one who visited"):
        services.visit_sign_off(visit=visit, council=council, actor=lead)
    reviewer = UserFactory(organisation=council, roles=["quality_officer"])
    services.visit_sign_off(visit=visit, council=council, actor=reviewer)
    visit.refresh_from_db()
    today = timezone.localdate()
    assert visit.status_in("published") and visit.reviewer == reviewer
    assert visit.revisit_due_on.month == (today.month + 5) % 12 + 1  # the re-audit, six months on
    plan = visit.action_plan
    assert plan.due_on == today + timedelta(days=14)
    assert Notification.objects.filter(recipient=provider_admin, kind="quality.action_plan_due").exists()
    assert visit.explanation[0].startswith("Overall: Requires improvement")

    # an action plan without an action for an issue, or with a date in the past, saves nothing
    issue = services.plan_issues(plan)
    assert [f.question.key for f in issue] == ["1.1.1", "2.1.1", "3.1.1"]
    fixes = [
        services.NewAction(key, "Put it right", "Manager", today + timedelta(days=30)) for key in ("1.1.1", "2.1.1")
    ]
    with pytest.raises(ServiceError, match="none yet for question 3.1.1"):
        services.action_plan_submit(plan=plan, provider=provider, actor=provider_admin, actions=fixes)
    with pytest.raises(ServiceError, match="which has passed"):
        services.action_plan_submit(
            plan=plan,
            provider=provider,
            actor=provider_admin,
            actions=[*fixes, services.NewAction("3.1.1", "Train staff", "Manager", today - timedelta(days=1))],
        )
    assert not PlanAction.objects.exists()
    services.action_plan_submit(
        plan=plan,
        provider=provider,
        actor=provider_admin,
        actions=[*fixes, services.NewAction("3.1.1", "Train staff", "Manager", today + timedelta(days=30))],
    )
    first, *rest = plan.actions.all()
    services.action_update(
        action=first, provider=provider, actor=provider_admin, status="in-progress", progress="Begun"
    )
    plan.refresh_from_db()
    assert plan.status_in("submitted")  # half done
    for action in [first, *rest]:
        services.action_update(action=action, provider=provider, actor=provider_admin, status="done", progress="Done")
    plan.refresh_from_db()
    assert plan.status_in("completed")
    assert AuditEvent.objects.filter(organisation=council, action="action_plan.action_updated").exists()


def test_a_comment_after_the_window_closed_is_refused(council, provider, provider_admin):
    visit = monitoring_visit(council, provider, "shared")
    later = visit.accuracy_closes_on + timedelta(days=1)
    with pytest.raises(ServiceError, match="window closed on"):
        services.accuracy_comment(visit=visit, provider=provider, actor=provider_admin, comment="Late", today=later)
    # the worker's timer sends it for sign-off once the window has passed, and tells the other quality officers
    colleague = UserFactory(organisation=council, roles=["quality_officer"])
    assert services.quality_timers(today=later)["windows_closed"] == 1
    visit.refresh_from_db()
    assert visit.status_in("to_sign_off")
    told = Notification.objects.filter(kind="quality.report_to_sign_off", organisation=council)
    assert list(told.values_list("recipient", flat=True)) == [colleague.pk]  # not the officer who visited


def test_a_rating_outside_the_scale_and_evidence_missing_are_refused(council, provider):
    visit = monitoring_visit(council, provider, "planned")
    with pytest.raises(ServiceError) as refused:
        services.visit_record(
            visit=visit,
            council=council,
            actor=visit.lead,
            ratings=[services.Rating("1.1.1", "outstanding", "x"), services.Rating("1.1.2", "good", " ")],
            visited_on=None,
        )
    assert "not a rating on this scale" in refused.value.errors["rating-1.1.1"]
    assert "record the evidence" in refused.value.errors["evidence-1.1.2"]
    assert not Finding.objects.exists()
    visit.refresh_from_db()
    assert visit.status_in("planned")


def test_a_published_report_is_never_changed_a_new_version_supersedes_it(council, provider):
    visit = monitoring_visit(council, provider, "published")
    with pytest.raises(ServiceError, match="draft a new version"):
        services.visit_record(
            visit=visit,
            council=council,
            actor=visit.lead,
            ratings=[services.Rating("1.1.1", "poor", "x")],
            visited_on=None,
        )
    draft = services.visit_new_version(visit=visit, council=council, actor=visit.lead, reason="A fact was wrong")
    assert draft.version == 2 and draft.findings.count() == visit.findings.count()
    services.visit_record(
        visit=draft,
        council=council,
        actor=visit.lead,
        ratings=[services.Rating("1.1.1", "excellent", "Re-read")],
        visited_on=None,
    )
    services.visit_share(visit=draft, council=council, actor=visit.lead)
    services.accuracy_done(
        visit=draft, provider=provider, actor=UserFactory(organisation=provider, roles=["provider_admin"])
    )
    services.visit_sign_off(
        visit=draft, council=council, actor=UserFactory(organisation=council, roles=["quality_officer"])
    )
    visit.refresh_from_db()
    assert visit.status_in("reported") and not visit.status_in("published")  # superseded, kept
    assert visit.findings.get(question__key="1.1.1").rating == "good"


def test_no_provider_reads_another_providers_draft_and_no_council_another_councils_visit(
    council, other_council, provider, provider_admin, client
):
    visit = monitoring_visit(council, provider, "shared")
    rival = ProviderFactory()
    rival_admin = UserFactory(organisation=rival, roles=["provider_admin"])
    client.force_login(rival_admin)
    assert client.get(f"/quality/reports/{visit.pk}/").status_code == 404
    assert client.post(f"/quality/reports/{visit.pk}/act/", {"action": "comment", "comment": "x"}).status_code == 404
    with pytest.raises(ServiceError):
        services.accuracy_comment(visit=visit, provider=rival, actor=rival_admin, comment="Not ours")
    client.force_login(UserFactory(organisation=other_council, roles=["quality_officer"]))
    assert client.get(f"/quality/visits/{visit.pk}/").status_code == 404
    # a draft still being recorded is not the provider's to read
    planned = monitoring_visit(council, ProviderFactory(), "drafting")
    client.force_login(UserFactory(organisation=planned.provider, roles=["provider_admin"]))
    assert client.get(f"/quality/reports/{planned.pk}/").status_code == 404
    client.force_login(provider_admin)
    assert client.get(f"/quality/reports/{visit.pk}/").status_code == 200


def test_a_complaint_needs_a_category_and_is_acknowledged_and_closed(council, provider, provider_admin):
    officer = UserFactory(organisation=council, roles=["quality_officer"])
    new = services.NewComplaint(
        kind="complaint",
        category="",
        severity="high",
        safeguarding=True,
        received_on=timezone.localdate(),
        summary="Bruising noticed",
    )
    with pytest.raises(ServiceError) as refused:
        services.complaint_log(council=council, provider=provider, actor=officer, organisation=council, new=new)
    assert refused.value.errors == {"category": "Choose what the complaint or compliment is about"}
    assert not Complaint.objects.exists()
    made = complaint(council, provider, "received", safeguarding=True, category="quality-of-care", severity="high")
    assert made.acknowledge_by > made.received_on and made.respond_by > made.acknowledge_by
    assert Notification.objects.filter(recipient=provider_admin, kind="quality.complaint_logged").exists()
    # the provider acknowledges and closes it from its own log
    services.complaint_acknowledge(complaint=made, organisation=provider, actor=provider_admin)
    with pytest.raises(ServiceError) as refused:
        services.complaint_close(complaint=made, organisation=provider, actor=provider_admin, outcome="", response="")
    assert set(refused.value.errors) == {"outcome", "response"}
    services.complaint_close(
        complaint=made,
        organisation=provider,
        actor=provider_admin,
        outcome="partly-upheld",
        response="Met the family",
        lessons="Body maps on every visit",
    )
    made.refresh_from_db()
    assert made.status_in("closed") and made.outcome == "partly-upheld"
    with pytest.raises(ServiceError):
        services.complaint_acknowledge(complaint=made, organisation=ProviderFactory(), actor=provider_admin)


def test_overdue_complaints_are_told_once_and_the_queue_puts_risk_first(council, provider, make_user, time_machine):
    service, area = home_care(council)
    from tests.factories import admit, live_arrangement

    arrangement, lot = live_arrangement(
        council, reference="HC", mechanism="tiered_framework", service_types=[service], areas=[area]
    )
    admit(arrangement, lot, provider, area=area)
    quiet = ProviderFactory(name="Quiet Care Ltd")
    admit(arrangement, lot, quiet, area=area)
    monitoring_visit(council, quiet, "published")
    complaint(council, provider, "received", safeguarding=True)
    make_user(council, Role.QUALITY_OFFICER)
    time_machine.move_to(timezone.now() + timedelta(days=7))
    first = services.quality_timers()
    assert first["complaints_overdue"] == 1
    told = Notification.objects.filter(kind="quality.deadline").count()
    services.quality_timers()
    assert Notification.objects.filter(kind="quality.deadline").count() == told  # once
    from caremarket.quality import monitoring

    queue = monitoring.visit_queue(council=council)
    assert [r["priority"].provider for r in queue] == [provider.name, "Quiet Care Ltd"]
    assert "1 open safeguarding concern(s)" in queue[0]["priority"].reasons
    assert MonitoringVisit.objects.count() == 1
