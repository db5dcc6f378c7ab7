"""Long lists in pages of the same size everywhere, with the rest of the query kept on every page link."""

from __future__ import annotations

from django.core.paginator import Page, Paginator

PER_PAGE = 50


def paginate(request, rows, per_page: int = PER_PAGE) -> tuple[Page, str]:
    """The page of `rows` the request asks for (the last one if past the end), and the query string without
    `page`, for the pagination links."""
    page = Paginator(rows, per_page).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return page, query.urlencode()
