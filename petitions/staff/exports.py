"""Signature lists as CSV: one definition, two engines, the same bytes.

The columns and filters are defined once (``COLUMNS``, ``ExportSpec``) and the rows are
chosen once, by a Django queryset. Then:

* on PostgreSQL the database writes the CSV itself: ``COPY (SELECT ...) TO STDOUT WITH
  (FORMAT csv)`` through psycopg's ``cursor.copy()``, each cell made formula-safe in SQL
  (``lib.exports.neutralise_sql``), relayed in 64 KiB pieces, so memory stays flat and
  Python touches bytes, not rows;
* elsewhere (SQLite) a streaming iterator formats the rows in Python
  (``lib.exports.neutralise``) with exactly the quoting rules PostgreSQL's CSV writer uses.

Both give byte-identical files (the tests compare them on PostgreSQL): UTF-8, an
optional byte order mark for Excel, a header of column names, rows ordered by time
signed, ``\\n`` line ends (COPY cannot write ``\\r\\n``; every spreadsheet reads either),
a cell quoted only when it holds a comma, a double quote, CR or LF. Times are UTC,
``2026-11-20T09:30:00Z``; yes/no for booleans; countries as ISO codes.

Every export is counted first and written to the audit log before the first byte
leaves. On PostgreSQL the count and the COPY run in one read-only REPEATABLE READ
transaction on a connection of their own, so the logged number of rows is exactly the
number exported even while people sign.
"""

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.services import record_audit
from lib.exports import UTF8_BOM, neutralise, neutralise_sql

from ..models import Petition, Signature

CHUNK_BYTES = 64 * 1024
NEEDS_QUOTES = frozenset(',"\r\n')


@dataclass(frozen=True)
class Column:
    key: str  # the header and the value in forms and on the command line
    label: object
    field: str  # the ORM path read for it
    kind: str = "text"  # text, time or yesno
    staff_only: bool = False


COLUMNS = (
    Column("signed_at", _("Signed (UTC)"), "created_at", "time"),
    Column("confirmed_at", _("Confirmed (UTC)"), "confirmed_at", "time"),
    Column("status", _("Status"), "status"),
    Column("first_name", _("First name"), "first_name"),
    Column("last_name", _("Last name"), "last_name"),
    Column("email", _("Email (staff only)"), "supporter__email", staff_only=True),
    Column("display", _("Name shown (full, initials, hidden)"), "display"),
    Column("country", _("Country"), "country"),
    Column("postcode", _("Postcode"), "postcode"),
    Column("city", _("Town or city"), "city"),
    Column("comment", _("Comment"), "comment"),
    Column("source", _("Source (?ref= code)"), "source"),
    Column("wants_updates", _("Wants updates"), "wants_updates", "yesno"),
    Column("review_reason", _("Reason held for review"), "review_reason"),
    Column("ip_hash", _("Address hash (staff only)"), "ip_hash", staff_only=True),
)
COLUMNS_BY_KEY = {column.key: column for column in COLUMNS}
DEFAULT_COLUMNS = ("signed_at", "status", "first_name", "last_name", "country", "city")


def columns_for(user) -> list[Column]:
    """The columns a user may choose: emails and address hashes are for staff only."""
    from accounts import roles

    staff = roles.is_staff_member(user)
    return [column for column in COLUMNS if staff or not column.staff_only]


