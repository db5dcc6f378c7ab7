"""A year of delivery records and four-weekly payment runs, made through the real services at the times they
happened: rates for every arrangement (provider rates per area, set day rates with a transport add-on, supported
living weekly rates), an uplift, a level 2 block of hours, contributions, a held provider released later, and
the transport rate raised to £15.44 backdated to 1 April 2024, paid as adjustments in the next run."""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import time_machine
from django.utils import timezone

from caremarket.accounts.models import Organisation, User
from caremarket.arrangements.models import Admission, Arrangement
from caremarket.brokerage.models import Placement
from caremarket.core.bulk import insert_many
from caremarket.domain.roles import Role
from caremarket.finance import rates, runs
from caremarket.finance.delivery import kind_for
from caremarket.finance.models import (
    BankHoliday,
    ContributionAssessment,
    DeliveryRecord,
    HoursBlock,
    PaymentRules,
    PaymentRun,
    Rate,
)
from caremarket.reference import services as reference_services
from caremarket.reference.models import NeedLevel

LONDON = ZoneInfo("Europe/London")
# England and Wales bank holidays (GOV.UK)
BANK_HOLIDAYS = {
    date(2025, 1, 1): "New Year's Day",
    date(2025, 4, 18): "Good Friday",
    date(2025, 4, 21): "Easter Monday",
    date(2025, 5, 5): "Early May bank holiday",
    date(2025, 5, 26): "Spring bank holiday",
    date(2025, 8, 25): "Summer bank holiday",
    date(2025, 12, 25): "Christmas Day",
    date(2025, 12, 26): "Boxing Day",
    date(2026, 1, 1): "New Year's Day",
    date(2026, 4, 3): "Good Friday",
    date(2026, 4, 6): "Easter Monday",
    date(2026, 5, 4): "Early May bank holiday",
    date(2026, 5, 25): "Spring bank holiday",
    date(2026, 8, 31): "Summer bank holiday",
    date(2026, 12, 25): "Christmas Day",
    date(2026, 12, 28): "Boxing Day (substitute day)",
}
FIRST_RUN = date(2025, 11, 24)  # a Monday


def _at(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=LONDON)


def _finance_officers(council: Organisation) -> tuple[User, User]:
    officers = list(
        User.objects.filter(organisation=council, role_grants__role=Role.FINANCE_OFFICER.value).order_by("pk")
    )
    if len(officers) < 2:
        # a run needs two people: the one who calculates and another who approves
        from caremarket.accounts.services import user_create

        domain = officers[0].email.split("@")[1]
        officers.append(
            user_create(
                organisation=council,
                email=f"payments@{domain}",
                full_name="Jo Okafor",
                roles=[Role.FINANCE_OFFICER.value],
            )  # the builder gives every demo person the demo password at the end
        )
    return officers[0], officers[-1]


def _commissioner(council: Organisation) -> User:
    return User.objects.filter(organisation=council, role_grants__role=Role.COMMISSIONER.value).order_by("pk").first()


