"""Quality monitoring rules: the rating scale, the framework of domains, standards and questions, how ratings roll
up and are explained, the timers of a monitoring visit and of a complaint, and which provider to visit first.

The shape follows the councils that do this well (the shared provider assessment tools of East of England
councils): Excellent / Good / Requires improvement / Poor from a structured visit; a draft shared with the
provider for 14 days so it can challenge factual accuracy; an action plan within 14 days of a report rated
Requires improvement or Poor, with an action for every issue; a re-audit about six months later. Seed 000 adds
why it matters most where CQC does not regulate (day services): the council must watch quality itself.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from .routing import is_working_day


class QualityError(ValueError):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


# --- the rating scale ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Level:
    code: str
    label: str
    score: int


@dataclass(frozen=True)
class Scale:
    """Ratings from best to worst, each with a score; the worst two ask the provider for an action plan."""

    levels: tuple[Level, ...]

    def __post_init__(self) -> None:
        scores = [level.score for level in self.levels]
        assert scores == sorted(scores, reverse=True) and len(set(scores)) == len(scores), "best first, distinct"

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(level.code for level in self.levels)

    @property
    def choices(self) -> list[tuple[str, str]]:
        return [(level.code, level.label) for level in self.levels]

    def level(self, code: str) -> Level:
        for level in self.levels:
            if level.code == code:
                return level
        labels = ", ".join(level.label for level in self.levels)
        raise QualityError(f"'{code}' is not a rating on this scale: rate {labels}")

    def label(self, code: str) -> str:
        return self.level(code).label

    @property
    def worst(self) -> Level:
        return self.levels[-1]

    def band(self, score: Decimal) -> Level:
        """The level nearest a weighted score, a half rounding up (2.5 is the better of 2 and 3)."""
        nearest = int(score.quantize(Decimal(1), rounding=ROUND_HALF_UP))
        for level in self.levels:
            if level.score <= nearest:
                return level
        return self.worst

    def needs_action(self, code: str) -> bool:
        """Requires improvement and Poor (the two lowest levels) ask for an action plan."""
        return self.level(code).score <= self.levels[-2].score if len(self.levels) > 1 else True


DEFAULT_SCALE = Scale(
    (
        Level("excellent", "Excellent", 4),
        Level("good", "Good", 3),
        Level("requires-improvement", "Requires improvement", 2),
        Level("poor", "Poor", 1),
    )
)


# --- the framework ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class QuestionSpec:
    key: str  # "1.2.3": domain, standard, question
    text: str
    guidance: str
    weight: Decimal = Decimal(1)
    service_types: frozenset[str] = frozenset()  # none: every service type

    def applies_to(self, service_type: str) -> bool:
        return not self.service_types or service_type in self.service_types


@dataclass(frozen=True)
class StandardSpec:
    key: str
    title: str
    weight: Decimal
    questions: tuple[QuestionSpec, ...]


@dataclass(frozen=True)
class DomainSpec:
    key: str
    title: str
    weight: Decimal
    standards: tuple[StandardSpec, ...]


@dataclass(frozen=True)
class Framework:
    scale: Scale
    domains: tuple[DomainSpec, ...]

    def questions(self, service_type: str | None = None) -> list[QuestionSpec]:
        return [
            q
            for d in self.domains
            for s in d.standards
            for q in s.questions
            if service_type is None or q.applies_to(service_type)
        ]

    def check(self) -> None:
        """A framework others can rate against: keys unique, weights positive, every domain and standard with a
        question, every question with text."""
        seen: set[str] = set()
        for d in self.domains:
            if d.weight <= 0:
                raise QualityError(f"Domain {d.key} ({d.title}) needs a weight above 0")
            if not d.standards:
                raise QualityError(f"Domain {d.key} ({d.title}) has no standards")
            for s in d.standards:
                if s.weight <= 0:
                    raise QualityError(f"Standard {s.key} ({s.title}) needs a weight above 0")
                if not s.questions:
                    raise QualityError(f"Standard {s.key} ({s.title}) has no questions")
                for q in s.questions:
                    if q.key in seen:
                        raise QualityError(f"Question {q.key} appears twice")
                    seen.add(q.key)
                    if q.weight <= 0:
                        raise QualityError(f"Question {q.key} needs a weight above 0")
                    if not q.text.strip():
                        raise QualityError(f"Question {q.key} has no text")


# --- rolling ratings up, and explaining them -------------------------------------------------------------------


@dataclass(frozen=True)
class Rated:
    """A rating at any level of the tree: what was rated, its level, its weighted score, why, and its parts."""

    key: str
    title: str
    weight: Decimal
    level: Level
    score: Decimal
    held: bool = False  # held down by a part rated at the scale's worst
    parts: tuple[Rated, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class Rollup:
    overall: Rated
    scale: Scale

    @property
    def domains(self) -> tuple[Rated, ...]:
        return self.overall.parts

    def explanation(self) -> list[str]:
        """Every step from the questions to the overall rating, one line each, in words."""
        lines = [self._line("Overall", self.overall)]
        for d in self.overall.parts:
            lines.append("  " + self._line(f"Domain {d.key} {d.title}", d))
            for s in d.parts:
                lines.append("    " + self._line(f"Standard {s.key} {s.title}", s))
                for q in s.parts:
                    lines.append(
                        f"      Question {q.key} {q.title}: {q.level.label} ({q.level.score}), weight {q.weight}"
                    )
        return lines

    def _line(self, name: str, rated: Rated) -> str:
        parts = " + ".join(f"{p.level.score} x {p.weight}" for p in rated.parts)
        total = sum((p.weight for p in rated.parts), Decimal(0))
        line = f"{name}: {rated.level.label}, weighted score ({parts}) / {total} = {rated.score}"
        if rated.held:
            line += f"; held at {rated.level.label} because a part is rated {self.scale.worst.label}"
        return line


def _combine(key: str, title: str, weight: Decimal, parts: list[Rated], scale: Scale) -> Rated:
    total = sum((p.weight for p in parts), Decimal(0))
    score = (sum((p.weight * p.level.score for p in parts), Decimal(0)) / total).quantize(
        Decimal("0.01"), rounding=ROUND_HALF_UP
    )
    level = scale.band(score)
    held = False
    # a part rated at the worst level is never averaged away: it holds its whole at the second worst at best
    if len(scale.levels) > 1 and any(p.level == scale.worst for p in parts):
        ceiling = scale.levels[-2]
        if level.score > ceiling.score:
            level, held = ceiling, True
    return Rated(key, title, weight, level, score, held, tuple(parts))


def roll_up(framework: Framework, ratings: Mapping[str, str], service_type: str) -> Rollup:
    """Question ratings rolled up to standards, domains and the overall rating by the framework's weights. Every
    question that applies to the service type must be rated, and only those."""
    scale = framework.scale
    applicable = {q.key for q in framework.questions(service_type)}
    unknown = sorted(set(ratings) - applicable)
    if unknown:
        raise QualityError(f"Questions {', '.join(unknown)} are not asked of this service")
    missing = [q.key for q in framework.questions(service_type) if q.key not in ratings]
    if missing:
        raise QualityError(f"Rate every question first: {', '.join(missing)} not rated")
    domains = []
    for d in framework.domains:
        standards = []
        for s in d.standards:
            questions = [
                Rated(q.key, q.text, q.weight, scale.level(ratings[q.key]), Decimal(scale.level(ratings[q.key]).score))
                for q in s.questions
                if q.applies_to(service_type)
            ]
            if questions:
                standards.append(_combine(s.key, s.title, s.weight, questions, scale))
        if standards:
            domains.append(_combine(d.key, d.title, d.weight, standards, scale))
    if not domains:
        raise QualityError("The framework asks no question of this service")
    return Rollup(_combine("overall", "Overall", Decimal(1), domains, scale), scale)


# --- the timers ------------------------------------------------------------------------------------------------

ACCURACY_WINDOW_DAYS = 14  # the provider's time to challenge factual accuracy of a shared draft
ACTION_PLAN_DAYS = 14  # the provider's time to send an action plan after a report needing one is published
# When the next visit falls due after a published report: six months after Requires improvement or Poor (the
# re-audit), longer after better ratings.
REVISIT_MONTHS = {"excellent": 18, "good": 12, "requires-improvement": 6, "poor": 6}
REVISIT_MONTHS_OTHERWISE = 12
ACKNOWLEDGE_WORKING_DAYS = 3  # a complaint is acknowledged within three working days
RESPOND_WORKING_DAYS = 20  # and answered within this many, unless the council sets its own


def add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def accuracy_window_closes(shared_on: date) -> date:
    """The last day the provider may comment on a shared draft."""
    return shared_on + timedelta(days=ACCURACY_WINDOW_DAYS)


def action_plan_due(published_on: date) -> date:
    return published_on + timedelta(days=ACTION_PLAN_DAYS)


def revisit_due(published_on: date, overall: str) -> date:
    return add_months(published_on, REVISIT_MONTHS.get(overall, REVISIT_MONTHS_OTHERWISE))


def add_working_days(day: date, n: int, bank_holidays: frozenset[date] = frozenset()) -> date:
    """The nth working day after `day` (a complaint received on a Friday is acknowledged by the Wednesday)."""
    while n > 0:
        day += timedelta(days=1)
        if is_working_day(day, bank_holidays):
            n -= 1
    return day


def acknowledge_by(received_on: date, bank_holidays: frozenset[date] = frozenset()) -> date:
    return add_working_days(received_on, ACKNOWLEDGE_WORKING_DAYS, bank_holidays)


def respond_by(received_on: date, working_days: int = RESPOND_WORKING_DAYS, bank_holidays=frozenset()) -> date:
    return add_working_days(received_on, working_days, bank_holidays)


# --- reviews against the care plan -----------------------------------------------------------------------------

REVIEW_EVERY_MONTHS = 3  # unless the council sets 1 to 3 months for a service type (seed 000)
REVIEW_MONTHS_ALLOWED = range(1, 4)
OUTCOMES_MET = {"met": "Being met", "partly": "Partly met", "not-met": "Not being met"}
NEXT_STEPS = {
    "none": "Carry on as planned",
    "variation": "Vary the placement (hours, days or need level)",
    "new-request": "A new request: the care should change provider or service",
}
REVIEW_SOON_DAYS = 14  # a review shows as due this long before its date


def next_review_due(last: date, every_months: int = REVIEW_EVERY_MONTHS) -> date:
    """A placement's next review: `every_months` after it started or was last reviewed."""
    if every_months not in REVIEW_MONTHS_ALLOWED:
        raise QualityError("Reviews fall due every 1, 2 or 3 months")
    return add_months(last, every_months)


