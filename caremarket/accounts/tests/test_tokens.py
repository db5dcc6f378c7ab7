import hashlib

import pytest

from caremarket.accounts import services
from caremarket.accounts.models import ApiToken
from caremarket.core.errors import ServiceError
from caremarket.core.models import AuditEvent
from caremarket.domain.roles import Role


def test_admin_creates_a_token_shown_once_and_stored_hashed(admin_client, council):
    response = admin_client.post("/account/api-tokens/new/", {"name": "Finance system", "roles": ["finance_officer"]})
    page = response.content.decode()
    token = ApiToken.objects.get(name="Finance system")
    secret = page.split('id="token-secret" class="cm-json">')[1].split("<")[0]
    assert secret.startswith(f"cm_{token.prefix}_")
    assert token.key_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in str(ApiToken.objects.filter(pk=token.pk).values().get())
    assert secret not in admin_client.get("/account/api-tokens/").content.decode()
    assert AuditEvent.objects.filter(action="api_token.created", object_id=str(token.pk)).exists()


def test_token_form_errors(admin_client):
    page = admin_client.post("/account/api-tokens/new/", {"name": "", "roles": ["provider_admin"]}).content.decode()
    assert "Enter a name that says which system uses the token" in page
    assert "provider_admin is not one of the available choices" in page
    assert not ApiToken.objects.exists()


def test_duplicate_active_name_refused(council, council_admin):
    services.api_token_create(organisation=council, name="Rostering", roles=["broker"], actor=council_admin)
    with pytest.raises(ServiceError, match="already exists"):
        services.api_token_create(organisation=council, name="Rostering", roles=["broker"], actor=council_admin)


def test_revoke(admin_client, council, council_admin):
    issued = services.api_token_create(organisation=council, name="Old", roles=["broker"], actor=council_admin)
    response = admin_client.post(f"/account/api-tokens/{issued.token.pk}/revoke/", {"reason": "system retired"})
    assert response.status_code == 302
    issued.token.refresh_from_db()
    assert issued.token.revoked_at is not None
    assert services.api_token_authenticate(secret=issued.secret) is None
    event = AuditEvent.objects.get(action="api_token.revoked")
    assert event.reason == "system retired"
    with pytest.raises(ServiceError, match="already revoked"):
        services.api_token_revoke(token=issued.token, actor=council_admin)


def test_only_admins_manage_tokens(login, council, make_user):
    assert login(make_user(council, Role.BROKER)).get("/account/api-tokens/").status_code == 403
