"""`make cluster-test`: a Sori deployment of its own under load, through four faults.

``python -m bench.cluster_test [--seconds=N] [--keep]`` starts a whole cluster in a
temporary folder (``bench/cluster.py``: PostgreSQL, Redis, an SMTP sink, nginx in front
of two gunicorn nodes, a Celery worker with beat) and loads it with signers and
readers through nginx (``bench/cluster_load.py``) while it, in turn:

1. kills one app node (SIGKILL, master and workers) and starts it again;
2. stops Redis for N seconds (10 by default) and starts it again on the same port;
3. stops PostgreSQL for N seconds (``pg_ctl stop -m fast``) and starts it again;
4. starts a delivery pack, kills the Celery worker (SIGKILL) while it builds it, and
   starts the worker again.

Then it waits (bounded) for the stored sign forms and the outbox to drain, and checks:

- every acknowledged signature (a 302 to the thanks page) is in the database;
- ``manage.py reconcile_counts --check`` passes;
- every acknowledged signer got exactly one confirmation mail in the sink;
- no answer was a 500; no 502/504 outside the phase with a killed node, and there no
  more than the requests in flight when it died (nginx passes a request to the other
  node unless the dead one had already taken it; it never resends a POST);
- no request failed to connect to nginx;
- the delivery pack whose worker was killed finished.

It prints a table per phase, then each check, and exits 1 if any failed. The whole run
takes about four minutes on two cores. ``--keep`` leaves the folder (logs, data).
"""

import collections
import dataclasses
import subprocess
import sys
import time

from . import common
from .cluster import PACK_SIGNATURES, SIGN_SLUG, Cluster
from .cluster_load import Load

# Three gunicorn workers a node (production's default is two a core and one) are
# plenty for this load, and a killed node answers again sooner.
NODE_WORKERS = 3
SIGN_RATE = 10  # sign POSTs a second
PAGE_RATE = 40  # page GETs a second
DRAIN_SECONDS = 200  # the sweeps run every minute; a failed outbox run waits 2 minutes
PACK_SECONDS = 120

NORMAL = "normal"
NODE_KILLED = "app node killed"
REDIS_DOWN, REDIS_BACK = "Redis stopped", "Redis back"
PG_DOWN, PG_BACK = "PostgreSQL stopped", "PostgreSQL back"
WORKER_KILLED, WORKER_BACK = "worker killed", "worker back"


@dataclasses.dataclass
class Outcome:
    """What a run under load found, for the checks and the figures."""

    load: Load
    events: dict[str, float]  # seconds each recovery took
    signed: set[str]  # addresses with a signature on the petition signed
    waiting: int  # sign forms still waiting after the drain
    outbox_left: int
    outbox_undone: list[tuple]  # (task, claimed, attempts, rows, oldest) of undone rows
    reconcile: subprocess.CompletedProcess
    mails: collections.Counter  # confirmation mails per recipient
    other_mails: int
    discarded_mails: int
    health: str
    node_killed: tuple[float, float] | None = None  # time.monotonic() around the SIGKILL
    pack: tuple[str, int, int] | None = None  # status, total listed, attempts


