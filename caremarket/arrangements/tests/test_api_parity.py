"""Commissioners' and evaluators' work by machine, as in the browser: change an arrangement (its response time
while live), questions and documents, scores, moderation, decisions, suspension and removal; the organisation's
people and reference data."""

from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from caremarket.accounts import services as accounts
from caremarket.arrangements import services
from caremarket.arrangements.models import Admission, Application
from caremarket.domain.roles import OrganisationKind, Role
from caremarket.reference import services as reference

from .conftest import fps_data
from .test_applications_api import call, secret


def test_evaluation_and_admissions_by_machine(client, council, council_admin, make_user, reference_data):
    commissioner = make_user(council, Role.COMMISSIONER)
    token = secret(council, commissioner, Role.COMMISSIONER)
    arrangement = services.arrangement_create(council=council, actor=council_admin, **fps_data(price_basis="day"))
    lot = services.lot_create(
        arrangement=arrangement, actor=council_admin, title="Lot", service_types=["community"], areas=["north"]
    )
    question = call(
        client, "post", f"/arrangements/{arrangement.pk}/questions", token,
        {"kind": "scored", "text": "A purposeful day?", "weight": "100", "max_score": 5},
    )  # fmt: skip
    assert question.status_code == 201, question.content
    document = client.post(
        f"/api/v1/arrangements/{arrangement.pk}/documents",
        {"title": "Specification", "file": SimpleUploadedFile("spec.txt", b"The specification")},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert document.status_code == 201 and arrangement.documents.get().title == "Specification"
    services.arrangement_transition(
        arrangement=arrangement, actor=council_admin, to_status="open", closes_at=timezone.now() + timedelta(days=5)
    )
    provider = accounts.organisation_create(kind=OrganisationKind.PROVIDER, name="Kestrel Community Support")
    provider_token = secret(provider, make_user(provider, Role.PROVIDER_ADMIN), Role.PROVIDER_ADMIN)
    qid = question.json()["id"]
    body = {
        "lots": [lot.pk],
        "areas": ["north"],
        "prices": {"all": "61.00"},
        "answers": [{"question_id": qid, "response": "Art, gardening and trips"}],
    }
    application_id = call(client, "post", f"/opportunities/{arrangement.pk}/applications", provider_token, body).json()[
        "id"
    ]
    attached = client.post(
        f"/api/v1/applications/{application_id}/documents",
        {"title": "Insurance", "confidential": "true", "file": SimpleUploadedFile("ins.txt", b"Insured")},
        headers={"Authorization": f"Bearer {provider_token}"},
    )
    assert attached.status_code == 201 and attached.json()["confidential"] is True
    assert call(client, "post", f"/applications/{application_id}/submit", provider_token).status_code == 200
    services.windows_close_due(now=timezone.now() + timedelta(days=6))
    services.arrangement_transition(arrangement=arrangement, actor=council_admin, to_status="evaluating")

    base = f"/arrangements/{arrangement.pk}/applications/{application_id}"
    bad = call(client, "post", f"{base}/scores", token, {"question_id": qid, "score": 9})
    assert bad.status_code == 400 and "0 to 5" in bad.json()["errors"][0]["message"]
    assert call(client, "post", f"{base}/scores", token, {"question_id": qid, "score": 4}).status_code == 201
    assert call(client, "post", f"{base}/moderated-scores", token, {"question_id": qid, "score": 4}).status_code == 201
    decided = call(client, "post", f"{base}/decision", token, {"outcome": "admit", "reasons": "Strong and local"})
    assert decided.status_code == 201, decided.content
    assert Application.objects.get(pk=application_id).status == "admitted"
    admission = Admission.objects.get(provider=provider)

    reference.reason_code_create(council=council, actor=None, kind="suspension", code="insurance", name="Insurance")
    suspended = call(client, "post", f"/admissions/{admission.pk}/suspension", token, {"reason_code": "insurance"})
    assert suspended.status_code == 200 and suspended.json()[0]["status"] == "suspended"
    reinstated = call(client, "post", f"/admissions/{admission.pk}/reinstatement", token, {"reason": "Renewed"})
    assert reinstated.json()["status"] == "active"
    removed = call(client, "post", f"/admissions/{admission.pk}/removal", token, {"reason": "Excluded supplier"})
    assert removed.json()["status"] == "removed"

    services.arrangement_transition(arrangement=arrangement, actor=council_admin, to_status="live")
    frozen = call(client, "patch", f"/arrangements/{arrangement.pk}", token, {"estimated_value": "1"})
    assert frozen.status_code == 400
    changed = call(client, "patch", f"/arrangements/{arrangement.pk}", token, {"response_hours": "6"})
    assert changed.status_code == 200 and changed.json()["response_hours"] == "6.0"


def test_people_and_reference_data_by_machine(client, council, council_admin, make_user, reference_data):
    token = secret(council, council_admin, Role.ORGANISATION_ADMIN)
    invited = call(
        client, "post", "/organisation/invitations", token,
        {"email": "new.broker@westmarch.example", "full_name": "Sam Ode", "roles": ["broker"]},
    )  # fmt: skip
    assert invited.status_code == 201 and invited.json()["roles"] == ["broker"]
    assert invited.json()["status"] == "waiting"
    waiting = call(client, "get", "/organisation/invitations", token).json()
    assert [i["email"] for i in waiting] == ["new.broker@westmarch.example"]
    withdrawn = call(client, "post", f"/organisation/invitations/{invited.json()['id']}/withdrawal", token)
    assert withdrawn.status_code == 200 and withdrawn.json()["status"] == "withdrawn"
    assert call(client, "get", "/organisation/invitations", token).json() == []
    person_id = make_user(council, Role.BROKER, email="new.broker@westmarch.example").pk
    changed = call(
        client, "put", f"/organisation/people/{person_id}/roles", token, {"roles": ["broker", "team_leader"]}
    )
    assert changed.json()["roles"] == ["broker", "team_leader"]
    assert "new.broker@westmarch.example" in {
        p["email"] for p in call(client, "get", "/organisation/people", token).json()
    }
    day = reference_data["day"]
    renamed = call(client, "put", f"/reference/service-types/{day.pk}", token, {"name": "Building-based day services"})
    assert renamed.status_code == 200 and renamed.json()["name"] == "Building-based day services"
    level = reference_data["expected"]
    assert (
        call(client, "put", f"/reference/need-levels/{level.pk}", token, {"name": "Expected need"}).status_code == 200
    )
    code = reference.reason_code_create(council=council, actor=None, kind="decline", code="x", name="X")
    closed = call(client, "put", f"/reference/reason-codes/{code.pk}", token, {"name": "X", "is_active": False})
    assert closed.json()["is_active"] is False
    other = accounts.organisation_create(kind=OrganisationKind.COUNCIL, name="Stourshire County Council")
    other_token = secret(other, make_user(other, Role.ORGANISATION_ADMIN), Role.ORGANISATION_ADMIN)
    assert call(client, "put", f"/reference/service-types/{day.pk}", other_token, {"name": "Mine"}).status_code == 404
    assert call(client, "put", f"/organisation/people/{person_id}/roles", other_token, {"roles": []}).status_code == 404
    invited_again = call(
        client,
        "post",
        "/organisation/invitations",
        token,
        {"email": "x@westmarch.example", "full_name": "X", "roles": ["broker"]},
    ).json()["id"]
    assert call(client, "post", f"/organisation/invitations/{invited_again}/withdrawal", other_token).status_code == 404
