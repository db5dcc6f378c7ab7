"""Monitoring visits: the council's queue and visits, and the provider's reports, comments and action plans."""

from __future__ import annotations

from django import forms as django_forms
from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from caremarket.core.errors import ServiceError
from caremarket.core.govuk import FAILED, date_field, submit
from caremarket.core.permissions import permission_required
from caremarket.domain.roles import Permission

from . import forms, monitoring, presenters, services


def _plan_form(request, data=None):
    council = request.user.organisation
    return forms.PlanVisitForm(
        data,
        providers=monitoring.providers_of(council=council),
        service_types=presenters.service_types(council=council),
    )


@permission_required(Permission.QUALITY_READ)
def visits(request):
    page = presenters.visits_page(council=request.user.organisation)
    return render(request, "quality/visits.html", {"form": _plan_form(request), **page})


@require_POST
@permission_required(Permission.QUALITY_MANAGE)
def visit_plan(request):
    council = request.user.organisation
    form = _plan_form(request, request.POST)
    done = submit(
        request,
        form,
        lambda d: services.visit_plan(
            council=council,
            actor=request.user,
            provider=presenters.provider(d["provider"]),
            service_type=presenters.service_type(council=council, pk=d["service_type"]),
            planned_for=d["planned_for"],
            reason=d["reason"],
        ),
    )
    if done is FAILED:
        page = presenters.visits_page(council=council)
        return render(request, "quality/visits.html", {"form": form, **page}, status=400)
    messages.success(
        request, f"Visit {done.reference} to {done.provider.name} planned for {done.planned_for:%-d %B %Y}"
    )
    return redirect("quality:visit", pk=done.pk)


def _visit_page(request, visit, **forms_given):
    page = presenters.visit_page(visit=visit, user=request.user)
    record = forms_given.get("record") or (
        forms.RecordForm(initial=page["initial"], questions=page["questions"], scale=page["scale"])
        if visit.status_in("open") and not visit.status_in("with_provider")
        else None
    )
    return {
        "record": record,
        "reason_form": forms_given.get("reason_form") or forms.ReasonForm(),
        "answer_forms": {c.pk: forms.AnswerForm(prefix=f"answer-{c.pk}") for c in page["comments"]},
        **page,
    }


@permission_required(Permission.QUALITY_READ)
def visit(request, pk: int):
    found = monitoring.visit_get(council=request.user.organisation, pk=pk)
    return render(request, "quality/visit.html", _visit_page(request, found))


@require_POST
@permission_required(Permission.QUALITY_MANAGE)
def visit_act(request, pk: int):
    """Record evidence, share the draft, answer a comment, sign off, send back, cancel, or start a new version."""
    council = request.user.organisation
    found = monitoring.visit_get(council=council, pk=pk)
    action = request.POST.get("action", "")
    if action in {"save", "share"}:
        page = presenters.visit_page(visit=found, user=request.user)
        form = forms.RecordForm(request.POST, questions=page["questions"], scale=page["scale"])

        def record(d):
            services.visit_record(
                visit=found,
                council=council,
                actor=request.user,
                ratings=form.ratings(),
                visited_on=d["visited_on"],
                summary=d["summary"],
            )
            if action == "share":
                services.visit_share(visit=found, council=council, actor=request.user)

        if submit(request, form, record) is FAILED:
            return render(request, "quality/visit.html", _visit_page(request, found, record=form), status=400)
        messages.success(
            request,
            f"The draft is shared with {found.provider.name} for its comments" if action == "share" else "Saved",
        )
        return redirect("quality:visit", pk=found.pk)
    if action.startswith("answer-"):
        comment = presenters.comment_of(visit=found, pk=action.removeprefix("answer-"))
        form = forms.AnswerForm(request.POST, prefix=action)
        if (
            submit(
                request,
                form,
                lambda d: services.comment_answer(
                    comment=comment, council=council, actor=request.user, response=d["response"]
                ),
            )
            is FAILED
        ):
            ctx = _visit_page(request, found)
            ctx["answer_forms"][comment.pk] = form
            return render(request, "quality/visit.html", ctx, status=400)
        messages.success(request, "Your answer is recorded and the provider can read it")
        return redirect("quality:visit", pk=found.pk)
    if action == "sign-off":
        try:
            services.visit_sign_off(visit=found, council=council, actor=request.user)
        except ServiceError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, "The report is signed off and published")
        return redirect("quality:visit", pk=found.pk)
    steps = {
        "send-back": (services.visit_send_back, "The report is sent back to the visiting officer"),
        "cancel": (services.visit_cancel, "The visit is cancelled"),
        "new-version": (services.visit_new_version, "A new version is drafted; the published one stands until it is"),
    }
    if action not in steps:
        messages.error(request, "Choose what to do with the visit")
        return redirect("quality:visit", pk=found.pk)
    service, said = steps[action]
    form = forms.ReasonForm(request.POST)
    done = submit(
        request, form, lambda d: service(visit=found, council=council, actor=request.user, reason=d["reason"])
    )
    if done is FAILED:
        return render(request, "quality/visit.html", _visit_page(request, found, reason_form=form), status=400)
    messages.success(request, said)
    return redirect("quality:visit", pk=done.pk)


# --- the provider's side ---------------------------------------------------------------------------------------


