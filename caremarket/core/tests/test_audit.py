import csv
import io

import pytest
from django.db import DatabaseError, connection, transaction

from caremarket.core.audit import audit_record
from caremarket.core.models import AppendOnlyError, AuditEvent
from caremarket.domain.roles import Role
from caremarket.reference import services as reference


@pytest.fixture
def event(council, council_admin):
    return audit_record(actor=council_admin, organisation=council, action="test.happened", reason="because")


def test_record_says_who_where_when_what_and_why(council, council_admin):
    area = reference.area_create(council=council, actor=council_admin, code="north", name="North", level=1)
    reference.area_update(
        area=area, actor=council_admin, name="North Vale", level=2, in_county=True, reason="split of the old area"
    )
    created, updated = AuditEvent.objects.filter(object_type="reference.area").order_by("occurred_at", "id")
    assert created.action == "area.created" and created.before is None and created.after["level"] == 1
    assert updated.action == "area.updated"
    assert updated.before == {"name": "North", "level": 1}
    assert updated.after == {"name": "North Vale", "level": 2}
    assert updated.reason == "split of the old area"
    assert updated.actor == council_admin and updated.organisation == council
    assert council_admin.email in updated.actor_label
    assert updated.occurred_at >= created.occurred_at
    # to the microsecond, on both databases
    assert AuditEvent.objects.get(pk=updated.pk).occurred_at == updated.occurred_at


def test_application_refuses_to_change_or_delete(event):
    event.reason = "rewritten"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).update(reason="rewritten")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).delete()
    assert AuditEvent.objects.get(pk=event.pk).reason == "because"


def test_database_refuses_update_even_from_raw_sql(event):
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE core_auditevent SET reason = 'rewritten' WHERE id = %s", [event.pk])
    assert AuditEvent.objects.get(pk=event.pk).reason == "because"


def test_database_guards_are_installed(event):
    if connection.vendor == "postgresql":
        # PostgreSQL refuses DELETE too; SQLite leaves DELETE to the application (ADR 0003).
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("DELETE FROM core_auditevent WHERE id = %s", [event.pk])
    else:
        with connection.cursor() as cursor:
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'core_auditevent'")
            assert [row[0] for row in cursor.fetchall()] == ["core_auditevent_no_update"]
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_no_url_edits_or_deletes_audit_records(admin_client, event):
    for path in [f"/audit/{event.pk}/", f"/audit/{event.pk}/edit/", f"/audit/{event.pk}/delete/"]:
        assert admin_client.post(path, {"reason": "x"}).status_code in (404, 405)
    assert AuditEvent.objects.get(pk=event.pk).reason == "because"


def test_audit_log_page_filters_and_is_scoped(admin_client, council, other_council, make_user):
    other_admin = make_user(other_council, Role.ORGANISATION_ADMIN)
    reference.area_create(council=council, actor=None, code="mine", name="Mine Area", level=1)
    reference.area_create(council=other_council, actor=other_admin, code="theirs", name="Theirs Area", level=1)
    page = admin_client.get("/audit/").content.decode()
    assert "Mine Area" in page and "Theirs Area" not in page
    filtered = admin_client.get("/audit/", {"action": "user.created"}).content.decode()
    assert "Mine Area" not in filtered and "user.created" in filtered


def test_audit_log_needs_the_auditor_role(login, council, make_user):
    broker = make_user(council, Role.BROKER)
    assert login(broker).get("/audit/").status_code == 403
    assert login(broker).get("/audit/export.csv").status_code == 403


def test_csv_export(admin_client, council, other_council):
    reference.area_create(council=council, actor=None, code="mine", name="Mine Area", level=3)
    reference.area_create(council=other_council, actor=None, code="theirs", name="Theirs Area", level=1)
    response = admin_client.get("/audit/export.csv", {"object_type": "reference.area"})
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert [row["object"] for row in rows] == ["Mine Area"]
    assert rows[0]["action"] == "area.created" and '"level": 3' in rows[0]["after"]
    assert "." in rows[0]["occurred_at"]  # microseconds


def test_audit_records_name_people_by_reference_not_by_name(council, make_user, login):
    from decimal import Decimal

    from django.db import transaction

    from caremarket.brokerage import placements
    from caremarket.brokerage.models import CareRequest
    from caremarket.brokerage.tests.factories import market
    from caremarket.core.models import AuditEvent
    from caremarket.domain.roles import Role

    request, providers, broker, arrangement = market(council, make_user)
    ash, _ = providers["Ash"]
    with transaction.atomic():
        locked = CareRequest.objects.select_for_update().get(pk=request.pk)
        placements.placement_create(
            request=locked,
            provider=ash,
            route="cascade",
            actor=broker,
            admission=arrangement.admissions.get(provider=ash),
            agreed_price=Decimal("27.50"),
            reason="test",
        )
    reprs = list(AuditEvent.objects.values_list("object_repr", flat=True))
    assert any(r.startswith("Person ") for r in reprs) and any(r.startswith("Placement ") for r in reprs)
    assert not any("Byrne" in r or "Ada" in r for r in reprs)
    page = login(make_user(council, Role.ORGANISATION_ADMIN)).get("/audit/").content.decode()
    assert "Byrne" not in page and f"Person {request.person_id}" in page


def test_changes_save_records_only_what_changed_and_nothing_when_nothing_did(council, council_admin):
    from caremarket.core.audit import changes_save

    recorded = AuditEvent.objects.count()
    changed = changes_save(
        council,
        actor=council_admin,
        organisation=council,
        changes={"escalate_unsourced_after_hours": 48, "provider_access_days": 90},
        action="brokerage.settings_changed",
    )
    assert changed == {"escalate_unsourced_after_hours": 48}
    event = AuditEvent.objects.get(action="brokerage.settings_changed")
    assert event.before == {"escalate_unsourced_after_hours": 24} and event.after == changed
    council.refresh_from_db()
    assert council.escalate_unsourced_after_hours == 48
    assert changes_save(council, actor=council_admin, organisation=council, changes={"provider_access_days": 90}) == {}
    assert AuditEvent.objects.count() == recorded + 1