# --- complaints and compliments -------------------------------------------------------------------------------

COMPLAINT_KINDS = {"complaint": "Complaint", "compliment": "Compliment"}
COMPLAINT_CATEGORIES = {
    "quality-of-care": "Quality of care",
    "missed-or-late-visits": "Missed or late visits",
    "staff-conduct": "Staff attitude or conduct",
    "communication": "Communication",
    "medicines": "Medicines",
    "dignity-and-respect": "Dignity and respect",
    "charges": "Charges and invoices",
    "other": "Something else",
}
SEVERITIES = {"low": "Low", "medium": "Medium", "high": "High"}
OUTCOMES = {"upheld": "Upheld", "partly-upheld": "Partly upheld", "not-upheld": "Not upheld"}


# --- action plans ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PlannedAction:
    issue: str  # the question key of a finding rated Requires improvement or Poor
    action: str
    owner: str
    due_on: date


def check_action_plan(issues: Iterable[str], actions: Iterable[PlannedAction], today: date) -> None:
    """At least one action for every issue, each with what will be done, an owner and a date not in the past."""
    issues = list(issues)
    actions = list(actions)
    for a in actions:
        if a.issue not in issues:
            raise QualityError(f"Question {a.issue} is not an issue in this report")
        if not a.action.strip():
            raise QualityError(f"Say what will be done about question {a.issue}")
        if not a.owner.strip():
            raise QualityError(f"Name who owns the action on question {a.issue}")
        if a.due_on < today:
            raise QualityError(f"The action on question {a.issue} is due {a.due_on:%d %B %Y}, which has passed")
    covered = {a.issue for a in actions}
    missing = [i for i in issues if i not in covered]
    if missing:
        raise QualityError(f"Give at least one action for every issue: none yet for question {', '.join(missing)}")


