"""Signature exports and delivery packs against their physical references, in one run.

* Seeds N signatures in SQL (``generate_series`` on PostgreSQL, a recursive CTE on
  SQLite): 1,000,000 by default on PostgreSQL, 100,000 on SQLite (``--rows=N``). Some
  names are Korean, some hostile (``=HYPERLINK(...)``, ``@SUM(...)``), as in real lists.
* Reference (PostgreSQL): ``psql \\copy`` of the same columns, straight from the tables
  to a file: the least work the database can do for that data.
* The HTTP export through gunicorn (one worker, streamed to the client and hashed as it
  arrives) and the ``export_signatures`` command (its own process), with rows/s, peak
  RSS (the gunicorn worker's VmHWM; the command's ru_maxrss) and the ratio to \\copy;
  both must give the same bytes.
* Delivery packs: the first 5,000 rows as one naive WeasyPrint table (the reference)
  and as a pack (``write_pack``), each in its own process; then a 100,000-row pack
  (``--pack-rows=N``) in a process of its own, for its peak RSS.

Targets: HTTP export <= 2.5x \\copy with peak RSS <= 150 MB; pack >= 10x the naive
table's rows/s; a 100,000-row pack under 500 MB.
"""

import hashlib
import json
import os
import resource
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from . import common

COLUMNS = "signed_at,confirmed_at,status,first_name,last_name,email,country,city,wants_updates"
REFERENCE_SQL = (
    "SELECT s.created_at, s.confirmed_at, s.status, p.first_name, p.last_name, p.email, "
    "s.country, s.city, s.wants_updates FROM petitions_signature s "
    "JOIN accounts_supporter p ON p.id = s.supporter_id "
    "WHERE s.status = 'confirmed' ORDER BY s.created_at, s.id"
)
NAIVE_ROWS = 5000


def main(argv: list[str]) -> None:
    env = common.bench_env(PRIVATE_FILES_DIR=str(common.VAR / "private"))
    postgres = common.is_postgres(env)
    rows = 1_000_000 if postgres else 100_000
    pack_rows = 100_000
    for arg in argv:
        if arg.startswith("--rows="):
            rows = int(arg.split("=", 1)[1])
        if arg.startswith("--pack-rows="):
            pack_rows = int(arg.split("=", 1)[1])
    common.reset_database(env)
    seeded = _worker(env, "seed", str(rows))
    out = common.VAR / "exports"
    out.mkdir(parents=True, exist_ok=True)
    figures = []

    if postgres:
        target = out / "reference.csv"
        started = time.perf_counter()
        subprocess.run(
            [
                "psql",
                env["DATABASE_URL"],
                "-qc",
                f"\\copy ({REFERENCE_SQL}) TO '{target}' WITH (FORMAT csv)",
            ],
            check=True,
        )
        reference = time.perf_counter() - started
        figures.append(
            _row(
                "reference: psql \\copy, same columns",
                rows,
                reference,
                None,
                reference,
                target.stat().st_size,
            )
        )
    else:
        reference = None

    query = "&".join(f"columns={c}" for c in COLUMNS.split(",")) + "&status=confirmed"
    info: dict = {}
    with common.gunicorn(env, workers=1, info=info) as base:
        url = f"{base}/en/manage/petitions/{seeded['slug']}/export/signatures.csv?{query}"
        request = urllib.request.Request(url, headers={"Cookie": f"sessionid={seeded['session']}"})
        digest, size = hashlib.sha256(), 0
        started = time.perf_counter()
        with urllib.request.urlopen(request, timeout=600) as response:
            while chunk := response.read(1 << 16):
                digest.update(chunk)
                size += len(chunk)
        http_seconds = time.perf_counter() - started
        worker_rss = _workers_peak_rss(info["pid"])
    http_hash = digest.hexdigest()
    figures.append(
        _row("HTTP export (gunicorn, streamed)", rows, http_seconds, worker_rss, reference, size)
    )

    command = _worker(env, "command", seeded["slug"], str(out / "command.csv"))
    command_hash = hashlib.sha256((out / "command.csv").read_bytes()).hexdigest()
    figures.append(
        _row(
            "export_signatures command",
            rows,
            command["seconds"],
            command["rss_mb"],
            reference,
            command["bytes"],
        )
    )
    db = "PostgreSQL (COPY)" if postgres else "SQLite (Python stream)"
    common.table(f"Signature export, {rows:,} confirmed signatures, {db}", figures)
    print(f"  HTTP and command bytes identical: {'yes' if http_hash == command_hash else 'NO'}")
    print("  targets: HTTP <= 2.5x \\copy, peak RSS <= 150 MB")

    naive = _worker(env, "naive", str(NAIVE_ROWS))
    pack = _worker(env, "pack", str(NAIVE_ROWS))
    big = _worker(env, "pack", str(min(pack_rows, rows)))
    common.table(
        "Delivery pack",
        [
            {
                "case": f"reference: one WeasyPrint table, {NAIVE_ROWS:,} rows",
                "rows/s": naive["rows_per_s"],
                "seconds": naive["seconds"],
                "pages": naive["pages"],
                "peak RSS MB": naive["rss_mb"],
                "x naive": 1.0,
            },
            {
                "case": f"delivery pack, {NAIVE_ROWS:,} rows",
                "rows/s": pack["rows_per_s"],
                "seconds": pack["seconds"],
                "pages": pack["pages"],
                "peak RSS MB": pack["rss_mb"],
                "x naive": pack["rows_per_s"] / naive["rows_per_s"],
            },
            {
                "case": f"delivery pack, {big['rows']:,} rows",
                "rows/s": big["rows_per_s"],
                "seconds": big["seconds"],
                "pages": big["pages"],
                "peak RSS MB": big["rss_mb"],
                "x naive": big["rows_per_s"] / naive["rows_per_s"],
            },
        ],
    )
    print(f"  targets: pack >= 10x naive rows/s; {pack_rows:,}-row pack < 500 MB peak RSS")


