"""Forms type the input; the rules are the services'."""

from decimal import Decimal

from django import forms

from caremarket.core.govuk import DateParts, DateTimeParts, date_field
from caremarket.domain.arrangements import STATUS_LABELS, TRANSITIONS, Status

from .models import MECHANISMS, PRICE_BASES, REGIMES


def _date(label: str, required: bool = True) -> forms.DateField:
    return date_field(label, required=required)


def _closing(label: str = "Applications close at") -> forms.DateTimeField:
    return forms.DateTimeField(
        label=label,
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        help_text="For example, 18 12 2026 at 12:00",
        widget=DateTimeParts(),
        error_messages={
            "required": "Give the closing date and time",
            "invalid": "Enter a real date and a time like 12:00",
        },
    )


class ArrangementForm(forms.Form):
    reference = forms.CharField(
        label="Reference",
        max_length=40,
        help_text="For example DO-FPS-2026",
        error_messages={"required": "Enter a reference, for example HC-2026"},
    )
    title = forms.CharField(label="Title", max_length=200, error_messages={"required": "Enter a title"})
    description = forms.CharField(label="Description", required=False, widget=forms.Textarea(attrs={"rows": 4}))
    mechanism = forms.ChoiceField(
        label="Mechanism",
        choices=MECHANISMS,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose a mechanism"},
    )
    regime = forms.ChoiceField(
        label="Legal regime",
        choices=REGIMES,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose a legal regime"},
    )
    starts_on = _date("Start date")
    ends_on = _date("End date")
    max_extension_months = forms.IntegerField(
        label="Maximum extension in months",
        min_value=0,
        initial=0,
        error_messages={"required": "Enter the maximum extension (0 for none)"},
    )
    estimated_value = forms.DecimalField(
        label="Estimated value in pounds",
        min_value=0,
        decimal_places=2,
        max_digits=14,
        error_messages={"required": "Enter the estimated value"},
    )
    contact_name = forms.CharField(label="Contact name", required=False)
    contact_email = forms.EmailField(label="Contact email", required=False)
    contact_phone = forms.CharField(label="Contact phone", required=False)
    price_basis = forms.ChoiceField(
        label="What price do applicants give?",
        choices=PRICE_BASES,
        widget=forms.RadioSelect,
        initial="none",
        error_messages={"required": "Choose what price applicants give"},
    )
    quality_weight = forms.DecimalField(label="Quality weight (%)", initial=60, min_value=0, max_value=100)
    price_weight = forms.DecimalField(label="Price weight (%)", initial=40, min_value=0, max_value=100)
    quality_threshold = forms.DecimalField(
        label="Quality threshold (score out of 100)",
        initial=60,
        min_value=0,
        max_value=100,
        help_text="Only applications at or above it have their prices evaluated",
    )
    cap_level_1 = forms.IntegerField(
        label="Most level 1 areas one provider may win (tiered frameworks)", required=False, min_value=0
    )
    cap_level_2 = forms.IntegerField(
        label="Most level 2 areas one provider may win (tiered frameworks)", required=False, min_value=0
    )
    kpi_weight = forms.DecimalField(
        label="KPI share of the ranking (%) (ranked frameworks)",
        initial=50,
        min_value=0,
        max_value=100,
        help_text="The rest of the ranking is the price score",
    )
    window_every_months = forms.IntegerField(
        label="Reopen every so many months (flexible and open frameworks)",
        required=False,
        min_value=1,
        help_text="Leave empty to reopen only when unmet need is recorded",
    )
    window_length_days = forms.IntegerField(label="Days each window stays open", initial=28, min_value=1)
    response_hours = forms.DecimalField(
        label="Working hours a provider has to answer a referral (cascades and ranked approaches)",
        initial=4,
        min_value=Decimal("0.5"),
        max_value=120,
        decimal_places=1,
        required=False,
        help_text="Counted in working hours, 9am to 5pm Monday to Friday; from 0.5 to 120 (4 if left empty)",
    )