def run_faults(cluster: Cluster, load: Load, *, seconds: float = 10) -> Outcome:
    """The four faults under load, then the drain; returns what the checks need."""
    events: dict[str, float] = {}
    load.start()
    time.sleep(3)  # every connection has its CSRF cookie; pages are cached

    load.phase = NORMAL
    time.sleep(seconds)

    load.phase = NODE_KILLED
    killing = time.monotonic()
    cluster.kill_node(0)  # returns once every process of the node is gone
    node_killed = (killing, time.monotonic())
    time.sleep(seconds / 2)
    began = time.monotonic()
    cluster.start_node(0)
    events["node restarted, answering"] = time.monotonic() - began

    load.phase = REDIS_DOWN
    cluster.stop_redis()
    time.sleep(seconds)
    load.phase = REDIS_BACK
    cluster.start_redis()
    time.sleep(seconds)

    load.phase = PG_DOWN
    cluster.stop_postgres()
    time.sleep(seconds)
    load.phase = PG_BACK
    cluster.start_postgres()
    time.sleep(seconds)

    load.phase = WORKER_KILLED
    pack = cluster.start_pack()
    _wait_until_building(cluster, pack)
    # No message between the sink's acceptance and the worker's record of it (see
    # MailSink.hold): the kill tests the job, not RFC 1047.
    with cluster.sink.hold():
        time.sleep(1)
        cluster.kill_worker()
        time.sleep(0.5)
    time.sleep(seconds / 2)
    load.phase = WORKER_BACK
    began = time.monotonic()
    cluster.start_worker()
    events["pack finished after the worker restarted"] = _wait_for_pack(cluster, pack, began)
    load.stop()
    outcome = collect(cluster, load, events=events)
    outcome.node_killed = node_killed
    outcome.pack = cluster.sql(
        "SELECT status, total, attempts FROM petitions_deliverypack WHERE id = %s", pack
    )[0]
    return outcome


def collect(
    cluster: Cluster, load: Load, *, events: dict[str, float], drain_seconds: float = DRAIN_SECONDS
) -> Outcome:
    """After the load: wait (bounded) for the drain, then read the database and the sink."""
    began = time.monotonic()
    waiting, outbox_left = _wait_for_drain(cluster, drain_seconds)
    events["forms and outbox drained after the load"] = time.monotonic() - began
    time.sleep(1)
    mails: collections.Counter = collections.Counter()
    other = 0
    for _when, recipient, confirmation in cluster.sink.received():
        if confirmation:
            mails[recipient] += 1
        else:
            other += 1
    rows = cluster.sql(
        "SELECT s.email FROM petitions_signature g"
        " JOIN accounts_supporter s ON s.id = g.supporter_id"
        " JOIN petitions_petition p ON p.id = g.petition_id WHERE p.slug = %s",
        SIGN_SLUG,
    )
    undone = cluster.sql(
        "SELECT task, started_at IS NOT NULL, attempts, count(*),"
        " round(extract(epoch FROM now() - min(created_at)))"
        " FROM outbox_message WHERE done_at IS NULL GROUP BY 1, 2, 3 ORDER BY 1, 2, 3"
    )
    reconcile = cluster.manage(
        "reconcile_counts", "--check", check=False, stdout=subprocess.PIPE, text=True
    )
    return Outcome(
        load=load,
        events=events,
        signed={email for (email,) in rows},
        waiting=waiting,
        outbox_left=outbox_left,
        outbox_undone=undone,
        reconcile=reconcile,
        mails=mails,
        other_mails=other,
        discarded_mails=cluster.sink.discarded,
        health=cluster.health(),
    )


def _wait_until_building(cluster: Cluster, pack: int, timeout: float = 240) -> None:
    """Until the pack is running and part of its list is written (progress reported).

    Four minutes: a pack whose hand-over to the broker was lost is re-sent by the
    outbox sweep, which beat runs every minute for messages a minute old, and the
    worker may first have the work the PostgreSQL outage held back.
    """
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        status, progress = cluster.sql(
            "SELECT status, progress FROM petitions_deliverypack WHERE id = %s", pack
        )[0]
        if status == "running" and progress > 0:
            return
        if status not in ("pending", "running"):
            raise RuntimeError(f"the delivery pack ended ({status}) before the worker was killed")
        time.sleep(0.1)
    state = cluster.sql(
        "SELECT id, dispatched_at, started_at, attempts, claimed_by, last_error"
        " FROM outbox_message WHERE task = 'petitions.tasks.build_delivery_pack'"
    )
    raise RuntimeError(
        f"the delivery pack did not start within {timeout:.0f}s (its outbox rows: {state})"
    )


