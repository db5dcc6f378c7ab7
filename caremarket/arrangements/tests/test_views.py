import re
from datetime import timedelta

import pytest
from django.utils import timezone

from caremarket.arrangements.models import ApplicationWindow, Arrangement, Lot
from caremarket.domain.roles import Role

from .conftest import fps_data


@pytest.fixture
def commissioner_client(login, council, make_user, reference_data):
    return login(make_user(council, Role.COMMISSIONER))


def post_data(**overrides):
    data = {k: str(v) if v is not None else "" for k, v in fps_data(**overrides).items()}
    data.update({"window_length_days": "28", "price_basis": data.get("price_basis") or "day", "kpi_weight": "50"})
    data["confirm"] = "yes"  # sent from the check answers page
    return data


def test_commissioner_creates_adds_lots_and_opens(commissioner_client):
    client = commissioner_client
    response = client.post("/arrangements/new/", post_data())
    arrangement = Arrangement.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/arrangements/{arrangement.pk}/"
    for title, types in [("Building based", ["building-based"]), ("Community support", ["community"])]:
        assert (
            client.post(
                f"/arrangements/{arrangement.pk}/lots/new/",
                {"title": title, "service_types": types, "areas": ["north", "south"]},
            ).status_code
            == 302
        )
    closes = (timezone.localtime() + timedelta(days=28)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(f"/arrangements/{arrangement.pk}/status/", {"to_status": "open", "closes_at": closes})
    assert response.status_code == 302
    page = client.get(f"/arrangements/{arrangement.pk}/").content.decode()
    assert "Open for applications until" in page and "Lot 2: Community support" in page
    assert "Contract notice (Find a Tender)" in page
    assert ApplicationWindow.objects.filter(arrangement=arrangement, reason="initial").count() == 1


def test_errors_are_shown_and_nothing_saved(commissioner_client):
    page = commissioner_client.post("/arrangements/new/", post_data(quality_weight=70)).content.decode()
    assert "must be 0 or more and add up to 100" in page and re.search(r'href="#[a-z-]+-quality_weight"', page)
    assert not Arrangement.objects.exists()
    commissioner_client.post("/arrangements/new/", post_data())
    arrangement = Arrangement.objects.get()
    page = commissioner_client.post(
        f"/arrangements/{arrangement.pk}/lots/new/", {"title": "No area", "service_types": ["community"]}
    ).content.decode()
    assert "Choose at least one area for the lot" in page
    page = commissioner_client.post(f"/arrangements/{arrangement.pk}/status/", {"to_status": "open"}).content
    assert "Add at least one lot before opening" in page.decode()
    assert not Lot.objects.exists() and Arrangement.objects.get().status == "draft"


def test_other_roles_read_but_do_not_manage(login, council, make_user, commissioner_client):
    commissioner_client.post("/arrangements/new/", post_data())
    arrangement = Arrangement.objects.get()
    broker = login(make_user(council, Role.BROKER))
    assert broker.get(f"/arrangements/{arrangement.pk}/").status_code == 200
    assert broker.post(f"/arrangements/{arrangement.pk}/status/", {"to_status": "open"}).status_code == 403


def test_another_councils_arrangement_is_out_of_reach(login, other_council, make_user, commissioner_client):
    commissioner_client.post("/arrangements/new/", post_data())
    arrangement = Arrangement.objects.get()
    other = login(make_user(other_council, Role.COMMISSIONER))
    for path in ("", "edit/", "status/", "lots/new/", "windows/new/"):
        assert other.get(f"/arrangements/{arrangement.pk}/{path}").status_code == 404
    assert arrangement.reference not in other.get("/arrangements/").content.decode()


def test_a_draft_shows_what_is_left_to_set_up_as_a_task_list(commissioner_client):
    client = commissioner_client
    client.post("/arrangements/new/", post_data())
    arrangement = Arrangement.objects.get()
    page = client.get(f"/arrangements/{arrangement.pk}/").content.decode()
    assert "Set up the arrangement" in page and "1 of 5 tasks completed" in page
    opening = re.search(r"Open for applications.*?govuk-task-list__status[^>]*>\s*([^<]+?)\s*<", page, re.S)
    assert opening and opening.group(1) == "Cannot start yet"
    assert (
        f'href="/arrangements/{arrangement.pk}/status/"'
        not in page.split("Set up the arrangement")[1].split("</ul>")[0]
    )
    client.post(
        f"/arrangements/{arrangement.pk}/lots/new/",
        {"title": "Building based", "service_types": ["building-based"], "areas": ["north"]},
    )
    page = client.get(f"/arrangements/{arrangement.pk}/").content.decode()
    assert "2 of 5 tasks completed" in page and f'href="/arrangements/{arrangement.pk}/status/"' in page


def test_the_answers_are_read_back_before_the_arrangement_is_created(commissioner_client):
    answers = {k: v for k, v in post_data().items() if k != "confirm"}
    check = commissioner_client.post("/arrangements/new/", answers).content.decode()
    assert "Check the arrangement before you create it" in check and "Change<span" in check
    assert not Arrangement.objects.exists()
    back = commissioner_client.post("/arrangements/new/", {**answers, "change": "title"}).content.decode()
    assert 'name="title"' in back and not Arrangement.objects.exists()
    assert commissioner_client.post("/arrangements/new/", {**answers, "confirm": "yes"}).status_code == 302
    assert Arrangement.objects.count() == 1
