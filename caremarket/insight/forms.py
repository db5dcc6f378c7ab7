from __future__ import annotations

from django import forms


class HistoryForm(forms.Form):
    file = forms.FileField(
        label="Upload the CSV or XLSX file of monthly figures",
        error_messages={"required": "Choose the file to upload"},
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )


class PositionForm(forms.Form):
    intentions = forms.CharField(
        label="What the council intends for this market",
        help_text="For example: more capacity in the rural north; outcome-based contracts from April; a new lot for "
        "complex needs. Providers read this first.",
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": "Say what the council intends for this market: providers read it first"},
    )
