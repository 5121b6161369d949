"""CSV that is safe to open in a spreadsheet, streamed so memory stays flat.

A cell that begins with ``=``, ``+``, ``-``, ``@``, a tab, a carriage return or a line
feed is read as a formula by Excel, LibreOffice and Google Sheets. As OWASP advises
("CSV Injection"), such a cell gets a leading apostrophe so it shows as text. The same
rule exists twice: in Python for the streaming pass, and in SQL for PostgreSQL's COPY,
and the tests check that both give the same bytes.

Control characters (C0 and C1, but tab and line feed) are removed from every cell
first: an export printed to a terminal must carry no escape sequence that moves the
cursor, retitles the window or hides lines, whatever an old row holds.
"""

import csv
import io
import re
from collections.abc import Iterable, Iterator, Sequence

from django.http import StreamingHttpResponse

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\n")
# C0 and C1 control characters but tab and line feed. PostgreSQL text cannot hold
# NUL, so its twin starts at \x01; both are written as regex escapes.
CONTROLS = r"[\x00-\x08\x0b-\x1f\x7f-\x9f]"
CONTROLS_SQL = r"[\x01-\x08\x0b-\x1f\x7f-\x9f]"
UTF8_BOM = "\ufeff"
_CONTROLS = re.compile(CONTROLS)


def neutralise(value) -> str:
    """One cell as text, inert in spreadsheets and terminals."""
    text = _CONTROLS.sub("", "" if value is None else str(value))
    if text.startswith(FORMULA_PREFIXES):
        return "'" + text
    return text


def neutralise_sql(expression: str) -> str:
    """The SQL (PostgreSQL) twin of ``neutralise`` for a text expression."""
    # Controls out first, then an apostrophe before a formula's first character (a
    # carriage return cannot be left to start one): each expression is evaluated once.
    text = f"regexp_replace(coalesce({expression}, ''), '{CONTROLS_SQL}', '', 'g')"
    return f"regexp_replace({text}, '^([-=+@\\t\\n])', '''\\1')"


def stream_csv(
    header: Sequence[str], rows: Iterable[Sequence], *, excel: bool = False, batch: int = 2000
) -> Iterator[str]:
    """Yield CSV text in batches of rows: a header, then every row neutralised.

    ``excel=True`` starts with a UTF-8 byte order mark so that Excel reads Hangul
    correctly when the file is opened by double-click.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    if excel:
        buffer.write(UTF8_BOM)
    writer.writerow([neutralise(h) for h in header])
    pending = 0
    for row in rows:
        writer.writerow([neutralise(value) for value in row])
        pending += 1
        if pending >= batch:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
            pending = 0
    yield buffer.getvalue()


def csv_response(
    filename: str, header: Sequence[str], rows: Iterable[Sequence], *, excel: bool = True
) -> StreamingHttpResponse:
    """A streamed CSV download that is never cached (BOM on by default for spreadsheets)."""
    response = StreamingHttpResponse(
        (chunk.encode("utf-8") for chunk in stream_csv(header, rows, excel=excel)),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response