# --- which provider to visit first -----------------------------------------------------------------------------


# CQC's ratings best first (domain/cqc.py reads them); Inadequate raises a provider's risk at once.
CQC_ORDER = ("outstanding", "good", "requires-improvement", "inadequate")
CQC_INADEQUATE = "inadequate"


@dataclass(frozen=True)
class RiskFacts:
    provider: str
    months_since_visit: int | None  # none: never visited
    last_rating: str | None
    revisit_overdue: bool = False
    open_complaints: int = 0
    open_safeguarding: int = 0
    kpis_red: int = 0
    cqc_inadequate: bool = False


@dataclass(frozen=True)
class Priority:
    provider: str
    points: int
    reasons: tuple[str, ...]


def visit_priority(facts: RiskFacts, scale: Scale = DEFAULT_SCALE) -> Priority:
    """Points for each reason to visit soon, each reason said in words. The weights are the council's published
    policy (ADR 0016): a CQC rating of Inadequate or a safeguarding concern outweighs time since the last visit."""
    points = 0
    reasons = []
    if facts.cqc_inadequate:
        points += 40
        reasons.append("CQC rates a location Inadequate")
    if facts.open_safeguarding:
        points += 20 * facts.open_safeguarding
        reasons.append(f"{facts.open_safeguarding} open safeguarding concern(s)")
    if facts.months_since_visit is None:
        points += 30
        reasons.append("never visited")
    else:
        points += min(facts.months_since_visit, 24)
        reasons.append(f"{facts.months_since_visit} months since the last visit")
    if facts.revisit_overdue:
        points += 20
        reasons.append("re-audit overdue")
    if facts.last_rating:
        level = scale.level(facts.last_rating)
        if scale.needs_action(facts.last_rating):
            points += 25 if level == scale.worst else 15
            reasons.append(f"last rated {level.label}")
    if facts.open_complaints:
        points += 5 * min(facts.open_complaints, 4)
        reasons.append(f"{facts.open_complaints} open complaint(s)")
    if facts.kpis_red:
        points += 10 * facts.kpis_red
        reasons.append(f"{facts.kpis_red} KPI(s) in red")
    return Priority(facts.provider, points, tuple(reasons))


