import pytest

from caremarket.accounts import services as accounts
from caremarket.core.models import AuditEvent
from caremarket.domain.roles import Role
from caremarket.reference import services as reference
from caremarket.reference.models import Area


@pytest.fixture
def token_for(make_user):
    def make(organisation, *roles: Role):
        admin = make_user(organisation, *roles)  # a token acts as its person, with roles that person holds
        issued = accounts.api_token_create(
            organisation=organisation, name=f"client-{admin.pk}", roles=[r.value for r in roles], actor=admin
        )
        return issued.secret

    return make


def call(client, method, path, secret=None, **kwargs):
    headers = {"Authorization": f"Bearer {secret}"} if secret else {}
    return getattr(client, method)(f"/api/v1{path}", headers=headers, content_type="application/json", **kwargs)


def test_openapi_description(client, db):
    spec = client.get("/api/v1/openapi.json").json()
    assert spec["info"]["title"] == "Caremarket API" and spec["info"]["version"] == "1"
    assert "/api/v1/reference/areas" in spec["paths"]
    assert spec["components"]["securitySchemes"]["ApiTokenAuth"]["scheme"] == "bearer"


def test_no_token_or_revoked_token_is_a_401_problem(client, council, council_admin):
    response = call(client, "get", "/reference/areas")
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["title"] == "Unauthorized"
    issued = accounts.api_token_create(
        organisation=council, name="x", roles=["organisation_admin"], actor=council_admin
    )
    assert call(client, "get", "/reference/areas", issued.secret).status_code == 200
    accounts.api_token_revoke(token=issued.token, actor=council_admin)
    response = call(client, "get", "/reference/areas", issued.secret)
    assert response.status_code == 401 and "unrevoked" in response.json()["detail"]


def test_areas_are_scoped_to_the_tokens_council(client, council, other_council, token_for):
    mine = reference.area_create(council=council, actor=None, code="mine", name="Mine", level=1)
    theirs = reference.area_create(council=other_council, actor=None, code="theirs", name="Theirs", level=2)
    secret = token_for(council, Role.BROKER)
    assert [a["code"] for a in call(client, "get", "/reference/areas", secret).json()] == ["mine"]
    assert call(client, "get", f"/reference/areas/{mine.pk}", secret).json()["name"] == "Mine"
    response = call(client, "get", f"/reference/areas/{theirs.pk}", secret)
    assert response.status_code == 404 and response["Content-Type"] == "application/problem+json"
    response = call(
        client,
        "put",
        f"/reference/areas/{theirs.pk}",
        token_for(council, Role.ORGANISATION_ADMIN),
        data={"name": "Hijacked", "level": 1},
    )
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.name == "Theirs"


def test_admin_token_creates_an_area_and_it_is_audited(client, council, token_for):
    secret = token_for(council, Role.ORGANISATION_ADMIN)
    response = call(
        client,
        "post",
        "/reference/areas",
        secret,
        data={"code": "Crawley", "name": "Crawley", "level": 1, "latitude": "51.1", "longitude": "-0.18"},
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["code"] == "crawley" and body["level"] == 1
    event = AuditEvent.objects.get(action="area.created")
    assert "by API token 'client-" in event.actor_label and event.actor is not None


@pytest.mark.parametrize(
    "payload,field,message",
    [
        ({"code": "a", "name": "A", "level": 4}, "level", "Area level must be 1, 2 or 3"),
        ({"code": "bad code!", "name": "A", "level": 1}, "code", "Code must be"),
        ({"code": "a", "name": "", "level": 1}, "name", "Enter a name"),
        ({"code": "a", "name": "A"}, "level", "Field required"),
        ({"code": "a", "name": "A", "level": "high"}, "level", "integer"),
    ],
)
def test_bad_input_is_a_4xx_problem_and_saves_nothing(client, council, token_for, payload, field, message):
    secret = token_for(council, Role.ORGANISATION_ADMIN)
    response = call(client, "post", "/reference/areas", secret, data=payload)
    assert response.status_code in (400, 422)
    problem = response.json()
    assert problem["status"] == response.status_code
    assert any(e["field"] == field and message in e["message"] for e in problem["errors"]), problem
    assert not Area.objects.exists()


def test_duplicate_and_unknown_codes(client, council, token_for):
    secret = token_for(council, Role.ORGANISATION_ADMIN)
    assert (
        call(
            client, "post", "/reference/service-types", secret, data={"code": "home-care", "name": "Home care"}
        ).status_code
        == 201
    )
    duplicate = call(client, "post", "/reference/service-types", secret, data={"code": "home-care", "name": "Other"})
    assert duplicate.status_code == 400 and duplicate.json()["errors"][0]["field"] == "code"
    unknown = call(
        client, "post", "/reference/need-levels", secret, data={"service_type": "nursing", "code": "a", "name": "A"}
    )
    assert unknown.status_code == 400 and "no service type with the code 'nursing'" in unknown.json()["detail"]
    kind = call(client, "post", "/reference/reason-codes", secret, data={"kind": "whim", "code": "a", "name": "A"})
    assert kind.status_code == 400 and kind.json()["errors"][0]["field"] == "kind"
    ok = call(
        client,
        "post",
        "/reference/need-levels",
        secret,
        data={"service_type": "home-care", "code": "complex", "name": "Complex", "rank": 2},
    )
    assert ok.status_code == 201 and ok.json()["service_type"] == "home-care"
    listed = call(client, "get", "/reference/need-levels?service_type=home-care", secret).json()
    assert [n["code"] for n in listed] == ["complex"]


def test_roles_limit_what_a_token_may_do(client, council, provider, token_for):
    broker = token_for(council, Role.BROKER)
    response = call(client, "post", "/reference/areas", broker, data={"code": "a", "name": "A", "level": 1})
    assert response.status_code == 403 and "reference.manage" in response.json()["detail"]
    provider_secret = token_for(provider, Role.PROVIDER_ADMIN)
    response = call(client, "get", "/reference/areas", provider_secret)
    assert response.status_code == 403
    assert not Area.objects.exists()


def test_me(client, council, token_for):
    body = call(client, "get", "/me", token_for(council, Role.BROKER, Role.PRACTITIONER)).json()
    assert body["organisation"] == council.name and body["roles"] == ["broker", "practitioner"]
