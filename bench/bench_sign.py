"""Signing under load: Sori's sign endpoint against a bare reference view, same run.

gunicorn with 4 workers (PostgreSQL when DATABASE_URL is set, else SQLite); wrk in a
second process POSTs the real form (CSRF token and cookie, a distinct address per
request, challenge and rate limits off) for 20 seconds. The reference does one form
validation, one INSERT and one F() update, with no middleware: the floor any sign
endpoint pays.

The headline is the path production runs with its defaults: the petition requires
email confirmation, and with REDIS_URL set every task goes to the broker and a Celery
worker (started here, on the same machine) signs the stored forms and sends the
confirmation mail while the load runs. After the load the benchmark waits for the
worker to finish, then checks that every acknowledged signature is a row and that the
stored count equals the counted rows. Without REDIS_URL tasks run inline (eager), as
in `make run`. `--no-confirmation` measures a petition that counts at once.

Both servers run at once and wrk alternates between them in short rounds, so that load
from elsewhere on a shared machine falls on both alike.

Options: --seconds=N per side (default 20), --rounds=N (default 4), --connections=N
(default 16).
"""

import collections
import contextlib
import http.cookiejar
import json
import os
import re
import subprocess
import threading
import time
import urllib.request

from . import common

PETITION = "bench-sign"
REFERENCE = "bench-reference"
SCRIPT = common.ROOT / "bench" / "wrk_sign.lua"

SETUP = f"""
import os
CONFIRM = os.environ["BENCH_CONFIRM"] == "1"
from campaigns.models import Campaign
from petitions.models import Petition
campaign = Campaign.objects.get(slug="reform-the-national-security-law")
for slug in ({PETITION!r}, {REFERENCE!r}):
    Petition.objects.update_or_create(slug=slug, defaults=dict(
        campaign=campaign, title="Benchmark petition " + slug, summary="Load test.",
        status="open", requires_confirmation=CONFIRM, goal=1_000_000))
"""

WAITING = """
from petitions.models import SignatureRequest
print("RESULT", SignatureRequest.objects.count())
"""

CHECK = f"""
import json
from accounts.models import Supporter
from petitions.models import Petition, SignatureRequest
petition = Petition.objects.get(slug={PETITION!r})
reference = Petition.objects.get(slug={REFERENCE!r})
print("RESULT " + json.dumps({{
    "count": petition.signature_count,
    "rows": petition.signatures.counted().count(),
    "all_rows": petition.signatures.count(),
    "waiting": SignatureRequest.objects.count(),
    "reference_count": reference.signature_count,
    "reference_rows": Supporter.objects.filter(email__contains="-ref-").count(),
}}))
"""


def main(argv: list[str]) -> None:
    options = dict(a.lstrip("-").split("=", 1) for a in argv if "=" in a)
    seconds = int(options.get("seconds", 20))
    connections = int(options.get("connections", 16))
    confirm = "no-confirmation" not in {a.lstrip("-") for a in argv}
    env = common.bench_env(
        BENCH_CONFIRM="1" if confirm else "0",
        MAIL_BACKEND="dev",
        DEV_MAIL_DIR=str(common.VAR / "mail"),
        PETITIONS_MAIL_PER_CLIENT_PER_DAY="0",
        PETITIONS_CHALLENGE="0",
        PETITIONS_RATE_IP_BURST="0",
        PETITIONS_RATE_IP_SUSTAINED="0",
        PETITIONS_RATE_PETITION_BURST="0",
        PETITIONS_RATE_PETITION_SUSTAINED="0",
    )
    common.reset_database(env)
    common.manage(env, "seed_demo", "--force", stdout=subprocess.DEVNULL)
    common.manage(env, "shell", "-c", SETUP, stdout=subprocess.DEVNULL)
    run = f"r{int(time.time())}"
    rounds = int(options.get("rounds", 4))
    path = f"/en/petitions/{PETITION}/sign/"

    # Both servers run side by side and wrk alternates between them in short rounds
    # (common.alternate): load from elsewhere on a shared machine falls on both alike.
    served: collections.Counter = collections.Counter()
    ref_info: dict = {}
    sori_info: dict = {}
    locks = {"samples": 0, "waiting": 0, "active": 0}
    queued = bool(env.get("REDIS_URL"))
    worker = common.celery_worker(env) if queued else contextlib.nullcontext()
    with (
        common.gunicorn(env, "bench.reference_wsgi:application", info=ref_info) as ref_base,
        common.gunicorn(env, statuses=served, info=sori_info) as sori_base,
        worker,
    ):
        token, cookie = _csrf(f"{sori_base}/en/petitions/{PETITION}/")
        for base in (ref_base, sori_base):
            common.wrk(f"{base}/healthz", seconds=1)  # every worker booted before measuring
        targets = {
            "reference": common.Target(
                f"{ref_base}/sign",
                ref_info["pid"],
                SCRIPT,
                {"SIGN_PATH": "/sign", "SIGN_PREFIX": run + "-ref-{round}"},
            ),
            "sori": common.Target(
                f"{sori_base}{path}",
                sori_info["pid"],
                SCRIPT,
                {
                    "SIGN_PATH": path,
                    "SIGN_CSRF": token,
                    "SIGN_COOKIE": cookie,
                    "SIGN_PREFIX": run + "-{round}",
                },
            ),
        }
        results = common.alternate(
            targets,
            seconds=seconds,
            rounds=rounds,
            connections=connections,
            around=lambda label: _lock_sampler(env, into=locks, enabled=label == "sori"),
        )
        backlog, drain_seconds = _wait_for_worker(env) if queued else (0, 0.0)
    reference, sori = results["reference"], results["sori"]
    output = common.manage(env, "shell", "-c", CHECK, capture_output=True, text=True).stdout
    check = json.loads(next(x[7:] for x in output.splitlines() if x.startswith("RESULT ")))

    rows = [
        {"endpoint": "reference: form + INSERT + F()", **_figures(reference)},
        {
            "endpoint": "Sori sign" + (" (confirmation)" if confirm else ""),
            **_figures(sori),
            "ratio": sori["ok_rps"] / reference["ok_rps"] if reference["ok_rps"] else 0.0,
            "CPU ratio": reference["cpu_ms"] / sori["cpu_ms"] if sori["cpu_ms"] else 0.0,
        },
    ]
    db = "PostgreSQL" if common.is_postgres(env) else "SQLite"
    tasks = "tasks queued to Redis, a Celery worker" if queued else "tasks inline (no REDIS_URL)"
    common.table(
        f"Signing, gunicorn 4 workers, {db}, {tasks}, {seconds}s each in {rounds} "
        f"alternating rounds, {connections} connections",
        rows,
    )
    server_5xx = sum(n for code, n in served.items() if code >= 500)
    acknowledged = sum(n for code, n in served.items() if code == 302)
    exact = check["count"] == check["rows"] and (confirm or check["rows"] == check["all_rows"])
    kept = check["all_rows"] == acknowledged and not check["waiting"]
    print(
        f"\n  Sori: count {check['count']:,}, confirmed rows {check['rows']:,}: "
        f"{'EXACT' if exact else 'DRIFT'}; acknowledged {acknowledged:,}, signature rows "
        f"{check['all_rows']:,}, forms still waiting {check['waiting']:,}: "
        f"{'ALL KEPT' if kept else 'MISSING'}; 5xx in gunicorn's log: {server_5xx}"
    )
    if queued:
        rate = backlog / drain_seconds if drain_seconds else 0.0
        print(
            f"  Worker: {backlog:,} stored forms waited when the load ended; the worker "
            f"({os.cpu_count()} processes) signed them, and queued and sent their "
            f"confirmation mail, in {drain_seconds:.1f}s: {rate:.0f} signatures/s with the "
            "web idle"
        )
    print(
        f"  Reference: count {check['reference_count']:,}, rows {check['reference_rows']:,}: "
        f"{'EXACT' if check['reference_count'] == check['reference_rows'] else 'DRIFT'}"
    )
    if locks["samples"]:
        print(
            f"  Hot-row check: {locks['samples']} samples of pg_stat_activity during the Sori "
            f"run; a backend was waiting on a row lock in {locks['waiting']} "
            f"({100 * locks['waiting'] / locks['samples']:.0f}%); mean busy backends "
            f"{locks['active'] / locks['samples']:.1f}"
        )
    print(
        "  CPU ratio: the reference's worker CPU per request over Sori's (the database's\n"
        "  CPU is not included); steadier than req/s when others share the machine."
    )
    # No peak RSS here: RUSAGE_CHILDREN would also hold every benchmark run before this
    # one in the same `make bench`.
    print("  Targets: ratio >= 0.5 with zero 5xx.")


