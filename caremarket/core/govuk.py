"""The one shared layer between Django forms and GOV.UK Frontend components.

`field_params` turns a bound form field into the component name and parameters of the matching
GOV.UK macro; templates/includes/forms.html renders it. `error_summary_params` builds the error
summary that links to each field in error.
"""

from __future__ import annotations

import re
from typing import Any

from django import forms


class DateParts(forms.MultiWidget):
    """The GOV.UK date input: day, month and year boxes (`name-day`, `name-month`, `name-year`) for one date. The
    field sees one ISO date; a date posted whole under the field's own name (`2026-11-02`) is read as well, so
    scripts and older clients keep working."""

    PARTS = ("day", "month", "year")

    def __init__(self, attrs=None):
        super().__init__([forms.TextInput(), forms.TextInput(), forms.TextInput()], attrs)

    def decompress(self, value):
        return [value.day, value.month, value.year] if value else [None, None, None]

    def parts(self, data, name) -> list[str]:
        return [str(data.get(f"{name}-{part}", "") or "").strip() for part in self.PARTS]

    def value_from_datadict(self, data, files, name):
        if data.get(name):
            return data.get(name)
        day, month, year = parts = self.parts(data, name)
        if not any(parts):
            return ""
        if all(p.isdigit() for p in parts) and len(year) == 4:
            return f"{year}-{month.zfill(2)}-{day.zfill(2)}"
        return "/".join(parts)  # not a date: the field says so

    def value_omitted_from_data(self, data, files, name):
        return name not in data and all(f"{name}-{part}" not in data for part in self.PARTS)


class DateTimeParts(DateParts):
    """The date input with a fourth box for the time (24-hour, 12:00), in one fieldset: a deadline."""

    PARTS = ("day", "month", "year", "time")

    def __init__(self, attrs=None):
        forms.MultiWidget.__init__(self, [forms.TextInput() for _ in self.PARTS], attrs)

    def decompress(self, value):
        if not value:
            return [None] * 4
        from django.utils import timezone

        local = timezone.localtime(value) if timezone.is_aware(value) else value
        return [local.day, local.month, local.year, f"{local:%H:%M}"]

    def value_from_datadict(self, data, files, name):
        if data.get(name):
            return data.get(name)
        day, month, year, at = parts = self.parts(data, name)
        if not any(parts):
            return ""
        at = at.replace(".", ":")
        if all(p.isdigit() for p in (day, month, year)) and len(year) == 4 and at:
            return f"{year}-{month.zfill(2)}-{day.zfill(2)} {at.zfill(5)}"
        return "/".join(parts)


def _date_parts(bf: forms.BoundField) -> list[str]:
    """What each box shows: what was typed when the form came back, else the field's date."""
    widget = bf.field.widget
    if bf.form.is_bound and not bf.form.data.get(bf.html_name):
        return widget.parts(bf.form.data, bf.html_name)
    value = bf.value()
    if isinstance(value, str):
        from datetime import date, datetime

        try:
            value = (datetime if isinstance(widget, DateTimeParts) else date).fromisoformat(value)
        except ValueError:
            return [""] * len(widget.PARTS)
    return ["" if v is None else str(v) for v in widget.decompress(value)]


def field_id(bf: forms.BoundField) -> str:
    """A field's id, unique on a page that shows several forms (a request page has four; two of them ask for a
    price unit): the form's name and the field's, "spot-purchase-form-price_unit"."""
    form = re.sub(r"(?<!^)(?=[A-Z])", "-", type(bf.form).__name__).lower()
    return f"{form}-{bf.html_name}"


def _label(bf: forms.BoundField, is_page_heading: bool) -> dict[str, Any]:
    label: dict[str, Any] = {"text": bf.label}
    if is_page_heading:
        label.update({"isPageHeading": True, "classes": "govuk-label--l"})
    return label


def _error(bf: forms.BoundField) -> dict[str, str] | None:
    return {"text": " ".join(str(e) for e in bf.errors)} if bf.errors else None


def _hint(bf: forms.BoundField) -> dict[str, str] | None:
    return {"text": str(bf.help_text)} if bf.help_text else None


def _value(bf: forms.BoundField) -> Any:
    value = bf.value()
    return "" if value is None else value


def _choices(bf: forms.BoundField, selected: set[str]) -> list[dict[str, Any]]:
    return [
        {"value": str(value), "text": str(text), "checked": str(value) in selected, "selected": str(value) in selected}
        for value, text in bf.field.choices
    ]


