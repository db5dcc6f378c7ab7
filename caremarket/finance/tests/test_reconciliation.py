"""A finance officer reconciles a run from its page: control totals, the change from the previous approved run per
provider and in total, the flagged lines listed and downloadable, every line exported with people told apart by
reference, and a payments file carrying the council's supplier codes and cost centres."""

import csv
import io
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from caremarket.brokerage.models import Placement
from caremarket.core.errors import ServiceError
from caremarket.core.models import AuditEvent
from caremarket.finance import delivery, exports, reconciliation, runs, services
from caremarket.reference.models import ServiceType

from .test_runs import world  # noqa: F401 - the fixture

D = Decimal


def _run(w, start, end):
    run = runs.payment_run_create(council=w["council"], actor=w["finance"], period_start=start, period_end=end)
    run = runs.payment_run_calculate(run=run, actor=w["finance"])
    return runs.payment_run_approve(run=run, actor=w["other_finance"])


def _rows(text: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(text)))


def test_control_totals_and_the_change_from_the_previous_run(world):  # noqa: F811
    world["visited"](visits=[("2024-04-02", "08:00", "09:00"), ("2024-04-03", "08:00", "08:30")])
    april = _run(world, date(2024, 4, 1), date(2024, 4, 14))
    assert reconciliation.previous_run(april) is None
    counted = reconciliation.controls(april)
    assert (counted.visits, counted.hours, counted.people, counted.providers) == (2, D("1.5"), 1, 1)
    assert counted.total == april.total == D("42.15")  # 1.5 hours at £28.10
    # the next fortnight: one visit
    placement = Placement.objects.get()
    delivery.delivery_record(
        provider=world["provider"], actor=world["staff"], placement_id=placement.pk, day="2024-04-16",
        start="08:00", end="09:00",
    )  # fmt: skip
    later = runs.payment_run_calculate(
        run=runs.payment_run_create(
            council=world["council"],
            actor=world["finance"],
            period_start=date(2024, 4, 15),
            period_end=date(2024, 4, 28),
        ),
        actor=world["finance"],
    )
    assert reconciliation.previous_run(later) == april
    (row,) = reconciliation.variance(later, april)
    assert (row["now"], row["before"], row["change"], row["percent"]) == (
        D("28.10"),
        D("42.15"),
        D("-14.05"),
        D("-33.3"),
    )


def test_the_payments_file_carries_supplier_codes_and_cost_centres(world):  # noqa: F811
    world["visited"]()
    council = world["council"]
    run = _run(world, date(2024, 4, 1), date(2024, 4, 28))
    assert reconciliation.ledger_gaps(run) == ["Ash Care has no supplier code", "Home care have no cost centre"]
    services.supplier_code_set(council=council, actor=world["finance"], provider=world["provider"], code="SUP-0042")
    services.cost_centre_set(council=council, actor=world["finance"], code="ASC900", account="5001")
    home = ServiceType.objects.get(council=council, code="home-care")
    services.cost_centre_set(council=council, actor=world["finance"], service_type=home, code="ASC120", account="5101")
    assert reconciliation.ledger_gaps(run) == []
    (row,) = _rows(exports.payments_csv(run))
    assert {
        k: row[k] for k in ("supplier_code", "provider", "service", "cost_centre", "account", "amount", "lines")
    } == {
        "supplier_code": "SUP-0042",
        "provider": "Ash Care",
        "service": "Home care",
        "cost_centre": "ASC120",
        "account": "5101",
        "amount": "28.10",
        "lines": "1",
    }
    assert AuditEvent.objects.filter(action="finance.supplier_code_set").count() == 1
    with pytest.raises(ServiceError):
        services.supplier_code_set(council=council, actor=world["finance"], provider=world["provider"], code="A,B")


def test_the_run_page_reconciles_and_exports_lines_and_flagged_lines(world, login):  # noqa: F811
    # 2 hours delivered in a week assessed at 1: the second hour is flagged, not paid
    world["visited"](visits=[("2024-04-02", "08:00", "09:00"), ("2024-04-03", "08:00", "09:00")], hours_per_week=1)
    client = login(world["finance"])
    made = client.post(reverse("finance:runs"), {"period_start": "2024-04-01", "period_end": "2024-04-07"})
    client.post(made["Location"], {"action": "calculate"})
    run_id = int(made["Location"].rstrip("/").split("/")[-1])
    page = client.get(made["Location"]).content.decode()
    assert "Control totals" in page and "no earlier approved run" in page
    assert "1 lines above the assessed plan" in page and "Download the flagged lines (CSV)" in page
    assert "Ash Care has no supplier code" in page
    flagged = _rows(client.get(reverse("finance:run-lines-csv", args=[run_id]) + "?flagged=yes").content.decode())
    assert [(r["flagged"], r["person_reference"], r["person"]) for r in flagged] == [
        ("yes", f"person {flagged[0]['person_reference'].split()[-1]}", "Ada Byrne")
    ]
    every = _rows(client.get(reverse("finance:run-lines-csv", args=[run_id])).content.decode())
    assert len(every) == 2 and {r["request"] for r in every} == {every[0]["request"]}
    assert every[0]["request"].startswith("R-")


def test_codes_are_set_on_their_page_and_refused_with_a_reason(world, login):  # noqa: F811
    world["visited"]()
    client = login(world["finance"])
    page = client.get(reverse("finance:ledger-codes")).content.decode()
    assert "Ash Care" in page and "Missing" in page
    bad = client.post(reverse("finance:ledger-codes"), {"action": "centre", "service_type": "", "code": ""})
    assert bad.status_code == 400 and "Enter the cost centre" in bad.content.decode()
    client.post(
        reverse("finance:ledger-codes"),
        {"action": "supplier", "provider": world["provider"].pk, "code": "SUP-7"},
    )
    assert "SUP-7" in client.get(reverse("finance:ledger-codes")).content.decode()


def test_the_api_reconciles_and_sets_codes(world, client, make_user):  # noqa: F811
    from caremarket.accounts import services as accounts
    from caremarket.domain.roles import Role

    world["visited"]()
    run = _run(world, date(2024, 4, 1), date(2024, 4, 28))
    officer = make_user(world["council"], Role.FINANCE_OFFICER)
    secret = accounts.api_token_create(
        organisation=world["council"], name="ledger", roles=[Role.FINANCE_OFFICER.value], actor=officer
    ).secret
    headers = {"Authorization": f"Bearer {secret}"}
    got = client.get(f"/api/v1/payment-runs/{run.pk}/reconciliation", headers=headers).json()
    assert got["controls"]["total"] == "28.10" and got["previous_run_id"] is None
    assert got["ledger_gaps"] == ["Ash Care has no supplier code", "Home care have no cost centre"]
    put = client.put(
        f"/api/v1/ledger-codes/suppliers/{world['provider'].pk}",
        data='{"code": "SUP-9"}',
        content_type="application/json",
        headers=headers,
    )
    assert put.status_code == 200 and put.json()["suppliers"] == {str(world["provider"].pk): "SUP-9"}
    bad = client.put(
        "/api/v1/ledger-codes/cost-centres", data='{"code": ""}', content_type="application/json", headers=headers
    )
    assert bad.status_code == 400
