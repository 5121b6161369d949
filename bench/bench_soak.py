"""Soak: a steady load on the whole cluster for a quarter of an hour; 5xx and memory.

On a cluster of its own (``bench/cluster.py``: nginx, two gunicorn nodes with
production's worker count, a Celery worker with beat, PostgreSQL, Redis, an SMTP sink),
35 sign POSTs and 300 page GETs a second go through nginx (``bench/cluster_load.py``)
for 15 minutes after 90 seconds of warm-up. Prints the answers (5xx: target none), the
rates reached and latencies; every minute, the sign forms waiting for the worker, the
outbox and the resident memory of each part (gunicorn nodes, the worker with beat,
nginx, Redis, PostgreSQL); and each part's memory at the start (after the warm-up),
the middle and the end, flat within 10% as the target. Then it waits for the worker
to drain what is left and checks, as the cluster test does, that every acknowledged
signature is stored and was mailed once. Printed, never asserted.

Memory is given two ways: all the part's processes added up (what the machine must
hold), and its largest process. gunicorn recycles each worker after about 2,000
requests (deploy/gunicorn.conf.py), about once a minute at this load, so a node's
workers are new processes by the end, and its total moves with where each worker is in
its life. PostgreSQL's total counts the shared buffers each backend has touched, so
each part is also given as private memory (USS: the pages no other process maps) and
as its own allocations (RssAnon: heap and stacks, leaving out shared memory and mapped
files), which is what grows when a process leaks; with the shared memory PostgreSQL
allocated at start (``pg_shmem_allocations``), whose pages RSS counts as they are
touched, and how much of it its largest process has touched (RssShmem).

Not run by a plain ``make bench``: ``make bench ARGS=soak``. Options: --minutes=N
(default 15), --sign-rate=N (35), --page-rate=N (300), --warm-up=N seconds (90).
"""

import time

