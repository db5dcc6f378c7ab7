from __future__ import annotations

from datetime import timedelta

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.db.models import Q
from django.utils import timezone

from caremarket.core.tenancy import TenantModel, TenantQuerySet
from caremarket.domain.roles import ROLE_LABELS, OrganisationKind, Role


class OrganisationManager(models.Manager):
    def get_queryset(self):
        # the logo's bytes are read only by its own URL, not with every signed-in person's organisation
        return super().get_queryset().defer("logo")


class Organisation(models.Model):
    """A council (commissioning body) or a care provider. Every tenant-owned record belongs to one."""

    kind = models.CharField(max_length=20, choices=[(k.value, k.value.title()) for k in OrganisationKind])
    name = models.CharField(max_length=200, unique=True)
    slug = models.SlugField(max_length=80, unique=True)
    ons_code = models.CharField(max_length=9, blank=True, help_text="ONS code of a council, e.g. E10000032")
    cqc_provider_id = models.CharField(max_length=20, blank=True)
    contact_email = models.EmailField(blank=True)
    is_active = models.BooleanField(default=True)
    # A provider that is a council's own service (seed 003: Cheshire East's in-house day service beside external
    # providers): its care for that council is in-house provision in market insight.
    in_house_of = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="in_house_services",
        limit_choices_to={"kind": "council"},
    )
    # A council's brokerage: unsourced requests are escalated to team leaders after this many hours.
    escalate_unsourced_after_hours = models.PositiveSmallIntegerField(default=24)
    # days a provider still sees a person's details after their placement ends (invoices, queries), then only
    # the reference
    provider_access_days = models.PositiveSmallIntegerField(default=90)
    # the organisation's logo in the header beside the installation's name: a PNG re-drawn on upload (never the
    # file as sent), kept in the database so every web server has it
    logo = models.BinaryField(blank=True, default=b"", editable=False)
    logo_changed_at = models.DateTimeField(null=True, blank=True)
    logo_width = models.PositiveSmallIntegerField(default=0)  # at the header's height; 0: no logo
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = OrganisationManager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=["council", "provider"]), name="org_kind_valid"),
            models.CheckConstraint(
                condition=Q(in_house_of__isnull=True) | Q(kind="provider"), name="only_a_provider_is_in_house"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_council(self) -> bool:
        return self.kind == OrganisationKind.COUNCIL

    @property
    def is_provider(self) -> bool:
        return self.kind == OrganisationKind.PROVIDER


class UserManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra):
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra):
        extra.setdefault("full_name", "Installation administrator")
        return self.create_user(email, password, is_staff=True, is_superuser=True, **extra)

    def for_organisation(self, organisation):
        if organisation is None:
            return self.none()
        return self.filter(organisation=organisation)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who signs in. Belongs to one organisation; installation staff (is_staff) may belong to none."""

    TENANT_FIELD = "organisation"

    email = models.EmailField(unique=True)
    full_name = models.CharField(max_length=200)
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="users"
    )
    job_title = models.CharField(max_length=200, blank=True)
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False, help_text="Installation staff: may use the Django admin.")
    date_joined = models.DateTimeField(default=timezone.now)
    # installation staff's second factor (RFC 6238 TOTP), set with `caremarket staff-totp EMAIL`
    totp_secret = models.CharField(max_length=64, blank=True)
    failed_sign_in_count = models.PositiveSmallIntegerField(default=0)
    locked_until = models.DateTimeField(null=True, blank=True)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        ordering = ["full_name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(organisation__isnull=False) | Q(is_staff=True), name="user_has_organisation"
            )
        ]

    def __str__(self) -> str:
        return f"{self.full_name} ({self.email})"

    @property
    def roles(self) -> frozenset[Role]:
        cached = getattr(self, "_roles_cache", None)
        if cached is None:
            cached = frozenset(Role(grant.role) for grant in self.role_grants.all())
            self._roles_cache = cached
        return cached

    def role_labels(self) -> list[str]:
        return [ROLE_LABELS[role] for role in sorted(self.roles)]

    def is_locked(self, now=None) -> bool:
        return self.locked_until is not None and self.locked_until > (now or timezone.now())


class RoleGrant(models.Model):
    """One role held by one person. A person may hold several (a broker who is also a team leader)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_grants")
    role = models.CharField(max_length=40, choices=[(r.value, ROLE_LABELS[r]) for r in Role])
    granted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "role"], name="role_grant_unique"),
            models.CheckConstraint(condition=Q(role__in=[r.value for r in Role]), name="role_grant_known_role"),
        ]

    def __str__(self) -> str:
        return f"{self.user.email}: {self.role}"


