"""What people are told, by name: the events that ask someone to act, who is asked, and how a webhook is signed
and retried. Pure rules; the notifications app stores, emails and delivers them."""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum

from .roles import GRANTS, PROVIDER_ROLES, Permission


class Kind(StrEnum):
    REFERRAL_OFFERED = "referral.offered"
    COMPETITION_OPENED = "competition.opened"
    DEADLINE_NEAR = "deadline.near"
    OFFER_AWARDED = "offer.awarded"
    OFFER_NOT_AWARDED = "offer.not_awarded"
    APPROVAL_WAITING = "approval.waiting"
    RUN_AWAITING_APPROVAL = "payment_run.awaiting_approval"
    REQUEST_ESCALATED = "care_request.escalated"
    HOLD_RELEASED = "hold.released"
    PLACEMENT_MADE = "placement.made"
    REQUEST_CANCELLED = "care_request.cancelled"
    REFERRALS_STOPPED = "referrals.stopped"
    DRAFT_SHARED = "quality.draft_shared"
    ACTION_PLAN_DUE = "quality.action_plan_due"
    COMPLAINT_LOGGED = "quality.complaint_logged"
    REPORT_TO_SIGN_OFF = "quality.report_to_sign_off"
    QUALITY_DEADLINE = "quality.deadline"
    COMPLAINT_REPORTED = "quality.complaint_reported"
    REVIEW_ASKED = "quality.review_asked"
    REVIEW_CHANGE = "quality.review_change"
    UNMET_NEED = "insight.unmet_need"
    LISTING_OFFERED = "directory.listing_offered"
    LISTING_SUBMITTED = "directory.listing_submitted"
    LISTING_DECIDED = "directory.listing_decided"
    DIRECTORY_ENQUIRY = "directory.enquiry"


class Email(StrEnum):
    IMMEDIATELY = "immediately"
    DAILY = "daily"
    NEVER = "never"


EMAIL_LABELS = {
    Email.IMMEDIATELY: "Email me straight away",
    Email.DAILY: "One email a day with everything new",
    Email.NEVER: "Do not email me; show it in Caremarket only",
}


@dataclass(frozen=True)
class KindRule:
    label: str  # what a person chooses emails for, in their own words
    asks: Permission  # who in the organisation is asked to act: the people who hold this permission
    email: Email  # the default, until the person chooses