def set_up_rates(rng: random.Random) -> dict:
    """The rates of every arrangement, as the commissioner set them before the first run."""
    made = {}
    for day, name in BANK_HOLIDAYS.items():
        BankHoliday.objects.get_or_create(day=day, defaults={"name": name})
    reference_services.minimum_prices_load()
    with time_machine.travel(_at(date(2025, 10, 20)), tick=True):
        for arrangement in Arrangement.objects.filter(status="live").select_related("council"):
            council = arrangement.council
            actor = _commissioner(council)
            if arrangement.price_basis == "hour-per-area":
                rates.rates_from_admissions(arrangement=arrangement, actor=actor)
                PaymentRules.objects.get_or_create(
                    council=council,
                    arrangement=arrangement,
                    starts_on=arrangement.starts_on,
                    defaults={
                        "pay_on": "actual",
                        "minimum_minutes": 30,
                        "weekend_percent": Decimal(5),
                        "bank_holiday_percent": Decimal(25),
                    },
                )
            elif arrangement.mechanism == "block_contract":
                for code, amount in [
                    ("less-complex", "1150.00"),
                    ("complex", "1480.00"),
                    ("highly-complex", "1920.00"),
                ]:
                    level = NeedLevel.objects.filter(council=council, code=code).first()
                    if level:
                        rates.rate_create(
                            council=council,
                            actor=actor,
                            arrangement=arrangement,
                            kind="supported-living",
                            unit="week",
                            amount=amount,
                            starts_on=arrangement.starts_on,
                            need_level=level,
                            reason="cost of care exercise, 2024",
                        )
            elif arrangement.reference == "DS-FF-2025":
                for code, amount in [("expected", "52.00"), ("enhanced", "68.00")]:
                    level = NeedLevel.objects.filter(council=council, code=code).first()
                    rates.rate_create(
                        council=council,
                        actor=actor,
                        arrangement=arrangement,
                        kind="set",
                        unit="day",
                        amount=amount,
                        starts_on=arrangement.starts_on,
                        need_level=level,
                        reason="Expected need keeps the current rate; Enhanced is tiered (seed 000)",
                    )
                made["transport"] = rates.rate_create(
                    council=council,
                    actor=actor,
                    arrangement=arrangement,
                    kind="add-on",
                    unit="day",
                    amount="14.00",
                    starts_on=date(2023, 4, 1),
                    add_on="transport",
                    reason="flat transport rate per attendance day",
                )
            PaymentRules.objects.get_or_create(
                council=council, arrangement=arrangement, starts_on=arrangement.starts_on, defaults={"pay_on": "actual"}
            )
        westmarch = Organisation.objects.get(name="Westmarch County Council")
        reference_services.cost_of_care_create(
            council=westmarch,
            actor=_commissioner(westmarch),
            name="Home care cost of care 2025-26",
            starts_on=date(2025, 4, 1),
            pay_per_hour=Decimal("12.21"),
            on_costs_percent=Decimal(22),
            travel_percent=Decimal(20),
            mileage_per_hour=Decimal("1.80"),
            training_percent=Decimal(3),
            supervision_percent=Decimal(5),
            overheads_percent=Decimal(25),
            return_percent=Decimal(3),
        )
        # a paid block of hours in a level 2 area (seed 001), with its primary provider
        framework = Arrangement.objects.get(reference="HC-2025")
        primary = (
            Admission.objects.filter(arrangement=framework, position="primary", area__level=2, status="active")
            .select_related("area", "provider")
            .first()
        )
        if primary:
            made["block"] = HoursBlock.objects.create(
                council=framework.council,
                arrangement=framework,
                provider=primary.provider,
                area=primary.area,
                hours_per_week=Decimal(40),
                amount_per_hour=primary.price,
                starts_on=FIRST_RUN,
            )
    return made


def _visit_plan(placement: Placement, provider_staff) -> dict[int, list[time]]:
    """The provider's rota for a live home care placement, through the service its rostering system uses: calls of
    45 minutes from 07:00 every four hours, as many a day as the weekly hours allow; the planned starts by weekday."""
    from caremarket.brokerage import placements
    from caremarket.domain import visits

    if not placement.hours_per_week:
        return {}
    calls = min(4, max(1, round(float(placement.hours_per_week) / 0.75 / 7)))
    lines = [visits.PlannedVisit(visits.EVERY_DAY, time(7 + 4 * n), 45) for n in range(calls)]
    if provider_staff is not None and placement.ended_on is None:
        placements.visit_plan_set(
            placement=placement, actor=provider_staff, starts_on=placement.start_on, visits=lines, reason="First rota"
        )
    return {weekday: [line.start for line in lines] for weekday in range(7)}


