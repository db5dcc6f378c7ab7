from datetime import date, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core import mail

from caremarket.arrangements.models import Admission
from caremarket.brokerage import placements, selectors, services
from caremarket.brokerage.models import CareRequest, Placement, PlacementTerms
from caremarket.core.errors import ServiceError
from caremarket.domain.roles import Role

from .factories import market

LONDON = ZoneInfo("Europe/London")


def test_spot_purchase_needs_a_reason_and_a_price_and_is_flagged(council, make_user, provider):
    request, _, broker, _ = market(council, make_user)
    with pytest.raises(ServiceError, match="Choose why"):
        placements.spot_purchase(
            request=request,
            provider=provider,
            actor=broker,
            reason_code="",
            agreed_price=Decimal(30),
            price_unit="hour",
        )
    with pytest.raises(ServiceError, match="more than £0"):
        placements.spot_purchase(
            request=request,
            provider=provider,
            actor=broker,
            reason_code="no-capacity-on-framework",
            agreed_price=Decimal(0),
            price_unit="hour",
        )
    assert not Placement.objects.exists()
    placement = placements.spot_purchase(
        request=request,
        provider=provider,
        actor=broker,
        reason_code="no-capacity-on-framework",
        agreed_price=Decimal("31.20"),
        price_unit="hour",
    )
    assert placement.is_spot and placement.spot_reason.code == "no-capacity-on-framework"
    assert list(placements.placement_list(council=council, spot_only=True)) == [placement]


def test_block_vacancy_placement_until_the_block_is_full(council, make_user):
    request, providers, broker, arrangement = market(
        council, make_user, mechanism="block_contract", providers=("Ash",), block_places=1
    )
    [vacancy] = selectors.block_vacancies(council=council, request=request)
    assert vacancy.vacancies == 1
    placement = placements.block_place(request=request, admission=vacancy, actor=broker)
    assert placement.route == "block" and placement.provider.name == "Ash"
    assert selectors.block_vacancies(council=council) == []
    second = services.care_request_create(
        council=council,
        actor=broker,
        person=request.person,
        service_type="home-care",
        hours_per_week=Decimal(5),
        start_on=date(2030, 7, 1),
        outcomes="More help",
        today=date(2030, 6, 1),
    )
    with pytest.raises(ServiceError, match="no vacancy"):
        placements.block_place(request=second, admission=vacancy, actor=broker)


def _placed(council, make_user):
    request, providers, broker, _ = market(council, make_user)
    ash, _ = providers["Ash"]
    admission = Admission.objects.get(provider=ash)
    with __import__("django").db.transaction.atomic():
        request = CareRequest.objects.select_for_update().get(pk=request.pk)
        placement = placements.placement_create(
            request=request,
            provider=ash,
            route="cascade",
            actor=broker,
            admission=admission,
            agreed_price=Decimal("27.50"),
            price_unit="hour",
            reason="test",
        )
    return placement, broker, providers


