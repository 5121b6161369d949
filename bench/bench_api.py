"""The API under load: deep pages of a big petition, and the record signature helper.

1. Paging. A petition with 1,000,000 confirmed signatures (``--signatures=N``; COPY on
   PostgreSQL, bulk_create on SQLite), read 100 at a time through
   ``/api/v1/petitions/<id>/signatures``: the first page, the last, the middle one (the
   deepest an offset can reach, since the second half is read from the end) and a
   middle page reached by the ``next`` link's cursor, each timed over ``--reads=N``
   sequential requests in alternation on a gunicorn server. Target: the last page
   within 1.5x of the first.
2. Throughput. ``record_signature_helper`` (a write token, one new person per
   request, signed and counted at once) against the site's own sign endpoint (the
   form, a new address per request), both through gunicorn with 4 workers, loaded by
   wrk in alternating rounds. Tasks run inline on both sides, so each request does
   all of its work. Target: the helper at 0.5x the sign endpoint or more.

Run with DATABASE_URL and REDIS_URL set for PostgreSQL (``bench.common`` picks SQLite
without REDIS_URL); the servers then run without Redis and with tasks inline.

Options: --signatures=N (default 1,000,000 on PostgreSQL, 100,000 on SQLite),
--reads=N (default 40), --seconds=N per side (default 20), --rounds=N (default 4),
--connections=N (default 16).
"""

import json
import statistics
import time
import urllib.request
from http.cookiejar import CookieJar

from . import common

PETITION = "bench-api"
WEB_PETITION = "bench-api-web"

SETUP = """
import os, json
from accounts import roles
from accounts.models import User
from django.contrib.auth.models import Group
from campaigns.models import Campaign
from petitions.models import Petition
from api.models import ApiToken
campaign, _ = Campaign.objects.get_or_create(
    slug="bench-api", defaults=dict(title_en="Benchmark", summary_en="Load test.", status="live")
)
ids = {}
for slug in (%(petition)r, %(web)r):
    petition, _ = Petition.objects.update_or_create(slug=slug, defaults=dict(
        campaign=campaign, title_en="Benchmark petition " + slug, summary_en="Load test.",
        status="open", requires_confirmation=False, goal=10_000_000))
    ids[slug] = petition.pk
user, _ = User.objects.get_or_create(email="bench-staff@example.org")
user.groups.add(Group.objects.get_or_create(name=roles.STAFF)[0])
token = ApiToken.issue(owner=user, name="bench", scope="write")[1]
print("RESULT " + json.dumps({"token": token, "ids": ids}))
"""

