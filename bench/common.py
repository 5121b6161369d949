"""Shared plumbing for benchmarks: a throw-away database, a gunicorn server, wrk, figures.

Benchmarks run against their own database so they never touch development data:
``<name>_bench`` (``<name>`` from ``DATABASE_URL``, so people sharing one PostgreSQL
server do not drop each other's) when it is set, else a SQLite file under var/bench/.
"""

import collections
import contextlib
import dataclasses
import json
import os
import resource
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
VAR = ROOT / "var" / "bench"
PYTHON = sys.executable


def bench_env(**extra: str) -> dict[str, str]:
    """Environment for a benchmark process: production-like, its own database."""
    env = dict(os.environ)
    env.update(
        {
            "DEBUG": "0",
            "SECRET_KEY": "bench-only-secret-key",
            "HTTPS": "0",
            "STATIC_MANIFEST": "0",
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "MAIL_BACKEND": "console",
            "LOG_LEVEL": "WARNING",
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "PYTHONPATH": str(ROOT),
            # Each benchmark's cache entries apart from any other's: the database is
            # recreated for each, and a cached page or petition must not outlive it.
            "CACHE_KEY_PREFIX": f"sori-bench-{time.time_ns()}",
        }
    )
    url = os.environ.get("DATABASE_URL", "")
    if url:
        name = urlsplit(url).path.strip("/") or "sori"
        env["DATABASE_URL"] = with_database(url, f"{name}_bench")
    else:
        VAR.mkdir(parents=True, exist_ok=True)
        env["DATABASE_URL"] = f"sqlite:///{VAR / 'bench.sqlite3'}"
    if env.get("REDIS_URL"):
        # Tasks go to a queue of this run's own: none left by an earlier run is taken.
        env["CELERY_QUEUE"] = f"sori-bench-{time.time_ns()}"
    env.update(extra)
    return env


def with_database(url: str, name: str) -> str:
    """``url`` naming database ``name`` instead. Built by hand because ``urlunsplit`` drops
    the ``//`` of a URL without a host (``postgres:///sori`` would become
    ``postgres:/sori``, which libpq does not read)."""
    parts = urlsplit(url)
    query = f"?{parts.query}" if parts.query else ""
    return f"{parts.scheme}://{parts.netloc}/{name}{query}"


def is_postgres(env: dict[str, str]) -> bool:
    return env["DATABASE_URL"].startswith("postgres")


def reset_database(env: dict[str, str]) -> None:
    """Drop and recreate the benchmark database, then migrate it."""
    if is_postgres(env):
        name = urlsplit(env["DATABASE_URL"]).path.strip("/")
        admin = with_database(env["DATABASE_URL"], "postgres")
        for sql in (
            f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)',
            f'CREATE DATABASE "{name}"',
        ):
            subprocess.run(["psql", admin, "-qc", sql], check=True)
    else:
        path = Path(urlsplit(env["DATABASE_URL"]).path)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
    manage(env, "migrate", "--noinput", "-v", "0")


