"""The demo councils' purchasing arrangements, run through the real services: questionnaire, applications,
scoring and moderation, decisions, positions or rankings, and a few suspensions.

Mirrors the seeds: Westmarch's 35-area tiered home-care framework (seed 001); Stourshire's day services flexible
framework with Expected and Enhanced lots (seed 000), supported living block lots and flexible framework
(seed 002) and children's ranked framework (seed 004); Mereford's three-lot flexible purchasing system (seed 003).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone

from caremarket.accounts.models import Organisation, User
from caremarket.arrangements import admissions, applications, services
from caremarket.arrangements.models import Admission, Arrangement
from caremarket.domain.roles import Role
from caremarket.reference.models import Area, NeedLevel

PASS_FAIL = [
    ("Do you hold public liability insurance of at least £5 million?", True),
    ("Do you have a safeguarding adults and children policy reviewed in the last 12 months?", False),
    ("Can you show financial standing: two years of accounts or a bank reference?", False),
]
SCORED = [
    ("How will you deliver person-centred care that meets the outcomes people want?", Decimal(40)),
    ("How will you recruit, train and keep staff in the areas you apply for?", Decimal(35)),
    ("How will you work with the council to monitor and improve quality?", Decimal(25)),
]


@dataclass
class LotSpec:
    title: str
    service_types: list[str]
    areas: list[str] | None = None  # None: every in-county area of the council
    need_levels: list[tuple[str, str]] = field(default_factory=list)  # (service type code, need level code)


@dataclass
class TenderSpec:
    council: str
    reference: str
    title: str
    mechanism: str
    regime: str
    starts_on: date
    ends_on: date
    value: Decimal
    lots: list[LotSpec]
    providers: list[str]  # name endings of the providers who apply
    price_basis: str = "none"
    price_range: tuple[int, int] = (20, 30)
    areas_per_bid: tuple[int, int] = (1, 3)
    cap_level_1: int | None = None
    cap_level_2: int | None = None
    window_every_months: int | None = None
    extension: int = 0
    description: str = ""
    capabilities: dict = field(default_factory=dict)


def specs() -> list[TenderSpec]:
    return [
        TenderSpec(
            "Westmarch County Council",
            "HC-2025",
            "Care and support at home framework",
            "tiered_framework",
            "pcr_2015_light_touch",
            date(2025, 11, 1),
            date(2030, 10, 31),
            Decimal("96000000"),
            [LotSpec("Care and support at home", ["home-care"])],
            ["Home Care Ltd", "Care at Home"],
            price_basis="hour-per-area",
            price_range=(2450, 3250),
            areas_per_bid=(6, 14),
            cap_level_1=2,
            cap_level_2=2,
            extension=24,
            description="Primary and secondary providers per level 1 area, a primary per level 2 area, "
            "and reserve lists everywhere; providers set their own hourly rate per area.",
        ),
        TenderSpec(
            "Stourshire County Council",
            "DS-FF-2025",
            "Day services flexible framework",
            "flexible_framework",
            "pcr_2015_light_touch",
            date(2025, 4, 1),
            date(2029, 3, 31),
            Decimal("18000000"),
            [
                LotSpec("Day services: Expected needs", ["day-services"], need_levels=[("day-services", "expected")]),
                LotSpec("Day services: Enhanced needs", ["day-services"], need_levels=[("day-services", "enhanced")]),
            ],
            ["Day Opportunities CIC"],
            price_basis="day",
            price_range=(4800, 10000),
            areas_per_bid=(2, 5),
            description="Reopens only when unmet need is identified.",
            capabilities={"offers_transport": 0.6},
        ),
        TenderSpec(
            "Stourshire County Council",
            "SL-BLOCK-2024",
            "Supported living block contracts",
            "block_contract",
            "pcr_2015_light_touch",
            date(2024, 10, 1),
            date(2031, 9, 30),
            Decimal("42000000"),
            [
                LotSpec(
                    "North: less complex and complex",
                    ["supported-living"],
                    ["stour-valley", "cannock-edge", "leekmoor"],
                    [("supported-living", "less-complex"), ("supported-living", "complex")],
                ),
                LotSpec(
                    "South: highly complex",
                    ["supported-living"],
                    ["burton-heath", "tamworth-fields"],
                    [("supported-living", "highly-complex")],
                ),
            ],
            ["Supported Living Ltd"],
            price_basis="week",
            price_range=(120000, 260000),
            areas_per_bid=(1, 3),
            extension=24,
        ),
        TenderSpec(
            "Stourshire County Council",
            "SL-FF-2024",
            "Supported living flexible framework",
            "flexible_framework",
            "pcr_2015_light_touch",
            date(2024, 10, 1),
            date(2028, 9, 30),
            Decimal("12000000"),
            [
                LotSpec(
                    "Supported living: less complex",
                    ["supported-living"],
                    need_levels=[("supported-living", "less-complex")],
                ),
                LotSpec(
                    "Supported living: complex and highly complex",
                    ["supported-living"],
                    need_levels=[("supported-living", "complex"), ("supported-living", "highly-complex")],
                ),
            ],
            ["Supported Living Ltd"],
            price_basis="week",
            price_range=(110000, 240000),
            areas_per_bid=(2, 6),
            description="For placements the block contracts cannot take; reopens when unmet need is identified.",
        ),
        TenderSpec(
            "Stourshire County Council",
            "CCS-RF-2026",
            "Children's community support ranked framework",
            "ranked_framework",
            "procurement_act_2023",
            date(2026, 4, 1),
            date(2030, 3, 31),
            Decimal("9500000"),
            [
                LotSpec("Children's community support", ["childrens-community-support"]),
                LotSpec("1:1 independence and life skills (up to 25)", ["independence-life-skills"]),
            ],
            ["Community Support"],
            price_basis="hour-per-area",
            price_range=(2300, 3100),
            areas_per_bid=(2, 6),
            capabilities={"one_to_one": 0.7},
        ),
        TenderSpec(
            "Mereford Borough Council",
            "DO-FPS-2024",
            "Day opportunities flexible purchasing system",
            "flexible_framework",
            "pcr_2015_light_touch",
            date(2024, 4, 1),
            date(2030, 3, 31),
            Decimal("4200000"),
            [
                LotSpec("Lot 1: building-based day opportunities", ["building-based"]),
                LotSpec("Lot 2: community support", ["community-support"]),
                LotSpec("Lot 3: employment, skills and training", ["employment-skills"]),
            ],
            ["Day Opportunities CIC", "Community Support"],
            price_basis="day",
            price_range=(5500, 9500),
            areas_per_bid=(4, 12),
            window_every_months=12,
            capabilities={"offers_transport": 0.5},
            description="Opens every 12 months to new providers; packages are published as call-off competitions.",
        ),
    ]


def _staff(council: Organisation, role: Role) -> User:
    return User.objects.filter(organisation=council, role_grants__role=role.value).order_by("pk").first()


def _admin(provider: Organisation) -> User:
    return User.objects.filter(organisation=provider, role_grants__role=Role.PROVIDER_ADMIN.value).first()


def run_tender(spec: TenderSpec, rng: random.Random) -> Arrangement | None:
    council = Organisation.objects.get(name=spec.council)
    if Arrangement.objects.for_organisation(council).filter(reference=spec.reference).exists():
        return None
    commissioner = _staff(council, Role.COMMISSIONER)
    evaluator = _staff(council, Role.QUALITY_OFFICER)
    arrangement = services.arrangement_create(
        council=council,
        actor=commissioner,
        reference=spec.reference,
        title=spec.title,
        description=spec.description,
        mechanism=spec.mechanism,
        regime=spec.regime,
        starts_on=spec.starts_on,
        ends_on=spec.ends_on,
        max_extension_months=spec.extension,
        estimated_value=spec.value,
        quality_weight=Decimal(60),
        price_weight=Decimal(40),
        quality_threshold=Decimal(55),
        cap_level_1=spec.cap_level_1,
        cap_level_2=spec.cap_level_2,
        window_every_months=spec.window_every_months,
        price_basis=spec.price_basis,
        contact_name=commissioner.full_name,
        contact_email=commissioner.email,
    )
    in_county = list(Area.objects.for_organisation(council).filter(in_county=True).values_list("code", flat=True))
    for lot in spec.lots:
        levels = [
            NeedLevel.objects.for_organisation(council).get(service_type__code=st, code=code)
            for st, code in lot.need_levels
        ]
        services.lot_create(
            arrangement=arrangement,
            actor=commissioner,
            title=lot.title,
            service_types=lot.service_types,
            areas=lot.areas or in_county,
            need_levels=levels,
        )
    pass_fail = [
        applications.question_create(
            arrangement=arrangement, actor=commissioner, kind="pass-fail", text=text, asks_expiry=expiry
        )
        for text, expiry in PASS_FAIL
    ]
    scored = [
        applications.question_create(
            arrangement=arrangement, actor=commissioner, kind="scored", text=text, weight=weight, max_score=5
        )
        for text, weight in SCORED
    ]
    services.arrangement_transition(
        arrangement=arrangement, actor=commissioner, to_status="open", closes_at=timezone.now() + timedelta(days=28)
    )
    providers = [
        p
        for p in Organisation.objects.filter(kind="provider").order_by("name")
        if any(p.name.endswith(ending) for ending in spec.providers)
    ]
    lots = list(arrangement.lots.prefetch_related("areas"))
    submitted = []
    for index, provider in enumerate(providers):
        admin = _admin(provider)
        application = applications.application_start(arrangement=arrangement, provider=provider, actor=admin)
        chosen_lots = rng.sample(lots, rng.randint(1, len(lots)))
        lot_areas = sorted({a.code for lot in chosen_lots for a in lot.areas.all()})
        areas = rng.sample(lot_areas, min(len(lot_areas), rng.randint(*spec.areas_per_bid)))
        quality_bias = rng.random()
        expiry = timezone.localdate() + timedelta(days=rng.randint(60, 700))
        if index % 11 == 5:
            expiry = timezone.localdate() + timedelta(days=12)  # expires soon: reminder, then suspension
        answers = {
            q.pk: {"meets": not (index % 13 == 7 and q.number == 2), "expires_on": expiry if q.asks_expiry else None}
            for q in pass_fail
        }
        answers.update(
            {q.pk: {"response": f"{provider.name}: our approach, with examples from our services."} for q in scored}
        )
        base = rng.randint(*spec.price_range)
        prices = {}
        if spec.price_basis == "hour-per-area":
            prices = {code: Decimal(base + rng.randint(-120, 120)) / 100 for code in areas}
            if index % 17 == 3:
                prices = {code: Decimal(1650) / 100 for code in areas}  # unusually low: flagged for review
        elif spec.price_basis in {"day", "week"}:
            prices = {"all": Decimal(base) / 100}
        caps = {name: rng.random() < share for name, share in spec.capabilities.items()}
        ages = (
            {"age_min": 0, "age_max": 25 if "Life" in chosen_lots[0].title or rng.random() < 0.3 else 18}
            if spec.mechanism == "ranked_framework"
            else {}
        )
        applications.application_save(
            application=application,
            actor=admin,
            lots=[lot.pk for lot in chosen_lots],
            areas=areas,
            answers=answers,
            prices=prices,
            cqc_location_id=f"1-{100000000 + provider.pk * 7919}",
            **caps,
            **ages,
        )
        application = applications.application_submit(application=application, actor=admin)
        submitted.append((application, quality_bias))
    services.arrangement_transition(arrangement=arrangement, actor=commissioner, to_status="evaluating")
    for application, bias in submitted:
        for question in scored:
            score = max(1, min(5, round(2 + bias * 3 + rng.choice([-1, 0, 0, 1]))))
            applications.score_record(application=application, question=question, evaluator=evaluator, score=score)
            applications.score_moderate(application=application, question=question, moderator=commissioner, score=score)
    results = applications.evaluate_arrangement(arrangement)
    for application, _ in submitted:
        result = results[application.pk]
        if result.passed_pass_fail and result.passed_quality:
            reasons = "Met every minimum criterion and scored above the quality threshold."
            if result.low_price:
                reasons += " The unusually low prices were reviewed with the provider and found sustainable."
            applications.application_decide(
                application=application, actor=commissioner, outcome="admit", reasons=reasons
            )
        else:
            why = (
                "A minimum criterion was not met (safeguarding policy)."
                if not result.passed_pass_fail
                else f"The quality score of {result.quality} was below the threshold of 55."
            )
            applications.application_decide(application=application, actor=commissioner, outcome="reject", reasons=why)
    services.arrangement_transition(arrangement=arrangement, actor=commissioner, to_status="live")
    if spec.mechanism == "tiered_framework":
        admissions.positions_compute(arrangement=arrangement, actor=commissioner)
    if spec.mechanism == "ranked_framework":
        admissions.ranking_compute(arrangement=arrangement, actor=commissioner)
    active = list(Admission.objects.filter(arrangement=arrangement, status="active").order_by("pk"))
    if active:
        victim = active[len(active) // 3]
        admissions.admission_suspend(
            admission=victim,
            actor=evaluator,
            reason_code="quality-concern",
            reason="Two missed visits reported by families; action plan requested",
            all_of_provider=True,
        )
    return arrangement


def build(rng: random.Random) -> int:
    made = [run_tender(spec, rng) for spec in specs()]
    admissions.admissions_suspend_expired(today=timezone.localdate() + timedelta(days=0))
    return len([m for m in made if m])
