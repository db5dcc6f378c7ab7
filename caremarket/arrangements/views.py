from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from caremarket.core.errors import ServiceError
from caremarket.core.govuk import (
    FAILED,
    answers_to_check,
    attachment,
    bound,
    bound_files,
    check_answers,
    check_page,
    confirmed,
    submit,
    submit_checked,
)
from caremarket.core.permissions import check_permission, permission_required
from caremarket.domain import arrangements as rules
from caremarket.domain.roles import Permission
from caremarket.reference import selectors as reference

from . import admissions, applications, forms, presenters, selectors, services

EDITABLE_FIELDS = list(forms.ArrangementForm.base_fields)


@permission_required(Permission.ARRANGEMENTS_READ)
def arrangement_list(request):
    return render(
        request,
        "arrangements/list.html",
        presenters.arrangement_list_page(
            user=request.user, council=request.user.organisation, status=request.GET.get("status", "")
        ),
    )


@permission_required(Permission.ARRANGEMENTS_MANAGE)
def arrangement_create(request):
    form = forms.ArrangementForm(bound(request))
    if answers_to_check(request, form):
        return check_answers(
            request,
            form,
            heading="Check the arrangement before you create it",
            caption=form.cleaned_data["reference"],
            action=reverse("arrangements:create"),
            button="Create the arrangement",
            back=reverse("arrangements:list"),
        )
    arrangement = submit_checked(
        request,
        form,
        lambda data: services.arrangement_create(council=request.user.organisation, actor=request.user, **data),
    )
    if arrangement is not FAILED:
        messages.success(request, f"Created {arrangement.reference} as a draft. Add its lots, then open it.")
        return redirect("arrangements:detail", pk=arrangement.pk)
    return render(request, "arrangements/form.html", {"form": form, "arrangement": None})


@permission_required(Permission.ARRANGEMENTS_READ)
def arrangement_detail(request, pk: int):
    arrangement = selectors.arrangement_get(council=request.user.organisation, pk=pk)
    return render(
        request, "arrangements/detail.html", presenters.arrangement_page(user=request.user, arrangement=arrangement)
    )


@permission_required(Permission.ARRANGEMENTS_MANAGE)
def arrangement_edit(request, pk: int):
    arrangement = selectors.arrangement_get(council=request.user.organisation, pk=pk)
    initial = {name: getattr(arrangement, name) for name in EDITABLE_FIELDS}
    form = forms.ArrangementForm(bound(request), initial=initial)
    for name in set(EDITABLE_FIELDS) - set(presenters.editable_fields(arrangement, EDITABLE_FIELDS)):
        del form.fields[name]
    result = submit(
        request, form, lambda data: services.arrangement_update(arrangement=arrangement, actor=request.user, **data)
    )
    if result is not FAILED:
        messages.success(request, f"Saved {arrangement.reference}")
        return redirect("arrangements:detail", pk=arrangement.pk)
    return render(request, "arrangements/form.html", {"form": form, "arrangement": arrangement})


@permission_required(Permission.ARRANGEMENTS_MANAGE)
def arrangement_status(request, pk: int):
    arrangement = selectors.arrangement_get(council=request.user.organisation, pk=pk)
    needs_closing = (
        arrangement.status_enum == rules.Status.DRAFT and arrangement.mechanism_enum not in rules.ALWAYS_OPEN
    )
    form = forms.TransitionForm(bound(request), current=arrangement.status_enum, needs_closing=needs_closing)
    result = submit(
        request,
        form,
        lambda data: services.arrangement_transition(
            arrangement=arrangement,
            actor=request.user,
            to_status=data["to_status"],
            reason=data["reason"],
            closes_at=data.get("closes_at"),
        ),
    )
    if result is not FAILED:
        messages.success(request, f"{arrangement.reference} is now {rules.STATUS_LABELS[result.status_enum].lower()}")
        return redirect("arrangements:detail", pk=arrangement.pk)
    return render(request, "arrangements/status.html", {"form": form, "arrangement": arrangement})


@permission_required(Permission.ARRANGEMENTS_MANAGE)
def lot_create(request, pk: int):
    council = request.user.organisation
    arrangement = selectors.arrangement_get(council=council, pk=pk)
    form = forms.LotForm(
        bound(request),
        service_types=reference.service_type_list(council=council, active_only=True),
        areas=reference.area_list(council=council, active_only=True),
        need_levels=reference.need_level_list(council=council).filter(is_active=True),
    )
    lot = submit(request, form, lambda data: services.lot_create(arrangement=arrangement, actor=request.user, **data))
    if lot is not FAILED:
        messages.success(request, f"Added lot {lot.number}: {lot.title}")
        return redirect("arrangements:detail", pk=arrangement.pk)
    return render(request, "arrangements/lot_form.html", {"form": form, "arrangement": arrangement})


