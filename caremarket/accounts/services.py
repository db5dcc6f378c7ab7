"""Writes for organisations, people, sign-in and API tokens. Every change is audited in the same transaction."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.text import slugify

from caremarket.core.audit import audit_record, changes_save, snapshot
from caremarket.core.errors import ServiceError
from caremarket.domain.roles import OrganisationKind, Role, RoleError, check_roles_for_kind, parse_role

from .models import ApiToken, Invitation, Organisation, RoleGrant, User


@transaction.atomic
def organisation_create(
    *,
    kind: OrganisationKind,
    name: str,
    actor=None,
    ons_code: str = "",
    contact_email: str = "",
    in_house_of: Organisation | None = None,
) -> Organisation:
    """A council or a provider; a provider may be a council's own service (`in_house_of`)."""
    name = name.strip()
    if not name:
        raise ServiceError({"name": "Enter the organisation's name"})
    if in_house_of is not None and (kind != OrganisationKind.PROVIDER or not in_house_of.is_council):
        raise ServiceError({"in_house_of": "Only a provider can be a council's own service"})
    if Organisation.objects.filter(name__iexact=name).exists():
        raise ServiceError({"name": f"An organisation called '{name}' already exists"})
    organisation = Organisation.objects.create(
        kind=kind.value,
        name=name,
        slug=slugify(name)[:80],
        ons_code=ons_code,
        contact_email=contact_email,
        in_house_of=in_house_of,
    )
    audit_record(
        actor=actor,
        organisation=organisation,
        action="organisation.created",
        target=organisation,
        after=snapshot(organisation),
    )
    return organisation


def _parse_roles(roles: list[str] | set[str] | frozenset[Role], kind: str) -> frozenset[Role]:
    try:
        parsed = frozenset(parse_role(str(role)) for role in roles)
        check_roles_for_kind(parsed, OrganisationKind(kind))
    except RoleError as exc:
        raise ServiceError({"roles": str(exc)}) from exc
    return parsed


@transaction.atomic
def user_create(
    *,
    organisation: Organisation,
    email: str,
    full_name: str,
    roles: list[str] | set[str] | frozenset[Role],
    password: str | None = None,
    job_title: str = "",
    actor=None,
) -> User:
    email = (email or "").strip().lower()
    if not email:
        raise ServiceError({"email": "Enter an email address"})
    if not full_name.strip():
        raise ServiceError({"full_name": "Enter the person's full name"})
    parsed = _parse_roles(roles, organisation.kind)
    if User.objects.filter(email__iexact=email).exists():
        raise ServiceError({"email": f"Someone already signs in with {email}"})
    user = User(email=email, full_name=full_name.strip(), organisation=organisation, job_title=job_title)
    if password:
        try:
            password_validation.validate_password(password, user)
        except ValidationError as exc:
            raise ServiceError({"password": " ".join(exc.messages)}) from exc
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.save()
    RoleGrant.objects.bulk_create([RoleGrant(user=user, role=role.value) for role in sorted(parsed)])
    audit_record(
        actor=actor,
        organisation=organisation,
        action="user.created",
        target=user,
        after={
            **snapshot(user, ["email", "full_name", "organisation_id", "job_title"]),
            "roles": sorted(r.value for r in parsed),
        },
    )
    return user


def _invitation_link(base_url: str, key: str) -> str:
    from django.urls import reverse

    return base_url.rstrip("/") + reverse("accounts:invitation-accept", kwargs={"key": key})


