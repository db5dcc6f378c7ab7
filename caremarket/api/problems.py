"""Errors as RFC 9457 problem details (application/problem+json)."""

from __future__ import annotations

from http import HTTPStatus

from django.core.exceptions import PermissionDenied
from django.db import DataError
from django.http import Http404, JsonResponse
from ninja.errors import AuthenticationError, HttpError, ValidationError

from caremarket.core.errors import ServiceError
from caremarket.core.middleware import is_out_of_range


def problem(
    status: int, detail: str, *, errors: list[dict] | None = None, title: str | None = None, extra: dict | None = None
) -> JsonResponse:
    body = {
        "type": "about:blank",
        "title": title or HTTPStatus(status).phrase,
        "status": status,
        "detail": detail,
    }
    if errors:
        body["errors"] = errors
    body.update(extra or {})
    return JsonResponse(body, status=status, content_type="application/problem+json")


def register(api) -> None:
    @api.exception_handler(ServiceError)
    def service_error(request, exc: ServiceError):
        errors = [{"field": field, "message": message} for field, message in exc.errors.items()]
        # a rejected file says what is wrong with its rows, grouped by problem
        problems = getattr(exc, "problems", None)
        return problem(exc.status, str(exc), errors=errors, extra={"problems": problems} if problems else None)

    @api.exception_handler(ValidationError)
    def validation_error(request, exc: ValidationError):
        errors = []
        for err in exc.errors:
            loc = [str(part) for part in err.get("loc", []) if part not in ("body", "payload", "query", "path")]
            errors.append({"field": ".".join(loc) or "__all__", "message": err.get("msg", "Invalid value")})
        return problem(422, "The request has invalid fields.", errors=errors)

    @api.exception_handler(AuthenticationError)
    def auth_error(request, exc):
        response = problem(401, "Send a valid, unrevoked API token: 'Authorization: Bearer cm_…'.")
        response["WWW-Authenticate"] = 'Bearer realm="caremarket"'
        return response

    @api.exception_handler(PermissionDenied)
    def forbidden(request, exc):
        return problem(403, str(exc) or "You may not do this.")

    @api.exception_handler(Http404)
    def not_found(request, exc):
        return problem(404, "No such record in your organisation.")

    @api.exception_handler(OverflowError)
    def overflow(request, exc):
        return problem(404, "No such record in your organisation.")

    @api.exception_handler(DataError)
    def data_error(request, exc):
        if is_out_of_range(exc):
            return problem(404, "No such record in your organisation.")
        raise exc

    @api.exception_handler(HttpError)
    def http_error(request, exc: HttpError):
        return problem(exc.status_code, str(exc))
