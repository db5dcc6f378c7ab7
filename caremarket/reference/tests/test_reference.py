import re
from decimal import Decimal

import pytest

from caremarket.core.errors import ServiceError
from caremarket.core.models import AuditEvent
from caremarket.domain.roles import Role
from caremarket.reference import services
from caremarket.reference.models import Area, NeedLevel, ReasonCode, ServiceType


def test_duplicate_codes_are_refused_per_council(council, other_council):
    services.area_create(council=council, actor=None, code="north", name="North", level=1)
    with pytest.raises(ServiceError) as exc:
        services.area_create(council=council, actor=None, code="NORTH", name="North two", level=1)
    assert exc.value.errors == {"code": "An area with the code 'north' already exists"}
    services.area_create(council=other_council, actor=None, code="north", name="North", level=1)
    assert Area.objects.filter(code="north").count() == 2


@pytest.mark.parametrize("level", [0, 4, "9"])
def test_level_outside_1_to_3_saves_nothing(council, level):
    before = AuditEvent.objects.count()
    with pytest.raises(ServiceError) as exc:
        services.area_create(council=council, actor=None, code="x", name="X", level=level)
    assert exc.value.errors == {"level": "Area level must be 1, 2 or 3"}
    assert not Area.objects.exists() and AuditEvent.objects.count() == before


def test_database_constraint_backs_the_level_rule(council):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Area.objects.create(council=council, code="x", name="X", level=5)


def test_need_level_for_unknown_service_type_code(council):
    with pytest.raises(ServiceError, match="no service type with the code 'nursing'"):
        services.need_level_create(council=council, actor=None, service_type="nursing", code="a", name="A")
    assert not NeedLevel.objects.exists()


def test_need_levels_belong_to_a_service_type(council, other_council):
    day = services.service_type_create(council=council, actor=None, code="day-services", name="Day services")
    services.need_level_create(
        council=council, actor=None, service_type="day-services", code="expected", name="Expected", rank=1
    )
    services.need_level_create(council=council, actor=None, service_type=day, code="enhanced", name="Enhanced", rank=2)
    assert list(day.need_levels.values_list("name", flat=True)) == ["Expected", "Enhanced"]
    with pytest.raises(ServiceError, match="another council"):
        services.need_level_create(council=other_council, actor=None, service_type=day, code="x", name="X")


def test_unknown_reason_kind(council):
    with pytest.raises(ServiceError, match="Reason kind must be one of"):
        services.reason_code_create(council=council, actor=None, kind="whim", code="x", name="X")
    assert not ReasonCode.objects.exists()


def test_providers_have_no_reference_data(provider):
    with pytest.raises(ServiceError, match="Only a council"):
        services.service_type_create(council=provider, actor=None, code="x", name="X")
    assert not ServiceType.objects.exists()


def test_centroid_and_ons_code(council):
    area = services.area_create(
        council=council,
        actor=None,
        code="altrincham",
        name="Altrincham",
        level=1,
        ons_code="e05015239",
        latitude=Decimal("53.387313"),
        longitude=Decimal("-2.344085"),
    )
    assert area.ons_code == "E05015239"
    with pytest.raises(ServiceError, match="both"):
        services.area_create(council=council, actor=None, code="b", name="B", level=1, latitude=Decimal("53"))


def test_admin_adds_an_area_in_the_browser(admin_client, council):
    response = admin_client.post(
        "/reference/areas/new/", {"code": "Horsham Town", "name": "Horsham Town", "level": "1", "in_county": "true"}
    )
    assert response.status_code == 302
    area = Area.objects.get(council=council)
    assert (area.code, area.level, area.in_county) == ("horsham-town", 1, True)
    assert "Horsham Town" in admin_client.get("/reference/areas/").content.decode()
    assert "area.created" in admin_client.get("/audit/").content.decode()


def test_form_errors_are_shown_next_to_fields(admin_client, council):
    services.area_create(council=council, actor=None, code="north", name="North", level=1)
    page = admin_client.post("/reference/areas/new/", {"code": "north", "name": "Another", "level": "2"}).content
    page = page.decode()
    assert "There is a problem" in page and re.search(r'href="#[a-z-]+-code"', page) and "already exists" in page
    assert "govuk-error-message" in page
    page = admin_client.post("/reference/areas/new/", {"code": "south", "name": "South", "level": "7"}).content
    assert "Area level must be 1, 2 or 3" in page.decode()
    assert Area.objects.count() == 1


def test_edit_records_before_and_after(admin_client, council):
    area = services.area_create(council=council, actor=None, code="north", name="North", level=1)
    response = admin_client.post(
        f"/reference/areas/{area.pk}/edit/", {"name": "North", "level": "3", "is_active": "true"}
    )
    assert response.status_code == 302
    event = AuditEvent.objects.get(action="area.updated")
    assert event.before == {"level": 1, "in_county": True} and event.after == {"level": 3, "in_county": False}


def test_every_kind_can_be_added_in_the_browser(admin_client, council):
    assert (
        admin_client.post(
            "/reference/service-types/new/", {"code": "home-care", "name": "Home care", "regulated_activity": "true"}
        ).status_code
        == 302
    )
    assert (
        admin_client.post(
            "/reference/need-levels/new/",
            {"service_type": "home-care", "code": "complex", "name": "Complex", "rank": "2"},
        ).status_code
        == 302
    )
    assert (
        admin_client.post(
            "/reference/reason-codes/new/", {"kind": "decline", "code": "no-capacity", "name": "No capacity"}
        ).status_code
        == 302
    )
    assert ServiceType.objects.get().regulated_activity is True
    assert NeedLevel.objects.get().rank == 2
    assert ReasonCode.objects.get().kind == "decline"


def test_only_the_organisation_admin_manages_reference_data(login, council, make_user):
    client = login(make_user(council, Role.COMMISSIONER))
    assert client.get("/reference/areas/").status_code == 200
    assert client.post("/reference/areas/new/", {"code": "x", "name": "X", "level": "1"}).status_code == 403
    assert not Area.objects.exists()