@transaction.atomic
def invitation_create(
    *,
    organisation: Organisation,
    email: str,
    full_name: str,
    roles: list[str],
    job_title: str = "",
    actor: User,
    base_url: str,
) -> Invitation:
    """Invite a person to join; they accept from the link in the email and choose their own password.

    The invitation is made and shown alike whether or not the address already signs in for another organisation
    (one address belongs to one organisation): only the invitee is told, in the email, so inviting an address
    cannot be used to learn whom another organisation employs."""
    from caremarket.core.tasks import send_email

    email = (email or "").strip().lower()
    if not email:
        raise ServiceError({"email": "Enter an email address"})
    if not full_name.strip():
        raise ServiceError({"full_name": "Enter the person's full name"})
    parsed = _parse_roles(roles, organisation.kind)
    if User.objects.for_organisation(organisation).filter(email__iexact=email).exists():
        raise ServiceError({"email": f"{email} already signs in for {organisation.name}"})
    open_invitations = Invitation.objects.for_organisation(organisation).filter(
        email=email, accepted_at__isnull=True, withdrawn_at__isnull=True
    )
    if open_invitations.waiting().exists():
        raise ServiceError({"email": f"An invitation to {email} is already waiting; withdraw it to send a new one"})
    open_invitations.update(withdrawn_at=timezone.now())  # expired ones make way for the new one
    key = secrets.token_urlsafe(32)
    invitation = Invitation.objects.create(
        organisation=organisation,
        email=email,
        full_name=full_name.strip(),
        job_title=job_title.strip(),
        roles=sorted(r.value for r in parsed),
        key_hash=_hash_key(key),
        invited_by=actor,
    )
    audit_record(
        actor=actor,
        organisation=organisation,
        action="invitation.created",
        target=invitation,
        after=snapshot(invitation, ["email", "full_name", "job_title", "roles", "expires_at"]),
    )
    greeting = (
        f"Dear {invitation.full_name},\n\n{actor.full_name} has invited you to join {organisation.name} "
        "on Caremarket.\n\n"
    )
    if User.objects.filter(email__iexact=email).exists():
        body = greeting + (
            "This address already signs in to Caremarket for another organisation, and one address belongs to one "
            f"organisation. Ask {organisation.name} to invite another address, such as your work address there. "
            f"{organisation.name} has not been told that this address is in use.\n"
        )
    else:
        expires = timezone.localtime(invitation.expires_at).strftime("%-d %B %Y at %H:%M")
        body = greeting + (
            f"Accept it and choose your password with this link before {expires}:\n\n"
            f"{_invitation_link(base_url, key)}\n"
        )
    transaction.on_commit(lambda: send_email.enqueue(subject="An invitation to Caremarket", body=body, to=[email]))
    return invitation


@transaction.atomic
def invitation_withdraw(*, invitation: Invitation, actor: User) -> Invitation:
    if invitation.status != "waiting":
        raise ServiceError(f"This invitation is {invitation.status}; only a waiting invitation can be withdrawn")
    changes_save(
        invitation,
        actor=actor,
        organisation=invitation.organisation,
        changes={"withdrawn_at": timezone.now(), "withdrawn_by": actor},
        action="invitation.withdrawn",
    )
    return invitation


def invitation_for_key(*, key: str) -> Invitation | None:
    """The waiting invitation a link's key opens, or None (expired, withdrawn, accepted or never made)."""
    if not key:
        return None
    return (
        Invitation.objects.waiting()
        .select_related("organisation")
        .filter(key_hash=_hash_key(key), organisation__is_active=True)
        .first()
    )


@transaction.atomic
def invitation_accept(*, invitation: Invitation, password: str) -> User:
    """The invitee joins: their account is made with the invited roles and the password they chose."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.status != "waiting":
        raise ServiceError("This invitation has expired or been used")
    if User.objects.filter(email__iexact=invitation.email).exists():
        # told to the invitee only; the inviting organisation sees the invitation wait until it expires
        raise ServiceError(
            "This address already signs in to Caremarket for another organisation. Ask "
            f"{invitation.organisation.name} to invite another address."
        )
    user = user_create(
        organisation=invitation.organisation,
        email=invitation.email,
        full_name=invitation.full_name,
        job_title=invitation.job_title,
        roles=invitation.roles,
        password=password,
        actor=None,
    )
    changes_save(
        invitation,
        actor=user,
        organisation=invitation.organisation,
        changes={"accepted_at": timezone.now(), "user": user},
        action="invitation.accepted",
    )
    return user


ADMIN_ROLES = frozenset({Role.ORGANISATION_ADMIN, Role.PROVIDER_ADMIN})


def _keep_an_admin(user: User, field: str) -> None:
    other_admins = (
        RoleGrant.objects.filter(
            user__organisation=user.organisation, user__is_active=True, role__in=[r.value for r in ADMIN_ROLES]
        )
        .exclude(user=user)
        .exists()
    )
    if not other_admins:
        raise ServiceError(
            {field: "Your organisation needs at least one admin; give another person the admin role first"}
        )


@transaction.atomic
def user_roles_set(*, user: User, roles: list[str], actor) -> User:
    """A person's roles; none at all leaves them able to sign in and do nothing (deactivate a leaver instead)."""
    parsed = _parse_roles(roles or [], user.organisation.kind) if roles else frozenset()
    before = sorted(r.value for r in user.roles)
    if set(user.roles) & ADMIN_ROLES and not parsed & ADMIN_ROLES:
        _keep_an_admin(user, "roles")
    user.role_grants.exclude(role__in=[r.value for r in parsed]).delete()
    for role in parsed:
        RoleGrant.objects.get_or_create(user=user, role=role.value)
    user._roles_cache = None
    audit_record(
        actor=actor,
        organisation=user.organisation,
        action="user.roles_changed",
        target=user,
        before={"roles": before},
        after={"roles": sorted(r.value for r in parsed)},
    )
    return user


