"""The public directory: no sign-in, each council's own brand, no script needed."""

from __future__ import annotations

from django.core.paginator import EmptyPage, Paginator
from django.shortcuts import redirect, render

from caremarket.accounts.selectors import council_by_slug
from caremarket.core.errors import ServiceError
from caremarket.core.govuk import apply_service_errors
from caremarket.core.middleware import client_address
from caremarket.domain import directory as rules

from . import forms, presenters, selectors, services

PER_PAGE = 20


def index(request):
    councils = list(selectors.councils_with_directories())
    if len(councils) == 1:
        return redirect("directory:search", council_slug=councils[0].slug)
    return render(request, "directory/public_index.html", {"councils": councils})


def search(request, council_slug: str):
    council = council_by_slug(council_slug)
    service_types = list(selectors.services_of(council))
    asked = bool(request.GET)
    form = forms.SearchForm(request.GET if asked else None, services=service_types)
    results, page, status = None, None, 200
    if asked and form.is_valid():
        d = form.cleaned_data
        group = next((g for g in rules.AGE_GROUPS if g.code == d["age_group"]), None)
        query = selectors.Search(
            service_code=d["service"],
            postcode=d["postcode"],
            miles=float(d["distance"]) if d["distance"] is not None else None,
            age=d["age"],
            group=(group.minimum, group.maximum) if group and d["age"] is None else None,
            needs=d["needs"],
            day=d["day"],
            at=d["time"],
            taking_only=d["taking"],
        )
        if query.miles is not None and not query.postcode:
            form.add_error("postcode", "Enter a postcode to search within a distance of it")
            status = 400
        else:
            try:
                results = selectors.search(council, query)
            except selectors.UnknownPostcode as exc:
                form.add_error("postcode", str(exc))
                status = 400
        if results is not None:
            paginator = Paginator(results, PER_PAGE)
            try:
                page = paginator.page(d["page"] or 1)
            except EmptyPage:
                form.add_error("page", f"There are only {paginator.num_pages} pages of results")
                page, status = None, 400
    elif asked:
        status = 400
    context = presenters.search_page(council=council, form=form, page=page, request=request)
    return render(request, "directory/search.html", context, status=status)


def service(request, council_slug: str, key: str):
    council = council_by_slug(council_slug)
    listing = selectors.public_listing(council, key)
    form = forms.EnquiryForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        try:
            services.enquiry_send(listing=listing, data=request.POST, address=client_address(request))
        except ServiceError as exc:
            apply_service_errors(form, exc.errors)
            status = exc.status
        else:
            return redirect("directory:enquiry-sent", council_slug=council.slug, key=listing.uuid)
    context = presenters.service_page(council=council, listing=listing, form=form)
    return render(request, "directory/service.html", context, status=status)


def enquiry_sent(request, council_slug: str, key: str):
    council = council_by_slug(council_slug)
    listing = selectors.public_listing(council, key)
    return render(
        request,
        "directory/enquiry_sent.html",
        {"council": council, "brand_organisation": council, "listing": listing, "kept_days": rules.ENQUIRY_KEPT_DAYS},
    )
