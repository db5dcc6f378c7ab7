from __future__ import annotations

from django import forms


class HistoryForm(forms.Form):
    file = forms.FileField(
        label="Upload the CSV or XLSX file of monthly figures",
        error_messages={"required": "Choose the file to upload"},
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )
