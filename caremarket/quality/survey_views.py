"""Satisfaction surveys (the council records responses and sees them all; a provider sees its own results when
enough people answered) and outcome measures against the outcomes in a person's request."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone

from caremarket.brokerage import selectors as brokerage
from caremarket.brokerage import services as brokerage_services
from caremarket.core.govuk import FAILED, bound, date_field, submit
from caremarket.core.permissions import has_permission, permission_required
from caremarket.domain import surveys
from caremarket.domain.roles import Permission

from . import surveying

NOT_ANSWERED = ""


class SurveyForm(forms.Form):
    title = forms.CharField(label="Title", max_length=200, error_messages={"required": "Enter the survey's title"})
    opens_on = date_field("Date the survey opens")
    closes_on = date_field("Date the survey closes")


class ResponseForm(forms.Form):
    provider = forms.TypedChoiceField(label="About which provider", coerce=int)
    respondent = forms.ChoiceField(
        label="Who answered",
        choices=list(surveys.RESPONDENTS.items()),
        widget=forms.RadioSelect,
        error_messages={"required": "Say who answered"},
    )
    received_on = date_field("Date received")
    comment = forms.CharField(
        label="Comment (optional; never shown to the provider)",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, providers: dict[int, str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["provider"].choices = [("", "Choose a provider"), *providers.items()]
        self.fields["provider"].error_messages["required"] = "Choose the provider the response is about"
        for question in surveys.QUESTIONS:
            self.fields[f"q_{question.code}"] = forms.TypedChoiceField(
                label=question.text,
                coerce=int,
                required=False,
                empty_value=None,
                choices=[
                    *((score, f"{score} {label}") for score, label in surveys.SCALE.items()),
                    ("", "Not answered"),
                ],
                widget=forms.RadioSelect(attrs={"class": "govuk-radios--small govuk-radios--inline"}),
            )

    def answers(self) -> dict[str, int]:
        return {
            q.code: self.cleaned_data.get(f"q_{q.code}")
            for q in surveys.QUESTIONS
            if self.cleaned_data.get(f"q_{q.code}")
        }


def _survey_page(request, survey, form=None, status=200):
    organisation = request.user.organisation
    own = organisation.is_provider
    context = {
        "survey": survey,
        "own": own,
        "rows": surveying.survey_results(survey=survey, provider=organisation if own else None),
        "questions": surveys.QUESTIONS,
        "smallest": surveys.SMALLEST_GROUP,
        "respondents": surveys.RESPONDENTS,
    }
    if not own:
        context["comments"] = surveying.survey_comments(survey=survey)
        if has_permission(request.user, Permission.QUALITY_MANAGE):
            context["form"] = form or ResponseForm(providers=surveying.providers_surveyed(council=organisation))
    return render(request, "quality/survey.html", context, status=status)


@permission_required(Permission.SURVEYS)
def survey_list(request):
    organisation = request.user.organisation
    may_create = not organisation.is_provider and has_permission(request.user, Permission.QUALITY_MANAGE)
    form = SurveyForm(bound(request))
    if request.method == "POST" and may_create:
        done = submit(request, form, lambda d: surveying.survey_create(council=organisation, actor=request.user, **d))
        if done is not FAILED:
            messages.success(request, f"Survey {done.title} is set up: record responses as they come in")
            return redirect("quality:survey", pk=done.pk)
    status = 400 if request.method == "POST" else 200
    page = {"surveys": surveying.surveys_for(organisation=organisation), "form": form if may_create else None}
    return render(request, "quality/surveys.html", page, status=status)


@permission_required(Permission.SURVEYS)
def survey(request, pk: int):
    organisation = request.user.organisation
    found = surveying.survey_for(organisation=organisation, pk=pk)
    if request.method != "POST":
        return _survey_page(request, found)
    if organisation.is_provider or not has_permission(request.user, Permission.QUALITY_MANAGE):
        return _survey_page(request, found, status=403)
    form = ResponseForm(request.POST, providers=surveying.providers_surveyed(council=organisation))
    done = submit(
        request,
        form,
        lambda d: surveying.survey_response_record(
            survey=found,
            actor=request.user,
            provider_id=d["provider"],
            respondent=d["respondent"],
            received_on=d["received_on"],
            answers=form.answers(),
            comment=d["comment"],
        ),
    )
    if done is FAILED:
        return _survey_page(request, found, form=form, status=400)
    messages.success(request, "Response recorded")
    return redirect("quality:survey", pk=pk)


class OutcomeForm(forms.Form):
    outcome = forms.ChoiceField(
        label="Which outcome in the request",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the outcome"},
    )
    tool = forms.CharField(label="Tool or measure", max_length=100, help_text="For example, Outcomes Star")
    domain = forms.CharField(
        label="Domain", max_length=100, help_text="The part of the tool, for example Managing money"
    )
    scale_min = forms.DecimalField(label="Lowest score on the scale", initial=1, decimal_places=2)
    scale_max = forms.DecimalField(label="Highest score on the scale", initial=10, decimal_places=2)
    higher_is_better = forms.BooleanField(label="A higher score is better", required=False, initial=True)
    score = forms.DecimalField(label="Score", decimal_places=2, error_messages={"required": "Enter the score"})
    measured_on = date_field("Date measured")
    note = forms.CharField(
        label="Note (optional)", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, outcomes: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["outcome"].choices = [(o, o) for o in outcomes]
        self.fields["tool"].error_messages["required"] = "Name the outcome tool or measure"
        self.fields["domain"].error_messages["required"] = "Name the part of the tool the score is for"


@permission_required(Permission.REVIEWS)
def outcomes(request, pk: int):
    """A person's outcome measures over time, by outcome in their request, tool and domain."""
    placement = brokerage.placement_for_organisation(organisation=request.user.organisation, pk=pk)
    outcomes_ = surveys.request_outcomes(placement.request.outcomes)
    form = OutcomeForm(bound(request), outcomes=outcomes_)
    done = submit(
        request,
        form,
        lambda d: surveying.outcome_measure_record(placement=placement, actor=request.user, **d),
    )
    if done is not FAILED:
        messages.success(request, f"{done.tool}, {done.domain}: {done.score:g} recorded")
        return redirect("quality:outcomes", pk=pk)
    shared = not request.user.organisation.is_provider or placement.shared_with_provider(timezone.localdate())
    if shared:
        brokerage_services.person_viewed(
            person=placement.person, viewer=request.user, what=f"outcomes of placement {pk}"
        )
    context = {
        "placement": placement,
        "shared": shared,
        "outcomes": surveying.outcome_series(placement=placement),
        "form": form,
        "back": "referrals:placement" if request.user.organisation.is_provider else "brokerage:placement",
    }
    return render(request, "quality/outcomes.html", context, status=400 if request.method == "POST" else 200)
