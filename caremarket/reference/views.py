"""Reference data pages. One registry describes each kind, so the list, create and edit pages are shared."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render

from caremarket.core.govuk import FAILED, bound, submit
from caremarket.core.permissions import permission_required
from caremarket.domain.reference import AREA_LEVELS
from caremarket.domain.roles import Permission

from . import forms, selectors, services
from .models import Area, NeedLevel, ReasonCode, ServiceType


@dataclass(frozen=True)
class Kind:
    slug: str
    title: str
    singular: str
    model: type
    form: type
    instance_kw: str
    create: Callable
    update: Callable
    rows: Callable
    columns: list[str]
    cells: Callable
    form_kwargs: Callable = field(default=lambda council: {})

    @property
    def a_singular(self) -> str:
        return ("an " if self.singular[0] in "aeiou" else "a ") + self.singular


def _yes_no(value: bool) -> str:
    return "Yes" if value else "No"


KINDS = {
    k.slug: k
    for k in [
        Kind(
            slug="service-types",
            title="Service types",
            singular="service type",
            model=ServiceType,
            form=forms.ServiceTypeForm,
            instance_kw="service_type",
            create=services.service_type_create,
            update=services.service_type_update,
            rows=lambda council, request: selectors.service_type_list(council=council),
            columns=["Name", "Code", "Need levels", "CQC-regulated", "In use"],
            cells=lambda o: [o.name, o.code, o.need_level_count, _yes_no(o.regulated_activity), _yes_no(o.is_active)],
        ),
        Kind(
            slug="areas",
            title="Areas",
            singular="area",
            model=Area,
            form=forms.AreaForm,
            instance_kw="area",
            create=services.area_create,
            update=services.area_update,
            rows=lambda council, request: selectors.area_list(
                council=council,
                level=int(request.GET["level"]) if request.GET.get("level") in {"1", "2", "3"} else None,
                search=request.GET.get("q", "").strip(),
            ),
            columns=["Name", "Code", "Level", "In county", "ONS code", "In use"],
            cells=lambda o: [o.name, o.code, o.level, _yes_no(o.in_county), o.ons_code or "–", _yes_no(o.is_active)],
        ),
        Kind(
            slug="need-levels",
            title="Need levels",
            singular="need level",
            model=NeedLevel,
            form=forms.NeedLevelForm,
            instance_kw="need_level",
            create=services.need_level_create,
            update=services.need_level_update,
            rows=lambda council, request: selectors.need_level_list(council=council),
            columns=["Service type", "Name", "Code", "Order", "In use"],
            cells=lambda o: [o.service_type.name, o.name, o.code, o.rank, _yes_no(o.is_active)],
            form_kwargs=lambda council: {
                "service_types": selectors.service_type_list(council=council, active_only=True)
            },
        ),
        Kind(
            slug="reason-codes",
            title="Reason codes",
            singular="reason code",
            model=ReasonCode,
            form=forms.ReasonCodeForm,
            instance_kw="reason_code",
            create=services.reason_code_create,
            update=services.reason_code_update,
            rows=lambda council, request: selectors.reason_code_list(council=council, kind=request.GET.get("kind", "")),
            columns=["Kind", "Name", "Code", "In use"],
            cells=lambda o: [o.get_kind_display().split(" (")[0], o.name, o.code, _yes_no(o.is_active)],
        ),
    ]
}


def _kind(slug: str) -> Kind:
    if slug not in KINDS:
        raise Http404("No such kind of reference data")
    return KINDS[slug]


@permission_required(Permission.REFERENCE_READ)
def index(request):
    summary = selectors.reference_summary(council=request.user.organisation)
    return render(request, "reference/index.html", {"kinds": KINDS.values(), "summary": summary})


@permission_required(Permission.REFERENCE_READ)
def kind_list(request, kind: str):
    k = _kind(kind)
    council = request.user.organisation
    objects = list(k.rows(council, request))
    return render(
        request,
        "reference/list.html",
        {
            "kind": k,
            "objects": objects,
            "rows": [(o, k.cells(o)) for o in objects],
            "levels": AREA_LEVELS,
            "query": request.GET,
        },
    )


@permission_required(Permission.REFERENCE_MANAGE)
def kind_create(request, kind: str):
    k = _kind(kind)
    council = request.user.organisation
    form = k.form(bound(request), **k.form_kwargs(council))
    obj = submit(request, form, lambda data: k.create(council=council, actor=request.user, **data))
    if obj is not FAILED:
        messages.success(request, f"Added the {k.singular} '{obj.name}'")
        return redirect("reference:list", kind=k.slug)
    return render(request, "reference/form.html", {"kind": k, "form": form, "object": None})


@permission_required(Permission.REFERENCE_MANAGE)
def kind_edit(request, kind: str, pk: int):
    k = _kind(kind)
    council = request.user.organisation
    obj = selectors.reference_get(model=k.model, council=council, pk=pk)
    initial = {name: getattr(obj, name) for name in k.form.base_fields if hasattr(obj, name)}
    if "level" in initial:
        initial["level"] = str(initial["level"])
    form = k.form(bound(request), initial=initial, editing=True, **k.form_kwargs(council))
    result = submit(request, form, lambda data: k.update(**{k.instance_kw: obj}, actor=request.user, **data))
    if result is not FAILED:
        messages.success(request, f"Saved the {k.singular} '{obj.name}'")
        return redirect("reference:list", kind=k.slug)
    return render(request, "reference/form.html", {"kind": k, "form": form, "object": obj})