# Bulk rows: every concrete column from a model instance made the ordinary way, so that
# columns added later get their defaults; only the varying ones are set per row.
FILL = """
import io, time
from datetime import timedelta
from django.db import connection, transaction
from django.utils import timezone
from accounts.models import Supporter
from petitions.models import Petition, Signature
N = %(count)d
petition = Petition.objects.get(slug=%(petition)r)
start = timezone.now() - timedelta(seconds=N)
began = time.monotonic()

def columns(model, template, vary):
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    fixed = {f.column: f.get_db_prep_save(getattr(template, f.attname), connection) for f in fields}
    return [f.column for f in fields], fixed

supporter_cols, supporter_fixed = columns(Supporter, Supporter(
    email="x@bench.example", email_key="x@bench.example", first_name="Bench",
    last_name="Signer", country="GB", created_at=start, updated_at=start), None)
signature_cols, signature_fixed = columns(Signature, Signature(
    petition=petition, supporter_id=1, status="confirmed", first_name="Bench",
    last_name="Signer", country="GB", created_at=start, confirmed_at=start), None)

def rows(cols, fixed, vary, n):
    for i in range(n):
        changed = vary(i)
        yield tuple(changed.get(c, fixed[c]) for c in cols)

def moment(i):
    return start + timedelta(seconds=i)

if connection.vendor == "postgresql":
    with transaction.atomic(), connection.cursor() as cursor:
        copy_supporters = f"COPY accounts_supporter ({', '.join(supporter_cols)}) FROM STDIN"
        with cursor.copy(copy_supporters) as copy:
            for row in rows(supporter_cols, supporter_fixed, lambda i: {
                "email": f"b{i}@bench.example", "email_key": f"b{i}@bench.example",
                "created_at": moment(i), "updated_at": moment(i)}, N):
                copy.write_row(row)
        cursor.execute("SELECT id FROM accounts_supporter WHERE email LIKE %%s ORDER BY id",
                       ["%%@bench.example"])
        ids = [r[0] for r in cursor.fetchall()]
        copy_signatures = f"COPY petitions_signature ({', '.join(signature_cols)}) FROM STDIN"
        with cursor.copy(copy_signatures) as copy:
            for row in rows(signature_cols, signature_fixed, lambda i: {
                "supporter_id": ids[i], "created_at": moment(i), "confirmed_at": moment(i)}, N):
                copy.write_row(row)
        cursor.execute("ANALYZE accounts_supporter; ANALYZE petitions_signature")
else:
    batch = 10_000
    for first in range(0, N, batch):
        with transaction.atomic():
            people = Supporter.objects.bulk_create(
                [Supporter(email=f"b{i}@bench.example", email_key=f"b{i}@bench.example",
                           first_name="Bench", last_name="Signer", country="GB")
                 for i in range(first, min(first + batch, N))])
            Signature.objects.bulk_create(
                [Signature(petition=petition, supporter=s, status="confirmed", first_name="Bench",
                           last_name="Signer", country="GB", created_at=moment(first + k),
                           confirmed_at=moment(first + k)) for k, s in enumerate(people)])
Petition.objects.filter(pk=petition.pk).update(signature_count=N)
print("RESULT %%.1f" %% (time.monotonic() - began))
"""

CHECK = """
import json
from django.core.management import call_command
from petitions.models import Petition
from petitions.signatures import reconcile_counts
drifts = reconcile_counts(fix=False)
print("RESULT " + json.dumps({
    "drifts": [d.petition.slug for d in drifts],
    "api": Petition.objects.get(slug=%(petition)r).signature_count,
    "web": Petition.objects.get(slug=%(web)r).signature_count,
}))
"""

API_LUA = """
-- POST record_signature_helper, a distinct person per request; count answers by class.
local threads = {}
function setup(thread)
  thread:set("id", #threads + 1)
  table.insert(threads, thread)
end
function init(args)
  ok, status_4xx, status_5xx, sent = 0, 0, 0, 0
  path = os.getenv("API_PATH")
  prefix = os.getenv("API_PREFIX") or "bench"
  headers = {["Content-Type"] = "application/hal+json", ["OSDI-API-Token"] = os.getenv("API_TOKEN")}
end
function request()
  sent = sent + 1
  local body = string.format(
    '{"person": {"given_name": "Bench", "family_name": "Signer", "email_addresses": '
    .. '[{"address": "%s-%d-%d@example.org"}], "postal_addresses": [{"country": "KR"}]}}',
    prefix, id, sent)
  return wrk.format("POST", path, headers, body)
end
function response(status, response_headers, body)
  if status >= 500 then status_5xx = status_5xx + 1
  elseif status >= 400 then status_4xx = status_4xx + 1
  else ok = ok + 1 end
end
function done(summary, latency, requests)
  local total_ok, total_4xx, total_5xx = 0, 0, 0
  for _, thread in ipairs(threads) do
    total_ok = total_ok + thread:get("ok")
    total_4xx = total_4xx + thread:get("status_4xx")
    total_5xx = total_5xx + thread:get("status_5xx")
  end
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write
    + summary.errors.timeout
  local seconds = summary.duration / 1e6
  io.write(string.format(
    'JSON {"requests": %d, "seconds": %.3f, "rps": %.2f, "ok": %d, "ok_rps": %.2f, '
    .. '"status_4xx": %d, "status_5xx": %d, "p50_ms": %.2f, "p90_ms": %.2f, "p99_ms": %.2f, '
    .. '"non2xx": %d, "socket_errors": %d}\\n',
    summary.requests, seconds, summary.requests / seconds, total_ok, total_ok / seconds,
    total_4xx, total_5xx, latency:percentile(50) / 1000, latency:percentile(90) / 1000,
    latency:percentile(99) / 1000, summary.errors.status, errors))
end
"""


