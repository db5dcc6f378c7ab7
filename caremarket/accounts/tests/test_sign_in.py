import re
from datetime import timedelta

import pytest
from django.conf import settings
from django.core import mail
from django.utils import timezone

from caremarket.accounts import services
from caremarket.accounts.models import User
from caremarket.core.errors import ServiceError
from caremarket.core.models import AuditEvent
from caremarket.domain.roles import Role
from conftest import PASSWORD


@pytest.fixture
def broker(council, make_user):
    return make_user(council, Role.BROKER, email="broker@westmarch.example")


def sign_in(client, email, password):
    return client.post("/account/sign-in/", {"email": email, "password": password})


def test_sign_in_and_out(client, broker):
    response = sign_in(client, "Broker@Westmarch.example", PASSWORD)
    assert response.status_code == 302 and response["Location"] == "/"
    home = client.get("/").content.decode()
    assert "Brokerage" in home and broker.full_name in home
    assert AuditEvent.objects.filter(action="user.signed_in", actor=broker).count() == 1
    client.post("/account/sign-out/")
    assert client.get("/").status_code == 302
    assert AuditEvent.objects.filter(action="user.signed_out", actor=broker).count() == 1


def test_sign_out_needs_post(client, broker):
    client.force_login(broker, backend="caremarket.accounts.backends.OrganisationUserBackend")
    assert client.get("/account/sign-out/").status_code == 405


def test_wrong_password_gives_a_clear_message(client, broker):
    page = sign_in(client, broker.email, "wrong").content.decode()
    assert "There is a problem" in page and "Enter a correct email address and password" in page
    assert "_auth_user_id" not in client.session


def test_five_wrong_passwords_lock_the_account_and_are_audited(client, broker):
    for _ in range(settings.CAREMARKET_LOCKOUT_ATTEMPTS - 1):
        sign_in(client, broker.email, "wrong")
    page = sign_in(client, broker.email, "wrong").content.decode()
    assert "locked for 15 minutes after 5 failed sign-in attempts" in page
    broker.refresh_from_db()
    assert broker.is_locked()
    lock = AuditEvent.objects.get(action="user.locked_out")
    assert lock.organisation == broker.organisation and "5 failed" in lock.reason
    assert AuditEvent.objects.filter(action="user.sign_in_failed").count() == 4
    # even the right password is refused while locked
    page = sign_in(client, broker.email, PASSWORD).content.decode()
    assert "This account is locked until" in page
    assert "_auth_user_id" not in client.session


def test_lock_expires(client, broker):
    User.objects.filter(pk=broker.pk).update(locked_until=timezone.now() - timedelta(seconds=1))
    assert sign_in(client, broker.email, PASSWORD).status_code == 302


def test_unknown_email_gets_the_generic_message(client, db):
    page = sign_in(client, "nobody@example.org", "whatever").content.decode()
    assert "Enter a correct email address and password" in page


