"""Every KPI of every provider for a period, computed from what Caremarket recorded (domain/kpis.py defines each),
and the records behind each figure. One query per source, whatever the number of providers."""

from __future__ import annotations

import time
from collections import Counter, defaultdict
from datetime import date, timedelta
from decimal import Decimal

from django.db import connection
from django.db.models import CharField, Count, Q, Sum
from django.db.models.functions import Cast
from django.utils import timezone

from caremarket.brokerage.models import HospitalStay, Placement, PlacementTerms, PlannedVisit, Referral
from caremarket.domain import kpis, routing, visits
from caremarket.domain.lifecycles import REFERRAL
from caremarket.domain.roles import OrganisationKind
from caremarket.finance.models import DeliveryRecord

from . import monitoring, selectors
from .models import ActionPlan, Complaint, PlacementReview, ScorecardSet
from .selectors import WHOLE, Cut

HOME_CARE = "home-care"


def bank_holidays() -> frozenset[date]:
    from caremarket.finance.models import BankHoliday

    return frozenset(BankHoliday.objects.values_list("day", flat=True))


def response_times(*, council, start: date, end: date, provider_id: int | None = None, cut: Cut = WHOLE):
    """(provider id, referral, hours to answer) for referrals offered in the period and answered or timed out."""
    found = Referral.objects.filter(
        request__council=council,
        offered_at__date__gte=start,
        offered_at__date__lte=end,
        status__in=REFERRAL.group("decided"),
    )
    found = cut.referrals(found)
    if provider_id is not None:
        found = found.filter(provider_id=provider_id)
    holidays = bank_holidays()
    for pk, provider, offered, answered, deadline in found.values_list(
        "pk", "provider_id", "offered_at", "responded_at", "deadline_at"
    ):
        local = timezone.localtime
        hours = routing.working_hours_between(local(offered), local(answered or deadline), holidays)
        yield provider, pk, Decimal(str(round(hours, 4)))


def starts(*, council, start: date, end: date, provider_id: int | None = None, cut: Cut = WHOLE):
    """(provider id, placement, days from being made to starting) for placements made in the period."""
    found = cut.placements(
        Placement.objects.filter(council=council, created_at__date__gte=start, created_at__date__lte=end)
    )
    if provider_id is not None:
        found = found.filter(provider_id=provider_id)
    for pk, provider, made, start_on in found.values_list("pk", "provider_id", "created_at", "start_on"):
        yield provider, pk, Decimal(max((start_on - timezone.localtime(made).date()).days, 0))


def delivered_hours(
    *, council, start: date, end: date, provider_id: int | None = None, cut: Cut = WHOLE
) -> dict[int, Decimal]:
    found = DeliveryRecord.objects.filter(
        placement__council=council, placement__service_type__code=HOME_CARE, kind="visit", day__gte=start, day__lte=end
    )
    found = cut.placements(found, "placement__")
    if provider_id is not None:
        found = found.filter(provider_id=provider_id)
    return {
        row["provider_id"]: Decimal(row["minutes"] or 0) / 60
        for row in found.values("provider_id").annotate(minutes=Sum("minutes")).order_by()
    }


def planned_hours(
    *, council, start: date, end: date, provider_id: int | None = None, cut: Cut = WHOLE
) -> dict[int, Decimal]:
    """Each provider's planned home care hours in the period: every term's weekly hours over the days it ran within
    the placement and the period, less the days the person was in hospital."""
    terms = PlacementTerms.objects.filter(
        placement__council=council,
        placement__service_type__code=HOME_CARE,
        hours_per_week__isnull=False,
        starts_on__lte=end,
    ).filter(Q(ends_on__isnull=True) | Q(ends_on__gte=start))
    terms = cut.placements(terms, "placement__")
    if provider_id is not None:
        terms = terms.filter(placement__provider_id=provider_id)
    rows = list(
        terms.values_list(
            "placement_id",
            "placement__provider_id",
            "hours_per_week",
            "starts_on",
            "ends_on",
            "placement__start_on",
            "placement__ended_on",
        )
    )
    away: dict[int, list[tuple[date, date]]] = defaultdict(list)
    stays = HospitalStay.objects.filter(placement_id__in={r[0] for r in rows}, admitted_on__lte=end).filter(
        Q(discharged_on__isnull=True) | Q(discharged_on__gte=start)
    )
    for placement, admitted, discharged in stays.values_list("placement_id", "admitted_on", "discharged_on"):
        away[placement].append((admitted, discharged or end))
    planned: dict[int, Decimal] = defaultdict(Decimal)
    for placement, provider, weekly, term_start, term_end, placed, ended in rows:
        first = max(term_start, placed)
        last = min(term_end or end, ended or end)
        if last < first:
            continue
        days_away = sum(
            max((min(back, last, end) - max(went, first, start)).days + 1, 0) for went, back in away[placement]
        )
        planned[provider] += kpis.planned_hours(weekly, first, last, start, end, days_away)
    return planned