@permission_required(Permission.ARRANGEMENTS_MANAGE)
def window_create(request, pk: int):
    arrangement = selectors.arrangement_get(council=request.user.organisation, pk=pk)
    # market insight links here with the unmet need it found, written out
    asked = {k: request.GET[k][:2000] for k in ("reason", "unmet_need") if k in request.GET}
    form = forms.WindowForm(bound(request), initial=asked)
    window = submit(
        request, form, lambda data: services.window_open(arrangement=arrangement, actor=request.user, **data)
    )
    if window is not FAILED:
        messages.success(request, f"Applications are open until {timezone.localtime(window.closes_at):%-d %B %Y %H:%M}")
        return redirect("arrangements:detail", pk=arrangement.pk)
    return render(request, "arrangements/window_form.html", {"form": form, "arrangement": arrangement})


@permission_required(Permission.ARRANGEMENTS_MANAGE)
def question_create(request, pk: int):
    arrangement = selectors.arrangement_get(council=request.user.organisation, pk=pk)
    form = forms.QuestionForm(bound(request))
    question = submit(
        request,
        form,
        lambda data: applications.question_create(
            arrangement=arrangement,
            actor=request.user,
            **{**data, "weight": data["weight"] or 0, "max_score": data["max_score"] or 0},
        ),
    )
    if question is not FAILED:
        messages.success(request, f"Added question {question.number}")
        return redirect("arrangements:detail", pk=arrangement.pk)
    return render(request, "arrangements/question_form.html", {"form": form, "arrangement": arrangement})


@permission_required(Permission.ARRANGEMENTS_READ)
def application_list(request, pk: int):
    council = request.user.organisation
    arrangement = selectors.arrangement_get(council=council, pk=pk)
    return render(
        request,
        "arrangements/applications.html",
        presenters.applications_page(council=council, arrangement=arrangement),
    )


@permission_required(Permission.APPLICATIONS_EVALUATE)
def application_detail(request, pk: int, application_pk: int):
    council = request.user.organisation
    arrangement = selectors.arrangement_get(council=council, pk=pk)
    application = selectors.application_get_for_council(council=council, pk=application_pk)
    if application.arrangement_id != arrangement.pk:
        raise Http404("No such application on this arrangement")
    scored = [q for q in arrangement.questions.all() if q.kind == "scored"]
    score_form = forms.ScoreForm(
        bound(request) if request.POST.get("action") in {"score", "moderate"} else None, questions=scored
    )
    decision_form = forms.DecisionForm(bound(request) if request.POST.get("action") == "decide" else None)
    action = request.POST.get("action")
    if action in {"score", "moderate"}:
        question_by_pk = {str(q.pk): q for q in scored}

        def record(data):
            question = question_by_pk[data["question"]]
            if action == "moderate":
                check_permission(request.user, Permission.APPLICATIONS_DECIDE)
                return applications.score_moderate(
                    application=application,
                    question=question,
                    moderator=request.user,
                    score=data["score"],
                    reason=data["reason"],
                )
            return applications.score_record(
                application=application,
                question=question,
                evaluator=request.user,
                score=data["score"],
                comment=data["comment"],
            )

        if submit(request, score_form, record) is not FAILED:
            messages.success(request, "Score saved" if action == "score" else "Agreed score saved")
            return redirect("arrangements:application", pk=pk, application_pk=application_pk)
    if action == "decide":
        check_permission(request.user, Permission.APPLICATIONS_DECIDE)
        decision = submit(
            request,
            decision_form,
            lambda data: applications.application_decide(application=application, actor=request.user, **data),
        )
        if decision is not FAILED:
            messages.success(request, f"Decision recorded: {decision.get_outcome_display().lower()}")
            return redirect("arrangements:applications", pk=pk)
    return render(
        request,
        "arrangements/application_view.html",
        {
            "score_form": score_form,
            "decision_form": decision_form,
            **presenters.application_page(arrangement=arrangement, application=application, scored=scored),
        },
    )


@permission_required(Permission.APPLICATIONS_EVALUATE)
def council_document(request, pk: int, application_pk: int, document_pk: int):
    """An application's document, for those who may open the application: its evaluators."""
    application = selectors.application_get_for_council(council=request.user.organisation, pk=application_pk)
    document = application.documents.filter(pk=document_pk).first()
    if document is None or application.arrangement_id != pk:
        raise Http404("No such document")
    return attachment(document.file)


