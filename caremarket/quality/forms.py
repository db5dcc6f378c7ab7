"""Quality forms, each asking in the words of the person filling it in."""

from __future__ import annotations

from django import forms

from caremarket.core.govuk import date_field
from caremarket.domain import quality


def slug(key: str) -> str:
    return key.replace(".", "-")


class PlanVisitForm(forms.Form):
    provider = forms.TypedChoiceField(
        label="Provider", coerce=int, error_messages={"required": "Choose the provider to visit"}
    )
    service_type = forms.TypedChoiceField(
        label="Service", coerce=int, error_messages={"required": "Choose the service the visit looks at"}
    )
    planned_for = date_field("Date of the visit", "2026-12-07")
    reason = forms.CharField(
        label="Why this visit (optional)", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, providers: dict[int, str], service_types, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["provider"].choices = [("", "Choose a provider"), *providers.items()]
        self.fields["service_type"].choices = [("", "Choose a service"), *((s.pk, s.name) for s in service_types)]


class RecordForm(forms.Form):
    """A rating and its evidence for each question of the visit's framework that applies to its service."""

    visited_on = date_field("Date of the visit", "2026-11-16", required=False)
    summary = forms.CharField(
        label="Summary for the report", required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, questions, scale: quality.Scale, **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = questions
        for q in questions:
            self.fields[f"rating-{slug(q.key)}"] = forms.ChoiceField(
                label=f"{q.key} {q.text}",
                choices=scale.choices,
                required=False,
                widget=forms.RadioSelect(attrs={"class": "govuk-radios--small govuk-radios--inline"}),
                help_text=q.guidance,
            )
            self.fields[f"evidence-{slug(q.key)}"] = forms.CharField(
                label=f"Evidence for {q.key}",
                required=False,
                max_length=10_000,
                widget=forms.Textarea(attrs={"rows": 3}),
            )

    def rows(self):
        for q in self.questions:
            yield q, self[f"rating-{slug(q.key)}"], self[f"evidence-{slug(q.key)}"]

    def ratings(self) -> list:
        from .services import Rating

        found = []
        for q in self.questions:
            rating = self.cleaned_data.get(f"rating-{slug(q.key)}") or ""
            evidence = self.cleaned_data.get(f"evidence-{slug(q.key)}") or ""
            if rating or evidence.strip():
                found.append(Rating(q.key, rating, evidence))
        return found


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label="Why", max_length=2000, widget=forms.Textarea(attrs={"rows": 2}), error_messages={"required": "Say why"}
    )


class CommentForm(forms.Form):
    question = forms.ChoiceField(label="Which finding (optional)", required=False)
    comment = forms.CharField(
        label="What is factually wrong, and what is right",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Say which fact is wrong and what is right"},
    )

    def __init__(self, *args, findings, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["question"].choices = [("", "The report as a whole")] + [
            (f.question.key, f"{f.question.key} {f.question.text}") for f in findings
        ]


class AnswerForm(forms.Form):
    response = forms.CharField(
        label="Your answer to the provider",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Say what was changed, or why the finding stands"},
    )


class ActionPlanForm(forms.Form):
    """One action per issue (the provider may add a second on each)."""

    def __init__(self, *args, issues, **kwargs):
        super().__init__(*args, **kwargs)
        self.issues = issues
        for f in issues:
            for n in (1, 2):
                k = f"{slug(f.question.key)}-{n}"
                self.fields[f"action-{k}"] = forms.CharField(
                    label="What will be done" if n == 1 else "A second action (optional)",
                    required=False,
                    max_length=2000,
                    widget=forms.Textarea(attrs={"rows": 2}),
                )
                self.fields[f"owner-{k}"] = forms.CharField(label="Who owns it", required=False, max_length=200)
                self.fields[f"due-{k}"] = date_field("Done by", "2027-01-15", required=False)

    def groups(self):
        for f in self.issues:
            yield (
                f,
                [
                    (
                        self[f"action-{slug(f.question.key)}-{n}"],
                        self[f"owner-{slug(f.question.key)}-{n}"],
                        self[f"due-{slug(f.question.key)}-{n}"],
                    )
                    for n in (1, 2)
                ],
            )

    def actions(self) -> list:
        from .services import NewAction

        found = []
        for f in self.issues:
            for n in (1, 2):
                k = f"{slug(f.question.key)}-{n}"
                action, owner, due = (self.cleaned_data.get(f"{p}-{k}") for p in ("action", "owner", "due"))
                if (action or "").strip() or (owner or "").strip() or due:
                    found.append(NewAction(f.question.key, action or "", owner or "", due))
        return found


class ActionUpdateForm(forms.Form):
    status = forms.ChoiceField(
        label="Where it stands",
        choices=[("in-progress", "In progress"), ("done", "Done")],
        widget=forms.RadioSelect(attrs={"class": "govuk-radios--small govuk-radios--inline"}),
        error_messages={"required": "Choose in progress or done"},
    )
    progress = forms.CharField(
        label="What has been done",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Say what has been done"},
    )


class ComplaintForm(forms.Form):
    kind = forms.ChoiceField(
        label="Is it a complaint or a compliment?",
        choices=list(quality.COMPLAINT_KINDS.items()),
        widget=forms.RadioSelect,
        error_messages={"required": "Choose complaint or compliment"},
    )
    provider = forms.TypedChoiceField(label="About which provider", coerce=int, required=False)
    council = forms.TypedChoiceField(label="Which council's care", coerce=int, required=False)
    placement = forms.CharField(
        label="Placement number (optional)",
        required=False,
        max_length=12,
        help_text="As on the placement's page, for example 412",
    )
    category = forms.ChoiceField(
        label="What is it about",
        choices=[("", "Choose a category"), *quality.COMPLAINT_CATEGORIES.items()],
        error_messages={"required": "Choose what the complaint or compliment is about"},
    )
    severity = forms.ChoiceField(
        label="How serious (complaints)",
        choices=list(quality.SEVERITIES.items()),
        required=False,
        widget=forms.RadioSelect(attrs={"class": "govuk-radios--small govuk-radios--inline"}),
    )
    safeguarding = forms.BooleanField(label="This raises a safeguarding concern", required=False)
    received_on = date_field("Date received", "2026-11-20")
    summary = forms.CharField(
        label="What was said",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Say what the complaint or compliment is"},
    )

    def __init__(self, *args, providers: dict[int, str] | None = None, councils: dict[int, str] | None = None, **kw):
        super().__init__(*args, **kw)
        if providers is None:
            del self.fields["provider"]
        else:
            self.fields["provider"].choices = [("", "Choose a provider"), *providers.items()]
            self.fields["provider"].required = True
            self.fields["provider"].error_messages["required"] = "Choose the provider it is about"
        if councils is None:
            del self.fields["council"]
        else:
            self.fields["council"].choices = [("", "Choose a council"), *councils.items()]
            self.fields["council"].required = True
            self.fields["council"].error_messages["required"] = "Choose the council whose care it is about"


class CloseForm(forms.Form):
    outcome = forms.ChoiceField(
        label="Outcome",
        choices=list(quality.OUTCOMES.items()),
        widget=forms.RadioSelect,
        error_messages={"required": "Choose upheld, partly upheld or not upheld"},
    )
    response = forms.CharField(
        label="How it was answered",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Say how the complaint was answered"},
    )
    lessons = forms.CharField(
        label="Lessons learned (optional)", required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 2})
    )
