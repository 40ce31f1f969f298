"""A paginator that counts the rows in the query that fetches the page.

Django's Paginator asks the database twice: COUNT(*), then the page. For a
ranked search both queries find and visit every matching row (the page must
rank them all to know the best fifty), so the second visit doubles the cost.
CountingPaginator fetches the page with COUNT(*) OVER () beside each row and
takes the count from it; only an empty page (past the end, or nothing found)
costs a separate count. For a list read in index order the separate count is
cheaper, so this is for ranked searches only.

With `rows_by_id` it reads a page in two steps: the ids and the count first,
from the queryset alone without its joins (the rank is computed over every
match; joining each of them to its register, type and users first would
multiply that work), then the page's rows, by id, with whatever the list
shows of them.
"""

from collections.abc import Callable, Sequence
from typing import Any, cast

from django.core.paginator import EmptyPage, Page, PageNotAnInteger, Paginator
from django.db.models import Count, QuerySet, Window

TOTAL = "_paginator_total"


class CountingPaginator(Paginator):
    def __init__(
        self, *args: Any, rows_by_id: Callable[[list[Any]], Sequence[Any]] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.rows_by_id = rows_by_id
        if self.orphans:
            raise ValueError("CountingPaginator takes no orphans: the last page is whatever the query returns")

    def validate_number(self, number: Any) -> int:
        """A whole number from 1; whether that page exists is known once it is fetched."""
        try:
            if isinstance(number, float) and not number.is_integer():
                raise ValueError
            number = int(number)
        except (TypeError, ValueError):
            raise PageNotAnInteger(self.error_messages["invalid_page"]) from None
        if number < 1:
            raise EmptyPage(self.error_messages["min_page"])
        return number

    def page(self, number: Any) -> Page:
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        counted = cast(QuerySet[Any], self.object_list).annotate(**{TOTAL: Window(Count("pk"))})
        total = None
        if self.rows_by_id is None:
            rows = list(counted[bottom : bottom + self.per_page])
            total = getattr(rows[0], TOTAL) if rows else None
        else:
            ids = counted.prefetch_related(None).values_list("pk", TOTAL)
            ids_and_total = list(ids[bottom : bottom + self.per_page])
            rows = list(self.rows_by_id([pk for pk, _total in ids_and_total])) if ids_and_total else []
            total = ids_and_total[0][1] if ids_and_total else None
        if total is not None:
            self.__dict__["count"] = total  # Paginator.count is a cached_property
        elif number > self.num_pages:  # nothing found is still a first page, past the end is none
            raise EmptyPage(self.error_messages["no_results"])
        return Page(rows, number, self)

    def get_page(self, number: Any) -> Page:
        try:
            return self.page(number)
        except PageNotAnInteger:
            return self.page(1)
        except EmptyPage:
            return self.page(self.num_pages)
