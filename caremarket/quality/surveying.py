"""Satisfaction surveys and outcome measures (domain/surveys.py): the council records survey responses about its
providers and sees them all; a provider sees its own results only when enough people answered that no answer can be
told apart. Outcome measures are recorded per person against the outcomes in their request, by the council or the
provider of the placement, and read as a series per tool and domain."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone

from caremarket.brokerage.models import Placement
from caremarket.core.audit import audit_record, describe_actor
from caremarket.core.errors import ServiceError
from caremarket.domain import surveys

from . import monitoring
from .models import OutcomeMeasure, Survey, SurveyAnswer, SurveyResponse


def providers_surveyed(*, council) -> dict[int, str]:
    """The providers a survey may ask about: those admitted to the council's arrangements or placing care for it."""
    from caremarket.accounts.models import Organisation

    found = monitoring.providers_of(council=council)
    placing = Placement.objects.filter(council=council).exclude(provider_id__in=found).values("provider_id")
    found.update(dict(Organisation.objects.filter(pk__in=placing).values_list("pk", "name")))
    return dict(sorted(found.items(), key=lambda kv: kv[1]))


@transaction.atomic
def survey_create(*, council, actor, title: str, opens_on: date | None, closes_on: date | None) -> Survey:
    errors = {}
    if not (title or "").strip():
        errors["title"] = "Enter the survey's title"
    if opens_on is None:
        errors["opens_on"] = "Enter the date the survey opens"
    if closes_on is None:
        errors["closes_on"] = "Enter the date the survey closes"
    elif opens_on and closes_on < opens_on:
        errors["closes_on"] = "The survey must close on or after the day it opens"
    if errors:
        raise ServiceError(errors)
    survey = Survey.objects.create(
        council=council,
        title=title.strip(),
        opens_on=opens_on,
        closes_on=closes_on,
        created_by=describe_actor(actor)[0],
    )
    audit_record(
        actor=actor,
        organisation=council,
        action="survey.created",
        target=survey,
        after={"title": survey.title, "opens_on": opens_on, "closes_on": closes_on},
    )
    return survey


@transaction.atomic
def survey_response_record(
    *,
    survey: Survey,
    actor,
    provider_id: int | None,
    respondent: str,
    received_on: date | None,
    answers: dict[str, int],
    comment: str = "",
) -> SurveyResponse:
    """One response about one provider, as received (on paper, by phone or from an online form)."""
    errors = surveys.check_answers({k: v for k, v in answers.items() if v is not None})
    if provider_id not in providers_surveyed(council=survey.council):
        errors["provider"] = "Choose a provider the council works with"
    if respondent not in surveys.RESPONDENTS:
        errors["respondent"] = "Say who answered: the person receiving care, or a family member or carer"
    if received_on is None:
        errors["received_on"] = "Enter the date the response was received"
    elif not survey.opens_on <= received_on <= survey.closes_on:
        errors["received_on"] = (
            f"The survey was open from {survey.opens_on:%-d %B %Y} to {survey.closes_on:%-d %B %Y}; "
            f"a response received on {received_on:%-d %B %Y} is outside it"
        )
    if errors:
        raise ServiceError(errors)
    response = SurveyResponse.objects.create(
        survey=survey,
        provider_id=provider_id,
        respondent=respondent,
        received_on=received_on,
        comment=(comment or "").strip(),
        entered_by=describe_actor(actor)[0],
    )
    SurveyAnswer.objects.bulk_create(
        SurveyAnswer(response=response, question=code, score=score) for code, score in answers.items() if score
    )
    audit_record(
        actor=actor,
        organisation=survey.council,
        action="survey.response_recorded",
        target=survey,
        after={"response": response.pk, "provider": provider_id, "answers": len(answers)},
    )
    return response


def surveys_for(*, organisation):
    """A council's surveys; for a provider, the surveys of every council that has asked about it."""
    if organisation.is_provider:
        asked = SurveyResponse.objects.filter(provider=organisation).values("survey_id")
        return Survey.objects.filter(pk__in=asked).select_related("council")
    return Survey.objects.for_organisation(organisation)


def survey_for(*, organisation, pk: int) -> Survey:
    from django.http import Http404

    found = surveys_for(organisation=organisation).filter(pk=pk).first()
    if found is None:
        raise Http404("No such survey")
    return found


