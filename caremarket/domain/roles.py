"""Who may do what. Roles belong to a kind of organisation; permissions are granted to roles here, in one place."""

from __future__ import annotations

from enum import StrEnum


class OrganisationKind(StrEnum):
    COUNCIL = "council"
    PROVIDER = "provider"


class Role(StrEnum):
    COMMISSIONER = "commissioner"
    BROKER = "broker"
    PRACTITIONER = "practitioner"
    TEAM_LEADER = "team_leader"
    FINANCE_OFFICER = "finance_officer"
    QUALITY_OFFICER = "quality_officer"
    ORGANISATION_ADMIN = "organisation_admin"
    PROVIDER_ADMIN = "provider_admin"
    PROVIDER_STAFF = "provider_staff"

    @property
    def label(self) -> str:
        return ROLE_LABELS[self]


ROLE_LABELS = {
    Role.COMMISSIONER: "Commissioner",
    Role.BROKER: "Broker",
    Role.PRACTITIONER: "Practitioner",
    Role.TEAM_LEADER: "Team leader",
    Role.FINANCE_OFFICER: "Finance officer",
    Role.QUALITY_OFFICER: "Quality officer",
    Role.ORGANISATION_ADMIN: "Organisation admin",
    Role.PROVIDER_ADMIN: "Provider admin",
    Role.PROVIDER_STAFF: "Provider staff",
}

COUNCIL_ROLES = frozenset(
    {
        Role.COMMISSIONER,
        Role.BROKER,
        Role.PRACTITIONER,
        Role.TEAM_LEADER,
        Role.FINANCE_OFFICER,
        Role.QUALITY_OFFICER,
        Role.ORGANISATION_ADMIN,
    }
)
PROVIDER_ROLES = frozenset({Role.PROVIDER_ADMIN, Role.PROVIDER_STAFF})
ROLES_BY_KIND = {OrganisationKind.COUNCIL: COUNCIL_ROLES, OrganisationKind.PROVIDER: PROVIDER_ROLES}
ADMIN_ROLES = frozenset({Role.ORGANISATION_ADMIN, Role.PROVIDER_ADMIN})


class Permission(StrEnum):
    REFERENCE_READ = "reference.read"
    REFERENCE_MANAGE = "reference.manage"
    AUDIT_READ = "audit.read"
    TOKENS_MANAGE = "tokens.manage"
    TOKENS_OWN = "tokens.own"
    USERS_READ = "users.read"
    USERS_MANAGE = "users.manage"
    ARRANGEMENTS_READ = "arrangements.read"
    ARRANGEMENTS_MANAGE = "arrangements.manage"
    APPLICATIONS_READ = "applications.read"
    APPLICATIONS_MANAGE = "applications.manage"
    APPLICATIONS_EVALUATE = "applications.evaluate"
    APPLICATIONS_DECIDE = "applications.decide"
    ADMISSIONS_SUSPEND = "admissions.suspend"
    CQC_IMPORT = "cqc.import"  # reading the registration flags; importing is for installation staff alone
    BROKERAGE_READ = "brokerage.read"
    REQUESTS_CREATE = "requests.create"
    REQUESTS_APPROVE = "requests.approve"
    SOURCING_RUN = "sourcing.run"
    REFERRALS_ANSWER = "referrals.answer"
    PLACEMENTS_MANAGE = "placements.manage"
    RATES_READ = "rates.read"
    RATES_MANAGE = "rates.manage"
    PAYMENTS_RUN = "payments.run"
    DELIVERY_RECORD = "delivery.record"
    BROKERAGE_SETTINGS = "brokerage.settings"
    QUALITY_READ = "quality.read"
    REFERRALS_STOP = "referrals.stop"
    QUALITY_MANAGE = "quality.manage"
    QUALITY_RESPOND = "quality.respond"
    COMPLAINTS = "complaints.log"
    REVIEWS = "reviews.read"
    SURVEYS = "surveys.read"
    INSIGHT_READ = "insight.read"
    INSIGHT_IMPORT = "insight.import"
    DIRECTORY_KEEP = "directory.keep"
    DIRECTORY_APPROVE = "directory.approve"


