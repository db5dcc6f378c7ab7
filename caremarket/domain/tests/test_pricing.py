"""Worked figures for every pricing rule (seeds 000, 001, 002, 004)."""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from caremarket.domain import pricing
from caremarket.domain.pricing import CostOfCare, Rate, Rules, Stay, Terms, Visit

D = Decimal
HOURLY = [Rate(1, D("28.10"), "hour", date(2025, 4, 1))]
TERMS = [Terms(date(2025, 4, 1), None, hours_per_week=D(7))]
MON = date(2025, 6, 2)
ONE_DAY = timedelta(days=1)


def visits(*specs):
    return [Visit(day, minutes, carers, f"v{n}") for n, (day, minutes, carers) in enumerate(specs)]


def test_visits_are_paid_by_the_minute_with_a_minimum_chargeable_time():
    priced = pricing.price_hourly(
        ref="p1",
        start=MON,
        end=date(2025, 6, 8),
        rates=HOURLY,
        terms=TERMS,
        visits=visits((MON, 45, 1), (date(2025, 6, 3), 15, 1)),
        stays=[],
        rules=Rules(minimum_minutes=30),
    )
    # 45 minutes = 0.75 h x £28.10 = £21.075 -> £21.08; 15 minutes charged as 30 = £14.05
    assert [line.amount for line in priced.lines] == [D("21.08"), D("14.05")]
    assert priced.total == D("35.13")


def test_double_handed_visits_pay_both_carers():
    priced = pricing.price_hourly(
        ref="p1", start=MON, end=MON, rates=HOURLY, terms=TERMS, visits=visits((MON, 30, 2)), stays=[], rules=Rules()
    )
    assert priced.lines[0].quantity == D(1) and priced.total == D("28.10")


def test_never_more_than_the_assessed_hours_a_week_without_a_variation():
    # seed 004: agencies charging 3-4 hours minimum whatever the plan; 7 hours a week assessed
    many = visits(*[(date(2025, 6, 2 + n), 240, 1) for n in range(3)])  # 12 hours delivered
    priced = pricing.price_hourly(
        ref="p1", start=MON, end=date(2025, 6, 8), rates=HOURLY, terms=TERMS, visits=many, stays=[], rules=Rules()
    )
    paid = [line for line in priced.lines if not line.flagged]
    flagged = [line for line in priced.lines if line.flagged]
    assert sum(line.quantity for line in paid) == D(7)
    assert sum(line.quantity for line in flagged) == D(5) and all(line.amount == 0 for line in flagged)
    assert priced.total == D("196.70")  # 7 x £28.10
    assert "above the assessed" in flagged[0].description


def test_a_variation_raises_the_cap_from_its_date():
    terms = [Terms(date(2025, 4, 1), date(2025, 6, 8), hours_per_week=D(7)), Terms(date(2025, 6, 9), None, D(14))]
    many = visits((date(2025, 6, 9), 600, 1))
    priced = pricing.price_hourly(
        ref="p1",
        start=date(2025, 6, 9),
        end=date(2025, 6, 15),
        rates=HOURLY,
        terms=terms,
        visits=many,
        stays=[],
        rules=Rules(),
    )
    assert priced.total == D("281.00") and not any(line.flagged for line in priced.lines)


def test_weekend_and_bank_holiday_enhancements():
    rules = Rules(weekend_percent=D(10), bank_holiday_percent=D(50), bank_holidays=frozenset({date(2025, 8, 25)}))
    priced = pricing.price_hourly(
        ref="p1",
        start=date(2025, 8, 23),
        end=date(2025, 8, 25),
        rates=HOURLY,
        terms=TERMS,
        visits=visits((date(2025, 8, 23), 60, 1), (date(2025, 8, 25), 60, 1)),
        stays=[],
        rules=rules,
    )
    # Saturday: £28.10 x 1.1 = £30.91; bank holiday Monday: £28.10 x 1.5 = £42.15
    assert [line.amount for line in priced.lines] == [D("30.91"), D("42.15")]


def test_hospital_pays_the_first_two_days_of_an_unplanned_stay_then_stops_until_discharge():
    stays = [Stay(date(2025, 6, 3), date(2025, 6, 10), unplanned=True)]
    planned = pricing.price_hourly(
        ref="p1",
        start=MON,
        end=date(2025, 6, 15),
        rates=HOURLY,
        terms=TERMS,
        visits=[],
        stays=stays,
        rules=Rules(pay_on="planned"),
    )
    paid_days = sorted({line.day for line in planned.lines})
    # paid: 2 June, 3-4 June (first 2 days in hospital), then from discharge on 10 June
    assert date(2025, 6, 4) in paid_days and date(2025, 6, 5) not in paid_days and date(2025, 6, 9) not in paid_days
    assert date(2025, 6, 10) in paid_days and len(paid_days) == 14 - 5
    actual = pricing.price_hourly(
        ref="p1", start=MON, end=date(2025, 6, 15), rates=HOURLY, terms=TERMS, visits=[], stays=stays, rules=Rules()
    )
    # on actuals there are no visits in hospital; the first 2 days are paid at the planned daily hours
    assert [(line.kind, line.day, line.amount) for line in actual.lines] == [
        ("hospital", date(2025, 6, 3), D("28.10")),
        ("hospital", date(2025, 6, 4), D("28.10")),
    ]
    planned_stay = pricing.price_hourly(
        ref="p1",
        start=MON,
        end=date(2025, 6, 15),
        rates=HOURLY,
        terms=TERMS,
        visits=[],
        stays=[Stay(date(2025, 6, 3), date(2025, 6, 10), unplanned=False)],
        rules=Rules(),
    )
    assert planned_stay.lines == []


