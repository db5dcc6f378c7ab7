"""Permission checks, in one place: per role (domain.roles.GRANTS) and per organisation (tenancy)."""

from __future__ import annotations

from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied

from caremarket.domain.roles import Permission, Role, roles_allow


def principal_roles(principal: Any) -> frozenset[Role]:
    if principal is None:
        return frozenset()
    if hasattr(principal, "role_set"):  # an API token: the roles its person still holds, while it is active
        return principal.role_set if principal.is_active else frozenset()
    if not getattr(principal, "is_authenticated", False) or not principal.is_active:
        return frozenset()
    if principal.organisation_id is None or not principal.organisation.is_active:
        return frozenset()
    return principal.roles


def has_permission(principal: Any, permission: Permission) -> bool:
    return roles_allow(principal_roles(principal), permission)


def check_permission(principal: Any, permission: Permission) -> None:
    if not has_permission(principal, permission):
        raise PermissionDenied(f"You do not have permission to do this ({permission.value}).")


def permission_required(permission: Permission):
    """View decorator: signed in, in an organisation, holding a role that grants the permission."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            check_permission(request.user, permission)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def organisation_required(view):
    """View decorator: signed in as a member of an organisation (any role)."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not principal_roles(request.user):
            raise PermissionDenied("Your account has no organisation or role. Ask your organisation admin.")
        return view(request, *args, **kwargs)

    return wrapped


def signed_in_organisation(request):
    """The organisation a request acts for: its API token's, else the signed-in person's (None if neither)."""
    token = getattr(request, "auth", None)
    if token is not None and hasattr(token, "organisation"):
        return token.organisation
    user = getattr(request, "user", None)
    return user.organisation if user is not None and user.is_authenticated else None


def _signed_in(request, kind: str, what: str):
    from django.http import Http404

    organisation = signed_in_organisation(request)
    if organisation is not None and organisation.kind == kind:
        return organisation
    if getattr(request, "auth", None) is not None:  # a machine client: say what the token cannot do
        other = "provider" if kind == "council" else "council"
        raise PermissionDenied(f"{what} is for {kind}s; this token is a {other}'s.")
    raise Http404(f"{what} is for {kind}s")  # a page that does not exist for the other kind


def signed_in_council(request, what: str = "This"):
    """The council the request acts for; a provider gets 404 on a page and 403 by the API."""
    return _signed_in(request, "council", what)


def signed_in_provider(request, what: str = "This"):
    """The provider the request acts for; a council gets 404 on a page and 403 by the API."""
    return _signed_in(request, "provider", what)
