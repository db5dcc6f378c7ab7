"""Finance pages: uploads with errors, runs approved by a second officer, exports, remittances and tenancy."""

from datetime import date
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from caremarket.accounts import services as accounts
from caremarket.domain.roles import OrganisationKind, Role
from caremarket.finance import delivery, rates
from caremarket.finance.models import DeliveryRecord

from .test_runs import APRIL, living_bands, world  # noqa: F401 - the fixture


def test_provider_uploads_a_file_with_a_bad_row_sees_the_errors_and_uploads_the_fix(world, login):  # noqa: F811
    placement = world["place"]("HC", hours_per_week=Decimal(7))
    client = login(world["staff"])
    bad = (
        "placement,date,start,end,carers\n"
        f"{placement.pk},2024-04-02,08:00,08:45,1\n{placement.pk},2024-04-03,xx,09:00,1\n"
    )
    page = client.post(
        reverse("delivery:index"), {"action": "upload", "file": SimpleUploadedFile("a.csv", bad.encode())}
    )
    assert page.status_code == 302
    shown = client.get(page["Location"])
    assert b"not recorded" in shown.content and b"is not a time like 09:30" in shown.content
    assert DeliveryRecord.objects.count() == 0
    good = bad.replace(",xx,", ",08:30,")
    page = client.post(
        reverse("delivery:index"), {"action": "upload", "file": SimpleUploadedFile("a.csv", good.encode())}
    )
    assert b"2 new records" in client.get(page["Location"]).content
    assert client.get(reverse("delivery:template", args=["xlsx"])).status_code == 200


def test_finance_officers_run_approve_and_export_and_the_provider_reads_its_remittance(world, login):  # noqa: F811
    world["visited"]()
    client = login(world["finance"])
    made = client.post(reverse("finance:runs"), {"period_start": "2024-04-01", "period_end": "2024-04-28"})
    run_url = made["Location"]
    client.post(run_url, {"action": "calculate"})
    run_id = int(run_url.rstrip("/").split("/")[-1])
    approve_url = reverse("finance:run-step", args=[run_id, "approve"])
    page = client.get(run_url).content.decode()
    assert "Check and approve the run" not in page and "another finance officer checks and approves it" in page
    assert b"cannot be the one who calculated" in client.post(approve_url, {"confirm": "on"}).content
    refused = client.get(reverse("finance:run-payments-csv", args=[run_id]))
    assert refused.status_code == 302  # not approved: not exported
    other = login(world["other_finance"])
    check = other.get(approve_url).content.decode()
    assert "Approve and release £28.10" in check and "Lines paid" in check
    unconfirmed = other.post(approve_url, {})
    assert unconfirmed.status_code == 400 and b"Confirm that you have checked the run" in unconfirmed.content
    assert other.post(approve_url, {"confirm": "on"}).status_code == 302
    # a second submission changes nothing and says why
    again = other.post(approve_url, {"confirm": "on"})
    assert again.status_code == 400 and b"Only a calculated run can be approved" in again.content
    csv = other.get(reverse("finance:run-payments-csv", args=[run_id]))
    assert f",Ash Care,Home care,,,28.10,1,CM-{run_id}-".encode() in csv.content  # codes: see test_reconciliation
    assert other.get(reverse("finance:run-payments-xlsx", args=[run_id])).status_code == 200
    provider_client = login(world["staff"])
    page = provider_client.get(reverse("delivery:remittance", args=[run_id]))
    assert b"28.10" in page.content
    pdf = provider_client.get(reverse("delivery:remittance", args=[run_id]) + "?format=pdf")
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    # another provider cannot read it; another council cannot open the run
    stranger = accounts.organisation_create(kind=OrganisationKind.PROVIDER, name="Other Care")
    assert (
        login(_user(stranger, Role.PROVIDER_ADMIN)).get(reverse("delivery:remittance", args=[run_id])).status_code
        == 404
    )


def _user(organisation, role):
    return accounts.user_create(
        organisation=organisation,
        email=f"x@{organisation.slug}.example",
        full_name="X",
        roles=[role.value],
        password="long-enough-password-1",
    )


