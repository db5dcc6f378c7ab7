import re

from django.core import mail
from django.utils import timezone

from caremarket.accounts.models import Invitation, User
from caremarket.core.models import AuditEvent
from caremarket.domain.roles import Role


def _link(message) -> str:
    return re.search(r"http://testserver(\S+)", message.body).group(1)


def test_an_invited_person_joins_by_accepting_and_choosing_a_password(
    admin_client, client, council, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            "/account/people/new/",
            {"full_name": "Sam Broker", "email": "Sam@westmarch.example", "roles": ["broker", "team_leader"]},
        )
    assert response.status_code == 302
    assert not User.objects.filter(email="sam@westmarch.example").exists()  # nobody signs in until they accept
    invitation = Invitation.objects.get(email="sam@westmarch.example")
    assert invitation.status == "waiting" and invitation.roles == ["broker", "team_leader"]
    assert "sam@westmarch.example" in admin_client.get("/account/people/").content.decode()
    assert AuditEvent.objects.filter(action="invitation.created", object_id=str(invitation.pk)).exists()
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["sam@westmarch.example"]
    path = _link(mail.outbox[0])
    assert "Join Westmarch" in client.get(path).content.decode()
    mismatch = client.post(path, {"password": "sam-chose-this-1", "password_again": "sam-chose-this-2"})
    assert "not the same" in mismatch.content.decode() and not User.objects.filter(email=invitation.email).exists()
    weak = client.post(path, {"password": "password", "password_again": "password"}).content.decode()
    assert "too common" in weak or "too short" in weak
    done = client.post(path, {"password": "sam-chose-this-1", "password_again": "sam-chose-this-1"})
    assert done.status_code == 302 and done["Location"] == "/account/sign-in/"
    person = User.objects.get(email="sam@westmarch.example")
    assert person.organisation == council and person.roles == {Role.BROKER, Role.TEAM_LEADER}
    assert person.check_password("sam-chose-this-1")
    invitation.refresh_from_db()
    assert invitation.status == "accepted" and invitation.user == person
    assert AuditEvent.objects.filter(action="invitation.accepted", actor=person).exists()
    assert client.get(path).status_code == 404  # a link works once


def test_inviting_an_address_that_signs_in_elsewhere_looks_the_same_to_the_inviter(
    admin_client, client, council, other_council, make_user, django_capture_on_commit_callbacks
):
    elsewhere = make_user(other_council, Role.BROKER)
    pages, records = [], []
    for email in (elsewhere.email, "nobody.yet@westmarch.example"):
        with django_capture_on_commit_callbacks(execute=True):
            response = admin_client.post(
                "/account/people/new/", {"full_name": "Alex Ng", "email": email, "roles": ["broker"]}, follow=True
            )
        page = response.content.decode()
        pages.append(page.replace(email, "EMAIL"))
        invitation = Invitation.objects.get(email=email)
        records.append((invitation.status, invitation.roles))
    assert pages[0].count("EMAIL") == pages[1].count("EMAIL") and "already" not in pages[0]
    assert records[0] == records[1] == ("waiting", ["broker"])
    assert len(mail.outbox) == 2  # an email to each: only the invitee learns why theirs cannot be accepted
    told, invited = mail.outbox
    assert "already signs in to Caremarket for another organisation" in told.body and "http" not in told.body
    assert "already" not in invited.body and _link(invited)
    # even with a link (the address came into use after the invitation), acceptance tells only the invitee
    other = Invitation.objects.get(email="nobody.yet@westmarch.example")
    make_user(other_council, Role.BROKER, email="nobody.yet@westmarch.example")
    refused = client.post(_link(invited), {"password": "a-long-password-9", "password_again": "a-long-password-9"})
    assert "already signs in to Caremarket for another organisation" in refused.content.decode()
    other.refresh_from_db()
    assert other.status == "waiting"
    assert (
        not AuditEvent.objects.filter(organisation=council, action__startswith="invitation.")
        .exclude(action="invitation.created")
        .exists()
    )


def test_an_invitation_can_be_withdrawn_and_expires(admin_client, client, council, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post("/account/people/new/", {"full_name": "Jo", "email": "jo@w.example", "roles": ["broker"]})
    invitation = Invitation.objects.get(email="jo@w.example")
    again = admin_client.post("/account/people/new/", {"full_name": "Jo", "email": "jo@w.example", "roles": ["broker"]})
    assert "already waiting" in again.content.decode()
    assert admin_client.post(f"/account/invitations/{invitation.pk}/withdraw/").status_code == 302
    invitation.refresh_from_db()
    assert invitation.status == "withdrawn"
    assert AuditEvent.objects.filter(action="invitation.withdrawn", object_id=str(invitation.pk)).exists()
    assert client.get(_link(mail.outbox[0])).status_code == 404
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post("/account/people/new/", {"full_name": "Jo", "email": "jo@w.example", "roles": ["broker"]})
    renewed = Invitation.objects.get(email="jo@w.example", withdrawn_at__isnull=True)
    Invitation.objects.filter(pk=renewed.pk).update(expires_at=timezone.now())
    assert client.get(_link(mail.outbox[1])).status_code == 404
    assert "jo@w.example" not in admin_client.get("/account/people/").content.decode()


def test_add_person_errors(admin_client, council_admin):
    page = admin_client.post(
        "/account/people/new/",
        {
            "full_name": "Copy",
            "email": council_admin.email.upper(),
            "roles": ["broker"],
        },
    ).content.decode()
    assert "already signs in for Westmarch" in page
    page = admin_client.post("/account/people/new/", {"full_name": "", "email": "x", "roles": []}).content.decode()
    assert "Enter the person" in page and "correct format" in page and "Choose at least one role" in page
    assert User.objects.count() == 1 and not Invitation.objects.exists()


def test_change_roles_is_audited(admin_client, council, make_user):
    person = make_user(council, Role.PRACTITIONER)
    response = admin_client.post(f"/account/people/{person.pk}/roles/", {"roles": ["practitioner", "team_leader"]})
    assert response.status_code == 302
    person = User.objects.get(pk=person.pk)
    assert person.roles == {Role.PRACTITIONER, Role.TEAM_LEADER}
    event = AuditEvent.objects.get(action="user.roles_changed")
    assert event.before == {"roles": ["practitioner"]} and event.after == {"roles": ["practitioner", "team_leader"]}


def test_the_last_admin_keeps_the_admin_role(admin_client, council_admin):
    page = admin_client.post(f"/account/people/{council_admin.pk}/roles/", {"roles": ["broker"]}).content.decode()
    assert "needs at least one admin" in page
    assert User.objects.get(pk=council_admin.pk).roles == {Role.ORGANISATION_ADMIN}


def test_another_organisations_people_are_out_of_reach(admin_client, other_council, make_user):
    stranger = make_user(other_council, Role.BROKER)
    assert admin_client.get(f"/account/people/{stranger.pk}/roles/").status_code == 404
    assert admin_client.post(f"/account/people/{stranger.pk}/roles/", {"roles": ["commissioner"]}).status_code == 404
    assert User.objects.get(pk=stranger.pk).roles == {Role.BROKER}
    assert stranger.email not in admin_client.get("/account/people/").content.decode()


def test_only_admins_manage_people(login, council, make_user):
    client = login(make_user(council, Role.BROKER))
    assert client.get("/account/people/").status_code == 403
    assert (
        client.post("/account/people/new/", {"full_name": "X", "email": "x@y.example", "roles": ["broker"]}).status_code
        == 403
    )
