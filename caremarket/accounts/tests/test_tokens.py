import hashlib

import pytest

from caremarket.accounts import services
from caremarket.accounts.models import ApiToken
from caremarket.core.errors import ServiceError
from caremarket.core.models import AuditEvent
from caremarket.domain.roles import Role


def test_admin_creates_a_token_shown_once_and_stored_hashed(admin_client, council):
    response = admin_client.post(
        "/account/api-tokens/new/", {"name": "Finance system", "roles": ["organisation_admin"], "expires_in_days": "30"}
    )
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
    services.api_token_create(organisation=council, name="Rostering", roles=["organisation_admin"], actor=council_admin)
    with pytest.raises(ServiceError, match="already exists"):
        services.api_token_create(
            organisation=council, name="Rostering", roles=["organisation_admin"], actor=council_admin
        )


def test_revoke(admin_client, council, council_admin):
    issued = services.api_token_create(
        organisation=council, name="Old", roles=["organisation_admin"], actor=council_admin
    )
    response = admin_client.post(f"/account/api-tokens/{issued.token.pk}/revoke/", {"reason": "system retired"})
    assert response.status_code == 302
    issued.token.refresh_from_db()
    assert issued.token.revoked_at is not None
    assert services.api_token_authenticate(secret=issued.secret) is None
    event = AuditEvent.objects.get(action="api_token.revoked")
    assert event.reason == "system retired"
    with pytest.raises(ServiceError, match="already revoked"):
        services.api_token_revoke(token=issued.token, actor=council_admin)


def test_people_make_their_own_tokens_and_only_admins_see_and_revoke_others(login, council, council_admin, make_user):
    admins = services.api_token_create(
        organisation=council, name="Admin's", roles=["organisation_admin"], actor=council_admin
    )
    client = login(make_user(council, Role.BROKER))
    page = client.get("/account/api-tokens/").content.decode()
    assert page and "Admin&#39;s" not in page and "Admin's" not in page
    form = client.get("/account/api-tokens/new/").content.decode()
    assert 'value="broker"' in form and 'value="finance_officer"' not in form
    assert client.get(f"/account/api-tokens/{admins.token.pk}/revoke/").status_code == 404
    made = client.post("/account/api-tokens/new/", {"name": "Case system", "roles": ["broker"], "expires_in_days": 30})
    assert made.status_code == 200 and ApiToken.objects.get(name="Case system").roles == ["broker"]
    assert "Case system" in login(council_admin).get("/account/api-tokens/").content.decode()


def test_a_token_acts_as_its_person_with_roles_they_hold_now_until_it_expires(
    client, council, council_admin, make_user
):
    from datetime import timedelta

    from django.utils import timezone

    from caremarket.core.permissions import principal_roles

    with pytest.raises(ServiceError, match="only roles you hold; you do not hold: Finance officer"):
        services.api_token_create(organisation=council, name="F", roles=["finance_officer"], actor=council_admin)
    officer = make_user(council, Role.FINANCE_OFFICER, Role.BROKER)
    issued = services.api_token_create(
        organisation=council, name="F", roles=["finance_officer", "broker"], actor=officer
    )
    token = services.api_token_authenticate(secret=issued.secret)
    assert token.owner == officer and principal_roles(token) == {Role.FINANCE_OFFICER, Role.BROKER}
    # demoted: the token loses the role at once
    services.user_roles_set(user=officer, roles=["broker"], actor=council_admin)
    token = services.api_token_authenticate(secret=issued.secret)
    assert principal_roles(token) == {Role.BROKER}
    headers = {"Authorization": f"Bearer {issued.secret}"}
    assert client.get("/api/v1/payment-runs", headers=headers).status_code == 403
    # expired: refused
    ApiToken.objects.filter(pk=issued.token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert services.api_token_authenticate(secret=issued.secret) is None
    assert client.get("/api/v1/me", headers=headers).status_code == 401
    with pytest.raises(ServiceError, match="1 to 365 days"):
        services.api_token_create(organisation=council, name="G", roles=["broker"], actor=officer, expires_in_days=0)


def test_the_two_person_rule_holds_whichever_way_each_step_is_taken(client, council, make_user, login):
    from datetime import date

    from caremarket.finance import runs

    officer = make_user(council, Role.FINANCE_OFFICER)
    other = make_user(council, Role.FINANCE_OFFICER)
    secret = services.api_token_create(
        organisation=council, name="Finance", roles=["finance_officer"], actor=officer
    ).secret
    headers = {"Authorization": f"Bearer {secret}"}
    run = runs.payment_run_create(
        council=council, actor=officer, period_start=date(2030, 1, 1), period_end=date(2030, 1, 28)
    )
    calculated = client.post(f"/api/v1/payment-runs/{run.pk}/calculation", headers=headers)
    assert calculated.status_code == 202  # in the worker (here at once), acting as the token's person
    run.refresh_from_db()
    assert run.calculated_by == officer
    event = AuditEvent.objects.get(action="payment_run.calculated")
    assert event.actor == officer and "by API token 'Finance'" in event.actor_label
    refused = login(officer).post(f"/finance/runs/{run.pk}/approve/", {"confirm": "on"})
    assert refused.status_code == 400 and b"cannot be the one who calculated" in refused.content
    run.refresh_from_db()
    assert run.status == "calculated"
    login(other).post(f"/finance/runs/{run.pk}/approve/", {"confirm": "on"})
    run.refresh_from_db()
    assert run.status == "approved" and run.approved_by == other


def test_a_leaver_is_deactivated_their_sessions_and_tokens_end_and_their_history_stays(
    client, council, council_admin, make_user, login
):
    from django.test import Client

    leaver = make_user(council, Role.BROKER)
    issued = services.api_token_create(organisation=council, name="Case", roles=["broker"], actor=leaver)
    session = Client()
    session.force_login(leaver, backend="caremarket.accounts.backends.OrganisationUserBackend")
    assert session.get("/brokerage/").status_code == 200
    # every role can be taken away
    admin = login(council_admin)
    assert admin.post(f"/account/people/{leaver.pk}/roles/", {}).status_code == 302
    assert type(leaver).objects.get(pk=leaver.pk).roles == frozenset()
    assert session.get("/brokerage/").status_code == 403
    refused = admin.post(f"/account/people/{leaver.pk}/deactivate/", {"reason": ""})
    assert refused.status_code == 200 and "Say why" in refused.content.decode()
    done = admin.post(f"/account/people/{leaver.pk}/deactivate/", {"reason": "Left on 30 November"})
    assert done.status_code == 302
    leaver.refresh_from_db()
    assert not leaver.is_active and not leaver.has_usable_password()
    assert session.get("/brokerage/").status_code == 302  # the session has ended: back to sign-in
    assert services.api_token_authenticate(secret=issued.secret) is None
    assert ApiToken.objects.get(pk=issued.token.pk).revoked_by == council_admin
    assert AuditEvent.objects.filter(action="user.deactivated", object_id=str(leaver.pk)).exists()
    assert AuditEvent.objects.filter(action="api_token.created", actor=leaver).exists()  # history kept
    with pytest.raises(ServiceError, match="cannot deactivate yourself"):
        services.user_deactivate(user=council_admin, actor=council_admin, reason="x")
