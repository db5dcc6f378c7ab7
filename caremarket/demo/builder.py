"""Builds the fictional demo installation. Idempotent: everything is looked up by its natural key first.

Three fictional councils mirror the seed documents:
- Westmarch County Council: home care in 35 areas of three levels (seed 001);
- Stourshire County Council: day services (Expected/Enhanced), supported living (three complexity levels),
  children's community support and 1:1 life skills, transport (seeds 000, 002, 004);
- Mereford Borough Council: day opportunities in three lots' worth of service types (seed 003), its areas
  being real wards (names, ONS codes, centroids derived from the ONS postcode directory).
About 80 fictional providers and around 300 people who sign in.
"""

from __future__ import annotations

import csv
import random
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from django.db import transaction

from caremarket.accounts import services as accounts
from caremarket.accounts.models import Organisation, User
from caremarket.domain.roles import OrganisationKind, Role
from caremarket.reference import services as reference
from caremarket.reference.models import Area, NeedLevel, ReasonCode, ServiceType

DEMO_PASSWORD = "caremarket-demo"
HERE = Path(__file__).resolve().parent


@dataclass(frozen=True)
class SignIn:
    role: Role
    email: str
    name: str
    organisation: str


# One sign-in per role, printed by `make demo`.
SIGN_INS = [
    SignIn(Role.COMMISSIONER, "commissioner@westmarch.example", "Priya Okafor", "Westmarch County Council"),
    SignIn(Role.BROKER, "broker@westmarch.example", "Tom Castellano", "Westmarch County Council"),
    SignIn(Role.PRACTITIONER, "practitioner@westmarch.example", "Aisha Brennan", "Westmarch County Council"),
    SignIn(Role.TEAM_LEADER, "team.leader@stourshire.example", "Gareth Lindqvist", "Stourshire County Council"),
    SignIn(Role.FINANCE_OFFICER, "finance@westmarch.example", "Mei Hardcastle", "Westmarch County Council"),
    SignIn(Role.QUALITY_OFFICER, "quality@westmarch.example", "Dev Ashworth", "Westmarch County Council"),
    SignIn(Role.ORGANISATION_ADMIN, "admin@westmarch.example", "Rosa Penhaligon", "Westmarch County Council"),
    SignIn(Role.PROVIDER_ADMIN, "admin@brightwater-care.example", "Nadia Fairweather", "Brightwater Home Care Ltd"),
    SignIn(Role.PROVIDER_STAFF, "coordinator@brightwater-care.example", "Owen Tremayne", "Brightwater Home Care Ltd"),
]


