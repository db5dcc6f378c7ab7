from django import forms

from .models import REQUEST_STATUSES


class PersonForm(forms.Form):
    given_name = forms.CharField(
        label="First name", max_length=100, error_messages={"required": "Enter the person's first name"}
    )
    family_name = forms.CharField(
        label="Last name", max_length=100, error_messages={"required": "Enter the person's last name"}
    )
    date_of_birth = forms.DateField(
        label="Date of birth",
        help_text="For example 1948-03-27",
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={
            "required": "Enter the date of birth",
            "invalid": "Enter the date of birth as a date, like 1948-03-27",
        },
    )
    address = forms.CharField(
        label="Address", widget=forms.Textarea(attrs={"rows": 3}), error_messages={"required": "Enter the address"}
    )
    postcode = forms.CharField(label="Postcode", max_length=10, error_messages={"required": "Enter the postcode"})
    phone = forms.CharField(label="Phone (optional)", required=False)
    email = forms.EmailField(label="Email (optional)", required=False)


class CareRequestForm(forms.Form):
    service_type = forms.ChoiceField(label="Service", error_messages={"required": "Choose the service"})
    need_level = forms.ChoiceField(label="Need level", required=False)
    area = forms.ChoiceField(
        label="Area", required=False, help_text="Leave as it is to use the area of the person's postcode"
    )
    needs_transport = forms.BooleanField(label="The assessment says the person needs transport", required=False)
    hours_per_week = forms.DecimalField(label="Hours per week (home care)", required=False, decimal_places=2)
    visit_pattern = forms.CharField(
        label="Visit pattern (home care)",
        required=False,
        help_text="For example: 4 calls a day, 30 minutes, double-handed at lunch",
    )
    days_per_week = forms.IntegerField(label="Days per week (day services)", required=False)
    weekly_placement = forms.BooleanField(label="A weekly placement (supported living)", required=False)
    start_on = forms.DateField(
        label="Start date",
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="For example 2026-12-07",
        error_messages={
            "required": "Enter the start date",
            "invalid": "Enter the start date as a date, like 2026-12-07",
        },
    )
    outcomes = forms.CharField(
        label="Outcomes the person wants",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Describe the outcomes the person wants"},
    )
    requirements = forms.CharField(
        label="Requirements (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example: female carers, speaks Punjabi, dementia skills",
    )

    def __init__(self, *args, service_types, need_levels, areas, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service_type"].choices = [("", "Choose the service")] + [(s.code, s.name) for s in service_types]
        self.fields["need_level"].choices = [("", "No need level")] + [(str(n.pk), str(n)) for n in need_levels]
        self.fields["area"].choices = [("", "The area of the postcode")] + [
            (a.code, f"{a.name} (level {a.level})") for a in areas
        ]


class QueueFilterForm(forms.Form):
    status = forms.ChoiceField(
        label="State",
        required=False,
        choices=[("", "Any open state")] + [s for s in REQUEST_STATUSES if s[0] != "cancelled"],
    )
    area = forms.ChoiceField(label="Area", required=False)
    service_type = forms.ChoiceField(label="Service", required=False)

    def __init__(self, *args, areas, service_types, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].choices = [("", "Any area")] + [(a.code, a.name) for a in areas]
        self.fields["service_type"].choices = [("", "Any service")] + [(s.code, s.name) for s in service_types]


class NoteForm(forms.Form):
    note = forms.CharField(label="Note (optional)", required=False, widget=forms.Textarea(attrs={"rows": 2}))


class DeclineForm(forms.Form):
    reason_code = forms.ChoiceField(
        label="Why are you declining?",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the reason for declining"},
    )
    note = forms.CharField(
        label="Anything the broker should know (optional)", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, reason_codes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason_code"].choices = [(r.code, r.name) for r in reason_codes]
