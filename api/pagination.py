"""Page numbers over keyset reads, so the last page costs what the first one does.

OSDI collections are paged by number (``page``, ``per_page``). ``OFFSET`` makes page
10,000 of a million signatures read 999,900 index entries first, so a page in the
second half of the collection is read from the end instead (the order reversed, a
small offset, the rows put back in order), and the ``next`` link carries a cursor
(``after``: the last row's sort key) so a client walking page by page reads each one
by the index, wherever it is.
"""

from dataclasses import dataclass
from datetime import datetime
from math import ceil

from django.db.models import Q, QuerySet
from django.utils.dateparse import parse_datetime


class CursorError(ValueError):
    pass


@dataclass
class Page:
    items: list
    number: int
    per_page: int
    total: int

    @property
    def total_pages(self) -> int:
        return max(1, ceil(self.total / self.per_page)) if self.total else 0

    @property
    def has_next(self) -> bool:
        return self.number < self.total_pages

    @property
    def has_previous(self) -> bool:
        return self.number > 1


def encode_cursor(moment: datetime, pk: int) -> str:
    return f"{moment.isoformat()}~{pk}"


def decode_cursor(text: str) -> tuple[datetime, int]:
    moment_text, _sep, pk_text = text.rpartition("~")
    try:
        moment = parse_datetime(moment_text)
    except ValueError:
        moment = None
    if moment is None or not pk_text.isdigit() or moment.tzinfo is None:
        raise CursorError("The 'after' cursor is not one this API gave out.")
    return moment, int(pk_text)


def page_of(
    queryset: QuerySet,
    *,
    order_field: str,
    number: int,
    per_page: int,
    total: int,
    after: str = "",
) -> Page:
    """Rows of page ``number`` of ``queryset`` in ``(order_field, pk)`` order."""
    forward = queryset.order_by(order_field, "pk")
    if after:
        moment, pk = decode_cursor(after)
        # The range on the sort key alone (>=) is what lets the index seek; the OR then
        # drops the rows of the same moment already shown.
        keyset = Q(**{f"{order_field}__gt": moment}) | Q(pk__gt=pk)
        rows = forward.filter(**{f"{order_field}__gte": moment}).filter(keyset)[:per_page]
        return Page(list(rows), number, per_page, total)
    start = (number - 1) * per_page
    if start >= total:
        return Page([], number, per_page, total)
    end = min(start + per_page, total)
    if start <= total // 2:
        return Page(list(forward[start:end]), number, per_page, total)
    backward = queryset.order_by(f"-{order_field}", "-pk")
    rows = list(backward[total - end : total - start])
    rows.reverse()
    return Page(rows, number, per_page, total)
