"""Actions that end placements or bind the council are checked on a page that says what will happen first."""

from .test_placements import _placed


def test_a_failed_providers_placements_end_only_after_the_check_page_is_confirmed(council, make_user, login):
    from caremarket.brokerage.models import Placement
    from caremarket.reference import services as reference

    placement, broker, providers = _placed(council, make_user)
    ash, _ = providers["Ash"]
    reference.reason_code_create(council=council, actor=None, kind="ending", code="left", name="Left the market")
    client = login(broker)
    fields = {"provider": ash.pk, "ends_on": "2030-07-31", "reason_code": "left"}
    check = client.post("/brokerage/placements/provider-failure/", fields).content.decode()
    assert "1 placements with Ash end on 31 July 2030" in check and str(placement.person) in check
    assert Placement.objects.get(pk=placement.pk).status == "active"  # nothing changed yet
    done = client.post("/brokerage/placements/provider-failure/", {**fields, "confirm": "yes"})
    assert done.status_code == 302
    assert Placement.objects.get(pk=placement.pk).status == "ended"
    again = client.post("/brokerage/placements/provider-failure/", {**fields, "confirm": "yes"}).content.decode()
    assert "no active placements" in again  # a second submission does nothing
