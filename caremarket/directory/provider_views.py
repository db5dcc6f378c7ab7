"""A provider's office keeps its directory listings, its profile, and reads the enquiries people send."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render

from caremarket.core.govuk import FAILED, answers_to_check, bound, check_answers, submit, submit_checked
from caremarket.core.permissions import permission_required
from caremarket.domain.roles import Permission

from . import forms, presenters, selectors, services


@permission_required(Permission.DIRECTORY_KEEP)
def listing_list(request):
    provider = request.user.organisation
    services.listings_offer(provider=provider)
    rows = []
    public = selectors.public_ids()
    for listing in selectors.provider_listings(provider):
        rows.append(
            {
                "listing": listing,
                "public": listing.pk in public,
                "waiting": selectors.waiting_change(listing),
                "returned": (last := selectors.last_change(listing)) is not None and last.status_in("returned"),
                "completeness": presenters.completeness(listing.gaps()),
            }
        )
    return render(
        request,
        "directory/provider_listings.html",
        {"rows": rows, "enquiries": selectors.provider_enquiries(provider)[:20]},
    )


@permission_required(Permission.DIRECTORY_KEEP)
def listing_view(request, pk: int):
    provider = request.user.organisation
    listing = selectors.provider_listing(provider, pk)
    waiting = selectors.waiting_change(listing)
    last = selectors.last_change(listing)
    proposed = waiting.proposed if waiting else None
    return render(
        request,
        "directory/provider_listing.html",
        {
            "listing": listing,
            "public": listing.pk in selectors.public_ids(listing.council),
            "waiting": waiting,
            "last": last,
            "rows": presenters.change_rows(listing, proposed or services.listing_values(listing)),
            "completeness": presenters.completeness(services.proposed_gaps(waiting) if waiting else listing.gaps()),
        },
    )


@permission_required(Permission.DIRECTORY_KEEP)
def listing_edit(request, pk: int):
    provider = request.user.organisation
    listing = selectors.provider_listing(provider, pk)
    waiting = selectors.waiting_change(listing)
    last = selectors.last_change(listing)
    returned = last.proposed if last is not None and last.status_in("returned") else None
    # what was last sent, so a returned listing is corrected, not written again
    start = waiting.proposed if waiting else returned or services.listing_values(listing)
    form = forms.ListingForm(bound(request), initial=forms.listing_initial(start))
    if answers_to_check(request, form):
        return check_answers(
            request,
            form,
            heading="Check your listing before you send it to the council",
            caption=f"{listing.council.name}: {listing.service_type.name}",
            action=request.path,
            button="Send to the council for approval",
            back=request.path,
        )
    done = submit_checked(
        request, form, lambda _: services.listing_change_submit(listing=listing, actor=request.user, data=request.POST)
    )
    if done is not FAILED:
        messages.success(request, f"Your listing is sent to {listing.council.name} for approval")
        return redirect("provider-directory:listing", pk=listing.pk)
    return render(
        request,
        "directory/provider_listing_edit.html",
        {"listing": listing, "form": form},
        status=400 if form.errors else 200,
    )


@permission_required(Permission.DIRECTORY_KEEP)
def profile_edit(request):
    provider = request.user.organisation
    profile = selectors.profile_of(provider)
    initial = {k: getattr(profile, k) for k in ("description", "website", "email", "phone")} if profile else {}
    form = forms.ProfileForm(bound(request), initial=initial)
    done = submit(
        request, form, lambda _: services.profile_update(provider=provider, actor=request.user, data=request.POST)
    )
    if done is not FAILED:
        messages.success(request, "Your profile is saved: every council's directory shows it with your listings")
        return redirect("provider-directory:list")
    return render(request, "directory/provider_profile.html", {"form": form}, status=400 if form.errors else 200)


@permission_required(Permission.DIRECTORY_KEEP)
def enquiry_view(request, pk: int):
    enquiry = selectors.provider_enquiry(request.user.organisation, pk)
    services.enquiry_read(enquiry=enquiry, actor=request.user)
    return render(request, "directory/provider_enquiry.html", {"enquiry": enquiry})
