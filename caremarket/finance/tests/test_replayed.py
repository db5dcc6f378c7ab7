"""Money defects found when the seeds' situations were replayed: hospital stays on actuals, contributions that
add up, and nothing delivered in the future; by form, upload and API."""

import json
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from caremarket.accounts import services as accounts
from caremarket.brokerage import placements as placement_services
from caremarket.core.errors import ServiceError
from caremarket.core.models import AuditEvent
from caremarket.finance import delivery, rates, runs, statements
from caremarket.finance.models import ContributionAssessment, DeliveryRecord, PaymentRules

from .test_runs import APRIL, make_run, world  # noqa: F401 - the fixture

D = Decimal


def _record(w, placement, day, start="08:00", end="09:00"):
    return delivery.delivery_record(
        provider=w["provider"], actor=w["staff"], placement_id=placement.pk, day=day, start=start, end=end
    )


def test_hospital_stay_on_actuals_pays_the_two_days_once_and_refuses_visits_during_the_stay(world):  # noqa: F811
    arrangement, _ = world["HC"]
    rates.rates_from_admissions(arrangement=arrangement, actor=None, starts_on=APRIL)
    PaymentRules.objects.create(council=world["council"], arrangement=arrangement, pay_on="actual", starts_on=APRIL)
    placement = world["place"]("HC", hours_per_week=D(7))
    for day in ["2024-04-02", "2024-04-03", "2024-04-04"]:
        _record(world, placement, day)
    # the provider's records of the council's placement are in both audit logs
    assert AuditEvent.objects.filter(organisation=world["council"], action="delivery.recorded").count() == 3
    assert AuditEvent.objects.filter(organisation=world["provider"], action="delivery.recorded").count() == 3
    # admitted on 3 April, after the visits of the 3rd and 4th were recorded; discharged on the 10th
    placement_services.hospital_admit(placement=placement, actor=world["broker"], admitted_on=date(2024, 4, 3))
    with pytest.raises(ServiceError, match="in hospital on 5 April 2024"):
        _record(world, placement, "2024-04-05")
    placement_services.hospital_discharge(placement=placement, actor=world["broker"], discharged_on=date(2024, 4, 10))
    with pytest.raises(ServiceError, match="in hospital on 9 April 2024"):
        _record(world, placement, "2024-04-09")
    _record(world, placement, "2024-04-10")
    upload = delivery.deliveries_upload(
        provider=world["provider"],
        actor=world["staff"],
        file_name="april.csv",
        content=f"placement,date,start,end,carers\n{placement.pk},2024-04-06,08:00,09:00,1\n".encode(),
    )
    assert upload.status == "rejected" and "in hospital" in upload.errors[0]["message"]
    run = make_run(world, APRIL, date(2024, 4, 28))
    paid = sorted((line.kind, line.day, line.amount) for line in run.lines.filter(flagged=False))
    # 2 April and 10 April visits, and the first 2 days of the stay paid once as hospital days
    assert paid == [
        ("care", date(2024, 4, 2), D("28.10")),
        ("care", date(2024, 4, 10), D("28.10")),
        ("hospital", date(2024, 4, 3), D("28.10")),
        ("hospital", date(2024, 4, 4), D("28.10")),
    ]
    assert run.total == 4 * D("28.10")
    assert sorted(run.lines.filter(flagged=True).values_list("day", flat=True)) == [date(2024, 4, 3), date(2024, 4, 4)]


@pytest.mark.parametrize("route", ["net", "gross"])
def test_a_weekly_contribution_adds_up_to_the_penny_on_both_funding_routes(world, route):  # noqa: F811
    arrangement, _ = world["DS"]
    rates.rate_create(
        council=world["council"], actor=None, arrangement=arrangement, kind="set", unit="day", amount="70.00",
        starts_on=APRIL,
    )  # fmt: skip
    placement = world["place"]("DS", days_per_week=1)
    type(placement).objects.filter(pk=placement.pk).update(funding_route=route)
    ContributionAssessment.objects.create(
        council=world["council"], person=world["person"], weekly_amount=D("30.00"), starts_on=APRIL
    )
    for day in ["2024-04-02", "2024-04-09", "2024-04-16", "2024-04-23"]:
        delivery.delivery_record(provider=world["provider"], actor=world["staff"], placement_id=placement.pk, day=day)
    # four weeks from a Wednesday: every weekday four times
    run = make_run(world, date(2024, 4, 3), date(2024, 4, 30))
    [row] = statements.person_costs(run)
    assert row["contribution"] == D("120.00")
    assert row["gross"] == D("210.00") and row["net"] == D("90.00")
    if route == "net":
        assert sum(run.lines.filter(kind="contribution").values_list("amount", flat=True)) == D("-120.00")
        assert run.total == D("90.00")
    else:
        assert run.total == D("210.00")