def _wait_for_pack(cluster: Cluster, pack: int, began: float) -> float:
    while time.monotonic() - began < PACK_SECONDS:
        (status,) = cluster.sql("SELECT status FROM petitions_deliverypack WHERE id = %s", pack)[0]
        if status not in ("pending", "running"):
            break
        time.sleep(0.5)
    return time.monotonic() - began


def _wait_for_drain(cluster: Cluster, seconds: float) -> tuple[int, int]:
    """Until no sign form waits and the outbox is empty (bounded); what was left."""
    deadline = time.monotonic() + seconds
    while True:
        ((waiting,),) = cluster.sql("SELECT count(*) FROM petitions_signaturerequest")
        ((left,),) = cluster.sql("SELECT count(*) FROM outbox_message WHERE done_at IS NULL")
        if (waiting == 0 and left == 0) or time.monotonic() > deadline:
            return waiting, left
        time.sleep(1)


def _codes(counter: collections.Counter) -> str:
    return " ".join(f"{code or 'err'}:{n:,}" for code, n in sorted(counter.items())) or "-"


def print_phases(load: Load) -> None:
    rows = []
    for phase in load.phases:
        if phase == "warm-up":
            continue
        sign, page = load.tally(phase, "sign"), load.tally(phase, "page")
        rows.append(
            {
                "phase": phase,
                "sign POST": _codes(sign.statuses),
                "page GET": _codes(page.statuses),
                "stale served": page.stale,
                "nginx STALE": page.nginx_stale,
                "503 + Retry-After": sign.retry_after + page.retry_after,
                "sign p50/p99 ms": f"{sign.p(50):.0f} / {sign.p(99):.0f}",
                "page p50/p99 ms": f"{page.p(50):.0f} / {page.p(99):.0f}",
            }
        )
    common.table("Answers through nginx by phase, as status:count (err: no answer)", rows)


def checks(outcome: Outcome) -> list[tuple[str, bool, str]]:
    """(check, passed, detail) for each thing the cluster test promises."""
    load = outcome.load
    acknowledged = load.acknowledged
    missing = acknowledged - outcome.signed
    no_mail = sorted(a for a in acknowledged if outcome.mails[a] == 0)
    twice = sorted(a for a in acknowledged if outcome.mails[a] > 1)
    totals: collections.Counter = collections.Counter()
    for tally in load.tallies.values():
        totals.update(tally.statuses)
    refused = sum(n for code, n in totals.items() if 400 <= code < 500)
    # A 502 or 504 is the node's death only for a request it had taken as it died.
    gateway = [f for f in load.failures if f[2] != 0]
    in_flight = [f for f in gateway if _in_flight(f, outcome.node_killed)]
    results = [
        (
            "signatures were taken and no request was refused",
            bool(acknowledged) and not refused,
            f"{len(acknowledged):,} acknowledged, {refused:,} answers 4xx (the form as this "
            "test fills it, or a page it reads, was refused)",
        ),
        (
            "every acknowledged signature is in the database",
            not missing and outcome.waiting == 0,
            f"{len(acknowledged):,} acknowledged, {len(missing):,} missing, "
            f"{outcome.waiting:,} forms still waiting",
        ),
        (
            "reconcile_counts --check passes",
            outcome.reconcile.returncode == 0,
            outcome.reconcile.stdout.strip().splitlines()[-1] if outcome.reconcile.stdout else "",
        ),
        (
            "every acknowledged signer got exactly one confirmation mail",
            not no_mail and not twice,
            f"{len(no_mail):,} without, {len(twice):,} more than once"
            + (f" (e.g. {(no_mail or twice)[0]})" if no_mail or twice else "")
            + f"; outbox rows undone: {outcome.outbox_left:,}",
        ),
        ("no answer was a 500", totals[500] == 0, f"{totals[500]:,} answers were 500"),
        (
            "no 502/504 but for requests a killed node had taken",
            len(in_flight) == len(gateway),
            f"{len(in_flight):,} in flight when it was killed, "
            f"{len(gateway) - len(in_flight):,} at other times",
        ),
        ("every request reached nginx", totals[0] == 0, f"{totals[0]:,} failed to connect"),
    ]
    if outcome.pack is not None:
        status, total, attempts = outcome.pack
        results.append(
            (
                "the delivery pack finished after its worker was killed",
                status == "done" and total == PACK_SIGNATURES,
                f"{status}, {total:,} of {PACK_SIGNATURES:,} signatures listed, "
                f"{attempts} attempt(s)",
            )
        )
    return results


