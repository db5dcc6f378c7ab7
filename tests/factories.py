"""Factories per lifecycle state, for every test that needs a record in a given state.

A record is brought to its state through the services, as the product would bring it there (a suspended
placement has a hospital stay, an approved run was calculated by one officer and approved by another), so a
factory can never make a state the lifecycle forbids. Base records (organisations, people, reference data) are
plain factory_boy factories.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import factory
from django.utils import timezone

from caremarket.accounts import services as accounts
from caremarket.accounts.models import Organisation, User
from caremarket.arrangements import admissions
from caremarket.arrangements.models import Admission, AdmissionStatusChange, Application, Arrangement, Lot
from caremarket.brokerage import competitions, placements, services, sourcing
from caremarket.brokerage.models import CareRequest, Competition, Person, Placement, Referral
from caremarket.core.lifecycle import status_started
from caremarket.domain.roles import OrganisationKind, Role
from caremarket.finance import runs
from caremarket.finance.models import PaymentRun
from caremarket.reference import services as reference
from caremarket.reference.models import Area, AreaPostcode, ReasonCode, ServiceType

START = date(2030, 6, 10)


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    kind = OrganisationKind.COUNCIL
    name = factory.Sequence(lambda n: f"Council {n}")

    @classmethod
    def _create(cls, model_class, *, kind, name, **_):
        return accounts.organisation_create(kind=OrganisationKind(kind), name=name)


class CouncilFactory(OrganisationFactory):
    name = factory.Sequence(lambda n: f"Westmoor County Council {n}")


class ProviderFactory(OrganisationFactory):
    kind = OrganisationKind.PROVIDER
    name = factory.Sequence(lambda n: f"Hollybank Care {n} Ltd")


class UserFactory(factory.django.DjangoModelFactory):
    """A person who signs in, with `roles` (Role values) and `password`."""

    class Meta:
        model = User

    organisation = factory.SubFactory(CouncilFactory)
    email = factory.Sequence(lambda n: f"person{n}@caremarket.example")
    full_name = factory.Sequence(lambda n: f"Person {n}")
    roles = (Role.BROKER,)
    password = "factory-password-2030"

    @classmethod
    def _create(cls, model_class, *, organisation, email, full_name, roles, password, **_):
        return accounts.user_create(
            organisation=organisation,
            email=email,
            full_name=full_name,
            roles=[Role(r).value for r in roles],
            password=password,
        )


def home_care(council: Organisation) -> tuple[ServiceType, Area]:
    """The council's home care service and the area covering postcode district WM1, made once."""
    service = ServiceType.objects.filter(council=council, code="home-care").first() or reference.service_type_create(
        council=council, actor=None, code="home-care", name="Home care"
    )
    area = Area.objects.filter(council=council, code="north").first()
    if area is None:
        area = reference.area_create(council=council, actor=None, code="north", name="North", level=1)
        AreaPostcode.objects.create(council=council, outward_code="WM1", area=area)
    return service, area


def reason_code(council: Organisation, kind: str, code: str, name: str) -> ReasonCode:
    return ReasonCode.objects.filter(council=council, kind=kind, code=code).first() or reference.reason_code_create(
        council=council, actor=None, kind=kind, code=code, name=name
    )


def live_arrangement(
    council: Organisation,
    *,
    reference: str,
    mechanism: str,
    service_types,
    areas,
    need_levels=(),
    starts_on: date = date(2025, 1, 1),
    ends_on: date = date(2035, 1, 1),
    **fields,
) -> tuple[Arrangement, Lot]:
    """A live arrangement with one lot, brought there through the services: drafted, opened for a week's
    applications, evaluated and made live, each step in its history."""
    from caremarket.arrangements import services as arrangement_services

    if mechanism == "tiered_framework":
        fields = {"cap_level_1": 2, "cap_level_2": 2, **fields}
    arrangement = arrangement_services.arrangement_create(
        council=council,
        actor=None,
        reference=reference,
        title=fields.pop("title", "Home care"),
        mechanism=mechanism,
        regime=fields.pop("regime", "pcr_2015_light_touch"),
        starts_on=starts_on,
        ends_on=ends_on,
        estimated_value=fields.pop("estimated_value", Decimal(1)),
        **fields,
    )
    lot = arrangement_services.lot_create(
        arrangement=arrangement,
        actor=None,
        title=arrangement.title,
        service_types=service_types,
        areas=areas,
        need_levels=need_levels,
    )
    for to_status in ("open", "evaluating", "live"):
        arrangement_services.arrangement_transition(
            arrangement=arrangement,
            actor=None,
            to_status=to_status,
            closes_at=timezone.now() + timedelta(days=7),
        )
    return arrangement, lot