def test_another_council_cannot_see_the_runs_or_rates(world, other_council, login):  # noqa: F811
    arrangement, _ = world["HC"]
    rate = rates.rate_create(
        council=world["council"],
        actor=None,
        arrangement=arrangement,
        kind="set",
        unit="hour",
        amount="20.00",
        starts_on=date(2024, 4, 1),
    )
    client = login(_user(other_council, Role.COMMISSIONER))
    assert client.get(reverse("finance:rate", args=[rate.pk])).status_code == 404
    assert b"20.00" not in client.get(reverse("finance:rates")).content


def test_commissioner_sees_which_rate_applies_and_why(world, login, make_user):  # noqa: F811
    arrangement, _ = world["HC"]
    rates.rates_from_admissions(arrangement=arrangement, actor=None, starts_on=APRIL)
    placement = world["place"]("HC", hours_per_week=Decimal(7))
    client = login(make_user(world["council"], Role.COMMISSIONER))
    page = client.get(reverse("finance:rates"), {"placement": placement.pk, "day": "2024-06-01"})
    assert b"28.10 per hour" in page.content and b"provider&#39;s own rate for the area" in page.content
    bad = client.post(
        reverse("finance:rate-create"), {"arrangement": arrangement.pk, "kind": "set", "unit": "hour", "amount": "-3"}
    )
    assert bad.status_code == 400 and b"Enter the date it takes effect from" in bad.content


def test_a_rates_history_holds_only_rates_with_its_whole_key(world, login, make_user, client):  # noqa: F811
    """Supported-living bands of one service are rates of their own: superseding one leaves the other's history."""
    arrangement, _ = world["HC"]
    council = world["council"]
    bands = living_bands(council, arrangement)
    newer = rates.rate_supersede(
        rate=bands[0], actor=None, amount="1545.00", starts_on=date(2025, 4, 1), reason="uplift"
    )
    page = login(make_user(council, Role.COMMISSIONER)).get(reverse("finance:rate", kwargs={"pk": newer.pk}))
    history = page.content.decode().split('<ul class="govuk-list">', 1)[1].split("</ul>", 1)[0]
    assert "1500.00" in history and "1545.00" in history and "1350.00" not in history
    token = accounts.api_token_create(
        organisation=council, name="t", roles=["commissioner"], actor=make_user(council, Role.COMMISSIONER)
    ).secret
    by_api = client.get(f"/api/v1/rates/{bands[1].pk}/history", HTTP_AUTHORIZATION=f"Bearer {token}").json()
    assert [r["amount"] for r in by_api] == ["1350.00"]


def test_api_delivery_records_and_remittances_for_the_provider_only(world, client):  # noqa: F811
    import json

    arrangement, _ = world["HC"]
    rates.rates_from_admissions(arrangement=arrangement, actor=None, starts_on=APRIL)
    placement = world["place"]("HC", hours_per_week=Decimal(7))
    admin = world["staff"]
    secret = accounts.api_token_create(
        organisation=world["provider"], name="roster", roles=["provider_admin"], actor=admin
    ).secret
    headers = {"Authorization": f"Bearer {secret}"}
    body = {"placement_id": placement.pk, "day": "2024-04-02", "start": "08:00", "end": "08:30"}
    made = client.post(
        "/api/v1/delivery-records",
        data=json.dumps(body),
        content_type="application/json",
        headers={**headers, "Idempotency-Key": "d-1"},
    )
    again = client.post(
        "/api/v1/delivery-records",
        data=json.dumps(body),
        content_type="application/json",
        headers={**headers, "Idempotency-Key": "d-1"},
    )
    assert made.status_code == again.status_code == 201 and made.json()["minutes"] == 30
    assert DeliveryRecord.objects.count() == 1
    outside = client.post(
        "/api/v1/delivery-records",
        data=json.dumps({**body, "day": "2024-01-02"}),
        content_type="application/json",
        headers=headers,
    )
    assert outside.status_code == 400 and outside.json()["errors"][0]["field"] == "date"
    from caremarket.finance import runs

    run = runs.payment_run_create(
        council=world["council"], actor=world["finance"], period_start=APRIL, period_end=date(2024, 4, 28)
    )
    runs.payment_run_calculate(run=run, actor=world["finance"])
    assert client.get("/api/v1/remittances", headers=headers).json() == []  # not approved yet
    runs.payment_run_approve(run=run, actor=world["other_finance"])
    [remittance] = client.get("/api/v1/remittances", headers=headers).json()
    assert remittance["total"] == "14.05" and len(remittance["lines"]) == 1


