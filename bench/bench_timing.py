"""Does an answer's timing tell who has signed, or who has an account? Sori, same run.

gunicorn with one worker, production defaults (the petition requires confirmation;
challenge off, as the browser solves it before posting). 200 samples each, interleaved
(the order rotates every round), of: sign with a new address, sign with an address that
has signed already, POST /my-data/ for a known address and for an unknown one. Medians
and the two-sided Mann-Whitney U p-value of each pair are printed: a small p-value means
the two kinds of answer can be told apart by their timing.

Two modes, each on a fresh database: "eager" runs tasks inside the request (Sori
without REDIS_URL; the work a task does shows in the timing), "queued" hands them to a
broker as with REDIS_URL (Celery's in-memory transport stands in, so they never run:
the request's own work only). With REDIS_URL set the queued mode uses that broker.

One client sends every request, so the per-client limits that a real flood would meet
are lifted (client sign limit, mail per client, "my data" requests per client).

Options: --samples=N (default 200), --mode=eager|queued (default both).
The order of the four requests is shuffled every round (seeded, so runs compare).
"""

import http.cookiejar
import json
import random
import re
import statistics
import subprocess
import time
import urllib.parse
import urllib.request

from scipy.stats import mannwhitneyu

from . import common

PETITION = "bench-timing"
KINDS = ("sign new", "sign repeat", "my-data known", "my-data unknown")
WARMUP = 20

SETUP = """
from campaigns.models import Campaign
from petitions.signing import services
from petitions.models import Petition
campaign = Campaign.objects.get(slug="reform-the-national-security-law")
petition, _ = Petition.objects.update_or_create(slug={slug!r}, defaults=dict(
    campaign=campaign, title="Timing benchmark", summary="Timing.", status="open",
    requires_confirmation=True, goal=1_000_000))
for number in range({count}):
    services.sign_petition(petition=petition, signer=services.SignerDetails(
        email=f"signed{{number}}@bench.example", first_name="Signed", country="KR"))
print("RESULT " + str(petition.signatures.count()))
"""


def main(argv: list[str]) -> None:
    options = dict(a.lstrip("-").split("=", 1) for a in argv if "=" in a)
    samples = int(options.get("samples", 200))
    modes = [options["mode"]] if "mode" in options else ["eager", "queued"]
    for mode in modes:
        _run(mode, samples)
    print(
        "\n  p-value: two-sided Mann-Whitney U over the samples of a pair; below 0.01 the\n"
        "  two kinds of answer can be told apart by timing alone. Figures are printed,\n"
        "  never asserted."
    )


def _run(mode: str, samples: int) -> None:
    extra = {
        "PETITIONS_CHALLENGE": "0",
        "PETITIONS_RATE_IP_BURST": "0",
        "PETITIONS_RATE_IP_SUSTAINED": "0",
        "PETITIONS_MAIL_PER_CLIENT_PER_DAY": "0",
        "MY_DATA_REQUESTS_PER_CLIENT_PER_HOUR": "1000000",
        # Mail is written to files, as a mail server would take it: real work, no noise.
        "MAIL_BACKEND": "dev",
        "DEV_MAIL_DIR": str(common.VAR / "mail"),
    }
    env = common.bench_env(**extra)
    if mode == "queued":
        env["CELERY_TASK_ALWAYS_EAGER"] = "0"  # memory:// without REDIS_URL: never run
    else:
        env["CELERY_TASK_ALWAYS_EAGER"] = "1"
    common.reset_database(env)
    common.manage(env, "seed_demo", "--force", stdout=subprocess.DEVNULL)
    seeded = samples + WARMUP
    output = common.manage(
        env,
        "shell",
        "-c",
        SETUP.format(slug=PETITION, count=seeded),
        capture_output=True,
        text=True,
    ).stdout
    assert f"RESULT {seeded}" in output, output[-2000:]

    run = f"t{time.time_ns()}"
    statuses: dict[str, dict[int, int]] = {kind: {} for kind in KINDS}
    timings: dict[str, list[float]] = {kind: [] for kind in KINDS}
    with common.gunicorn(env, workers=1) as base:
        client = _Client(base, f"/en/petitions/{PETITION}/")
        random.seed(1)
        for number in range(WARMUP + samples):
            # A fresh random order each round: whatever a request leaves behind (a
            # write to flush, garbage to collect) falls on every kind alike.
            order = random.sample(KINDS, len(KINDS))
            for kind in order:
                path, data = _request(kind, number, run)
                elapsed, status = client.post(path, data)
                statuses[kind][status] = statuses[kind].get(status, 0) + 1
                if number >= WARMUP:
                    timings[kind].append(elapsed)

    rows = [
        {
            "request": kind,
            "median ms": statistics.median(timings[kind]),
            "p90 ms": common.percentile(timings[kind], 90),
            "samples": len(timings[kind]),
            "statuses": json.dumps(statuses[kind]),
        }
        for kind in KINDS
    ]
    db = "PostgreSQL" if common.is_postgres(env) else "SQLite"
    broker = "tasks inline"
    if mode == "queued":
        broker = (
            "tasks to Redis, not run" if env.get("REDIS_URL") else "tasks to memory://, not run"
        )
    common.table(f"Timing, mode {mode}, gunicorn 1 worker, {db}, {broker}", rows)
    for left, right in (("sign new", "sign repeat"), ("my-data known", "my-data unknown")):
        p = mannwhitneyu(timings[left], timings[right], alternative="two-sided").pvalue
        print(f"  {left} vs {right}: Mann-Whitney U p = {p:.3g}")


def _request(kind: str, number: int, run: str) -> tuple[str, dict]:
    sign = f"/en/petitions/{PETITION}/sign/"
    form = {
        "first_name": "Bench",
        "last_name": "Mark",
        "country": "KR",
        "display": "initials",
        "sensitive_consent": "on",
    }
    if kind == "sign new":
        return sign, {**form, "email": f"new-{run}-{number}@bench.example"}
    if kind == "sign repeat":
        return sign, {**form, "email": f"signed{number}@bench.example"}
    if kind == "my-data known":
        return "/en/my-data/", {"email": f"signed{number}@bench.example"}
    return "/en/my-data/", {"email": f"unknown-{run}-{number}@bench.example"}


class _Client:
    """A browser that opened the petition page once: its CSRF cookie and form token."""

    def __init__(self, base: str, page: str):
        self.base = base
        jar = http.cookiejar.CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        with opener.open(base + page, timeout=10) as response:
            html = response.read().decode()
        self.token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
        self.cookie = next(c.value for c in jar if c.name == "csrftoken")
        # Redirects are answers too: time the 302 itself, do not follow it.
        self.opener = urllib.request.build_opener(_NoRedirect)

    def post(self, path: str, data: dict) -> tuple[float, int]:
        body = urllib.parse.urlencode({**data, "csrfmiddlewaretoken": self.token}).encode()
        request = urllib.request.Request(
            self.base + path,
            data=body,
            headers={"Cookie": f"csrftoken={self.cookie}", "Referer": self.base + path},
        )
        start = time.perf_counter()
        try:
            with self.opener.open(request, timeout=30) as response:
                response.read()
                status = response.status
        except urllib.error.HTTPError as error:
            error.read()
            status = error.code
        return 1000 * (time.perf_counter() - start), status


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None