@transaction.atomic
def user_deactivate(*, user: User, actor: User, reason: str) -> User:
    """A leaver: they can no longer sign in, their sessions end (the password is made unusable, which invalidates
    every session) and their tokens are revoked. Their history stays, attributed to them."""
    user = User.objects.select_for_update().get(pk=user.pk)
    if not user.is_active:
        raise ServiceError("This person is already deactivated", status=409)
    if actor is not None and actor.pk == user.pk:
        raise ServiceError({"reason": "You cannot deactivate yourself; ask another admin"}, status=409)
    if not (reason or "").strip():
        raise ServiceError({"reason": "Say why, for example the person has left the organisation"})
    if set(user.roles) & ADMIN_ROLES:
        _keep_an_admin(user, "reason")
    user.is_active = False
    user.set_unusable_password()
    user.save(update_fields=["is_active", "password"])
    now = timezone.now()
    revoked = list(ApiToken.objects.filter(created_by=user, revoked_at__isnull=True).values_list("pk", flat=True))
    ApiToken.objects.filter(pk__in=revoked).update(revoked_at=now, revoked_by=actor)
    audit_record(
        actor=actor,
        organisation=user.organisation,
        action="user.deactivated",
        target=user,
        before={"is_active": True},
        after={"is_active": False, "tokens_revoked": revoked},
        reason=reason.strip(),
    )
    return user


