"""Satisfaction surveys of the people who receive care and their families, and outcome measures per person.

Seed 000: providers use satisfaction surveys and an outcome tool; the people who use day services asked above all
for reassurance that quality is watched. A survey's answers are the council's; a provider sees only what a group
of answers says about it, and only when the group is large enough that no answer can be told apart (fewer than
SMALLEST_GROUP and the results are withheld, as statistical releases do with small counts). Comments, which could
name someone, stay with the council.

Outcome measures are stored generically (tool, domain, scale, score, date): no licensed tool's questions or
wording are held, only the name of the tool and the scores it gave.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

SMALLEST_GROUP = 5

RESPONDENTS = {"person": "The person receiving care", "family": "A family member or carer"}

# score: label, best last; 4 and 5 count as satisfied
SCALE = {1: "Very dissatisfied", 2: "Dissatisfied", 3: "Neither", 4: "Satisfied", 5: "Very satisfied"}
SATISFIED_FROM = 4


@dataclass(frozen=True)
class Question:
    code: str
    text: str


QUESTIONS = (
    Question("overall", "Overall, how satisfied are you with the care and support from this provider?"),
    Question("respect", "How satisfied are you that the staff treat you with dignity and respect?"),
    Question("safe", "How satisfied are you that you feel safe with the staff who support you?"),
    Question("times", "How satisfied are you that support happens at the times agreed?"),
    Question("matters", "How satisfied are you that the support helps with what matters to you?"),
)
QUESTION_CODES = tuple(q.code for q in QUESTIONS)


def check_answers(answers: dict[str, int]) -> dict[str, str]:
    """Every question answered on the scale, or left out; at least one answered."""
    errors = {}
    for code, score in answers.items():
        if code not in QUESTION_CODES:
            errors[code] = f"There is no question {code!r} in the survey"
        elif score not in SCALE:
            errors[code] = f"Answer from 1 ({SCALE[1]}) to 5 ({SCALE[5]})"
    if not answers:
        errors["answers"] = "Answer at least one question"
    return errors


@dataclass(frozen=True)
class Result:
    question: Question
    answered: int
    mean: Decimal | None
    satisfied: Decimal | None  # the share answering 4 or 5


def results(scores_by_question: dict[str, list[int]]) -> list[Result]:
    """Each question's number of answers, mean score (to one place) and share satisfied (to one place)."""
    found = []
    for question in QUESTIONS:
        scores = scores_by_question.get(question.code, [])
        if not scores:
            found.append(Result(question, 0, None, None))
            continue
        mean = (Decimal(sum(scores)) / len(scores)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
        happy = sum(1 for s in scores if s >= SATISFIED_FROM)
        share = (Decimal(100) * happy / len(scores)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
        found.append(Result(question, len(scores), mean, share))
    return found


def shown_to_provider(responses: int) -> bool:
    """Whether a provider may see a group of this many responses: never fewer than SMALLEST_GROUP."""
    return responses >= SMALLEST_GROUP


# -- outcome measures ----------------------------------------------------------------------------------------------


def request_outcomes(text: str) -> list[str]:
    """The outcomes a request names, one a line (or separated by semicolons), as the practitioner wrote them."""
    parts = [p.strip(" -•\t") for line in (text or "").splitlines() for p in line.split(";")]
    return [p for p in parts if p]


def check_measure(
    *, outcome: str, outcomes: list[str], tool: str, domain: str, scale_min, scale_max, score
) -> dict[str, str]:
    errors = {}
    if outcome not in outcomes:
        errors["outcome"] = "Choose one of the outcomes in the request"
    if not (tool or "").strip():
        errors["tool"] = "Name the outcome tool or measure, for example Outcomes Star"
    if not (domain or "").strip():
        errors["domain"] = "Name the part of the tool the score is for, for example Managing money"
    if scale_min is None or scale_max is None or scale_max <= scale_min:
        errors["scale_max"] = "The top of the scale must be above the bottom"
    elif score is None or not scale_min <= score <= scale_max:
        errors["score"] = f"The score must be on the scale, from {scale_min} to {scale_max}"
    return errors


def direction(scores: list[Decimal], higher_is_better: bool = True) -> str:
    """The change from the first score to the latest: "better", "worse", "no change", or "" with one score."""
    if len(scores) < 2:
        return ""
    first, latest = scores[0], scores[-1]
    if latest == first:
        return "no change"
    return "better" if (latest > first) == higher_is_better else "worse"