def manage(
    env: dict[str, str], *args: str, check: bool = True, **kwargs
) -> subprocess.CompletedProcess:
    return subprocess.run([PYTHON, str(ROOT / "manage.py"), *args], env=env, check=check, **kwargs)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def gunicorn(
    env: dict[str, str],
    app: str = "config.wsgi",
    workers: int = 4,
    statuses: collections.Counter | None = None,
    info: dict | None = None,
) -> Iterator[str]:
    """Serve ``app`` with gunicorn on a free port; yields the base URL.

    The access log (one status code per line) is read as it comes, so the pipe never
    fills and stalls the workers; ``statuses``, if given, counts the codes served.
    ``info``, if given, receives the master's ``pid`` (see ``workers_cpu_seconds``).
    """
    port = free_port()
    process = subprocess.Popen(
        [
            PYTHON,
            "-m",
            "gunicorn",
            app,
            "--workers",
            str(workers),
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            "--access-logfile",
            "-",
            "--access-logformat",
            "%(s)s",
        ],
        env=env,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    if info is not None:
        info["pid"] = process.pid
    counts = statuses if statuses is not None else collections.Counter()
    reader = threading.Thread(target=_read_access_log, args=(process.stdout, counts), daemon=True)
    reader.start()
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(base + "/healthz")
        yield base
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
        reader.join(timeout=5)


@contextlib.contextmanager
def celery_worker(env: dict[str, str]) -> Iterator[subprocess.Popen]:
    """A Celery worker on the run's own queue, started as `make worker` starts one: one
    process per core (needs REDIS_URL)."""
    process = subprocess.Popen(
        [
            PYTHON,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "--loglevel",
            "WARNING",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        ],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        yield process
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()


def _read_access_log(stream, counts: collections.Counter) -> None:
    for line in stream:
        code = line.strip()
        if code.isdigit():
            counts[int(code)] += 1
        elif code:
            print(f"  gunicorn: {code}", flush=True)


def wait_for(url: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"server did not answer at {url}")


def wrk(
    url: str,
    *,
    seconds: int = 10,
    connections: int = 16,
    threads: int = 2,
    script: Path | None = None,
    env: dict[str, str] | None = None,
) -> dict:
    """Run wrk and return requests/s, latency percentiles (ms) and non-2xx counts."""
    if shutil.which("wrk") is None:
        raise SystemExit("make bench needs wrk: apt-get install wrk")
    report = ROOT / "bench" / "wrk_report.lua"
    command = [
        "wrk",
        "-t",
        str(threads),
        "-c",
        str(connections),
        "-d",
        f"{seconds}s",
        "--latency",
        "-s",
        str(script or report),
        url,
    ]
    output = subprocess.run(
        command, capture_output=True, text=True, check=True, env={**os.environ, **(env or {})}
    ).stdout
    for line in output.splitlines():
        if line.startswith("JSON "):
            return json.loads(line[5:])
    raise RuntimeError(f"wrk printed no report:\n{output}")


@dataclasses.dataclass
class Target:
    """One thing to load: a URL on a gunicorn server (its master's pid, for CPU time)."""

    url: str
    pid: int
    script: Path | None = None
    env: dict[str, str] = dataclasses.field(default_factory=dict)


def alternate(
    targets: dict[str, Target],
    *,
    seconds: int,
    rounds: int = 4,
    connections: int = 16,
    around: Callable[[str], contextlib.AbstractContextManager] | None = None,
) -> dict[str, dict]:
    """Load every target with wrk in turn, ``rounds`` times, ``seconds`` each in all.

    On a shared machine the load from elsewhere drifts over a minute; a target measured
    in one block of time and its reference in another would carry that drift into their
    ratio. Short rounds, the order reversed every round (A B C, C B A, ...), spread it
    over all of them. ``around(label)``, if given, wraps each round of that target (e.g.
    a sampler). Returns each target's rounds combined: totals, requests and ok per
    second, the median p50, the worst p99 and the workers' CPU seconds.
    """
    labels = list(targets)
    parts: dict[str, list[dict]] = {label: [] for label in labels}
    each = max(1, round(seconds / rounds))
    for number in range(rounds):
        for label in labels if number % 2 == 0 else reversed(labels):
            target = targets[label]
            env = {key: value.format(round=number) for key, value in target.env.items()}
            before = workers_cpu_seconds(target.pid)
            with around(label) if around else contextlib.nullcontext():
                result = wrk(
                    target.url,
                    seconds=each,
                    connections=connections,
                    script=target.script,
                    env=env,
                )
            result["cpu_s"] = workers_cpu_seconds(target.pid) - before
            parts[label].append(result)
    return {label: _combine(results) for label, results in parts.items()}


def _combine(results: list[dict]) -> dict:
    seconds = sum(r["seconds"] for r in results)
    keys = ("requests", "ok", "non2xx", "status_4xx", "status_5xx", "socket_errors", "cpu_s")
    total = {key: sum(r.get(key, 0) for r in results) for key in keys}
    return {
        **total,
        "seconds": seconds,
        "rps": total["requests"] / seconds if seconds else 0.0,
        "ok_rps": total["ok"] / seconds if seconds else 0.0,
        "p50_ms": statistics.median(r["p50_ms"] for r in results),
        "p99_ms": max(r["p99_ms"] for r in results),
    }


def workers_cpu_seconds(master_pid: int) -> float:
    """CPU time (user + system) used so far by the worker processes of a gunicorn master.

    On a shared machine requests/s move with everyone else's load; CPU time per request
    moves much less, so benchmarks print both.
    """
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == master_pid:  # ppid
            total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / ticks


def process_family(root: int) -> list[int]:
    """``root`` and all its descendants."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    family, queue = [], [root]
    while queue:
        pid = queue.pop()
        family.append(pid)
        queue.extend(children.get(pid, []))
    return family


def _status_mb(pids: list[int], field: str) -> float:
    """One memory field of ``/proc/<pid>/status`` added up over these processes, in MB."""
    total = 0
    for pid in pids:
        with contextlib.suppress(OSError):
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith(f"{field}:"):
                    total += int(line.split()[1])
    return total / 1024


def rss_mb(pids: list[int]) -> float:
    """Resident memory of these processes together, in MB (VmRSS)."""
    return _status_mb(pids, "VmRSS")


def private_mb(pids: list[int]) -> float:
    """Memory these processes hold for themselves, in MB (USS: private clean + dirty
    pages of ``smaps_rollup``). Unlike RSS it leaves out pages other processes map too,
    but a page of shared memory only this process has touched counts as its own (the
    PostgreSQL checkpointer's share of the shared buffers); ``anonymous_mb`` leaves
    shared memory out altogether."""
    total = 0
    for pid in pids:
        with contextlib.suppress(OSError):
            for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
                if line.startswith(("Private_Clean:", "Private_Dirty:")):
                    total += int(line.split()[1])
    return total / 1024


def anonymous_mb(pids: list[int]) -> float:
    """Memory these processes allocated for themselves, in MB (RssAnon: heap, stacks,
    copy-on-write pages). Leaves out shared memory (RssShmem: PostgreSQL's shared
    buffers, a fixed size allocated at start whose pages count once touched) and mapped
    files, so it is what grows when a process leaks."""
    return _status_mb(pids, "RssAnon")


def shared_mb(pids: list[int]) -> float:
    """Shared memory these processes have touched, in MB (RssShmem: for PostgreSQL, the
    pages of its shared buffers each backend has used; never more than it allocated)."""
    return _status_mb(pids, "RssShmem")


def peak_rss_mb(children: bool = False) -> float:
    """Peak resident memory of this process (or of its finished children), in MB."""
    who = resource.RUSAGE_CHILDREN if children else resource.RUSAGE_SELF
    return resource.getrusage(who).ru_maxrss / 1024


def percentile(values: list[float], p: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(p / 100 * (len(ordered) - 1))))
    return ordered[index]


def median(values: list[float]) -> float:
    return statistics.median(values) if values else 0.0


def table(title: str, rows: list[dict]) -> None:
    """Print rows as an aligned table under a title."""
    print(f"\n{title}")
    if not rows:
        print("  (no rows)")
        return
    headers = list(dict.fromkeys(key for row in rows for key in row))
    cells = [[_fmt(row.get(h, "")) for h in headers] for row in rows]
    widths = [max(len(h), *(len(c[i]) for c in cells)) for i, h in enumerate(headers)]
    print("  " + "  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)))
    for line in cells:
        print("  " + "  ".join(c.ljust(w) for c, w in zip(line, widths, strict=True)))


def _fmt(value) -> str:
    if isinstance(value, float):
        return f"{value:,.2f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)