@permission_required(Permission.QUALITY_RESPOND)
def reports(request):
    return render(request, "quality/reports.html", presenters.reports_page(provider=request.user.organisation))


def _report_page(request, report, **forms_given):
    page = presenters.report_page(report=report)
    return {
        "comment_form": forms_given.get("comment_form") or forms.CommentForm(findings=page["findings"]),
        "plan_form": forms_given.get("plan_form")
        or (forms.ActionPlanForm(issues=page["issues"]) if page["plan_due"] else None),
        "update_forms": forms_given.get("update_forms")
        or {a.pk: forms.ActionUpdateForm(prefix=f"action-{a.pk}") for a in page["actions"]},
        **page,
    }


@permission_required(Permission.QUALITY_RESPOND)
def report(request, pk: int):
    found = monitoring.report_get(provider=request.user.organisation, pk=pk)
    return render(request, "quality/report.html", _report_page(request, found))


@require_POST
@permission_required(Permission.QUALITY_RESPOND)
def report_act(request, pk: int):
    provider = request.user.organisation
    found = monitoring.report_get(provider=provider, pk=pk)
    action = request.POST.get("action", "")
    page = presenters.report_page(report=found)
    if action == "comment":
        form = forms.CommentForm(request.POST, findings=page["findings"])
        done = submit(
            request,
            form,
            lambda d: services.accuracy_comment(
                visit=found, provider=provider, actor=request.user, comment=d["comment"], question_key=d["question"]
            ),
        )
        if done is FAILED:
            return render(request, "quality/report.html", _report_page(request, found, comment_form=form), status=400)
        messages.success(request, "Your comment is sent to the council")
    elif action == "no-more-comments":
        try:
            services.accuracy_done(visit=found, provider=provider, actor=request.user)
        except ServiceError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, "The council is told you have no more comments")
    elif action == "plan":
        form = forms.ActionPlanForm(request.POST, issues=page["issues"])
        done = submit(
            request,
            form,
            lambda d: services.action_plan_submit(
                plan=found.action_plan, provider=provider, actor=request.user, actions=form.actions()
            ),
        )
        if done is FAILED:
            return render(request, "quality/report.html", _report_page(request, found, plan_form=form), status=400)
        messages.success(request, "Your action plan is sent to the council")
    elif action.startswith("action-"):
        item = presenters.action_of(report=found, pk=action.removeprefix("action-"))
        form = forms.ActionUpdateForm(request.POST, prefix=action)
        done = submit(
            request,
            form,
            lambda d: services.action_update(
                action=item, provider=provider, actor=request.user, status=d["status"], progress=d["progress"]
            ),
        )
        if done is FAILED:
            updates = {a.pk: forms.ActionUpdateForm(prefix=f"action-{a.pk}") for a in page["actions"]}
            updates[item.pk] = form
            return render(
                request, "quality/report.html", _report_page(request, found, update_forms=updates), status=400
            )
        messages.success(request, "The action is updated")
    else:
        messages.error(request, "Choose what to do with the report")
    return redirect("quality:report", pk=found.pk)


# --- the framework ---------------------------------------------------------------------------------------------


@permission_required(Permission.QUALITY_READ)
def framework(request):
    return render(request, "quality/framework.html", _framework_page(request))


class FrameworkUploadForm(django_forms.Form):
    file = django_forms.FileField(
        label="The new version (CSV or Excel)",
        help_text="The columns of the download: change weights, wording, guidance or questions, then upload.",
        error_messages={"required": "Choose the file of the new version"},
    )
    effective_from = date_field("In force from", "2027-04-01")
    note = django_forms.CharField(
        label="What changed (optional)",
        required=False,
        max_length=2000,
        widget=django_forms.Textarea(attrs={"rows": 2}),
    )


def _framework_page(request, form=None):
    page = presenters.framework_page(council=request.user.organisation, version=request.GET.get("version"))
    return {"form": form or FrameworkUploadForm(), **page}


@permission_required(Permission.QUALITY_READ)
def framework_sheet(request, version: int):
    """The version as a sheet, to read or to change and upload as the next one."""
    import csv

    from django.http import HttpResponse

    from caremarket.core.spreadsheets import SafeWriter

    page = presenters.framework_page(council=request.user.organisation, version=str(version))
    if page["chosen"] is None or page["chosen"].version != version:
        from django.http import Http404

        raise Http404("No such version")
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="quality-framework-v{version}.csv"'
    SafeWriter(response, quoting=csv.QUOTE_MINIMAL).writerows(presenters.framework_sheet(page["chosen"]))
    return response


@require_POST
@permission_required(Permission.QUALITY_MANAGE)
def framework_upload(request):
    form = FrameworkUploadForm(request.POST, request.FILES)
    done = submit(
        request,
        form,
        lambda d: services.framework_upload(
            council=request.user.organisation,
            actor=request.user,
            file_name=d["file"].name,
            content=d["file"].read(),
            effective_from=d["effective_from"],
            note=d["note"],
        ),
    )
    if done is FAILED:
        return render(request, "quality/framework.html", _framework_page(request, form), status=400)
    messages.success(request, f"Version {done.version} is published, in force from {done.effective_from:%-d %B %Y}")
    return redirect(reverse("quality:framework") + f"?version={done.version}")
