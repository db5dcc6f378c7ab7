"""The application journey through the pages: provider applies, council scores, moderates, decides, provider reads."""

import re
from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from caremarket.accounts import services as accounts
from caremarket.arrangements import applications, services
from caremarket.arrangements.models import Admission, Application
from caremarket.domain.roles import OrganisationKind, Role
from caremarket.reference import services as reference

from .conftest import fps_data


def test_apply_score_decide_and_read_feedback(client, council, council_admin, make_user, reference_data):
    arrangement = services.arrangement_create(council=council, actor=council_admin, **fps_data(price_basis="day"))
    services.lot_create(
        arrangement=arrangement,
        actor=council_admin,
        title="Building based",
        service_types=["building-based"],
        areas=["north"],
    )
    insurance = applications.question_create(
        arrangement=arrangement, actor=council_admin, kind="pass-fail", text="Insurance of £5m?", asks_expiry=True
    )
    quality = applications.question_create(
        arrangement=arrangement,
        actor=council_admin,
        kind="scored",
        text="A purposeful day?",
        weight=Decimal(100),
        max_score=5,
    )
    services.arrangement_transition(
        arrangement=arrangement, actor=council_admin, to_status="open", closes_at=timezone.now() + timedelta(days=10)
    )
    provider = accounts.organisation_create(kind=OrganisationKind.PROVIDER, name="Hollybrook Day Opportunities CIC")
    provider_admin = make_user(provider, Role.PROVIDER_ADMIN)
    client.force_login(provider_admin, backend="caremarket.accounts.backends.OrganisationUserBackend")

    assert arrangement.reference in client.get("/applications/opportunities/").content.decode()
    lot = arrangement.lots.get()
    form = {
        "lots": [str(lot.pk)],
        "areas": ["north"],
        f"q{insurance.pk}": "yes",
        f"q{insurance.pk}_expires_on": "2027-03-31",
        f"q{quality.pk}": "Art, gardening and trips.",
        "price_all": "-1",
        "action": "save",
    }
    # a first save that fails its checks leaves nothing behind
    assert client.get(f"/applications/start/{arrangement.pk}/").status_code == 200
    page = client.post(f"/applications/start/{arrangement.pk}/", form).content.decode()
    assert "A price must be more than £0" in page and not Application.objects.exists()
    form["price_all"] = ""
    response = client.post(f"/applications/start/{arrangement.pk}/", form)
    application = Application.objects.get()
    assert response["Location"] == f"/applications/{application.pk}/edit/"
    form.update(price_all="0", action="submit")
    page = client.post(f"/applications/{application.pk}/edit/", form).content.decode()
    assert "A price must be more than £0" in page and re.search(r'href="#[a-z-]+-price_all"', page)
    form["price_all"] = "62.50"
    assert client.post(f"/applications/{application.pk}/edit/", form).status_code == 302
    application.refresh_from_db()
    assert application.status == "submitted"
    assert client.get(f"/applications/{application.pk}/edit/").status_code == 302  # locked: goes to the view

    commissioner = make_user(council, Role.COMMISSIONER)
    client.force_login(commissioner, backend="caremarket.accounts.backends.OrganisationUserBackend")
    base = f"/arrangements/{arrangement.pk}/applications/{application.pk}/"
    page = client.post(base, {"action": "score", "question": str(quality.pk), "score": "9"}).content.decode()
    assert "The score must be from 0 to 5, not 9" in page
    assert client.post(base, {"action": "moderate", "question": str(quality.pk), "score": "4"}).status_code == 302
    assert (
        client.post(
            base, {"action": "decide", "outcome": "admit", "reasons": "Strong, local, priced fairly"}
        ).status_code
        == 302
    )
    assert Admission.objects.filter(provider=provider, status="active").count() == 1
    listing = client.get(f"/arrangements/{arrangement.pk}/applications/").content.decode()
    assert "Hollybrook" in listing and "Admitted" in listing
    reference.reason_code_create(
        council=council, actor=None, kind="suspension", code="quality-concern", name="Quality concern"
    )
    admission = Admission.objects.get()
    assert "Hollybrook" in client.get(f"/arrangements/{arrangement.pk}/admissions/").content.decode()
    suspend_url = f"/arrangements/{arrangement.pk}/admissions/{admission.pk}/suspend/"
    check = client.post(suspend_url, {"reason_code": "quality-concern", "reason": "Missed visits reported"})
    assert "Suspend 1 admission(s) of Hollybrook" in check.content.decode()
    admission.refresh_from_db()
    assert admission.status == "active"  # nothing changes on the check page
    response = client.post(
        suspend_url, {"reason_code": "quality-concern", "reason": "Missed visits reported", "confirm": "yes"}
    )
    assert response.status_code == 302
    admission.refresh_from_db()
    assert admission.status == "suspended"
    assert admission.status_changes.last().reason_code == "quality-concern"

    client.force_login(provider_admin, backend="caremarket.accounts.backends.OrganisationUserBackend")
    letter = client.get(f"/applications/{application.pk}/feedback/").content.decode()
    assert "you have been admitted" in letter and "4 of 5" in letter and "the threshold was 50.00" in letter
    assert "Your rank: 1 of 1" in letter