class LotForm(forms.Form):
    title = forms.CharField(label="Title", max_length=200, error_messages={"required": "Enter the lot's title"})
    description = forms.CharField(label="Description", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    service_types = forms.MultipleChoiceField(
        label="Service types",
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one service type"},
    )
    areas = forms.MultipleChoiceField(
        label="Areas",
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one area for the lot"},
    )
    need_levels = forms.MultipleChoiceField(
        label="Need levels (optional)", widget=forms.CheckboxSelectMultiple, required=False
    )

    def __init__(self, *args, service_types, areas, need_levels, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service_types"].choices = [(s.code, s.name) for s in service_types]
        self.fields["areas"].choices = [(a.code, f"{a.name} (level {a.level})") for a in areas]
        self.fields["need_levels"].choices = [(str(n.pk), str(n)) for n in need_levels]


class TransitionForm(forms.Form):
    to_status = forms.ChoiceField(
        label="Move the arrangement to", widget=forms.RadioSelect, error_messages={"required": "Choose the next state"}
    )
    closes_at = _closing()
    reason = forms.CharField(
        label="Reason (needed to terminate)", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, current: Status, needs_closing: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_status"].choices = [(s.value, STATUS_LABELS[s]) for s in sorted(TRANSITIONS[current])]
        self.fields["closes_at"].required = False
        if not needs_closing:
            del self.fields["closes_at"]
        else:
            self.fields["closes_at"].help_text = "Needed when opening: the first application window closes then"


class WindowForm(forms.Form):
    reason = forms.ChoiceField(
        label="Why does the window open?",
        widget=forms.RadioSelect,
        choices=[("unmet-need", "Unmet need has been identified"), ("scheduled", "Scheduled reopening")],
        error_messages={"required": "Choose why the window opens"},
    )
    unmet_need = forms.CharField(
        label="The unmet need",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example: 12 people in the south wait for building-based support",
    )
    closes_at = _closing("Window closes at")


class QuestionForm(forms.Form):
    kind = forms.ChoiceField(
        label="Kind of question",
        widget=forms.RadioSelect,
        choices=[("pass-fail", "Pass or fail"), ("scored", "Scored quality question")],
        error_messages={"required": "Choose the kind of question"},
    )
    text = forms.CharField(
        label="Question", widget=forms.Textarea(attrs={"rows": 3}), error_messages={"required": "Enter the question"}
    )
    guidance = forms.CharField(
        label="Guidance for applicants (optional)", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    weight = forms.DecimalField(label="Weight (scored questions)", required=False, min_value=0, initial=0)
    max_score = forms.IntegerField(label="Top score (scored questions)", required=False, min_value=0, initial=5)
    asks_expiry = forms.BooleanField(label="The answer carries an expiry date (for example insurance)", required=False)


YES_NO = [("yes", "Yes"), ("no", "No")]


def application_form(application, data=None):
    """The provider's application as one GOV.UK form: lots, areas, capabilities, answers and prices."""
    arrangement = application.arrangement
    lots = list(arrangement.lots.prefetch_related("areas"))
    areas = sorted({a for lot in lots for a in lot.areas.all()}, key=lambda a: (a.level, a.name))
    # a new application is not saved until its first save succeeds (nothing half-saved)
    answers = {a.question_id: a for a in application.answers.all()} if application.pk else {}
    prices = {(p.area.code if p.area else "all"): p.amount for p in application.prices.all()} if application.pk else {}
    fields = {
        "lots": forms.MultipleChoiceField(
            label="Lots you apply for",
            widget=forms.CheckboxSelectMultiple,
            choices=[(str(lot.pk), f"Lot {lot.number}: {lot.title}") for lot in lots],
            required=False,
        ),
        "areas": forms.MultipleChoiceField(
            label="Areas you apply for",
            widget=forms.CheckboxSelectMultiple,
            choices=[(a.code, f"{a.name} (level {a.level})") for a in areas],
            required=False,
        ),
        "offers_transport": forms.BooleanField(label="We offer transport", required=False),
        "one_to_one": forms.BooleanField(label="We offer 1:1 support", required=False),
        "complex_needs": forms.BooleanField(label="We support people with complex needs", required=False),
        "age_min": forms.IntegerField(
            label="Youngest age you support (optional)", required=False, min_value=0, max_value=120
        ),
        "age_max": forms.IntegerField(
            label="Oldest age you support (optional)",
            required=False,
            min_value=0,
            max_value=120,
            help_text="For example, 25 for life skills (seed 004)",
        ),
        "cqc_location_id": forms.CharField(
            label="CQC location id (needed where the service involves personal care or medication)",
            required=False,
            help_text="For example, 1-466088203",
        ),
    }
    initial = {
        "lots": [str(lot.pk) for lot in application.lots.all()] if application.pk else [],
        "areas": [a.code for a in application.areas.all()] if application.pk else [],
        "offers_transport": application.offers_transport,
        "one_to_one": application.one_to_one,
        "complex_needs": application.complex_needs,
        "age_min": application.age_min,
        "age_max": application.age_max,
        "cqc_location_id": application.cqc_location_id,
    }
    for question in arrangement.questions.all():
        answer = answers.get(question.pk)
        label = f"{question.number}. {question.text}"
        if question.kind == "pass-fail":
            fields[f"q{question.pk}"] = forms.ChoiceField(
                label=label,
                choices=YES_NO,
                widget=forms.RadioSelect,
                required=False,
                help_text=question.guidance or None,
            )
            initial[f"q{question.pk}"] = (
                "" if answer is None or answer.meets is None else ("yes" if answer.meets else "no")
            )
            if question.asks_expiry:
                fields[f"q{question.pk}_expires_on"] = forms.DateField(
                    label=f"Expiry date for question {question.number}",
                    required=False,
                    help_text="For example, 31 3 2027",
                    widget=DateParts(),
                    error_messages={"invalid": "Enter the expiry date as a date, like 31 3 2027"},
                )
                initial[f"q{question.pk}_expires_on"] = answer.expires_on if answer else None
        else:
            fields[f"q{question.pk}"] = forms.CharField(
                label=f"{label} (scored, weight {question.weight:g}%)",
                required=False,
                widget=forms.Textarea(attrs={"rows": 5}),
                help_text=question.guidance or None,
            )
            initial[f"q{question.pk}"] = answer.response if answer else ""
    price_help = "In pounds, for example 28.50"
    if arrangement.price_basis == "hour-per-area":
        for area in areas:
            fields[f"price_{area.code}"] = forms.DecimalField(
                label=f"Hourly rate for {area.name}", required=False, decimal_places=2, help_text=price_help
            )
            initial[f"price_{area.code}"] = prices.get(area.code)
    elif arrangement.price_basis in {"day", "week"}:
        fields["price_all"] = forms.DecimalField(
            label=f"Your {arrangement.price_basis} rate", required=False, decimal_places=2, help_text=price_help
        )
        initial["price_all"] = prices.get("all")
    form_class = type("ApplicationForm", (forms.Form,), fields)
    return form_class(data, initial=initial)


def application_payload(application, cleaned: dict) -> dict:
    """Cleaned form data in the shape applications.application_save takes."""
    answers, prices = {}, {}
    for question in application.arrangement.questions.all():
        value = cleaned.get(f"q{question.pk}")
        if question.kind == "pass-fail":
            answers[question.pk] = {
                "meets": {"yes": True, "no": False}.get(value),
                "expires_on": cleaned.get(f"q{question.pk}_expires_on"),
            }
        else:
            answers[question.pk] = {"response": value or ""}
    for name, value in cleaned.items():
        if name.startswith("price_") and value is not None:
            prices[name.removeprefix("price_")] = value
    return {
        "lots": [int(pk) for pk in cleaned["lots"]],
        "areas": cleaned["areas"],
        "answers": answers,
        "prices": prices,
        "offers_transport": cleaned["offers_transport"],
        "one_to_one": cleaned["one_to_one"],
        "complex_needs": cleaned["complex_needs"],
        "age_min": cleaned["age_min"],
        "age_max": cleaned["age_max"],
        "cqc_location_id": cleaned["cqc_location_id"],
    }


class DocumentForm(forms.Form):
    title = forms.CharField(label="Document title", error_messages={"required": "Enter the document's title"})
    file = forms.FileField(label="File", error_messages={"required": "Choose a file"})
    confidential = forms.BooleanField(label="Confidential to the council", required=False)


class ScoreForm(forms.Form):
    question = forms.ChoiceField(label="Question")
    score = forms.IntegerField(
        label="Score",
        min_value=0,
        error_messages={"required": "Enter a score", "invalid": "The score is a whole number"},
    )
    comment = forms.CharField(label="Comment", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    reason = forms.CharField(label="Reason for changing an agreed score (moderators)", required=False)

    def __init__(self, *args, questions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["question"].choices = [
            (str(q.pk), f"{q.number}. {q.text[:70]} (0 to {q.max_score})") for q in questions
        ]


class DecisionForm(forms.Form):
    outcome = forms.ChoiceField(
        label="Decision",
        widget=forms.RadioSelect,
        choices=[("admit", "Admit"), ("reject", "Do not admit")],
        error_messages={"required": "Choose to admit or not to admit"},
    )
    reasons = forms.CharField(
        label="Reasons (the provider reads them)",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Give the reasons for the decision"},
    )


class SuspendForm(forms.Form):
    reason_code = forms.ChoiceField(
        label="Reason", widget=forms.RadioSelect, error_messages={"required": "Choose the reason"}
    )
    reason = forms.CharField(label="Details", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    all_of_provider = forms.BooleanField(
        label="Suspend every admission of this provider on the arrangement", required=False
    )

    def __init__(self, *args, reason_codes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason_code"].choices = [(r.code, r.name) for r in reason_codes]


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label="Reason", widget=forms.Textarea(attrs={"rows": 3}), error_messages={"required": "Give the reason"}
    )


class ArrangementDocumentForm(forms.Form):
    title = forms.CharField(label="Document title", error_messages={"required": "Enter the document's title"})
    file = forms.FileField(label="File", error_messages={"required": "Choose a file"})


class WithdrawApplicationForm(forms.Form):
    reason = forms.CharField(
        label="Why are you withdrawing it?",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Say why the application is withdrawn"},
    )


class CapacityForm(forms.Form):
    # checked by the service, so the browser and the API give the same message
    capacity = forms.CharField(
        label="How many people can you support at once under this admission?",
        help_text="Everyone you support now under it, and the new people you could take. Enter 0 if you can take "
        "nobody.",
        max_length=6,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "govuk-input--width-4"}),
        error_messages={"required": "Enter the number of people, or 0"},
    )


class ConfirmForm(forms.Form):
    """An action with nothing to fill in but a confirmation, given on its check page."""
