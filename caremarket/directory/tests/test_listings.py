"""Listings made from the market: offered by an admission, written by the provider, approved or returned by the
council, public only when complete, gone the moment the provider is suspended."""

from __future__ import annotations

import pytest

from caremarket.arrangements import admissions
from caremarket.core.errors import ServiceError
from caremarket.core.models import AuditEvent
from caremarket.directory import selectors, services
from caremarket.directory.models import Listing, ListingChange
from caremarket.notifications.models import Notification
from tests.factories import CouncilFactory, UserFactory, reason_code

from .factories import GOOD, directory_market, listing_in

pytestmark = pytest.mark.django_db


def _one():
    council, commissioner, day, made = directory_market()
    provider, office, admission = made["Oakfield Day Centre"]
    return council, commissioner, provider, office, admission, Listing.objects.get(provider=provider)


def test_an_admission_offers_a_listing_started_from_what_the_council_knows_and_the_provider_is_told():
    council, commissioner, provider, office, admission, listing = _one()
    assert (listing.council, listing.service_type.code) == (council, "day-opportunities")
    assert (listing.age_min, listing.age_max) == (18, 64)  # as admitted
    assert listing.approved_at is None and not listing.complete
    assert Notification.objects.filter(recipient=office, kind="directory.listing_offered").count() == 1
    assert services.listings_offer() == []  # once: a second pass offers nothing more
    assert listing.pk not in selectors.public_ids()


def test_a_change_waits_for_the_council_which_approves_it_and_the_public_see_it_then():
    council, commissioner, provider, office, admission, listing = _one()
    change = services.listing_change_submit(listing=listing, actor=office, data=GOOD)
    assert change.status == "submitted"
    assert listing.pk not in selectors.public_ids()  # nothing public until approved
    assert Notification.objects.filter(recipient=commissioner, kind="directory.listing_submitted").exists()
    listing = services.listing_change_approve(change=change, actor=commissioner)
    assert listing.complete and listing.checked_on is not None
    assert (listing.name, listing.postcode, listing.price_pence, listing.days) == (
        "Oakfield life skills",
        "M33 7ZF",
        1850,
        "MO,WE,FR",
    )
    assert float(listing.latitude) == pytest.approx(53.425111)
    assert listing.pk in selectors.public_ids(council)
    assert Notification.objects.filter(recipient=office, kind="directory.listing_decided").exists()
    actions = set(AuditEvent.objects.filter(organisation=council).values_list("action", flat=True))
    assert {"listing_change.submitted", "listing_change.approved"} <= actions
    # a later change leaves the approved listing public as it was until it too is approved
    services.listing_change_submit(listing=listing, actor=office, data={**GOOD, "name": "Oakfield skills for life"})
    listing.refresh_from_db()
    assert listing.name == "Oakfield life skills" and listing.pk in selectors.public_ids()


def test_the_gate_holds_back_an_approved_listing_without_cost_or_contact_and_says_what_it_lacks():
    council, commissioner, provider, office, admission, listing = _one()
    listing = listing_in("held", listing, provider_user=office, commissioner=commissioner, email="", phone="")
    assert listing.approved_at is not None and not listing.complete
    assert {g.code for g in listing.gaps()} == {"cost", "contact"}
    assert listing.pk not in selectors.public_ids()
    told = Notification.objects.filter(recipient=office, kind="directory.listing_decided").latest("pk")
    assert "stays out of the directory" in told.body and "telephone" in told.body


def test_a_returned_change_has_a_reason_and_the_provider_reads_it(client):
    council, commissioner, provider, office, admission, listing = _one()
    change = services.listing_change_submit(listing=listing, actor=office, data=GOOD)
    with pytest.raises(ServiceError) as refused:
        services.listing_change_return(change=change, actor=commissioner, reason="  ")
    assert "reason" in refused.value.errors
    services.listing_change_return(change=change, actor=commissioner, reason="Say what a session costs")
    change.refresh_from_db()
    assert change.status == "returned" and change.reason == "Say what a session costs"
    with pytest.raises(ServiceError) as again:
        services.listing_change_approve(change=change, actor=commissioner)
    assert again.value.status == 409
    client.force_login(office)
    assert "Returned: see why" in client.get("/listings/").content.decode()
    page = client.get(f"/listings/{listing.pk}/").content.decode()
    assert "Returned by the council on" in page and "Say what a session costs" in page and "&lt;strong" not in page
    form = client.get(f"/listings/{listing.pk}/edit/").content.decode()
    assert 'value="Oakfield life skills"' in form  # what was sent, to correct rather than write again


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("postcode", "SALE1", "is not a postcode"),
        ("postcode", "M99 9ZZ", "cannot find the postcode M99 9ZZ"),
        ("age_max", "12", "oldest age must be the same as the youngest or older"),
        ("price", "18.555", "in pounds and pence"),
        ("price", "20000", "from £0 to £10,000"),
        ("closes_at", "08:00", "closing time must be after the opening time"),
        ("phone", "call me", "telephone number"),
        ("email", "not-an-email", "valid email"),
    ],
)
def test_bad_input_is_refused_field_by_field_and_nothing_is_saved(field, value, message):
    council, commissioner, provider, office, admission, listing = _one()
    with pytest.raises(ServiceError) as refused:
        services.listing_change_submit(listing=listing, actor=office, data={**GOOD, field: value})
    assert message in refused.value.errors[field]
    assert not ListingChange.objects.exists()


