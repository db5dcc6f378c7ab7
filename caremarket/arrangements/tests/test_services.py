from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from caremarket.arrangements import selectors, services
from caremarket.arrangements.models import ApplicationWindow, Arrangement, ArrangementStatusChange, Lot
from caremarket.core.errors import ServiceError
from caremarket.core.models import AuditEvent

from .conftest import fps_data


def test_create_records_draft_and_audits(fps, council_admin):
    assert fps.status == "draft"
    change = ArrangementStatusChange.objects.get(arrangement=fps)
    assert (change.from_status, change.to_status, change.changed_by) == ("", "draft", council_admin)
    assert AuditEvent.objects.filter(action="arrangement.created", object_id=str(fps.pk)).exists()


@pytest.mark.parametrize(
    "overrides,field",
    [
        ({"reference": "DO-FPS-2026"}, "reference"),
        ({"mechanism": "lottery"}, "mechanism"),
        ({"quality_weight": Decimal(70)}, "quality_weight"),
        ({"mechanism": "tiered_framework"}, "cap_level_1"),
        (
            {
                "reference": "B-1",
                "mechanism": "block_contract",
                "window_every_months": None,
                "ends_on": date(2027, 3, 31),
            },
            "ends_on",
        ),
        ({"estimated_value": Decimal("-1")}, "estimated_value"),
    ],
)
def test_bad_arrangements_are_refused_and_nothing_saved(fps, council, council_admin, overrides, field):
    before = Arrangement.objects.count()
    with pytest.raises(ServiceError) as exc:
        services.arrangement_create(council=council, actor=council_admin, **fps_data(**overrides))
    assert field in exc.value.errors, exc.value.errors
    assert Arrangement.objects.count() == before


def test_lots_need_areas_and_service_types_of_the_council(fps, council_admin, reference_data, other_council):
    from caremarket.reference import services as reference

    with pytest.raises(ServiceError, match="at least one area"):
        services.lot_create(
            arrangement=fps, actor=council_admin, title="Lot 1", service_types=["building-based"], areas=[]
        )
    theirs = reference.area_create(council=other_council, actor=None, code="elsewhere", name="Elsewhere", level=1)
    with pytest.raises(ServiceError, match="Unknown areas: elsewhere"):
        services.lot_create(
            arrangement=fps, actor=council_admin, title="Lot 1", service_types=["building-based"], areas=[theirs]
        )
    with pytest.raises(ServiceError, match="not a need level of the lot's service types"):
        services.lot_create(
            arrangement=fps,
            actor=council_admin,
            title="Lot 2",
            service_types=["community"],
            areas=["north"],
            need_levels=[reference_data["expected"]],
        )
    assert not Lot.objects.exists()
    lot = services.lot_create(
        arrangement=fps,
        actor=council_admin,
        title="Building based",
        service_types=["building-based"],
        areas=["north", "south"],
        need_levels=[reference_data["expected"], reference_data["enhanced"]],
    )
    assert lot.number == 1 and lot.areas.count() == 2 and lot.need_levels.count() == 2
    second = services.lot_create(
        arrangement=fps, actor=council_admin, title="Community", service_types=["community"], areas=["north"]
    )
    assert second.number == 2


def test_lifecycle_with_first_window_and_scheduled_closing(fps, council_admin):
    now = timezone.now()
    with pytest.raises(ServiceError, match="at least one lot"):
        services.arrangement_transition(
            arrangement=fps, actor=council_admin, to_status="open", closes_at=now + timedelta(days=28)
        )
    services.lot_create(
        arrangement=fps, actor=council_admin, title="Building based", service_types=["building-based"], areas=["north"]
    )
    with pytest.raises(ServiceError, match="cannot become live"):
        services.arrangement_transition(arrangement=fps, actor=council_admin, to_status="live")
    fps = services.arrangement_transition(
        arrangement=fps, actor=council_admin, to_status="open", closes_at=now + timedelta(days=28), now=now
    )
    assert fps.status == "open" and selectors.accepts_applications(fps, now + timedelta(days=1))
    window = ApplicationWindow.objects.get(arrangement=fps)
    assert window.reason == "initial"
    # the worker closes the window when its time passes; nobody has to remember
    assert services.windows_close_due(now=now + timedelta(days=27)) == []
    assert services.windows_close_due(now=now + timedelta(days=28, seconds=1)) == [window]
    assert not selectors.accepts_applications(Arrangement.objects.get(pk=fps.pk), now + timedelta(days=29))
    assert AuditEvent.objects.filter(action="application_window.closed", reason="closing time passed").exists()
    for status in ("evaluating", "live"):
        fps = services.arrangement_transition(arrangement=fps, actor=council_admin, to_status=status)
    assert [c.to_status for c in fps.status_changes.all()] == ["draft", "open", "evaluating", "live"]


