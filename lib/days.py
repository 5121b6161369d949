"""Counting rows per local day in one pass, on any database.

Grouping by ``TruncDate`` converts every row's time in the database (SQLite calls a
Python function per row for it). Here the day boundaries are computed once, in Python,
in the current time zone (so a day with a clock change is still one day), and each row
falls into its day through one ``CASE`` that the database evaluates.
"""

from datetime import date, datetime, time, timedelta

from django.core.exceptions import ValidationError
from django.db.models import Case, IntegerField, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# The dates a form accepts. Python's dates end at years 1 and 9999; a date typed near either
# end overflows when a day is added or a local time is converted to UTC (a 500, not an
# error message). Nothing Sori records lies outside these.
FIRST_DAY = date(1900, 1, 1)
LAST_DAY = date(9000, 12, 31)


def check_day(value: date | datetime) -> None:
    """A form validator: the date (or the time's date) lies between FIRST_DAY and LAST_DAY."""
    day = value.date() if isinstance(value, datetime) else value
    if not FIRST_DAY <= day <= LAST_DAY:
        raise ValidationError(
            _("Enter a date between %(first)s and %(last)s."),
            code="out_of_range",
            params={"first": FIRST_DAY.isoformat(), "last": LAST_DAY.isoformat()},
        )


def day_starts(first: date, last: date) -> list[datetime]:
    """The local midnight starting each day from ``first`` to ``last``, then the one after."""
    count = (last - first).days + 2
    return [
        timezone.make_aware(datetime.combine(first + timedelta(days=n), time.min))
        for n in range(count)
    ]


def day_number(field: str, starts: list[datetime]) -> Case:
    """0 for rows of the first day, 1 for the next...; rows must lie within ``starts``."""
    return Case(
        *[
            When(**{f"{field}__lt": end}, then=Value(number))
            for number, end in enumerate(starts[1:])
        ],
        output_field=IntegerField(),
    )