def field_params(bf: forms.BoundField, overrides: dict[str, Any] | None = None) -> tuple[str, dict[str, Any]]:
    widget = bf.field.widget
    overrides = dict(overrides or {})
    is_page_heading = overrides.pop("isPageHeading", False)
    base: dict[str, Any] = {"id": field_id(bf), "name": bf.html_name}
    error, hint = _error(bf), _hint(bf)
    if error:
        base["errorMessage"] = error
    if hint:
        base["hint"] = hint
    attrs = {k: v for k, v in widget.attrs.items() if k not in {"class", "id"}}
    if attrs:
        base["attributes"] = attrs
    if widget.attrs.get("class"):
        base["classes"] = widget.attrs["class"]

    if isinstance(widget, forms.CheckboxInput):
        params = {
            "idPrefix": base["id"],
            "name": base["name"],
            "items": [{"value": "true", "text": bf.label, "checked": bool(bf.value())}],
        }
        if error:
            params["errorMessage"] = error
        if hint:
            params["items"][0]["hint"] = hint
        return "checkboxes", {**params, **overrides}

    if isinstance(widget, DateParts):
        legend = {"text": bf.label, "classes": "govuk-fieldset__legend--s"}
        if is_page_heading:
            legend.update({"isPageHeading": True, "classes": "govuk-fieldset__legend--l"})
        params = {"id": base["id"], "namePrefix": base["name"], "fieldset": {"legend": legend}}
        for key in ("errorMessage", "hint"):
            if key in base:
                params[key] = base[key]
        wrong = " govuk-input--error" if error else ""
        widths = {"day": 2, "month": 2, "year": 4, "time": 5}
        params["items"] = [
            {
                "id": f"{base['id']}-{part}",
                "name": part,
                "label": "Time (24-hour)" if part == "time" else part.capitalize(),
                "value": value,
                "classes": f"govuk-input--width-{widths[part]}{wrong}",
                "inputmode": "text" if part == "time" else "numeric",
            }
            for part, value in zip(widget.PARTS, _date_parts(bf), strict=True)
        ]
        return "date", {**params, **overrides}

    if isinstance(widget, (forms.RadioSelect, forms.CheckboxSelectMultiple)):
        raw = bf.value()
        selected = {str(v) for v in (raw if isinstance(raw, (list, tuple)) else [raw]) if v not in (None, "")}
        legend = {"text": bf.label}
        if is_page_heading:
            legend.update({"isPageHeading": True, "classes": "govuk-fieldset__legend--l"})
        else:
            legend["classes"] = "govuk-fieldset__legend--s"
        params = {
            "idPrefix": base["id"],
            "name": base["name"],
            "fieldset": {"legend": legend},
            "items": _choices(bf, selected),
        }
        for key in ("errorMessage", "hint", "classes"):
            if key in base:
                params[key] = base[key]
        # CheckboxSelectMultiple is a subclass of RadioSelect: ask for the narrower one first
        kind = "checkboxes" if isinstance(widget, forms.CheckboxSelectMultiple) else "radios"
        return kind, {**params, **overrides}

    base["label"] = _label(bf, is_page_heading)
    if isinstance(widget, forms.Select):
        raw = bf.value()
        return "select", {**base, "items": _choices(bf, {str(raw)} if raw not in (None, "") else set()), **overrides}
    if isinstance(widget, forms.Textarea):
        return "textarea", {**base, "value": _value(bf), **overrides}
    if isinstance(widget, forms.ClearableFileInput | forms.FileInput):
        return "file", {**base, **overrides}
    if isinstance(widget, forms.PasswordInput):
        return "password", {**base, "autocomplete": widget.attrs.get("autocomplete", "current-password"), **overrides}
    params = {**base, "value": _value(bf), "type": getattr(widget, "input_type", "text")}
    if isinstance(widget, forms.EmailInput):
        params.update({"autocomplete": "email", "spellcheck": False})
    if isinstance(widget, forms.NumberInput):
        params.update({"type": "text", "inputmode": "decimal"})
    return "input", {**params, **overrides}


def error_summary_params(form: forms.Form) -> dict[str, Any] | None:
    if not form.is_bound or not form.errors:
        return None
    items = []
    for message in form.non_field_errors():
        items.append({"text": str(message)})
    for name, errors in form.errors.items():
        if name == "__all__":
            continue
        bf = form[name]
        target = f"{field_id(bf)}-day" if isinstance(bf.field.widget, DateParts) else field_id(bf)
        items.append({"text": " ".join(str(e) for e in errors), "href": f"#{target}"})
    return {"titleText": "There is a problem", "errorList": items}


