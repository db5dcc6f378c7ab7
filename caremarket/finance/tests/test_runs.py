"""Rates, delivery records and payment runs against the database, with worked figures."""

from datetime import date, datetime
from decimal import Decimal

import pytest
from django.db import transaction

from caremarket.accounts import services as accounts
from caremarket.brokerage import placements as placement_services
from caremarket.brokerage import services as brokerage
from caremarket.brokerage.models import CareRequest
from caremarket.core.errors import ServiceError
from caremarket.domain.roles import OrganisationKind, Role
from caremarket.finance import delivery, rates, runs, selectors, statements
from caremarket.finance.models import ContributionAssessment, PaymentLine, PaymentRules, PaymentRun
from caremarket.reference import services as reference
from caremarket.reference.models import AreaPostcode
from tests.factories import admit, live_arrangement

D = Decimal
APRIL = date(2024, 4, 1)


@pytest.fixture
def world(council, make_user):
    home = reference.service_type_create(council=council, actor=None, code="home-care", name="Home care")
    days_service = reference.service_type_create(council=council, actor=None, code="day-services", name="Day services")
    north = reference.area_create(council=council, actor=None, code="north", name="North", level=2)
    AreaPostcode.objects.create(council=council, outward_code="WM1", area=north)
    provider = accounts.organisation_create(kind=OrganisationKind.PROVIDER, name="Ash Care")
    staff = make_user(provider, Role.PROVIDER_ADMIN)
    made = {"council": council, "provider": provider, "staff": staff, "north": north}
    for code, service, mechanism, basis in [
        ("HC", home, "tiered_framework", "hour-per-area"),
        ("DS", days_service, "flexible_framework", "day"),
    ]:
        arrangement, lot = live_arrangement(
            council,
            reference=code,
            title=code,
            mechanism=mechanism,
            service_types=[service],
            areas=[north],
            starts_on=date(2024, 1, 1),
            ends_on=date(2030, 1, 1),
            price_basis=basis,
        )
        admission = admit(arrangement, lot, provider, area=north, offers_transport=True, price=D("28.10"))
        made[code] = (arrangement, admission)
    finance = make_user(council, Role.FINANCE_OFFICER)
    other_finance = make_user(council, Role.FINANCE_OFFICER)
    made.update(finance=finance, other_finance=other_finance, broker=make_user(council, Role.BROKER))
    person = brokerage.person_create(
        council=council,
        actor=None,
        given_name="Ada",
        family_name="Byrne",
        date_of_birth=date(1940, 1, 1),
        address="1 Lane",
        postcode="WM1 1AA",
    )
    made["person"] = person

    def place(code, **schedule):
        request = brokerage.care_request_create(
            council=council,
            actor=made["broker"],
            person=person,
            service_type="home-care" if code == "HC" else "day-services",
            start_on=APRIL,
            outcomes="x",
            today=date(2024, 3, 1),
            **schedule,
        )
        with transaction.atomic():
            request = CareRequest.objects.select_for_update().get(pk=request.pk)
            return placement_services.placement_create(
                request=request,
                provider=provider,
                route="cascade",
                actor=made["broker"],
                admission=made[code][1],
                agreed_price=D("28.10"),
                reason="test",
            )

    made["place"] = place

    def visited(visits=(("2024-04-02", "08:00", "09:00"),), hours_per_week=7):
        """Home care priced at the provider's own rate from April, a placement, and the provider's visits."""
        rates.rates_from_admissions(arrangement=made["HC"][0], actor=None, starts_on=APRIL)
        placement = place("HC", hours_per_week=D(hours_per_week))
        for day, start, end in visits:
            delivery.delivery_record(
                provider=provider, actor=staff, placement_id=placement.pk, day=day, start=start, end=end
            )
        return placement

    made["visited"] = visited
    return made


def living_bands(council, arrangement, need_level=None) -> list:
    """Seed 002's weekly supported living rates for a scheme of 4 to 8 places: £1,500 a week for the first two of
    the council's people with the provider there, £1,350 from the third."""
    return [
        rates.rate_create(
            council=council,
            actor=None,
            arrangement=arrangement,
            kind="supported-living",
            unit="week",
            amount=amount,
            starts_on=APRIL,
            need_level=need_level,
            scheme_places_min=4,
            scheme_places_max=8,
            placements_min=low,
            placements_max=high,
        )
        for low, high, amount in [(1, 2, "1500.00"), (3, None, "1350.00")]
    ]


def make_run(w, start, end):
    run = runs.payment_run_create(council=w["council"], actor=w["finance"], period_start=start, period_end=end)
    return runs.payment_run_calculate(run=run, actor=w["finance"])


