"""The council's side of its directory: listings and their completeness, changes to approve or return, and the
feed's self-check."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render

from caremarket.core.govuk import FAILED, check_page, confirmed, submit
from caremarket.core.permissions import permission_required
from caremarket.domain.roles import Permission

from . import forms, presenters, selectors, services


@permission_required(Permission.DIRECTORY_APPROVE)
def manage(request):
    council = request.user.organisation
    public = selectors.public_ids(council)
    listings = [
        {"listing": x, "public": x.pk in public, "completeness": presenters.completeness(x.gaps())}
        for x in selectors.council_listings(council).order_by("provider__name", "service_type__name")
    ]
    return render(
        request,
        "directory/manage.html",
        {
            "council": council,
            "changes": selectors.council_changes(council),
            "listings": listings,
            "public_count": len(public),
        },
    )


@permission_required(Permission.DIRECTORY_APPROVE)
def change(request, pk: int):
    council = request.user.organisation
    item = selectors.council_change(council, pk)
    gaps = services.proposed_gaps(item)
    return_form = forms.ReturnForm(request.POST if request.method == "POST" and "reason" in request.POST else None)
    if request.method == "POST" and request.POST.get("decision") == "approve":
        if not confirmed(request):
            return check_page(
                request,
                forms.ReturnForm(request.POST),
                heading=f"Approve {item.listing.name}?",
                caption=item.listing.provider.name,
                says=[
                    "The public directory and the Open Referral UK feed will show the listing as proposed."
                    if not gaps
                    else "The listing is approved but stays out of the directory until it has: "
                    + "; ".join(g.label.lower() for g in gaps)
                    + "."
                ],
                warning="The public will see it at once.",
                button="Approve and publish",
                action=request.path,
                back=request.path,
            )
        services.listing_change_approve(change=item, actor=request.user)
        messages.success(request, f"{item.listing.name} is approved")
        return redirect("directory-manage:index")
    if request.method == "POST":
        done = submit(
            request,
            return_form,
            lambda d: services.listing_change_return(change=item, actor=request.user, reason=d["reason"]),
        )
        if done is not FAILED:
            messages.success(request, f"{item.listing.name} is returned to {item.listing.provider.name}")
            return redirect("directory-manage:index")
    return render(
        request,
        "directory/change.html",
        {
            "change": item,
            "rows": presenters.change_rows(item.listing, item.proposed),
            "completeness": presenters.completeness(gaps),
            "form": return_form,
        },
        status=400 if return_form.errors else 200,
    )


@permission_required(Permission.DIRECTORY_APPROVE)
def feed_check(request):
    """The Open Referral UK self-check of this installation's feed, run by the worker with its progress shown."""
    council = request.user.organisation
    if request.method == "POST":
        job = services.feed_check_start(council=council, actor=request.user)
        return redirect("core:job", pk=job.pk)
    return render(
        request,
        "directory/feed_check.html",
        {"feed": request.build_absolute_uri("/openreferral/"), "checks": selectors.feed_checks(council)[:10]},
    )


@permission_required(Permission.DIRECTORY_APPROVE)
def feed_check_result(request, pk: int):
    made = selectors.feed_check(request.user.organisation, pk)
    return render(request, "directory/feed_check_result.html", {"check": made, "report": made.report})