# --- the framework as a spreadsheet ------------------------------------------------------------------------------

SHEET_COLUMNS = (
    "domain", "domain title", "domain weight", "standard", "standard title", "standard weight",
    "question", "text", "guidance", "weight", "services",
)  # fmt: skip


def _plain(number: Decimal) -> str:
    """2.00 as 2, 1.50 as 1.5: a weight as a person writes it."""
    return format(Decimal(number).normalize(), "f")


def framework_sheet(framework: Framework) -> list[list[str]]:
    """The framework as rows under SHEET_COLUMNS: one per question, its standard and domain beside it."""
    rows = [list(SHEET_COLUMNS)]
    for d in framework.domains:
        for s in d.standards:
            for q in s.questions:
                rows.append(
                    [d.key, d.title, _plain(d.weight), s.key, s.title, _plain(s.weight), q.key, q.text, q.guidance,
                     _plain(q.weight), " ".join(sorted(q.service_types))]
                )  # fmt: skip
    return rows


def framework_from_sheet(rows: Iterable[Mapping[str, object]], scale: Scale = DEFAULT_SCALE) -> Framework:
    """A framework read from rows under SHEET_COLUMNS (row 2 is the first question). Every problem is said with its
    row: a missing column or text, a weight that is not a number above 0, a domain or standard given two titles or
    weights, a question key used twice."""
    problems: list[str] = []
    domains: dict[str, dict] = {}
    for number, row in enumerate(rows, start=2):
        cell = {c: str(row.get(c, "") or "").strip() for c in SHEET_COLUMNS}
        missing = [
            c for c in ("domain", "domain title", "standard", "standard title", "question", "text") if not cell[c]
        ]
        if missing:
            problems.append(f"Row {number}: {', '.join(missing)} missing")
            continue
        weights = {}
        for c in ("domain weight", "standard weight", "weight"):
            try:
                weights[c] = Decimal(cell[c] or "1")
            except ArithmeticError:
                weights[c] = Decimal(0)
            if not weights[c].is_finite() or weights[c] <= 0:
                problems.append(f"Row {number}: {c} '{cell[c]}' is not a number above 0")
        d = domains.setdefault(
            cell["domain"], {"title": cell["domain title"], "weight": weights["domain weight"], "s": {}}
        )
        if (d["title"], d["weight"]) != (cell["domain title"], weights["domain weight"]):
            problems.append(f"Row {number}: domain {cell['domain']} has another title or weight above")
        st = d["s"].setdefault(
            cell["standard"], {"title": cell["standard title"], "weight": weights["standard weight"], "q": []}
        )
        if (st["title"], st["weight"]) != (cell["standard title"], weights["standard weight"]):
            problems.append(f"Row {number}: standard {cell['standard']} has another title or weight above")
        services = frozenset(cell["services"].replace(",", " ").split())
        st["q"].append(QuestionSpec(cell["question"], cell["text"], cell["guidance"], weights["weight"], services))
    if not domains and not problems:
        problems.append("The sheet has no questions")
    framework = Framework(
        scale,
        tuple(
            DomainSpec(
                dk,
                d["title"],
                d["weight"],
                tuple(StandardSpec(sk, s["title"], s["weight"], tuple(s["q"])) for sk, s in d["s"].items()),
            )
            for dk, d in domains.items()
        ),
    )
    if not problems:
        try:
            framework.check()
        except QualityError as exc:
            problems.append(exc.message)
    if problems:
        raise QualityError(
            "; ".join(problems[:20]) + (f"; and {len(problems) - 20} more" if len(problems) > 20 else "")
        )
    return framework


