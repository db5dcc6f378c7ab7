from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from caremarket.core.models import AuditEvent
from caremarket.cqc.models import CqcImport, CqcLocation
from caremarket.domain.roles import Role


def sample(name: str) -> Path:
    path = settings.CAREMARKET_SHARED_DATA / "cqc" / name
    if not path.exists():
        pytest.fail(f"{path} is missing: the shared data folder must sit beside the repository")
    return path


def test_command_imports_trafford_locations_by_id(db):
    out = StringIO()
    call_command("import_cqc", str(sample("trafford_care_homes.csv")), stdout=out)
    assert "extract-with-ids: 56 rows read, 0 rejected, 56 repaired" in out.getvalue()
    location = CqcLocation.objects.get(location_id="1-466088203")
    assert location.council_code == "E08000009" and location.last_check_on.isoformat() == "2023-05-31"
    # a second import updates, never duplicates
    call_command("import_cqc", str(sample("trafford_care_homes.csv")), stdout=StringIO())
    assert CqcLocation.objects.count() == 56 and CqcImport.objects.count() == 2


def test_rejected_rows_are_reported(admin_client, council, make_user, login):
    from caremarket.cqc.services import directory_import

    bad = (
        "name,cqc_id,type,postcode,area_code,inspection_date\n"
        "Good,1-123456789,x,M1 1AA,E0800009,2024-01-01\nBad,nope,x,M1 1AA,E08000009,2024-01-01\n"
    )
    directory_import(text=bad, file_name="directory.csv", actor=None)  # the installation's own command
    page = login(make_user(council, Role.QUALITY_OFFICER)).get("/cqc/").content.decode()
    assert "Rows rejected" in page and "&#39;nope&#39; is not a CQC location id" in page
    assert CqcLocation.objects.filter(location_id="1-123456789").exists()
    assert AuditEvent.objects.filter(action="cqc_directory.imported").exists()


def test_not_a_directory_is_refused(db):
    from caremarket.core.errors import ServiceError
    from caremarket.cqc.services import directory_import

    with pytest.raises(ServiceError, match="No header row found"):
        directory_import(text="a,b\n1,2\n", file_name="x.csv", actor=None)
    assert not CqcImport.objects.exists()


def test_a_council_cannot_change_the_shared_directory(login, council, make_user):
    client = login(make_user(council, Role.QUALITY_OFFICER, Role.COMMISSIONER))
    row = "name,cqc_id,type,postcode,area_code,inspection_date\nTheirs,1-123456789,x,M1 1AA,E08000009,2024-01-01\n"
    assert 'type="file"' not in client.get("/cqc/").content.decode()
    response = client.post("/cqc/", {"file": SimpleUploadedFile("one-row.csv", row.encode())})
    assert response.status_code == 403 and not CqcImport.objects.exists() and not CqcLocation.objects.exists()


def test_brokers_cannot_import(login, council, make_user):
    assert login(make_user(council, Role.BROKER)).get("/cqc/").status_code == 403


def test_providers_without_registration_for_regulated_services_are_flagged(council, council_admin):
    from datetime import date
    from decimal import Decimal

    from caremarket.accounts import services as accounts
    from caremarket.arrangements import services as arrangements
    from caremarket.arrangements.models import Admission, Application
    from caremarket.cqc.selectors import registration_flags
    from caremarket.domain.roles import OrganisationKind
    from caremarket.reference import services as reference

    call_command("import_cqc", str(sample("trafford_care_homes.csv")), stdout=StringIO())
    reference.service_type_create(
        council=council, actor=None, code="home-care", name="Home care", regulated_activity=True
    )
    reference.area_create(council=council, actor=None, code="north", name="North", level=1)
    arrangement = arrangements.arrangement_create(
        council=council,
        actor=council_admin,
        reference="HC",
        title="Home care",
        mechanism="flexible_framework",
        regime="pcr_2015_light_touch",
        starts_on=date(2026, 1, 1),
        ends_on=date(2029, 1, 1),
        estimated_value=Decimal(1),
    )
    lot = arrangements.lot_create(
        arrangement=arrangement, actor=council_admin, title="Lot", service_types=["home-care"], areas=["north"]
    )
    for name, location_id in [("Registered Ltd", "1-466088203"), ("Unknown Ltd", "1-999999999"), ("Blank Ltd", "")]:
        provider = accounts.organisation_create(kind=OrganisationKind.PROVIDER, name=name)
        application = Application.objects.create(
            arrangement=arrangement, provider=provider, status="admitted", cqc_location_id=location_id
        )
        Admission.objects.create(arrangement=arrangement, lot=lot, provider=provider, application=application)
    flags = {f.provider: f.reason for f in registration_flags(council=council)}
    assert set(flags) == {"Unknown Ltd", "Blank Ltd"}
    assert "not in the imported CQC directory" in flags["Unknown Ltd"]
    assert "no CQC location id" in flags["Blank Ltd"]


def test_an_import_that_changes_a_councils_flags_is_in_that_councils_audit_log(council, other_council, make_user):
    from datetime import date

    from caremarket.accounts import services as accounts
    from caremarket.cqc.services import directory_import
    from caremarket.domain.roles import OrganisationKind
    from caremarket.reference import services as reference
    from tests.factories import admit, live_arrangement

    def admitted(organisation, provider_name, location_id):
        home = reference.service_type_create(
            council=organisation, actor=None, code="home-care", name="Home care", regulated_activity=True
        )
        north = reference.area_create(council=organisation, actor=None, code="north", name="North", level=1)
        arrangement, lot = live_arrangement(
            organisation,
            reference="HC",
            mechanism="flexible_framework",
            service_types=[home],
            areas=[north],
            starts_on=date(2026, 1, 1),
            ends_on=date(2029, 1, 1),
        )
        provider = accounts.organisation_create(kind=OrganisationKind.PROVIDER, name=provider_name)
        admit(arrangement, lot, provider, area=None, application_fields={"cqc_location_id": location_id}, price=None)

    admitted(council, "Mine Ltd", "1-111111111")
    admitted(other_council, "Theirs Ltd", "1-123456789")
    staff = None  # the installation's own command
    row = "name,cqc_id,type,postcode,area_code,inspection_date\nTheirs,1-123456789,x,M1 1AA,E08000009,2024-01-01\n"
    directory_import(text=row, file_name="one-row.csv", actor=staff)
    [changed] = AuditEvent.objects.filter(action="cqc_registration.changed")
    assert changed.organisation == other_council and changed.before == {"flagged": ["Theirs Ltd"]}
    assert not AuditEvent.objects.filter(organisation=council, action="cqc_registration.changed").exists()
