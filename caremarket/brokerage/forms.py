from django import forms

from caremarket.core.govuk import DateParts, DateTimeParts, date_field
from caremarket.domain import visits as visit_rules

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
        help_text="For example, 27 3 1948",
        widget=DateParts(),
        error_messages={
            "required": "Enter the date of birth",
            "invalid": "Enter the date of birth as a date, like 27 3 1948",
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
        widget=DateParts(),
        help_text="For example, 7 12 2026",
        error_messages={
            "required": "Enter the start date",
            "invalid": "Enter the start date as a date, like 7 12 2026",
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
    q = forms.CharField(label="Name, postcode or request reference", required=False, max_length=100)
    status = forms.ChoiceField(
        label="State",
        required=False,
        choices=[("", "Open: waiting for approval or a provider"), ("any", "Any state, placed included")]
        + [s for s in REQUEST_STATUSES if s[0] != "cancelled"],
    )
    sort = forms.ChoiceField(
        label="Order",
        required=False,
        choices=[
            ("start", "Starting soonest first"),
            ("deadline", "Provider's answer due soonest first"),
            ("waiting", "Waiting longest first"),
        ],
    )
    owner = forms.ChoiceField(
        label="Owner",
        required=False,
        choices=[("", "Anyone's or nobody's"), ("me", "Mine"), ("nobody", "Nobody's yet")],
    )
    area = forms.ChoiceField(label="Area", required=False)
    service_type = forms.ChoiceField(label="Service", required=False)
    escalated = forms.ChoiceField(
        label="Escalated",
        required=False,
        choices=[("", "Escalated or not"), ("yes", "Escalated only"), ("no", "Not escalated")],
    )

    def __init__(self, *args, areas, service_types, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].choices = [("", "Any area")] + [(a.code, a.name) for a in areas]
        self.fields["service_type"].choices = [("", "Any service")] + [(s.code, s.name) for s in service_types]


class NoteForm(forms.Form):
    note = forms.CharField(label="Note (optional)", required=False, widget=forms.Textarea(attrs={"rows": 2}))


class CancelRequestForm(forms.Form):
    reason = forms.CharField(
        label="Why is the request cancelled?",
        help_text="For example: the person died, moved out of the area, or chose a direct payment",
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Say why the request is cancelled, for example the person chose a direct payment"},
    )


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


PRICE_UNIT_CHOICES = [("hour", "Per hour"), ("day", "Per day"), ("week", "Per week"), ("package", "For the package")]


def _date(label: str, example: str = "2026-12-07", required: bool = True) -> forms.DateField:
    return date_field(label, example, required)


def _money(label: str) -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        min_value=0,
        decimal_places=2,
        max_digits=10,
        error_messages={
            "required": "Enter the price",
            "invalid": "Enter the price in pounds and pence, like 24.50",
            "min_value": "The price must be more than £0",
            "max_decimal_places": "Give the price in pounds and pence, like 24.50",
        },
        widget=forms.NumberInput(attrs={"class": "govuk-input--width-10", "step": "0.01"}),
    )


class CompetitionForm(forms.Form):
    closes_at = forms.DateTimeField(
        label="Closing time",
        input_formats=["%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M"],
        widget=DateTimeParts(),
        help_text="Offers are sealed until then. For example, 7 12 2026 at 12:00",
        error_messages={
            "required": "Enter the closing time",
            "invalid": "Enter a real date and a time like 12:00",
        },
    )
    quality_weight = forms.DecimalField(label="Quality weight (%)", initial=60, decimal_places=2)
    price_weight = forms.DecimalField(label="Price weight (%)", initial=40, decimal_places=2)
    price_unit = forms.ChoiceField(label="Offers give a price", choices=PRICE_UNIT_CHOICES)
    criteria = forms.CharField(
        label="How offers will be judged",
        widget=forms.Textarea(attrs={"rows": 3}),
        initial="Quality (60%): how the provider will meet the person's outcomes, and how soon it can start. "
        "Price (40%): the lowest price scores full marks, others in proportion.",
        error_messages={"required": "Publish the criteria offers will be judged by"},
    )


class OfferForm(forms.Form):
    price = _money("Your price")
    earliest_start_on = _date("Earliest start date")
    how_outcomes_met = forms.CharField(
        label="How you will meet the outcomes",
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": "Say how you will meet the outcomes the person wants"},
    )


class ScoreForm(forms.Form):
    """One quality score (0-100) and comment per offer."""

    def __init__(self, *args, offers, **kwargs):
        super().__init__(*args, **kwargs)
        for offer in offers:
            self.fields[f"quality_{offer.pk}"] = forms.DecimalField(
                label=f"Quality score for {offer.provider.name} (0 to 100)",
                min_value=0,
                max_value=100,
                decimal_places=2,
                widget=forms.NumberInput(attrs={"class": "govuk-input--width-5"}),
                error_messages={"required": f"Score the offer from {offer.provider.name}"},
            )
            self.fields[f"comment_{offer.pk}"] = forms.CharField(
                label=f"Comment on {offer.provider.name}'s offer (optional)", required=False
            )

    def scores(self) -> tuple[dict, dict]:
        data = self.cleaned_data
        quality = {int(k.split("_")[1]): v for k, v in data.items() if k.startswith("quality_")}
        comments = {int(k.split("_")[1]): v for k, v in data.items() if k.startswith("comment_")}
        return quality, comments


class AwardForm(forms.Form):
    offer = forms.ChoiceField(
        label="Award to", widget=forms.RadioSelect, error_messages={"required": "Choose the offer to award"}
    )
    reason = forms.CharField(
        label="Reason (needed if the offer did not score highest)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, offers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["offer"].choices = [
            (str(o.pk), f"{o.provider.name}: rank {o.rank}, total {o.total_score}") for o in offers
        ]


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label="Why", widget=forms.Textarea(attrs={"rows": 2}), error_messages={"required": "Give the reason"}
    )


