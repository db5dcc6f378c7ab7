"""Service navigation by role: each person sees the sections their roles open to them."""

from __future__ import annotations

from django.urls import reverse

from caremarket.core.permissions import has_permission
from caremarket.domain.roles import Permission, Role
from caremarket.notifications.selectors import unread_count

SECTIONS = [
    ("Home", "site:home", None),
    ("Care requests", "brokerage:queue", Permission.BROKERAGE_READ),
    ("Placements", "brokerage:placements", Permission.BROKERAGE_READ),
    ("Arrangements", "arrangements:list", Permission.ARRANGEMENTS_READ),
    ("Referrals and placements", "referrals:list", Permission.REFERRALS_ANSWER),
    ("Applications", "applications:list", Permission.APPLICATIONS_READ),
    ("Delivery and remittances", "delivery:index", Permission.DELIVERY_RECORD),
    ("Rates", "finance:rates", Permission.RATES_READ),
    ("Payment runs", "finance:runs", Permission.PAYMENTS_RUN),
    ("Market insight", "insight:index", Permission.INSIGHT_READ),
    ("Public directory", "directory-manage:index", Permission.DIRECTORY_APPROVE),
    ("Directory listings", "provider-directory:list", Permission.DIRECTORY_KEEP),
    ("KPIs", "quality:scorecards", Permission.QUALITY_READ),
    ("Monitoring visits", "quality:visits", Permission.QUALITY_READ),
    ("Monitoring reports", "quality:reports", Permission.QUALITY_RESPOND),
    ("Scorecard", "quality:own-scorecard", Permission.QUALITY_RESPOND),
    ("Complaints", "quality:complaints", Permission.COMPLAINTS),
    ("Reviews", "quality:reviews", Permission.REVIEWS),
    ("Surveys", "quality:surveys", Permission.SURVEYS),
    ("CQC registrations", "cqc:index", Permission.CQC_IMPORT),
    ("Reference data", "reference:index", Permission.REFERENCE_READ),
    ("People and roles", "accounts:user-list", Permission.USERS_READ),
    ("API tokens", "accounts:token-list", Permission.TOKENS_OWN),
    ("Webhooks", "notifications:webhooks", Permission.TOKENS_MANAGE),
    ("Audit log", "core:audit-list", Permission.AUDIT_READ),
]


def unread_notifications(request) -> int:
    """The signed-in person's unread notifications, counted once per request (the navigation and the line under
    it both show it)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or user.organisation_id is None:
        return 0
    if not hasattr(request, "_unread_notifications"):
        request._unread_notifications = unread_count(user=user)
    return request._unread_notifications


def service_navigation(request) -> list[dict]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return []
    items = []
    path = request.path
    for text, name, permission in SECTIONS:
        if permission is not None and not has_permission(user, permission):
            continue
        href = reverse(name)
        active = path == href if href == "/" else path.startswith(href)
        items.append({"text": text, "href": href, "active": active, "current": path == href})
    if user.organisation_id is not None:
        # always there, with the count of what is unread: the person's own to-do signal on every page
        unread = unread_notifications(request)
        href = reverse("notifications:list")
        items.append(
            {
                "text": f"Notifications ({unread} unread)" if unread else "Notifications",
                "href": href,
                "active": path.startswith(href) and not path.startswith(href + "webhooks"),
                "current": path == href,
            }
        )
    return items


ROLE_HOME = {
    Role.COMMISSIONER: (
        "Commissioning",
        "Design purchasing arrangements, lots and rates for your council's care market, and read how the market "
        "is doing. Arrangements are built on the service types, areas and need levels in your reference data.",
        [
            ("Purchasing arrangements", "arrangements:list"),
            ("Rates, uplifts and the cost of care", "finance:rates"),
            ("Service types, areas and need levels", "reference:index"),
        ],
    ),
    Role.BROKER: (
        "Brokerage",
        "Source care for people: match each request to the providers who can meet it and place it by cascade, "
        "ranked approach or call-off competition. Requests use your council's areas and reason codes.",
        [("The work queue of care requests", "brokerage:queue"), ("Areas and reason codes", "reference:index")],
    ),
    Role.PRACTITIONER: (
        "Assessed needs",
        "Record a person's assessed needs as a care request: service type, need level, area and schedule.",
        [("Find or add a person", "brokerage:people"), ("Care requests", "brokerage:queue")],
    ),
    Role.TEAM_LEADER: (
        "Approvals",
        "Approve care requests before providers are approached, where an arrangement asks for it.",
        [("Requests awaiting your approval", "brokerage:queue")],
    ),
    Role.FINANCE_OFFICER: (
        "Finance",
        "Run payments to providers, exact to the penny, with contributions, holds and exports.",
        [("Payment runs", "finance:runs"), ("Holds", "finance:holds"), ("Rates", "finance:rates")],
    ),
    Role.QUALITY_OFFICER: (
        "Quality",
        "Monitor providers: CQC registrations, suspensions of admissions, and later visits, complaints, reviews "
        "and KPIs.",
        [("CQC registrations", "cqc:index"), ("Purchasing arrangements", "arrangements:list")],
    ),
    Role.ORGANISATION_ADMIN: (
        "Running your organisation",
        "Manage your council's reference data, the people who sign in, API tokens for machine clients, and read "
        "the audit log.",
        [
            ("Reference data", "reference:index"),
            ("People and roles", "accounts:user-list"),
            ("API tokens", "accounts:token-list"),
            ("Audit log", "core:audit-list"),
        ],
    ),
    Role.PROVIDER_ADMIN: (
        "Running your provider organisation",
        "Manage your organisation's people and API tokens (for your rostering system), and read your audit log.",
        [
            ("People and roles", "accounts:user-list"),
            ("API tokens", "accounts:token-list"),
            ("Audit log", "core:audit-list"),
        ],
    ),
    Role.PROVIDER_STAFF: (
        "Your work with councils",
        "Answer referrals, bid in call-off competitions and record the care you deliver for the councils you "
        "work with.",
        [
            ("Referrals offered to you, and your placements", "referrals:list"),
            ("Record what you delivered, and read your remittances", "delivery:index"),
            ("Your applications and admissions", "applications:list"),
        ],
    ),
}


def role_home(role: Role) -> dict:
    title, description, links = ROLE_HOME[role]
    return {"title": title, "description": description, "links": links}
