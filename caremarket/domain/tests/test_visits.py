"""Planned visits against recorded ones: the plan's rules, how visits are matched, missed and late."""

from datetime import date, time

from caremarket.domain import kpis, visits
from caremarket.domain.kpis import Rag
from caremarket.domain.visits import Outcome, PlannedVisit


def test_days_are_held_as_a_number_and_said_in_words():
    assert visits.days_mask({0, 6}) == 65 and visits.days_of(65) == frozenset({0, 6})
    assert visits.days_text(visits.EVERY_DAY) == "Every day"
    assert visits.days_text(visits.WEEKDAYS_ONLY) == "Monday to Friday"
    assert visits.days_text(visits.WEEKEND) == "Saturday and Sunday"
    assert visits.days_text(frozenset({0, 2, 4})) == "Monday, Wednesday and Friday"


def test_a_plan_needs_a_visit_days_a_length_and_no_overlap():
    morning = PlannedVisit(visits.EVERY_DAY, time(7, 30), 45)
    assert visits.check_plan([]) == {"visits": "Enter at least one planned visit: its days, time and length"}
    assert visits.check_plan([morning]) == {}
    assert "choose the days" in visits.check_plan([PlannedVisit(frozenset(), time(8), 30)])["visit-1"]
    assert "1 minute to 12 hours" in visits.check_plan([PlannedVisit(visits.EVERY_DAY, time(8), 0)])["visit-1"]
    assert "end by midnight" in visits.check_plan([PlannedVisit(visits.EVERY_DAY, time(23, 30), 45)])["visit-1"]
    # 08:00 starts before the 07:30 visit of 45 minutes has ended, on the days both happen
    clash = visits.check_plan([morning, PlannedVisit(visits.WEEKEND, time(8), 30)])
    assert clash == {"visit-2": "Visit 2 at 08:00 starts before the visit at 07:30 on Saturday has ended"}
    # a form's lines keep their own numbers when some were left empty
    assert list(visits.check_plan([morning, PlannedVisit(visits.WEEKEND, time(8), 30)], [1, 4])) == ["visit-4"]


def test_each_planned_visit_takes_the_nearest_recorded_one_within_two_hours_once():
    planned = [time(8), time(12), time(17)]
    # 08:10 answers 08:00; 12:50 answers 12:00 (late); nothing within two hours of 17:00; 21:00 answers nothing
    matched = visits.match_day(planned, [time(8, 10), time(12, 50), time(21)])
    assert matched == [(time(8), time(8, 10)), (time(12), time(12, 50)), (time(17), None)]
    assert [visits.outcome(p, a) for p, a in matched] == [Outcome.ON_TIME, Outcome.LATE, Outcome.MISSED]
    # one recorded visit between two planned ones answers the nearer only
    assert visits.match_day([time(9), time(10)], [time(9, 40)]) == [(time(9), None), (time(10), time(9, 40))]
    # thirty minutes late is on time, thirty-one late; early is never late
    assert visits.outcome(time(8), time(8, 30)) == Outcome.ON_TIME
    assert visits.outcome(time(8), time(8, 31)) == Outcome.LATE
    assert visits.outcome(time(8), time(7, 0)) == Outcome.ON_TIME


def test_planned_on_a_day_follows_the_weekday():
    plan = [PlannedVisit(visits.WEEKDAYS_ONLY, time(17), 30), PlannedVisit(visits.EVERY_DAY, time(8), 45)]
    assert visits.planned_on(plan, date(2030, 6, 10)) == [time(8), time(17)]  # a Monday
    assert visits.planned_on(plan, date(2030, 6, 15)) == [time(8)]  # a Saturday


def test_missed_and_late_visits_with_worked_figures():
    # 4 weeks of a visit every day at 08:00 and 17:00: 56 planned; 1 missed is 1.8% (red, over 1%); of the 55
    # made, 2 late is 3.6% (amber: within 2 points of the 5% limit)
    assert kpis.share(1, 56) == kpis.Decimal("1.8") and kpis.MISSED_VISITS.rag(kpis.share(1, 56)) == Rag.RED
    assert kpis.MISSED_VISITS.rag(kpis.Decimal("0.6")) == Rag.AMBER
    assert kpis.MISSED_VISITS.rag(kpis.Decimal("0.4")) == Rag.GREEN
    assert kpis.share(2, 55) == kpis.Decimal("3.6") and kpis.LATE_VISITS.rag(kpis.share(2, 55)) == Rag.AMBER
    assert kpis.LATE_VISITS.target == "at most 5%"


def test_visits_are_judged_up_to_the_last_recorded_day_but_never_more_than_a_fortnight_behind():
    end = date(2030, 6, 30)
    assert visits.judged_until(end, date(2030, 6, 25)) == date(2030, 6, 25)  # records not yet in for the last days
    assert visits.judged_until(end, date(2030, 5, 1)) == date(2030, 6, 16)  # stopped recording: counted missed
    assert visits.judged_until(end, None) == date(2030, 6, 16)
    assert visits.judged_until(end, date(2030, 7, 3)) == end


def test_visits_made_near_their_times_pair_in_order_and_crossed_ones_closest_first():
    # every visit within 10 minutes of its time, calls four hours apart: paired in order
    assert visits.match_minutes([420, 660, 900], [425, 650, 910]) == [425, 650, 910]
    # calls at 09:00 and 09:30, made at 09:25 and 09:40: 09:25 answers 09:30 (5 minutes off) first, so 09:40
    # answers 09:00 (40 minutes late); pairing in order would have called both on time
    assert visits.match_minutes([540, 570], [565, 580]) == [580, 565]