def test_password_reset_by_email_lifts_the_lock(client, broker):
    User.objects.filter(pk=broker.pk).update(locked_until=timezone.now() + timedelta(minutes=10))
    response = client.post("/account/password-reset/", {"email": broker.email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [broker.email]
    link = re.search(r"http://\S+", mail.outbox[0].body).group(0)
    path = link.split("testserver", 1)[1]
    form_page = client.get(path, follow=True)
    assert b"Choose a new password" in form_page.content
    new = "a-brand-new-password-42"
    done = client.post(form_page.redirect_chain[-1][0], {"new_password1": new, "new_password2": new})
    assert done.status_code == 302
    broker.refresh_from_db()
    assert not broker.is_locked() and broker.check_password(new)
    assert AuditEvent.objects.filter(action="user.password_reset", actor=broker).exists()


def test_password_reset_for_unknown_address_sends_nothing(client, db):
    assert client.post("/account/password-reset/", {"email": "nobody@example.org"}).status_code == 302
    assert mail.outbox == []


def test_session_times_out_after_inactivity():
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert settings.SESSION_SAVE_EVERY_REQUEST is True


def test_expired_session_is_signed_out(client, broker):
    from django.contrib.sessions.models import Session

    sign_in(client, broker.email, PASSWORD)
    Session.objects.update(expire_date=timezone.now() - timedelta(seconds=1))
    assert client.get("/").status_code == 302


def test_roles_must_suit_the_organisation(council, provider):
    with pytest.raises(ServiceError, match="provider cannot hold these roles: broker"):
        services.user_create(organisation=provider, email="x@p.example", full_name="X", roles=["broker"])
    with pytest.raises(ServiceError, match="not a role"):
        services.user_create(organisation=council, email="y@c.example", full_name="Y", roles=["overlord"])
    assert not User.objects.filter(email__in=["x@p.example", "y@c.example"]).exists()


def test_each_role_sees_its_home_page(client, council, provider, make_user):
    for role in Role:
        organisation = provider if role in {Role.PROVIDER_ADMIN, Role.PROVIDER_STAFF} else council
        user = make_user(organisation, role)
        client.force_login(user, backend="caremarket.accounts.backends.OrganisationUserBackend")
        page = client.get("/").content.decode()
        assert role.label in page, role
        assert organisation.name in page


def test_whether_an_account_exists_shows_neither_in_the_messages_nor_in_the_work_done(client, broker, monkeypatch):
    from django.contrib.auth.hashers import MD5PasswordHasher

    hashed = []
    real = MD5PasswordHasher.encode
    monkeypatch.setattr(MD5PasswordHasher, "encode", lambda self, *a, **k: hashed.append(1) or real(self, *a, **k))

    def attempts(email):
        messages = []
        for _ in range(6):
            hashed.clear()
            page = client.post("/account/sign-in/", {"email": email, "password": "wrong-password-1"})
            text = page.content.decode()
            messages.append((text.count("locked"), "Enter a correct email address and password" in text, len(hashed)))
        return messages

    known, unknown = attempts(broker.email), attempts("nobody@westmarch.example")
    # the same answers, in the same order (4 generic, then locked, then still locked), with one hash each time
    assert known == unknown
    assert [m[2] for m in known] == [1] * 6 and known[4][0] > 0 and known[5][0] > 0


def test_installation_staff_sign_in_is_locked_out_audited_and_needs_a_second_factor(client, db):
    import pyotp

    from caremarket.accounts.models import SignInThrottle

    staff = User(email="ops@installation.example", full_name="Ops", is_staff=True, is_superuser=True)
    staff.set_password(PASSWORD)
    staff.save()
    assert 'name="code"' in client.get("/installation-admin/login/").content.decode()

    def attempt(password, code=""):
        return client.post(
            "/installation-admin/login/?next=/installation-admin/",
            {"username": staff.email, "password": password, "code": code, "next": "/installation-admin/"},
        )

    for _ in range(4):
        assert "Enter a correct email address and password" in attempt("wrong").content.decode()
    assert "locked" in attempt("wrong").content.decode()
    assert "locked" in attempt(PASSWORD).content.decode()  # the lock holds for the right password too
    assert AuditEvent.objects.filter(action="user.locked_out", object_id=str(staff.pk)).exists()
    SignInThrottle.objects.all().delete()
    assert "need a second factor" in attempt(PASSWORD).content.decode()
    services.staff_totp_set(user=staff)
    staff.refresh_from_db()
    assert "current 6-digit code" in attempt(PASSWORD, "000000").content.decode()
    assert AuditEvent.objects.filter(action="staff.sign_in_refused", reason="wrong authenticator code").exists()
    signed_in = attempt(PASSWORD, pyotp.TOTP(staff.totp_secret).now())
    assert signed_in.status_code == 302 and client.get("/installation-admin/").status_code == 200
    assert AuditEvent.objects.filter(action="staff.signed_in", object_id=str(staff.pk)).exists()