def test_day_services_with_the_transport_rate_only_where_assessed():
    day_rates = [Rate("expected", D("52.00"), "day", date(2024, 4, 1))]
    transport = [Rate("t", D("15.44"), "day", date(2024, 4, 1))]
    attendances = [date(2024, 4, 2), date(2024, 4, 4)]
    args = {
        "ref": "p2",
        "start": date(2024, 4, 1),
        "end": date(2024, 4, 7),
        "rates": day_rates,
        "attendances": attendances,
        "planned_days": [],
        "stays": [],
        "rules": Rules(),
        "transport_rates": transport,
    }
    assert pricing.price_daily(**args, transport=True).total == D("134.88")  # 2 x (52.00 + 15.44)
    assert pricing.price_daily(**args, transport=False).total == D("104.00")


def test_a_backdated_rate_makes_exactly_the_difference():
    old = [Rate("t1", D("14.00"), "day", date(2023, 4, 1))]
    new = [
        Rate("t1", D("14.00"), "day", date(2023, 4, 1), date(2024, 3, 31)),
        Rate("t2", D("15.44"), "day", date(2024, 4, 1)),
    ]
    args = {
        "ref": "p2",
        "start": date(2024, 4, 1),
        "end": date(2024, 4, 30),
        "attendances": [date(2024, 4, 2)] * 1 + [date(2024, 4, 9), date(2024, 4, 16)],
        "planned_days": [],
        "stays": [],
        "rules": Rules(),
    }
    paid = pricing.price_daily(**args, rates=old)
    due = pricing.price_daily(**args, rates=new)
    differences = [
        pricing.adjustment(key=a.key, paid=a.amount, now_due=b.amount)
        for a, b in zip(paid.lines, due.lines, strict=False)
    ]
    assert differences == [D("1.44")] * 3


def test_supported_living_weekly_rate_by_the_day():
    rates = [Rate("sl", D("1400.00"), "week", date(2025, 4, 1))]
    priced = pricing.price_weekly(
        ref="p3",
        start=date(2025, 6, 1),
        end=date(2025, 6, 14),
        rates=rates,
        terms=[Terms(date(2025, 6, 1), None, weekly=True)],
        stays=[],
    )
    assert len(priced.lines) == 14 and priced.total == D("2800.00")


def test_block_of_hours_paid_whatever_the_use_with_utilisation():
    priced = pricing.price_block(ref="b1", start=MON, end=date(2025, 6, 8), hours_per_week=D(70), rates=HOURLY)
    assert priced.total == D("1967.00")  # 70 x £28.10
    assert pricing.block_utilisation(D(70), D("52.5")) == D("75.0")


def test_uplift_rounds_once_and_refuses_nothing_or_less():
    assert pricing.uplift(D("19.87"), D(3)) == D("20.47")  # 20.4661
    with pytest.raises(pricing.PricingError):
        pricing.uplift(D("19.87"), D(0))


def test_no_rate_in_force_is_reported_not_guessed():
    priced = pricing.price_hourly(
        ref="p1",
        start=date(2025, 3, 31),
        end=date(2025, 3, 31),
        rates=HOURLY,
        terms=[Terms(date(2025, 3, 1), None, D(7))],
        visits=visits((date(2025, 3, 31), 60, 1)),
        stays=[],
        rules=Rules(),
    )
    assert priced.lines == [] and "no rate in force on 2025-03-31" in priced.problems[0]


def test_cost_of_care_and_floors():
    cost = CostOfCare(
        pay_per_hour=D("12.71"),
        on_costs_percent=D(22),
        travel_percent=D(20),
        mileage_per_hour=D("1.80"),
        training_percent=D(3),
        supervision_percent=D(5),
        overheads_percent=D(25),
        return_percent=D(3),
    )
    # pay with travel 15.252; x 1.30 staff costs = 19.8276; + 1.80 = 21.6276; x 1.25 = 27.0345; x 1.03 = 27.8455
    assert cost.hourly_rate() == D("27.85")
    flags = pricing.floor_flags(D("26.00"), cost_of_care=cost.hourly_rate(), minimum_price=D("32.14"))
    assert len(flags) == 2 and "Homecare Association" in flags[1]
    assert pricing.floor_flags(D("33.00"), cost_of_care=D("27.85"), minimum_price=D("32.14")) == []


