"""The GOV.UK form layer renders each Django widget as its GOV.UK component."""

from django import forms

from caremarket.core.govuk import field_params


class Choices(forms.Form):
    many = forms.MultipleChoiceField(choices=[("a", "A"), ("b", "B")], widget=forms.CheckboxSelectMultiple)
    one = forms.ChoiceField(choices=[("a", "A"), ("b", "B")], widget=forms.RadioSelect)


def test_a_multiple_choice_is_checkboxes_and_a_single_choice_radios():
    form = Choices()
    # Django's CheckboxSelectMultiple is a RadioSelect: asking in the wrong order made every multiple choice
    # (a person's roles, a token's roles, a lot's areas) a set of radios that let one be chosen
    assert field_params(form["many"], {})[0] == "checkboxes"
    assert field_params(form["one"], {})[0] == "radios"