# Deadlines that run in working hours are told at once; the rest can wait for a person's digest if they choose.
KINDS: dict[Kind, KindRule] = {
    Kind.REFERRAL_OFFERED: KindRule("A referral is offered to us", Permission.REFERRALS_ANSWER, Email.IMMEDIATELY),
    Kind.COMPETITION_OPENED: KindRule(
        "A competition opens on a lot we are admitted to", Permission.REFERRALS_ANSWER, Email.IMMEDIATELY
    ),
    Kind.DEADLINE_NEAR: KindRule(
        "A referral or competition closes within one working hour", Permission.REFERRALS_ANSWER, Email.IMMEDIATELY
    ),
    Kind.OFFER_AWARDED: KindRule(
        "Our offer in a competition is awarded", Permission.REFERRALS_ANSWER, Email.IMMEDIATELY
    ),
    Kind.OFFER_NOT_AWARDED: KindRule(
        "Our offer in a competition is not awarded", Permission.REFERRALS_ANSWER, Email.DAILY
    ),
    Kind.PLACEMENT_MADE: KindRule(
        "A package of care is placed with us", Permission.REFERRALS_ANSWER, Email.IMMEDIATELY
    ),
    Kind.REQUEST_CANCELLED: KindRule(
        "A request offered to us is cancelled", Permission.REFERRALS_ANSWER, Email.IMMEDIATELY
    ),
    Kind.REFERRALS_STOPPED: KindRule(
        "A council stops or resumes new referrals to us", Permission.REFERRALS_ANSWER, Email.IMMEDIATELY
    ),
    Kind.APPROVAL_WAITING: KindRule(
        "A child's care request waits for approval", Permission.REQUESTS_APPROVE, Email.IMMEDIATELY
    ),
    Kind.REQUEST_ESCALATED: KindRule(
        "Care requests stay unsourced longer than the council allows", Permission.REQUESTS_APPROVE, Email.IMMEDIATELY
    ),
    Kind.RUN_AWAITING_APPROVAL: KindRule(
        "A payment run waits for a second finance officer", Permission.PAYMENTS_RUN, Email.IMMEDIATELY
    ),
    Kind.HOLD_RELEASED: KindRule("Held payments are released", Permission.PAYMENTS_RUN, Email.DAILY),
    Kind.DRAFT_SHARED: KindRule(
        "A monitoring report's draft is shared for our comments", Permission.QUALITY_RESPOND, Email.IMMEDIATELY
    ),
    Kind.ACTION_PLAN_DUE: KindRule(
        "A monitoring report asks us for an action plan, or an action falls due",
        Permission.QUALITY_RESPOND,
        Email.IMMEDIATELY,
    ),
    Kind.COMPLAINT_LOGGED: KindRule(
        "A council logs a complaint or compliment about us", Permission.QUALITY_RESPOND, Email.IMMEDIATELY
    ),
    Kind.REPORT_TO_SIGN_OFF: KindRule(
        "A monitoring report waits for sign-off", Permission.QUALITY_MANAGE, Email.IMMEDIATELY
    ),
    Kind.QUALITY_DEADLINE: KindRule(
        "A quality deadline passes: a comment window, an action plan, a complaint, a re-audit",
        Permission.QUALITY_MANAGE,
        Email.DAILY,
    ),
    Kind.UNMET_NEED: KindRule(
        "Unmet need shows in a service and area (an arrangement may reopen)",
        Permission.ARRANGEMENTS_MANAGE,
        Email.DAILY,
    ),
    Kind.REVIEW_ASKED: KindRule(
        "A council asks for a review now because needs have changed", Permission.QUALITY_RESPOND, Email.IMMEDIATELY
    ),
    Kind.REVIEW_CHANGE: KindRule(
        "A provider's review asks for a variation or a new request", Permission.PLACEMENTS_MANAGE, Email.IMMEDIATELY
    ),
    Kind.LISTING_OFFERED: KindRule(
        "An admission offers us a listing in a council's public directory", Permission.DIRECTORY_KEEP, Email.DAILY
    ),
    Kind.LISTING_SUBMITTED: KindRule(
        "A provider asks us to approve its directory listing", Permission.DIRECTORY_APPROVE, Email.DAILY
    ),
    Kind.LISTING_DECIDED: KindRule(
        "A council approves or returns our directory listing", Permission.DIRECTORY_KEEP, Email.IMMEDIATELY
    ),
    Kind.DIRECTORY_ENQUIRY: KindRule(
        "A person sends us an enquiry from a public directory", Permission.DIRECTORY_KEEP, Email.IMMEDIATELY
    ),
    Kind.COMPLAINT_REPORTED: KindRule(
        "A provider logs a complaint or a safeguarding concern", Permission.QUALITY_MANAGE, Email.IMMEDIATELY
    ),
}

# Providers' systems may subscribe to the events that ask a provider to act.
PROVIDER_EVENTS = frozenset(k for k, rule in KINDS.items() if GRANTS[rule.asks] <= PROVIDER_ROLES)


def kinds_for(*, provider: bool) -> list[Kind]:
    """The kinds a provider's people (or a council's) may be told of, choose emails for and subscribe to."""
    return [k for k in KINDS if (k in PROVIDER_EVENTS) == provider]


# A webhook delivery that fails is tried again after each of these waits, then marked failed (about a day in all).
RETRY_AFTER = (
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=6),
    timedelta(hours=16),
)
WEBHOOK_TIMEOUT_SECONDS = 5
SIGNATURE_HEADER = "Caremarket-Signature"


def retry_after(attempts: int) -> timedelta | None:
    """The wait before the next try after `attempts` failed tries; None once the tries are spent."""
    return RETRY_AFTER[attempts - 1] if 1 <= attempts <= len(RETRY_AFTER) else None


def signature(secret: str, timestamp: int, body: bytes) -> str:
    """The signature header's value: `t=<unix time>,v1=<HMAC-SHA256 of "<t>.<body>" with the secret, in hex>`.
    A receiver recomputes it with its copy of the secret and refuses old timestamps, so a replay is refused."""
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={mac}"


def signature_valid(secret: str, header: str, body: bytes) -> bool:
    parts = dict(p.split("=", 1) for p in header.split(",") if "=" in p)
    if not parts.get("t", "").isdigit():
        return False
    return hmac.compare_digest(signature(secret, int(parts["t"]), body), header)