def test_other_providers_and_councils_cannot_read_an_application(
    client, council, council_admin, make_user, reference_data, other_council
):
    arrangement = services.arrangement_create(council=council, actor=council_admin, **fps_data())
    services.lot_create(
        arrangement=arrangement, actor=council_admin, title="Lot", service_types=["community"], areas=["north"]
    )
    services.arrangement_transition(
        arrangement=arrangement, actor=council_admin, to_status="open", closes_at=timezone.now() + timedelta(days=10)
    )
    mine = accounts.organisation_create(kind=OrganisationKind.PROVIDER, name="Mine Ltd")
    theirs = accounts.organisation_create(kind=OrganisationKind.PROVIDER, name="Theirs Ltd")
    application = applications.application_start(arrangement=arrangement, provider=mine, actor=None)
    client.force_login(
        make_user(theirs, Role.PROVIDER_ADMIN), backend="caremarket.accounts.backends.OrganisationUserBackend"
    )
    for path in ("", "edit/", "feedback/"):
        assert client.get(f"/applications/{application.pk}/{path}").status_code == 404
    client.force_login(
        make_user(other_council, Role.COMMISSIONER), backend="caremarket.accounts.backends.OrganisationUserBackend"
    )
    assert client.get(f"/arrangements/{arrangement.pk}/applications/{application.pk}/").status_code == 404


def test_documents_reinstatement_and_removal(client, council, council_admin, make_user, reference_data):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from caremarket.arrangements.models import Decision

    arrangement = services.arrangement_create(council=council, actor=council_admin, **fps_data())
    lot = services.lot_create(
        arrangement=arrangement, actor=council_admin, title="Lot", service_types=["community"], areas=["north"]
    )
    commissioner = make_user(council, Role.COMMISSIONER)
    client.force_login(commissioner, backend="caremarket.accounts.backends.OrganisationUserBackend")
    response = client.post(
        f"/arrangements/{arrangement.pk}/documents/new/",
        {"title": "Specification", "file": SimpleUploadedFile("spec.pdf", b"%PDF-1.4 spec")},
    )
    assert response.status_code == 302
    document = arrangement.documents.get()
    download = client.get(f"/arrangements/{arrangement.pk}/documents/{document.pk}/")
    assert b"".join(download.streaming_content) == b"%PDF-1.4 spec"

    provider = accounts.organisation_create(kind=OrganisationKind.PROVIDER, name="Fernhill Community Support")
    application = Application.objects.create(arrangement=arrangement, provider=provider, status="admitted")
    Decision.objects.create(
        application=application,
        outcome="admit",
        reasons="ok",
        passed_pass_fail=True,
        quality_score=Decimal(70),
        quality_threshold=Decimal(50),
        decided_by=commissioner,
    )
    admission = Admission.objects.create(
        arrangement=arrangement, lot=lot, provider=provider, application=application, status="suspended"
    )
    base = f"/arrangements/{arrangement.pk}/admissions/{admission.pk}"
    assert "Give the reason" in client.post(f"{base}/reinstate/", {"reason": ""}).content.decode()
    assert client.post(f"{base}/reinstate/", {"reason": "Action plan met"}).status_code == 302
    admission.refresh_from_db()
    assert admission.status == "active"
    check = client.post(f"{base}/remove/", {"reason": "Excluded: serious safeguarding failure"})
    assert "This cannot be undone" in check.content.decode()
    removal = {"reason": "Excluded: serious safeguarding failure", "confirm": "yes"}
    assert client.post(f"{base}/remove/", removal).status_code == 302
    admission.refresh_from_db()
    assert admission.status == "removed"
    assert client.get(f"{base}/delete/").status_code == 404


def test_confidential_application_documents_only_for_those_who_may_open_the_application(
    client, council, council_admin, make_user, reference_data
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    arrangement = services.arrangement_create(council=council, actor=council_admin, **fps_data())
    services.lot_create(
        arrangement=arrangement, actor=council_admin, title="Lot", service_types=["community"], areas=["north"]
    )
    services.arrangement_transition(
        arrangement=arrangement, actor=council_admin, to_status="open", closes_at=timezone.now() + timedelta(days=10)
    )
    provider = accounts.organisation_create(kind=OrganisationKind.PROVIDER, name="Mine Ltd")
    application = applications.application_start(arrangement=arrangement, provider=provider, actor=None)
    document = applications.document_add(
        application=application,
        actor=None,
        title="Accounts",
        file=SimpleUploadedFile("accounts.txt", b"confidential figures"),
        confidential=True,
    )
    type(application).objects.filter(pk=application.pk).update(status="submitted", submitted_at=timezone.now())
    path = f"/arrangements/{arrangement.pk}/applications/{application.pk}/documents/{document.pk}/"
    for role in (Role.BROKER, Role.FINANCE_OFFICER, Role.PRACTITIONER, Role.ORGANISATION_ADMIN):
        client.force_login(make_user(council, role), backend="caremarket.accounts.backends.OrganisationUserBackend")
        assert client.get(path).status_code == 403, role
    client.force_login(
        make_user(council, Role.QUALITY_OFFICER), backend="caremarket.accounts.backends.OrganisationUserBackend"
    )
    assert client.get(path).status_code == 200
