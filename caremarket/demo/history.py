"""A year of brokerage history, made through the real services at the moments it happened (the clock is moved with
time-machine): cascades that reach secondary and reserve providers, ranked approaches, call-off competitions with
several offers, block vacancies, spot purchases, unsourced requests, variations, hospital stays, endings and one
provider failure whose people were re-sourced."""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import time_machine
from django.db.models import Count

from caremarket.accounts.models import Organisation, User
from caremarket.arrangements.admissions import admission_remove
from caremarket.arrangements.models import Admission, Arrangement
from caremarket.brokerage import competitions, placements, services, sourcing
from caremarket.brokerage import selectors as brokerage_selectors
from caremarket.brokerage.models import CareRequest, Person, Placement, Referral
from caremarket.domain.roles import Role
from caremarket.reference.models import Area, AreaPostcode, NeedLevel

from .brokerage import FIRST, LAST, STREETS

LONDON = ZoneInfo("Europe/London")


def _moment(day: date, hour: int = 10, minute: int = 0) -> datetime:
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return datetime.combine(day, time(hour, minute), tzinfo=LONDON)


def _staff(council: Organisation, role: Role) -> User:
    return User.objects.filter(organisation=council, role_grants__role=role.value).order_by("pk").first()


def _provider_user(provider: Organisation) -> User:
    return User.objects.filter(organisation=provider).order_by("pk").first()


