"""Soak: a steady load on the whole cluster for a quarter of an hour; 5xx and memory.

On a cluster of its own (``bench/cluster.py``: nginx, two gunicorn nodes with
production's worker count, a Celery worker with beat, PostgreSQL, Redis, an SMTP sink),
35 sign POSTs and 300 page GETs a second go through nginx (``bench/cluster_load.py``)
for 15 minutes after a minute's warm-up. Prints the answers (5xx: target none), the
rates reached, latencies, and the resident memory of each part (gunicorn nodes, the
worker, nginx, Redis, PostgreSQL: every process of the part added up) at the start
(after the warm-up), the middle and the end: flat within 10% as the target. Then it
waits for the worker to drain what is left and checks, as the cluster test does, that
every acknowledged signature is stored and was mailed once. Printed, never asserted.

gunicorn recycles each worker after about 2,000 requests (deploy/gunicorn.conf.py), so
a node's workers are new processes by the end; its total is what a machine must hold.
PostgreSQL's total counts the shared buffers each backend has touched, so it grows
while the buffers warm.

Not run by a plain ``make bench``: ``make bench ARGS=soak``. Options: --minutes=N
(default 15), --sign-rate=N (35), --page-rate=N (300), --warm-up=N seconds (60).
"""

import time

from . import common
from .cluster import Cluster
from .cluster_load import Load
from .cluster_test import checks, collect, print_outcome

SOAK = "soak"


def main(argv: list[str]) -> None:
    options = dict(a.lstrip("-").split("=", 1) for a in argv if "=" in a)
    minutes = float(options.get("minutes", 15))
    sign_rate = float(options.get("sign-rate", 35))
    page_rate = float(options.get("page-rate", 300))
    warm_up = float(options.get("warm-up", 60))
    memory: dict[str, dict[str, tuple[int, float]]] = {}
    backlog: dict[str, int] = {}
    with Cluster() as cluster:
        load = Load(cluster.url, sign_rate=sign_rate, page_rate=page_rate, signers=8, readers=16)
        load.start()
        time.sleep(warm_up)
        load.phase = SOAK
        began = time.monotonic()
        memory["start"] = _memory(cluster)
        backlog["start"] = _waiting(cluster)
        time.sleep(minutes * 30)
        memory["middle"] = _memory(cluster)
        backlog["middle"] = _waiting(cluster)
        time.sleep(max(0.0, began + minutes * 60 - time.monotonic()))
        memory["end"] = _memory(cluster)
        backlog["end"] = _waiting(cluster)
        elapsed = time.monotonic() - began
        load.stop()
        outcome = collect(cluster, load, events={}, drain_seconds=600)
    print_outcome(outcome, checks(outcome))

    sign, page = load.tally(SOAK, "sign"), load.tally(SOAK, "page")
    server_errors = sum(n for code, n in (sign.statuses + page.statuses).items() if code >= 500)
    common.table(
        f"Soak: {minutes:g} minutes at {sign_rate:g} sign POSTs/s and {page_rate:g} page "
        f"GETs/s through nginx (after {warm_up:.0f}s of warm-up)",
        [
            {
                "answers": "sign POST",
                "per second": sign.total / elapsed,
                "statuses": _codes(sign),
                "p50 ms": sign.p(50),
                "p99 ms": sign.p(99),
            },
            {
                "answers": "page GET",
                "per second": page.total / elapsed,
                "statuses": _codes(page),
                "p50 ms": page.p(50),
                "p99 ms": page.p(99),
            },
        ],
    )
    print(f"\n  5xx: {server_errors:,} (target 0)")
    print(
        "  sign forms waiting for the worker: "
        + ", ".join(f"{when} {count:,}" for when, count in backlog.items())
    )
    rows = []
    for part in memory["start"]:
        counts = [memory[when].get(part, (0, 0.0)) for when in ("start", "middle", "end")]
        first, last = counts[0][1], counts[2][1]
        drift = 100 * (last - first) / first if first else 0.0
        rows.append(
            {
                "part": part,
                "processes": "/".join(str(n) for n, _mb in counts),
                "start MB": first,
                "middle MB": counts[1][1],
                "end MB": last,
                "end vs start": f"{drift:+.1f}%",
                "within 10%": "yes" if abs(drift) <= 10 else "NO",
            }
        )
    common.table("Resident memory of each part (all its processes)", rows)


def _memory(cluster: Cluster) -> dict[str, tuple[int, float]]:
    return {part: (len(pids), common.rss_mb(pids)) for part, pids in cluster.groups().items()}


def _waiting(cluster: Cluster) -> int:
    ((waiting,),) = cluster.sql("SELECT count(*) FROM petitions_signaturerequest")
    return waiting


def _codes(tally) -> str:
    return " ".join(f"{code or 'err'}:{n:,}" for code, n in sorted(tally.statuses.items()))
