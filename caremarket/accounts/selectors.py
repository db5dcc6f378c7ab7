from __future__ import annotations

from caremarket.core.tenancy import get_for_organisation_or_404

from .models import ApiToken, Invitation, Organisation, User


def api_token_list(*, organisation: Organisation):
    return ApiToken.objects.for_organisation(organisation).select_related("created_by", "revoked_by")


def api_token_get(*, organisation: Organisation, pk) -> ApiToken:
    return get_for_organisation_or_404(ApiToken.objects.all(), organisation, pk=pk)


def user_get(*, organisation: Organisation, pk) -> User:
    return get_for_organisation_or_404(User.objects.prefetch_related("role_grants"), organisation, pk=pk)


def user_list(*, organisation: Organisation):
    return User.objects.for_organisation(organisation).prefetch_related("role_grants").order_by("full_name")


def invitation_list(*, organisation: Organisation):
    """Invitations still waiting for an answer, newest first."""
    return Invitation.objects.for_organisation(organisation).waiting().select_related("invited_by")


def invitation_get(*, organisation: Organisation, pk) -> Invitation:
    return get_for_organisation_or_404(Invitation.objects.all(), organisation, pk=pk)


def organisation_logo(*, pk: int) -> bytes | None:
    """An organisation's logo as shown in the header (logos are public, like the name beside them)."""
    from .models import Organisation

    found = Organisation.objects.filter(pk=pk, logo_width__gt=0).values_list("logo", flat=True).first()
    return bytes(found) if found else None


def council_get(*, pk) -> Organisation:
    """A council by its id (a provider naming the council whose care a complaint concerns)."""
    from django.http import Http404

    from caremarket.domain.roles import OrganisationKind

    found = Organisation.objects.filter(kind=OrganisationKind.COUNCIL, pk=pk).first() if str(pk).isdigit() else None
    if found is None:
        raise Http404("No such council")
    return found


def council_by_slug(slug: str) -> Organisation:
    """An active council by the slug in a public address (its directory, its market position), or 404."""
    from django.http import Http404

    found = Organisation.objects.filter(slug=slug, kind="council", is_active=True).first()
    if found is None:
        raise Http404("No such council")
    return found