def deliveries(rng: random.Random, until: date) -> int:
    """What providers delivered, as their rostering systems would upload it: visits, attendance days."""
    records = []
    reliability: dict[int, tuple[float, float]] = {}
    staff = {u.organisation_id: u for u in User.objects.filter(organisation__kind="provider").order_by("-pk")}
    for placement in Placement.objects.select_related("request").prefetch_related("hospital_stays", "terms"):
        kind = kind_for(placement)
        if kind == "week":
            continue
        # each provider's own record: how often a planned visit is missed, and how often one starts late
        missed, late = reliability.setdefault(
            placement.provider_id, rng.choice([(0.003, 0.02), (0.006, 0.04), (0.015, 0.08), (0.004, 0.03)])
        )
        plan = _visit_plan(placement, staff.get(placement.provider_id)) if kind == "visit" else {}
        start = max(placement.start_on, FIRST_RUN - timedelta(days=7))
        end = min(placement.ended_on or until, until)
        stays = list(placement.hospital_stays.all())
        terms = list(placement.terms.all())
        day = start
        while day <= end:
            if any(s.admitted_on <= day < (s.discharged_on or date.max) for s in stays):
                day += timedelta(days=1)
                continue
            current = next((t for t in terms if t.starts_on <= day and (t.ends_on is None or day <= t.ends_on)), None)
            if current is None:
                day += timedelta(days=1)
                continue
            if kind == "visit" and current.hours_per_week:
                for planned in plan.get(day.weekday(), []):
                    if rng.random() < missed:
                        continue  # a missed visit
                    minutes = rng.choice([30, 45, 45, 45, 60])
                    offset = rng.randint(35, 80) if rng.random() < late else rng.choice([-10, -5, 0, 0, 5, 10, 20])
                    begin = (datetime.combine(day, planned) + timedelta(minutes=offset)).time()
                    finish = (datetime.combine(day, begin) + timedelta(minutes=minutes)).time()
                    records.append((placement.pk, placement.provider_id, "visit", day, begin, finish, minutes))
            elif (
                kind == "attendance"
                and current.days_per_week
                and day.weekday() < current.days_per_week
                and rng.random() > 0.05  # an absence
            ):
                records.append((placement.pk, placement.provider_id, "attendance", day, None, None, 0))
            day += timedelta(days=1)
    # a year of visits written with one prepared statement (bulk_create spent most of its time building SQL)
    now = timezone.now()
    insert_many(
        DeliveryRecord,
        ("placement", "provider", "kind", "day", "start", "end", "minutes", "carers", "source", "recorded_at"),
        ((*r, 1, "upload", now) for r in records),
        ignore_conflicts=True,
    )
    return len(records)


def contributions(rng: random.Random) -> int:
    made = 0
    for placement in Placement.objects.filter(status__in=["active", "suspended"]).select_related("person"):
        roll = rng.random()
        if roll < 0.35:
            ContributionAssessment.objects.get_or_create(
                council_id=placement.council_id,
                person=placement.person,
                starts_on=placement.start_on,
                defaults={"weekly_amount": Decimal(rng.choice(["18.50", "32.00", "47.25", "65.00", "112.40"]))},
            )
            made += 1
            if roll < 0.12:
                Placement.objects.filter(pk=placement.pk).update(funding_route="net")
        elif roll > 0.96:
            Placement.objects.filter(pk=placement.pk).update(funding_route="direct-payment")
    return made


