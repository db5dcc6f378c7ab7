"""Forms type the input; the rules are the services'."""

from django import forms

from caremarket.domain.arrangements import STATUS_LABELS, TRANSITIONS, Status

from .models import MECHANISMS, REGIMES

DATE_HELP = "For example 2026-04-01"


def _date(label: str, required: bool = True) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        help_text=DATE_HELP,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={
            "required": f"Enter the {label.lower()}",
            "invalid": f"Enter the {label.lower()} as a date, like 2026-04-01",
        },
    )


def _closing(label: str = "Applications close at") -> forms.DateTimeField:
    return forms.DateTimeField(
        label=label,
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        help_text="Date and time, for example 2026-12-18 12:00",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        error_messages={
            "required": "Give the closing date and time",
            "invalid": "Enter a date and time like 2026-12-18 12:00",
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
    window_every_months = forms.IntegerField(
        label="Reopen every so many months (flexible and open frameworks)",
        required=False,
        min_value=1,
        help_text="Leave empty to reopen only when unmet need is recorded",
    )
    window_length_days = forms.IntegerField(label="Days each window stays open", initial=28, min_value=1)


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
