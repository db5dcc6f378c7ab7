"""A council changes its framework from a date: it downloads the version in force, changes a weight and uploads it
as the next version; visits planned from that date use it, earlier ones keep theirs; a bad sheet saves nothing."""

import csv
import html
import io
from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from caremarket.accounts import services as accounts
from caremarket.domain.roles import Role
from caremarket.quality import services
from caremarket.quality.models import QualityFramework
from tests.factories import home_care, monitoring_visit


def _post(client, content: str, day, name="framework.csv"):
    return client.post(
        "/quality/framework/versions/",
        {
            "file": SimpleUploadedFile(name, content.encode()),
            "effective_from-day": day.day,
            "effective_from-month": day.month,
            "effective_from-year": day.year,
            "note": "Safeguarding weighs more",
        },
    )


def test_a_new_version_from_the_downloaded_sheet_takes_effect_from_its_date(council, provider, make_user, client):
    first = monitoring_visit(council, provider, "planned")  # installs version 1
    officer = make_user(council, Role.QUALITY_OFFICER)
    client.force_login(officer)
    sheet = client.get("/quality/framework/v1.csv").content.decode()
    rows = list(csv.DictReader(io.StringIO(sheet)))
    assert rows[0]["question"] == "1.1.1" and rows[0]["weight"] == "2"
    rows[0]["weight"] = "3"
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    today = timezone.localdate()

    refused = _post(client, out.getvalue(), today - timedelta(days=1))
    assert refused.status_code == 400 and "takes effect today or later" in refused.content.decode()
    rows[0]["weight"] = "0"
    bad = io.StringIO()
    writer = csv.DictWriter(bad, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    rows[0]["weight"] = "3"
    refused = _post(client, bad.getvalue(), today + timedelta(days=7))
    assert "Row 2: weight '0' is not a number above 0" in html.unescape(refused.content.decode())
    assert QualityFramework.objects.count() == 1  # nothing half-saved

    done = _post(client, out.getvalue(), today + timedelta(days=7))
    assert done.status_code == 302
    version = QualityFramework.objects.get(version=2)
    assert version.effective_from == today + timedelta(days=7)
    assert version.questions.get(key="1.1.1").weight == 3
    # a visit planned before the date keeps version 1; one planned from it uses version 2
    service, _ = home_care(council)
    services.visit_cancel(visit=first, council=council, actor=first.lead, reason="Replanned")
    later = services.visit_plan(
        council=council, actor=officer, provider=provider, service_type=service, planned_for=today + timedelta(days=8)
    )
    assert first.framework.version == 1 and later.framework.version == 2


def test_by_api_a_council_reads_its_framework_and_publishes_a_version(council, provider, client):
    monitoring_visit(council, provider, "planned")
    person = accounts.user_create(
        organisation=council, email="q@x.example", full_name="Q", roles=[Role.QUALITY_OFFICER.value]
    )
    secret = accounts.api_token_create(
        organisation=council, name="t", roles=[Role.QUALITY_OFFICER.value], actor=person
    ).secret
    auth = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
    current = client.get("/api/v1/quality-framework", **auth).json()
    assert current["version"] == 1 and current["questions"][0]["question"] == "1.1.1"
    questions = current["questions"]
    questions[1]["text"] = "Recruitment checks, including DBS, are complete before anyone starts"
    day = (timezone.localdate() + timedelta(days=30)).isoformat()
    made = client.post(
        "/api/v1/quality-framework/versions",
        {"effective_from": day, "questions": questions},
        content_type="application/json",
        **auth,
    )
    assert made.status_code == 201 and made.json()["version"] == 2
    questions[2]["domain_weight"] = "5"
    refused = client.post(
        "/api/v1/quality-framework/versions",
        {"effective_from": day, "questions": questions},
        content_type="application/json",
        **auth,
    )
    assert (
        refused.status_code == 400 and "Row 4: domain 1 has another title or weight above" in refused.content.decode()
    )


def test_a_page_with_several_forms_titles_itself_error_when_one_fails(council, provider, client):
    from tests.factories import UserFactory

    visit = monitoring_visit(council, provider, "shared")
    client.force_login(UserFactory(organisation=provider, roles=["provider_admin"]))
    page = client.post(f"/quality/reports/{visit.pk}/act/", {"action": "comment", "comment": ""}).content.decode()
    assert "<title>Error: Monitoring report" in page
    assert "<title>Monitoring report" in client.get(f"/quality/reports/{visit.pk}/").content.decode()