def _planned_days(*, council, start: date, end: date, provider_id: int | None = None, cut: Cut = WHOLE):
    """(provider id, placement id, day, planned starts, recorded starts) for every day the visit plans in force
    planned visits in the period, less days in hospital, up to the day the provider has recorded to. Starts are
    minutes into the day, sorted."""
    lines = PlannedVisit.objects.filter(plan__placement__council=council, plan__starts_on__lte=end).filter(
        Q(plan__ends_on__isnull=True) | Q(plan__ends_on__gte=start)
    )
    lines = cut.placements(lines, "plan__placement__")
    if provider_id is not None:
        lines = lines.filter(plan__placement__provider_id=provider_id)
    plans: dict[int, dict] = {}
    for plan, placement, provider, plan_start, plan_end, placed, ended, mask, at in lines.values_list(
        "plan_id",
        "plan__placement_id",
        "plan__placement__provider_id",
        "plan__starts_on",
        "plan__ends_on",
        "plan__placement__start_on",
        "plan__placement__ended_on",
        "days",
        "start",
    ):
        found = plans.setdefault(
            plan,
            {
                "placement": placement,
                "provider": provider,
                "first": max(plan_start, placed, start),
                "last": min(plan_end or end, ended or end, end),
                "by_weekday": [[] for _ in range(7)],
            },
        )
        for weekday in visits.days_of(mask):
            found["by_weekday"][weekday].append(visits.minute_of_day(at))
    placements = {p["placement"] for p in plans.values()}
    if not placements:
        return
    away: dict[int, list[tuple[date, date]]] = defaultdict(list)
    stays = HospitalStay.objects.filter(placement_id__in=placements, admitted_on__lte=end).filter(
        Q(discharged_on__isnull=True) | Q(discharged_on__gt=start)
    )
    for placement, admitted, discharged in stays.values_list("placement_id", "admitted_on", "discharged_on"):
        away[placement].append((admitted, discharged or date.max))
    recorded: dict[tuple[int, str], list] = defaultdict(list)
    made = DeliveryRecord.objects.filter(
        placement_id__in=placements, kind="visit", day__gte=start, day__lte=end, start__isnull=False
    )
    latest: dict[int, str] = {}
    # A large council records over a million visits a year: read as text ("2026-03-31", "07:45:00", the same on
    # both databases) straight from the cursor, they cost a third of what parsed dates and times do.
    made = made.annotate(on=Cast("day", CharField()), at=Cast("start", CharField()))
    sql, params = made.values_list("placement_id", "provider_id", "on", "at").order_by().query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for placement, provider, day, at in cursor:
            recorded[placement, day].append(int(at[:2]) * 60 + int(at[3:5]))
            if day > latest.get(provider, ""):
                latest[provider] = day
    one_day = timedelta(days=1)
    for plan in plans.values():
        for weekday in plan["by_weekday"]:
            weekday.sort()
        placement, provider, day = plan["placement"], plan["provider"], plan["first"]
        stays_of = away.get(placement, ())
        recorded_to = date.fromisoformat(latest[provider]) if provider in latest else None
        last = min(plan["last"], visits.judged_until(end, recorded_to))
        while day <= last:
            planned = plan["by_weekday"][day.weekday()]
            if planned and not any(went <= day < back for went, back in stays_of):
                yield provider, placement, day, planned, sorted(recorded.get((placement, day.isoformat()), ()))
            day += one_day


def visit_counts(*, council, start: date, end: date, cut: Cut = WHOLE) -> dict[int, Counter]:
    """Each provider's planned visits counted by outcome (on time, late, missed)."""
    counts: dict[int, Counter] = defaultdict(Counter)
    for provider, _, _, planned, made in _planned_days(council=council, start=start, end=end, cut=cut):
        counts[provider].update(visits.judge_day(planned, made))
    return counts