def test_a_weekly_amount_shared_over_the_days_adds_up_exactly():
    week = [date(2025, 6, 2 + n) for n in range(7)]
    shares = [pricing.day_share(D("1350.00"), day) for day in week]
    # 1350 / 7 = 192.857...: each day is the rounded amount due by its end less that due by the day before
    assert shares == [D("192.86"), D("192.85"), D("192.86"), D("192.86"), D("192.86"), D("192.85"), D("192.86")]
    assert sum(shares) == D("1350.00")
    priced = pricing.price_weekly(
        ref="p9",
        start=week[0],
        end=week[-1],
        rates=[Rate("sl", D("1350.00"), "week", date(2025, 1, 1))],
        terms=[Terms(date(2025, 1, 1), None, weekly=True)],
        stays=[],
    )
    assert priced.total == D("1350.00")


@pytest.mark.parametrize("weekly", ["30.00", "0.01", "0.06", "1.00", "19.99", "35.00", "123.45", "1350.00", "9999.99"])
def test_weekly_amounts_add_up_to_the_penny_over_any_period(weekly):
    weekly = D(weekly)
    first = date(2025, 6, 2)
    for offset in range(7):  # a period may start on any day of the week
        start = date.fromordinal(first.toordinal() + offset)
        for length in range(1, 64):
            shares = [pricing.day_share(weekly, day) for day in pricing.days(start, start + (length - 1) * ONE_DAY)]
            exact = weekly * length / 7
            if length % 7 == 0:
                assert sum(shares) == weekly * (length // 7)
            assert abs(sum(shares) - exact) < D("0.01"), (weekly, start, length)
    # the worked figure: £30.00 a week over four weeks is £120.00, not £120.12
    assert sum(pricing.day_share(D("30.00"), day) for day in pricing.days(date(2024, 4, 3), date(2024, 4, 30))) == D(
        "120.00"
    )


def test_planned_hours_add_up_to_the_week_exactly():
    priced = pricing.price_hourly(
        ref="p1",
        start=MON,
        end=date(2025, 6, 29),
        rates=HOURLY,
        terms=[Terms(date(2025, 4, 1), None, hours_per_week=D(10))],
        visits=[],
        stays=[],
        rules=Rules(pay_on="planned"),
    )
    assert priced.total == 4 * D("281.00")  # 10 hours x £28.10 a week, not 28 x £40.14


def test_visits_in_hospital_are_not_paid_and_the_two_paid_days_are_paid_once():
    stays = [Stay(date(2025, 6, 3), date(2025, 6, 10), unplanned=True)]
    actual = pricing.price_hourly(
        ref="p1",
        start=MON,
        end=date(2025, 6, 15),
        rates=HOURLY,
        terms=TERMS,
        # a visit before, one on each paid hospital day, one mid-stay, one on the discharge day
        visits=visits(
            (MON, 60, 1),
            (date(2025, 6, 3), 60, 1),
            (date(2025, 6, 4), 60, 1),
            (date(2025, 6, 6), 60, 1),
            (date(2025, 6, 10), 60, 1),
        ),
        stays=stays,
        rules=Rules(),
    )
    paid = [(line.kind, line.day, line.amount) for line in actual.lines if not line.flagged]
    assert paid == [
        ("care", MON, D("28.10")),
        ("care", date(2025, 6, 10), D("28.10")),
        ("hospital", date(2025, 6, 3), D("28.10")),
        ("hospital", date(2025, 6, 4), D("28.10")),
    ]
    flagged = [(line.kind, line.day, line.amount) for line in actual.lines if line.flagged]
    assert flagged == [
        ("in-hospital", date(2025, 6, 3), D("0.00")),
        ("in-hospital", date(2025, 6, 4), D("0.00")),
        ("in-hospital", date(2025, 6, 6), D("0.00")),
    ]
    assert actual.total == 4 * D("28.10")


def test_attendance_in_hospital_is_not_paid_and_the_two_paid_days_are_paid_once_where_due():
    stays = [Stay(date(2025, 6, 3), date(2025, 6, 10), unplanned=True)]
    day_rate = [Rate("d", D("52.00"), "day", date(2025, 1, 1))]
    planned = [MON, date(2025, 6, 3), date(2025, 6, 5), date(2025, 6, 10)]
    priced = pricing.price_daily(
        ref="p2",
        start=MON,
        end=date(2025, 6, 15),
        rates=day_rate,
        attendances=[MON, date(2025, 6, 3), date(2025, 6, 5), date(2025, 6, 10)],
        planned_days=planned,
        stays=stays,
        rules=Rules(),
    )
    paid = sorted((line.kind, line.day) for line in priced.lines if not line.flagged)
    # 3 June is a paid hospital day (paid once, not also as an attendance); 4 June was not a planned day
    assert paid == [("care", MON), ("care", date(2025, 6, 10)), ("hospital", date(2025, 6, 3))]
    assert sorted(line.day for line in priced.lines if line.flagged) == [date(2025, 6, 3), date(2025, 6, 5)]