@dataclass(frozen=True)
class ExportSpec:
    """What to export: one petition, chosen columns (in ``COLUMNS`` order), filters."""

    petition: Petition
    columns: tuple[str, ...] = DEFAULT_COLUMNS
    statuses: tuple[str, ...] = (Signature.Status.CONFIRMED,)
    signed_from: date | None = None
    signed_to: date | None = None
    country: str = ""
    wants_updates: bool | None = None
    excel: bool = False
    selected: tuple[Column, ...] = field(init=False)

    def __post_init__(self):
        chosen = set(self.columns)
        unknown = chosen - COLUMNS_BY_KEY.keys()
        if unknown:
            raise ValueError(f"Unknown column(s): {', '.join(sorted(unknown))}")
        if not chosen:
            raise ValueError("Choose at least one column.")
        selected = tuple(column for column in COLUMNS if column.key in chosen)
        object.__setattr__(self, "selected", selected)
        object.__setattr__(self, "columns", tuple(column.key for column in selected))

    def filters(self) -> dict:
        """The filters as the audit log records them."""
        recorded: dict = {
            "columns": ",".join(self.columns),
            "status": ",".join(self.statuses),
        }
        if self.signed_from:
            recorded["from"] = self.signed_from.isoformat()
        if self.signed_to:
            recorded["to"] = self.signed_to.isoformat()
        if self.country:
            recorded["country"] = self.country
        if self.wants_updates is not None:
            recorded["updates"] = "yes" if self.wants_updates else "no"
        if self.excel:
            recorded["excel"] = "yes"
        return recorded

    def queryset(self):
        """The signatures to export, in the order they are written."""
        rows = Signature.objects.filter(petition=self.petition, status__in=self.statuses)
        if self.signed_from:
            rows = rows.filter(created_at__gte=_start_of(self.signed_from))
        if self.signed_to:
            rows = rows.filter(created_at__lt=_start_of(self.signed_to + timedelta(days=1)))
        if self.country:
            rows = rows.filter(country=self.country)
        if self.wants_updates is not None:
            rows = rows.filter(wants_updates=self.wants_updates)
        return rows.order_by("created_at", "pk")

    def filename(self) -> str:
        return f"signatures-{self.petition.slug}-{timezone.now():%Y%m%d-%H%M}.csv"


def _start_of(day: date) -> datetime:
    """Midnight at the start of ``day`` in the site's time zone."""
    return timezone.make_aware(datetime.combine(day, time.min))


def header_line(spec: ExportSpec) -> str:
    return (UTF8_BOM if spec.excel else "") + csv_line(spec.columns)


def csv_line(cells) -> str:
    """One CSV line as PostgreSQL's COPY writes it (see the module docstring)."""
    out = []
    for cell in cells:
        if NEEDS_QUOTES.intersection(cell):
            cell = '"' + cell.replace('"', '""') + '"'
        out.append(cell)
    if len(out) == 1 and out[0] == "\\.":
        # COPY quotes a lone "\." (it would read as its end-of-data marker).
        out[0] = '"\\."'
    return ",".join(out) + "\n"


def _python_cell(kind: str, value) -> str:
    if value is None:
        return ""
    if kind == "time":
        return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    if kind == "yesno":
        return "yes" if value else "no"
    return neutralise(value)


def _sql_cell(kind: str, expression: str) -> str:
    if kind == "time":
        return f"""to_char({expression} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')"""
    if kind == "yesno":
        return f"CASE WHEN {expression} THEN 'yes' ELSE 'no' END"
    # NULLIF: COPY writes NULL as nothing but quotes an empty string; Python writes
    # nothing for both.
    return f"NULLIF({neutralise_sql(f'({expression})::text')}, '')"


def python_lines(spec: ExportSpec) -> Iterator[str]:
    """The data lines, formatted in Python (SQLite, and the PostgreSQL tests' reference)."""
    kinds = [column.kind for column in spec.selected]
    rows = spec.queryset().values_list(*(column.field for column in spec.selected))
    for row in rows.iterator(chunk_size=2000):
        yield csv_line([_python_cell(kind, value) for kind, value in zip(kinds, row, strict=True)])