def survey_results(*, survey: Survey, provider=None) -> list[dict]:
    """Each provider's responses (by who answered) and results per question. For a provider (`provider` given):
    its own row only, with the results withheld below the smallest group and never a comment."""
    responses = SurveyResponse.objects.filter(survey=survey)
    if provider is not None:
        responses = responses.filter(provider=provider)
    counts: dict[int, dict[str, int]] = defaultdict(lambda: dict.fromkeys(surveys.RESPONDENTS, 0))
    names = {}
    for provider_id, name, respondent in responses.values_list("provider_id", "provider__name", "respondent"):
        counts[provider_id][respondent] += 1
        names[provider_id] = name
    scores: dict[int, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
    for provider_id, question, score in SurveyAnswer.objects.filter(response__in=responses).values_list(
        "response__provider_id", "question", "score"
    ):
        scores[provider_id][question].append(score)
    rows = []
    for provider_id in sorted(counts, key=lambda pk: names[pk]):
        total = sum(counts[provider_id].values())
        shown = provider is None or surveys.shown_to_provider(total)
        rows.append(
            {
                "provider_id": provider_id,
                "provider": names[provider_id],
                "responses": total,
                "by_respondent": counts[provider_id],
                "shown": shown,
                "results": surveys.results(scores[provider_id]) if shown else [],
            }
        )
    return rows


def survey_comments(*, survey: Survey) -> list[SurveyResponse]:
    """The council's alone: free text could name the person who wrote it."""
    return list(survey.responses.exclude(comment="").select_related("provider").order_by("-received_on"))


# -- outcome measures ----------------------------------------------------------------------------------------------


def _decimal(value, field: str, errors: dict) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        errors[field] = "Enter a number"
        return None


@transaction.atomic
def outcome_measure_record(
    *,
    placement: Placement,
    actor,
    outcome: str,
    tool: str,
    domain: str,
    scale_min,
    scale_max,
    score,
    measured_on: date | None,
    higher_is_better: bool = True,
    note: str = "",
) -> OutcomeMeasure:
    """A score for one of the outcomes in the placement's request. The caller has found the placement within the
    actor's organisation (the council's, or the provider's own)."""
    errors: dict[str, str] = {}
    low, high, value = (
        _decimal(v, f, errors) for v, f in ((scale_min, "scale_min"), (scale_max, "scale_max"), (score, "score"))
    )
    outcomes = surveys.request_outcomes(placement.request.outcomes)
    errors |= {
        k: v
        for k, v in surveys.check_measure(
            outcome=outcome, outcomes=outcomes, tool=tool, domain=domain, scale_min=low, scale_max=high, score=value
        ).items()
        if k not in errors
    }
    today = timezone.localdate()
    if measured_on is None:
        errors["measured_on"] = "Enter the date of the measure"
    elif measured_on > today:
        errors["measured_on"] = "The date of the measure cannot be in the future"
    elif measured_on < placement.start_on:
        errors["measured_on"] = f"The placement started on {placement.start_on:%-d %B %Y}; measure from then"
    if errors:
        raise ServiceError(errors)
    who, organisation = describe_actor(actor)[0], actor.organisation
    measure = OutcomeMeasure.objects.create(
        council=placement.council,
        request=placement.request,
        person=placement.person,
        outcome=outcome,
        tool=tool.strip(),
        domain=domain.strip(),
        scale_min=low,
        scale_max=high,
        higher_is_better=higher_is_better,
        score=value,
        measured_on=measured_on,
        note=(note or "").strip(),
        recorded_by=who,
        recorded_by_organisation=organisation,
    )
    audit_record(
        actor=actor,
        organisation=placement.council,
        also=placement.provider,
        action="outcome_measure.recorded",
        target=measure,
        after={"outcome": outcome, "tool": measure.tool, "domain": measure.domain, "score": value},
    )
    return measure


def outcome_series(*, placement: Placement) -> list[dict]:
    """Each outcome in the request with its measures as series per tool and domain, oldest first, and the change
    from the first score to the latest."""
    outcomes = surveys.request_outcomes(placement.request.outcomes)
    measures = OutcomeMeasure.objects.filter(request=placement.request).select_related("recorded_by_organisation")
    series: dict[str, dict[tuple[str, str], list[OutcomeMeasure]]] = defaultdict(lambda: defaultdict(list))
    for measure in measures:
        series[measure.outcome][measure.tool, measure.domain].append(measure)
    return [
        {
            "outcome": outcome,
            "series": [
                {
                    "tool": tool,
                    "domain": domain,
                    "measures": found,
                    "direction": surveys.direction([m.score for m in found], found[-1].higher_is_better),
                }
                for (tool, domain), found in series[outcome].items()
            ],
        }
        for outcome in outcomes + [o for o in series if o not in outcomes]
    ]