def visit_outcomes(*, council, start: date, end: date, provider_id: int | None = None, cut: Cut = WHOLE):
    """(provider id, placement id, day, planned start, recorded start or none, outcome) for every planned visit, the
    starts in minutes into the day (domain/visits.py matches and judges them)."""
    for provider, placement, day, planned, made in _planned_days(
        council=council, start=start, end=end, provider_id=provider_id, cut=cut
    ):
        for at, actual in zip(planned, visits.match_minutes(planned, made), strict=True):
            yield provider, placement, day, at, actual, visits.outcome_minutes(at, actual)


def complaints_received(*, council, start: date, end: date, cut: Cut = WHOLE) -> dict[int, int]:
    """Complaints received per provider; within a cut, those about a placement inside it."""
    found = Complaint.objects.for_organisation(council).filter(
        kind="complaint", received_on__gte=start, received_on__lte=end
    )
    if cut:
        found = cut.placements(found.filter(placement__isnull=False), "placement__")
    rows = found.values("provider_id").annotate(n=Count("id")).order_by()
    return {r["provider_id"]: r["n"] for r in rows}


def plans_due(*, council, start: date, end: date, today: date, provider_id: int | None = None, cut: Cut = WHOLE):
    """(provider id, plan, on time) for action plans that fell due in the period (not those still to fall due). An
    action plan answers a monitoring visit to the provider as a whole: a cut has none."""
    if cut:
        return
    found = ActionPlan.objects.filter(visit__council=council, due_on__gte=start, due_on__lte=min(end, today))
    if provider_id is not None:
        found = found.filter(visit__provider_id=provider_id)
    for plan in found.select_related("visit__provider"):
        sent = timezone.localtime(plan.submitted_at).date() if plan.submitted_at else None
        yield plan.visit.provider_id, plan, sent is not None and sent <= plan.due_on


def reviews_due(*, council, start: date, end: date, today: date, provider_id: int | None = None, cut: Cut = WHOLE):
    """(provider id, review, on time) for reviews that fell due in the period (a review not yet done is late)."""
    found = PlacementReview.objects.for_organisation(council).filter(due_on__gte=start, due_on__lte=min(end, today))
    found = cut.placements(found, "placement__")
    found = found.outside_group("cancelled")
    if provider_id is not None:
        found = found.filter(provider_id=provider_id)
    for review in found.only("pk", "provider_id", "due_on", "done_on", "status"):
        yield review.provider_id, review, review.done_on is not None and review.done_on <= review.due_on


