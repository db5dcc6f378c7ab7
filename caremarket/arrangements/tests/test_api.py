from datetime import timedelta

from django.utils import timezone

from caremarket.accounts import services as accounts
from caremarket.arrangements.models import Arrangement
from caremarket.domain.roles import Role

from .conftest import fps_data


def token(organisation, admin, *roles):
    """A token of a person of the organisation who holds the roles (a token acts as its person)."""
    person = accounts.user_create(
        organisation=organisation,
        email=f"holder-{len(roles)}-{roles[0].value}@{organisation.slug}.example",
        full_name="Token Holder",
        roles=[r.value for r in roles],
        actor=admin,
    )
    return accounts.api_token_create(
        organisation=organisation, name=f"t{len(roles)}{roles[0]}", roles=[r.value for r in roles], actor=person
    ).secret


def call(client, method, path, secret, data=None):
    return getattr(client, method)(
        f"/api/v1{path}", data=data, content_type="application/json", headers={"Authorization": f"Bearer {secret}"}
    )


def body(**overrides):
    return {k: str(v) if v is not None and not isinstance(v, int) else v for k, v in fps_data(**overrides).items()}


def test_commissioner_token_sets_up_an_arrangement(client, council, council_admin, reference_data):
    secret = token(council, council_admin, Role.COMMISSIONER)
    created = call(client, "post", "/arrangements", secret, body())
    assert created.status_code == 201, created.content
    arrangement_id = created.json()["id"]
    lot = call(
        client,
        "post",
        f"/arrangements/{arrangement_id}/lots",
        secret,
        {"title": "Building based", "service_types": ["building-based"], "areas": ["north"]},
    )
    assert lot.status_code == 201 and lot.json()["areas"] == ["north"]
    no_area = call(
        client,
        "post",
        f"/arrangements/{arrangement_id}/lots",
        secret,
        {"title": "Nowhere", "service_types": ["community"], "areas": []},
    )
    assert no_area.status_code == 400 and no_area.json()["errors"][0]["field"] == "areas"
    closes = (timezone.now() + timedelta(days=20)).isoformat()
    opened = call(
        client,
        "post",
        f"/arrangements/{arrangement_id}/transitions",
        secret,
        {"to_status": "open", "closes_at": closes},
    )
    assert opened.status_code == 200 and opened.json()["accepts_applications"] is True
    assert len(opened.json()["windows"]) == 1
    wrong = call(client, "post", f"/arrangements/{arrangement_id}/transitions", secret, {"to_status": "expired"})
    assert wrong.status_code == 400 and "cannot become expired" in wrong.json()["detail"]


def test_scoped_and_role_checked(client, council, council_admin, other_council, make_user, reference_data):
    from caremarket.arrangements import services

    mine = services.arrangement_create(council=council, actor=None, **fps_data())
    other_admin = make_user(other_council, Role.ORGANISATION_ADMIN)
    theirs = token(other_council, other_admin, Role.COMMISSIONER)
    assert call(client, "get", f"/arrangements/{mine.pk}", theirs).status_code == 404
    assert call(client, "get", "/arrangements", theirs).json() == []
    broker = token(council, council_admin, Role.BROKER)
    assert call(client, "get", f"/arrangements/{mine.pk}", broker).json()["reference"] == "DO-FPS-2026"
    assert call(client, "post", "/arrangements", broker, body(reference="X")).status_code == 403
    assert Arrangement.objects.count() == 1