def apply_service_errors(form: forms.Form, errors: dict[str, str]) -> None:
    """Put a service's per-field errors onto the form, next to the fields they belong to."""
    for field, message in errors.items():
        form.add_error(field if field in form.fields else None, message)


class _Failed:
    pass


FAILED = _Failed()


def submit(request, form: forms.Form, action):
    """The one form flow of every page: on a valid POST run the service with the cleaned data and return its
    result; on bad input (the form's or the service's) put the errors on the form and return FAILED."""
    from .errors import ServiceError

    if request.method != "POST" or not form.is_valid():
        return FAILED
    try:
        return action(form.cleaned_data)
    except ServiceError as exc:
        apply_service_errors(form, exc.errors)
        return FAILED


def bound(request):
    """The POST data for a form, or None on GET so the form is unbound."""
    return request.POST if request.method == "POST" else None


def bound_files(request):
    """The uploaded files for a form, or None on GET."""
    return request.FILES if request.method == "POST" else None


def attachment(field_file):
    """A stored file as a download, named as it was stored (without its folder)."""
    from django.http import FileResponse

    return FileResponse(field_file.open("rb"), as_attachment=True, filename=field_file.name.rsplit("/", 1)[-1])


def confirmed(request) -> bool:
    """A consequential form is sent twice: first to its check page (nothing changes), then again from that page
    with confirm=yes."""
    return request.POST.get("confirm") == "yes"


def _shown(bf: forms.BoundField, value: Any) -> str:
    """An answer as a person reads it back: a choice's label, a date in words, yes or no."""
    from datetime import date, datetime

    if value in (None, "", [], ()):
        return "Not given"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, datetime):
        from django.utils import timezone

        return f"{timezone.localtime(value):%-d %B %Y at %H:%M}"
    if isinstance(value, date):
        return f"{value:%-d %B %Y}"
    choices = {str(k): str(v) for k, v in getattr(bf.field, "choices", []) or []}
    if choices:
        values = value if isinstance(value, (list, tuple)) else [value]
        return ", ".join(choices.get(str(v), str(v)) for v in values)
    return str(value)


def check_answers(request, form, *, heading: str, caption: str, action: str, button: str, back: str):
    """The GOV.UK check answers page of a long form: each answer with a Change button (which sends the answers back
    to the form) and a button that sends them again, confirmed. Nothing is saved until then."""
    from django.shortcuts import render

    rows = [(bf.label, _shown(bf, form.cleaned_data.get(bf.name)), bf.name) for bf in form]
    page = {"heading": heading, "caption": caption, "action": action, "button": button, "back": back}
    return render(request, "includes/check_answers.html", {"form": form, "rows": rows, "page": page})


def answers_to_check(request, form) -> bool:
    """A long form sent valid from the form itself (not confirmed from its check answers page, not to change an
    answer): its answers are read back before anything is saved."""
    return request.method == "POST" and "change" not in request.POST and not confirmed(request) and form.is_valid()


def submit_checked(request, form, action):
    """`submit`, for a long form: only its answers sent back confirmed from the check answers page are saved."""
    if request.method != "POST" or "change" in request.POST or not confirmed(request):
        return FAILED
    return submit(request, form, action)


def check_page(request, form, **check):
    """The check page of a consequential form: `check` says what will happen (heading, caption, says, rows,
    listing, warning, button, action, back), and its button sends the same data again, confirmed."""
    from django.shortcuts import render

    return render(request, "includes/check_page.html", {"form": form, "check": {"allowed": True, **check}})


def uk_example(iso: str) -> str:
    """A date as the GOV.UK date input's hint gives it: '2026-04-01' is '1 4 2026'."""
    year, month, day = iso.split("-")
    return f"{int(day)} {int(month)} {year}"


def date_field(label: str, example: str = "2026-04-01", required: bool = True) -> forms.DateField:
    """A date asked for with the GOV.UK date input, its hint an example, its errors naming the field."""
    return forms.DateField(
        label=label,
        required=required,
        widget=DateParts(),
        help_text=f"For example, {uk_example(example)}",
        error_messages={
            "required": f"Enter the {label.lower()}",
            "invalid": f"Enter the {label.lower()} as a real date, like {uk_example(example)}",
        },
    )
