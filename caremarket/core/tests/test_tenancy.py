"""Tenancy is enforced in the data layer: views reach records only through organisation-scoped selectors."""

import ast
from pathlib import Path

import pytest

from caremarket.domain.roles import Role
from caremarket.reference import services as reference

PACKAGE = Path(__file__).resolve().parents[2]


def _view_modules():
    return sorted(
        p for p in PACKAGE.rglob("*.py") if p.name.endswith(("views.py", "api.py")) and "tests" not in p.parts
    )


def test_views_and_api_never_touch_model_managers():
    offenders = []
    for path in _view_modules():
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Attribute) and node.attr in {"objects", "_default_manager"}:
                offenders.append(f"{path.relative_to(PACKAGE)}:{node.lineno}")
    assert _view_modules(), "no view modules found: the check would prove nothing"
    assert offenders == [], f"views must use selectors, not Model.objects: {offenders}"


@pytest.fixture
def their_area(other_council):
    return reference.area_create(council=other_council, actor=None, code="theirs", name="Their Area", level=1)


def test_a_view_cannot_reach_another_organisations_record(admin_client, their_area):
    assert admin_client.get(f"/reference/areas/{their_area.pk}/edit/").status_code == 404
    response = admin_client.post(
        f"/reference/areas/{their_area.pk}/edit/", {"name": "Hijacked", "level": "1", "in_county": "true"}
    )
    assert response.status_code == 404
    their_area.refresh_from_db()
    assert their_area.name == "Their Area"
    assert "Their Area" not in admin_client.get("/reference/areas/").content.decode()


def test_a_provider_sees_no_council_reference_data(login, provider, make_user, their_area):
    provider_admin = make_user(provider, Role.PROVIDER_ADMIN)
    client = login(provider_admin)
    assert client.get("/reference/areas/").status_code == 403
    assert client.get(f"/reference/areas/{their_area.pk}/edit/").status_code == 403


def test_someone_without_an_organisation_sees_nothing(client, db):
    from caremarket.accounts.models import User

    staff = User.objects.create_superuser("installer@caremarket.example", "installer-password-1")
    client.force_login(staff, backend="caremarket.accounts.backends.OrganisationUserBackend")
    assert client.get("/").status_code == 403
    assert client.get("/reference/areas/").status_code == 403


def test_another_organisations_api_token_cannot_be_revoked(login, council, other_council, make_user):
    from caremarket.accounts import services as accounts

    other_admin = make_user(other_council, Role.ORGANISATION_ADMIN, Role.FINANCE_OFFICER)
    issued = accounts.api_token_create(
        organisation=other_council, name="Finance", roles=["finance_officer"], actor=other_admin
    )
    me = make_user(council, Role.ORGANISATION_ADMIN)
    assert login(me).post(f"/account/api-tokens/{issued.token.pk}/revoke/", {"reason": "x"}).status_code == 404
    issued.token.refresh_from_db()
    assert issued.token.revoked_at is None


def test_the_signed_in_council_or_provider_is_one_helper_for_pages_and_tokens(rf, council, provider, make_user):
    from types import SimpleNamespace

    from django.core.exceptions import PermissionDenied
    from django.http import Http404

    from caremarket.core.permissions import signed_in_council, signed_in_provider
    from caremarket.domain.roles import Role

    page = rf.get("/")
    page.user = make_user(provider, Role.PROVIDER_STAFF)
    assert signed_in_provider(page) == provider
    with pytest.raises(Http404):
        signed_in_council(page, "Brokerage")
    by_api = rf.get("/api/v1/")
    by_api.auth = SimpleNamespace(organisation=council)
    assert signed_in_council(by_api) == council
    with pytest.raises(PermissionDenied, match="Answering referrals is for providers; this token is a council's"):
        signed_in_provider(by_api, "Answering referrals")
