"""The Open Referral UK endpoints: open data, no key, any origin; a bad parameter is a 400 problem naming it."""

from __future__ import annotations

from functools import wraps

from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt

from caremarket.api.problems import problem
from caremarket.domain import directory as rules

from . import oruk, selectors
from .models import Listing


def _open(view):
    """Open data: any origin may read it, a preflight is answered, any other method is a 405 problem (the feed
    changes nothing, so it needs no CSRF token)."""

    @csrf_exempt
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if request.method == "OPTIONS":
            answer = HttpResponse(status=204)
            answer["Access-Control-Allow-Methods"] = "GET, HEAD, OPTIONS"
            answer["Access-Control-Allow-Headers"] = "Accept, Content-Type"
            answer["Access-Control-Max-Age"] = "86400"
        elif request.method not in ("GET", "HEAD"):
            answer = problem(405, f"The feed is read only: {request.method} is not allowed")
            answer["Allow"] = "GET, HEAD, OPTIONS"
        else:
            try:
                answer = view(request, *args, **kwargs)
            except oruk.FeedError as exc:
                answer = problem(400, str(exc), errors=[{"field": exc.parameter, "message": str(exc)}])
            except Http404 as exc:
                answer = problem(404, str(exc) or "Not found")
            answer["Cache-Control"] = "public, max-age=60"
        answer["Access-Control-Allow-Origin"] = "*"
        return answer

    return wrapped


def _base(request) -> str:
    return request.build_absolute_uri("/").rstrip("/")


def _json(body: dict) -> JsonResponse:
    return JsonResponse(body, json_dumps_params={"ensure_ascii": False})


@_open
def index(request):
    return _json({"version": rules.ORUK_VERSION, "profile": rules.ORUK_PROFILE, "openapi_url": rules.ORUK_OPENAPI})


def _profiles(listings):
    return selectors.profiles_of(listing.provider_id for listing in listings)


def _listings_page(request, *, with_place: bool, render) -> JsonResponse:
    """A page of what the query finds, each record rendered with its provider's profile."""
    body = oruk.page(request.GET, oruk.found(request.GET, with_place=with_place))
    profiles = _profiles(body["contents"])
    base = _base(request)
    body["contents"] = [render(x, profiles.get(x.provider_id), base) for x in body["contents"]]
    return _json(body)


@_open
def services(request):
    return _listings_page(request, with_place=False, render=oruk.service_list_json)


def _listing(key: str):
    try:
        return selectors.public_listings().get(uuid=key)
    except (Listing.DoesNotExist, ValidationError, ValueError) as exc:  # a malformed id is as unknown as a wrong one
        raise Http404(f"No service has the id {key}") from exc


@_open
def service(request, key: str):
    listing = _listing(key)
    return _json(oruk.service_json(listing, selectors.profile_of(listing.provider), _base(request)))


@_open
def taxonomies(request):
    return _json(oruk.page(request.GET, sorted(oruk.TAXONOMIES), oruk.taxonomy_json))


@_open
def taxonomy(request, key: str):
    if key not in oruk.TAXONOMIES:
        raise Http404(f"No taxonomy has the id {key}")
    record = oruk.taxonomy_json(key)
    record["taxonomy_terms"] = [oruk.term_json(t) for t in oruk.terms() if t.taxonomy_id == key]
    return _json(record)


@_open
def taxonomy_terms(request):
    return _json(oruk.page(request.GET, oruk.terms(), oruk.term_json))


@_open
def taxonomy_term(request, key: str):
    for term in oruk.terms():
        if term.id == key:
            return _json(oruk.term_json(term))
    raise Http404(f"No taxonomy term has the id {key}")


@_open
def service_at_locations(request):
    return _listings_page(
        request,
        with_place=True,
        render=lambda listing, profile, base: oruk.service_at_location_json(listing, profile, base, full=False),
    )


@_open
def service_at_location(request, key: str):
    try:
        listing = selectors.public_listings().get(location_uuid=key)
    except (Listing.DoesNotExist, ValidationError, ValueError) as exc:
        raise Http404(f"No service at a location has the id {key}") from exc
    profile = selectors.profile_of(listing.provider)
    return _json(oruk.service_at_location_json(listing, profile, _base(request), full=True))