class SpotPurchaseForm(forms.Form):
    provider = forms.ChoiceField(label="Provider", error_messages={"required": "Choose the provider"})
    reason_code = forms.ChoiceField(
        label="Why nothing on the arrangements can meet the need",
        error_messages={"required": "Choose why nothing on the arrangements can meet the need"},
    )
    agreed_price = _money("Agreed price")
    price_unit = forms.ChoiceField(label="The price is", choices=PRICE_UNIT_CHOICES)
    note = forms.CharField(label="Note (optional)", required=False)

    def __init__(self, *args, providers, reason_codes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["provider"].choices = [("", "Choose the provider")] + [(str(p.pk), p.name) for p in providers]
        self.fields["reason_code"].choices = [("", "Choose the reason")] + [(r.code, r.name) for r in reason_codes]


class VaryForm(forms.Form):
    starts_on = _date("Date the new terms start")
    hours_per_week = forms.DecimalField(label="Hours per week", required=False, decimal_places=2)
    days_per_week = forms.IntegerField(label="Days per week", required=False)
    need_level = forms.ChoiceField(label="Need level", required=False)
    agreed_price = forms.DecimalField(label="Agreed price (leave empty to keep it)", required=False, decimal_places=2)
    reason = forms.CharField(label="Why the placement is varied", error_messages={"required": "Say why"})

    def __init__(self, *args, need_levels, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["need_level"].choices = [("", "Keep the need level")] + [(str(n.pk), n.name) for n in need_levels]


class HospitalForm(forms.Form):
    on = _date("Date")
    unplanned = forms.BooleanField(label="An unplanned admission", required=False, initial=True)


class EndForm(forms.Form):
    ended_on = _date("End date")
    reason_code = forms.ChoiceField(label="Why it ends", error_messages={"required": "Choose why the placement ends"})
    note = forms.CharField(label="Note (optional)", required=False)

    def __init__(self, *args, reason_codes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason_code"].choices = [("", "Choose the reason")] + [(r.code, r.name) for r in reason_codes]


class ProviderFailureForm(forms.Form):
    provider = forms.ChoiceField(
        label="Provider",
        error_messages={
            "required": "Choose the provider",
            "invalid_choice": "This provider has no active placements with you (any it had may already have ended)",
        },
    )
    ends_on = _date("Last day of care from this provider")
    reason_code = forms.ChoiceField(label="Why", error_messages={"required": "Choose why the placements end"})

    def __init__(self, *args, providers, reason_codes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["provider"].choices = [("", "Choose the provider")] + [(str(p.pk), p.name) for p in providers]
        self.fields["reason_code"].choices = [("", "Choose the reason")] + [(r.code, r.name) for r in reason_codes]


class EscalationForm(forms.Form):
    hours = forms.IntegerField(
        label="Escalate unsourced requests to team leaders after (hours)",
        error_messages={"required": "Give a number of hours", "invalid": "Give a whole number of hours"},
        widget=forms.NumberInput(attrs={"class": "govuk-input--width-5"}),
    )
    provider_access_days = forms.IntegerField(
        label="Days providers still see a person's details after a placement ends",
        help_text="For invoices and queries; after that they see the placement's reference only",
        error_messages={"required": "Give a number of days", "invalid": "Give a whole number of days"},
        widget=forms.NumberInput(attrs={"class": "govuk-input--width-5"}),
    )


class CarryOverForm(forms.Form):
    arrangement = forms.ChoiceField(label="New arrangement", error_messages={"required": "Choose the arrangement"})
    starts_on = _date("Date the placements move to it")

    def __init__(self, *args, arrangements, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["arrangement"].choices = [("", "Choose the arrangement")] + [
            (str(a.pk), f"{a.reference}: {a.title}") for a in arrangements
        ]


class RecordViewsForm(forms.Form):
    person = forms.IntegerField(
        label="Person reference",
        min_value=1,
        help_text="The number in 'Person 123', as the audit log and the person's page show it",
        error_messages={"required": "Enter the person's reference", "invalid": "Enter the reference as a number"},
        widget=forms.NumberInput(attrs={"class": "govuk-input--width-10"}),
    )


class VisitPlanForm(forms.Form):
    """A home care placement's planned visits from a date: up to VISIT_LINES lines of days, time, minutes and carers
    (four calls a day every day is four lines); lines left empty are ignored."""

    VISIT_LINES = 6

    starts_on = _date("Date the plan starts")
    reason = forms.CharField(label="Why the plan changes (optional)", required=False, max_length=500)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for n in range(1, self.VISIT_LINES + 1):
            self.fields[f"visit_{n}_days"] = forms.MultipleChoiceField(
                label="Days",
                required=False,
                choices=[(str(d), name) for d, name in enumerate(visit_rules.WEEKDAYS)],
                widget=forms.CheckboxSelectMultiple(attrs={"class": "govuk-checkboxes--small"}),
            )
            self.fields[f"visit_{n}_start"] = forms.TimeField(
                label="Time (24-hour, like 07:30)",
                required=False,
                input_formats=["%H:%M", "%H.%M", "%H%M"],
                widget=forms.TimeInput(format="%H:%M", attrs={"class": "govuk-input--width-5"}),
                error_messages={"invalid": f"Visit {n}: enter the time like 07:30"},
            )
            self.fields[f"visit_{n}_minutes"] = forms.IntegerField(
                label="Minutes",
                required=False,
                widget=forms.NumberInput(attrs={"class": "govuk-input--width-3"}),
                error_messages={"invalid": f"Visit {n}: enter the minutes as a whole number, like 45"},
            )
            self.fields[f"visit_{n}_carers"] = forms.IntegerField(
                label="Carers",
                required=False,
                widget=forms.NumberInput(attrs={"class": "govuk-input--width-2"}),
                error_messages={"invalid": f"Visit {n}: enter the number of carers, like 2"},
            )

    @classmethod
    def initial_from(cls, visits: list) -> dict:
        """The form filled with a plan's lines (domain PlannedVisit), to change from."""
        initial = {}
        for n, visit in enumerate(visits[: cls.VISIT_LINES], start=1):
            initial[f"visit_{n}_days"] = [str(d) for d in sorted(visit.days)]
            initial[f"visit_{n}_start"] = f"{visit.start:%H:%M}"
            initial[f"visit_{n}_minutes"] = visit.minutes
            initial[f"visit_{n}_carers"] = visit.carers
        return initial

    def lines(self) -> list[tuple[int, list]]:
        return [
            (n, [self[f"visit_{n}_{part}"] for part in ("days", "start", "minutes", "carers")])
            for n in range(1, self.VISIT_LINES + 1)
        ]

    def clean(self):
        data = super().clean()
        visits, numbers = [], []
        for n in range(1, self.VISIT_LINES + 1):
            days, at = data.get(f"visit_{n}_days"), data.get(f"visit_{n}_start")
            minutes, carers = data.get(f"visit_{n}_minutes"), data.get(f"visit_{n}_carers")
            if not (days or at or minutes) or any(self.has_error(f"visit_{n}_{p}") for p in ("start", "minutes")):
                continue
            if at is None:
                self.add_error(f"visit_{n}_start", f"Visit {n}: enter the time it starts, like 07:30")
            elif minutes is None:
                self.add_error(f"visit_{n}_minutes", f"Visit {n}: enter how many minutes it lasts")
            else:
                numbers.append(n)
                visits.append(
                    visit_rules.PlannedVisit(
                        days=frozenset(int(d) for d in days or ()), start=at, minutes=minutes, carers=carers or 1
                    )
                )
        if self.errors:
            return data
        for key, message in visit_rules.check_plan(visits, numbers).items():
            n = key.removeprefix("visit-")
            self.add_error(f"visit_{n}_days" if n.isdigit() else None, message)
        data["visits"] = visits
        return data