def test_a_suspended_provider_leaves_the_directory_at_once_and_returns_when_reinstated():
    council, commissioner, provider, office, admission, listing = _one()
    listing_in("public", listing, provider_user=office, commissioner=commissioner)
    assert listing.pk in selectors.public_ids()
    reason_code(council, "suspension", "insurance", "Insurance lapsed")
    admissions.admission_suspend(admission=admission, actor=commissioner, reason_code="insurance")
    assert listing.pk not in selectors.public_ids()
    admissions.admission_reinstate(admission=admission, actor=commissioner, reason="insured again")
    assert listing.pk in selectors.public_ids()
    provider.is_active = False
    provider.save(update_fields=["is_active"])
    assert listing.pk not in selectors.public_ids()


def test_another_organisation_cannot_reach_a_listing_or_a_change(client):
    council, commissioner, provider, office, admission, listing = _one()
    change = services.listing_change_submit(listing=listing, actor=office, data=GOOD)
    _, _, _, others = directory_market(providers={"Birchwood Support": {"age_min": 18, "age_max": 99}})
    stranger = others["Birchwood Support"][1]
    client.force_login(stranger)
    assert client.get(f"/listings/{listing.pk}/").status_code == 404
    assert client.post(f"/listings/{listing.pk}/edit/", {**GOOD, "confirm": "yes"}).status_code == 404
    other_commissioner = UserFactory(organisation=CouncilFactory(), roles=["commissioner"])
    client.force_login(other_commissioner)
    assert client.get(f"/directory/manage/changes/{change.pk}/").status_code == 404
    assert (
        client.post(f"/directory/manage/changes/{change.pk}/", {"decision": "approve", "confirm": "yes"}).status_code
        == 404
    )
    change.refresh_from_db()
    assert change.status == "submitted"


def test_the_provider_writes_checks_and_sends_its_listing_and_the_commissioner_approves_after_a_check_page(client):
    council, commissioner, provider, office, admission, listing = _one()
    client.force_login(office)
    page = client.get("/listings/")
    assert page.status_code == 200 and "Not written yet" in page.content.decode()
    checked = client.post(f"/listings/{listing.pk}/edit/", GOOD)
    assert "Check your listing" in checked.content.decode() and not ListingChange.objects.exists()
    sent = client.post(f"/listings/{listing.pk}/edit/", {**GOOD, "confirm": "yes"})
    assert sent.status_code == 302
    change = ListingChange.objects.get()
    client.force_login(commissioner)
    waiting = client.get("/directory/manage/")
    assert "Oakfield life skills" in waiting.content.decode()
    check = client.post(f"/directory/manage/changes/{change.pk}/", {"decision": "approve"})
    assert "Approve and publish" in check.content.decode()
    change.refresh_from_db()
    assert change.status == "submitted"  # the check page changed nothing
    done = client.post(f"/directory/manage/changes/{change.pk}/", {"decision": "approve", "confirm": "yes"})
    assert done.status_code == 302
    assert listing.pk in selectors.public_ids()


def test_postcode_centres_load_from_the_ons_directory_and_a_second_load_moves_only_what_moved(tmp_path):
    import io
    from pathlib import Path

    from django.core.management import CommandError, call_command

    from caremarket.directory.models import Postcode

    trafford = Path(__file__).resolve().parents[3].parent / "shared" / "data" / "geo" / "trafford_postcodes.csv"
    assert trafford.exists(), f"{trafford} is missing: real geography lives in ../shared/data/geo (see its README)"
    out = io.StringIO()
    call_command("import_postcodes", str(trafford), stdout=out)
    assert out.getvalue().strip() == "11,264 postcodes added, 0 moved, 0 rejected"
    assert float(Postcode.objects.get(postcode="WA15 8AB").latitude) == pytest.approx(53.38535)
    moved = tmp_path / "moved.csv"
    moved.write_text("pcds,lat,long\nwa158ab,53.4,-2.3\nnot a postcode,1,1\nM33 7ZF,95,0\n")
    call_command("import_postcodes", str(moved), stdout=(out := io.StringIO()))
    assert out.getvalue().strip() == "0 postcodes added, 1 moved, 2 rejected"
    bad = tmp_path / "bad.csv"
    bad.write_text("code,x,y\n")
    with pytest.raises(CommandError, match="no postcode column"):
        call_command("import_postcodes", str(bad), stdout=io.StringIO())


def test_the_days_work_lists_listings_to_write_changes_to_approve_and_new_enquiries():
    from caremarket.site.todo import to_do_for

    council, commissioner, provider, office, admission, listing = _one()

    def items(user):
        return {i.label: i.count for items in to_do_for(user, user.roles).values() for i in items}

    assert items(office)["Directory listings to write or complete"] == 1
    services.listing_change_submit(listing=listing, actor=office, data=GOOD)
    assert items(office)["Directory listings to write or complete"] == 0  # with the council now
    assert items(commissioner)["Directory listings waiting for your approval"] == 1
