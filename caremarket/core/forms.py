from django import forms

from .govuk import DateParts


class AuditFilterForm(forms.Form):
    action = forms.CharField(required=False, label="Action contains", help_text="For example area.created")
    object_type = forms.ChoiceField(required=False, label="Type of record")
    actor = forms.CharField(required=False, label="Who (name, email or token)")
    date_from = forms.DateField(
        required=False,
        label="From date",
        help_text="For example, 1 4 2026",
        widget=DateParts(),
    )
    date_to = forms.DateField(
        required=False,
        label="To date",
        help_text="For example, 30 4 2026",
        widget=DateParts(),
    )

    def __init__(self, *args, object_types: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["object_type"].choices = [("", "Any")] + [(t, t) for t in object_types]

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_to"] < data["date_from"]:
            self.add_error("date_to", "To date must be the same as or after the from date")
        return data
