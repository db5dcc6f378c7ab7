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


class Dates(forms.Form):
    from caremarket.core.govuk import DateTimeParts, date_field

    starts_on = date_field("Start date")
    closes_at = forms.DateTimeField(widget=DateTimeParts(), input_formats=["%Y-%m-%d %H:%M"])


def test_a_date_is_the_govuk_date_input_of_day_month_and_year():
    form = Dates({"starts_on-day": "7", "starts_on-month": "12", "starts_on-year": "2026"})
    kind, params = field_params(form["starts_on"], {})
    assert kind == "date" and params["namePrefix"] == "starts_on"
    assert [(i["name"], i["value"]) for i in params["items"]] == [("day", "7"), ("month", "12"), ("year", "2026")]
    assert form.is_valid() is False  # closes_at is missing, but the date is read
    assert str(form.cleaned_data["starts_on"]) == "2026-12-07"
    assert form.errors["closes_at"]


def test_a_date_that_is_not_real_says_so_and_keeps_what_was_typed():
    form = Dates({"starts_on-day": "31", "starts_on-month": "2", "starts_on-year": "2026"})
    assert not form.is_valid()
    assert form.errors["starts_on"] == ["Enter the start date as a real date, like 1 4 2026"]
    _, params = field_params(form["starts_on"], {})
    assert [i["value"] for i in params["items"]] == ["31", "2", "2026"]
    assert all("govuk-input--error" in i["classes"] for i in params["items"])


def test_a_deadline_has_a_time_box_and_a_date_posted_whole_still_reads():
    form = Dates(
        {
            "starts_on": "2026-12-07",
            "closes_at-day": "7",
            "closes_at-month": "12",
            "closes_at-year": "2026",
            "closes_at-time": "12.30",
        }
    )
    assert form.is_valid(), form.errors
    assert f"{form.cleaned_data['closes_at']:%Y-%m-%d %H:%M}" == "2026-12-07 12:30"
    _, params = field_params(form["closes_at"], {})
    assert [i["name"] for i in params["items"]] == ["day", "month", "year", "time"]