def _waiting(env: dict[str, str]) -> int:
    output = common.manage(env, "shell", "-c", WAITING, capture_output=True, text=True)
    return int(next(x[7:] for x in output.stdout.splitlines() if x.startswith("RESULT ")))


def _wait_for_worker(env: dict[str, str], timeout: float = 600) -> tuple[int, float]:
    """Forms waiting when the load ended, and seconds until the worker had signed them."""
    started = time.monotonic()
    backlog = waiting = _waiting(env)
    while waiting and time.monotonic() - started < timeout:
        time.sleep(0.5)
        waiting = _waiting(env)
    return backlog, time.monotonic() - started


@contextlib.contextmanager
def _lock_sampler(env: dict[str, str], *, into: dict[str, int], enabled: bool = True):
    """Sample PostgreSQL's activity while the load runs: are signers queueing on a lock?

    A hot counter row shows up as backends waiting on a lock (wait_event_type 'Lock').
    The samples are added to ``into`` (samples, waiting, active). Figures only; SQLite
    has one writer at a time by design and is not sampled.
    """
    if not enabled or not common.is_postgres(env):
        yield into
        return
    stop = threading.Event()
    sql = (
        "SELECT count(*) FILTER (WHERE wait_event_type = 'Lock'), "
        "count(*) FILTER (WHERE state = 'active') - 1 "
        "FROM pg_stat_activity WHERE datname = current_database()"
    )

    def sample() -> None:
        while not stop.wait(0.2):
            result = subprocess.run(
                ["psql", env["DATABASE_URL"], "-tAc", sql], capture_output=True, text=True
            )
            waiting, active = (int(x) for x in result.stdout.strip().split("|"))
            into["samples"] += 1
            into["waiting"] += waiting > 0
            into["active"] += active

    thread = threading.Thread(target=sample, daemon=True)
    thread.start()
    try:
        yield into
    finally:
        stop.set()
        thread.join()


def _csrf(url: str) -> tuple[str, str]:
    """Open the petition page once, as a browser would: the form token and its cookie."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    with opener.open(url, timeout=10) as response:
        html = response.read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    cookie = next(c.value for c in jar if c.name == "csrftoken")
    return token, cookie


def _figures(result: dict) -> dict:
    result["cpu_ms"] = 1000 * result["cpu_s"] / result["requests"] if result["requests"] else 0
    return {
        "signed/s": result["ok_rps"],
        "p50 ms": result["p50_ms"],
        "p99 ms": result["p99_ms"],
        "ok": result["ok"],
        "4xx": result["status_4xx"],
        "5xx": result["status_5xx"],
        "socket errors": result["socket_errors"],
        "worker CPU ms/req": result["cpu_ms"],
    }
