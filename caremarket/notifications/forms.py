from __future__ import annotations

from django import forms

from caremarket.domain.notifications import EMAIL_LABELS, KINDS, Email


class EmailPreferencesForm(forms.Form):
    """One radio question per kind of notification the person may be told of."""

    def __init__(self, *args, preferences: list[dict], **kwargs):
        super().__init__(*args, **kwargs)
        for row in preferences:
            self.fields[row["kind"]] = forms.ChoiceField(
                label=row["label"],
                choices=[(e.value, EMAIL_LABELS[e]) for e in Email],
                initial=row["email"].value,
                widget=forms.RadioSelect,
                error_messages={"required": f"Choose how you are told: {row['label'].lower()}"},
            )


class WebhookForm(forms.Form):
    url = forms.CharField(
        label="Address of your system's endpoint",
        max_length=500,
        help_text="An https:// address. Each event is sent as JSON, signed with a secret shown once",
        error_messages={"required": "Give the address of your system's endpoint"},
    )
    description = forms.CharField(
        label="Which system is it (optional)", max_length=200, required=False, help_text="For example: Rostering"
    )
    kinds = forms.MultipleChoiceField(
        label="Events to send",
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one kind of event"},
    )

    def __init__(self, *args, kinds, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kinds"].choices = [(k.value, KINDS[k].label) for k in kinds]


class WebhookEndForm(forms.Form):
    confirm = forms.BooleanField(
        label="Stop sending events to this address",
        error_messages={"required": "Confirm that events should stop"},
    )
