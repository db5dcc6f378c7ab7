from django.core.management import call_command

from caremarket.accounts.models import Organisation, User
from caremarket.core.demo.builder import DEMO_PASSWORD, SIGN_INS
from caremarket.core.models import AuditEvent
from caremarket.domain.roles import Role
from caremarket.reference.models import Area, NeedLevel, ServiceType


def counts():
    return (
        Organisation.objects.count(),
        User.objects.count(),
        Area.objects.count(),
        ServiceType.objects.count(),
        NeedLevel.objects.count(),
        AuditEvent.objects.count(),
    )


def test_demo_data_mirrors_the_seeds_and_is_idempotent(db):
    call_command("demo_data", verbosity=0)
    first = counts()
    westmarch = Organisation.objects.get(name="Westmarch County Council")
    levels = Area.objects.for_organisation(westmarch).filter(in_county=True).values_list("level", flat=True)
    assert len(levels) == 35 and set(levels) == {1, 2, 3}
    stourshire = Organisation.objects.get(name="Stourshire County Council")
    day = ServiceType.objects.for_organisation(stourshire).get(code="day-services")
    assert list(day.need_levels.values_list("name", flat=True)) == ["Expected", "Enhanced"]
    living = ServiceType.objects.for_organisation(stourshire).get(code="supported-living")
    assert list(living.need_levels.values_list("name", flat=True)) == ["Less complex", "Complex", "Highly complex"]
    mereford = Organisation.objects.get(name="Mereford Borough Council")
    assert ServiceType.objects.for_organisation(mereford).count() == 3
    assert Area.objects.for_organisation(mereford).exclude(ons_code="").count() == 21
    assert 75 <= Organisation.objects.filter(kind="provider").count() <= 85
    assert User.objects.count() >= 250
    for sign_in in SIGN_INS:
        user = User.objects.get(email=sign_in.email)
        assert user.check_password(DEMO_PASSWORD) and sign_in.role in user.roles
    assert {s.role for s in SIGN_INS} == set(Role)

    # the arrangements of the seeds, with admitted, rejected and suspended providers
    from caremarket.arrangements.models import Admission, Application, Arrangement, AwardRun

    assert set(Arrangement.objects.values_list("mechanism", flat=True)) == {
        "tiered_framework",
        "flexible_framework",
        "block_contract",
        "ranked_framework",
    }
    assert set(Application.objects.values_list("status", flat=True)) == {"admitted", "rejected"}
    assert {"active", "suspended"} <= set(Admission.objects.values_list("status", flat=True))
    framework = Arrangement.objects.get(reference="HC-2025")
    run = AwardRun.objects.get(arrangement=framework, kind="positions")
    assert len(run.result["placements"]) == 36 and run.result["unfilled"] == []  # 12 x 2 + 12 x 1
    assert AwardRun.objects.filter(kind="ranking").count() == 1

    # several hundred people with care requests; children's requests wait for approval; the CQC directory
    from caremarket.brokerage.models import CareRequest, Person
    from caremarket.cqc.models import CqcLocation

    assert Person.objects.count() >= 300
    assert {"sourcing", "awaiting-approval"} <= set(CareRequest.objects.values_list("status", flat=True))
    assert CqcLocation.objects.count() > 50

    call_command("demo_data", verbosity=0)
    assert counts() == first