def test_award_emails_the_provider_and_the_practitioner(council, make_user, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        placement, _, _ = _placed(council, make_user)
    subjects = sorted(m.subject for m in mail.outbox)
    assert subjects == [
        f"New placement {placement.pk} (request R-{placement.request_id}) from {council.name}",
        f"Request R-{placement.request_id} placed",
    ]
    provider_mail = next(m for m in mail.outbox if m.subject.startswith("New placement"))
    assert "Ada" not in provider_mail.body  # details are on the placement page, behind sign-in


def test_variation_keeps_the_old_terms_and_refuses_an_overlap(council, make_user):
    placement, broker, _ = _placed(council, make_user)
    with pytest.raises(ServiceError, match="overlap"):
        placements.placement_vary(
            placement=placement, actor=broker, starts_on=placement.start_on, reason="more", hours_per_week=Decimal(14)
        )
    placements.placement_vary(
        placement=placement, actor=broker, starts_on=date(2030, 7, 1), reason="more help", hours_per_week=Decimal(14)
    )
    with pytest.raises(ServiceError, match="overlap"):
        placements.placement_vary(
            placement=placement, actor=broker, starts_on=date(2030, 6, 20), reason="x", hours_per_week=Decimal(7)
        )
    terms = list(
        PlacementTerms.objects.filter(placement=placement).values_list("starts_on", "ends_on", "hours_per_week")
    )
    assert terms == [
        (date(2030, 6, 10), date(2030, 6, 30), Decimal("10.00")),
        (date(2030, 7, 1), None, Decimal("14.00")),
    ]
    assert placements.terms_on(placement, date(2030, 6, 30)).hours_per_week == 10
    assert placements.terms_on(placement, date(2030, 7, 1)).hours_per_week == 14


def test_hospital_stay_suspends_and_discharge_resumes(council, make_user):
    placement, broker, _ = _placed(council, make_user)
    with pytest.raises(ServiceError, match="before the placement started"):
        placements.hospital_admit(placement=placement, actor=broker, admitted_on=date(2030, 6, 1))
    placements.hospital_admit(placement=placement, actor=broker, admitted_on=date(2030, 6, 20))
    assert Placement.objects.get(pk=placement.pk).status == "suspended"
    with pytest.raises(ServiceError, match="already in hospital"):
        placements.hospital_admit(placement=placement, actor=broker, admitted_on=date(2030, 6, 22))
    with pytest.raises(ServiceError, match="on or after"):
        placements.hospital_discharge(placement=placement, actor=broker, discharged_on=date(2030, 6, 19))
    placements.hospital_discharge(placement=placement, actor=broker, discharged_on=date(2030, 6, 25))
    assert Placement.objects.get(pk=placement.pk).status == "active"
    with pytest.raises(ServiceError, match="overlaps"):
        placements.hospital_admit(placement=placement, actor=broker, admitted_on=date(2030, 6, 24))


def test_ending_needs_a_reason_and_closes_the_terms(council, make_user):
    placement, broker, _ = _placed(council, make_user)
    with pytest.raises(ServiceError, match="Choose why"):
        placements.placement_end(placement=placement, actor=broker, ended_on=date(2030, 8, 1), reason_code="")
    placements.placement_end(placement=placement, actor=broker, ended_on=date(2030, 8, 1), reason_code="died")
    placement.refresh_from_db()
    assert (placement.status, placement.ended_on) == ("ended", date(2030, 8, 1))
    assert placement.terms.get().ends_on == date(2030, 8, 1)
    with pytest.raises(ServiceError, match="has ended"):
        placements.placement_vary(
            placement=placement, actor=broker, starts_on=date(2030, 9, 1), reason="x", hours_per_week=Decimal(3)
        )


def test_a_failed_providers_placements_go_back_into_sourcing_with_history(council, make_user):
    placement, broker, providers = _placed(council, make_user)
    ash, _ = providers["Ash"]
    [again] = placements.provider_placements_resource(
        council=council, provider=ash, actor=broker, reason_code="provider-failed", ends_on=date(2030, 9, 1)
    )
    placement.refresh_from_db()
    assert placement.status == "ended" and placement.end_reason.code == "provider-failed"
    assert (again.status, again.replaces_placement, again.person) == ("sourcing", placement, placement.person)
    assert again.start_on == date(2030, 9, 2)
    # the failed provider's admissions are suspended with the reason, so its people are not offered to it again
    admission = Admission.objects.get(provider=ash)
    assert admission.status == "suspended"
    assert "failed or left on 1 September 2030" in admission.status_changes.last().reason
    from caremarket.brokerage import selectors

    verdict = next(v for v in selectors.request_eligibility(again) if v.provider == "Ash")
    assert not verdict.eligible and verdict.explain().startswith("suspended: the provider has failed or left")
    assert all(v.eligible for v in selectors.request_eligibility(again) if v.provider != "Ash")
    with pytest.raises(ServiceError, match="no active placements"):
        placements.provider_placements_resource(
            council=council, provider=ash, actor=broker, reason_code="provider-failed"
        )


def test_a_childs_replacement_request_waits_for_a_team_leader_like_any_childs_request(council, make_user):
    placement, broker, providers = _placed(council, make_user)
    person = placement.person
    person.date_of_birth = date(2013, 1, 1)  # 17 on the day the replacement starts
    person.save(update_fields=["date_of_birth"])
    [again] = placements.provider_placements_resource(
        council=council,
        provider=providers["Ash"][0],
        actor=broker,
        reason_code="provider-failed",
        ends_on=date(2030, 9, 1),
    )
    assert (again.status, again.requires_approval) == ("awaiting-approval", True)
    assert again.status_changes.get().to_status == "awaiting-approval"
    team_leader = make_user(council, Role.TEAM_LEADER)
    services.care_request_approve(request=again, actor=team_leader)
    again.refresh_from_db()
    assert again.status == "sourcing"


def test_continuity_keeps_the_current_provider_on_a_new_arrangement(council, make_user):
    placement, broker, providers = _placed(council, make_user)
    from tests.factories import admit, live_arrangement

    old = placement.admission
    new, lot = live_arrangement(
        council,
        reference="HC-NEW",
        title="New home care",
        mechanism="tiered_framework",
        service_types=list(old.lot.service_types.all()),
        areas=list(old.lot.areas.all()),
        starts_on=date(2031, 1, 1),
        ends_on=date(2036, 1, 1),
    )
    ash, _ = providers["Ash"]
    admission = admit(new, lot, ash, area=old.area, price=Decimal("28.90"))
    carried, left = placements.placements_carry_over(arrangement=new, actor=broker)
    assert [p.pk for p in carried] == [placement.pk] and left == []
    placement.refresh_from_db()
    assert placement.admission == admission and placement.agreed_price == Decimal("28.90")
    assert placements.terms_on(placement, date(2030, 12, 31)).admission == old
    assert placements.terms_on(placement, date(2031, 1, 1)).admission == admission


def test_unsourced_requests_are_escalated_once_after_the_councils_time(council, make_user):
    request, _, broker, _ = market(council, make_user)
    make_user(council, Role.TEAM_LEADER, email="lead@westmarch.example")
    services.care_request_move(request=request, to_status="unsourced", actor=broker, reason="nobody")
    changed = CareRequest.objects.get(pk=request.pk).status_changed_at
    services.escalation_set(council=council, actor=broker, hours=4)
    assert services.requests_escalate(now=changed + timedelta(hours=3)) == 0
    assert services.requests_escalate(now=changed + timedelta(hours=5)) == 1
    assert services.requests_escalate(now=changed + timedelta(hours=6)) == 0
    assert CareRequest.objects.get(pk=request.pk).escalated_at is not None
    with pytest.raises(ServiceError, match="from 1 to 720"):
        services.escalation_set(council=council, actor=broker, hours=0)


def test_providers_see_a_persons_details_only_for_the_councils_period_after_the_placement_ends(
    council, make_user, client
):
    import json

    from django.utils import timezone

    from caremarket.accounts import services as accounts

    placement, broker, providers = _placed(council, make_user)
    ash, ash_user = providers["Ash"]
    services.escalation_set(council=council, actor=broker, hours=24, provider_access_days=30)
    secret = accounts.api_token_create(
        organisation=ash, name="roster", roles=["provider_staff"], actor=make_user(ash, Role.PROVIDER_STAFF)
    ).secret
    headers = {"Authorization": f"Bearer {secret}"}
    today = timezone.localdate()
    from caremarket.reference.models import ReasonCode

    died = ReasonCode.objects.get(council=council, kind="ending", code="died")
    Placement.objects.filter(pk=placement.pk).update(
        status="ended", ended_on=today - timedelta(days=30), end_reason=died
    )
    client.force_login(ash_user, backend="caremarket.accounts.backends.OrganisationUserBackend")
    assert "Byrne" in client.get(f"/referrals/placements/{placement.pk}/").content.decode()
    assert client.get(f"/api/v1/placements/{placement.pk}", headers=headers).json()["person"]["family_name"] == "Byrne"
    Placement.objects.filter(pk=placement.pk).update(ended_on=today - timedelta(days=31))
    page = client.get(f"/referrals/placements/{placement.pk}/").content.decode()
    listing = client.get("/referrals/").content.decode()
    assert "Byrne" not in page and "01234 567890" not in page and "1 Lane" not in page and "Byrne" not in listing
    assert f"person reference {placement.person_id}" in page
    answer = client.get(f"/api/v1/placements/{placement.pk}", headers=headers).json()
    assert answer["person"] is None and answer["person_id"] == placement.person_id
    assert "Byrne" not in json.dumps(client.get("/api/v1/placements", headers=headers).json())
    # the council itself still sees everything
    client.force_login(broker, backend="caremarket.accounts.backends.OrganisationUserBackend")
    assert "Byrne" in client.get(f"/brokerage/placements/{placement.pk}/").content.decode()
