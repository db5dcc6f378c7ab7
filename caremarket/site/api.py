"""The versioned JSON API's root: /api/v1/, described at /api/v1/openapi.json. Each app brings its router; this
composition root mounts them."""

from __future__ import annotations

from datetime import datetime

from ninja import NinjaAPI, Schema

from caremarket.accounts.api_auth import ApiTokenAuth, acting_person
from caremarket.api import problems
from caremarket.core.jobs import JobOut, job_get

from .todo import to_do_for

api = NinjaAPI(
    title="Caremarket API",
    version="1",
    description=(
        "The same capabilities as the browser, for machine clients. Authenticate with an API token created by "
        "your organisation admin: `Authorization: Bearer cm_…`. Every request sees only the token's organisation. "
        "Errors are problem details (RFC 9457). Every POST accepts an `Idempotency-Key` header: a retry with the "
        "same key and body gets the first response again (`Idempotent-Replayed: true`) and changes nothing."
    ),
    auth=ApiTokenAuth(),
    urls_namespace="api-v1",
    openapi_url="/openapi.json",
    docs_url="/docs",
)
problems.register(api)


class MeOut(Schema):
    organisation: str
    organisation_kind: str
    token_name: str
    roles: list[str]


@api.get("/me", response=MeOut, tags=["auth"], summary="Who the token acts for")
def me(request):
    token = request.auth
    return {
        "organisation": token.organisation.name,
        "organisation_kind": token.organisation.kind,
        "token_name": token.name,
        "roles": token.roles,
    }


@api.get("/jobs/{job_id}", response=JobOut, tags=["auth"], summary="How far a piece of long work has got")
def job(request, job_id: int):
    """A payment run's calculation and other long work started by the organisation: poll until it is done."""
    return job_get(organisation=request.auth.organisation, pk=job_id)


class ToDoRowOut(Schema):
    text: str
    href: str
    when: datetime | None
    when_label: str


class ToDoItemOut(Schema):
    role: str
    label: str
    count: int
    href: str
    rows: list[ToDoRowOut]


@api.get("/to-do", response=list[ToDoItemOut], tags=["auth"], summary="What waits for the token's person")
def to_do(request):
    """The home page's to-do list by machine: for each of the token's roles, what waits, each linking where it
    is done."""
    person = acting_person(request)
    return [
        {"role": role.value, **vars(item)}
        for role, items in to_do_for(person, request.auth.role_set).items()
        for item in items
    ]


from caremarket.accounts.api import router as accounts_router  # noqa: E402
from caremarket.arrangements.api import router as arrangements_router  # noqa: E402
from caremarket.arrangements.applications_api import router as applications_router  # noqa: E402
from caremarket.brokerage.api import router as brokerage_router  # noqa: E402
from caremarket.directory.api import router as directory_router  # noqa: E402
from caremarket.finance.api import router as finance_router  # noqa: E402
from caremarket.insight.api import router as insight_router  # noqa: E402
from caremarket.notifications.api import router as notifications_router  # noqa: E402
from caremarket.quality.api import router as quality_router  # noqa: E402
from caremarket.reference.api import router as reference_router  # noqa: E402

api.add_router("/organisation", accounts_router)
api.add_router("/reference", reference_router)
api.add_router("/", arrangements_router)
api.add_router("/", applications_router)
api.add_router("/", brokerage_router)
api.add_router("/", finance_router)
api.add_router("/", notifications_router)
api.add_router("/", quality_router)
api.add_router("/insight", insight_router)
api.add_router("/", directory_router)