def admit(
    arrangement: Arrangement, lot: Lot, provider: Organisation, *, area: Area | None, application_fields=None, **fields
) -> Admission:
    """`provider` admitted to `lot` in `area` (its application decided), from the start of the admission's history."""
    application = Application.objects.create(
        arrangement=arrangement, provider=provider, status="admitted", **(application_fields or {})
    )
    admission = Admission.objects.create(
        arrangement=arrangement,
        lot=lot,
        provider=provider,
        area=area,
        application=application,
        **{"price": Decimal("27.50"), **fields},
    )
    status_started(admission, history=(AdmissionStatusChange, "admission"), changed_by=None, reason="admitted")
    return admission


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    council = factory.SubFactory(CouncilFactory)
    given_name = factory.Sequence(lambda n: f"Ada{n}")
    family_name = "Byrne"
    date_of_birth = date(1940, 1, 1)
    postcode = "WM1 1AA"

    @classmethod
    def _create(cls, model_class, *, council, **fields):
        return services.person_create(council=council, actor=None, address="1 Lane", **fields)


class CareRequestFactory(factory.django.DjangoModelFactory):
    """A request for home care in `state`: awaiting-approval (a child's), sourcing, unsourced (no arrangement
    covers it), placed (a spot purchase) or cancelled."""

    class Meta:
        model = CareRequest

    council = factory.SubFactory(CouncilFactory)
    state = "sourcing"
    hours_per_week = Decimal(10)

    @classmethod
    def _create(cls, model_class, *, council, state, hours_per_week, person=None, **_):
        home_care(council)
        practitioner = UserFactory(organisation=council, roles=[Role.PRACTITIONER])
        child = state == "awaiting-approval"
        person = person or PersonFactory(council=council, date_of_birth=date(2020, 1, 1) if child else date(1940, 1, 1))
        request = services.care_request_create(
            council=council,
            actor=practitioner,
            person=person,
            service_type="home-care",
            hours_per_week=hours_per_week,
            start_on=START,
            outcomes="Stay at home",
            today=START - timedelta(days=9),
        )
        broker = UserFactory(organisation=council, roles=[Role.BROKER])
        if state == "unsourced":
            sourcing.sourcing_start(request=request, actor=broker)
        elif state == "cancelled":
            services.care_request_cancel(request=request, actor=broker, reason="the person chose a direct payment")
        elif state == "placed":
            reason_code(council, "spot-purchase", "no-capacity", "Nobody on the arrangements has capacity")
            placements.spot_purchase(
                request=request,
                provider=ProviderFactory(),
                actor=broker,
                reason_code="no-capacity",
                agreed_price=Decimal("27.50"),
                price_unit="hour",
            )
        request.refresh_from_db()
        assert request.status == state, (request.status, state)
        return request


class PlacementFactory(factory.django.DjangoModelFactory):
    """A placement in `state`: active, suspended (in hospital from `START` + 5 days) or ended (the person died)."""

    class Meta:
        model = Placement

    council = factory.SubFactory(CouncilFactory)
    state = "active"

    @classmethod
    def _create(cls, model_class, *, council, state, **_):
        request = CareRequestFactory(council=council, state="placed")
        placement = request.placement
        broker = UserFactory(organisation=council, roles=[Role.BROKER])
        if state == "suspended":
            placements.hospital_admit(placement=placement, actor=broker, admitted_on=START + timedelta(days=5))
        elif state == "ended":
            reason_code(council, "ending", "died", "The person died")
            placements.placement_end(
                placement=placement, actor=broker, ended_on=START + timedelta(days=30), reason_code="died"
            )
        placement.refresh_from_db()
        assert placement.status == state, (placement.status, state)
        return placement