class SignInError(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


GENERIC_SIGN_IN_ERROR = "Enter a correct email address and password"


def _throttle(email: str):
    from .models import SignInThrottle

    digest = hashlib.sha256(email.encode()).hexdigest()
    SignInThrottle.objects.get_or_create(email_hash=digest)
    return SignInThrottle.objects.select_for_update().get(email_hash=digest)


def sign_in_check(*, email: str, password: str) -> User:
    """Check a sign-in attempt, count failures and lock the address after too many.

    Unknown and known addresses are answered alike, in the same time: every attempt hashes the password once and
    failures are counted per address, so neither the messages nor the timing say whether an account exists. Runs in
    its own transaction so the failure count and the audit record stand though the attempt itself is refused.
    """
    from django.contrib.auth.hashers import make_password

    email = (email or "").strip().lower()
    if not email or not password:
        raise SignInError("Enter your email address and password")
    now = timezone.now()
    attempts = settings.CAREMARKET_LOCKOUT_ATTEMPTS
    minutes = int(settings.CAREMARKET_LOCKOUT_PERIOD.total_seconds() // 60)
    with transaction.atomic():
        throttle = _throttle(email)
        user = User.objects.select_for_update().filter(email__iexact=email, is_active=True).first()
        if throttle.locked_until is not None and throttle.locked_until > now:
            make_password(password)  # the same work as a real check
            local = timezone.localtime(throttle.locked_until)
            raise SignInError(
                f"This account is locked until {local:%H:%M} after too many failed sign-in attempts. "
                "Try again then, or reset your password."
            )
        if user is not None and user.check_password(password):
            if throttle.failures or throttle.locked_until or user.failed_sign_in_count or user.locked_until:
                throttle.failures, throttle.locked_until = 0, None
                throttle.save(update_fields=["failures", "locked_until"])
                user.failed_sign_in_count, user.locked_until = 0, None
                user.save(update_fields=["failed_sign_in_count", "locked_until"])
            audit_record(actor=user, organisation=user.organisation, action="user.signed_in", target=user)
            return user
        if user is None:
            make_password(password)  # the same work as a real check
        throttle.failures += 1
        locked = throttle.failures >= attempts
        if locked:
            throttle.failures, throttle.locked_until = 0, now + settings.CAREMARKET_LOCKOUT_PERIOD
        throttle.save(update_fields=["failures", "locked_until"])
        if user is not None:
            user.failed_sign_in_count, user.locked_until = throttle.failures, throttle.locked_until
            user.save(update_fields=["failed_sign_in_count", "locked_until"])
            audit_record(
                actor=None,
                organisation=user.organisation,
                action="user.locked_out" if locked else "user.sign_in_failed",
                target=user,
                after={"locked_until": user.locked_until} if locked else {"failed_sign_in_count": throttle.failures},
                reason=f"{attempts} failed sign-in attempts in a row" if locked else "",
            )
        message = (
            f"This account is now locked for {minutes} minutes after {attempts} failed sign-in attempts. "
            "Try again then, or reset your password."
            if locked
            else GENERIC_SIGN_IN_ERROR
        )
    raise SignInError(message)


def staff_sign_in_check(*, email: str, password: str, code: str) -> User:
    """Installation staff sign in to the installation's admin through the same lockout and audit as everyone,
    then with the current code of their authenticator app (TOTP). A wrong code counts as a failed attempt."""
    import pyotp

    user = sign_in_check(email=email, password=password)
    if not user.is_staff:
        _staff_refused(user, "not installation staff")
        raise SignInError(GENERIC_SIGN_IN_ERROR)
    if not user.totp_secret:
        _staff_refused(user, "no second factor set up")
        raise SignInError("Installation staff need a second factor: set it up with `caremarket staff-totp EMAIL`")
    if not pyotp.TOTP(user.totp_secret).verify((code or "").strip(), valid_window=1):
        _staff_refused(user, "wrong authenticator code")
        raise SignInError("Enter the current 6-digit code from your authenticator app")
    audit_record(actor=user, organisation=user.organisation, action="staff.signed_in", target=user)
    return user


def _staff_refused(user: User, why: str) -> None:
    audit_record(actor=None, organisation=user.organisation, action="staff.sign_in_refused", target=user, reason=why)


@transaction.atomic
def staff_totp_set(*, user: User) -> str:
    """A new TOTP secret for installation staff; returns the provisioning URI for their authenticator app."""
    import pyotp

    if not user.is_staff:
        raise ServiceError("Only installation staff have a second factor here")
    user.totp_secret = pyotp.random_base32()
    user.save(update_fields=["totp_secret"])
    audit_record(actor=None, organisation=user.organisation, action="staff.totp_set", target=user)
    return pyotp.TOTP(user.totp_secret).provisioning_uri(name=user.email, issuer_name="Caremarket")


def user_signed_out(*, user: User) -> None:
    audit_record(actor=user, organisation=user.organisation, action="user.signed_out", target=user)


@transaction.atomic
def user_password_reset(*, user: User) -> None:
    """A completed password reset also lifts a lockout."""
    user.failed_sign_in_count = 0
    user.locked_until = None
    user.save(update_fields=["failed_sign_in_count", "locked_until"])
    audit_record(actor=user, organisation=user.organisation, action="user.password_reset", target=user)


def _hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


@dataclass(frozen=True)
class IssuedToken:
    token: ApiToken
    secret: str


@transaction.atomic
def api_token_create(
    *, organisation: Organisation, name: str, roles: list[str], actor: User, expires_in_days: int = 90
) -> IssuedToken:
    """A token of the person making it: it acts as them, with some of the roles they hold, until it expires."""
    name = (name or "").strip()
    if not name:
        raise ServiceError({"name": "Enter a name that says which system uses the token"})
    if len(name) > 100:
        raise ServiceError({"name": "Name must be 100 characters or fewer"})
    if actor is None or actor.organisation_id != organisation.pk:
        raise ServiceError("A token is made by a person of the organisation, for themselves", status=403)
    parsed = _parse_roles(roles, organisation.kind)
    beyond = sorted(r.label for r in parsed - actor.roles)
    if beyond:
        raise ServiceError({"roles": f"A token can hold only roles you hold; you do not hold: {', '.join(beyond)}"})
    if expires_in_days is None or not 1 <= int(expires_in_days) <= 365:
        raise ServiceError({"expires_in_days": "A token lasts from 1 to 365 days"})
    if ApiToken.objects.for_organisation(organisation).filter(name=name, revoked_at__isnull=True).exists():
        raise ServiceError({"name": f"An active token called '{name}' already exists"})
    prefix = secrets.token_hex(4)
    secret = f"cm_{prefix}_{secrets.token_urlsafe(32)}"
    try:
        token = ApiToken.objects.create(
            organisation=organisation,
            name=name,
            prefix=prefix,
            key_hash=_hash_key(secret),
            roles=sorted(r.value for r in parsed),
            created_by=actor,
            expires_at=timezone.now() + timedelta(days=int(expires_in_days)),
        )
    except IntegrityError as exc:  # a clash of random prefixes: vanishingly rare, never silent
        raise ServiceError("Could not create the token; try again") from exc
    audit_record(
        actor=actor,
        organisation=organisation,
        action="api_token.created",
        target=token,
        after=snapshot(token, ["name", "prefix", "roles", "expires_at"]),
    )
    return IssuedToken(token=token, secret=secret)


@transaction.atomic
def api_token_revoke(*, token: ApiToken, actor: User, reason: str = "") -> ApiToken:
    if token.revoked_at is not None:
        raise ServiceError("This token is already revoked")
    token.revoked_at = timezone.now()
    token.revoked_by = actor
    token.save(update_fields=["revoked_at", "revoked_by"])
    audit_record(
        actor=actor,
        organisation=token.organisation,
        action="api_token.revoked",
        target=token,
        before={"revoked_at": None},
        after={"revoked_at": token.revoked_at},
        reason=reason,
    )
    return token


def api_token_authenticate(*, secret: str) -> ApiToken | None:
    """The active token for a secret, or None. Records when it was last used (not audited: not a change of state
    anyone acts on)."""
    if not secret or not secret.startswith("cm_"):
        return None
    token = (
        ApiToken.objects.select_related("organisation", "created_by__organisation")
        .prefetch_related("created_by__role_grants")
        .filter(
            key_hash=_hash_key(secret),
            revoked_at__isnull=True,
            expires_at__gt=timezone.now(),
            organisation__is_active=True,
            created_by__is_active=True,
            created_by__organisation=F("organisation"),
        )
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token


LOGO_MAX_BYTES = 512 * 1024
LOGO_HEIGHT = 40  # pixels in the header


@transaction.atomic
def organisation_logo_set(*, organisation: Organisation, actor, content: bytes | None) -> Organisation:
    """The organisation's logo: a PNG or JPEG up to 512 KB, re-drawn as a PNG 80 pixels high (twice the header's
    height, for sharp screens) so nothing of the file as sent reaches anyone's browser. None removes it."""
    import io

    from PIL import Image, UnidentifiedImageError

    if content is None:
        organisation.logo, organisation.logo_width, organisation.logo_changed_at = b"", 0, timezone.now()
    else:
        if len(content) > LOGO_MAX_BYTES:
            raise ServiceError({"logo": "The logo must be smaller than 512 KB"})
        try:
            with Image.open(io.BytesIO(content)) as image:
                if image.format not in {"PNG", "JPEG"}:
                    raise ServiceError({"logo": "The logo must be a PNG or JPEG image"})
                if image.width * image.height > 4_000_000:
                    raise ServiceError({"logo": "The logo must be smaller than 4 million pixels"})
                image = image.convert("RGBA")
                height = 2 * LOGO_HEIGHT
                width = max(1, min(8 * height, round(image.width * height / image.height)))
                out = io.BytesIO()
                image.resize((width, height), Image.LANCZOS).save(out, format="PNG", optimize=True)
        except (UnidentifiedImageError, OSError, ValueError) as exc:
            raise ServiceError({"logo": "The file is not an image that can be read: upload a PNG or JPEG"}) from exc
        organisation.logo, organisation.logo_changed_at = out.getvalue(), timezone.now()
        organisation.logo_width = max(1, width // 2)
    organisation.save(update_fields=["logo", "logo_width", "logo_changed_at"])
    audit_record(
        actor=actor,
        organisation=organisation,
        action="organisation.logo_set",
        target=organisation,
        after={"logo": "removed" if content is None else f"{len(organisation.logo)} bytes"},
    )
    return organisation