TOKEN_DAYS = 90


def token_expiry():
    return timezone.now() + timedelta(days=TOKEN_DAYS)


class ApiToken(TenantModel):
    """A machine client's credential. Only a hash is stored; the secret is shown once, at creation."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="api_tokens")
    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=12, unique=True)
    key_hash = models.CharField(max_length=64, unique=True)
    roles = models.JSONField(default=list)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    expires_at = models.DateTimeField(default=token_expiry)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "name"],
                condition=Q(revoked_at__isnull=True),
                name="api_token_active_name_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix})"

    @property
    def owner(self) -> User:
        """A token belongs to the person who made it and acts as that person."""
        return self.created_by

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now() and self.created_by.is_active

    @property
    def role_set(self) -> frozenset[Role]:
        """The token's roles that its person holds now: a person who loses a role loses it on their tokens too."""
        return frozenset(Role(role) for role in self.roles) & self.created_by.roles


class SignInThrottle(models.Model):
    """Failed sign-ins counted per email address, whether or not anyone signs in with it, so the lockout answers
    the same for an unknown address as for a real account. The address is kept only as a hash."""

    email_hash = models.CharField(max_length=64, unique=True)
    failures = models.PositiveSmallIntegerField(default=0)
    locked_until = models.DateTimeField(null=True, blank=True)


INVITATION_DAYS = 7


def invitation_expiry():
    return timezone.now() + timedelta(days=INVITATION_DAYS)


class InvitationQuerySet(TenantQuerySet):
    def waiting(self):
        """Sent, neither accepted nor withdrawn, and not yet expired."""
        return self.filter(accepted_at__isnull=True, withdrawn_at__isnull=True, expires_at__gt=timezone.now())


class Invitation(TenantModel):
    """A person asked to join an organisation. Nothing signs in until the invitee accepts, so the organisation learns
    nothing about an address from inviting it: whether or not it already signs in elsewhere, the invitation waits
    alike, and only the invitee is told why it cannot be accepted. Only a hash of the link's key is stored."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="invitations")
    email = models.EmailField()
    full_name = models.CharField(max_length=200)
    job_title = models.CharField(max_length=200, blank=True)
    roles = models.JSONField(default=list)
    key_hash = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(default=invitation_expiry)
    accepted_at = models.DateTimeField(null=True, blank=True)
    user = models.OneToOneField(User, null=True, blank=True, on_delete=models.PROTECT, related_name="invitation")
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    objects = models.Manager.from_queryset(InvitationQuerySet)()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "email"],
                condition=Q(accepted_at__isnull=True, withdrawn_at__isnull=True),
                name="invitation_open_unique",
            ),
            models.CheckConstraint(
                condition=Q(accepted_at__isnull=True) | Q(user__isnull=False), name="invitation_accepted_has_user"
            ),
        ]

    def __str__(self) -> str:
        return f"Invitation {self.pk}"

    @property
    def status(self) -> str:
        if self.accepted_at:
            return "accepted"
        if self.withdrawn_at:
            return "withdrawn"
        if self.expires_at <= timezone.now():
            return "expired"
        return "waiting"

    def role_labels(self) -> list[str]:
        return [ROLE_LABELS[Role(role)] for role in sorted(self.roles)]