def test_rates_are_dated_refuse_bad_input_and_say_why_they_apply(world):
    arrangement, _ = world["HC"]
    council = world["council"]
    with pytest.raises(ServiceError, match="date the rate takes effect"):
        rates.rate_create(
            council=council, actor=None, arrangement=arrangement, kind="set", unit="hour", amount="20", starts_on=None
        )
    with pytest.raises(ServiceError, match="more than £0"):
        rates.rate_create(
            council=council, actor=None, arrangement=arrangement, kind="set", unit="hour", amount="0", starts_on=APRIL
        )
    assert rates.rates_from_admissions(arrangement=arrangement, actor=None) == 1
    with pytest.raises(ServiceError, match="overlaps"):
        rates.rate_create(
            council=council,
            actor=None,
            arrangement=arrangement,
            kind="provider-area",
            unit="hour",
            amount="29",
            starts_on=APRIL,
            provider=world["provider"],
            area=world["north"],
            service_type=arrangement.lots.get().service_types.get(),
        )
    placement = world["place"]("HC", hours_per_week=D(7))
    rate, why = selectors.rate_explain(placement, date(2024, 6, 1))
    assert rate.amount == D("28.10") and "provider's own rate for the area" in why


def test_rates_below_the_floors_are_flagged(world):
    arrangement, _ = world["HC"]
    reference.minimum_prices_load()
    rate = rates.rate_create(
        council=world["council"],
        actor=None,
        arrangement=arrangement,
        kind="set",
        unit="hour",
        amount="27.00",
        starts_on=date(2025, 5, 1),
    )
    assert "Homecare Association minimum price (£32.14)" in rate.floor_flags


def test_uplift_keeps_the_previous_rates(world):
    arrangement, _ = world["HC"]
    rates.rates_from_admissions(arrangement=arrangement, actor=None, starts_on=APRIL)
    [new] = rates.rates_uplift(
        council=world["council"],
        actor=None,
        rates=list(arrangement.rates.all()),
        percent=D(3),
        starts_on=date(2025, 4, 1),
    )
    assert new.amount == D("28.94")  # 28.10 x 1.03 = 28.943
    old = arrangement.rates.get(pk=new.supersedes_id)
    assert old.ends_on == date(2025, 3, 31) and old.amount == D("28.10")


def test_upload_rejects_a_file_with_a_bad_row_whole_then_accepts_the_corrected_one_once(world):
    placement = world["place"]("HC", hours_per_week=D(7))
    bad = (
        "placement,date,start,end,carers\n"
        f"{placement.pk},2024-04-02,08:00,08:45,1\n"
        f"{placement.pk},2024-03-02,08:00,08:45,1\n"
        f"{placement.pk},2024-04-03,09:00,08:30,1\n"
        "999999,2024-04-03,09:00,09:30,1\n"
    )
    upload = delivery.deliveries_upload(
        provider=world["provider"], actor=world["staff"], file_name="april.csv", content=bad.encode()
    )
    assert upload.status == "rejected" and placement.deliveries.count() == 0
    assert [(e["row"], e["column"]) for e in upload.errors] == [(3, "date"), (4, "end"), (5, "placement")]
    good = bad.splitlines()[:2] + [f"{placement.pk},2024-04-03,09:00,09:30,2"]
    for _ in range(2):
        upload = delivery.deliveries_upload(
            provider=world["provider"], actor=world["staff"], file_name="april.csv", content="\n".join(good).encode()
        )
    assert upload.status == "accepted" and (upload.created, upload.already_recorded) == (0, 2)
    assert placement.deliveries.count() == 2
    with pytest.raises(ServiceError, match="already been recorded"):
        delivery.delivery_record(
            provider=world["provider"],
            actor=world["staff"],
            placement_id=placement.pk,
            day="2024-04-02",
            start="08:00",
            end="08:45",
        )


def test_a_run_prices_visits_adds_holds_and_is_approved_by_someone_else(world):
    arrangement, _ = world["HC"]
    PaymentRules.objects.create(
        council=world["council"], arrangement=arrangement, pay_on="actual", minimum_minutes=30, starts_on=APRIL
    )
    world["visited"]([("2024-04-02", "08:00", "08:45"), ("2024-04-03", "08:00", "08:15")])
    run = make_run(world, APRIL, date(2024, 4, 28))
    # 45 minutes (£21.08) and 15 minutes charged at the 30 minute minimum (£14.05)
    assert run.total == D("35.13")
    assert run.total == sum(line.amount for line in run.lines.filter(held=False, flagged=False))
    again = runs.payment_run_calculate(run=run, actor=world["finance"])
    assert again.total == D("35.13") and again.lines.count() == 2
    with pytest.raises(ServiceError, match="cannot be the one who calculated"):
        runs.payment_run_approve(run=run, actor=world["finance"])
    runs.payment_run_approve(run=run, actor=world["other_finance"])
    with pytest.raises(ServiceError, match="cannot be changed"):
        runs.payment_run_calculate(run=run, actor=world["finance"])
    runs.payment_run_mark_paid(run=run, actor=world["other_finance"])
    # the same period again pays nothing twice
    second = make_run(world, APRIL, date(2024, 4, 28))
    assert second.total == 0 and second.lines.count() == 0


