from datetime import date
from decimal import Decimal

import pytest

from caremarket.accounts import services as accounts
from caremarket.arrangements import admissions, services
from caremarket.arrangements.models import Admission, Application, AwardRun, Decision
from caremarket.core.errors import ServiceError
from caremarket.domain.roles import OrganisationKind


@pytest.fixture
def tiered(council, council_admin, reference_data):
    from caremarket.reference import services as reference

    reference.area_create(council=council, actor=None, code="rural", name="Rural", level=3)
    reference.area_create(council=council, actor=None, code="east", name="East", level=1)
    arrangement = services.arrangement_create(
        council=council,
        actor=council_admin,
        reference="HC-2026",
        title="Home care framework",
        mechanism="tiered_framework",
        regime="pcr_2015_light_touch",
        starts_on=date(2026, 4, 1),
        ends_on=date(2030, 3, 31),
        estimated_value=Decimal("90000000"),
        quality_weight=Decimal(60),
        price_weight=Decimal(40),
        quality_threshold=Decimal(50),
        cap_level_1=1,
        cap_level_2=1,
        price_basis="hour-per-area",
    )
    lot = services.lot_create(
        arrangement=arrangement,
        actor=council_admin,
        title="Home care",
        service_types=["community"],
        areas=["north", "east", "south", "rural"],
    )
    return arrangement, lot


def admit(arrangement, lot, council_admin, name, quality, prices):
    provider = accounts.organisation_create(kind=OrganisationKind.PROVIDER, name=name)
    application = Application.objects.create(arrangement=arrangement, provider=provider, status="admitted")
    decision = Decision.objects.create(
        application=application,
        outcome="admit",
        reasons="ok",
        passed_pass_fail=True,
        quality_score=Decimal(quality),
        quality_threshold=Decimal(50),
        decided_by=council_admin,
    )
    for area_code, price in prices.items():
        area = lot.areas.get(code=area_code)
        Admission.objects.create(
            arrangement=arrangement,
            lot=lot,
            provider=provider,
            area=area,
            application=application,
            price=Decimal(price),
            score=decision.quality_score,
        )
    return provider


def test_positions_are_computed_under_caps_and_kept(tiered, council_admin):
    arrangement, lot = tiered
    prices = {"north": "28.00", "east": "28.00", "south": "28.00", "rural": "30.00"}
    admit(arrangement, lot, council_admin, "Ash", 90, prices)
    admit(arrangement, lot, council_admin, "Birch", 80, {"north": "27.00", "east": "27.00", "south": "27.50"})
    admit(arrangement, lot, council_admin, "Cedar", 70, {"north": "26.00", "east": "26.00", "rural": "29.00"})
    admit(arrangement, lot, council_admin, "Dogwood", 60, {"east": "26.00"})
    run = admissions.positions_compute(arrangement=arrangement, actor=council_admin)
    held = {(a.provider.name, a.area.code): a.position for a in Admission.objects.select_related("provider", "area")}
    level_1 = {
        p: [a for a in ("north", "east") if held.get((p, a)) in {"primary", "secondary"}]
        for p in ("Ash", "Birch", "Cedar", "Dogwood")
    }
    # a cap of one level 1 area each: four positions in north and east go to four different providers
    assert all(len(areas) <= 1 for areas in level_1.values()) and sum(map(len, level_1.values())) == 4
    assert held["Ash", "south"] == "primary" and held["Birch", "south"] == "reserve"
    assert held["Ash", "rural"] == "reserve" and held["Cedar", "rural"] == "reserve"
    assert run.result["unfilled"] == [] and run.kind == "positions"
    assert run.result["reserve"]["rural"] == ["Ash", "Cedar"]
    assert any("Level 3 area" in line for line in run.result["explanations"]["rural"])
    admissions.positions_compute(arrangement=arrangement, actor=council_admin)
    assert AwardRun.objects.filter(arrangement=arrangement).count() == 2


def test_positions_only_for_tiered_frameworks(fps, council_admin):
    with pytest.raises(ServiceError, match="tiered frameworks only"):
        admissions.positions_compute(arrangement=fps, actor=council_admin)


def test_a_manual_change_that_breaks_a_cap_is_refused(tiered, council_admin):
    arrangement, lot = tiered
    admit(arrangement, lot, council_admin, "Ash", 90, {"north": "28.00", "east": "28.00"})
    admit(arrangement, lot, council_admin, "Birch", 80, {"north": "27.00", "east": "27.00"})
    admissions.positions_compute(arrangement=arrangement, actor=council_admin)
    ash_reserve = Admission.objects.get(provider__name="Ash", position="reserve")
    with pytest.raises(ServiceError, match="would hold 2 level 1 areas; the cap is 1"):
        admissions.position_override(
            admission=ash_reserve, actor=council_admin, position="secondary", reason="Local knowledge"
        )
    with pytest.raises(ServiceError, match="already holds the primary position"):
        admissions.position_override(admission=ash_reserve, actor=council_admin, position="primary", reason="x")
    with pytest.raises(ServiceError, match="Say why"):
        admissions.position_override(admission=ash_reserve, actor=council_admin, position="reserve", reason="")
    assert Admission.objects.get(pk=ash_reserve.pk).position == "reserve"
