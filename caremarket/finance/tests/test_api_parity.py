"""A council's finance system and a provider's rostering system do by machine what finance officers and provider
staff do in the browser."""

import json
from decimal import Decimal

from caremarket.accounts import services as accounts
from caremarket.finance import delivery
from caremarket.finance.models import PaymentRun, Rate

from .test_runs import APRIL, world  # noqa: F401 - the fixture


def _token(organisation, user, *roles, name="system"):
    return accounts.api_token_create(organisation=organisation, name=name, roles=list(roles), actor=user).secret


def _call(client, method, path, token, body=None, **extra):
    kwargs = {"headers": {"Authorization": f"Bearer {token}"}}
    if body is not None:
        kwargs.update(data=json.dumps(body), content_type="application/json")
    kwargs.update(extra)
    return getattr(client, method)(f"/api/v1{path}", **kwargs)


def test_rates_rules_runs_holds_and_exports_by_machine(world, client, make_user):  # noqa: F811
    from caremarket.domain.roles import Role

    council, (arrangement, _) = world["council"], world["HC"]
    commissioner = make_user(council, Role.COMMISSIONER)
    rates_token = _token(council, commissioner, "commissioner", name="rates")
    bad = _call(
        client, "post", "/rates", rates_token,
        {"arrangement_id": arrangement.pk, "kind": "set", "unit": "hour", "amount": "0", "starts_on": "2024-04-01"},
    )  # fmt: skip
    assert bad.status_code == 400 and not Rate.objects.exists()
    made = _call(
        client, "post", "/rates", rates_token,
        {"arrangement_id": arrangement.pk, "kind": "set", "unit": "hour", "amount": "28.10", "starts_on": "2024-04-01",
         "reason": "the set rate"},
    )  # fmt: skip
    assert made.status_code == 201, made.content
    uplift = _call(
        client, "post", "/rates/uplift", rates_token,
        {"arrangement_id": arrangement.pk, "percent": "3", "starts_on": "2025-04-01"},
    )  # fmt: skip
    assert uplift.status_code == 201 and [r["amount"] for r in uplift.json()] == ["28.94"]
    rules = _call(
        client, "post", "/payment-rules", rates_token,
        {"arrangement_id": arrangement.pk, "starts_on": "2024-04-01", "pay_on": "actual", "minimum_minutes": 30},
    )  # fmt: skip
    assert rules.status_code == 201 and rules.json()["minimum_minutes"] == 30
    placement = world["place"]("HC", hours_per_week=Decimal(7))
    explained = _call(client, "get", f"/placements/{placement.pk}/rate?day=2024-04-02", rates_token).json()
    assert explained["amount"] == "28.10"

    # the provider's rostering system records by file and reads its records back
    provider_token = _token(world["provider"], world["staff"], "provider_admin", name="roster")
    csv = (
        "placement,date,start,end,carers\n"
        f"{placement.pk},2024-04-02,08:00,08:45,1\n{placement.pk},2024-04-03,08:00,08:15,1\n"
    )
    upload = client.post(
        "/api/v1/delivery-uploads",
        {"file": _file("april.csv", csv)},
        headers={"Authorization": f"Bearer {provider_token}"},
    )
    assert upload.status_code == 201 and upload.json()["created"] == 2, upload.content
    listed = _call(client, "get", f"/delivery-records?placement_id={placement.pk}", provider_token).json()
    assert sorted(r["day"] for r in listed) == ["2024-04-02", "2024-04-03"]
    assert _call(client, "get", "/delivery-records", rates_token).status_code == 403

    # a run made and calculated by one finance officer, approved by another: the two-person rule holds by machine
    first = _token(council, world["finance"], "finance_officer", name="finance-1")
    second = _token(council, world["other_finance"], "finance_officer", name="finance-2")
    run = _call(client, "post", "/payment-runs", first, {"period_start": "2024-04-01", "period_end": "2024-04-28"})
    assert run.status_code == 201
    run_id = run.json()["id"]
    job = _call(client, "post", f"/payment-runs/{run_id}/calculation", first)
    assert job.status_code == 202 and job.json()["url"] == f"/api/v1/jobs/{job.json()['id']}"
    followed = client.get(job.json()["url"], headers={"Authorization": f"Bearer {first}"}).json()
    assert followed["status"] == "done" and followed["link"] == f"/finance/runs/{run_id}/"
    assert _call(client, "get", f"/payment-runs/{run_id}", first).json()["total"] == "35.13"
    lines = _call(client, "get", f"/payment-runs/{run_id}/lines", first).json()
    assert sum(Decimal(line["amount"]) for line in lines) == Decimal("35.13")
    refused = _call(client, "post", f"/payment-runs/{run_id}/approval", first)
    assert refused.status_code == 403 and "cannot be the one who calculated" in refused.json()["detail"]
    assert _call(client, "get", f"/payment-runs/{run_id}/payments.csv", first).status_code == 409
    assert _call(client, "post", f"/payment-runs/{run_id}/approval", second).json()["status"] == "approved"
    exported = _call(client, "get", f"/payment-runs/{run_id}/payments.csv", first)
    assert exported.status_code == 200 and "35.13" in exported.content.decode()
    assert _call(client, "get", f"/payment-runs/{run_id}/payments.xlsx", first).status_code == 200
    [remittance] = _call(client, "get", f"/payment-runs/{run_id}/remittances", first).json()
    assert remittance["total"] == "35.13"
    assert _call(client, "post", f"/payment-runs/{run_id}/payment", second).json()["status"] == "paid"
    assert PaymentRun.objects.get(pk=run_id).status == "paid"

    # holds, contributions and funding routes
    hold = _call(client, "post", "/holds", first, {"reason": "Disputed visit", "placement_id": placement.pk})
    assert hold.status_code == 201
    released = _call(client, "post", f"/holds/{hold.json()['id']}/release", first)
    assert released.json()["released_at"] is not None
    assert _call(client, "post", f"/holds/{hold.json()['id']}/release", first).status_code == 409
    route = _call(client, "put", f"/placements/{placement.pk}/funding-route", first, {"funding_route": "net"})
    assert route.json() == {"placement_id": placement.pk, "funding_route": "net"}
    contribution = _call(
        client, "post", "/contributions", first,
        {"person_id": world["person"].pk, "weekly_amount": "30.00", "starts_on": "2024-05-01"},
    )  # fmt: skip
    assert contribution.status_code == 201 and contribution.json()["weekly_amount"] == "30.00"

    # another council's token sees none of it
    other = _other_council_token(make_user)
    assert _call(client, "get", f"/payment-runs/{run_id}/lines", other).status_code == 404
    assert _call(client, "post", f"/holds/{hold.json()['id']}/release", other).status_code == 404
    assert delivery.kind_for(placement) == "visit"


def _file(name, text):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, text.encode(), content_type="text/csv")


def _other_council_token(make_user):
    from caremarket.domain.roles import OrganisationKind, Role

    other = accounts.organisation_create(kind=OrganisationKind.COUNCIL, name="Mereford Borough Council")
    return _token(other, make_user(other, Role.FINANCE_OFFICER), "finance_officer", name="other")