def test_nothing_is_delivered_in_the_future_by_form_upload_or_api(world, login, client):  # noqa: F811
    placement = world["place"]("HC", hours_per_week=D(7))
    ahead = timezone.localdate() + timedelta(days=3)
    with pytest.raises(ServiceError, match="in the future"):
        _record(world, placement, ahead.isoformat())
    upload = delivery.deliveries_upload(
        provider=world["provider"],
        actor=world["staff"],
        file_name="ahead.csv",
        content=f"placement,date,start,end,carers\n{placement.pk},{ahead.isoformat()},08:00,09:00,1\n".encode(),
    )
    assert upload.status == "rejected" and "in the future" in upload.errors[0]["message"]
    page = login(world["staff"]).post(
        "/delivery/",
        {"action": "record", "placement_id": placement.pk, "day": ahead.isoformat(), "start": "08:00", "end": "09:00",
         "carers": 1},
    )  # fmt: skip
    assert page.status_code == 200 and "in the future" in page.content.decode()
    client.logout()
    secret = accounts.api_token_create(
        organisation=world["provider"], name="roster", roles=["provider_admin"], actor=world["staff"]
    ).secret
    answer = client.post(
        "/api/v1/delivery-records",
        data=json.dumps({"placement_id": placement.pk, "day": ahead.isoformat(), "start": "08:00", "end": "08:30"}),
        content_type="application/json",
        headers={"Authorization": f"Bearer {secret}"},
    )
    assert answer.status_code == 400 and "in the future" in answer.json()["errors"][0]["message"]
    assert not DeliveryRecord.objects.exists()


def test_a_remittance_names_the_person_for_the_provider_only_within_the_councils_period(world, login):  # noqa: F811
    from caremarket.reference.models import ReasonCode

    placement = world["visited"]()
    run = make_run(world, APRIL, date(2024, 4, 28))
    runs.payment_run_approve(run=run, actor=world["other_finance"])
    ReasonCode.objects.create(council=world["council"], kind="ending", code="moved", name="Moved")
    placement_services.placement_end(
        placement=placement, actor=world["broker"], ended_on=date(2024, 5, 1), reason_code="moved"
    )
    provider_csv = login(world["staff"]).get(f"/delivery/remittances/{run.pk}/?format=csv").content.decode()
    assert "Byrne" not in provider_csv and f"person {placement.person_id}" in provider_csv
    council_csv = (
        login(world["finance"])
        .get(f"/finance/runs/{run.pk}/remittances/{world['provider'].pk}/?format=csv")
        .content.decode()
    )
    assert "Ada Byrne" in council_csv


def test_uploads_have_a_size_and_row_limit_and_group_the_same_error_on_many_rows(world):  # noqa: F811
    from caremarket.finance.models import DeliveryUpload

    placement = world["place"]("HC", hours_per_week=D(7))
    header = "placement,date,start,end,carers\n"
    with pytest.raises(ServiceError, match="more than 50,000 rows"):
        delivery.deliveries_upload(
            provider=world["provider"],
            actor=world["staff"],
            file_name="huge.csv",
            content=(header + "1,2024-04-02,08:00,08:30,1\n" * 50_001).encode(),
        )
    with pytest.raises(ServiceError, match="larger than 10 MB"):
        delivery.deliveries_upload(
            provider=world["provider"], actor=world["staff"], file_name="big.csv", content=b"x" * (10 * 1024 * 1024 + 1)
        )
    assert not DeliveryUpload.objects.exists()
    bad = header + f"{placement.pk},not-a-date,08:00,08:30,1\n" * 250
    upload = delivery.deliveries_upload(
        provider=world["provider"], actor=world["staff"], file_name="bad.csv", content=bad.encode()
    )
    # the same mistake on 250 rows is one problem with its rows, not 250 errors
    assert upload.status == "rejected" and upload.error_count == 250 and len(upload.errors) == 1
    assert upload.errors[0]["count"] == 250 and upload.errors[0]["rows"][:3] == [2, 3, 4]