def _result(output: str) -> str:
    return next(line[7:] for line in output.splitlines() if line.startswith("RESULT "))


def _shell(env: dict[str, str], code: str) -> str:
    output = common.manage(env, "shell", "-c", code, capture_output=True, text=True)
    return _result(output.stdout)


def _get(url: str, token: str) -> tuple[float, dict]:
    request = urllib.request.Request(url, headers={"OSDI-API-Token": token})
    began = time.perf_counter()
    with urllib.request.urlopen(request, timeout=120) as response:
        body = json.loads(response.read())
    return (time.perf_counter() - began) * 1000, body


def _csrf(page: str) -> tuple[str, str]:
    """The sign form's CSRF token and cookie, as a browser would get them."""
    jar = CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    html = opener.open(page, timeout=30).read().decode()
    marker = 'name="csrfmiddlewaretoken" value="'
    token = html.split(marker, 1)[1].split('"', 1)[0]
    cookie = next(c.value for c in jar if c.name == "csrftoken")
    return token, cookie


def main(argv: list[str]) -> None:
    options = dict(a.lstrip("-").split("=", 1) for a in argv if "=" in a)
    env = common.bench_env(
        # Every request does its own work: tasks inline on both sides, and no shared
        # cache. (With Redis and inline tasks, one sign request drains every stored form
        # of every worker, and the drain runs on into the helper's rounds.)
        REDIS_URL="",
        CELERY_TASK_ALWAYS_EAGER="1",
        MAIL_BACKEND="console",
        API_RATE_LIMIT="0",
        PETITIONS_CHALLENGE="0",
        PETITIONS_RATE_IP_BURST="0",
        PETITIONS_RATE_IP_SUSTAINED="0",
        PETITIONS_RATE_PETITION_BURST="0",
        PETITIONS_RATE_PETITION_SUSTAINED="0",
        PETITIONS_MAIL_PER_CLIENT_PER_DAY="0",
    )
    postgres = common.is_postgres(env)
    count = int(options.get("signatures", 1_000_000 if postgres else 100_000))
    reads = int(options.get("reads", 40))
    seconds = int(options.get("seconds", 20))
    rounds = int(options.get("rounds", 4))
    connections = int(options.get("connections", 16))
    common.reset_database(env)
    setup = json.loads(_shell(env, SETUP % {"petition": PETITION, "web": WEB_PETITION}))
    token, petition_id = setup["token"], setup["ids"][PETITION]
    fill_seconds = float(_shell(env, FILL % {"count": count, "petition": PETITION}))
    db = "PostgreSQL" if postgres else "SQLite"
    print(f"  {count:,} signatures written in {fill_seconds:.0f}s ({db})", flush=True)

    with common.gunicorn(env) as base:
        listing = f"{base}/api/v1/petitions/{petition_id}/signatures?per_page=100"
        last = -(-count // 100)
        middle = last // 2
        _ms, before_middle = _get(f"{listing}&page={middle - 1}", token)
        cursor_url = before_middle["_links"]["next"]["href"]
        pages = {
            "first page (1)": f"{listing}&page=1",
            f"last page ({last:,})": f"{listing}&page={last}",
            f"middle page ({middle:,}), by number": f"{listing}&page={middle}",
            f"middle page ({middle:,}), by the next link's cursor": cursor_url,
        }
        timings: dict[str, list[float]] = {label: [] for label in pages}
        bodies = {}
        for _warm in range(3):
            for url in pages.values():
                _get(url, token)
        for _read in range(reads):
            for label, url in pages.items():
                elapsed, bodies[label] = _get(url, token)
                timings[label].append(elapsed)
        first_ms = statistics.median(timings["first page (1)"])
        rows = []
        for label, values in timings.items():
            body = bodies[label]
            rows.append(
                {
                    "page": label,
                    "records": len(body["_embedded"]["osdi:signatures"]),
                    "p50 ms": statistics.median(values),
                    "p90 ms": common.percentile(values, 90),
                    "vs first": statistics.median(values) / first_ms,
                }
            )
        common.table(
            f"Paging {count:,} signatures 100 at a time, gunicorn, {db}, {reads} reads each",
            rows,
        )
        same = (
            bodies[f"middle page ({middle:,}), by number"]["_embedded"]
            == bodies[f"middle page ({middle:,}), by the next link's cursor"]["_embedded"]
        )
        print(f"  The middle page by number and by cursor hold the same records: {same}")
        print("  Target: the last page within 1.5x of the first.")

    throughput(env, token, setup["ids"], seconds, rounds, connections)


def throughput(env, token: str, ids: dict, seconds: int, rounds: int, connections: int) -> None:
    script = common.VAR / "wrk_api_sign.lua"
    script.write_text(API_LUA)
    run = f"r{int(time.time())}"
    web_info: dict = {}
    api_info: dict = {}
    with (
        common.gunicorn(env, info=web_info) as web_base,
        common.gunicorn(env, info=api_info) as api_base,
    ):
        form, cookie = _csrf(f"{web_base}/petitions/{WEB_PETITION}/")
        for base in (web_base, api_base):
            common.wrk(f"{base}/healthz", seconds=1)
        sign_path = f"/petitions/{WEB_PETITION}/sign/"
        api_path = f"/api/v1/petitions/{ids[PETITION]}/signatures"
        targets = {
            "web sign endpoint": common.Target(
                f"{web_base}{sign_path}",
                web_info["pid"],
                common.ROOT / "bench" / "wrk_sign.lua",
                {
                    "SIGN_PATH": sign_path,
                    "SIGN_CSRF": form,
                    "SIGN_COOKIE": cookie,
                    "SIGN_PREFIX": run + "-web-{round}",
                },
            ),
            "record_signature_helper": common.Target(
                f"{api_base}{api_path}",
                api_info["pid"],
                script,
                {"API_PATH": api_path, "API_TOKEN": token, "API_PREFIX": run + "-api-{round}"},
            ),
        }
        results = common.alternate(targets, seconds=seconds, rounds=rounds, connections=connections)
    web, api = results["web sign endpoint"], results["record_signature_helper"]
    check = json.loads(_shell(env, CHECK % {"petition": PETITION, "web": WEB_PETITION}))
    rows = []
    for label, result in (("web sign endpoint (form)", web), ("record_signature_helper", api)):
        rows.append(
            {
                "endpoint": label,
                "ok/s": result["ok_rps"],
                "p50 ms": result["p50_ms"],
                "p99 ms": result["p99_ms"],
                "4xx": result["status_4xx"],
                "5xx": result["status_5xx"],
                "CPU ms/req": 1000 * result["cpu_s"] / result["requests"]
                if result["requests"]
                else 0.0,
            }
        )
    rows[1]["ratio"] = api["ok_rps"] / web["ok_rps"] if web["ok_rps"] else 0.0
    common.table(
        f"Signing, gunicorn 4 workers each, tasks inline, {seconds}s each in {rounds} "
        f"alternating rounds, {connections} connections",
        rows,
    )
    print(
        f"  Counts after the run: reconcile_counts finds drift in {check['drifts'] or 'none'}; "
        f"the helper's petition holds {check['api']:,}, the form's {check['web']:,}."
    )
    print("  Target: the helper at 0.5x the sign endpoint or more, with zero 5xx.")
