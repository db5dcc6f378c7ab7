"""The organisation's people for machine clients (an HR or identity system): list, invite, change roles, deactivate.
API tokens are made and revoked only in the browser, by a person signed in: a token never makes another token."""

from __future__ import annotations

from datetime import datetime

from ninja import Field, File, Router, Schema
from ninja.files import UploadedFile

from caremarket.accounts.api_auth import acting_person, require
from caremarket.domain.roles import Permission

from . import selectors, services

router = Router(tags=["organisation"])


class UserIn(Schema):
    email: str
    full_name: str
    roles: list[str]
    job_title: str = ""


class RolesIn(Schema):
    roles: list[str]


class UserOut(Schema):
    id: int
    email: str
    full_name: str
    job_title: str
    is_active: bool
    roles: list[str]

    @staticmethod
    def resolve_roles(obj) -> list[str]:
        return sorted(r.value for r in obj.roles)


@router.get("/people", response=list[UserOut])
def people(request):
    require(request, Permission.USERS_READ)
    return selectors.user_list(organisation=request.auth.organisation)


class InvitationOut(Schema):
    id: int
    email: str
    full_name: str
    job_title: str
    roles: list[str]
    status: str
    created_at: datetime
    expires_at: datetime


@router.get("/invitations", response=list[InvitationOut])
def invitations(request):
    """Invitations waiting for an answer."""
    require(request, Permission.USERS_READ)
    return selectors.invitation_list(organisation=request.auth.organisation)


@router.post("/invitations", response={201: InvitationOut})
def invite(request, payload: UserIn):
    """Invite a person: they are emailed a link to accept and choose their own password, and appear under
    /people once they have. Waiting invitations look alike whatever the address."""
    require(request, Permission.USERS_MANAGE)
    base_url = request.build_absolute_uri("/")
    return 201, services.invitation_create(
        organisation=request.auth.organisation, actor=acting_person(request), base_url=base_url, **payload.dict()
    )


@router.post("/invitations/{invitation_id}/withdrawal", response=InvitationOut)
def withdraw_invitation(request, invitation_id: int):
    require(request, Permission.USERS_MANAGE)
    invitation = selectors.invitation_get(organisation=request.auth.organisation, pk=invitation_id)
    return services.invitation_withdraw(invitation=invitation, actor=acting_person(request))


@router.put("/people/{user_id}/roles", response=UserOut)
def set_roles(request, user_id: int, payload: RolesIn):
    require(request, Permission.USERS_MANAGE)
    person = selectors.user_get(organisation=request.auth.organisation, pk=user_id)
    services.user_roles_set(user=person, roles=payload.roles, actor=acting_person(request))
    return selectors.user_get(organisation=request.auth.organisation, pk=user_id)


class DeactivateIn(Schema):
    reason: str


@router.post("/people/{user_id}/deactivation", response=UserOut)
def deactivate(request, user_id: int, payload: DeactivateIn):
    """A leaver: no more sign-in, sessions and tokens ended, history kept."""
    require(request, Permission.USERS_MANAGE)
    person = selectors.user_get(organisation=request.auth.organisation, pk=user_id)
    return services.user_deactivate(user=person, actor=acting_person(request), reason=payload.reason)


class LogoOut(Schema):
    url: str | None = Field(None, description="The logo as the header shows it (a PNG), or none")


def _logo(organisation) -> dict:
    from django.urls import reverse

    if not organisation.logo_width:
        return {"url": None}
    return {"url": f"{reverse('accounts:logo-image', args=[organisation.pk])}?v={organisation.logo_changed_at:%s}"}


@router.post("/logo", response=LogoOut)
def logo_set(request, logo: UploadedFile = File(...)):
    """The organisation's logo in the header: a PNG or JPEG up to 512 KB, re-drawn as a PNG."""
    require(request, Permission.USERS_MANAGE)
    organisation = request.auth.organisation
    return _logo(services.organisation_logo_set(organisation=organisation, actor=request.auth, content=logo.read()))


@router.post("/logo/removal", response=LogoOut)
def logo_remove(request):
    require(request, Permission.USERS_MANAGE)
    organisation = request.auth.organisation
    return _logo(services.organisation_logo_set(organisation=organisation, actor=request.auth, content=None))
