"""Signature exports: exact bytes on both engines, filters, the command, the audit log."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from accounts.models import AuditEntry
from petitions.staff.exports import ExportSpec, SignatureExport
from tests.staff.conftest import at, recount, sign

EXPORT = "/en/manage/petitions/free-them/export/"
CSV = "/en/manage/petitions/free-them/export/signatures.csv"
ALL_COLUMNS = [
    "signed_at",
    "confirmed_at",
    "status",
    "first_name",
    "last_name",
    "email",
    "display",
    "country",
    "postcode",
    "city",
    "comment",
    "source",
    "wants_updates",
    "review_reason",
    "ip_hash",
]


@pytest.fixture
def signatures(petition):
    rows = [
        sign(
            petition,
            "Ji-woo",
            "Kim",
            email="jiwoo@example.org",
            country="KR",
            city="서울",
            created_at=at(1, 9, 30),
            wants_updates=True,
            source="mail-1",
        ),
        sign(
            petition,
            '=HYPERLINK("http://x")',
            "@SUM(1+1)",
            email="mallory@example.net",
            country="GB",
            city="+44 London",
            postcode="-1",
            created_at=at(2, 10),
            comment='Say "no", then\nleave',
            display="full",
        ),
        sign(
            petition,
            "Tab",
            "\tStart",
            email="tab@example.org",
            country="KR",
            city="Busan",
            created_at=at(3, 11),
            status="pending",
            comment="\rCR first",
        ),
        sign(
            petition,
            "Held",
            "Back",
            email="held@example.org",
            country="US",
            created_at=at(4, 8),
            status="review",
            review_reason="rate_ip",
            ip_hash="a" * 32,
        ),
    ]
    recount()
    return rows


def body(response) -> bytes:
    return b"".join(response.streaming_content)


def test_manager_downloads_confirmed_signatures_as_exact_csv(client, bob, signatures):
    client.force_login(bob)

    response = client.get(CSV)

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="signatures-free-them-')
    assert (
        body(response)
        == (
            "signed_at,status,first_name,last_name,country,city\n"
            "2026-11-01T09:30:00Z,confirmed,Ji-woo,Kim,KR,서울\n"
            '2026-11-02T10:00:00Z,confirmed,"\'=HYPERLINK(""http://x"")",'
            "'@SUM(1+1),GB,'+44 London\n"
        ).encode()
    )


def test_every_column_every_status_with_hostile_cells(client, carol, signatures):
    client.force_login(carol)
    query = {"columns": ALL_COLUMNS, "status": ["confirmed", "pending", "review", "invalidated"]}

    response = client.get(CSV, query)

    lines = body(response).decode().split("\n")
    assert lines[0] == ",".join(ALL_COLUMNS)
    assert lines[1] == (
        "2026-11-01T09:30:00Z,2026-11-01T09:30:00Z,confirmed,Ji-woo,Kim,jiwoo@example.org,"
        "initials,KR,,서울,,mail-1,yes,,"
    )
    assert lines[2] == (
        '2026-11-02T10:00:00Z,2026-11-02T10:00:00Z,confirmed,"\'=HYPERLINK(""http://x"")",'
        '\'@SUM(1+1),mallory@example.net,full,GB,\'-1,\'+44 London,"Say ""no"", then'
    )
    assert lines[3] == 'leave",,no,,'
    assert lines[4] == (
        "2026-11-03T11:00:00Z,,pending,Tab,'\tStart,tab@example.org,initials,KR,,Busan,"
        "CR first,,no,,"
    )
    assert lines[5] == (
        "2026-11-04T08:00:00Z,,review,Held,Back,held@example.org,initials,US,,,,,no,rate_ip,"
        + "a" * 32
    )
    assert lines[6:] == [""]


def test_filters_by_date_country_and_updates(client, bob, signatures):
    client.force_login(bob)
    base = {"columns": ["first_name"], "status": ["confirmed", "pending"]}

    in_window = client.get(CSV, {**base, "signed_from": "2026-11-02", "signed_to": "2026-11-03"})
    korea = client.get(CSV, {**base, "country": "KR"})
    updates = client.get(CSV, {**base, "updates": "yes"})
    no_updates = client.get(CSV, {**base, "updates": "no"})

    assert body(in_window) == b'first_name\n"\'=HYPERLINK(""http://x"")"\nTab\n'
    assert body(korea) == b"first_name\nJi-woo\nTab\n"
    assert body(updates) == b"first_name\nJi-woo\n"
    assert body(no_updates) == b'first_name\n"\'=HYPERLINK(""http://x"")"\nTab\n'


def test_excel_option_starts_with_a_byte_order_mark(client, bob, signatures):
    client.force_login(bob)

    response = client.get(CSV, {"columns": ["city"], "status": ["confirmed"], "excel": "on"})

    assert body(response) == "\ufeffcity\n서울\n'+44 London\n".encode()


def test_impossible_dates_are_refused_with_a_message_and_nothing_logged(client, bob, signatures):
    client.force_login(bob)

    response = client.get(
        CSV,
        {
            "columns": ["city"],
            "status": ["confirmed"],
            "signed_from": "2026-11-05",
            "signed_to": "2026-11-01",
        },
    )

    assert response.status_code == 400
    assert (
        "The start date (5 Nov 2026) is after the end date (1 Nov 2026), so no signature "
        "could match." in response.content.decode()
    )
    assert not AuditEntry.objects.exists()


def test_a_date_that_does_not_exist_is_refused(client, bob, signatures):
    client.force_login(bob)

    response = client.get(
        CSV, {"columns": ["city"], "status": ["confirmed"], "signed_from": "2026-02-30"}
    )

    assert response.status_code == 400
    assert "Enter a valid date." in response.content.decode()


def test_managers_cannot_export_emails_staff_can(client, bob, carol, signatures):
    client.force_login(bob)
    refused = client.get(CSV, {"columns": ["email"], "status": ["confirmed"]})
    client.force_login(carol)
    allowed = client.get(CSV, {"columns": ["email"], "status": ["confirmed"]})

    assert refused.status_code == 400
    assert "Select a valid choice. email is not one of the available choices." in (
        refused.content.decode()
    )
    assert body(allowed) == b"email\njiwoo@example.org\nmallory@example.net\n"


def test_every_export_is_audited_with_filters_and_rows(client, bob, signatures):
    client.force_login(bob)

    client.get(CSV, {"columns": ["city", "first_name"], "status": ["confirmed"], "country": "KR"})

    entry = AuditEntry.objects.get()
    assert (entry.actor, entry.actor_email, entry.action, entry.subject, entry.rows) == (
        bob,
        "bob@example.org",
        "export.signatures.csv",
        "petition:free-them",
        1,
    )
    assert entry.filters == {
        "columns": "first_name,city",
        "status": "confirmed",
        "country": "KR",
        "via": "web",
    }


def test_export_page_offers_the_columns_the_user_may_choose(client, bob, signatures):
    client.force_login(bob)

    page = client.get(EXPORT).content.decode()

    assert 'value="first_name"' in page and 'value="email"' not in page
    assert 'action="/en/manage/petitions/free-them/export/signatures.csv"' in page


def test_command_writes_the_same_bytes_as_the_download(client, carol, signatures, tmp_path):
    client.force_login(carol)
    downloaded = body(
        client.get(CSV, {"columns": ALL_COLUMNS, "status": ["confirmed", "pending"], "excel": "on"})
    )
    out = tmp_path / "export.csv"

    call_command(
        "export_signatures",
        "free-them",
        "--as",
        "carol@example.org",
        "--status",
        "confirmed",
        "--status",
        "pending",
        "--columns",
        ",".join(ALL_COLUMNS),
        "--excel",
        "-o",
        str(out),
    )

    assert out.read_bytes() == downloaded
    command_entry = AuditEntry.objects.order_by("-pk").first()
    assert command_entry.filters["via"] == "command"
    assert command_entry.rows == 3


def test_command_refuses_people_who_may_not_export(mallory, signatures, tmp_path):
    with pytest.raises(
        CommandError, match=r"No petition 'free-them' that mallory@example\.org may export\."
    ):
        call_command("export_signatures", "free-them", "--as", "mallory@example.org")
    with pytest.raises(
        CommandError, match=r"nobody@example\.org is not an active manager or staff account\."
    ):
        call_command("export_signatures", "free-them", "--as", "nobody@example.org")
    assert not AuditEntry.objects.exists()


def test_command_refuses_impossible_dates(bob, signatures):
    with pytest.raises(CommandError, match=r"The start date \(5 Nov 2026\) is after the end date"):
        call_command(
            "export_signatures",
            "free-them",
            "--as",
            "bob@example.org",
            "--from",
            "2026-11-05",
            "--to",
            "2026-11-01",
        )


def test_command_writes_no_control_characters_to_the_terminal(carol, petition):
    sign(petition, "Ji\x1b]0;owned\x07woo", "Kim\x1b[2J\r", city="Busan\x9b", created_at=at(1))
    recount()
    out = io.StringIO()

    call_command("export_signatures", "free-them", "--as", "carol@example.org", stdout=out)

    assert out.getvalue() == (
        "signed_at,status,first_name,last_name,country,city\n"
        "2026-11-01T12:00:00Z,confirmed,Ji]0;ownedwoo,Kim[2J,GB,Busan\n"
    )


@pytest.mark.postgres
def test_copy_and_python_engines_give_identical_bytes(petition, signatures):
    if connection.vendor != "postgresql":
        pytest.skip("COPY is PostgreSQL's")
    sign(petition, "", "", city="", country="KR", created_at=at(5), comment=",")
    sign(petition, 'Quote"d', "\\.", city="a\rb", country="KR", created_at=at(6))
    specs = [
        ExportSpec(
            petition=petition,
            columns=tuple(ALL_COLUMNS),
            statuses=("confirmed", "pending", "review", "invalidated"),
            excel=True,
        ),
        ExportSpec(petition=petition, columns=("last_name",), statuses=("confirmed",)),
        ExportSpec(
            petition=petition,
            columns=("comment", "city"),
            statuses=("confirmed",),
            signed_from=at(2).date(),
            country="KR",
        ),
    ]

    for spec in specs:
        by_copy = b"".join(SignatureExport(spec, engine="copy").chunks())
        by_python = b"".join(SignatureExport(spec, engine="python").chunks())
        assert by_copy == by_python
    assert b'\n"\\."\n' in b"".join(SignatureExport(specs[1], engine="copy").chunks())


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_copy_reads_one_snapshot_on_its_own_connection(petition, bob):
    if connection.vendor != "postgresql":
        pytest.skip("COPY is PostgreSQL's")
    sign(petition, "First", created_at=at(1))
    spec = ExportSpec(petition=petition, columns=("first_name",))

    export = SignatureExport(spec)
    sign(petition, "Later", created_at=at(2))  # committed after the count
    exported = b"".join(export.chunks())

    assert export.rows == 1
    assert exported == b"first_name\nFirst\n"


@pytest.mark.parametrize(
    ("time_zone", "query"),
    [
        # The day after 9999-12-31, and Seoul's midnight of 0001-01-01 in UTC, do not exist.
        ("UTC", {"signed_to": "9999-12-31"}),
        ("Asia/Seoul", {"signed_from": "0001-01-01"}),
    ],
)
def test_a_date_at_the_end_of_the_calendar_is_refused_not_a_crash(
    client, bob, signatures, settings, time_zone, query
):
    settings.TIME_ZONE = time_zone
    client.force_login(bob)

    response = client.get(CSV, {"columns": ["city"], "status": ["confirmed"], **query})

    assert response.status_code == 400
    assert "Enter a date between 1900-01-01 and 9000-12-31." in response.content.decode()
    assert not AuditEntry.objects.exists()