def test_a_calculation_killed_midway_leaves_nothing_and_runs_again_to_the_same_figures(world, monkeypatch):
    world["visited"]()
    run = runs.payment_run_create(
        council=world["council"], actor=world["finance"], period_start=APRIL, period_end=date(2024, 4, 28)
    )
    real = PaymentLine.objects.bulk_create

    def dies(*args, **kwargs):
        real(*args, **kwargs)
        raise RuntimeError("the worker was killed")

    monkeypatch.setattr(PaymentLine.objects, "bulk_create", dies)
    with pytest.raises(RuntimeError):
        runs.payment_run_calculate(run=run, actor=world["finance"])
    monkeypatch.undo()
    assert PaymentRun.objects.get(pk=run.pk).status == "draft" and not PaymentLine.objects.exists()
    done = runs.payment_run_calculate(run=run, actor=world["finance"])
    assert done.total == D("28.10")
    runs.payment_run_approve(run=done, actor=world["other_finance"])
    # a second run over the same days, approved too, cannot pay the same line again
    other = make_run(world, APRIL, date(2024, 4, 28))
    assert other.lines.count() == 0
    PaymentLine.objects.create(
        run=other,
        provider=world["provider"],
        key=done.lines.get().key,
        kind="care",
        day=APRIL,
        quantity=1,
        unit="hour",
        rate=D("28.10"),
        amount=D("28.10"),
        description="forced duplicate",
    )
    with pytest.raises(ServiceError, match="paid in another run"):
        runs.payment_run_approve(run=other, actor=world["other_finance"])


def test_backdated_transport_rate_gives_exactly_the_difference_as_adjustments(world):
    arrangement, _ = world["DS"]
    council = world["council"]
    day_rate = rates.rate_create(
        council=council, actor=None, arrangement=arrangement, kind="set", unit="day", amount="52.00", starts_on=APRIL
    )
    transport = rates.rate_create(
        council=council,
        actor=None,
        arrangement=arrangement,
        kind="add-on",
        unit="day",
        amount="14.00",
        starts_on=date(2023, 4, 1),
        add_on="transport",
    )
    assert day_rate.pk
    placement = world["place"]("DS", days_per_week=2, needs_transport=True)
    for day in ["2024-04-02", "2024-04-04", "2024-04-09"]:
        delivery.delivery_record(provider=world["provider"], actor=world["staff"], placement_id=placement.pk, day=day)
    first = make_run(world, APRIL, date(2024, 4, 28))
    assert first.total == D("198.00")  # 3 x (52.00 + 14.00)
    runs.payment_run_approve(run=first, actor=world["other_finance"])
    # the transport rate is raised to £15.44, backdated to 1 April 2024 (seed 000)
    with pytest.raises(ServiceError, match="Say why"):
        rates.rate_supersede(rate=transport, actor=None, amount="15.44", starts_on=APRIL, reason="")
    rates.rate_supersede(rate=transport, actor=None, amount="15.44", starts_on=APRIL, reason="seed 000")
    delivery.delivery_record(
        provider=world["provider"], actor=world["staff"], placement_id=placement.pk, day="2024-05-01"
    )
    second = make_run(world, date(2024, 4, 29), date(2024, 5, 26))
    adjustments = list(second.lines.filter(kind="adjustment").order_by("day"))
    assert [(a.day, a.amount) for a in adjustments] == [
        (date(2024, 4, 2), D("1.44")),
        (date(2024, 4, 4), D("1.44")),
        (date(2024, 4, 9), D("1.44")),
    ]
    assert all(a.adjusts is not None for a in adjustments)
    assert second.total == D("52.00") + D("15.44") + 3 * D("1.44")
    # the original lines never change
    assert first.lines.filter(kind="add-on").values_list("amount", flat=True).distinct().get() == D("14.00")


