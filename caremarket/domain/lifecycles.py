"""Every lifecycle as data: its states (in order, with labels), the moves allowed between them, and named groups
of states. Apps take their choices, database constraints and status checks from here, and move a record only
through `Lifecycle.check`. (Arrangements keep theirs in domain/arrangements.py, which came first.)"""

from __future__ import annotations

from dataclasses import dataclass, field

from . import arrangements as arrangement_rules


class LifecycleError(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Lifecycle:
    name: str
    labels: dict[str, str]
    moves: dict[str, frozenset[str]]
    groups: dict[str, frozenset[str]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        known = set(self.labels)
        for start, ends in self.moves.items():
            assert start in known and ends <= known, f"{self.name}: a move names an unknown state"
        for group, states in self.groups.items():
            assert states <= known, f"{self.name}: group {group} names an unknown state"

    @property
    def states(self) -> tuple[str, ...]:
        return tuple(self.labels)

    @property
    def choices(self) -> list[tuple[str, str]]:
        return list(self.labels.items())

    def group(self, name: str) -> frozenset[str]:
        return self.groups[name]

    def state(self, group: str) -> str:
        """The one state of a one-state group (for a database condition on it)."""
        (only,) = self.groups[group]
        return only

    def is_in(self, state: str, group: str) -> bool:
        return state in self.groups[group]

    def can(self, start: str, end: str) -> bool:
        return end in self.moves.get(start, frozenset())

    def check(self, start: str, end: str) -> None:
        """Refuse a move the table does not allow, saying what the record is and what it may become."""
        if self.can(start, end):
            return
        allowed = sorted(self.labels[s].lower() for s in self.moves.get(start, frozenset()))
        then = f"; it can become {', '.join(allowed)}" if allowed else "; that is final"
        raise LifecycleError(
            f"A {self.name} that is {self.labels[start].lower()} cannot become {self.labels[end].lower()}{then}"
        )


def _moves(**moves: set[str]) -> dict[str, frozenset[str]]:
    return {state.replace("_", "-"): frozenset(ends) for state, ends in moves.items()}


# Seed 004: a child's request waits for a team leader; seed 000: unsourced requests are escalated.
CARE_REQUEST = Lifecycle(
    "care request",
    {
        "awaiting-approval": "Awaiting approval",
        "sourcing": "Sourcing",
        "unsourced": "Unsourced",
        "placed": "Placed",
        "cancelled": "Cancelled",
    },
    _moves(
        awaiting_approval={"sourcing", "cancelled"},
        sourcing={"unsourced", "placed", "cancelled"},
        unsourced={"sourcing", "placed", "cancelled"},
        placed=set(),
        cancelled=set(),
    ),
    {
        "open": frozenset({"awaiting-approval", "sourcing", "unsourced"}),
        "to_source": frozenset({"sourcing", "unsourced"}),
        "closed": frozenset({"placed", "cancelled"}),
        "cancelled": frozenset({"cancelled"}),
        "awaiting_approval": frozenset({"awaiting-approval"}),
        "being_sourced": frozenset({"sourcing"}),
        # seed 000: an unsourced request is escalated to team leaders after the council's hours
        "escalates": frozenset({"unsourced"}),
    },
)

REFERRAL = Lifecycle(
    "referral",
    {
        "offered": "Offered",
        "viewed": "Viewed",
        "accepted": "Accepted",
        "declined": "Declined",
        "timed-out": "Timed out",
        "withdrawn": "Gone to another provider",
        "cancelled": "Request cancelled",
    },
    _moves(
        offered={"viewed", "accepted", "declined", "timed-out", "withdrawn", "cancelled"},
        viewed={"accepted", "declined", "timed-out", "withdrawn", "cancelled"},
    ),
    {
        "open": frozenset({"offered", "viewed"}),
        "unseen": frozenset({"offered"}),
        "won": frozenset({"accepted"}),
        "declined": frozenset({"declined"}),
        "answered": frozenset({"accepted", "declined"}),
        # what a provider was asked to decide: it accepted, declined or let the deadline pass (KPIs)
        "decided": frozenset({"accepted", "declined", "timed-out"}),
        "not_accepted": frozenset({"declined", "timed-out"}),
    },
)

# Seed 003: offers are sealed until closing; then scored, and awarded or not.
COMPETITION = Lifecycle(
    "competition",
    {
        "open": "Open for offers",
        "closed": "Closed: offers can be read and scored",
        "awarded": "Awarded",
        "not-awarded": "Not awarded",
        "cancelled": "Cancelled with the request",
    },
    _moves(open={"closed", "cancelled"}, closed={"awarded", "not-awarded", "cancelled"}),
    {
        "taking_offers": frozenset({"open"}),
        "to_decide": frozenset({"closed"}),
        "live": frozenset({"open", "closed"}),
        "decided": frozenset({"awarded", "not-awarded"}),
    },
)

OFFER = Lifecycle(
    "offer",
    {"submitted": "Submitted", "withdrawn": "Withdrawn"},
    _moves(submitted={"withdrawn"}),
    {"live": frozenset({"submitted"})},
)

# Seed 001: a placement is suspended while the person is in hospital.
PLACEMENT = Lifecycle(
    "placement",
    {"active": "Active", "suspended": "Suspended", "ended": "Ended"},
    _moves(active={"suspended", "ended"}, suspended={"active", "ended"}),
    {"live": frozenset({"active", "suspended"}), "ended": frozenset({"ended"})},
)

# Two people: the officer who calculates a run is not the one who approves it.
PAYMENT_RUN = Lifecycle(
    "payment run",
    {"draft": "Draft", "calculated": "Calculated", "approved": "Approved", "paid": "Paid"},
    _moves(draft={"calculated"}, calculated={"calculated", "approved"}, approved={"paid"}),
    {
        "changeable": frozenset({"draft", "calculated"}),
        "committed": frozenset({"approved", "paid"}),
        "to_calculate": frozenset({"draft"}),
        "to_approve": frozenset({"calculated"}),
    },
)

# Work that takes longer than a web request waits for: one at a time per thing it works on.
JOB = Lifecycle(
    "job",
    {"queued": "Waiting to start", "running": "Running", "done": "Done", "failed": "Failed"},
    _moves(queued={"running", "failed"}, running={"done", "failed"}),
    {
        "active": frozenset({"queued", "running"}),
        "finished": frozenset({"done", "failed"}),
        "succeeded": frozenset({"done"}),
        "failed": frozenset({"failed"}),
    },
)

ADMISSION = Lifecycle(
    "admission",
    {"active": "Active", "suspended": "Suspended", "removed": "Removed"},
    _moves(active={"suspended", "removed"}, suspended={"active", "removed"}),
    # an active admission may be offered work; a suspended one keeps its place but is offered nothing
    {
        "offerable": frozenset({"active"}),
        "suspended": frozenset({"suspended"}),
        "removed": frozenset({"removed"}),
        "current": frozenset({"active", "suspended"}),
    },
)

APPLICATION = Lifecycle(
    "application",
    {
        "draft": "Draft",
        "submitted": "Submitted",
        "admitted": "Admitted",
        "rejected": "Rejected",
        "withdrawn": "Withdrawn",
    },
    _moves(draft={"submitted", "withdrawn"}, submitted={"admitted", "rejected", "withdrawn"}),
    {
        "open": frozenset({"draft", "submitted"}),
        "being_written": frozenset({"draft"}),
        "to_decide": frozenset({"submitted"}),
        "sent": frozenset({"submitted", "admitted", "rejected"}),
        "decided": frozenset({"admitted", "rejected"}),
    },
)

# The arrangement's table came first (domain/arrangements.py, with its own checks); the same as a Lifecycle.
ARRANGEMENT = Lifecycle(
    "arrangement",
    {str(s): label for s, label in arrangement_rules.STATUS_LABELS.items()},
    {str(s): frozenset(str(e) for e in ends) for s, ends in arrangement_rules.TRANSITIONS.items()},
    {
        "draft": frozenset({"draft"}),
        "live": frozenset({"live"}),
        "finished": frozenset({"expired", "terminated"}),
        # once live, only what EDITABLE_WHEN_LIVE names may change
        "frozen": frozenset({"live", "expired", "terminated"}),
        "inactive": frozenset({"draft", "expired", "terminated"}),
    },
)


# What a provider is told when it answers a referral it can no longer answer, by the state that closed it.
GONE = "This request has gone to another provider"
CANCELLED = "The council has cancelled this request"
REFERRAL_CLOSED = {"withdrawn": GONE, "cancelled": CANCELLED}
REQUEST_CLOSED = {"placed": GONE, "cancelled": CANCELLED}

# A webhook delivery: tried until delivered, or until its retries are spent (domain/notifications.RETRY_AFTER).
WEBHOOK_DELIVERY = Lifecycle(
    "webhook delivery",
    {
        "pending": "Waiting to be sent",
        "retrying": "Failed; will try again",
        "delivered": "Delivered",
        "failed": "Failed; no more tries",
    },
    _moves(
        pending={"retrying", "delivered", "failed"},
        retrying={"retrying", "delivered", "failed"},
    ),
    {
        "due": frozenset({"pending", "retrying"}),
        "waiting": frozenset({"pending"}),
        "retrying": frozenset({"retrying"}),
        "delivered": frozenset({"delivered"}),
        "failed": frozenset({"failed"}),
    },
)

# A monitoring visit (domain/quality.py): planned, evidence recorded, the draft shared with the provider for its
# factual-accuracy window, signed off by a second officer, published. A published report is never changed: a new
# version is drafted from it and, once published, supersedes it.
MONITORING_VISIT = Lifecycle(
    "monitoring visit",
    {
        "planned": "Planned",
        "drafting": "Recording evidence",
        "shared": "Draft shared with the provider",
        "signing-off": "Waiting for sign-off",
        "published": "Published",
        "superseded": "Superseded by a new version",
        "cancelled": "Cancelled",
    },
    _moves(
        planned={"drafting", "cancelled"},
        drafting={"shared", "cancelled"},
        shared={"signing-off"},
        signing_off={"published", "drafting"},
        published={"superseded"},
    ),
    {
        "open": frozenset({"planned", "drafting", "shared", "signing-off"}),
        "planned": frozenset({"planned"}),
        "editable": frozenset({"planned", "drafting"}),
        "drafting": frozenset({"drafting"}),
        "with_provider": frozenset({"shared"}),
        "to_sign_off": frozenset({"signing-off"}),
        "published": frozenset({"published"}),
        "reported": frozenset({"published", "superseded"}),
        "cancelled": frozenset({"cancelled"}),
    },
)

# Requires improvement or Poor: the provider's plan is due within 14 days; it is complete when every action is done.
ACTION_PLAN = Lifecycle(
    "action plan",
    {"due": "Due from the provider", "submitted": "Submitted", "completed": "Completed"},
    _moves(due={"submitted"}, submitted={"completed"}),
    {
        "due": frozenset({"due"}),
        "submitted": frozenset({"submitted"}),
        "open": frozenset({"due", "submitted"}),
        "completed": frozenset({"completed"}),
    },
)

PLAN_ACTION = Lifecycle(
    "action",
    {"not-started": "Not started", "in-progress": "In progress", "done": "Done"},
    _moves(not_started={"in-progress", "done"}, in_progress={"in-progress", "done"}),
    {"open": frozenset({"not-started", "in-progress"}), "done": frozenset({"done"})},
)

# A complaint is acknowledged within three working days and closed with its outcome; a compliment is recorded
# closed.
COMPLAINT = Lifecycle(
    "complaint",
    {"received": "Received", "acknowledged": "Acknowledged", "closed": "Closed"},
    _moves(received={"acknowledged", "closed"}, acknowledged={"closed"}),
    {
        "open": frozenset({"received", "acknowledged"}),
        "to_acknowledge": frozenset({"received"}),
        "closed": frozenset({"closed"}),
    },
)

# A review of a placement against the care plan (seed 000: every 1 to 3 months, and whenever needs change).
PLACEMENT_REVIEW = Lifecycle(
    "review",
    {"due": "Due", "done": "Done", "cancelled": "Cancelled with the placement"},
    _moves(due={"done", "cancelled"}),
    {"due": frozenset({"due"}), "done": frozenset({"done"}), "cancelled": frozenset({"cancelled"})},
)

# A provider's change to its directory listing (seed 003: Care Finder): the council approves it or returns it with a
# reason; until then the public still see the listing as it was.
LISTING_CHANGE = Lifecycle(
    "listing change",
    {"submitted": "Waiting for the council", "approved": "Approved", "returned": "Returned", "withdrawn": "Withdrawn"},
    _moves(submitted={"approved", "returned", "withdrawn"}),
    {
        "waiting": frozenset({"submitted"}),
        "approved": frozenset({"approved"}),
        "returned": frozenset({"returned"}),
        "decided": frozenset({"approved", "returned", "withdrawn"}),
    },
)

LIFECYCLES = (
    ARRANGEMENT,
    CARE_REQUEST,
    REFERRAL,
    COMPETITION,
    OFFER,
    PLACEMENT,
    PAYMENT_RUN,
    ADMISSION,
    APPLICATION,
    MONITORING_VISIT,
    ACTION_PLAN,
    PLAN_ACTION,
    COMPLAINT,
    PLACEMENT_REVIEW,
    LISTING_CHANGE,
)