import redis

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
    warm_up = float(options.get("warm-up", 90))
    samples: list[dict] = []
    with Cluster() as cluster:
        load = Load(cluster.url, sign_rate=sign_rate, page_rate=page_rate)
        load.start()
        time.sleep(warm_up)
        load.phase = SOAK
        began = time.monotonic()
        for minute in sorted({*range(int(minutes) + 1), minutes}):
            time.sleep(max(0.0, began + 60 * minute - time.monotonic()))
            samples.append(_sample(cluster, minute))
        elapsed = time.monotonic() - began
        load.stop()
        outcome = collect(cluster, load, events={}, drain_seconds=900)
    print_outcome(outcome, checks(outcome))

    sign, page = load.tally(SOAK, "sign"), load.tally(SOAK, "page")
    server_errors = sum(n for code, n in (sign.statuses + page.statuses).items() if code >= 500)
    common.table(
        f"Soak: {minutes:g} minutes at {sign_rate:g} sign POSTs/s and {page_rate:g} page "
        f"GETs/s through nginx (after {warm_up:.0f}s of warm-up)",
        [
            {
                "answers": "sign POST",
                "asked /s": sign_rate,
                "answered /s": sign.total / elapsed,
                "statuses": _codes(sign),
                "p50 ms": sign.p(50),
                "p99 ms": sign.p(99),
            },
            {
                "answers": "page GET",
                "asked /s": page_rate,
                "answered /s": page.total / elapsed,
                "statuses": _codes(page),
                "p50 ms": page.p(50),
                "p99 ms": page.p(99),
            },
        ],
    )
    print(f"\n  5xx: {server_errors:,} (target 0)")
    parts = list(samples[0]["memory"])
    common.table(
        "Every minute: sign forms waiting, outbox undone, each part's total resident MB",
        [
            {
                "minute": s["minute"],
                "forms waiting": s["waiting"],
                "outbox undone": s["outbox"],
                **{part: s["memory"].get(part, (0, 0.0, 0.0))[1] for part in parts},
            }
            for s in samples
        ],
    )
    points = {"start": samples[0], "middle": samples[len(samples) // 2], "end": samples[-1]}
    for measure, title in MEASURES.items():
        common.table(
            f"{title} of each part, start / middle / end of the soak",
            [
                _flatness(part, [p[measure].get(part, (0, 0.0, 0.0)) for p in points.values()])
                for part in parts
            ],
        )
    shared = [p["postgres_shared_mb"] for p in points.values()]
    mapped = [p["postgres_mapped_mb"] for p in points.values()]
    print(
        "  PostgreSQL shared memory allocated (pg_shmem_allocations), start/middle/end: "
        + " / ".join(f"{mb:.0f} MB" for mb in shared)
        + "; of it touched by its largest process (RssShmem): "
        + " / ".join(f"{mb:.0f} MB" for mb in mapped)
    )
    held = [s["redis"] for s in points.values()]
    print(
        "  Redis, start/middle/end: "
        + " / ".join(f"{r['keys']:,} keys, data {r['dataset_mb']:.1f} MB" for r in held)
        + f"; tasks waiting in the broker at the end: {held[-1]['queued']:,}"
    )


# Each part's memory three ways (bench.common): what it keeps resident, what only it
# maps, and what it allocated itself, leaving out shared memory and files.
MEASURES = {
    "memory": "Resident memory (RSS)",
    "private": "Private memory (USS)",
    "anonymous": "Own allocations (RssAnon: no shared memory, no files)",
}
_MEASURED_BY = {
    "memory": common.rss_mb,
    "private": common.private_mb,
    "anonymous": common.anonymous_mb,
}


def _sample(cluster: Cluster, minute: float) -> dict:
    groups = cluster.groups()
    measured = {}
    for measure, size_of in _MEASURED_BY.items():
        measured[measure] = {}
        for part, pids in groups.items():
            sizes = [size_of([pid]) for pid in pids]
            measured[measure][part] = (len(pids), sum(sizes), max(sizes, default=0.0))
    ((waiting,),) = cluster.sql("SELECT count(*) FROM petitions_signaturerequest")
    ((outbox,),) = cluster.sql("SELECT count(*) FROM outbox_message WHERE done_at IS NULL")
    ((shared,),) = cluster.sql("SELECT sum(allocated_size) FROM pg_shmem_allocations")
    return {
        "minute": minute,
        "waiting": waiting,
        "outbox": outbox,
        **measured,
        "postgres_shared_mb": float(shared) / 2**20,
        "postgres_mapped_mb": max(
            (common.shared_mb([pid]) for pid in groups.get("postgres", [])), default=0.0
        ),
        "redis": _redis(cluster),
    }


def _redis(cluster: Cluster) -> dict:
    """What Redis holds: keys, the data's own memory, and tasks waiting for the worker."""
    client = redis.Redis(host="127.0.0.1", port=cluster.ports.redis, db=0)
    info = client.info("memory")
    return {
        "keys": client.dbsize(),
        "dataset_mb": info.get("used_memory_dataset", 0) / 2**20,
        "queued": client.llen("celery"),
    }


def _flatness(part: str, values: list[tuple[int, float, float]]) -> dict:
    """One part's (processes, total MB, largest process MB) at start/middle/end, with
    the change of the total and of the largest process from start to end."""
    total, largest = _change(values, 1), _change(values, 2)
    return {
        "part": part,
        "processes": "/".join(str(v[0]) for v in values),
        "total MB start/middle/end": "/".join(f"{v[1]:.0f}" for v in values),
        "total": f"{total:+.1f}%",
        "largest process MB": "/".join(f"{v[2]:.0f}" for v in values),
        "largest": f"{largest:+.1f}%",
        "within 10%": "yes" if max(abs(total), abs(largest)) <= 10 else "NO",
    }


def _change(values: list[tuple[int, float, float]], index: int) -> float:
    first, last = values[0][index], values[-1][index]
    return 100 * (last - first) / first if first else 0.0


def _codes(tally) -> str:
    return " ".join(f"{code or 'err'}:{n:,}" for code, n in sorted(tally.statuses.items()))