def _in_flight(failure: tuple, killed: tuple[float, float] | None) -> bool:
    """Whether a request's time overlapped the node's death (from SIGKILL to gone)."""
    return bool(killed) and failure[0] <= killed[1] and failure[1] >= killed[0]


def _print_gateway_failures(outcome: Outcome) -> None:
    """Each 502/504 answered outside the node's death, to tell what it met."""
    killed = outcome.node_killed
    for failure in outcome.load.failures:
        began, ended, status, phase, kind = failure
        if status == 0 or _in_flight(failure, killed):
            continue
        when = (
            f", {began - killed[0]:+.2f}s to {ended - killed[0]:+.2f}s from the kill"
            if killed
            else ""
        )
        print(f"  {status} to a {kind} request in phase {phase!r}{when}")


def print_outcome(outcome: Outcome, results: list[tuple[str, bool, str]]) -> None:
    """The phase table, how long recoveries took, what was left, and the checks."""
    print_phases(outcome.load)
    print()
    for what, seconds in outcome.events.items():
        print(f"  {what}: {seconds:.1f}s")
    print(f"  /healthz?full=1 at the end: {outcome.health}")
    for task, claimed, attempts, rows, oldest in outcome.outbox_undone:
        print(
            f"  outbox undone: {rows:,} {task} ({'claimed' if claimed else 'unclaimed'}, "
            f"{attempts} failed attempts, oldest {oldest}s)"
        )
    refused = outcome.load.refused
    stored = sum(1 for address in refused if address in outcome.signed)
    print(
        f"  sign POSTs not acknowledged: {len(refused):,}, of which {stored:,} stored all the "
        "same (a node killed after its commit, before its answer)"
    )
    print(
        f"  mail: {sum(outcome.mails.values()):,} confirmations, {outcome.other_mails:,} "
        f"other messages; {outcome.discarded_mails:,} discarded by the sink (a worker "
        "killed before their acceptance)"
    )
    _print_gateway_failures(outcome)
    print("\nChecks")
    for what, passed, detail in results:
        print(f"  {'PASS' if passed else 'FAIL'}  {what}: {detail}")


def main(argv: list[str]) -> int:
    options = dict(a.lstrip("-").split("=", 1) for a in argv if "=" in a)
    seconds = float(options.get("seconds", 10))
    began = time.monotonic()
    with Cluster(workers=NODE_WORKERS, keep="--keep" in argv) as cluster:
        print(f"Cluster up in {time.monotonic() - began:.0f}s: nginx {cluster.url}", flush=True)
        load = Load(cluster.url, sign_rate=SIGN_RATE, page_rate=PAGE_RATE)
        try:
            outcome = run_faults(cluster, load, seconds=seconds)
        except RuntimeError as error:
            load.stop()
            print(f"\nThe end of each log:\n{cluster.tail()}\n\nCLUSTER TEST FAILED: {error}")
            return 1
        results = checks(outcome)
        failed = not all(passed for _, passed, _ in results)
        logs = cluster.tail() if failed else ""
    print_outcome(outcome, results)
    print(f"\nCluster test took {time.monotonic() - began:.0f}s")
    if failed:
        print(f"\nThe end of each log:\n{logs}\n\nCLUSTER TEST FAILED")
        return 1
    print("Cluster test passed")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