class History:
    def __init__(self, rng: random.Random, today: date) -> None:
        self.rng = rng
        self.today = today
        self.start = today - timedelta(days=364)
        self.counts: dict[str, int] = {}

    def count(self, key: str, n: int = 1) -> None:
        self.counts[key] = self.counts.get(key, 0) + n

    def day(self, low: int = 0, high: int = 330) -> date:
        return self.start + timedelta(days=self.rng.randint(low, high))

    def person(self, council: Organisation, practitioner: User, *, age: int, area: Area | None = None) -> Person:
        districts = AreaPostcode.objects.for_organisation(council)
        # a ward without a district of its own by majority takes any of the council's; the area is chosen by hand
        outwards = list(districts.filter(area=area).values_list("outward_code", flat=True)) if area else []
        outward = self.rng.choice(outwards or list(districts.values_list("outward_code", flat=True)))
        born = self.day() - timedelta(days=age * 365 + self.rng.randint(0, 360))
        return services.person_create(
            council=council,
            actor=practitioner,
            given_name=self.rng.choice(FIRST),
            family_name=self.rng.choice(LAST),
            date_of_birth=born,
            address=f"{self.rng.randint(1, 140)} {self.rng.choice(STREETS)}",
            postcode=f"{outward} {self.rng.randint(1, 9)}{self.rng.choice('ABDEFGHJLNPQRSTUWXYZ')}"
            f"{self.rng.choice('ABDEFGHJLN')}",
            phone=f"07700 9{self.rng.randint(10000, 99999)}",
        )

    def request(
        self, council, practitioner, *, service_type: str, area: Area, age: int, person=None, **schedule
    ) -> CareRequest:
        person = person or self.person(council, practitioner, age=age, area=area)
        levels = list(NeedLevel.objects.for_organisation(council).filter(service_type__code=service_type))
        return services.care_request_create(
            council=council,
            actor=practitioner,
            person=person,
            service_type=service_type,
            need_level=self.rng.choice(levels).pk if levels else None,
            area=area.code,
            needs_transport=schedule.pop("needs_transport", False),
            start_on=timezone_today() + timedelta(days=self.rng.randint(3, 14)),
            outcomes=self.rng.choice(
                [
                    "Stay safely at home after a fall",
                    "Get up, washed and dressed each morning",
                    "Keep up friendships and get out of the house",
                    "Give a family carer a regular break",
                    "Learn to cook and travel independently",
                ]
            ),
            **schedule,
        )

    # -- placements after the award: a few varied, some in hospital, some ended ----------------------------------

    def aftercare(self, placement: Placement, broker: User, before: date | None = None) -> None:
        """Later events of a placement, made now; none after `before` (a provider failure still to come)."""
        roll = self.rng.random()
        start = placement.start_on
        when = start + timedelta(days=self.rng.randint(20, 50))
        if start + timedelta(days=60) >= self.today or (before is not None and when + timedelta(days=14) >= before):
            return
        with time_machine.travel(_moment(when), tick=True):
            if roll < 0.12 and placement.hours_per_week:
                placements.placement_vary(
                    placement=placement,
                    actor=broker,
                    starts_on=when + timedelta(days=1),
                    hours_per_week=max(placement.hours_per_week + self.rng.choice([-2, 3, 4, 7]), Decimal(1)),
                    reason=self.rng.choice(["Review: needs increased", "Review: more independent now"]),
                )
                self.count("variations")
            elif roll < 0.20:
                placements.hospital_admit(placement=placement, actor=broker, admitted_on=when, unplanned=True)
                placements.hospital_discharge(
                    placement=placement, actor=broker, discharged_on=when + timedelta(days=self.rng.randint(2, 12))
                )
                self.count("hospital stays")
            elif roll < 0.27:
                placements.placement_end(
                    placement=placement,
                    actor=broker,
                    ended_on=when,
                    reason_code=self.rng.choice(["needs-changed", "moved-away", "died"]),
                )
                self.count("placements ended")

    # -- cascades on the tiered home care framework (seed 001) ---------------------------------------------------

    def cascade(self, request: CareRequest, broker: User, at: datetime) -> Placement | None:
        with time_machine.travel(at, tick=True):
            offered = sourcing.sourcing_start(request=request, actor=broker)
        while offered:
            step = offered[0].step
            deadline = offered[0].deadline_at
            answer_at = offered[0].offered_at + timedelta(minutes=self.rng.randint(20, 200))
            answer_at = min(answer_at, deadline - timedelta(minutes=5))
            accept_p = {"primary": 0.6, "secondary": 0.6}.get(step, 0.85)
            roll = self.rng.random()
            if roll < accept_p:
                winner = self.rng.choice(offered)
                with time_machine.travel(answer_at, tick=True):
                    sourcing.referral_view(
                        referral=winner, provider=winner.provider, actor=_provider_user(winner.provider)
                    )
                    return sourcing.referral_accept(
                        referral=winner, provider=winner.provider, actor=_provider_user(winner.provider)
                    )
            if roll < accept_p + (1 - accept_p) * 0.6:
                for referral in offered:
                    with time_machine.travel(answer_at, tick=True):
                        sourcing.referral_decline(
                            referral=referral,
                            provider=referral.provider,
                            actor=_provider_user(referral.provider),
                            reason_code=self.rng.choice(["no-capacity", "call-times", "skills", "outside-coverage"]),
                        )
                        answer_at += timedelta(minutes=3)
            else:
                with time_machine.travel(deadline + timedelta(minutes=1), tick=True):
                    sourcing.referrals_time_out()
            offered = list(
                Referral.objects.filter(request=request, status="offered").select_related("provider", "request")
            )
        return None

    def home_care(self, council: Organisation, n: int) -> None:
        practitioner, broker = _staff(council, Role.PRACTITIONER), _staff(council, Role.BROKER)
        arrangement = Arrangement.objects.get(council=council, reference="HC-2025")
        areas = list(
            Area.objects.filter(
                pk__in=Admission.objects.filter(arrangement=arrangement, position="primary").values("area")
            )
        )
        failure = self.today - timedelta(days=75)
        for day in sorted(self.day() for _ in range(n)):
            if failure is not None and day >= failure:
                self.provider_failure(council, failure)
                failure = None
            at = _moment(day, self.rng.randint(9, 13))
            with time_machine.travel(at - timedelta(hours=2), tick=True):
                request = self.request(
                    council,
                    practitioner,
                    service_type="home-care",
                    area=self.rng.choice(areas),
                    age=self.rng.randint(66, 97),
                    hours_per_week=Decimal(self.rng.choice([5, 7, 7, 10, 14, 21])),
                    visit_pattern=self.rng.choice(["2 calls a day", "4 calls a day", "morning and evening"]),
                )
            placement = self.cascade(request, broker, at)
            if placement is None:
                self.count("cascades unsourced")
                if self.rng.random() < 0.4:
                    self.spot(request, broker, at + timedelta(days=2))
                continue
            self.count(f"cascade placements by {placement.request.referrals.get(status='accepted').step}")
            self.aftercare(placement, broker, before=failure)

    # -- ranked approach for children's community support (seed 004) ---------------------------------------------

    def ranked(self, council: Organisation, n: int) -> None:
        practitioner, broker = _staff(council, Role.PRACTITIONER), _staff(council, Role.BROKER)
        leader = _staff(council, Role.TEAM_LEADER)
        arrangement = Arrangement.objects.get(council=council, reference="CCS-RF-2026")
        areas = list(Area.objects.filter(pk__in=Admission.objects.filter(arrangement=arrangement).values("area")))
        first_day = (arrangement.starts_on - self.start).days + 7
        for _ in range(n):
            at = _moment(self.day(first_day), 10)
            with time_machine.travel(at - timedelta(days=1), tick=True):
                request = self.request(
                    council,
                    practitioner,
                    service_type="childrens-community-support",
                    area=self.rng.choice(areas),
                    age=self.rng.randint(5, 16),
                    hours_per_week=Decimal(self.rng.choice([4, 6, 8, 10])),
                    visit_pattern="after school and Saturdays",
                )
                services.care_request_approve(request=request, actor=leader, note="Agreed at panel")
            with time_machine.travel(at, tick=True):
                offered = sourcing.sourcing_start(request=request, actor=broker)
            placement = None
            while offered and placement is None:
                [referral] = offered
                roll = self.rng.random()
                answer_at = referral.offered_at + timedelta(minutes=self.rng.randint(30, 180))
                if roll < 0.5:
                    with time_machine.travel(answer_at, tick=True):
                        placement = sourcing.referral_accept(
                            referral=referral, provider=referral.provider, actor=_provider_user(referral.provider)
                        )
                    break
                if roll < 0.8:
                    with time_machine.travel(answer_at, tick=True):
                        sourcing.referral_decline(
                            referral=referral,
                            provider=referral.provider,
                            actor=_provider_user(referral.provider),
                            reason_code=self.rng.choice(["no-capacity", "skills", "call-times"]),
                        )
                else:
                    with time_machine.travel(referral.deadline_at + timedelta(minutes=1), tick=True):
                        sourcing.referrals_time_out()
                offered = list(Referral.objects.filter(request=request, status="offered").select_related("provider"))
            self.count("ranked placements" if placement else "ranked unsourced")

    # -- call-off competitions (seed 003) ------------------------------------------------------------------------

    def call_offs(
        self, council: Organisation, reference: str, service_type: str, n: int, people=(), **schedule
    ) -> None:
        """Call-off competitions for `n` new people, or for `people` who already have care."""
        practitioner, broker = _staff(council, Role.PRACTITIONER), _staff(council, Role.BROKER)
        arrangement = Arrangement.objects.get(council=council, reference=reference)
        areas = list(
            Area.objects.filter(lots__arrangement=arrangement, lots__service_types__code=service_type).distinct()
        )
        for index in range(n):
            at = _moment(self.day(), 11)
            with time_machine.travel(at - timedelta(hours=3), tick=True):
                # about half of the people at day services are assessed as needing transport (seed 000)
                needs = {"needs_transport": self.rng.random() < 0.5} if "days_per_week" in schedule else {}
                request = self.request(
                    council,
                    practitioner,
                    service_type=service_type,
                    area=self.rng.choice(areas),
                    age=self.rng.randint(19, 70),
                    person=people[index] if index < len(people) else None,
                    **dict(schedule),
                    **needs,
                )
            try:
                with time_machine.travel(at, tick=True):
                    competition = competitions.competition_publish(
                        request=request,
                        actor=broker,
                        closes_at=_moment(at.date() + timedelta(days=3), 12),
                        criteria="Quality (60%): how the outcomes will be met and how soon. Price (40%): lowest "
                        "scores full marks.",
                    )
            except Exception:  # noqa: BLE001 - nobody eligible in that area: left as it is, unsourced
                self.count("call-offs with nobody eligible")
                continue
            bid_at = at + timedelta(hours=20)
            for invitation in competition.invitations.select_related("provider", "admission"):
                if self.rng.random() > 0.65:
                    continue
                base = invitation.admission.price or Decimal(80)
                price = (base * Decimal(self.rng.uniform(0.9, 1.15))).quantize(Decimal("0.01"))
                with time_machine.travel(bid_at, tick=True):
                    competitions.offer_submit(
                        competition=competition,
                        provider=invitation.provider,
                        actor=_provider_user(invitation.provider),
                        price=price,
                        earliest_start_on=request.start_on + timedelta(days=self.rng.randint(0, 7)),
                        how_outcomes_met=self.rng.choice(
                            [
                                "A named keyworker, a trial day first and a review after four weeks.",
                                "Small group sessions with a travel trainer, building to independent travel.",
                                "Staff matched on interests; weekly updates to the family.",
                            ]
                        ),
                    )
                bid_at += timedelta(minutes=17)
            closed_at = competition.closes_at + timedelta(hours=2)
            with time_machine.travel(closed_at, tick=True):
                competitions.competitions_close()
                offers = list(competitions.offers_for_council(competition=competition, actor=broker, route="page"))
                if not offers:
                    competitions.competition_no_award(
                        competition=competition, actor=broker, reason="No offers were made"
                    )
                    self.count("call-offs without offers")
                    continue
                competitions.competition_score(
                    competition=competition,
                    actor=broker,
                    quality={o.pk: Decimal(self.rng.randint(55, 95)) for o in offers},
                )
                best = min(
                    competitions.offers_for_council(competition=competition, actor=broker, route="page"),
                    key=lambda o: o.rank,
                )
                placement = competitions.competition_award(competition=competition, offer=best, actor=broker)
            self.count("call-off placements")
            self.count("call-off offers", len(offers))
            self.aftercare(placement, broker)

    # -- the council's own day service (seed 003: in-house beside external providers) ----------------------------

    def in_house(self, council: Organisation, name: str, n: int) -> list[Person]:
        """People placed with the council's own service; the people it supports."""
        from caremarket.accounts import services as accounts
        from caremarket.domain.roles import OrganisationKind

        practitioner, broker = _staff(council, Role.PRACTITIONER), _staff(council, Role.BROKER)
        own = accounts.organisation_create(kind=OrganisationKind.PROVIDER, name=name, in_house_of=council)
        areas = list(Area.objects.for_organisation(council).filter(in_county=True).order_by("pk"))
        people = []
        for _ in range(n):
            at = _moment(self.day(high=300), 10)
            with time_machine.travel(at, tick=True):
                request = self.request(
                    council,
                    practitioner,
                    service_type="building-based",
                    area=self.rng.choice(areas),
                    age=self.rng.randint(19, 70),
                    days_per_week=self.rng.randint(1, 4),
                )
                placed = placements.in_house_place(request=request, provider=own, actor=broker)
            people.append(placed.person)
            self.count("in-house placements")
        return people

    # -- block vacancies (seed 002) ------------------------------------------------------------------------------

    def blocks(self, council: Organisation, n: int) -> None:
        practitioner, broker = _staff(council, Role.PRACTITIONER), _staff(council, Role.BROKER)
        arrangement = Arrangement.objects.get(council=council, reference="SL-BLOCK-2024")
        for admission in Admission.objects.filter(arrangement=arrangement).order_by("pk"):
            admission.block_places = self.rng.randint(3, 6)
            admission.save(update_fields=["block_places"])
        for _ in range(n):
            admission = self.rng.choice(list(Admission.objects.filter(arrangement=arrangement).select_related("lot")))
            area = admission.area or self.rng.choice(list(admission.lot.areas.all()))
            levels = list(admission.lot.need_levels.all())
            at = _moment(self.day(), 14)
            with time_machine.travel(at, tick=True):
                person = self.person(council, practitioner, age=self.rng.randint(20, 60), area=area)
                request = services.care_request_create(
                    council=council,
                    actor=practitioner,
                    person=person,
                    service_type="supported-living",
                    need_level=self.rng.choice(levels).pk if levels else None,
                    area=area.code,
                    weekly_placement=True,
                    start_on=at.date() + timedelta(days=14),
                    outcomes="A home of their own with support to manage a tenancy",
                )
                vacancies = brokerage_selectors.block_vacancies(council=council, request=request)
                if not vacancies:
                    self.count("block requests with no vacancy")
                    continue
                placements.block_place(request=request, admission=vacancies[0], actor=broker)
            self.count("block placements")

    # -- spot purchases (seeds 003, 004) -------------------------------------------------------------------------

    def spot(self, request: CareRequest, broker: User, at: datetime) -> None:
        provider = self.rng.choice(list(Organisation.objects.filter(kind="provider").order_by("pk")[:40]))
        unit = "hour" if request.hours_per_week else "day" if request.days_per_week else "week"
        price = {"hour": Decimal("34.80"), "day": Decimal("96.00"), "week": Decimal("1980.00")}[unit]
        with time_machine.travel(at, tick=True):
            placements.spot_purchase(
                request=request,
                provider=provider,
                actor=broker,
                reason_code=self.rng.choice(["no-framework-capacity", "urgent-discharge", "specialist-need"]),
                agreed_price=price,
                price_unit=unit,
            )
        self.count("spot purchases")

    # -- a provider fails (seed 000) -----------------------------------------------------------------------------

    def provider_failure(self, council: Organisation, day: date) -> None:
        broker = _staff(council, Role.BROKER)
        commissioner = _staff(council, Role.COMMISSIONER)
        busiest = (
            Placement.objects.for_organisation(council)
            .filter(status="active", route="cascade")
            .values("provider")
            .annotate(n=Count("id"))
            .order_by("-n")
            .first()
        )
        if busiest is None:
            return
        provider = Organisation.objects.get(pk=busiest["provider"])
        failed_on = _moment(day, 9)
        with time_machine.travel(failed_on, tick=True):
            for admission in Admission.objects.filter(arrangement__council=council, provider=provider).exclude(
                status="removed"
            ):
                admission_remove(
                    admission=admission, actor=commissioner, reason="The provider went into administration"
                )
            again = placements.provider_placements_resource(
                council=council,
                provider=provider,
                actor=broker,
                reason_code="provider-exit",
                ends_on=failed_on.date() + timedelta(days=7),
            )
        self.count("placements moved by a provider failure", len(again))
        for n, request in enumerate(again):
            placement = self.cascade(request, broker, failed_on + timedelta(hours=2 + n))
            self.count("re-sourced and placed" if placement else "re-sourced and unsourced")


def timezone_today() -> date:
    from django.utils import timezone

    return timezone.localdate()


def build(rng: random.Random) -> dict[str, int]:
    from django.utils import timezone

    if Placement.objects.exists():
        return {}
    history = History(rng, timezone.localdate())
    westmarch = Organisation.objects.get(name="Westmarch County Council")
    stourshire = Organisation.objects.get(name="Stourshire County Council")
    mereford = Organisation.objects.get(name="Mereford Borough Council")
    history.home_care(westmarch, 240)
    history.ranked(stourshire, 30)
    history.call_offs(stourshire, "DS-FF-2025", "day-services", 18, days_per_week=3)
    history.call_offs(stourshire, "SL-FF-2024", "supported-living", 8, weekly_placement=True)
    history.call_offs(mereford, "DO-FPS-2024", "building-based", 14, days_per_week=2)
    history.blocks(stourshire, 14)
    own = history.in_house(mereford, "Mereford Day Centres", 24)
    # seed 003: some of the in-house service's people also have support from an external provider
    history.call_offs(mereford, "DO-FPS-2024", "community-support", 6, people=own[:6], days_per_week=1)
    services.requests_escalate()
    return history.counts
