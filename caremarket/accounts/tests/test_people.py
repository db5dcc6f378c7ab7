import re

from django.core import mail

from caremarket.accounts.models import User
from caremarket.core.models import AuditEvent
from caremarket.domain.roles import Role


def test_admin_adds_a_person_who_chooses_a_password(admin_client, client, council, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            "/account/people/new/",
            {
                "full_name": "Sam Broker",
                "email": "sam@westmarch.example",
                "roles": ["broker", "team_leader"],
            },
        )
    assert response.status_code == 302
    person = User.objects.get(email="sam@westmarch.example")
    assert person.organisation == council and person.roles == {Role.BROKER, Role.TEAM_LEADER}
    assert not person.has_usable_password()
    assert AuditEvent.objects.filter(action="user.created", object_id=str(person.pk)).exists()
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["sam@westmarch.example"]
    path = re.search(r"http://testserver(\S+)", mail.outbox[0].body).group(1)
    form = client.get(path, follow=True)
    done = client.post(
        form.redirect_chain[-1][0], {"new_password1": "sam-chose-this-1", "new_password2": "sam-chose-this-1"}
    )
    assert done.status_code == 302
    person.refresh_from_db()
    assert person.check_password("sam-chose-this-1")


def test_add_person_errors(admin_client, council_admin):
    page = admin_client.post(
        "/account/people/new/",
        {
            "full_name": "Copy",
            "email": council_admin.email.upper(),
            "roles": ["broker"],
        },
    ).content.decode()
    assert "Someone already signs in with" in page
    page = admin_client.post("/account/people/new/", {"full_name": "", "email": "x", "roles": []}).content.decode()
    assert "Enter the person" in page and "correct format" in page and "Choose at least one role" in page
    assert User.objects.count() == 1


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
