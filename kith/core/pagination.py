"""Pages of long lists that stay fast however long the list is."""

from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet


def page_of(queryset: QuerySet[Any], number: Any, per_page: int = 50) -> Page:
    """One page of ``queryset``, in its order.

    The database sorts only the primary keys (narrow rows) to find the page,
    then loads that page's rows with everything the queryset selects: sorting
    thousands of wide joined rows to show fifty is most of a list page's time.
    """
    paginator = Paginator(queryset.values_list("pk", flat=True), per_page)
    page = paginator.get_page(number)
    ids = list(page.object_list)
    loaded = {obj.pk: obj for obj in queryset.order_by().filter(pk__in=ids)}
    page.object_list = [loaded[pk] for pk in ids if pk in loaded]
    return page