# --- the framework that ships ----------------------------------------------------------------------------------

_W = Decimal
HOME = frozenset({"home-care", "live-in-care", "supported-living"})
DAY = frozenset({"day-services"})


def _q(key: str, text: str, guidance: str, weight: str = "1", only: frozenset[str] = frozenset()) -> QuestionSpec:
    return QuestionSpec(key, text, guidance, _W(weight), only)


DEFAULT_FRAMEWORK = Framework(
    DEFAULT_SCALE,
    (
        DomainSpec(
            "1",
            "Safe",
            _W(2),
            (
                StandardSpec(
                    "1.1",
                    "Safeguarding",
                    _W(2),
                    (
                        _q(
                            "1.1.1",
                            "Staff recognise and report abuse and neglect",
                            "Ask three staff what they would do and to whom they would report; check the log of "
                            "referrals made in the last year against the council's records.",
                            "2",
                        ),
                        _q(
                            "1.1.2",
                            "Recruitment checks are complete before anyone starts",
                            "Sample five staff files: DBS at the right level, two references, right to work, gaps "
                            "in employment explained.",
                        ),
                    ),
                ),
                StandardSpec(
                    "1.2",
                    "Risks and medicines",
                    _W(1),
                    (
                        _q(
                            "1.2.1",
                            "Each person's risks are assessed and reviewed",
                            "Risk assessments name the risk, how it is reduced and when it was last reviewed.",
                        ),
                        _q(
                            "1.2.2",
                            "Medicines are given safely and recorded",
                            "Compare medication records with the care plan for a sample of people; look for gaps.",
                            only=HOME,
                        ),
                        _q(
                            "1.2.3",
                            "Transport and outings are planned safely",
                            "Vehicle checks, driver checks and risk plans for trips out of the building.",
                            only=DAY,
                        ),
                    ),
                ),
            ),
        ),
        DomainSpec(
            "2",
            "Effective",
            _W(1),
            (
                StandardSpec(
                    "2.1",
                    "Care that meets assessed needs",
                    _W(1),
                    (
                        _q(
                            "2.1.1",
                            "Care plans follow the council's assessment and the person's outcomes",
                            "Trace two people from the council's request to the plan to the delivery records.",
                            "2",
                        ),
                        _q(
                            "2.1.2",
                            "Staff are trained and supervised for the care they give",
                            "Training matrix, supervision dates, competence checks for specialist tasks.",
                        ),
                    ),
                ),
            ),
        ),
        DomainSpec(
            "3",
            "Caring",
            _W(1),
            (
                StandardSpec(
                    "3.1",
                    "Dignity and choice",
                    _W(1),
                    (
                        _q(
                            "3.1.1",
                            "People are treated with dignity and respect",
                            "Speak with people and families without staff present; observe care where agreed.",
                            "2",
                        ),
                        _q(
                            "3.1.2",
                            "Support builds on people's strengths and keeps 1:1 to what is needed",
                            "Seed 002's contract asks for strengths-based practice and the least 1:1 support that "
                            "keeps the person safe: look for plans that reduce support as skills grow.",
                            only=frozenset({"supported-living"}),
                        ),
                    ),
                ),
            ),
        ),
        DomainSpec(
            "4",
            "Responsive",
            _W(1),
            (
                StandardSpec(
                    "4.1",
                    "Listening and acting",
                    _W(1),
                    (
                        _q(
                            "4.1.1",
                            "Complaints are acknowledged, answered and learned from",
                            "Compare the provider's complaints log with the council's; check response times.",
                        ),
                        _q(
                            "4.1.2",
                            "Reviews happen every 1 to 3 months and when needs change",
                            "Seed 000: most providers review against the care plan every 1 to 3 months.",
                        ),
                        _q(
                            "4.1.3",
                            "The day offers activities people choose, in the community as well as the building",
                            "Activity plans, attendance, community links; ask people what they would change.",
                            only=DAY,
                        ),
                    ),
                ),
            ),
        ),
        DomainSpec(
            "5",
            "Well-led",
            _W(1),
            (
                StandardSpec(
                    "5.1",
                    "Governance",
                    _W(1),
                    (
                        _q(
                            "5.1.1",
                            "The registered manager (or day service manager) is in post and known to staff",
                            "Check registration where it applies; ask staff who they go to.",
                        ),
                        _q(
                            "5.1.2",
                            "Audits find problems and the provider puts them right",
                            "Sample the provider's own audits and surveys and what changed because of them.",
                        ),
                    ),
                ),
            ),
        ),
    ),
)