def copy_sql(spec: ExportSpec, db_connection=None) -> tuple[str, list]:
    """``COPY (SELECT ...) TO STDOUT`` for PostgreSQL, over the queryset's own SQL.

    The queryset (filters, joins) is compiled by Django; the outer SELECT formats and
    neutralises each cell and orders the rows exactly as ``python_lines`` does.
    """
    fields = [column.field for column in spec.selected]
    inner = spec.queryset().order_by().values_list(*fields, "created_at", "pk")
    sql, params = inner.query.get_compiler(connection=db_connection or connection).as_sql()
    names = [f"c{index}" for index in range(len(fields))]
    cells = ", ".join(
        _sql_cell(column.kind, f"sub.{name}")
        for column, name in zip(spec.selected, names, strict=True)
    )
    aliases = ", ".join([*names, "ordered_at", "ordered_pk"])
    query = (
        f"COPY (SELECT {cells} FROM ({sql}) AS sub({aliases}) "  # noqa: S608 - column SQL is ours
        "ORDER BY sub.ordered_at, sub.ordered_pk) TO STDOUT WITH (FORMAT csv)"
    )
    return query, list(params)


class SignatureExport:
    """An export ready to stream: its row count is known, its bytes not yet read.

    Iterate it (or ``chunks()``) once. ``close()`` ends the read transaction: iterating
    to the end closes it, and a streaming response calls it when the download ends or
    the client goes away, even before the first byte.
    """

    def __init__(self, spec: ExportSpec, *, engine: str | None = None):
        self.spec = spec
        self.engine = engine or ("copy" if connection.vendor == "postgresql" else "python")
        self._own = None
        if self.engine == "copy" and not connection.in_atomic_block:
            # A connection of our own: the count and the COPY see one snapshot, and the
            # request's connection stays free for the audit entry (committed first).
            import psycopg

            own = psycopg.connect(**connection.get_connection_params())
            own.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
            own.read_only = True
            self._own = own
        try:
            self.rows = self._count()
        except BaseException:
            self.close()
            raise

    def _count(self) -> int:
        if self._own is None:
            return self.spec.queryset().count()
        sql, params = self.spec.queryset().order_by().values("pk").query.sql_with_params()
        with self._own.cursor() as cursor:
            cursor.execute(f"SELECT count(*) FROM ({sql}) AS counted", params)  # noqa: S608
            return cursor.fetchone()[0]

    def __iter__(self) -> Iterator[bytes]:
        return self.chunks()

    def chunks(self) -> Iterator[bytes]:
        try:
            yield header_line(self.spec).encode()
            if self.engine == "copy":
                yield from self._copy_chunks()
            else:
                yield from _batched(line.encode() for line in python_lines(self.spec))
        finally:
            self.close()

    def _copy_chunks(self) -> Iterator[bytes]:
        if self._own is not None:
            cursor = self._own.cursor()
        else:
            connection.ensure_connection()
            cursor = connection.connection.cursor()
        query, params = copy_sql(self.spec)
        buffer = bytearray()
        with cursor, cursor.copy(query, params) as copy:
            # libpq hands over one row at a time; pass on 64 KiB at a time.
            for data in copy:
                buffer += data
                if len(buffer) >= CHUNK_BYTES:
                    yield bytes(buffer)
                    buffer.clear()
        if buffer:
            yield bytes(buffer)

    def close(self) -> None:
        if self._own is not None:
            own, self._own = self._own, None
            own.rollback()
            own.close()


def _batched(pieces: Iterator[bytes]) -> Iterator[bytes]:
    buffer = bytearray()
    for piece in pieces:
        buffer += piece
        if len(buffer) >= CHUNK_BYTES:
            yield bytes(buffer)
            buffer.clear()
    if buffer:
        yield bytes(buffer)


def open_export(*, spec: ExportSpec, actor, via: str, engine: str | None = None):
    """Count the rows, write the audit entry, and return the export ready to stream.

    Side effects: one AuditEntry (``export.signatures.csv``: who, the petition, the
    filters and columns, ``via`` web or command, the number of rows), committed before
    any row is read out. On PostgreSQL a read-only connection stays open until the
    export is streamed or closed.
    """
    export = SignatureExport(spec, engine=engine)
    try:
        record_audit(
            actor=actor,
            action="export.signatures.csv",
            subject=f"petition:{spec.petition.slug}",
            filters={**spec.filters(), "via": via},
            rows=export.rows,
        )
    except BaseException:
        export.close()
        raise
    return export
