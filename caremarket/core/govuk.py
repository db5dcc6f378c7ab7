"""The one shared layer between Django forms and GOV.UK Frontend components.

`field_params` turns a bound form field into the component name and parameters of the matching
GOV.UK macro; templates/includes/forms.html renders it. `error_summary_params` builds the error
summary that links to each field in error.
"""

from __future__ import annotations

from typing import Any

from django import forms


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
    base: dict[str, Any] = {"id": bf.id_for_label or bf.auto_id, "name": bf.html_name}
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
        for key in ("errorMessage", "hint"):
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
        items.append({"text": " ".join(str(e) for e in errors), "href": f"#{bf.id_for_label or bf.auto_id}"})
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


def check_page(request, form, **check):
    """The check page of a consequential form: `check` says what will happen (heading, caption, says, rows,
    listing, warning, button, action, back), and its button sends the same data again, confirmed."""
    from django.shortcuts import render

    return render(request, "includes/check_page.html", {"form": form, "check": {"allowed": True, **check}})