def _row(case, rows, seconds, rss, reference, size) -> dict:
    return {
        "case": case,
        "rows/s": rows / seconds,
        "seconds": seconds,
        "x \\copy time": seconds / reference if reference else "",
        "peak RSS MB": rss if rss is not None else "",
        "MB written": size / 1e6,
    }


def _workers_peak_rss(master_pid: int) -> float:
    peak = 0.0
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            text = status.read_text()
        except OSError:
            continue
        fields = dict(line.split(":", 1) for line in text.splitlines() if ":" in line)
        if fields.get("PPid", "").strip() == str(master_pid):
            peak = max(peak, int(fields.get("VmHWM", "0 kB").split()[0]) / 1024)
    return peak


def _worker(env: dict[str, str], *args: str) -> dict:
    result = subprocess.run(
        [common.PYTHON, "-m", "bench.bench_exports", "worker", *args],
        env=env,
        cwd=common.ROOT,
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        raise SystemExit(f"bench worker {args} failed:\n{result.stderr[-4000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


# Worker side: runs inside Django --------------------------------------------------------


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def work_seed(count: str) -> dict:
    """A campaign, a petition, a staff user with MFA and a session; ``count`` signatures."""
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.auth.models import Group
    from django.contrib.sessions.backends.db import SessionStore
    from django.db import connection, transaction

    from accounts import roles
    from accounts.models import User
    from campaigns.models import Campaign
    from petitions.models import Petition
    from petitions.signatures import reconcile_counts

    n = int(count)
    user = User.objects.create_user("bench-staff@example.org", "bench-password-1")
    user.groups.add(Group.objects.get_or_create(name=roles.STAFF)[0])
    TOTP.activate(user, generate_totp_secret())
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    campaign = Campaign.objects.create(slug="bench", title="Bench", summary="Bench", status="live")
    petition = Petition.objects.create(
        campaign=campaign,
        slug="bench-petition",
        title="Free them now",
        summary="Bench",
        status="open",
    )
    postgres = connection.vendor == "postgresql"
    # Integers only are put into the SQL (no parameters, so % needs no escaping).
    if postgres:
        series = f"generate_series(1, {n}) AS g(n)"
        when = "TIMESTAMPTZ '2026-01-01 00:00:00+00' + s.id * INTERVAL '1 second'"
        now = "now()"
    else:
        series = (
            f"(WITH RECURSIVE g(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM g WHERE n < {n}) "
            "SELECT n FROM g) AS g"
        )
        when = "strftime('%Y-%m-%d %H:%M:%f', '2026-01-01 00:00:00', '+' || s.id || ' seconds')"
        now = "strftime('%Y-%m-%d %H:%M:%f', 'now')"
    first = (
        "CASE WHEN n % 97 = 0 THEN '=HYPERLINK(\"http://x\")' WHEN n % 89 = 0 THEN '@SUM(1+1)' "
        "WHEN n % 3 = 0 THEN '지우' ELSE 'Ji-woo' END"
    )
    last = "CASE WHEN n % 3 = 0 THEN '김' ELSE 'Kim' END"
    city = (
        "CASE WHEN n % 4 = 0 THEN '서울' WHEN n % 4 = 1 THEN 'Busan' "
        "WHEN n % 4 = 2 THEN 'London' ELSE '' END"
    )
    country = "CASE WHEN n % 5 = 0 THEN 'GB' WHEN n % 7 = 0 THEN 'US' ELSE 'KR' END"
    display = (
        "CASE WHEN s.id % 10 = 0 THEN 'hidden' WHEN s.id % 2 = 0 THEN 'full' ELSE 'initials' END"
    )
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO accounts_supporter (email, email_key, first_name, last_name, country, "
            "postcode, city, language, created_at, updated_at) "
            f"SELECT 'bench' || n || '@example.org', 'bench' || n || '@example.org', {first}, "
            f"{last}, {country}, '', {city}, 'en', {now}, {now} FROM {series}"
        )
        cursor.execute(
            "INSERT INTO petitions_signature (petition_id, supporter_id, status, review_reason, "
            "display, comment, country, postcode, city, source, wants_updates, ip_hash, "
            "created_at, confirmed_at) "
            f"SELECT {int(petition.pk)}, s.id, 'confirmed', '', {display}, '', s.country, '', "
            f"s.city, '', s.id % 3 = 0, '', {when}, {when} FROM accounts_supporter s"
        )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    reconcile_counts(fix=True)
    return {"slug": petition.slug, "session": session.session_key, "email": user.email}


def work_command(slug: str, target: str) -> dict:
    from django.core.management import call_command

    started = time.perf_counter()
    call_command(
        "export_signatures",
        slug,
        "--as",
        "bench-staff@example.org",
        "--columns",
        COLUMNS,
        "-o",
        target,
        stderr=open(os.devnull, "w"),  # noqa: SIM115
    )
    seconds = time.perf_counter() - started
    return {"seconds": seconds, "rss_mb": _rss_mb(), "bytes": Path(target).stat().st_size}


def _rows(count: int):
    from petitions.models import Petition
    from petitions.staff.delivery import pack_signatures

    petition = Petition.objects.get(slug="bench-petition")
    return petition, pack_signatures(petition)[:count]


def work_naive(count: str) -> dict:
    """The reference: the same rows as one HTML table, laid out by WeasyPrint at once."""
    from django.utils.html import escape
    from pypdf import PdfReader

    from lib.pdf import STATIC_BASE, render_pdf
    from petitions.staff.delivery import listed_row

    _petition, rows = _rows(int(count))
    rows = list(rows)
    from lib.pdf import font_configuration

    font_configuration()  # fonts loaded before timing, as in a warm worker
    started = time.perf_counter()
    cells = []
    for number, (display, first, last, city, country, created_at) in enumerate(rows, start=1):
        name, city, country = listed_row(display, first, last, city, country)
        cells.append(
            f"<tr><td>{number}</td><td>{escape(name) or 'Name withheld'}</td>"
            f"<td>{escape(city)}</td>"
            f"<td>{escape(country)}</td><td>{created_at.date().isoformat()}</td></tr>"
        )
    html = (
        f'<html><head><link rel="stylesheet" href="{STATIC_BASE}pdf/fonts.css"><style>'
        "@page{size:A4;margin:15mm} html{font-family:'Sori Serif','Sori Korean';font-size:9pt}"
        "table{width:100%;border-collapse:collapse} td{border-bottom:0.3pt solid #ccc}"
        f"</style></head><body><table>{''.join(cells)}</table></body></html>"
    )
    pdf = render_pdf(html)
    seconds = time.perf_counter() - started
    pages = len(PdfReader(__import__("io").BytesIO(pdf)).pages)
    return {
        "rows_per_s": len(rows) / seconds,
        "seconds": seconds,
        "pages": pages,
        "rss_mb": _rss_mb(),
    }


def work_pack(count: str) -> dict:
    from petitions.staff.delivery import pack_fonts, write_pack

    petition, rows = _rows(int(count))
    pack_fonts()  # fonts read before timing, as in a warm worker
    folder = common.VAR / "exports"
    started = time.perf_counter()
    with (folder / "pack.pdf").open("wb") as pdf, (folder / "pack.csv").open("wb") as csv_out:
        result = write_pack(
            petition=petition,
            language="en",
            cover_letter="",
            pdf_out=pdf,
            csv_out=csv_out,
            rows=rows.iterator(chunk_size=2000),
        )
    seconds = time.perf_counter() - started
    return {
        "rows": result.total,
        "rows_per_s": result.total / seconds,
        "seconds": seconds,
        "pages": result.pages,
        "rss_mb": _rss_mb(),
    }


WORK = {"seed": work_seed, "command": work_command, "naive": work_naive, "pack": work_pack}


if __name__ == "__main__" and sys.argv[1:2] == ["worker"]:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    print(json.dumps(WORK[sys.argv[2]](*sys.argv[3:])))
