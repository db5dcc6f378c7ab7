from django import forms

from caremarket.core.govuk import date_field

from .models import RATE_KINDS, UNITS


def _date(label: str, example: str = "2026-04-01", required: bool = True) -> forms.DateField:
    return date_field(label, example, required)


def _decimal(label, places=2, required=True, **kwargs):
    return forms.DecimalField(
        label=label,
        decimal_places=places,
        required=required,
        widget=forms.NumberInput(attrs={"class": "govuk-input--width-10"}),
        error_messages={"required": f"Enter the {label.lower()}", "invalid": f"Enter the {label.lower()} as a number"},
        **kwargs,
    )


class RateForm(forms.Form):
    arrangement = forms.ChoiceField(label="Arrangement", error_messages={"required": "Choose the arrangement"})
    kind = forms.ChoiceField(label="Kind of rate", choices=RATE_KINDS)
    service_type = forms.ChoiceField(label="Service (optional)", required=False)
    need_level = forms.ChoiceField(label="Need level (optional)", required=False)
    area = forms.ChoiceField(label="Area (for a provider's rate)", required=False)
    provider = forms.ChoiceField(label="Provider (for a provider's rate)", required=False)
    add_on = forms.CharField(label="Add-on (for example transport)", required=False)
    unit = forms.ChoiceField(label="Unit", choices=UNITS)
    amount = _decimal("Amount in pounds")
    starts_on = _date("Date it takes effect from")
    reason = forms.CharField(label="Why (optional)", required=False)

    def __init__(self, *args, arrangements, service_types, need_levels, areas, providers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["arrangement"].choices = [("", "Choose")] + [(str(a.pk), a.reference) for a in arrangements]
        self.fields["service_type"].choices = [("", "Any")] + [(str(s.pk), s.name) for s in service_types]
        self.fields["need_level"].choices = [("", "Any")] + [(str(n.pk), str(n)) for n in need_levels]
        self.fields["area"].choices = [("", "None")] + [(str(a.pk), a.name) for a in areas]
        self.fields["provider"].choices = [("", "None")] + [(str(p.pk), p.name) for p in providers]


class SupersedeForm(forms.Form):
    amount = _decimal("New amount in pounds")
    starts_on = _date("Date the new amount takes effect from", "2024-04-01")
    reason = forms.CharField(label="Why the rate changes", error_messages={"required": "Say why the rate changes"})


class UpliftForm(forms.Form):
    arrangement = forms.ChoiceField(label="Arrangement", error_messages={"required": "Choose the arrangement"})
    kind = forms.ChoiceField(label="Rates to uplift", choices=[("", "All kinds")] + RATE_KINDS, required=False)
    percent = _decimal("Uplift (%)")
    starts_on = _date("Date the uplift takes effect from")

    def __init__(self, *args, arrangements, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["arrangement"].choices = [("", "Choose")] + [(str(a.pk), a.reference) for a in arrangements]


class ExplainForm(forms.Form):
    placement = forms.IntegerField(label="Placement number", error_messages={"required": "Enter the placement number"})
    day = _date("Date")


class CostOfCareForm(forms.Form):
    name = forms.CharField(label="Name", initial="Home care cost of care")
    pay_per_hour = _decimal("Care worker pay per hour (£)", initial="12.71")
    on_costs_percent = _decimal("On-costs: NI, pension, holiday (%)", initial="22")
    travel_percent = _decimal("Paid travel time (% of contact time)", initial="20")
    mileage_per_hour = _decimal("Mileage per contact hour (£)", initial="1.80")
    training_percent = _decimal("Training (%)", initial="3")
    supervision_percent = _decimal("Supervision (%)", initial="5")
    overheads_percent = _decimal("Overheads (%)", initial="25")
    return_percent = _decimal("Return (%)", initial="3")
    starts_on = _date("Applies from")


class RunForm(forms.Form):
    period_start = _date("First day of the period", "2026-10-05")
    period_end = _date("Last day of the period", "2026-11-01")


class HoldForm(forms.Form):
    provider = forms.ChoiceField(label="Provider", required=False)
    placement = forms.IntegerField(label="Or one placement (number)", required=False)
    reason = forms.CharField(label="Why", error_messages={"required": "Say why the payment is held"})

    def __init__(self, *args, providers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["provider"].choices = [("", "Choose")] + [(str(p.pk), p.name) for p in providers]


class UploadForm(forms.Form):
    file = forms.FileField(
        label="Upload the CSV or XLSX file",
        error_messages={"required": "Choose the file to upload"},
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )


class DeliveryForm(forms.Form):
    placement_id = forms.ChoiceField(label="Placement", error_messages={"required": "Choose the placement"})
    day = _date("Date", "2026-11-02")
    start = forms.CharField(label="Start time (visits)", required=False, help_text="For example 08:00")
    end = forms.CharField(label="End time (visits)", required=False, help_text="For example 08:45")
    carers = forms.IntegerField(label="Carers (visits)", required=False, initial=1)

    def __init__(self, *args, placements, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["placement_id"].choices = [("", "Choose")] + [
            (str(p.pk), f"{p.pk}: {p.person} ({p.council.name})") for p in placements
        ]


class PaymentRulesForm(forms.Form):
    arrangement = forms.ChoiceField(label="Arrangement", error_messages={"required": "Choose the arrangement"})
    pay_on = forms.ChoiceField(
        label="Pay on",
        choices=[("actual", "Actual delivery"), ("planned", "Planned delivery")],
        widget=forms.RadioSelect,
    )
    minimum_minutes = forms.IntegerField(label="Minimum chargeable time per visit (minutes)", initial=0, min_value=0)
    weekend_percent = _decimal("Weekend enhancement (%)", initial=0)
    bank_holiday_percent = _decimal("Bank holiday enhancement (%)", initial=0)
    starts_on = _date("Date the rules take effect from")

    def __init__(self, *args, arrangements, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["arrangement"].choices = [("", "Choose")] + [(str(a.pk), a.reference) for a in arrangements]


class HoursBlockForm(forms.Form):
    arrangement = forms.ChoiceField(label="Arrangement", error_messages={"required": "Choose the arrangement"})
    provider = forms.ChoiceField(label="Provider", error_messages={"required": "Choose the provider"})
    area = forms.ChoiceField(label="Area", error_messages={"required": "Choose the area"})
    hours_per_week = _decimal("Hours a week")
    amount_per_hour = _decimal("Rate per hour (£)")
    starts_on = _date("Date the block starts")

    def __init__(self, *args, arrangements, providers, areas, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["arrangement"].choices = [("", "Choose")] + [(str(a.pk), a.reference) for a in arrangements]
        self.fields["provider"].choices = [("", "Choose")] + [(str(p.pk), p.name) for p in providers]
        self.fields["area"].choices = [("", "Choose")] + [(str(a.pk), f"{a.name} (level {a.level})") for a in areas]


class ContributionForm(forms.Form):
    person = forms.IntegerField(label="Person number", error_messages={"required": "Enter the person's number"})
    weekly_amount = _decimal("Assessed weekly contribution (£)")
    starts_on = _date("Applies from")


class FundingRouteForm(forms.Form):
    placement = forms.IntegerField(label="Placement number", error_messages={"required": "Enter the placement number"})
    funding_route = forms.ChoiceField(
        label="Funding route",
        widget=forms.RadioSelect,
        choices=[
            ("gross", "Council-arranged, paid gross: the council pays in full and bills the person"),
            ("net", "Council-arranged, paid net: the provider collects the contribution"),
            ("direct-payment", "Direct payment: the person pays the provider"),
            ("isf", "Individual Service Fund held by the provider"),
        ],
        error_messages={"required": "Choose the funding route"},
    )


class ConfirmRunForm(forms.Form):
    confirm = forms.BooleanField(label="")

    def __init__(self, *args, step: str, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["confirm"]
        if step == "approve":
            field.label = "I have checked the totals, the people and the flagged lines, and approve these payments"
            field.error_messages = {"required": "Confirm that you have checked the run before approving it"}
        else:
            field.label = "The council's finance system has paid these amounts"
            field.error_messages = {"required": "Confirm that the payments have been made"}


class SupplierCodeForm(forms.Form):
    provider = forms.ChoiceField(label="Provider", error_messages={"required": "Choose the provider"})
    code = forms.CharField(
        label="Supplier code",
        required=False,
        max_length=40,
        help_text="The provider's supplier number in the council's finance system; leave blank to remove it",
        widget=forms.TextInput(attrs={"class": "govuk-input--width-10", "spellcheck": "false"}),
    )

    def __init__(self, *args, providers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["provider"].choices = [("", "Choose a provider")] + [(p.pk, p.name) for p in providers]


class CostCentreForm(forms.Form):
    service_type = forms.ChoiceField(label="Service", required=False)
    code = forms.CharField(
        label="Cost centre",
        max_length=40,
        error_messages={"required": "Enter the cost centre"},
        widget=forms.TextInput(attrs={"class": "govuk-input--width-10", "spellcheck": "false"}),
    )
    account = forms.CharField(
        label="Account code (optional)",
        required=False,
        max_length=40,
        help_text="The subjective or nominal code the spend is booked to",
        widget=forms.TextInput(attrs={"class": "govuk-input--width-10", "spellcheck": "false"}),
    )

    def __init__(self, *args, service_types, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service_type"].choices = [("", "Default: any service without its own")] + [
            (s.pk, s.name) for s in service_types
        ]