class PaymentRunFactory(factory.django.DjangoModelFactory):
    """A payment run for four weeks from `START`, in `state`: draft, calculated (by one finance officer), approved
    (by another) or paid."""

    class Meta:
        model = PaymentRun

    council = factory.SubFactory(CouncilFactory)
    state = "draft"

    @classmethod
    def _create(cls, model_class, *, council, state, **_):
        calculates = UserFactory(organisation=council, roles=[Role.FINANCE_OFFICER])
        approves = UserFactory(organisation=council, roles=[Role.FINANCE_OFFICER])
        run = runs.payment_run_create(
            council=council, actor=calculates, period_start=START, period_end=START + timedelta(days=27)
        )
        steps = ["calculated", "approved", "paid"]
        for step in steps[: steps.index(state) + 1] if state in steps else []:
            if step == "calculated":
                run = runs.payment_run_calculate(run=run, actor=calculates)
            elif step == "approved":
                run = runs.payment_run_approve(run=run, actor=approves)
            else:
                run = runs.payment_run_mark_paid(run=run, actor=approves)
        assert run.status == state, (run.status, state)
        return run


class AdmissionFactory(factory.django.DjangoModelFactory):
    """A provider admitted to brokerage's small home care market (a live tiered framework), in `state`: active,
    suspended (insurance lapsed) or removed."""

    class Meta:
        model = Admission

    council = factory.SubFactory(CouncilFactory)
    provider_name = factory.Sequence(lambda n: f"Ashdown Care {n} Ltd")
    state = "active"
    position = ""

    @classmethod
    def _create(cls, model_class, *, council, provider_name, state, position, **_):
        _, providers, _, _ = _market(
            council, mechanism="tiered_framework", providers={provider_name: {"position": position}}
        )
        admission = Admission.objects.get(provider=providers[provider_name][0])
        commissioner = UserFactory(organisation=council, roles=[Role.COMMISSIONER])
        if state == "suspended":
            reason_code(council, "suspension", "insurance", "Insurance lapsed")
            admissions.admission_suspend(admission=admission, actor=commissioner, reason_code="insurance")
        elif state == "removed":
            admissions.admission_remove(admission=admission, actor=commissioner, reason="excluded supplier")
        admission.refresh_from_db()
        assert admission.status == state, (admission.status, state)
        return admission


MONDAY_10 = datetime(2030, 6, 3, 10, 0, tzinfo=ZoneInfo("Europe/London"))


def _market(council, **kw):
    """Brokerage's small market (one area, providers admitted to one arrangement, a request), its people made here."""
    from caremarket.brokerage.tests.factories import market

    return market(council, lambda organisation, *roles: UserFactory(organisation=organisation, roles=roles), **kw)


class ReferralFactory(factory.django.DjangoModelFactory):
    """The first referral of a cascade (Ash primary, Birch secondary, Cedar reserve), in `state`: offered,
    viewed, accepted, declined, timed-out, withdrawn (the request was placed elsewhere) or cancelled (with its
    request)."""

    class Meta:
        model = Referral

    council = factory.SubFactory(CouncilFactory)
    state = "offered"

    @classmethod
    def _create(cls, model_class, *, council, state, **_):
        request, providers, broker, _ = _market(
            council,
            mechanism="tiered_framework",
            providers={
                "Ash": {"position": "primary"},
                "Birch": {"position": "secondary"},
                "Cedar": {"position": "reserve"},
            },
        )
        [referral] = sourcing.sourcing_start(request=request, actor=broker, now=MONDAY_10)
        provider, user = providers[referral.provider.name]
        answer = {"referral": referral, "provider": provider, "actor": user, "now": MONDAY_10}
        if state == "viewed":
            sourcing.referral_view(**answer)
        elif state == "accepted":
            sourcing.referral_accept(**answer)
        elif state == "declined":
            sourcing.referral_decline(**answer, reason_code="no-capacity")
        elif state == "timed-out":
            sourcing.referrals_time_out(now=referral.deadline_at + timedelta(minutes=1))
        elif state == "withdrawn":
            placements.spot_purchase(
                request=request,
                provider=providers["Cedar"][0],
                actor=broker,
                reason_code="no-capacity-on-framework",
                agreed_price=Decimal("29.00"),
                price_unit="hour",
            )
        elif state == "cancelled":
            services.care_request_cancel(request=request, actor=broker, reason="the person moved away")
        referral.refresh_from_db()
        assert referral.status == state, (referral.status, state)
        return referral


