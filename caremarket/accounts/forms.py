from django import forms
from django.contrib.auth.forms import PasswordResetForm, SetPasswordForm

from caremarket.domain.roles import ROLE_LABELS, ROLES_BY_KIND, OrganisationKind


class SignInForm(forms.Form):
    email = forms.EmailField(
        label="Email address",
        widget=forms.EmailInput(attrs={"autocomplete": "username"}),
        error_messages={
            "required": "Enter your email address",
            "invalid": "Enter an email address in the correct format, like name@example.org",
        },
    )
    password = forms.CharField(
        label="Password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": "Enter your password"},
    )


class QueuedPasswordResetForm(PasswordResetForm):
    """Sends the reset email through the background worker rather than during the request."""

    email = forms.EmailField(
        label="Email address",
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={
            "required": "Enter your email address",
            "invalid": "Enter an email address in the correct format, like name@example.org",
        },
    )

    def send_mail(
        self, subject_template_name, email_template_name, context, from_email, to_email, html_email_template_name=None
    ):
        from django.template import loader

        from caremarket.core.tasks import send_email

        subject = "".join(loader.render_to_string(subject_template_name, context).splitlines())
        body = loader.render_to_string(email_template_name, context)
        send_email.enqueue(subject=subject, body=body, to=[to_email])


class GovukSetPasswordForm(SetPasswordForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_password1"].widget.attrs["autocomplete"] = "new-password"
        self.fields["new_password2"].widget.attrs["autocomplete"] = "new-password"
        self.fields["new_password1"].help_text = "At least 12 characters, not a common password"


def role_choices(kind: str) -> list[tuple[str, str]]:
    roles = ROLES_BY_KIND[OrganisationKind(kind)]
    return [(role.value, ROLE_LABELS[role]) for role in sorted(roles)]


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label="Name",
        max_length=100,
        help_text="Which system will use it, for example 'Rostering system'",
        error_messages={"required": "Enter a name that says which system uses the token"},
    )
    roles = forms.MultipleChoiceField(
        label="What the token may do",
        help_text="Only roles you hold: the token acts as you, and loses a role when you do",
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one role for the token"},
    )
    expires_in_days = forms.IntegerField(
        label="Days until it expires",
        initial=90,
        min_value=1,
        max_value=365,
        error_messages={"required": "Give the number of days the token lasts, from 1 to 365"},
        widget=forms.NumberInput(attrs={"class": "govuk-input--width-4"}),
    )

    def __init__(self, *args, kind: str, held=None, **kwargs):
        super().__init__(*args, **kwargs)
        choices = role_choices(kind)
        if held is not None:
            choices = [(value, label) for value, label in choices if value in {r.value for r in held}]
        self.fields["roles"].choices = choices


class DeactivateForm(forms.Form):
    reason = forms.CharField(
        label="Why?",
        help_text="For example: left the organisation on 30 November",
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Say why, for example the person has left the organisation"},
    )


class ApiTokenRevokeForm(forms.Form):
    reason = forms.CharField(label="Why are you revoking it?", required=False, widget=forms.Textarea(attrs={"rows": 3}))


class PersonForm(forms.Form):
    full_name = forms.CharField(
        label="Full name", max_length=200, error_messages={"required": "Enter the person's full name"}
    )
    email = forms.EmailField(
        label="Email address",
        error_messages={
            "required": "Enter an email address",
            "invalid": "Enter an email address in the correct format, like name@example.org",
        },
    )
    job_title = forms.CharField(label="Job title (optional)", max_length=200, required=False)
    roles = forms.MultipleChoiceField(
        label="Roles", widget=forms.CheckboxSelectMultiple, error_messages={"required": "Choose at least one role"}
    )

    def __init__(self, *args, kind: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["roles"].choices = role_choices(kind)


class RolesForm(forms.Form):
    roles = forms.MultipleChoiceField(
        label="Roles",
        required=False,
        help_text="With no role the person can sign in and do nothing; deactivate a person who has left",
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, kind: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["roles"].choices = role_choices(kind)


class InvitationAcceptForm(forms.Form):
    password = forms.CharField(
        label="Choose a password",
        help_text="At least 12 characters, not a common password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        error_messages={"required": "Choose a password"},
    )
    password_again = forms.CharField(
        label="Type the password again",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        error_messages={"required": "Type the password again"},
    )

    def clean(self):
        data = super().clean()
        if data.get("password") and data.get("password_again") and data["password"] != data["password_again"]:
            self.add_error("password_again", "The two passwords are not the same")
        return data


class InvitationWithdrawForm(forms.Form):
    """A confirmation: withdrawing needs no more than the button."""


class LogoForm(forms.Form):
    logo = forms.FileField(
        label="Upload your logo",
        help_text="A PNG or JPEG up to 512 KB, wider than it is high; the header shows it 40 pixels high",
        error_messages={"required": "Choose the logo's file"},
    )
