"""Reviews against the care plan: the provider's due and overdue lists and the review it records; the council's
view of them, its schedule per service, and a review asked for when needs change."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from caremarket.core.govuk import FAILED, submit
from caremarket.core.permissions import has_permission, permission_required
from caremarket.domain import quality
from caremarket.domain.roles import Permission

from . import presenters
from . import reviewing as reviews


class RecordForm(forms.Form):
    outcomes_met = forms.ChoiceField(
        label="Are the outcomes in the request being met?",
        choices=list(quality.OUTCOMES_MET.items()),
        widget=forms.RadioSelect,
        error_messages={"required": "Say whether the outcomes in the request are being met"},
    )
    notes = forms.CharField(
        label="What the review found",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Record what the review found"},
    )
    next_step = forms.ChoiceField(
        label="What happens next",
        choices=list(quality.NEXT_STEPS.items()),
        widget=forms.RadioSelect,
        error_messages={"required": "Choose what happens next"},
    )


class AskForm(forms.Form):
    reason = forms.CharField(
        label="What has changed",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Say what has changed"},
    )


class ScheduleForm(forms.Form):
    service_type = forms.TypedChoiceField(label="Service", coerce=int)
    every_months = forms.TypedChoiceField(
        label="Review every",
        coerce=int,
        choices=[(1, "month"), (2, "2 months"), (3, "3 months")],
        widget=forms.RadioSelect(attrs={"class": "govuk-radios--inline"}),
        error_messages={"required": "Choose every 1, 2 or 3 months"},
    )

    def __init__(self, *args, service_types, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service_type"].choices = [("", "Choose a service"), *((s.pk, s.name) for s in service_types)]


def _list_page(request, schedule_form=None):
    organisation = request.user.organisation
    page = presenters.reviews_page(organisation=organisation)
    if not organisation.is_provider:
        page["schedule_form"] = schedule_form or ScheduleForm(
            service_types=presenters.service_types(council=organisation)
        )
    return page


@permission_required(Permission.REVIEWS)
def review_list(request):
    return render(request, "quality/reviews.html", _list_page(request))


@require_POST
@permission_required(Permission.QUALITY_MANAGE)
def review_schedule(request):
    council = request.user.organisation
    form = ScheduleForm(request.POST, service_types=presenters.service_types(council=council))
    done = submit(
        request,
        form,
        lambda d: reviews.schedule_set(
            council=council,
            actor=request.user,
            service_type=presenters.service_type(council=council, pk=d["service_type"]),
            every=d["every_months"],
        ),
    )
    if done is FAILED:
        return render(request, "quality/reviews.html", _list_page(request, schedule_form=form), status=400)
    messages.success(request, f"{done.service_type.name} placements are reviewed every {done.every_months} month(s)")
    return redirect("quality:reviews")


def _detail(request, review, record=None, ask=None):
    return {
        "review": review,
        "record": record or RecordForm(),
        "ask": ask or AskForm(),
        "may_record": request.user.organisation.pk == review.provider_id
        and has_permission(request.user, Permission.QUALITY_RESPOND),
    }


@permission_required(Permission.REVIEWS)
def review(request, pk: int):
    found = reviews.review_get(organisation=request.user.organisation, pk=pk)
    return render(request, "quality/review.html", _detail(request, found))


@require_POST
@permission_required(Permission.REVIEWS)
def review_act(request, pk: int):
    organisation = request.user.organisation
    found = reviews.review_get(organisation=organisation, pk=pk)
    if request.POST.get("action") == "ask":
        form = AskForm(request.POST)
        done = submit(
            request,
            form,
            lambda d: reviews.review_ask(
                placement=found.placement, organisation=organisation, actor=request.user, reason=d["reason"]
            ),
        )
        if done is FAILED:
            return render(request, "quality/review.html", _detail(request, found, ask=form), status=400)
        messages.success(request, "A review is due now")
        return redirect("quality:review", pk=done.pk)
    form = RecordForm(request.POST)
    done = submit(
        request,
        form,
        lambda d: reviews.review_record(
            review=found,
            provider=organisation,
            actor=request.user,
            outcomes_met=d["outcomes_met"],
            notes=d["notes"],
            next_step=d["next_step"],
        ),
    )
    if done is FAILED:
        return render(request, "quality/review.html", _detail(request, found, record=form), status=400)
    messages.success(request, "The review is recorded")
    return redirect("quality:review", pk=found.pk)