class CompetitionFactory(factory.django.DjangoModelFactory):
    """A call-off competition on a flexible framework with offers from Ash and Birch, in `state`: open, closed,
    awarded (to the best scored), not-awarded or cancelled (with its request)."""

    class Meta:
        model = Competition

    council = factory.SubFactory(CouncilFactory)
    state = "open"

    @classmethod
    def _create(cls, model_class, *, council, state, **_):
        request, providers, broker, _ = _market(council)
        closes = MONDAY_10 + timedelta(days=2)
        competition = competitions.competition_publish(
            request=request, actor=broker, closes_at=closes, criteria="60% quality, 40% price", now=MONDAY_10
        )
        for name, price in (("Ash", "26.40"), ("Birch", "24.10")):
            provider, user = providers[name]
            competitions.offer_submit(
                competition=competition,
                provider=provider,
                actor=user,
                price=Decimal(price),
                earliest_start_on=START,
                how_outcomes_met="Two carers who know the area",
                now=MONDAY_10,
            )
        after = closes + timedelta(minutes=1)
        if state == "cancelled":
            services.care_request_cancel(request=request, actor=broker, reason="the person moved away")
        elif state != "open":
            competitions.competitions_close(now=after)
        if state in {"awarded", "not-awarded"}:
            offers = list(competition.offers.all())
            scored = competitions.competition_score(
                competition=competition, actor=broker, quality={o.pk: Decimal(80) for o in offers}, now=after
            )
            if state == "awarded":
                best = min(scored, key=lambda o: o.rank)
                competitions.competition_award(competition=competition, offer=best, actor=broker, now=after)
            else:
                competitions.competition_no_award(
                    competition=competition, actor=broker, reason="every price above the budget", now=after
                )
        competition.refresh_from_db()
        assert competition.status == state, (competition.status, state)
        return competition


class ApplicationFactory(factory.django.DjangoModelFactory):
    """A provider's application to an open flexible framework for day services (one scored question), in
    `state`: draft, submitted, admitted, rejected or withdrawn."""

    class Meta:
        model = Application

    council = factory.SubFactory(CouncilFactory)
    provider = factory.SubFactory(ProviderFactory)
    state = "submitted"

    @classmethod
    def _create(cls, model_class, *, council, provider, state, **_):
        from caremarket.arrangements import applications
        from caremarket.arrangements import services as arrangement_services

        commissioner = UserFactory(organisation=council, roles=[Role.COMMISSIONER])
        if not ServiceType.objects.filter(council=council, code="building-based").exists():
            reference.service_type_create(council=council, actor=None, code="building-based", name="Building based")
        home_care(council)  # the North area
        arrangement = arrangement_services.arrangement_create(
            council=council,
            actor=commissioner,
            reference=f"DO-{Arrangement.objects.count() + 1}",
            title="Day opportunities",
            mechanism="flexible_framework",
            regime="pcr_2015_light_touch",
            starts_on=date(2024, 4, 1),
            ends_on=date(2030, 3, 31),
            max_extension_months=0,
            estimated_value=Decimal("100000.00"),
            quality_weight=Decimal(60),
            price_weight=Decimal(40),
            quality_threshold=Decimal(50),
            window_every_months=12,
            price_basis="day",
        )
        arrangement_services.lot_create(
            arrangement=arrangement, actor=commissioner, title="Building based", service_types=["building-based"],
            areas=["north"],
        )  # fmt: skip
        question = applications.question_create(
            arrangement=arrangement,
            actor=commissioner,
            kind="scored",
            text="How will you offer a purposeful day?",
            weight=Decimal(100),
            max_score=5,
        )
        arrangement_services.arrangement_transition(
            arrangement=arrangement, actor=commissioner, to_status="open", closes_at=timezone.now() + timedelta(days=20)
        )
        admin = UserFactory(organisation=provider, roles=[Role.PROVIDER_ADMIN])
        application = applications.application_start(arrangement=arrangement, provider=provider, actor=admin)
        applications.application_save(
            application=application,
            actor=admin,
            lots=[arrangement.lots.get().pk],
            areas=["north"],
            answers={question.pk: {"response": "Gardening, art and trips out."}},
            prices={"all": Decimal("55.00")},
        )
        if state in {"submitted", "admitted", "rejected", "withdrawn"}:
            application = applications.application_submit(application=application, actor=admin)
        if state in {"admitted", "rejected"}:
            evaluator = UserFactory(organisation=council, roles=[Role.QUALITY_OFFICER])
            score = 4 if state == "admitted" else 1
            applications.score_record(application=application, question=question, evaluator=evaluator, score=score)
            applications.score_moderate(application=application, question=question, moderator=commissioner, score=score)
            applications.application_decide(
                application=application,
                actor=commissioner,
                outcome="admit" if state == "admitted" else "reject",
                reasons="as scored",
            )
        elif state == "withdrawn":
            applications.application_withdraw(application=application, actor=admin, reason="we cannot staff it")
        application.refresh_from_db()
        assert application.status == state, (application.status, state)
        return application


