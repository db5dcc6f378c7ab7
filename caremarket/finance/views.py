"""Council pages: rates (commissioner), payment runs and holds (finance officer)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from caremarket.core.errors import ServiceError
from caremarket.core.govuk import FAILED, bound, submit
from caremarket.core.pages import paginate
from caremarket.core.permissions import has_permission, permission_required
from caremarket.domain.roles import Permission
from caremarket.reference import selectors as reference
from caremarket.reference import services as reference_services

from . import exports, forms, presenters, rates, runs, selectors, services


def _rate_form(council, data=None):
    return forms.RateForm(
        data,
        arrangements=selectors.live_arrangements(council=council),
        service_types=reference.service_type_list(council=council, active_only=True),
        need_levels=reference.need_level_list(council=council),
        areas=reference.area_list(council=council, active_only=True),
        providers=selectors.providers(),
    )


def _rates_page(request, status=200, **forms_):
    council = request.user.organisation
    arrangements = selectors.live_arrangements(council=council)
    return render(
        request,
        "finance/rates.html",
        {
            **presenters.rates_page(request=request, user=request.user, council=council),
            "rate_form": forms_.get("rate_form") or _rate_form(council),
            "uplift_form": forms_.get("uplift_form") or forms.UpliftForm(arrangements=arrangements),
            "explain_form": forms_.get("explain_form") or forms.ExplainForm(),
            "explained": forms_.get("explained"),
        },
        status=status,
    )


@permission_required(Permission.RATES_READ)
def rate_list(request):
    form = forms.ExplainForm(request.GET or None)
    explained = None
    if request.GET and form.is_valid():
        placement = selectors.council_placement(council=request.user.organisation, pk=form.cleaned_data["placement"])
        rate, why = selectors.rate_explain(placement, form.cleaned_data["day"])
        explained = {"placement": placement, "day": form.cleaned_data["day"], "rate": rate, "why": why}
    return _rates_page(request, explain_form=form, explained=explained)


@require_POST
@permission_required(Permission.RATES_MANAGE)
def rate_create(request):
    council = request.user.organisation
    form = _rate_form(council, request.POST)

    def create(data):
        return rates.rate_create(
            council=council,
            actor=request.user,
            arrangement=selectors.live_arrangements(council=council).get(pk=data["arrangement"]),
            kind=data["kind"],
            unit=data["unit"],
            amount=data["amount"],
            starts_on=data["starts_on"],
            **selectors.rate_targets(
                council=council,
                service_type=data["service_type"],
                need_level=data["need_level"],
                area=data["area"],
                provider=data["provider"],
            ),
            add_on=data["add_on"].strip().lower(),
            reason=data["reason"],
        )

    rate = submit(request, form, create)
    if rate is FAILED:
        return _rates_page(request, status=400, rate_form=form)
    messages.success(
        request,
        f"Rate added: £{rate.amount} {rate.get_unit_display()} from {rate.starts_on:%-d %B %Y}"
        + (f". Flagged: {rate.floor_flags}" if rate.floor_flags else ""),
    )
    return redirect("finance:rates")


@permission_required(Permission.RATES_READ)
def rate_detail(request, pk: int):
    rate = selectors.rate_get(council=request.user.organisation, pk=pk)
    form = forms.SupersedeForm(bound(request))
    if request.method == "POST":
        if not has_permission(request.user, Permission.RATES_MANAGE):
            from django.core.exceptions import PermissionDenied

            raise PermissionDenied
        new = submit(request, form, lambda data: rates.rate_supersede(rate=rate, actor=request.user, **data))
        if new is not FAILED:
            messages.success(
                request,
                f"From {new.starts_on:%-d %B %Y} the rate is £{new.amount}; the earlier rate "
                "is kept and any payments already made will be adjusted in the next run",
            )
            return redirect("finance:rate", pk=new.pk)
    return render(
        request,
        "finance/rate.html",
        {"form": form, **presenters.rate_page(user=request.user, council=request.user.organisation, rate=rate)},
    )


@require_POST
@permission_required(Permission.RATES_MANAGE)
def rates_uplift(request):
    council = request.user.organisation
    form = forms.UpliftForm(request.POST, arrangements=selectors.live_arrangements(council=council))

    def uplift(data):
        chosen = selectors.rate_list(council=council, arrangement_id=data["arrangement"])
        if data["kind"]:
            chosen = chosen.filter(kind=data["kind"])
        return rates.rates_uplift(
            council=council,
            actor=request.user,
            rates=list(chosen),
            percent=data["percent"],
            starts_on=data["starts_on"],
        )

    done = submit(request, form, uplift)
    if done is FAILED:
        return _rates_page(request, status=400, uplift_form=form)
    messages.success(request, f"{len(done)} rates uplifted; the previous rates are kept")
    return redirect("finance:rates")


@permission_required(Permission.RATES_READ)
def cost_of_care(request):
    council = request.user.organisation
    form = forms.CostOfCareForm(bound(request))
    worked = form.cleaned_data if request.method == "POST" and form.is_valid() else None
    if worked and request.POST.get("action") == "save" and has_permission(request.user, Permission.RATES_MANAGE):
        row = submit(
            request,
            form,
            lambda data: reference_services.cost_of_care_create(council=council, actor=request.user, **data),
        )
        if row is not FAILED:
            messages.success(request, f"Saved: £{row.hourly_rate} an hour from {row.starts_on:%-d %B %Y}")
            return redirect("finance:cost-of-care")
    return render(
        request,
        "finance/cost_of_care.html",
        {"form": form, **presenters.cost_of_care_page(user=request.user, council=council, worked=worked)},
    )


@permission_required(Permission.PAYMENTS_RUN)
def run_list(request):
    council = request.user.organisation
    form = forms.RunForm(bound(request))
    run = submit(request, form, lambda data: runs.payment_run_create(council=council, actor=request.user, **data))
    if run is not FAILED:
        messages.success(request, "Run created: calculate it when the delivery records are in")
        return redirect("finance:run", pk=run.pk)
    return render(request, "finance/runs.html", {"form": form, "runs": selectors.run_list(council=council)[:100]})


@permission_required(Permission.PAYMENTS_RUN)
def run_detail(request, pk: int):
    run = selectors.run_get(council=request.user.organisation, pk=pk)
    if request.method == "POST" and request.POST.get("action") == "calculate":
        try:
            job = runs.payment_run_calculation_start(run=run, actor=request.user)
        except ServiceError as exc:
            messages.error(request, str(exc))
            return redirect("finance:run", pk=pk)
        return redirect("core:job", pk=job.pk)
    return render(request, "finance/run.html", presenters.run_page(run=run, user=request.user))


# what approving or paying a run does, said on its check page before anyone confirms it
RUN_STEPS = {
    "approve": (runs.payment_run_approve, "Approved: the payments file can now be exported"),
    "paid": (runs.payment_run_mark_paid, "Marked paid: providers see their remittances as paid"),
}


@permission_required(Permission.PAYMENTS_RUN)
def run_step(request, pk: int, step: str):
    """Approving a run, or marking it paid, on a check page that says what it releases, with a confirmation. A
    second submission changes nothing: the run has moved on and the page says so."""
    run = selectors.run_get(council=request.user.organisation, pk=pk)
    if step not in RUN_STEPS:
        from django.http import Http404

        raise Http404
    form = forms.ConfirmRunForm(bound(request), step=step)
    action, done_message = RUN_STEPS[step]
    done = submit(request, form, lambda data: action(run=run, actor=request.user))
    if done is not FAILED:
        messages.success(request, done_message)
        return redirect("finance:run", pk=pk)
    page = presenters.run_check_page(run=run, user=request.user, step=step)
    return render(request, "finance/run_check.html", {"form": form, **page}, status=400 if form.errors else 200)


def _download(content, content_type, name):
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _exported(request, pk, make):
    run = selectors.run_get(council=request.user.organisation, pk=pk)
    try:
        return make(run)
    except ServiceError as exc:
        messages.error(request, str(exc))
        return redirect("finance:run", pk=pk)


@permission_required(Permission.PAYMENTS_RUN)
def run_payments_csv(request, pk: int):
    return _exported(
        request,
        pk,
        lambda run: _download(exports.payments_csv(run), "text/csv; charset=utf-8", f"payments-run-{run.pk}.csv"),
    )


@permission_required(Permission.PAYMENTS_RUN)
def run_payments_xlsx(request, pk: int):
    return _exported(
        request,
        pk,
        lambda run: _download(
            exports.payments_xlsx(run),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            f"payments-run-{run.pk}.xlsx",
        ),
    )


@permission_required(Permission.PAYMENTS_RUN)
def run_remittance(request, pk: int, provider_id: int):
    run = selectors.run_get(council=request.user.organisation, pk=pk)
    return _remittance(request, run, provider_id, request.GET.get("format", ""))


def _remittance(request, run, provider_id: int, fmt: str, *, for_provider: bool = False):
    provider = selectors.providers().filter(pk=provider_id).first()
    if provider is None:
        from django.http import Http404

        raise Http404
    try:
        lines = exports.remittance_lines(run, provider_id, for_provider=for_provider)
    except ServiceError as exc:
        messages.error(request, str(exc))
        return redirect("finance:run", pk=run.pk)
    if fmt == "csv":
        return _download(
            exports.remittance_csv(run, provider_id, for_provider=for_provider),
            "text/csv; charset=utf-8",
            f"remittance-{run.pk}-{provider_id}.csv",
        )
    if fmt == "pdf":
        return _download(
            exports.remittance_pdf(run, provider_id, provider.name, for_provider=for_provider),
            "application/pdf",
            f"remittance-{run.pk}-{provider_id}.pdf",
        )
    page, query = paginate(request, list(lines))
    return render(
        request,
        "finance/remittance.html",
        {
            "run": run,
            "provider": provider,
            "lines": lines,
            "summary": presenters.remittance_summary(run, provider.pk, lines),
            "page": page,
            "query": query,
        },
    )


@permission_required(Permission.PAYMENTS_RUN)
def run_lines_csv(request, pk: int):
    """Every line of the run, or with ?flagged=yes only the lines above plan or in hospital that are not paid."""
    flagged = request.GET.get("flagged") == "yes"
    return _exported(
        request,
        pk,
        lambda run: _download(
            exports.lines_csv(run, flagged_only=flagged),
            "text/csv; charset=utf-8",
            f"run-{run.pk}-{'flagged' if flagged else 'lines'}.csv",
        ),
    )


@permission_required(Permission.PAYMENTS_RUN)
def uploads(request):
    return render(request, "finance/uploads.html", presenters.uploads_page(council=request.user.organisation))


@permission_required(Permission.PAYMENTS_RUN)
def ledger_codes(request):
    """The council's supplier code for each provider it pays and cost centre for each service: what the payments
    file carries into the ledger."""
    council = request.user.organisation
    service_types = reference.service_type_list(council=council)
    supplier_form = forms.SupplierCodeForm(
        request.POST if request.POST.get("action") == "supplier" else None,
        providers=selectors.providers_paid(council=council),
    )
    centre_form = forms.CostCentreForm(
        request.POST if request.POST.get("action") == "centre" else None,
        service_types=service_types,
    )

    def supplier(data):
        provider = selectors.providers_paid(council=council).filter(pk=data["provider"]).first()
        if provider is None:
            raise ServiceError({"provider": "Choose a provider the council pays"})
        return services.supplier_code_set(council=council, actor=request.user, provider=provider, code=data["code"])

    def centre(data):
        service = service_types.filter(pk=data["service_type"]).first() if data["service_type"] else None
        return services.cost_centre_set(
            council=council, actor=request.user, service_type=service, code=data["code"], account=data["account"]
        )

    for form, action in ((supplier_form, supplier), (centre_form, centre)):
        if form.is_bound and submit(request, form, action) is not FAILED:
            messages.success(request, "Saved: the next payments file carries it")
            return redirect("finance:ledger-codes")
    return render(
        request,
        "finance/ledger_codes.html",
        {"supplier_form": supplier_form, "centre_form": centre_form, **presenters.ledger_codes_page(council=council)},
        status=400 if supplier_form.errors or centre_form.errors else 200,
    )


@permission_required(Permission.PAYMENTS_RUN)
def hold_list(request):
    council = request.user.organisation
    form = forms.HoldForm(bound(request), providers=selectors.providers())

    def create(data):
        provider = selectors.providers().filter(pk=data["provider"]).first() if data["provider"] else None
        placement = selectors.council_placement(council=council, pk=data["placement"]) if data["placement"] else None
        return runs.hold_create(
            council=council, actor=request.user, reason=data["reason"], provider=provider, placement=placement
        )

    hold = submit(request, form, create)
    if hold is not FAILED:
        messages.success(request, "Held: its lines are kept out of runs until released")
        return redirect("finance:holds")
    return render(request, "finance/holds.html", {"form": form, "holds": selectors.hold_list(council=council)})


@require_POST
@permission_required(Permission.PAYMENTS_RUN)
def hold_release(request, pk: int):
    hold = selectors.hold_get(council=request.user.organisation, pk=pk)
    try:
        runs.hold_release(hold=hold, actor=request.user)
    except ServiceError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "Released: the held lines are paid in the next run")
    return redirect("finance:holds")


def _rules_page(request, status=200, **forms_):
    council = request.user.organisation
    arrangements = selectors.live_arrangements(council=council)
    return render(
        request,
        "finance/rules.html",
        {
            **presenters.rules_page(user=request.user, council=council),
            "rules_form": forms_.get("rules_form") or forms.PaymentRulesForm(arrangements=arrangements),
            "block_form": forms_.get("block_form")
            or forms.HoursBlockForm(
                arrangements=arrangements,
                providers=selectors.providers(),
                areas=reference.area_list(council=council, active_only=True),
            ),
        },
        status=status,
    )


@permission_required(Permission.RATES_READ)
def rules(request):
    council = request.user.organisation
    if request.method != "POST":
        return _rules_page(request)
    if not has_permission(request.user, Permission.RATES_MANAGE):
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied
    arrangements = selectors.live_arrangements(council=council)
    if request.POST.get("action") == "block":
        form = forms.HoursBlockForm(
            request.POST,
            arrangements=arrangements,
            providers=selectors.providers(),
            areas=reference.area_list(council=council, active_only=True),
        )
        done = submit(
            request,
            form,
            lambda data: services.hours_block_create(
                council=council,
                actor=request.user,
                arrangement=arrangements.get(pk=data["arrangement"]),
                provider=selectors.providers().get(pk=data["provider"]),
                area=reference.area_list(council=council).get(pk=data["area"]),
                hours_per_week=data["hours_per_week"],
                amount_per_hour=data["amount_per_hour"],
                starts_on=data["starts_on"],
            ),
        )
        if done is FAILED:
            return _rules_page(request, status=400, block_form=form)
        messages.success(request, f"Block of {done.hours_per_week} hours a week with {done.provider.name} added")
        return redirect("finance:rules")
    form = forms.PaymentRulesForm(request.POST, arrangements=arrangements)
    done = submit(
        request,
        form,
        lambda data: services.payment_rules_set(
            council=council, actor=request.user, **{**data, "arrangement": arrangements.get(pk=data["arrangement"])}
        ),
    )
    if done is FAILED:
        return _rules_page(request, status=400, rules_form=form)
    messages.success(
        request,
        f"From {done.starts_on:%-d %B %Y} {done.arrangement.reference} pays on {done.get_pay_on_display().lower()}",
    )
    return redirect("finance:rules")


def _contributions_page(request, status=200, **forms_):
    council = request.user.organisation
    return render(
        request,
        "finance/contributions.html",
        {
            "assessments": selectors.contribution_list(council=council)[:200],
            "contribution_form": forms_.get("contribution_form") or forms.ContributionForm(),
            "route_form": forms_.get("route_form") or forms.FundingRouteForm(),
        },
        status=status,
    )


@permission_required(Permission.PAYMENTS_RUN)
def contributions(request):
    council = request.user.organisation
    if request.method != "POST":
        return _contributions_page(request)
    if request.POST.get("action") == "route":
        form = forms.FundingRouteForm(request.POST)
        done = submit(
            request,
            form,
            lambda data: services.funding_route_set(
                council=council,
                actor=request.user,
                placement=selectors.council_placement(council=council, pk=data["placement"]),
                funding_route=data["funding_route"],
            ),
        )
        if done is FAILED:
            return _contributions_page(request, status=400, route_form=form)
        messages.success(request, f"Placement {done.pk} is now {done.get_funding_route_display().lower()}")
        return redirect("finance:contributions")
    form = forms.ContributionForm(request.POST)
    done = submit(
        request,
        form,
        lambda data: services.contribution_set(
            council=council,
            actor=request.user,
            person=selectors.council_person(council=council, pk=data["person"]),
            weekly_amount=data["weekly_amount"],
            starts_on=data["starts_on"],
        ),
    )
    if done is FAILED:
        return _contributions_page(request, status=400, contribution_form=form)
    messages.success(
        request, f"£{done.weekly_amount} a week from {done.starts_on:%-d %B %Y}; the earlier assessment is kept"
    )
    return redirect("finance:contributions")
