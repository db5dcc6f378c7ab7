"""Unmet need with its evidence: requests left unsourced in a service and area are shown with how long each has
waited, and the live framework covering them is offered for reopening, the unmet need written out on its window."""

import re
from datetime import timedelta

from django.utils import timezone

from caremarket.arrangements.models import ApplicationWindow
from caremarket.domain.roles import Role
from tests.factories import CareRequestFactory, CouncilFactory, home_care, live_arrangement


def test_unsourced_requests_show_unmet_need_and_reopen_the_framework(council, make_user, client):
    first = CareRequestFactory(council=council, state="unsourced")
    client.force_login(make_user(council, Role.COMMISSIONER))
    page = client.get("/insight/unmet-need/").content.decode()
    assert "No service and area shows unmet need now" in page  # one request is not yet a sign
    second = CareRequestFactory(council=council, state="unsourced")
    service, area = home_care(council)
    arrangement, _ = live_arrangement(
        council, reference="DOM-FF", mechanism="flexible_framework", service_types=[service], areas=[area]
    )
    page = client.get("/insight/unmet-need/").content.decode()
    assert "Home care in North" in page and "2 requests unsourced" in page
    assert first.reference in page and second.reference in page and "Reopen DOM-FF for this unmet need" in page
    link = re.search(r'href="(/arrangements/\d+/windows/new/\?[^"]+)"', page)[1].replace("&amp;", "&")
    form = client.get(link).content.decode()
    assert f"Home care in North: 2 requests unsourced: {first.reference}" in form
    closes = (timezone.localtime() + timedelta(days=28)).strftime("%Y-%m-%d %H:%M")
    summary = f"Home care in North: 2 requests unsourced: {first.reference} (0 days), {second.reference} (0 days)."
    made = client.post(
        f"/arrangements/{arrangement.pk}/windows/new/",
        {"reason": "unmet-need", "unmet_need": summary, "closes_at": closes},
    )
    assert made.status_code == 302
    window = ApplicationWindow.objects.get(arrangement=arrangement, reason="unmet-need")
    assert window.unmet_need == summary

    client.force_login(make_user(CouncilFactory(), Role.COMMISSIONER))  # another council's need is not theirs
    assert "Home care in North" not in client.get("/insight/unmet-need/").content.decode()
