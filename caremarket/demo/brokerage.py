"""Demo people and care requests, postcode districts for each council, and the CQC directory entries of the
demo providers (fictional locations), so eligibility can be explained on every request page."""

from __future__ import annotations

import csv
import random
import string
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

from django.utils import timezone

from caremarket.accounts.models import Organisation, User
from caremarket.arrangements.models import Application
from caremarket.brokerage import services
from caremarket.brokerage.models import Person
from caremarket.cqc.models import CqcLocation
from caremarket.cqc.services import directory_import
from caremarket.domain.roles import Role
from caremarket.reference.models import Area, AreaPostcode, NeedLevel, ServiceType

HERE = Path(__file__).resolve().parent
FIRST = [
    "Alan",
    "Beryl",
    "Colin",
    "Doreen",
    "Edna",
    "Frank",
    "Gwen",
    "Harold",
    "Irene",
    "Jack",
    "Kath",
    "Len",
    "Maud",
    "Norman",
    "Olive",
    "Percy",
    "Rita",
    "Stan",
    "Thelma",
    "Vera",
    "Wilf",
    "Yvonne",
    "Amir",
    "Bina",
    "Chidi",
    "Dewi",
    "Elif",
    "Farah",
    "Grace",
    "Hamza",
    "Isla",
    "Jamal",
    "Kofi",
    "Leila",
    "Mateo",
    "Noor",
]
LAST = [
    "Ashby",
    "Bellamy",
    "Carver",
    "Dobbs",
    "Eccles",
    "Fairclough",
    "Gittins",
    "Hollis",
    "Ingham",
    "Jolley",
    "Kershaw",
    "Lomax",
    "Mellor",
    "Nuttall",
    "Oddie",
    "Pickles",
    "Quarmby",
    "Riley",
    "Sutcliffe",
    "Thwaite",
    "Uttley",
    "Varley",
    "Whittle",
    "Yates",
    "Ahmed",
    "Begum",
    "Chowdhury",
    "Desai",
    "Okoye",
    "Kowalski",
]
STREETS = ["Mill Lane", "Church Street", "Station Road", "The Green", "Orchard Close", "Park Avenue", "High Street"]


def postcode_districts() -> None:
    """Westmarch and Stourshire get fictional districts (WM1, SV1, ...); Mereford its real ones (ward by majority)."""
    for name, prefix in (("Westmarch County Council", "WM"), ("Stourshire County Council", "SV")):
        council = Organisation.objects.get(name=name)
        areas = list(Area.objects.for_organisation(council).filter(in_county=True).order_by("pk"))
        for index, area in enumerate(areas, start=1):
            AreaPostcode.objects.get_or_create(
                council=council, outward_code=f"{prefix}{index}", defaults={"area": area}
            )
    council = Organisation.objects.get(name="Mereford Borough Council")
    wards = {a.name: a for a in Area.objects.for_organisation(council)}
    with (HERE / "mereford_postcode_districts.csv").open() as rows:
        for row in csv.DictReader(rows):
            AreaPostcode.objects.get_or_create(
                council=council, outward_code=row["outward_code"], defaults={"area": wards[row["ward"]]}
            )


def cqc_directory() -> None:
    """The demo providers' locations in the CQC's 2024 form, all but two, imported through the real importer."""
    if CqcLocation.objects.exists():
        return
    header = (
        "Name,Also known as,Address,Postcode,Phone number,Service's website (if available),Service types,"
        "Date of latest check,Specialisms/services,Provider name,Local authority,Region,Location URL,"
        "CQC Location ID (for office use only),CQC Provider ID (for office use only)"
    )
    lines = ["CQC Locations data", "", f"This data was produced on {timezone.localdate():%-d %B %Y}", "", header]
    seen = set()
    for application in Application.objects.exclude(cqc_location_id="").select_related("provider").order_by("pk"):
        location_id = application.cqc_location_id
        if location_id in seen or application.provider.name.startswith(("Kestrel", "Thistle")):
            continue  # two providers left out, so the registration flags have something to show
        seen.add(location_id)
        lines.append(
            f'"{application.provider.name}",,"1 Care Street",M1 1AA,0161 000 0000,,Homecare agencies,'
            f'{timezone.localdate() - timedelta(days=200):%Y-%m-%d},,"{application.provider.name}",'
            f"Demo,North West,,{location_id},1-{location_id[2:]}"
        )
    directory_import(text="\n".join(lines), file_name="demo-cqc-directory.csv", actor=None)


def _postcode(rng, council: Organisation) -> str:
    outward = rng.choice(list(AreaPostcode.objects.for_organisation(council).values_list("outward_code", flat=True)))
    return f"{outward} {rng.randint(1, 9)}{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}{rng.choice(string.ascii_uppercase[:20])}"


def people_and_requests(rng: random.Random, per_council: int = 120) -> int:
    made = 0
    today = timezone.localdate()
    for council in Organisation.objects.filter(kind="council").order_by("name"):
        if Person.objects.for_organisation(council).exists():
            continue
        practitioner = User.objects.filter(organisation=council, role_grants__role=Role.PRACTITIONER.value).first()
        team_leader = User.objects.filter(organisation=council, role_grants__role=Role.TEAM_LEADER.value).first()
        types = [t for t in ServiceType.objects.for_organisation(council) if t.code != "transport"]
        for n in range(per_council):
            service_type = rng.choice(types)
            child = service_type.code in {"childrens-community-support", "independence-life-skills"}
            age = rng.randint(4, 17) if child else rng.randint(19, 96)
            person = services.person_create(
                council=council,
                actor=practitioner,
                given_name=rng.choice(FIRST),
                family_name=rng.choice(LAST),
                date_of_birth=today - timedelta(days=age * 365 + rng.randint(0, 360)),
                address=f"{rng.randint(1, 140)} {rng.choice(STREETS)}",
                postcode=_postcode(rng, council),
                phone=f"07700 9{rng.randint(10000, 99999)}",
            )
            levels = list(NeedLevel.objects.for_organisation(council).filter(service_type=service_type))
            schedule = {}
            if "home" in service_type.code or child:
                schedule = {
                    "hours_per_week": Decimal(rng.choice([5, 7, 10, 14, 21])),
                    "visit_pattern": rng.choice(["2 calls a day", "4 calls a day", "morning and evening"]),
                }
            elif "living" in service_type.code:
                schedule = {"weekly_placement": True}
            else:
                schedule = {"days_per_week": rng.randint(1, 5)}
            request = services.care_request_create(
                council=council,
                actor=practitioner,
                person=person,
                service_type=service_type.code,
                need_level=rng.choice(levels).pk if levels else None,
                needs_transport=rng.random() < 0.35,
                start_on=today + timedelta(days=rng.randint(1, 45)),
                outcomes=rng.choice(
                    [
                        "Stay safely at home",
                        "Keep up friendships and hobbies",
                        "Learn to cook and travel independently",
                        "Support for carers to have a break",
                    ]
                ),
                **schedule,
            )
            if request.requires_approval and n % 3 and team_leader:
                services.care_request_approve(request=request, actor=team_leader, note="Plan agreed at panel")
            made += 1
    return made
