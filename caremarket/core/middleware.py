import re
import uuid

from django.db import DataError
from django.http import Http404

from .audit import RequestContext, request_context

# A client's X-Request-Id is kept only when it is a plain id; anything else is replaced by one of ours, so no
# client can write what it likes into the audit log.
REQUEST_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,63}")


def request_id_of(request) -> str:
    given = request.headers.get("X-Request-Id", "")
    return given if REQUEST_ID.fullmatch(given) else uuid.uuid4().hex


def client_address(request) -> str:
    """The address the server saw; behind a proxy, the proxy sets REMOTE_ADDR from what it trusts."""
    return request.META.get("REMOTE_ADDR") or ""


def is_out_of_range(exc: BaseException) -> bool:
    """An id no row can have (beyond 64 bits): SQLite raises OverflowError, PostgreSQL a DataError."""
    return isinstance(exc, OverflowError) or (isinstance(exc, DataError) and "out of range" in str(exc))


class AuditContextMiddleware:
    """Makes the client's address and a request id available to audit records written during a request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.request_id = request_id_of(request)
        token = request_context.set(
            RequestContext(ip_address=client_address(request) or None, request_id=request.request_id)
        )
        try:
            response = self.get_response(request)
        finally:
            request_context.reset(token)
        response["X-Request-Id"] = request.request_id
        return response


class OutOfRangeIdMiddleware:
    """An id beyond what the database can hold names nothing: 404, as for any other unknown id."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if is_out_of_range(exception):
            raise Http404("No such record")
        return
