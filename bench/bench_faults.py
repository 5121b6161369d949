"""Bad days in figures: the cluster test's faults, measured against its normal phase.

Runs the scenario of ``bench/cluster_test.py`` (``make cluster-test``) on a cluster of its
own (``bench/cluster.py``: nginx, two gunicorn nodes, a Celery worker with beat, its own
PostgreSQL and Redis, an SMTP sink): signers and readers through nginx while one app
node is killed, Redis is stopped for N seconds, PostgreSQL is stopped for N seconds and
the worker is killed in the middle of a delivery pack. Prints what share of sign POSTs
and page GETs succeeded during each outage next to the normal phase of the same run,
whether sign POSTs answered 503 with Retry-After while the database was away, the 500s,
and, after recovery, whether every acknowledged signature is stored and every
confirmation mail was sent exactly once. Figures are printed, never asserted (the
cluster test asserts).

Not run by a plain ``make bench`` (it takes about four minutes and starts a cluster):
``make bench ARGS=faults``. Options: --seconds=N (each outage, default 10),
--sign-rate=N and --page-rate=N (a second, default 10 and 40).
"""

from . import common
from .cluster import Cluster
from .cluster_load import Load, Tally
from .cluster_test import (
    NODE_WORKERS,
    NORMAL,
    PAGE_RATE,
    PG_DOWN,
    REDIS_DOWN,
    SIGN_RATE,
    checks,
    print_outcome,
    run_faults,
)


def main(argv: list[str]) -> None:
    options = dict(a.lstrip("-").split("=", 1) for a in argv if "=" in a)
    seconds = float(options.get("seconds", 10))
    sign_rate = float(options.get("sign-rate", SIGN_RATE))
    page_rate = float(options.get("page-rate", PAGE_RATE))
    with Cluster(workers=NODE_WORKERS) as cluster:
        load = Load(cluster.url, sign_rate=sign_rate, page_rate=page_rate)
        outcome = run_faults(cluster, load, seconds=seconds)
    print_outcome(outcome, checks(outcome))

    def sign(phase: str) -> Tally:
        return load.tally(phase, "sign")

    def page(phase: str) -> Tally:
        return load.tally(phase, "page")

    acknowledged = load.acknowledged
    present = len(acknowledged & outcome.signed)
    once = sum(1 for address in acknowledged if outcome.mails[address] == 1)
    errors = sum(t.count(500) for t in load.tallies.values())
    rows = [
        {
            "figure": f"Redis stopped {seconds:.0f}s: sign POSTs acknowledged (302)",
            "during the fault": _share(sign(REDIS_DOWN), 302),
            "normal phase": _share(sign(NORMAL), 302),
            "target": ">= 99%",
        },
        {
            "figure": f"Redis stopped {seconds:.0f}s: page GETs served (200)",
            "during the fault": _share(page(REDIS_DOWN), 200),
            "normal phase": _share(page(NORMAL), 200),
            "target": ">= 99%",
        },
        {
            "figure": f"PostgreSQL stopped {seconds:.0f}s: page GETs served (200)",
            "during the fault": _share(page(PG_DOWN), 200)
            + f", {page(PG_DOWN).stale:,} stale copies",
            "normal phase": _share(page(NORMAL), 200),
            "target": ">= 95%",
        },
        {
            "figure": f"PostgreSQL stopped {seconds:.0f}s: sign POSTs 503 with Retry-After",
            "during the fault": f"{sign(PG_DOWN).retry_after:,} of {sign(PG_DOWN).total:,}",
            "normal phase": "",
            "target": "all",
        },
        {
            "figure": "500s, whole run",
            "during the fault": f"{errors:,}",
            "normal phase": f"{sign(NORMAL).count(500) + page(NORMAL).count(500):,}",
            "target": "0",
        },
        {
            "figure": "after recovery: acknowledged signatures stored",
            "during the fault": f"{_percent(present, len(acknowledged))} "
            f"({present:,} of {len(acknowledged):,})",
            "normal phase": "",
            "target": "100%",
        },
        {
            "figure": "after recovery: confirmation mail sent exactly once",
            "during the fault": f"{_percent(once, len(acknowledged))} "
            f"({once:,} of {len(acknowledged):,})",
            "normal phase": "",
            "target": "100%",
        },
        {
            "figure": "sign POST p50 / p99 ms, Redis stopped",
            "during the fault": f"{sign(REDIS_DOWN).p(50):.0f} / {sign(REDIS_DOWN).p(99):.0f}",
            "normal phase": f"{sign(NORMAL).p(50):.0f} / {sign(NORMAL).p(99):.0f}",
            "target": "",
        },
        {
            "figure": "page GET p50 / p99 ms, PostgreSQL stopped",
            "during the fault": f"{page(PG_DOWN).p(50):.0f} / {page(PG_DOWN).p(99):.0f}",
            "normal phase": f"{page(NORMAL).p(50):.0f} / {page(NORMAL).p(99):.0f}",
            "target": "",
        },
    ]
    common.table(
        f"Faults under load ({sign_rate:g} sign POSTs/s and {page_rate:g} page GETs/s through "
        f"nginx, two nodes of {NODE_WORKERS} gunicorn workers, one Celery worker)",
        rows,
    )


def _share(tally: Tally, *codes: int) -> str:
    return f"{_percent(tally.count(*codes), tally.total)} of {tally.total:,}"


def _percent(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f}%" if whole else "-"
