"""Forms only type the input; the rules (codes, levels, uniqueness) are checked by the services."""

from django import forms

from caremarket.domain.reference import AREA_LEVELS, REASON_KINDS

CODE_HELP = "Lower-case letters, numbers and hyphens. It cannot be changed later."


def _code():
    return forms.CharField(
        label="Code", max_length=40, help_text=CODE_HELP, error_messages={"required": "Enter a code"}
    )


def _name():
    return forms.CharField(label="Name", max_length=200, error_messages={"required": "Enter a name"})


def _active():
    return forms.BooleanField(
        label="In use", required=False, help_text="Records no longer in use stay for history but cannot be chosen."
    )


class ReferenceForm(forms.Form):
    """Create forms carry the identifying fields; edit forms drop them (codes never change)."""

    create_only: tuple[str, ...] = ("code",)

    def __init__(self, *args, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if editing:
            for name in self.create_only:
                self.fields.pop(name, None)
        else:
            self.fields.pop("is_active", None)


class ServiceTypeForm(ReferenceForm):
    code = _code()
    name = _name()
    description = forms.CharField(label="Description", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    regulated_activity = forms.BooleanField(
        label="Involves personal care or medication (providers need CQC registration)", required=False
    )
    is_active = _active()


class AreaForm(ReferenceForm):
    code = _code()
    name = _name()
    level = forms.ChoiceField(
        label="Level",
        choices=[(str(k), v) for k, v in AREA_LEVELS.items()],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the area's level", "invalid_choice": "Area level must be 1, 2 or 3"},
    )
    in_county = forms.BooleanField(
        label="In county", required=False, help_text="Untick for placements outside the council's own area."
    )
    ons_code = forms.CharField(
        label="ONS code (optional)",
        required=False,
        max_length=9,
        help_text="For example E05000820 for a ward or E08000009 for a district",
    )
    latitude = forms.DecimalField(
        label="Centroid latitude (optional)",
        required=False,
        max_digits=9,
        decimal_places=6,
        error_messages={"invalid": "Latitude must be a number, like 53.4265"},
    )
    longitude = forms.DecimalField(
        label="Centroid longitude (optional)",
        required=False,
        max_digits=9,
        decimal_places=6,
        error_messages={"invalid": "Longitude must be a number, like -2.3441"},
    )
    is_active = _active()


class NeedLevelForm(ReferenceForm):
    create_only = ("service_type", "code")

    service_type = forms.ChoiceField(label="Service type", error_messages={"required": "Choose a service type"})
    code = _code()
    name = _name()
    rank = forms.IntegerField(
        label="Order",
        min_value=1,
        max_value=20,
        initial=1,
        help_text="1 for the least need; higher numbers for more",
        error_messages={"required": "Enter the order", "invalid": "Order must be a whole number"},
    )
    description = forms.CharField(label="Description", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    is_active = _active()

    def __init__(self, *args, service_types=(), **kwargs):
        super().__init__(*args, **kwargs)
        if "service_type" in self.fields:
            self.fields["service_type"].choices = [("", "Choose a service type")] + [
                (st.code, st.name) for st in service_types
            ]


class ReasonCodeForm(ReferenceForm):
    create_only = ("kind", "code")

    kind = forms.ChoiceField(
        label="Kind of reason",
        choices=list(REASON_KINDS.items()),
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the kind of reason"},
    )
    code = _code()
    name = _name()
    is_active = _active()