def test_payment_rules_contributions_and_funding_routes_are_dated_and_checked(world, login, make_user):  # noqa: F811
    from caremarket.finance import services
    from caremarket.finance.models import ContributionAssessment, PaymentRules

    arrangement, _ = world["HC"]
    commissioner = login(make_user(world["council"], Role.COMMISSIONER))
    bad = commissioner.post(
        reverse("finance:rules"),
        {
            "action": "rules",
            "arrangement": arrangement.pk,
            "pay_on": "planned",
            "minimum_minutes": "500",
            "weekend_percent": "0",
            "bank_holiday_percent": "0",
            "starts_on": "2024-04-01",
        },
    )
    assert bad.status_code == 400 and b"from 0 to 120 minutes" in bad.content
    for start in ("2024-04-01", "2025-04-01"):
        commissioner.post(
            reverse("finance:rules"),
            {
                "action": "rules",
                "arrangement": arrangement.pk,
                "pay_on": "planned",
                "minimum_minutes": "30",
                "weekend_percent": "10",
                "bank_holiday_percent": "50",
                "starts_on": start,
            },
        )
    assert list(PaymentRules.objects.values_list("starts_on", "ends_on")) == [
        (date(2024, 4, 1), date(2025, 3, 31)),
        (date(2025, 4, 1), None),
    ]
    finance = login(world["finance"])
    person = world["person"]
    for start, amount in (("2024-04-01", "20.00"), ("2024-10-01", "25.50")):
        finance.post(
            reverse("finance:contributions"),
            {"action": "contribution", "person": person.pk, "weekly_amount": amount, "starts_on": start},
        )
    assert list(ContributionAssessment.objects.values_list("weekly_amount", "ends_on")) == [
        (Decimal("20.00"), date(2024, 9, 30)),
        (Decimal("25.50"), None),
    ]
    refused = finance.post(
        reverse("finance:contributions"),
        {"action": "contribution", "person": person.pk, "weekly_amount": "-1", "starts_on": "2025-01-01"},
    )
    assert refused.status_code == 400 and b"cannot be negative" in refused.content
    placement = world["place"]("HC", hours_per_week=Decimal(7))
    finance.post(
        reverse("finance:contributions"), {"action": "route", "placement": placement.pk, "funding_route": "net"}
    )
    placement.refresh_from_db()
    assert placement.funding_route == "net"
    block = services.hours_block_create(
        council=world["council"],
        actor=None,
        arrangement=arrangement,
        provider=world["provider"],
        area=world["north"],
        hours_per_week=Decimal(14),
        amount_per_hour="28.10",
        starts_on=APRIL,
    )
    delivery.delivery_record(
        provider=world["provider"],
        actor=world["staff"],
        placement_id=placement.pk,
        day="2024-04-02",
        start="08:00",
        end="11:30",
    )
    from caremarket.finance import runs, selectors

    run = runs.payment_run_create(
        council=world["council"], actor=world["finance"], period_start=APRIL, period_end=date(2024, 4, 7)
    )
    run = runs.payment_run_calculate(run=run, actor=world["finance"])
    [row] = selectors.block_utilisation(run)
    assert (row["block"], row["bought"], row["used"], row["utilisation"]) == (
        block,
        Decimal("14.0"),
        Decimal("3.5"),
        Decimal("25.0"),
    )
    # the visit is inside the block: paid by the block, not again (planned rules are for the arrangement's visits)
    assert run.lines.filter(kind="block").count() == 7
    assert b"Utilisation" in finance.get(reverse("finance:run", args=[run.pk])).content