def _count(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _figure(kpi: kpis.Kpi, value, basis: str) -> dict:
    return {"code": kpi.code, "name": kpi.name, "value": value, "rag": kpi.rag(value), "basis": basis}


def _visit_figures(counted: Counter) -> list[dict]:
    missed, late = counted[visits.Outcome.MISSED], counted[visits.Outcome.LATE]
    planned = sum(counted.values())
    return [
        _figure(kpis.MISSED_VISITS, kpis.share(missed, planned), f"{missed} of {_count(planned, 'planned visit')}"),
        _figure(kpis.LATE_VISITS, kpis.share(late, planned - missed), f"{late} of {_count(planned - missed, 'visit')}"),
    ]


# the sources scorecards() reads, one after another: its progress is counted in them
SOURCES = 9


def scorecards(
    *, council, start: date, end: date, today: date | None = None, progress=None, cut: Cut = WHOLE
) -> list[dict]:
    """Every provider the council works with (or that has a figure), each KPI with its value, band and basis.
    `progress(done, SOURCES)` is told as each source is read."""
    today = today or timezone.localdate()
    read = iter(range(1, SOURCES + 1))

    def tick() -> None:
        if progress is not None:
            progress(next(read), SOURCES)

    acceptance = {
        r["provider_id"]: r for r in selectors.referral_acceptance(council=council, start=start, end=end, cut=cut)
    }
    tick()
    answers: dict[int, list[Decimal]] = defaultdict(list)
    for provider, _, hours in response_times(council=council, start=start, end=end, cut=cut):
        answers[provider].append(hours)
    tick()
    waits: dict[int, list[Decimal]] = defaultdict(list)
    for provider, _, days in starts(council=council, start=start, end=end, cut=cut):
        waits[provider].append(days)
    tick()
    delivered = delivered_hours(council=council, start=start, end=end, cut=cut)
    tick()
    planned = planned_hours(council=council, start=start, end=end, cut=cut)
    tick()
    complaints = complaints_received(council=council, start=start, end=end, cut=cut)
    calls = visit_counts(council=council, start=start, end=end, cut=cut)
    tick()
    plans: dict[int, list[bool]] = defaultdict(list)
    for provider, _, on_time in plans_due(council=council, start=start, end=end, today=today, cut=cut):
        plans[provider].append(on_time)
    tick()
    reviewed: dict[int, list[bool]] = defaultdict(list)
    for provider, _, on_time in reviews_due(council=council, start=start, end=end, today=today, cut=cut):
        reviewed[provider].append(on_time)
    tick()
    names = {} if cut else monitoring.providers_of(council=council)  # a cut shows who has figures in it
    everyone = set(names) | set(acceptance) | set(answers) | set(waits) | set(delivered) | set(complaints)
    everyone |= set(reviewed) | set(plans) | set(calls)
    missing = everyone - set(names)
    if missing:
        from caremarket.accounts.models import Organisation

        names.update(dict(Organisation.objects.filter(pk__in=missing).values_list("pk", "name")))
    cards = []
    for pk in everyone:
        a = acceptance.get(pk)
        hours = delivered.get(pk, Decimal(0))
        figures = [
            _figure(kpis.REFERRAL_ACCEPTANCE, a["rate"] if a else None, _count(a["decided"], "referral") if a else ""),
            _figure(kpis.RESPONSE_TIME, kpis.median(answers[pk]), _count(len(answers[pk]), "referral")),
            _figure(kpis.ACCEPTANCE_TO_START, kpis.median(waits[pk]), _count(len(waits[pk]), "placement")),
            _figure(
                kpis.HOURS_DELIVERED,
                kpis.share(hours, planned.get(pk, 0)),
                f"{hours:.0f} of {planned.get(pk, Decimal(0)):.0f} hours",
            ),
            *_visit_figures(calls.get(pk, Counter())),
            _figure(
                kpis.COMPLAINTS_RATE,
                kpis.per_thousand(complaints.get(pk, 0), hours),
                _count(complaints.get(pk, 0), "complaint"),
            ),
            _figure(
                kpis.REVIEWS_ON_TIME,
                kpis.share(sum(reviewed[pk]), len(reviewed[pk])),
                _count(len(reviewed[pk]), "review"),
            ),
            _figure(
                kpis.ACTION_PLANS_ON_TIME, kpis.share(sum(plans[pk]), len(plans[pk])), _count(len(plans[pk]), "plan")
            ),
        ]
        red = sum(1 for f in figures if f["rag"] == kpis.Rag.RED)
        cards.append({"provider_id": pk, "provider": names.get(pk, ""), "kpis": figures, "red": red})
    tick()
    return sorted(cards, key=lambda c: (-c["red"], c["provider"]))


def scorecard_detail(
    *, council, provider_id: int, start: date, end: date, today: date | None = None, cut: Cut = WHOLE
) -> dict:
    """One provider's records behind each figure (within the cut)."""
    today = today or timezone.localdate()
    mine = {"council": council, "start": start, "end": end, "provider_id": provider_id, "cut": cut}
    referrals = {pk: hours for _, pk, hours in response_times(**mine)}
    placements = {pk: days for _, pk, days in starts(**mine)}
    complaints = Complaint.objects.for_organisation(council).filter(
        provider_id=provider_id, kind="complaint", received_on__gte=start, received_on__lte=end
    )
    if cut:
        complaints = cut.placements(complaints.filter(placement__isnull=False), "placement__")
    return {
        "referrals": [
            (r, referrals[r.pk])
            for r in Referral.objects.filter(pk__in=referrals)
            .select_related("request__service_type", "request__area")
            .order_by("-offered_at")[:200]
        ],
        "placements": [
            (p, placements[p.pk])
            for p in Placement.objects.filter(pk__in=placements)
            .select_related("service_type", "area")
            .order_by("-created_at")[:200]
        ],
        "complaints": list(complaints),
        "plans": [(plan, on_time) for _, plan, on_time in plans_due(today=today, **mine)],
        "delivered": delivered_hours(**mine).get(provider_id, Decimal(0)),
        "planned": planned_hours(**mine).get(provider_id, Decimal(0)),
        "visits": _missed_and_late(**mine),
    }


def _missed_and_late(*, council, start: date, end: date, provider_id: int, cut: Cut = WHOLE) -> list[dict]:
    """The missed and late visits behind the two figures, newest first (at most 200)."""
    found = [
        {
            "placement": placement,
            "day": day,
            "planned": visits.as_time(at),
            "actual": None if actual is None else visits.as_time(actual),
            "outcome": outcome,
            "late_by": None if actual is None else actual - at,
        }
        for _, placement, day, at, actual, outcome in visit_outcomes(
            council=council, start=start, end=end, provider_id=provider_id, cut=cut
        )
        if outcome != visits.Outcome.ON_TIME
    ]
    return sorted(found, key=lambda v: (v["day"], v["planned"]), reverse=True)[:200]


# --- scorecards worked out by the worker -----------------------------------------------------------------------
# Every KPI of a large council takes seconds to compute (bench/kpis.py), too long for a page: the worker works each
# council's scorecards out every hour and keeps them (ScorecardSet); pages and the API read the kept ones, and a
# quality officer can have them worked out again at once.


def _kept(card: dict) -> dict:
    return {
        **card,
        "kpis": [
            {**f, "value": None if f["value"] is None else str(f["value"]), "rag": f["rag"] and str(f["rag"])}
            for f in card["kpis"]
        ],
    }


def _read(card: dict) -> dict:
    return {
        **card,
        "kpis": [
            {**f, "value": None if f["value"] is None else Decimal(f["value"]), "rag": f["rag"] and kpis.Rag(f["rag"])}
            for f in card["kpis"]
        ],
    }


def scorecards_work_out(
    *, council, months: str, today: date | None = None, progress=None, cut: Cut = WHOLE
) -> ScorecardSet:
    """Compute every provider's scorecard for the last `months` (within the cut) and keep it in place of the one
    before."""
    months, start, end = selectors.period(months, today)
    began = time.perf_counter()
    cards = scorecards(council=council, start=start, end=end, today=today, progress=progress, cut=cut)
    kept, _ = ScorecardSet.objects.update_or_create(
        council=council,
        months=int(months),
        cut=cut.key,
        defaults={
            "start": start,
            "end": end,
            "cards": [_kept(c) for c in cards],
            "worked_out_at": timezone.now(),
            "took_ms": round((time.perf_counter() - began) * 1000),
        },
    )
    kept.cards = cards
    return kept


def scorecard_set(*, council, months: str, cut: Cut = WHOLE) -> ScorecardSet | None:
    """The council's scorecards for the period (and cut) as last worked out, or None if they never were."""
    months, _, _ = selectors.period(months)
    kept = ScorecardSet.objects.for_organisation(council).filter(months=int(months), cut=cut.key).first()
    if kept is not None:
        kept.cards = [_read(c) for c in kept.cards]
    return kept


def scorecards_refresh(today: date | None = None) -> int:
    """Work out every council's scorecards for each period (the worker, every hour), and again each cut someone
    has asked for; how many sets were kept."""
    from caremarket.accounts.models import Organisation

    done = 0
    for council in Organisation.objects.filter(kind=OrganisationKind.COUNCIL).order_by("pk"):
        for months in selectors.PERIODS:
            scorecards_work_out(council=council, months=months, today=today)
            done += 1
        asked = ScorecardSet.objects.filter(council=council).exclude(cut="").values_list("months", "cut")
        for months, key in asked.order_by("cut", "months"):
            scorecards_work_out(council=council, months=str(months), today=today, cut=selectors.Cut.parse(key))
            done += 1
    return done


def _work_out_job(*, job, actor, progress, months: str, cut: str = "") -> tuple[str, str]:
    from django.urls import reverse

    sliced = selectors.Cut.parse(cut)
    kept = scorecards_work_out(council=job.organisation, months=months, progress=progress, cut=sliced)
    return (
        f"Scorecards for {selectors.PERIODS[months]} are worked out: {_count(len(kept.cards), 'provider')}, "
        f"{sum(c['red'] for c in kept.cards)} figures in red.",
        f"{reverse('quality:scorecards')}?months={months}{sliced.query}",
    )


def scorecards_start(*, council, months: str | None, actor, cut: Cut = WHOLE):
    """Work the council's scorecards out again in the worker, now; a second click while it runs starts nothing."""
    from caremarket.core.jobs import job_start

    months, _, _ = selectors.period(months)
    return job_start(
        organisation=council,
        actor=actor,
        kind="quality.scorecards",
        key=f"scorecards:{council.pk}:{months}:{cut.key}"[:100],
        label=f"Working out the scorecards for {selectors.PERIODS[months]}",
        handler=_work_out_job,
        unit="sources",
        months=months,
        cut=cut.key,
    )


def kpi_scores(council) -> dict[int, tuple]:
    """Each provider's KPI score for ranking (domain/kpis.kpi_score) over the last six months, with its basis: from
    the scorecards last worked out, or worked out now if there are none."""
    kept = scorecard_set(council=council, months="6") or scorecards_work_out(council=council, months="6")
    return {card["provider_id"]: kpis.kpi_score([f["rag"] for f in card["kpis"]]) for card in kept.cards}
