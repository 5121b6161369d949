"""CSV that is safe to open in a spreadsheet, streamed so memory stays flat.

A cell that begins with ``=``, ``+``, ``-``, ``@``, a tab, a carriage return or a line
feed is read as a formula by Excel, LibreOffice and Google Sheets. As OWASP advises
("CSV Injection"), such a cell gets a leading apostrophe so it shows as text. The same
rule exists twice: in Python for the streaming pass, and in SQL for PostgreSQL's COPY,
and the tests check that both give the same bytes.
"""

import csv
import io
from collections.abc import Iterable, Iterator, Sequence

from django.http import StreamingHttpResponse

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\n")
UTF8_BOM = "\ufeff"


def neutralise(value) -> str:
    """One cell as text, inert in spreadsheets."""
    text = "" if value is None else str(value)
    if text.startswith(FORMULA_PREFIXES):
        return "'" + text
    return text


def neutralise_sql(expression: str) -> str:
    """The SQL (PostgreSQL) twin of ``neutralise`` for a text expression."""
    return (
        f"CASE WHEN left(coalesce({expression}, ''), 1) IN "
        "('=', '+', '-', '@', E'\\t', E'\\r', E'\\n') "
        f"THEN '''' || {expression} ELSE coalesce({expression}, '') END"
    )


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
