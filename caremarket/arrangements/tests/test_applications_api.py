from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from caremarket.accounts import services as accounts
from caremarket.arrangements import applications, services
from caremarket.domain.roles import OrganisationKind, Role

from .conftest import fps_data


def secret(organisation, user, *roles):
    if not set(roles) <= user.roles:  # a token acts as its person, with roles that person holds
        user = accounts.user_create(
            organisation=organisation,
            email=f"holder-{'-'.join(r.value for r in roles)}@{organisation.slug}.example",
            full_name="Token Holder",
            roles=[r.value for r in roles],
        )
    return accounts.api_token_create(
        organisation=organisation, name=f"{organisation.slug}-{roles[0]}", roles=[r.value for r in roles], actor=user
    ).secret


def call(client, method, path, token, data=None):
    return getattr(client, method)(
        f"/api/v1{path}", data=data, content_type="application/json", headers={"Authorization": f"Bearer {token}"}
    )


def test_a_rostering_system_applies_by_machine(client, council, council_admin, make_user, reference_data):
    arrangement = services.arrangement_create(council=council, actor=council_admin, **fps_data(price_basis="day"))
    lot = services.lot_create(
        arrangement=arrangement, actor=council_admin, title="Lot", service_types=["community"], areas=["north"]
    )
    question = applications.question_create(
        arrangement=arrangement, actor=council_admin, kind="pass-fail", text="Safeguarding policy?"
    )
    services.arrangement_transition(
        arrangement=arrangement, actor=council_admin, to_status="open", closes_at=timezone.now() + timedelta(days=5)
    )
    provider = accounts.organisation_create(kind=OrganisationKind.PROVIDER, name="Kestrel Community Support")
    provider_token = secret(provider, make_user(provider, Role.PROVIDER_ADMIN), Role.PROVIDER_ADMIN)

    listed = call(client, "get", "/opportunities", provider_token).json()
    assert [o["reference"] for o in listed] == ["DO-FPS-2026"]
    body = {
        "lots": [lot.pk],
        "areas": ["north"],
        "prices": {"all": "-5"},
        "answers": [{"question_id": question.pk, "meets": True}],
    }
    bad = call(client, "post", f"/opportunities/{arrangement.pk}/applications", provider_token, body)
    assert bad.status_code == 400 and bad.json()["errors"][0]["field"] == "price_all"
    # starting and the first save are one transaction: a failed first save leaves no empty draft
    assert call(client, "get", "/applications", provider_token).json() == []
    body["prices"] = {"all": "61.00"}
    started = call(client, "post", f"/opportunities/{arrangement.pk}/applications", provider_token, body)
    assert started.status_code == 201, started.content
    application_id = started.json()["id"]
    submitted = call(client, "post", f"/applications/{application_id}/submit", provider_token)
    assert submitted.json()["status"] == "submitted"
    locked = call(client, "put", f"/applications/{application_id}", provider_token, body)
    assert locked.status_code == 409 and "locked" in locked.json()["detail"]
    assert call(client, "get", f"/applications/{application_id}/feedback", provider_token).status_code == 404

    other = accounts.organisation_create(kind=OrganisationKind.PROVIDER, name="Other Care Ltd")
    other_token = secret(other, make_user(other, Role.PROVIDER_ADMIN), Role.PROVIDER_ADMIN)
    assert call(client, "get", f"/applications/{application_id}", other_token).status_code == 404

    council_token = secret(council, council_admin, Role.COMMISSIONER)
    received = call(client, "get", f"/arrangements/{arrangement.pk}/applications", council_token).json()
    assert [r["provider"] for r in received] == ["Kestrel Community Support"]
    assert call(client, "get", "/applications", council_token).status_code == 403
    assert call(client, "get", f"/arrangements/{arrangement.pk}/award-runs", council_token).json() == []
    refused = call(client, "post", f"/arrangements/{arrangement.pk}/award-runs", council_token)
    assert refused.status_code == 400 and "tiered frameworks only" in refused.json()["detail"]
    assert Decimal(received[0]["prices"]["all"]) == Decimal("61.00")


def test_a_closed_arrangement_says_it_is_closed_and_when_it_next_opens(
    client, council, council_admin, make_user, reference_data, login
):
    arrangement = services.arrangement_create(
        council=council, actor=council_admin, **fps_data(price_basis="day", window_every_months=12)
    )
    services.lot_create(
        arrangement=arrangement, actor=council_admin, title="Lot", service_types=["community"], areas=["north"]
    )
    now = timezone.now()
    services.arrangement_transition(
        arrangement=arrangement, actor=council_admin, to_status="open", closes_at=now + timedelta(days=5)
    )
    provider = accounts.organisation_create(kind=OrganisationKind.PROVIDER, name="Kestrel Community Support")
    staff = make_user(provider, Role.PROVIDER_ADMIN)
    token = secret(provider, staff, Role.PROVIDER_ADMIN)
    services.windows_close_due(now=now + timedelta(days=6))
    for status in ("evaluating", "live"):
        services.arrangement_transition(arrangement=arrangement, actor=council_admin, to_status=status)
    answer = call(client, "post", f"/opportunities/{arrangement.pk}/applications", token, {"lots": []})
    assert answer.status_code == 409, answer.content
    detail = answer.json()["detail"]
    opens = timezone.localtime(arrangement.windows.get().opens_at).date().replace(year=now.year + 1)
    assert "only while an application window is open" in detail
    assert f"the next window opens on {opens:%-d %B %Y}" in detail
    page = login(staff).get(f"/applications/start/{arrangement.pk}/", follow=True).content.decode()
    assert f"the next window opens on {opens:%-d %B %Y}" in page
    draft = services.arrangement_create(council=council, actor=council_admin, **fps_data(reference="DRAFT-1"))
    assert call(client, "post", f"/opportunities/{draft.pk}/applications", token, {"lots": []}).status_code == 404
