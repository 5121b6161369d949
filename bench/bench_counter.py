"""The counter alone: one petition, many transactions adding one at once.

Runs ``petitions.hotpath.counting.add`` (the code the services call) in 4 processes x 8
threads, each transaction adding one and committing, for 10 seconds: first on the
petition row (the default), then spread over 16 shards (PETITIONS_COUNTER_SHARDS). At
the end each petition's count must equal the number of increments. This isolates what
the sign benchmark cannot show with 4 web workers: whether one hot row caps the rate
when many nodes count into one petition at once.

Options: --seconds=N (default 10), --processes=N (4), --threads=N (8), --shards=N (16).
"""

import json
import subprocess

from . import common

SETUP = """
from campaigns.models import Campaign
from petitions.models import Petition
campaign = Campaign.objects.get(slug="reform-the-national-security-law")
for slug in ("bench-counter-row", "bench-counter-shards"):
    Petition.objects.update_or_create(slug=slug, defaults=dict(
        campaign=campaign, title=slug, summary="Counter benchmark.", status="open"))
"""

WORKER = """
import threading, time
from django.db import connections, transaction
from petitions.hotpath import counting
from petitions.models import Petition
petition_id = Petition.objects.get(slug={slug!r}).pk
done = [0] * {threads}
barrier = threading.Barrier({threads})
def work(index):
    try:
        barrier.wait()
        stop = time.monotonic() + {seconds}
        while time.monotonic() < stop:
            with transaction.atomic():
                counting.add(petition_id, 1)
            done[index] += 1
    finally:
        connections.close_all()
workers = [threading.Thread(target=work, args=(i,)) for i in range({threads})]
for w in workers: w.start()
for w in workers: w.join()
print("RESULT", sum(done))
"""

CHECK = """
import json
from petitions.models import Petition
print("RESULT " + json.dumps({
    p.slug: p.current_count
    for p in Petition.objects.with_current_count().filter(slug__startswith="bench-counter-")
}))
"""


def main(argv: list[str]) -> None:
    options = dict(a.lstrip("-").split("=", 1) for a in argv if "=" in a)
    seconds = int(options.get("seconds", 10))
    processes = int(options.get("processes", 4))
    threads = int(options.get("threads", 8))
    shards = int(options.get("shards", 16))
    env = common.bench_env()
    common.reset_database(env)
    common.manage(env, "seed_demo", "--force", stdout=subprocess.DEVNULL)
    common.manage(env, "shell", "-c", SETUP, stdout=subprocess.DEVNULL)

    rows, counted = [], {}
    for label, slug, shard_count in [
        ("petition row, F()", "bench-counter-row", 0),
        (f"{shards} shards", "bench-counter-shards", shards),
    ]:
        run_env = {**env, "PETITIONS_COUNTER_SHARDS": str(shard_count)}
        code = WORKER.format(slug=slug, threads=threads, seconds=seconds)
        workers = [
            subprocess.Popen(
                [common.PYTHON, str(common.ROOT / "manage.py"), "shell", "-c", code],
                env=run_env,
                stdout=subprocess.PIPE,
                text=True,
            )
            for _ in range(processes)
        ]
        total = sum(_result(worker.communicate()[0]) for worker in workers)
        counted[slug] = total
        rows.append(
            {
                "counter": label,
                "transactions at once": processes * threads,
                "increments/s": total / seconds,
            }
        )
    output = common.manage(env, "shell", "-c", CHECK, capture_output=True, text=True).stdout
    stored = json.loads(_result_line(output))
    for row, slug in zip(rows, counted, strict=True):
        row["exact"] = "yes" if stored[slug] == counted[slug] else f"NO ({stored[slug]:,})"
    db = "PostgreSQL" if common.is_postgres(env) else "SQLite"
    common.table(f"Counter, {db}, {seconds}s each", rows)
    if len(rows) == 2 and rows[0]["increments/s"]:
        print(f"\n  shards / row: {rows[1]['increments/s'] / rows[0]['increments/s']:.2f}")


def _result_line(output: str) -> str:
    return next(line[7:] for line in output.splitlines() if line.startswith("RESULT "))


def _result(output: str) -> int:
    return int(_result_line(output))