@permission_required(Permission.ARRANGEMENTS_READ)
def admission_list(request, pk: int):
    council = request.user.organisation
    arrangement = selectors.arrangement_get(council=council, pk=pk)
    return render(
        request,
        "arrangements/admissions.html",
        presenters.admissions_page(request=request, user=request.user, council=council, arrangement=arrangement),
    )


@require_POST
@permission_required(Permission.ARRANGEMENTS_MANAGE)
def award_compute(request, pk: int):
    arrangement = selectors.arrangement_get(council=request.user.organisation, pk=pk)
    live_positions = arrangement.mechanism_enum != rules.Mechanism.RANKED_FRAMEWORK and arrangement.status_enum == (
        rules.Status.LIVE
    )
    if live_positions and not confirmed(request):
        # positions on a live framework route work from the moment they change: say what is at stake first
        return check_page(
            request, forms.ConfirmForm(request.POST), **presenters.positions_check(arrangement=arrangement)
        )
    try:
        if arrangement.mechanism_enum == rules.Mechanism.RANKED_FRAMEWORK:
            admissions.ranking_compute(arrangement=arrangement, actor=request.user)
            messages.success(request, "Rankings recomputed; the previous rankings are kept")
        else:
            job = admissions.positions_compute_start(arrangement=arrangement, actor=request.user)
            return redirect("core:job", pk=job.pk)
    except ServiceError as exc:
        messages.error(request, str(exc))
    return redirect("arrangements:admissions", pk=pk)


@permission_required(Permission.ADMISSIONS_SUSPEND)
def admission_suspend(request, pk: int, admission_pk: int):
    council = request.user.organisation
    admission = selectors.admission_get(council=council, pk=admission_pk)
    if admission.arrangement_id != pk:
        raise Http404("No such admission on this arrangement")
    form = forms.SuspendForm(
        bound(request),
        reason_codes=reference.reason_code_list(council=council, kind="suspension").filter(is_active=True),
    )
    if request.method == "POST" and form.is_valid() and not confirmed(request):
        return check_page(request, form, **presenters.suspension_check(admission=admission, **form.cleaned_data))
    done = submit(
        request, form, lambda data: admissions.admission_suspend(admission=admission, actor=request.user, **data)
    )
    if done is not FAILED:
        messages.success(
            request,
            f"Suspended {len(done)} admission(s) of {admission.provider.name} from now; no new work is routed to them",
        )
        return redirect("arrangements:admissions", pk=pk)
    return render(request, "arrangements/suspend.html", {"form": form, "admission": admission})


@permission_required(Permission.ARRANGEMENTS_MANAGE)
def document_add(request, pk: int):
    arrangement = selectors.arrangement_get(council=request.user.organisation, pk=pk)
    form = forms.ArrangementDocumentForm(bound(request), bound_files(request))
    document = submit(
        request,
        form,
        lambda data: services.arrangement_document_add(arrangement=arrangement, actor=request.user, **data),
    )
    if document is not FAILED:
        messages.success(request, f"Added {document.title}")
        return redirect("arrangements:detail", pk=pk)
    return render(request, "arrangements/document_form.html", {"form": form, "arrangement": arrangement})


@permission_required(Permission.ARRANGEMENTS_READ)
def document_download(request, pk: int, document_pk: int):
    arrangement = selectors.arrangement_get(council=request.user.organisation, pk=pk)
    document = arrangement.documents.filter(pk=document_pk).first()
    if document is None:
        raise Http404("No such document")
    return attachment(document.file)


@permission_required(Permission.ADMISSIONS_SUSPEND)
def admission_change(request, pk: int, admission_pk: int, action: str):
    """Reinstate a suspended admission, or remove (exclude) a provider from a lot, with a reason."""
    admission = selectors.admission_get(council=request.user.organisation, pk=admission_pk)
    if admission.arrangement_id != pk or action not in {"reinstate", "remove"}:
        raise Http404("No such admission on this arrangement")
    form = forms.ReasonForm(bound(request))
    if action == "remove" and request.method == "POST" and form.is_valid() and not confirmed(request):
        return check_page(request, form, **presenters.removal_check(admission=admission))
    change = admissions.admission_reinstate if action == "reinstate" else admissions.admission_remove
    done = submit(request, form, lambda data: change(admission=admission, actor=request.user, reason=data["reason"]))
    if done is not FAILED:
        messages.success(request, f"{admission.provider.name}: {'reinstated' if action == 'reinstate' else 'removed'}")
        return redirect("arrangements:admissions", pk=pk)
    return render(
        request, "arrangements/admission_change.html", {"form": form, "admission": admission, "action": action}
    )
