"""Every page and every API route, walked by a second council and a second provider with every role of their
kind, using the first organisations' ids and ids beyond 64 bits: nothing of the first organisations is ever shown,
nothing of theirs changes, and nothing answers 500. Routes added later are walked too, so the tenancy guarantee
stays proven as the product grows."""

from __future__ import annotations

import json
import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from caremarket.accounts import services as accounts
from caremarket.accounts.models import ApiToken, Organisation
from caremarket.brokerage import competitions, placements, services
from caremarket.brokerage.models import CareRequest
from caremarket.brokerage.tests.factories import market
from caremarket.core.models import AuditEvent
from caremarket.domain.roles import OrganisationKind, Role
from caremarket.finance import delivery, rates, runs

pytestmark = pytest.mark.whole_product

BIG = "9" * 25
# what only the first council and its provider may ever read
MARKERS = ["Zqxbyrne", "outcome-marker-4417", "hold-marker-5521", "offer-marker-7731", "01234 567890"]
PUBLIC = {
    # arrangements taking applications are open to every provider by design: applying starts its own application
    "applications:start",
}


def _kind_roles(kind: OrganisationKind) -> list[str]:
    prefix = "provider_"
    return [r.value for r in Role if r.value.startswith(prefix) == (kind == OrganisationKind.PROVIDER)]


@pytest.fixture
def first(council, make_user):
    """The first council and provider, with a record of every kind the pages and API reach."""
    request, providers, broker, arrangement = market(council, make_user)
    person = request.person
    type(person).objects.filter(pk=person.pk).update(family_name="Zqxbyrne")
    CareRequest.objects.filter(pk=request.pk).update(outcomes="outcome-marker-4417")
    ash, ash_user = providers["Ash"]
    with transaction.atomic():
        locked = CareRequest.objects.select_for_update().get(pk=request.pk)
        placement = placements.placement_create(
            request=locked,
            provider=ash,
            route="cascade",
            actor=broker,
            admission=arrangement.admissions.get(provider=ash),
            agreed_price=Decimal("27.50"),
            price_unit="hour",
            reason="walk",
        )
    second = services.care_request_create(
        council=council,
        actor=broker,
        person=person,
        service_type="home-care",
        hours_per_week=Decimal(5),
        start_on=timezone.localdate() + timedelta(days=30),
        outcomes="outcome-marker-4417",
    )
    competition = competitions.competition_publish(
        request=second, actor=broker, closes_at=timezone.now() + timedelta(days=2), criteria="quality and price"
    )
    birch, birch_user = providers["Birch"]
    competitions.offer_submit(
        competition=competition,
        provider=birch,
        actor=birch_user,
        price=Decimal("26.00"),
        earliest_start_on=second.start_on,
        how_outcomes_met="offer-marker-7731",
    )
    finance = make_user(council, Role.FINANCE_OFFICER)
    rates.rate_create(
        council=council, actor=None, arrangement=arrangement, kind="set", unit="hour", amount="27.50",
        starts_on=date(2030, 1, 1),
    )  # fmt: skip
    runs.hold_create(council=council, actor=finance, reason="hold-marker-5521", placement=placement)
    run = runs.payment_run_create(
        council=council, actor=finance, period_start=date(2030, 6, 10), period_end=date(2030, 7, 7)
    )
    runs.payment_run_calculate(run=run, actor=finance)
    delivery.deliveries_upload(
        provider=ash,
        actor=ash_user,
        file_name="walk.csv",
        content=f"placement,date,start,end,carers\n{placement.pk},2030-06-11,08:00,09:00,1\n".encode(),
    )
    placements.hospital_admit(placement=placement, actor=broker, admitted_on=date(2030, 6, 20))
    accounts.api_token_create(
        organisation=council, name="first", roles=["broker"], actor=make_user(council, Role.BROKER)
    )
    return {"council": council, "provider": ash}


