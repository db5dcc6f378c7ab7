"""Demand against capacity (seed 004) and the unmet need it shows (seed 000): a provider declares the people it can
support under an admission, by page or API, checked and audited; the forecast of active packages is set against
what the admitted providers declared, says when demand passes it and offers to reopen the arrangement with the
evidence written in; the worker keeps the outlook and tells the commissioners, once a month; nobody else sees it."""

import csv
import io
import re
from datetime import date

from caremarket.accounts import services as accounts
from caremarket.arrangements.admissions import admission_capacity_declare
from caremarket.arrangements.models import Admission
from caremarket.brokerage.tests.factories import market
from caremarket.core.models import AuditEvent
from caremarket.domain.notifications import Kind
from caremarket.domain.roles import Role
from caremarket.insight import capacity, history, unmet
from caremarket.insight.models import Outlook
from caremarket.notifications.models import Notification
from tests.factories import CouncilFactory

from .test_spend import _csv

TODAY = date(2022, 12, 10)
JSON = "application/json"


def _growing(months: int = 20) -> bytes:
    """Ash's active home care packages in North, from 20 and growing by one a month (under two years: no season to
    fit, which keeps the test quick)."""
    rows = []
    for n in range(months):
        month = date(2021 + (n + 3) // 12, (n + 3) % 12 + 1, 1)
        rows.append([month.strftime("%Y-%m"), "Ash", "home-care", "North", "framework", 2, 20 + n])
        rows[-1] += ["0", "1000.00"]
    return _csv(rows)


def _token(organisation, user, role) -> dict:
    secret = accounts.api_token_create(organisation=organisation, name="system", roles=[role.value], actor=user).secret
    return {"Authorization": f"Bearer {secret}"}


def test_a_provider_declares_its_capacity_by_page_and_api(council, make_user, client):
    _, made, _, _ = market(council, make_user)
    ash, birch = made["Ash"][0], made["Birch"][0]
    admin = make_user(ash, Role.PROVIDER_ADMIN)
    admission = Admission.objects.get(provider=ash)
    client.force_login(admin)
    assert "Not declared" in client.get("/applications/").content.decode()
    url = f"/applications/admissions/{admission.pk}/capacity/"
    for bad, message in [
        ("ten", "Enter the number of people as a whole number, like 12"),
        ("-1", "Enter a number of people from 0 to 5,000"),
        ("", "Enter the number of people, or 0"),
    ]:
        answer = client.post(url, {"capacity": bad})
        assert answer.status_code == 400 and message in answer.content.decode()
    admission.refresh_from_db()
    assert admission.capacity is None  # nothing half-saved
    assert client.post(url, {"capacity": "12"}).status_code == 302
    admission.refresh_from_db()
    assert admission.capacity == 12 and admission.capacity_declared_on is not None
    event = AuditEvent.objects.get(action="admission.capacity_declared", organisation=council)
    assert event.after["capacity"] == 12 and event.before["capacity"] is None
    theirs = Admission.objects.get(provider=birch)
    assert client.post(f"/applications/admissions/{theirs.pk}/capacity/", {"capacity": "3"}).status_code == 404
    client.force_login(made["Ash"][1])  # staff, not the provider's admin
    assert client.post(url, {"capacity": "3"}).status_code == 403

    auth = _token(ash, admin, Role.PROVIDER_ADMIN)
    changed = client.put(
        f"/api/v1/admissions/{admission.pk}/capacity", {"capacity": 15}, content_type=JSON, headers=auth
    )
    assert changed.status_code == 200 and changed.json()["capacity"] == 15
    too_many = client.put(
        f"/api/v1/admissions/{admission.pk}/capacity",
        {"capacity": 99999},
        content_type=JSON,
        headers=auth,
    )
    assert too_many.status_code == 400 and too_many.json()["errors"][0]["field"] == "capacity"
    other = client.put(f"/api/v1/admissions/{theirs.pk}/capacity", {"capacity": 1}, content_type=JSON, headers=auth)
    assert other.status_code == 404
    assert [a["capacity"] for a in client.get("/api/v1/admissions", headers=auth).json()] == [15]


def test_forecast_demand_passes_capacity_and_the_arrangement_reopens_from_there(council, make_user, client):
    _, made, _, arrangement = market(council, make_user)
    commissioner = make_user(council, Role.COMMISSIONER)
    history.history_import(council=council, actor=commissioner, file_name="h.csv", content=_growing(), today=TODAY)
    admin = make_user(made["Ash"][0], Role.PROVIDER_ADMIN)
    for name, people in (("Ash", 30), ("Birch", 10)):
        admission_capacity_declare(
            admission=Admission.objects.get(provider=made[name][0]), actor=admin, capacity=people
        )
    service, area = arrangement.lots.get().service_types.get(), arrangement.lots.get().areas.get()
    found = capacity.capacity_of(council=council, service_type_id=service.pk, area_id=area.pk)
    assert (found.total, found.declared, [a.provider.name for a in found.unknown]) == (40, 2, ["Cedar"])

    client.force_login(commissioner)
    query = f"service={service.pk}&area={area.pk}&measure=active&years=1"
    page = client.get(f"/insight/forecast/?{query}").content.decode()
    assert "Forecast demand exceeds capacity from" in page and "40 people: 2 admissions" in page
    assert "Cedar (FLEXIBLE_FRAMEWORK lot 1)" in page and "capacity 40" in page  # named, and drawn
    link = re.search(r'href="(/arrangements/\d+/windows/new/\?[^"]+)"', page)[1].replace("&amp;", "&")
    form = client.get(link).content.decode()
    assert "Home care in North: forecast active packages reach" in form and "against capacity for 40" in form
    rows = list(csv.DictReader(io.StringIO(client.get(f"/insight/forecast/?{query}&format=csv").content.decode())))
    assert {r["Capacity"] for r in rows} == {"40"}
    new_only = client.get(f"/insight/forecast/?service={service.pk}&area={area.pk}&measure=new").content.decode()
    assert "Capacity is set against active packages" in new_only

    auth = _token(council, commissioner, Role.COMMISSIONER)
    api = client.get(
        f"/api/v1/insight/forecast?service_type_id={service.pk}&area_id={area.pk}&measure=active&years=1",
        headers=auth,
    ).json()
    assert api["capacity"]["people"] == 40 and api["capacity"]["undeclared_admissions"] == 1
    assert api["capacity"]["exceeds_from"] is not None

    assert capacity.outlooks_refresh(council=council, today=TODAY) == 1
    outlook = Outlook.objects.get(council=council)
    assert outlook.capacity == 40 and outlook.exceeds_from is not None and outlook.peak > 40
    page = client.get("/insight/unmet-need/").content.decode()
    assert "Home care in North" in page and "Forecast active packages reach" in page
    assert unmet.unmet_need_notify(council=council, today=TODAY) == 1
    assert unmet.unmet_need_notify(council=council, today=TODAY) == 0  # once a month while it shows
    told = Notification.objects.get(kind=Kind.UNMET_NEED.value)
    assert told.recipient == commissioner and told.subject == "Unmet need: Home care in North"

    elsewhere = make_user(CouncilFactory(), Role.COMMISSIONER)
    client.force_login(elsewhere)
    assert "Home care in North" not in client.get("/insight/unmet-need/").content.decode()
    assert unmet.unmet_need_notify(council=elsewhere.organisation, today=TODAY) == 0
