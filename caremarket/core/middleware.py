import uuid

from .audit import RequestContext, request_context


class AuditContextMiddleware:
    """Makes the client's address and a request id available to audit records written during a request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.request_id = request.headers.get("X-Request-Id", "")[:64] or uuid.uuid4().hex
        token = request_context.set(
            RequestContext(ip_address=request.META.get("REMOTE_ADDR") or None, request_id=request.request_id)
        )
        try:
            response = self.get_response(request)
        finally:
            request_context.reset(token)
        response["X-Request-Id"] = request.request_id
        return response