@pytest.fixture
def second_parties(make_user):
    council = accounts.organisation_create(kind=OrganisationKind.COUNCIL, name="Second County Council")
    provider = accounts.organisation_create(kind=OrganisationKind.PROVIDER, name="Second Care Ltd")
    parties = []
    for organisation in (council, provider):
        roles = _kind_roles(OrganisationKind(organisation.kind))
        user = accounts.user_create(
            organisation=organisation,
            email=f"everyone@{organisation.slug}.example",
            full_name="Every Role",
            roles=roles,
            password="walk-the-routes-2026",
        )
        secret = accounts.api_token_create(organisation=organisation, name="walk", roles=roles, actor=user).secret
        parties.append((user, secret))
    return parties


def _patterns(patterns, prefix=""):
    for p in patterns:
        if isinstance(p, URLResolver):
            route = prefix + str(p.pattern)
            if route.startswith(("api/", "installation-admin")):
                continue
            yield from _patterns(p.url_patterns, route)
        elif isinstance(p, URLPattern):
            yield prefix + str(p.pattern), p.name


def _fill(route: str, value: str) -> str:
    route = re.sub(r"<int:[a-z_]+>", value, route)
    route = re.sub(r"<(?:slug|str):[a-z_]+>", lambda m: "areas" if "kind" in m.group(0) else "csv", route)
    return "/" + route


def _ids(first) -> list[str]:
    top = max(
        AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 1,
        Organisation.objects.order_by("-pk").values_list("pk", flat=True).first() or 1,
    )
    return [str(n) for n in range(1, min(top, 12) + 1)] + [BIG]


def _first_log(first) -> int:
    return AuditEvent.objects.filter(organisation__in=[first["council"], first["provider"]]).count()


def _leaks(body: bytes) -> list[str]:
    text = body.decode("utf-8", errors="replace")
    return [m for m in MARKERS if m in text]


def test_every_page_as_every_role_of_a_second_organisation(first, second_parties):
    before = _first_log(first)
    problems, walked = [], 0
    for user, _ in second_parties:
        client = Client()
        client.force_login(user, backend="caremarket.accounts.backends.OrganisationUserBackend")
        for route, name in _patterns(get_resolver().url_patterns):
            for value in _ids(first) if "<int:" in route else [""]:
                path = _fill(route, value)
                for method in ("get", "post"):
                    response = getattr(client, method)(path)
                    walked += 1
                    where = f"{method.upper()} {path} ({user.organisation.kind})"
                    if response.status_code >= 500:
                        problems.append(f"{where}: {response.status_code}")
                    elif value == BIG and response.status_code == 200 and name not in PUBLIC:
                        problems.append(f"{where}: 200 for an id beyond 64 bits")
                    leaked = _leaks(response.content) if not getattr(response, "streaming", False) else []
                    if leaked:
                        problems.append(f"{where}: shows {leaked}")
    assert walked > 1000 and problems == []
    assert _first_log(first) == before, "a request of the second organisation changed the first's records"


def test_every_api_route_with_every_role_of_a_second_organisation(first, second_parties):
    before = _first_log(first)
    spec = Client().get("/api/v1/openapi.json").json()
    problems, walked = [], 0
    for _, secret in second_parties:
        client = Client()
        headers = {"Authorization": f"Bearer {secret}"}
        for path, operations in spec["paths"].items():
            values = _ids(first) if "{" in path else [""]
            for value in values:
                concrete = re.sub(r"\{[a-z_]+\}", value, path).replace("payments.{fmt}", "payments.csv")
                concrete = concrete.replace("{fmt}", "csv")
                for method in operations:
                    kwargs = {"headers": headers}
                    if method in {"post", "put", "patch"}:
                        kwargs.update(data=json.dumps({}), content_type="application/json")
                    response = getattr(client, method)(concrete, **kwargs)
                    walked += 1
                    where = f"{method.upper()} {concrete}"
                    if response.status_code >= 500:
                        problems.append(f"{where}: {response.status_code}")
                    leaked = _leaks(response.content)
                    if leaked:
                        problems.append(f"{where}: shows {leaked}")
    assert walked > 1000 and problems == []
    assert _first_log(first) == before, "a request of the second organisation changed the first's records"
    assert ApiToken.objects.filter(name="walk").count() == 2