GRANTS: dict[Permission, frozenset[Role]] = {
    Permission.REFERENCE_READ: COUNCIL_ROLES,
    Permission.REFERENCE_MANAGE: frozenset({Role.ORGANISATION_ADMIN}),
    # The organisation admin is the auditor of their own organisation.
    Permission.AUDIT_READ: ADMIN_ROLES,
    # Admins see and revoke every token of the organisation; everyone makes tokens of their own, acting as them.
    Permission.TOKENS_MANAGE: ADMIN_ROLES,
    Permission.TOKENS_OWN: COUNCIL_ROLES | PROVIDER_ROLES,
    Permission.USERS_READ: ADMIN_ROLES,
    Permission.USERS_MANAGE: ADMIN_ROLES,
    Permission.ARRANGEMENTS_READ: COUNCIL_ROLES,
    Permission.ARRANGEMENTS_MANAGE: frozenset({Role.COMMISSIONER}),
    Permission.APPLICATIONS_READ: PROVIDER_ROLES,
    Permission.APPLICATIONS_MANAGE: frozenset({Role.PROVIDER_ADMIN}),
    # Council evaluators score; the commissioner moderates and decides.
    Permission.APPLICATIONS_EVALUATE: frozenset({Role.COMMISSIONER, Role.QUALITY_OFFICER}),
    Permission.APPLICATIONS_DECIDE: frozenset({Role.COMMISSIONER}),
    Permission.ADMISSIONS_SUSPEND: frozenset({Role.COMMISSIONER, Role.QUALITY_OFFICER}),
    Permission.CQC_IMPORT: frozenset({Role.COMMISSIONER, Role.QUALITY_OFFICER}),
    # KPIs computed from the record: the quality officer's work, the commissioner's market
    Permission.QUALITY_READ: frozenset({Role.COMMISSIONER, Role.QUALITY_OFFICER}),
    Permission.REFERRALS_STOP: frozenset({Role.COMMISSIONER, Role.QUALITY_OFFICER}),
    # Quality officers plan and record visits, sign off each other's reports and keep the complaints log; providers
    # answer drafts, keep action plans and log complaints about themselves.
    Permission.QUALITY_MANAGE: frozenset({Role.QUALITY_OFFICER}),
    Permission.QUALITY_RESPOND: PROVIDER_ROLES,
    Permission.COMPLAINTS: PROVIDER_ROLES | {Role.QUALITY_OFFICER},
    # providers review people against their care plans; the council's brokers and quality officers follow them
    Permission.REVIEWS: PROVIDER_ROLES | {Role.QUALITY_OFFICER, Role.BROKER, Role.COMMISSIONER},
    # surveys: the council's quality people see every answer; a provider its own results, never a respondent
    Permission.SURVEYS: PROVIDER_ROLES | {Role.QUALITY_OFFICER, Role.COMMISSIONER},
    # market insight: the commissioner's figures to decide from; finance reads spend and imports the old ledgers
    Permission.INSIGHT_READ: frozenset({Role.COMMISSIONER, Role.FINANCE_OFFICER}),
    Permission.INSIGHT_IMPORT: frozenset({Role.COMMISSIONER, Role.FINANCE_OFFICER}),
    Permission.BROKERAGE_READ: frozenset({Role.BROKER, Role.PRACTITIONER, Role.TEAM_LEADER, Role.COMMISSIONER}),
    Permission.REQUESTS_CREATE: frozenset({Role.PRACTITIONER, Role.BROKER}),
    Permission.REQUESTS_APPROVE: frozenset({Role.TEAM_LEADER}),
    Permission.SOURCING_RUN: frozenset({Role.BROKER}),
    Permission.REFERRALS_ANSWER: PROVIDER_ROLES,
    # Brokers vary, suspend and end placements; team leaders set when unsourced requests are escalated.
    Permission.PLACEMENTS_MANAGE: frozenset({Role.BROKER}),
    Permission.BROKERAGE_SETTINGS: frozenset({Role.TEAM_LEADER}),
    Permission.RATES_READ: frozenset({Role.COMMISSIONER, Role.FINANCE_OFFICER}),
    Permission.RATES_MANAGE: frozenset({Role.COMMISSIONER}),
    # Finance officers calculate and approve runs; one run needs two of them (the approver is not the calculator).
    Permission.PAYMENTS_RUN: frozenset({Role.FINANCE_OFFICER}),
    Permission.DELIVERY_RECORD: PROVIDER_ROLES,
    # the public directory: a provider's office keeps its listings and reads enquiries; the commissioner, whose
    # market it is, approves what the public are told (seed 003: Care Finder)
    Permission.DIRECTORY_KEEP: PROVIDER_ROLES,
    Permission.DIRECTORY_APPROVE: frozenset({Role.COMMISSIONER}),
}


class RoleError(ValueError):
    pass


def parse_role(value: str) -> Role:
    try:
        return Role(value)
    except ValueError as exc:
        raise RoleError(f"'{value}' is not a role. Roles: {', '.join(r.value for r in Role)}") from exc


def check_roles_for_kind(roles: set[Role] | frozenset[Role], kind: OrganisationKind) -> None:
    """A council's people hold council roles; a provider's people hold provider roles."""
    if not roles:
        raise RoleError("Choose at least one role")
    wrong = sorted(role.value for role in roles if role not in ROLES_BY_KIND[kind])
    if wrong:
        raise RoleError(f"A {kind.value} cannot hold these roles: {', '.join(wrong)}")


def roles_allow(roles: set[Role] | frozenset[Role], permission: Permission) -> bool:
    return bool(set(roles) & GRANTS[permission])