def _live(fps, actor, now):
    services.lot_create(arrangement=fps, actor=actor, title="Lot", service_types=["building-based"], areas=["north"])
    services.arrangement_transition(
        arrangement=fps, actor=actor, to_status="open", closes_at=now + timedelta(days=1), now=now
    )
    services.windows_close_due(now=now + timedelta(days=2))
    for status in ("evaluating", "live"):
        fps = services.arrangement_transition(arrangement=fps, actor=actor, to_status=status)
    return fps


def test_only_contacts_and_description_change_once_live(fps, council_admin):
    fps = _live(fps, council_admin, timezone.now())
    services.arrangement_update(
        arrangement=fps, actor=council_admin, description="New text", contact_email="commissioning@westmarch.example"
    )
    with pytest.raises(ServiceError, match="only its contact details, description and response time"):
        services.arrangement_update(arrangement=fps, actor=council_admin, estimated_value=Decimal("1"))
    assert Arrangement.objects.get(pk=fps.pk).estimated_value == Decimal("4200000.00")
    # the time providers have to answer a referral is brokerage's day-to-day setting: it changes while live
    with pytest.raises(ServiceError, match="from 0.5 to 120 working hours"):
        services.arrangement_update(arrangement=fps, actor=council_admin, response_hours=Decimal("0"))
    services.arrangement_update(arrangement=fps, actor=council_admin, response_hours=Decimal("8"))
    assert Arrangement.objects.get(pk=fps.pk).response_hours == Decimal("8.0")


def test_the_response_time_is_changed_in_the_browser_while_live(fps, council_admin, admin_client, make_user):
    from caremarket.domain.roles import Role

    fps = _live(fps, council_admin, timezone.now())
    client = admin_client
    client.force_login(
        make_user(fps.council, Role.COMMISSIONER), backend="caremarket.accounts.backends.OrganisationUserBackend"
    )
    page = client.get(f"/arrangements/{fps.pk}/edit/")
    assert 'name="response_hours"' in page.content.decode() and 'name="estimated_value"' not in page.content.decode()
    bad = client.post(f"/arrangements/{fps.pk}/edit/", {"description": "x", "response_hours": "200"})
    assert bad.status_code == 200 and "120" in bad.content.decode()
    done = client.post(f"/arrangements/{fps.pk}/edit/", {"description": "x", "response_hours": "6"})
    assert done.status_code == 302 and Arrangement.objects.get(pk=fps.pk).response_hours == Decimal("6.0")
    assert "6.0 working hours" in client.get(f"/arrangements/{fps.pk}/").content.decode()


def test_windows_reopen_on_schedule_or_for_unmet_need(fps, council_admin):
    start = timezone.now() - timedelta(days=400)
    fps = _live(fps, council_admin, start)
    with pytest.raises(ServiceError, match="Describe the unmet need"):
        services.window_open(
            arrangement=fps, actor=council_admin, closes_at=timezone.now() + timedelta(days=14), reason="unmet-need"
        )
    opened = services.windows_open_scheduled()
    assert len(opened) == 1 and opened[0].reason == "scheduled"
    assert selectors.accepts_applications(Arrangement.objects.get(pk=fps.pk))
    assert services.windows_open_scheduled() == []  # one at a time
    with pytest.raises(ServiceError, match="overlaps"):
        services.window_open(
            arrangement=fps,
            actor=council_admin,
            closes_at=timezone.now() + timedelta(days=3),
            reason="unmet-need",
            unmet_need="Twelve people in the south wait for a place",
        )


def test_terminate_needs_a_reason_and_ends_everything(fps, council_admin):
    services.lot_create(arrangement=fps, actor=council_admin, title="Lot", service_types=["community"], areas=["north"])
    fps = services.arrangement_transition(
        arrangement=fps, actor=council_admin, to_status="open", closes_at=timezone.now() + timedelta(days=5)
    )
    with pytest.raises(ServiceError, match="Say why"):
        services.arrangement_transition(arrangement=fps, actor=council_admin, to_status="terminated")
    fps = services.arrangement_transition(
        arrangement=fps,
        actor=council_admin,
        to_status="terminated",
        reason="Market engagement showed a block contract is needed",
    )
    assert not selectors.accepts_applications(fps)
    with pytest.raises(ServiceError, match="cannot be added"):
        services.lot_create(
            arrangement=fps, actor=council_admin, title="Late", service_types=["community"], areas=["north"]
        )