def council_logo(name: str) -> bytes:
    """A fictional council's logo: its initials on a shield, in a colour of its own (drawn, not a real mark)."""
    import io
    import zlib

    from PIL import Image, ImageDraw, ImageFont

    colour = ((zlib.crc32(name.encode()) & 0xFF) // 2 + 40, 90, 120 - (zlib.crc32(name.encode()) >> 8 & 0x3F))
    image = Image.new("RGBA", (320, 80), (255, 255, 255, 0))
    draw = ImageDraw.Draw(image)
    draw.polygon([(4, 4), (68, 4), (68, 44), (36, 76), (4, 44)], fill=colour)
    initials = "".join(word[0] for word in name.split()[:2]).upper()
    font = ImageFont.load_default(size=26)
    draw.text((36, 30), initials, fill=(255, 255, 255), font=font, anchor="mm")
    draw.text((84, 40), name.split()[0], fill=colour, font=ImageFont.load_default(size=40), anchor="lm")
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


COUNCILS = {
    "Westmarch County Council": "westmarch",
    "Stourshire County Council": "stourshire",
    "Mereford Borough Council": "mereford",
}

WESTMARCH_AREAS = [
    # 12 level 1 (highest demand), 12 level 2 (block of hours at the start), 11 level 3 (reserve list only)
    *[
        (name, 1)
        for name in [
            "Ashcombe North",
            "Ashcombe South",
            "Bramleigh",
            "Castleford Vale",
            "Dunmere",
            "Eastbridge",
            "Fenwick Town",
            "Greyhithe",
            "Harrowden",
            "Kingsmoor",
            "Lowestead",
            "Marlow Cross",
        ]
    ],
    *[
        (name, 2)
        for name in [
            "Northolt Downs",
            "Oakhurst",
            "Pennington",
            "Queensford",
            "Redwater",
            "Saltmarsh",
            "Thornbury Heath",
            "Upperfold",
            "Wexcombe",
            "Yarrowby",
            "Ashcombe Rural",
            "Bramleigh Weald",
        ]
    ],
    *[
        (name, 3)
        for name in [
            "Coldharbour",
            "Deepdene",
            "Elmstead Fold",
            "Foxley Chase",
            "Gorsey Bank",
            "Hollins End",
            "Ivy Moor",
            "Juniper Hill",
            "Kestrel Down",
            "Larkrise",
            "Midwinter",
        ]
    ],
]

STOURSHIRE_AREAS = [
    "Stour Valley",
    "Cannock Edge",
    "Lichmere",
    "Burton Heath",
    "Tamworth Fields",
    "Leekmoor",
    "Staffold",
    "Moorlands East",
]

DECLINE_REASONS = [
    ("no-capacity", "No staff capacity for this package"),
    ("call-times", "Cannot meet the requested call times"),
    ("outside-coverage", "Outside the area we cover"),
    ("skills", "Cannot meet the person's specific needs or skills required"),
    ("risk", "Risk assessment: cannot support safely"),
]
SPOT_REASONS = [
    ("no-framework-capacity", "No provider on the arrangements could take the package"),
    ("specialist-need", "Specialist need not covered by any lot"),
    ("continuity", "Continuity with the person's existing provider"),
    ("urgent-discharge", "Urgent hospital discharge"),
]
SUSPENSION_REASONS = [
    ("quality-concern", "Quality concern under investigation"),
    ("insurance-expired", "Insurance expired"),
    ("cqc-inadequate", "CQC rated inadequate"),
    ("hospital-stay", "Person in hospital"),
]
ENDING_REASONS = [
    ("needs-changed", "Needs changed: a different service is needed"),
    ("moved-away", "Person moved out of the area"),
    ("provider-exit", "Provider left the market"),
    ("died", "Person died"),
]

PROVIDER_FIRST = [
    "Brightwater",
    "Hollybrook",
    "Meadowsweet",
    "Kingfisher",
    "Willowmere",
    "Silverbirch",
    "Rosewood",
    "Heathfield",
    "Larkspur",
    "Oakleaf",
    "Bluebell",
    "Fernhill",
    "Harbourside",
    "Juniper",
    "Lavender",
    "Maplegate",
    "Northwind",
    "Orchard",
    "Primrose",
    "Riverside",
    "Sandpiper",
    "Thistle",
    "Unity",
    "Valley",
    "Wren",
    "Yewtree",
    "Amberley",
    "Beacon",
    "Cedar",
    "Dovecote",
    "Evergreen",
    "Foxglove",
    "Greenacre",
    "Hawthorn",
    "Ivybridge",
    "Jasmine",
    "Kestrel",
    "Linden",
    "Moorview",
    "Nightingale",
]
PROVIDER_KIND = [
    ("Home Care Ltd", "home care"),
    ("Care at Home", "home care"),
    ("Day Opportunities CIC", "day services"),
    ("Supported Living Ltd", "supported living"),
    ("Community Support", "children's and community support"),
]
FIRST_NAMES = [
    "Alex",
    "Bea",
    "Cal",
    "Dana",
    "Eli",
    "Fern",
    "Gus",
    "Hana",
    "Ivo",
    "Jas",
    "Kit",
    "Lena",
    "Milo",
    "Nell",
    "Omar",
    "Pia",
    "Quin",
    "Rhea",
    "Sol",
    "Tess",
    "Uma",
    "Vik",
    "Wes",
    "Xena",
    "Yara",
    "Zac",
    "Amir",
    "Bryn",
    "Cora",
    "Dev",
    "Esme",
    "Finn",
    "Greta",
    "Hugo",
    "Iris",
    "Jude",
    "Kai",
    "Lola",
    "Max",
    "Nia",
]
LAST_NAMES = [
    "Abbott",
    "Birch",
    "Colley",
    "Dunmore",
    "Ellery",
    "Frith",
    "Garside",
    "Hale",
    "Inskip",
    "Jarrow",
    "Kettle",
    "Lusk",
    "Marsh",
    "Nairn",
    "Orme",
    "Pryce",
    "Quayle",
    "Rook",
    "Sallow",
    "Tarrant",
    "Underhill",
    "Vane",
    "Wardle",
    "Yeo",
    "Zealand",
    "Askew",
    "Brayford",
    "Coombe",
    "Dacre",
    "Eskdale",
]
COUNCIL_STAFF_ROLES = [
    Role.COMMISSIONER,
    Role.BROKER,
    Role.BROKER,
    Role.BROKER,
    Role.PRACTITIONER,
    Role.PRACTITIONER,
    Role.PRACTITIONER,
    Role.PRACTITIONER,
    Role.TEAM_LEADER,
    Role.FINANCE_OFFICER,
    Role.QUALITY_OFFICER,
    Role.ORGANISATION_ADMIN,
    Role.QUALITY_OFFICER,  # a second, to sign off the first's reports
]


def _slug_code(name: str) -> str:
    return "".join(ch if ch.isalnum() else "-" for ch in name.lower()).strip("-").replace("--", "-")


class DemoBuilder:
    def __init__(self, *, stdout=None) -> None:
        self.rng = random.Random(2026)
        self.stdout = stdout
        self.created = {"organisations": 0, "users": 0, "reference": 0}

    def log(self, message: str) -> None:
        if self.stdout is not None:
            self.stdout.write(message)

    # organisations and people
    def organisation(self, name: str, kind: OrganisationKind, **extra) -> Organisation:
        found = Organisation.objects.filter(name=name).first()
        if found:
            return found
        self.created["organisations"] += 1
        made = accounts.organisation_create(kind=kind, name=name, **extra)
        if kind == OrganisationKind.COUNCIL:
            accounts.organisation_logo_set(organisation=made, actor=None, content=council_logo(name))
        return made

    def user(self, organisation: Organisation, email: str, name: str, roles, password: str | None = None) -> User:
        found = User.objects.filter(email=email).first()
        if found:
            return found
        self.created["users"] += 1
        return accounts.user_create(
            organisation=organisation, email=email, full_name=name, roles=[r.value for r in roles], password=password
        )

    # reference data
    def service_type(self, council, code, name, *, regulated=False, description="") -> ServiceType:
        found = ServiceType.objects.for_organisation(council).filter(code=code).first()
        if found:
            return found
        self.created["reference"] += 1
        return reference.service_type_create(
            council=council, actor=None, code=code, name=name, regulated_activity=regulated, description=description
        )

    def need_level(self, council, service_type, code, name, rank, description="") -> None:
        if NeedLevel.objects.for_organisation(council).filter(service_type=service_type, code=code).exists():
            return
        self.created["reference"] += 1
        reference.need_level_create(
            council=council,
            actor=None,
            service_type=service_type,
            code=code,
            name=name,
            rank=rank,
            description=description,
        )

    def area(self, council, name, level, *, in_county=True, ons_code="", latitude=None, longitude=None) -> None:
        code = _slug_code(name)
        if Area.objects.for_organisation(council).filter(code=code).exists():
            return
        self.created["reference"] += 1
        reference.area_create(
            council=council,
            actor=None,
            code=code,
            name=name,
            level=level,
            in_county=in_county,
            ons_code=ons_code,
            latitude=latitude,
            longitude=longitude,
        )

    def reasons(self, council) -> None:
        for kind, items in [
            ("decline", DECLINE_REASONS),
            ("spot-purchase", SPOT_REASONS),
            ("suspension", SUSPENSION_REASONS),
            ("ending", ENDING_REASONS),
        ]:
            for code, name in items:
                if ReasonCode.objects.for_organisation(council).filter(kind=kind, code=code).exists():
                    continue
                self.created["reference"] += 1
                reference.reason_code_create(council=council, actor=None, kind=kind, code=code, name=name)

    def staff(self, organisation: Organisation, domain: str, roles: list[Role]) -> None:
        for index, role in enumerate(roles, start=1):
            first, last = self.rng.choice(FIRST_NAMES), self.rng.choice(LAST_NAMES)
            self.user(organisation, f"{role.value.replace('_', '.')}{index}@{domain}", f"{first} {last}", [role])

    # the councils
    def westmarch(self) -> Organisation:
        council = self.organisation(
            "Westmarch County Council", OrganisationKind.COUNCIL, contact_email="brokerage@westmarch.example"
        )
        home_care = self.service_type(
            council,
            "home-care",
            "Home care",
            regulated=True,
            description="Care and support at home, including personal care.",
        )
        self.service_type(
            council, "live-in-care", "Live-in care", regulated=True, description="A carer living in the person's home."
        )
        self.need_level(council, home_care, "standard", "Standard", 1)
        self.need_level(
            council,
            home_care,
            "complex",
            "Complex",
            2,
            description="Double-handed calls, dementia or end-of-life care.",
        )
        for name, level in WESTMARCH_AREAS:
            self.area(council, name, level)
        self.area(council, "Out of county", 3, in_county=False)
        self.reasons(council)
        return council

    def stourshire(self) -> Organisation:
        council = self.organisation(
            "Stourshire County Council", OrganisationKind.COUNCIL, contact_email="commissioning@stourshire.example"
        )
        day = self.service_type(
            council, "day-services", "Day services", description="A purposeful day with a range of activities."
        )
        self.need_level(council, day, "expected", "Expected", 1)
        self.need_level(council, day, "enhanced", "Enhanced", 2, description="Higher staffing ratios.")
        living = self.service_type(council, "supported-living", "Supported living", regulated=True)
        self.need_level(council, living, "less-complex", "Less complex", 1)
        self.need_level(council, living, "complex", "Complex", 2)
        self.need_level(council, living, "highly-complex", "Highly complex", 3)
        children = self.service_type(
            council,
            "childrens-community-support",
            "Children's community support",
            regulated=True,
            description="Personal care and support for children 0 to 18.",
        )
        self.need_level(council, children, "standard", "Standard", 1)
        self.service_type(
            council,
            "independence-life-skills",
            "1:1 independence and life skills",
            description="One-to-one support for young people up to 25.",
        )
        self.service_type(council, "transport", "Transport", description="Travel to and from day services.")
        for name in STOURSHIRE_AREAS:
            self.area(council, name, 1 if name in {"Stour Valley", "Cannock Edge", "Staffold"} else 2)
        self.area(council, "Out of county", 3, in_county=False)
        self.reasons(council)
        return council

    def mereford(self) -> Organisation:
        council = self.organisation(
            "Mereford Borough Council", OrganisationKind.COUNCIL, contact_email="day.opportunities@mereford.example"
        )
        for code, name, description in [
            ("building-based", "Building-based day opportunities", "Lot 1: support in a day centre."),
            ("community-support", "Community support", "Lot 2: support to take part in community life."),
            ("employment-skills", "Employment, skills and training", "Lot 3: towards work and learning."),
        ]:
            service_type = self.service_type(council, code, name, description=description)
            self.need_level(council, service_type, "expected", "Expected", 1)
            self.need_level(council, service_type, "enhanced", "Enhanced", 2)
        with (HERE / "mereford_wards.csv").open() as wards:
            for row in csv.DictReader(wards):
                level = 1 if int(row["postcodes"]) > 600 else 2
                self.area(
                    council,
                    row["name"],
                    level,
                    ons_code=row["ons_code"],
                    latitude=Decimal(row["latitude"]),
                    longitude=Decimal(row["longitude"]),
                )
        self.reasons(council)
        return council

    def providers(self) -> None:
        names = []
        for first in PROVIDER_FIRST:
            suffix, _ = PROVIDER_KIND[len(names) % len(PROVIDER_KIND)]
            names.append(f"{first} {suffix}")
            suffix2, _ = PROVIDER_KIND[(len(names) + 2) % len(PROVIDER_KIND)]
            names.append(f"{first} {suffix2}")
        for name in names[:80]:
            organisation = self.organisation(name, OrganisationKind.PROVIDER)
            domain = _slug_code(name.replace(" Ltd", "").replace(" CIC", "")) + ".example"
            roles = [Role.PROVIDER_ADMIN] + [Role.PROVIDER_STAFF] * self.rng.randint(1, 3)
            self.staff(organisation, domain, roles)

    def sign_ins(self) -> None:
        brightwater = self.organisation("Brightwater Home Care Ltd", OrganisationKind.PROVIDER)
        for s in SIGN_INS:
            organisation = (
                brightwater if s.organisation == brightwater.name else Organisation.objects.get(name=s.organisation)
            )
            self.user(organisation, s.email, s.name, [s.role], password=DEMO_PASSWORD)

    @staticmethod
    def forget_past_emails() -> int:
        """The history's notifications belong to the past: they are read, and nobody is emailed about them. What
        still waits today (children's requests to approve, a run to approve, the latest escalations) is unread and
        emailed when the worker starts. The history's other emails (to practitioners) are enqueued when the demo's
        transaction commits, so this runs after `build` and drops them."""
        from django_tasks_db.models import DBTaskResult

        from caremarket.brokerage.models import CareRequest
        from caremarket.finance.models import PaymentRun
        from caremarket.notifications.models import Notification
        from caremarket.notifications.tasks import send_notification_emails

        waiting = {
            f"request:{pk}:approval"
            for pk in CareRequest.objects.in_group("awaiting_approval").values_list("pk", flat=True)
        }
        runs = {f"payment_run:{pk}:" for pk in PaymentRun.objects.in_group("to_approve").values_list("pk", flat=True)}
        latest_escalations = set()
        for organisation_id in (
            Notification.objects.filter(kind="care_request.escalated")
            .values_list("organisation_id", flat=True)
            .distinct()
        ):
            latest = Notification.objects.filter(kind="care_request.escalated", organisation_id=organisation_id)
            latest_escalations.add(latest.order_by("-created_at").values_list("event_key", flat=True).first())
        keep = [
            n.pk
            for n in Notification.objects.only("pk", "event_key")
            if n.event_key in waiting or n.event_key in latest_escalations or n.event_key.startswith(tuple(runs))
        ]
        Notification.objects.filter(pk__in=keep).update(read_at=None, emailed_at=None)
        deleted, _ = DBTaskResult.objects.filter(
            status="READY",
            task_path__in=[
                "caremarket.core.tasks.send_email",
                "caremarket.notifications.tasks.send_notification_emails",
            ],
        ).delete()
        if keep:
            send_notification_emails.enqueue(notification_ids=keep)
        return deleted

    @transaction.atomic
    def build(self) -> dict[str, int]:
        from caremarket.notifications.services import history as as_history

        # the demo's past asks nobody to act: its notifications are recorded read and nobody is emailed; what
        # still waits today is made unread afterwards (forget_past_emails)
        with as_history():
            councils = [self.westmarch(), self.stourshire(), self.mereford()]
            for council in councils:
                self.staff(council, f"{COUNCILS[council.name]}.example", COUNCIL_STAFF_ROLES)
            self.providers()
            self.sign_ins()
            from .arrangements import build as build_arrangements

            self.created["arrangements"] = build_arrangements(random.Random(2026))
            from . import brokerage, history, payments

            brokerage.postcode_districts()
            brokerage.cqc_directory()
            self.created["people"] = brokerage.people_and_requests(random.Random(2027))
            self.created["history"] = history.build(random.Random(2028))
            self.created["history"].update(payments.build(random.Random(2029)))
            from . import quality

            self.created["history"].update(quality.build(random.Random(2030)))
            from . import insight

            self.created["history"].update(insight.build(random.Random(2031)))
            from . import directory

            self.created["history"].update(directory.build(random.Random(2032)))
            self.created["today"] = self.todays_work()
        self.passwords()
        return self.created

    @staticmethod
    def todays_work() -> int:
        """Monday morning: Westmarch's broker has taken the three open requests starting soonest, and a provider's
        upload of last week's visits has come back with a clash and a mistyped time, for finance to see."""
        from datetime import datetime, timedelta

        from caremarket.brokerage import services as brokerage_services
        from caremarket.brokerage.models import CareRequest, Placement
        from caremarket.finance import delivery
        from caremarket.finance.models import DeliveryUpload

        if DeliveryUpload.objects.filter(file_name="last-week-visits.csv").exists():
            return 0  # built already: a second build changes nothing
        broker = User.objects.get(email="broker@westmarch.example")
        soonest = CareRequest.objects.filter(council=broker.organisation).in_group("open").order_by("start_on")
        for request in soonest[:3]:
            brokerage_services.care_request_take(request=request, actor=broker)
        placement = (
            Placement.objects.filter(council=broker.organisation, route="cascade", deliveries__isnull=False)
            .in_group("live")
            .order_by("pk")
            .first()
        )
        if placement is not None:
            visit = placement.deliveries.order_by("-day", "start").first()
            office = User.objects.filter(organisation=placement.provider).order_by("pk").first()
            later = (datetime.combine(visit.day, visit.start) + timedelta(minutes=10)).time()
            day = f"{placement.pk},{visit.day:%d/%m/%Y}"
            rows = (
                "placement,date,start,end,carers\n"
                f"{day},{later:%H:%M},{visit.end:%H:%M},1\n"  # overlaps the visit already recorded
                f"{day},9.3O,10:00,1\n"  # a letter O for a nought
            )
            delivery.deliveries_upload(
                provider=placement.provider, actor=office, file_name="last-week-visits.csv", content=rows.encode()
            )
        return min(3, soonest.count())

    @staticmethod
    def passwords() -> int:
        """Every demo person signs in with the demo password (and so can reset it). Hashed once for all: hashing
        it for each of some 300 people would add seconds to every build."""
        from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX, make_password

        return User.objects.filter(password__startswith=UNUSABLE_PASSWORD_PREFIX).update(
            password=make_password(DEMO_PASSWORD)
        )


def demo_people(name_contains: str = "") -> list[tuple[Organisation, list[tuple[str, str]]]]:
    """Every person of every organisation (councils first), with their roles, for the printed list."""
    from caremarket.domain.roles import Role as Roles

    labels = {r.value: r.label for r in Roles}
    found = []
    organisations = Organisation.objects.filter(name__icontains=name_contains).order_by("kind", "name")
    for organisation in organisations:
        people = []
        for user in User.objects.filter(organisation=organisation, is_active=True).prefetch_related("role_grants"):
            roles = ", ".join(sorted(labels.get(g.role, g.role) for g in user.role_grants.all()))
            people.append((user.email, roles))
        if people:
            found.append((organisation, sorted(people)))
    return found
