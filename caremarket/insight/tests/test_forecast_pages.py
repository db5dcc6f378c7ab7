"""The demand forecast from imported history: a commissioner sees the method, the minimum and maximum and the
accuracy on the held-back year, downloads it, and is told how much history is missing when there is too little;
by API the same; another council never sees it."""

import csv
import io
from datetime import date

from caremarket.accounts import services as accounts
from caremarket.domain.roles import Role
from caremarket.insight import history
from caremarket.reference.models import ServiceType
from tests.factories import CouncilFactory

from .test_spend import _csv, staffordshire  # noqa: F401 - the fixture

TODAY = date(2026, 11, 23)


def _history(months: int) -> bytes:
    rows = []
    for n in range(months):
        month = date(2021 + (n + 3) // 12, (n + 3) % 12 + 1, 1)
        new = 10 + n // 6 + (3 if month.month in (12, 1, 2) else 0)
        rows.append([month.strftime("%Y-%m"), "AMG", "ccs", "East", "ranked", new, 40 + n, "0", "100.00"])
    return _csv(rows)


def test_a_forecast_from_history_with_its_accuracy(council, staffordshire, client):  # noqa: F811
    history.history_import(council=council, actor=staffordshire, file_name="h.csv", content=_history(48), today=TODAY)
    client.force_login(staffordshire)
    page = client.get("/insight/forecast/?years=2").content.decode()
    assert "New packages: Children&#39;s community support, every area" in page
    assert "a damped additive trend, a 12-month season" in page and "80% prediction interval" in page
    assert "The same method fitted on all but the last 12 months" in page
    rows = list(csv.DictReader(io.StringIO(client.get("/insight/forecast/?years=2&format=csv").content.decode())))
    assert len(rows) == 48 + 24 and rows[48]["Month"] == "2025-04" and float(rows[48]["Forecast"]) > 0
    assert float(rows[48]["Minimum (80%)"]) <= float(rows[48]["Forecast"]) <= float(rows[48]["Maximum (80%)"])

    secret = accounts.api_token_create(
        organisation=council, name="bi", roles=[Role.COMMISSIONER.value], actor=staffordshire
    ).secret
    auth = {"Authorization": f"Bearer {secret}"}
    service = ServiceType.objects.get(council=council, code="ccs").pk
    made = client.get(f"/api/v1/insight/forecast?service_type_id={service}&years=1", headers=auth).json()
    assert len(made["points"]) == 12 and made["accuracy"]["months"] == 12 and made["level"] == 80
    assert made["points"][0]["minimum"] <= made["points"][0]["forecast"] <= made["points"][0]["maximum"]

    elsewhere = CouncilFactory()
    ServiceType.objects.create(council=elsewhere, code="ccs", name="Children's community support")
    other = accounts.user_create(
        organisation=elsewhere, email="c@elsewhere.example", full_name="C", roles=[Role.COMMISSIONER.value]
    )
    client.force_login(other)
    page = client.get("/insight/forecast/").content.decode()
    assert "A forecast needs at least 12 months of history; there are 0" in page
    theirs = client.get(f"/api/v1/insight/forecast?service_type_id={service}", headers=auth)
    assert theirs.status_code == 200  # the token is still the first council's: its own service


def test_too_little_history_says_how_much_is_needed(council, staffordshire, client):  # noqa: F811
    history.history_import(council=council, actor=staffordshire, file_name="h.csv", content=_history(9), today=TODAY)
    client.force_login(staffordshire)
    page = client.get("/insight/forecast/").content.decode()
    assert "A forecast needs at least 12 months of history; there are 9" in page
    secret = accounts.api_token_create(
        organisation=council, name="bi", roles=[Role.COMMISSIONER.value], actor=staffordshire
    ).secret
    service = ServiceType.objects.get(council=council, code="ccs").pk
    refused = client.get(
        f"/api/v1/insight/forecast?service_type_id={service}", headers={"Authorization": f"Bearer {secret}"}
    )
    assert refused.status_code == 400 and "there are 9" in refused.json()["detail"]
    other_council_service = ServiceType.objects.create(council=CouncilFactory(), code="x", name="X").pk
    missing = client.get(
        f"/api/v1/insight/forecast?service_type_id={other_council_service}",
        headers={"Authorization": f"Bearer {secret}"},
    )
    assert missing.status_code == 404
