"""The broker's queue is a list people can work through: open requests by default, starting soonest first,
found by name, postcode or number, fifty to a page."""

import re

from caremarket.domain.roles import Role
from tests.factories import CareRequestFactory, PersonFactory, UserFactory


def _listed(page: str) -> list[str]:
    return re.findall(r'href="/brokerage/requests/(\d+)/"', page)


def test_the_queue_shows_open_requests_by_default_and_finds_by_name_postcode_and_number(council, login):
    broker = login(UserFactory(organisation=council, roles=[Role.BROKER]))
    placed = CareRequestFactory(council=council, state="placed")
    waiting = CareRequestFactory(council=council, state="unsourced")
    edna = PersonFactory(council=council, given_name="Edna", family_name="Sutcliffe", postcode="WM1 2AB")
    hers = CareRequestFactory(council=council, state="sourcing", person=edna)
    default = _listed(broker.get("/brokerage/").content.decode())
    assert str(placed.pk) not in default and {str(waiting.pk), str(hers.pk)} <= set(default)
    assert str(placed.pk) in _listed(broker.get("/brokerage/?status=any").content.decode())
    for q in ("sutcliffe", "Edna Sut", "WM1 2AB", str(hers.pk)):
        assert _listed(broker.get("/brokerage/", {"q": q}).content.decode()) == [str(hers.pk)], q


def test_a_long_queue_is_paged_fifty_at_a_time_keeping_its_filters(council, login):
    broker = login(UserFactory(organisation=council, roles=[Role.BROKER]))
    made = [CareRequestFactory(council=council, state="sourcing") for _ in range(53)]
    first = broker.get("/brokerage/?status=sourcing").content.decode()
    second = broker.get("/brokerage/?status=sourcing&page=2").content.decode()
    assert len(_listed(first)) == 50 and len(_listed(second)) == 3
    assert set(_listed(first)) | set(_listed(second)) == {str(r.pk) for r in made}
    assert "53 requests, 1 to 50 shown" in first and 'href="?status=sourcing&amp;page=2"' in first