VISIT_STEPS = ("planned", "drafting", "shared", "signing-off", "published")


def monitoring_visit(
    council: Organisation, provider: Organisation, state: str = "planned", *, rating: str = "good", **ratings: str
):
    """A monitoring visit brought to `state` through the services: planned by one quality officer, every question
    rated `rating` (or as `ratings` says, keys with "_" for "."), shared, the window closed early by the provider,
    and signed off by a second officer."""
    from caremarket.quality import services as quality

    service = ServiceType.objects.filter(council=council, code="home-care").first() or home_care(council)[0]
    lead = UserFactory(organisation=council, roles=[Role.QUALITY_OFFICER])
    visit = quality.visit_plan(
        council=council, actor=lead, provider=provider, service_type=service, planned_for=timezone.localdate()
    )
    steps = VISIT_STEPS[1 : VISIT_STEPS.index(state) + 1]
    if "drafting" in steps:
        given = {k.replace("_", "."): v for k, v in ratings.items()}
        quality.visit_record(
            visit=visit,
            council=council,
            actor=lead,
            ratings=[
                quality.Rating(q.key, given.get(q.key, rating), f"Seen on the visit: {q.text.lower()}")
                for q in quality.visit_questions(visit)
            ],
            visited_on=timezone.localdate(),
        )
    if "shared" in steps:
        quality.visit_share(visit=visit, council=council, actor=lead)
    if "signing-off" in steps:
        staff = UserFactory(organisation=provider, roles=[Role.PROVIDER_ADMIN])
        quality.accuracy_done(visit=visit, provider=provider, actor=staff)
    if "published" in steps:
        reviewer = UserFactory(organisation=council, roles=[Role.QUALITY_OFFICER])
        quality.visit_sign_off(visit=visit, council=council, actor=reviewer)
    visit.refresh_from_db()
    assert visit.status == state, (visit.status, state)
    return visit


def complaint(council: Organisation, provider: Organisation, state: str = "received", **fields):
    """A complaint the council logged, received today, in `state`: received, acknowledged or closed."""
    from caremarket.quality import services as quality

    officer = UserFactory(organisation=council, roles=[Role.QUALITY_OFFICER])
    new = {
        "kind": "complaint",
        "category": "missed-or-late-visits",
        "severity": "medium",
        "safeguarding": False,
        "received_on": timezone.localdate(),
        "summary": "Two visits missed last week",
        **fields,
    }
    made = quality.complaint_log(
        council=council, provider=provider, actor=officer, organisation=council, new=quality.NewComplaint(**new)
    )
    if state in {"acknowledged", "closed"}:
        quality.complaint_acknowledge(complaint=made, organisation=council, actor=officer)
    if state == "closed":
        quality.complaint_close(
            complaint=made, organisation=council, actor=officer, outcome="upheld", response="Apologised; rota fixed"
        )
    made.refresh_from_db()
    assert made.status == state, (made.status, state)
    return made
