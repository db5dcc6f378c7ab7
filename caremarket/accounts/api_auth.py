from __future__ import annotations

from django.core.exceptions import PermissionDenied
from ninja.security import HttpBearer

from caremarket.accounts.services import api_token_authenticate
from caremarket.core.permissions import check_permission
from caremarket.domain.roles import Permission


class ApiTokenAuth(HttpBearer):
    """`Authorization: Bearer cm_…`: a token of one organisation, acting with the roles it was given."""

    openapi_scheme = "bearer"

    def authenticate(self, request, token: str):
        api_token = api_token_authenticate(secret=token)
        if api_token is None:
            return None
        request.api_token = api_token
        request.organisation = api_token.organisation
        return api_token


def require(request, permission: Permission) -> None:
    try:
        check_permission(request.auth, permission)
    except PermissionDenied as exc:
        raise PermissionDenied(
            f"This token's roles ({', '.join(request.auth.roles) or 'none'}) do not allow {permission.value}."
        ) from exc


def acting_person(request):
    """The person an API token acts for: scores, decisions and changes to people are a person's, never a token's."""
    from caremarket.core.audit import describe_actor

    user = describe_actor(request.auth)[0]
    if user is None:
        raise PermissionDenied("This token acts for nobody who may do this")
    return user
