"""The public directory: search by what, where, who and when; bad input answered plainly; enquiries delivered by the
worker, limited, and forgotten on time; nothing private shown."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from caremarket.directory import services
from caremarket.directory.models import Enquiry, EnquiryCount, Listing
from caremarket.notifications.models import Notification

from .factories import listing_in

pytestmark = pytest.mark.django_db


def _names(page) -> list[str]:
    return re.findall(
        r'<h3 class="govuk-heading-s[^"]*"><a class="govuk-link" href="[^"]+">([^<]+)</a>', page.content.decode()
    )


def _miles(page) -> list[float]:
    return [float(m) for m in re.findall(r"([\d.]+) miles away", page.content.decode())]


def test_nearest_first_with_distance_and_the_held_back_listing_nowhere(client, directory):
    council, listings, _ = directory
    page = client.get(f"/directory/{council.slug}/", {"postcode": "m33 7zf"})
    assert page.status_code == 200
    assert _names(page) == ["Oakfield life skills", "Birchwood community support", "Cedar Lodge play and skills"]
    miles = _miles(page)
    assert miles[0] == pytest.approx(0, abs=0.01) and miles[1] == pytest.approx(2.0, abs=0.2)
    assert "Damson House" not in page.content.decode()
    within = client.get(f"/directory/{council.slug}/", {"postcode": "M33 7ZF", "distance": "2.5"})
    assert _names(within) == ["Oakfield life skills", "Birchwood community support"]


def test_a_parent_finds_open_access_life_skills_for_a_19_year_old(client, directory):
    council, listings, _ = directory
    page = client.get(f"/directory/{council.slug}/", {"age": "19", "needs": "one-to-one", "day": "WE", "time": "10:00"})
    assert _names(page) == ["Oakfield life skills"]
    children = client.get(f"/directory/{council.slug}/", {"age_group": "children"})
    assert _names(children) == ["Cedar Lodge play and skills", "Oakfield life skills"]  # 16 and 17 are children
    adults = client.get(f"/directory/{council.slug}/", {"age_group": "adults"})
    assert _names(adults) == ["Birchwood community support", "Oakfield life skills"]
    transport = client.get(f"/directory/{council.slug}/", {"needs": "transport"})
    assert _names(transport) == ["Birchwood community support"]
    service = client.get(f"/directory/{council.slug}/services/{listings['Oakfield Day Centre'].uuid}/")
    body = service.content.decode()
    assert "£18.50 a session" in body and "0161 496 0000" in body and "16 to 25" in body
    assert "Monday, Wednesday, Friday, 09:30 to 15:30" in body


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"postcode": "M99 9ZZ"}, "cannot find the postcode M99 9ZZ"),
        ({"postcode": "hello"}, "is not a postcode"),
        ({"postcode": "M33 7ZF", "distance": "500"}, "less than or equal to 50"),
        ({"distance": "5"}, "Enter a postcode to search within a distance"),
        ({"age": "old"}, "Enter a whole number"),
        ({"page": "9"}, "There are only 1 pages"),
        ({"page": "-3"}, "greater than or equal to 1"),
        ({"day": "Funday"}, "Select a valid choice"),
    ],
)
def test_bad_search_input_is_a_clear_message_never_a_server_error(client, directory, query, message):
    council, _, _ = directory
    page = client.get(f"/directory/{council.slug}/", query)
    assert page.status_code == 400
    assert message in page.content.decode()


def test_an_enquiry_is_delivered_by_the_worker_counted_limited_and_forgotten(
    client, directory, django_capture_on_commit_callbacks
):
    council, listings, made = directory
    listing = listings["Oakfield Day Centre"]
    office = made["Oakfield Day Centre"][1]
    url = f"/directory/{council.slug}/services/{listing.uuid}/"
    with django_capture_on_commit_callbacks(execute=True):
        sent = client.post(url, {"name": "Sam", "email": "sam@example.com", "message": "Is there a place on Mondays?"})
    assert sent.status_code == 302
    enquiry = Enquiry.objects.get()
    assert enquiry.delivered_at is not None  # the worker's task ran (at once, in tests)
    told = Notification.objects.get(recipient=office, kind="directory.enquiry")
    assert "Mondays" not in told.body and "sam@example.com" not in told.body  # the email says where, not what
    assert EnquiryCount.objects.get(council=council).enquiries == 1
    assert EnquiryCount.objects.get(council=council).area.code == "sale"
    client.force_login(office)
    read = client.get(f"/listings/enquiries/{enquiry.pk}/")
    assert "Is there a place on Mondays?" in read.content.decode()
    client.logout()
    # a real person needs a way back
    refused = client.post(url, {"name": "Sam", "message": "Hello"})
    assert refused.status_code == 400 and "Give an email address or a telephone number" in refused.content.decode()
    # a bot fills the hidden field
    bot = client.post(url, {"name": "x", "email": "x@example.com", "message": "buy", "website": "spam.example"})
    assert bot.status_code == 400
    for n in range(4):
        assert client.post(url, {"name": "Sam", "phone": "0161 496 0001", "message": f"Again {n}"}).status_code == 302
    limited = client.post(url, {"name": "Sam", "phone": "0161 496 0001", "message": "Once more"})
    assert limited.status_code == 429 and "Wait an hour" in limited.content.decode()
    # another person (another address) is not stopped by the first one's limit
    other = client.post(url, {"name": "Jo", "email": "jo@example.com", "message": "Hi"}, REMOTE_ADDR="192.0.2.8")
    assert other.status_code == 302
    assert Enquiry.objects.count() == 6
    assert services.enquiries_forget(today=timezone.localdate() + timedelta(days=90)) == 0
    assert services.enquiries_forget(today=timezone.localdate() + timedelta(days=91)) == 6
    assert not Enquiry.objects.exists() and EnquiryCount.objects.get(council=council).enquiries == 6
    from caremarket.core.models import AuditEvent

    deleted = AuditEvent.objects.get(organisation=listing.provider, action="enquiries.deleted")
    assert deleted.after == {"enquiries": 6} and "kept 90 days" in deleted.reason
    # market insight reads them as self-funder demand, by service and area
    from caremarket.domain import insight
    from caremarket.insight.market import self_funder_enquiries

    table = self_funder_enquiries(council, insight.financial_year(timezone.localdate()))
    assert table.rows == [["Day opportunities", "Sale", 6], ["Total", "", 6]]


def test_nothing_private_is_public(client, directory):
    council, listings, made = directory
    held = listings["Damson House"]
    assert client.get(f"/directory/{council.slug}/services/{held.uuid}/").status_code == 404
    page = client.get(f"/directory/{council.slug}/", {"postcode": "M33 7ZF"}).content.decode()
    admission = made["Oakfield Day Centre"][2]
    assert f"{admission.price}" not in page  # the council's contract price is not the self-funder price
    assert "Ada" not in page


def test_a_provider_flooded_with_enquiries_takes_no_more_that_day_while_others_still_do(client, directory):
    council, listings, _ = directory
    oak, birch = listings["Oakfield Day Centre"], listings["Birchwood Support"]
    Enquiry.objects.bulk_create(
        Enquiry(
            council=council, listing=oak, provider=oak.provider, name="x", email="x@example.com", message="x",
            sender_key=f"k{n}", delete_after=timezone.localdate() + timedelta(days=90),
        )
        for n in range(50)
    )  # fmt: skip
    form = {"name": "Sam", "email": "sam@example.com", "message": "Hello"}
    flooded = client.post(f"/directory/{council.slug}/services/{oak.uuid}/", form)
    assert flooded.status_code == 429 and "Try again tomorrow, or telephone them" in flooded.content.decode()
    assert client.post(f"/directory/{council.slug}/services/{birch.uuid}/", form).status_code == 302


def test_the_directory_index_lists_each_council_with_a_directory(client, directory):
    from caremarket.directory.tests.factories import directory_market as another

    council = directory[0]
    assert client.get("/directory/")["Location"] == f"/directory/{council.slug}/"  # one council: straight there
    second, commissioner, _, made = another(providers={"Elm House": {"age_min": 18, "age_max": 99}})
    provider, office, _ = made["Elm House"]
    listing_in("public", Listing.objects.get(provider=provider), provider_user=office, commissioner=commissioner)
    page = client.get("/directory/").content.decode()
    assert council.name in page and second.name in page
    assert client.get("/directory/no-such-council/").status_code == 404


def test_the_public_are_told_whom_to_tell_about_the_service(client, directory):
    council = directory[0]
    page = client.get(f"/directory/{council.slug}/").content.decode()
    assert f"Tell {council.name} what works" in page and "organisation admin" not in page