def test_a_held_line_is_paid_in_a_later_run_once_released(world):
    placement = world["visited"]()
    hold = runs.hold_create(
        council=world["council"], actor=world["finance"], reason="Disputed visit", placement=placement
    )
    first = make_run(world, APRIL, date(2024, 4, 28))
    assert (first.total, first.held_total) == (D("0.00"), D("28.10"))
    runs.payment_run_approve(run=first, actor=world["other_finance"])
    runs.hold_release(hold=hold, actor=world["finance"])
    second = make_run(world, date(2024, 4, 29), date(2024, 5, 26))
    assert second.total == D("28.10") and "released from hold" in second.lines.get().description


def test_net_placements_deduct_the_contribution_gross_ones_bill_it(world):
    arrangement, _ = world["DS"]
    rates.rate_create(
        council=world["council"],
        actor=None,
        arrangement=arrangement,
        kind="set",
        unit="day",
        amount="70.00",
        starts_on=APRIL,
    )
    placement = world["place"]("DS", days_per_week=1)
    ContributionAssessment.objects.create(
        council=world["council"], person=world["person"], weekly_amount=D("35.00"), starts_on=APRIL
    )
    for day in ["2024-04-02", "2024-04-09"]:
        delivery.delivery_record(provider=world["provider"], actor=world["staff"], placement_id=placement.pk, day=day)
    gross = make_run(world, APRIL, date(2024, 4, 14))
    [row] = statements.person_costs(gross)
    assert (row["gross"], row["contribution"], row["net"]) == (D("140.00"), D("70.00"), D("70.00"))
    assert gross.total == D("140.00")  # the council pays in full and bills the person
    type(placement).objects.filter(pk=placement.pk).update(funding_route="net")
    net = runs.payment_run_calculate(run=gross, actor=world["finance"])
    assert net.total == D("70.00")  # the provider collects £70 of contributions over the two weeks
    [row] = statements.person_costs(net)
    assert (row["gross"], row["contribution"], row["net"]) == (D("140.00"), D("70.00"), D("70.00"))


def test_money_is_never_a_float_and_the_run_total_is_the_sum_of_lines(world):
    arrangement, _ = world["HC"]
    rates.rates_from_admissions(arrangement=arrangement, actor=None, starts_on=APRIL)
    placement = world["place"]("HC", hours_per_week=D(20))
    for n in range(1, 20):
        delivery.delivery_record(
            provider=world["provider"],
            actor=world["staff"],
            placement_id=placement.pk,
            day=f"2024-04-{n:02d}",
            start="08:00",
            end=f"08:{10 + n:02d}",
        )
    run = make_run(world, APRIL, date(2024, 4, 28))
    amounts = list(run.lines.values_list("amount", flat=True))
    assert all(isinstance(a, Decimal) for a in amounts)
    assert sum(amounts) == run.total and run.total == run.total.quantize(D("0.01"))
    assert isinstance(datetime.now(), datetime)


def test_supported_living_weekly_rate_by_complexity_scheme_size_and_number_of_placements(world):
    from caremarket.reference.models import NeedLevel, ServiceType

    council = world["council"]
    living = ServiceType.objects.create(council=council, code="supported-living", name="Supported living")
    complex_ = NeedLevel.objects.create(council=council, service_type=living, code="complex", name="Complex")
    arrangement, lot = live_arrangement(
        council,
        reference="SL",
        title="SL",
        mechanism="block_contract",
        service_types=[living],
        areas=[world["north"]],
        starts_on=date(2024, 1, 1),
        ends_on=date(2030, 1, 1),
        price_basis="week",
    )
    admission = admit(arrangement, lot, world["provider"], area=world["north"], block_places=6, price=None)
    living_bands(council, arrangement, need_level=complex_)
    placements = []
    for n in range(3):
        request = brokerage.care_request_create(
            council=council,
            actor=world["broker"],
            person=world["person"],
            service_type="supported-living",
            need_level=complex_.pk,
            weekly_placement=True,
            start_on=APRIL,
            outcomes="x",
            today=date(2024, 3, 1),
        )
        with transaction.atomic():
            request = CareRequest.objects.select_for_update().get(pk=request.pk)
            placements.append(
                placement_services.placement_create(
                    request=request,
                    provider=world["provider"],
                    route="block",
                    actor=None,
                    admission=admission,
                    reason="block",
                )
            )
        rate, why = selectors.rate_explain(placements[0], date(2024, 5, 1))
        assert rate.amount == (D("1500.00") if n < 2 else D("1350.00")) and "supported living" in why
    run = make_run(world, APRIL, date(2024, 4, 14))
    assert run.total == 3 * 2 * D("1350.00")  # three placements, two weeks, the rate for 3 or more placements
