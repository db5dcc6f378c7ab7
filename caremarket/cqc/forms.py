from django import forms


class ImportForm(forms.Form):
    file = forms.FileField(
        label="CQC care directory (CSV)",
        help_text="The CQC's 'CQC Locations data' CSV (2024 or 2020 form) or an open-data extract",
        error_messages={"required": "Choose the CSV file"},
    )
