"""``apply_retention`` on a million signatures: time and peak memory.

* Seeds N signatures (1,000,000 by default, ``--rows=N``) of one petition delivered 200
  days ago, in SQL (``generate_series`` on PostgreSQL when ``DATABASE_URL`` is given, a
  recursive CTE on SQLite otherwise), each with its own supporter, name, town, comment,
  postcode and address hash.
* Reference: one UPDATE of the same columns over every row, rolled back: the least work
  the database can do for it.
* ``apply_retention`` (the command, called in a process of its own): seconds, rows/s
  and the process's peak RSS (ru_maxrss, Django loaded), then a check that no
  signature names its supporter any more and the count is unchanged.

Target: peak RSS under 300 MB (the step works in batches of ``petitions.retention.BATCH``
rows, so memory does not grow with the petition).
"""

import json
import os
import resource
import subprocess
import sys
import time

from . import common


def main(argv: list[str]) -> None:
    env = common.bench_env()
    rows = 1_000_000
    for arg in argv:
        if arg.startswith("--rows="):
            rows = int(arg.split("=", 1)[1])
    common.reset_database(env)
    started = time.perf_counter()
    _worker(env, "seed", str(rows))
    seeded = time.perf_counter() - started
    reference = _worker(env, "reference")
    applied = _worker(env, "apply")
    seconds, peak = applied["seconds"], applied["rss_mb"]
    check = _worker(env, "check")
    database = "PostgreSQL" if common.is_postgres(env) else "SQLite"
    print(f"{rows:,} signatures on {database}, seeded in {seeded:.1f} s")
    print(applied["output"].rstrip())
    common.table(
        "apply_retention",
        [
            {
                "case": "reference: one UPDATE of the same columns (rolled back)",
                "seconds": reference["seconds"],
                "rows/s": rows / reference["seconds"],
                "vs reference": 1.0,
                "peak RSS MB": "",
            },
            {
                "case": "apply_retention (the command)",
                "seconds": seconds,
                "rows/s": rows / seconds,
                "vs reference": seconds / reference["seconds"],
                "peak RSS MB": peak,
            },
        ],
    )
    print(
        f"\nafter: {check['named']} signatures still name a supporter; count "
        f"{check['count']:,} (was {rows:,}); reconcile_counts: {check['drift']} drift"
    )
    print(f"target: peak RSS < 300 MB: {'met' if peak < 300 else 'MISSED'}")


def _worker(env: dict[str, str], *args: str) -> dict:
    result = subprocess.run(
        [common.PYTHON, "-m", "bench.bench_retention", "worker", *args],
        env=env,
        cwd=common.ROOT,
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        raise SystemExit(f"bench worker {args} failed:\n{result.stderr[-4000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


# Worker side: runs inside Django --------------------------------------------------------


def work_seed(count: str) -> dict:
    from datetime import timedelta

    from django.db import connection, transaction
    from django.utils import timezone

    from campaigns.models import Campaign
    from petitions.models import Petition, Signature
    from petitions.signatures import reconcile_counts

    n = int(count)
    campaign = Campaign.objects.create(slug="bench", title="Bench", summary="Bench", status="live")
    ended = timezone.now() - timedelta(days=200)
    petition = Petition.objects.create(
        campaign=campaign,
        slug="bench-petition",
        title="Free them now",
        summary="Bench",
        status="delivered",
        closed_at=ended,
        delivered_at=ended,
    )
    # Integers only are put into the SQL (no parameters, so % needs no escaping).
    if connection.vendor == "postgresql":
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
    country = "CASE WHEN n % 5 = 0 THEN 'GB' WHEN n % 7 = 0 THEN 'US' ELSE 'KR' END"
    region = "CASE WHEN s.country = 'KR' THEN '11' ELSE '' END"
    has_region = any(field.name == "region" for field in Signature._meta.fields)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO accounts_supporter (email, email_key, first_name, last_name, country, "
            "postcode, city, language, created_at, updated_at) "
            f"SELECT 'bench' || n || '@example.org', 'bench' || n || '@example.org', 'Ji-woo', "
            f"'Kim', {country}, '', 'Busan', 'en', {now}, {now} FROM {series}"
        )
        cursor.execute(
            "INSERT INTO petitions_signature (petition_id, supporter_id, status, review_reason, "
            "first_name, last_name, display, comment, country, postcode, city, source, "
            f"wants_updates, ip_hash, {'region, ' if has_region else ''}created_at, "
            "confirmed_at) "
            f"SELECT {int(petition.pk)}, s.id, 'confirmed', '', 'Ji-woo', 'Kim', 'full', "
            "'Because it matters', s.country, '04524', 'Busan', 'newsletter', s.id % 3 = 0, "
            f"'0123456789abcdef', {region + ', ' if has_region else ''}{when}, {when} "
            "FROM accounts_supporter s"
        )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    reconcile_counts(fix=True)
    return {"rows": n}


def work_reference() -> dict:
    from django.db import connection, transaction

    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE petitions_signature SET supporter_id = NULL, first_name = '', "
            "last_name = '', display = 'hidden', comment = '', postcode = '', city = '', "
            "ip_hash = '', repeat_mailed_at = NULL WHERE supporter_id IS NOT NULL"
        )
        seconds = time.perf_counter() - started
        transaction.set_rollback(True)
    return {"seconds": seconds}


def work_apply() -> dict:
    import io

    from django.core.management import call_command

    out = io.StringIO()
    started = time.perf_counter()
    call_command("apply_retention", stdout=out)
    seconds = time.perf_counter() - started
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"seconds": seconds, "rss_mb": rss, "output": out.getvalue()}


def work_check() -> dict:
    from petitions.models import Petition, Signature
    from petitions.signatures import reconcile_counts

    petition = Petition.objects.get(slug="bench-petition")
    return {
        "named": Signature.objects.filter(supporter__isnull=False).count(),
        "count": petition.signature_count,
        "drift": len(reconcile_counts(fix=False)),
    }


WORK = {
    "seed": work_seed,
    "reference": work_reference,
    "apply": work_apply,
    "check": work_check,
}


if __name__ == "__main__" and sys.argv[1:2] == ["worker"]:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    print(json.dumps(WORK[sys.argv[2]](*sys.argv[3:])))
