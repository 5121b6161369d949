"""OSDI's ``filter`` query: ``modified_date gt '2026-01-01T00:00:00Z' and ...``.

Fields are ``created_date``, ``modified_date`` and ``identifier`` on every collection
(``email_address`` on people, for tokens that may see addresses); operators are
``eq``, ``gt``, ``ge``, ``lt`` and ``le``, joined by ``and``. Anything else is a
``FilterError``, which the API answers with 400.
"""

import re
from dataclasses import dataclass
from datetime import UTC, datetime, time

from django.utils.dateparse import parse_date, parse_datetime

OPERATORS = {"eq": "exact", "gt": "gt", "ge": "gte", "lt": "lt", "le": "lte"}
DATE_FIELDS = ("created_date", "modified_date")

_CLAUSE = re.compile(
    r"\s*(?P<field>[A-Za-z_]+)\s+(?P<op>[A-Za-z]+)\s+"
    r"(?:'(?P<single>(?:[^']|'')*)'|\"(?P<double>[^\"]*)\"|(?P<bare>[^\s'\"]+))\s*"
)
_AND = re.compile(r"and\b", re.IGNORECASE)


class FilterError(ValueError):
    pass


@dataclass(frozen=True)
class Condition:
    field: str
    operator: str  # eq, gt, ge, lt, le
    value: object  # an aware datetime for dates, else a string


def _date(text: str) -> datetime:
    moment = None
    try:
        moment = parse_datetime(text)
        if moment is None:
            day = parse_date(text)
            moment = datetime.combine(day, time.min) if day else None
    except ValueError:
        moment = None
    if moment is None:
        raise FilterError(f"{text!r} is not a date; write it as '2026-01-01T00:00:00Z'.")
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment


def parse(text: str, *, fields: tuple[str, ...]) -> list[Condition]:
    """The conditions of a filter, or FilterError saying what is wrong."""
    conditions = []
    position = 0
    text = text.strip()
    if not text:
        raise FilterError("The filter is empty.")
    while True:
        match = _CLAUSE.match(text, position)
        if match is None:
            raise FilterError(f"Cannot read the filter at {text[position:][:40]!r}.")
        field, operator = match["field"], match["op"].lower()
        if field not in fields:
            raise FilterError(f"Cannot filter on {field!r}; use one of {', '.join(fields)}.")
        if operator not in OPERATORS:
            raise FilterError(f"Unknown operator {operator!r}; use eq, gt, ge, lt or le.")
        if match["single"] is not None:
            raw = match["single"].replace("''", "'")
        elif match["double"] is not None:
            raw = match["double"]
        else:
            raw = match["bare"]
        if field in DATE_FIELDS:
            value: object = _date(raw)
        else:
            if operator != "eq":
                raise FilterError(f"{field} can only be compared with eq.")
            value = raw
        conditions.append(Condition(field, operator, value))
        position = match.end()
        if position >= len(text):
            return conditions
        joined = _AND.match(text, position)
        if joined is None:
            raise FilterError(f"Expected 'and' at {text[position:][:40]!r}.")
        position = joined.end()


_COMPARE = {
    "eq": lambda a, b: a == b,
    "gt": lambda a, b: a > b,
    "ge": lambda a, b: a >= b,
    "lt": lambda a, b: a < b,
    "le": lambda a, b: a <= b,
}


def compare(osdi_date: str | None, condition: Condition) -> bool:
    """Whether a date as the API shows it meets a date condition (for lists kept in Python)."""
    return osdi_date is not None and _COMPARE[condition.operator](_date(osdi_date), condition.value)
