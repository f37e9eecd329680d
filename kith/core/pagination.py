"""Pages of long lists that stay fast however long the list is."""

from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Count, QuerySet, Window

#: Beyond this page the number is checked against the count first, as
#: Django's paginator does: an offset too big for the database is an error.
MAX_PAGE_QUERIED = 100_000


def page_of(queryset: QuerySet[Any], number: Any, per_page: int = 50) -> Page:
    """One page of ``queryset``, in its order.

    The database sorts only the primary keys (narrow rows) to find the page,
    then loads that page's rows with everything the queryset selects: sorting
    thousands of wide joined rows to show fifty is most of a list page's time.
    The page's keys and the length of the whole list come in one query (a
    window count), so a page costs two queries, not three; a page number
    past the end, or a list made distinct or of several combined, is counted
    on its own as Django's paginator does (the last page, or the first).
    """
    paginator = Paginator(queryset.values_list("pk", flat=True), per_page)
    ids = _ids_and_count(queryset, paginator, number)
    if ids is None:
        page = paginator.get_page(number)
        ids = list(page.object_list)
    else:
        page = paginator.page(int(number or 1))
    loaded = {obj.pk: obj for obj in queryset.order_by().filter(pk__in=ids)}
    page.object_list = [loaded[pk] for pk in ids if pk in loaded]
    return page


def _ids_and_count(
    queryset: QuerySet[Any], paginator: Paginator, number: Any
) -> list[Any] | None:
    """The keys on page ``number``, telling ``paginator`` the whole count on
    the way; None when that cannot be done in one query."""
    query = queryset.query
    if query.distinct or query.combinator or query.is_sliced:
        return None
    try:
        wanted = int(number or 1)
    except (TypeError, ValueError):
        return None
    if not 1 <= wanted <= MAX_PAGE_QUERIED:
        return None  # the paginator says which page to show instead
    start = (wanted - 1) * paginator.per_page
    found = list(
        queryset.annotate(_page_of_total=Window(Count("pk"))).values_list(
            "pk", "_page_of_total"
        )[start : start + paginator.per_page]
    )
    if not found:
        return None
    # Paginator.count is a cached property: the count is known already.
    paginator.count = found[0][1]
    return [pk for pk, _total in found]