def payment_runs(rng: random.Random, until: date, made: dict) -> dict[str, int]:
    counts = {"payment runs": 0, "payment run adjustments": 0}
    westmarch = Organisation.objects.get(name="Westmarch County Council")
    held_provider = (
        Placement.objects.filter(council=westmarch, status="active", route="cascade")
        .values_list("provider", flat=True)
        .first()
    )
    start = FIRST_RUN
    number = 0
    while start + timedelta(days=27) < until:
        end = start + timedelta(days=27)
        number += 1
        if number == 9 and "transport" in made:
            # the transport rate is agreed at £15.44, backdated to 1 April 2024 (seed 000)
            with time_machine.travel(_at(end - timedelta(days=10)), tick=True):
                council = made["transport"].council
                rates.rate_supersede(
                    rate=Rate.objects.get(pk=made["transport"].pk),
                    actor=_commissioner(council),
                    amount="15.44",
                    starts_on=date(2024, 4, 1),
                    reason="transport rate agreed with providers, backdated to 1 April 2024",
                )
        if number == 6:
            # the annual uplift of at least 3% (seed 001) on the home care framework from 1 April 2026
            with time_machine.travel(_at(date(2026, 3, 16)), tick=True):
                framework = Arrangement.objects.get(reference="HC-2025")
                rates.rates_uplift(
                    council=framework.council,
                    actor=_commissioner(framework.council),
                    rates=list(framework.rates.filter(kind="provider-area")),
                    percent=Decimal(3),
                    starts_on=date(2026, 4, 1),
                )
        for council in Organisation.objects.filter(kind="council").order_by("name"):
            calculator, approver = _finance_officers(council)
            with time_machine.travel(_at(end + timedelta(days=3)), tick=True):
                if council == westmarch and held_provider and number == 4:
                    made["hold"] = runs.hold_create(
                        council=council,
                        actor=calculator,
                        reason="Visits disputed after a complaint; under review",
                        provider=Organisation.objects.get(pk=held_provider),
                    )
                if council == westmarch and number == 6 and made.get("hold"):
                    runs.hold_release(hold=made["hold"], actor=calculator)
                run = runs.payment_run_create(council=council, actor=calculator, period_start=start, period_end=end)
                run = runs.payment_run_calculate(run=run, actor=calculator)
            if end + timedelta(days=35) >= until:
                counts["payment runs"] += 1
                continue  # the latest run is left calculated, for a second officer to approve
            with time_machine.travel(_at(end + timedelta(days=5)), tick=True):
                runs.payment_run_approve(run=run, actor=approver)
            with time_machine.travel(_at(end + timedelta(days=8)), tick=True):
                runs.payment_run_mark_paid(run=run, actor=approver)
            counts["payment runs"] += 1
            counts["payment run adjustments"] += run.lines.filter(kind="adjustment").count()
        start = end + timedelta(days=1)
    return counts


def ledger_codes() -> int:
    """Each council's cost centres (a default and one per service) and supplier codes for the providers it pays,
    but the one it placed with last, whose supplier set-up is still with the ledger team."""
    from caremarket.finance import selectors, services
    from caremarket.reference.models import ServiceType

    made = 0
    for council in Organisation.objects.filter(kind="council").order_by("name"):
        officer = _finance_officers(council)[0]
        prefix = "".join(word[0] for word in council.name.split()[:2]).upper()
        services.cost_centre_set(council=council, actor=officer, code=f"{prefix}-ASC-000", account="52000")
        for number, service in enumerate(ServiceType.objects.filter(council=council).order_by("name"), start=1):
            services.cost_centre_set(
                council=council, actor=officer, service_type=service, code=f"{prefix}-ASC-{number:03}", account="52100"
            )
            made += 1
        providers = list(selectors.providers_paid(council=council))
        newest = Placement.objects.filter(council=council).order_by("-created_at").values_list("provider_id", flat=True)
        for provider in providers:
            if provider.pk != newest.first():
                services.supplier_code_set(council=council, actor=officer, provider=provider, code=f"S{provider.pk:06}")
                made += 1
    return made


def build(rng: random.Random) -> dict[str, int]:
    from django.utils import timezone

    if PaymentRun.objects.exists():
        return {}
    until = timezone.localdate() - timedelta(days=1)
    made = set_up_rates(rng)
    counts = {"delivery records": deliveries(rng, until), "contribution assessments": contributions(rng)}
    counts["ledger codes"] = ledger_codes()
    counts.update(payment_runs(rng, until, made))
    return counts
