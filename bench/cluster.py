"""A whole Sori deployment of its own, on loopback ports, for the cluster test and benches.

``Cluster`` starts, in one temporary folder, everything production runs and nothing it
shares with anyone: a PostgreSQL cluster (``initdb``, run as an unprivileged user:
PostgreSQL refuses root), a Redis with the append-only file production uses, an SMTP
sink (aiosmtpd, in this process) that records every message, two gunicorn nodes
(``deploy/gunicorn.conf.py``) behind Debian's nginx (``deploy/nginx/
cluster.conf.template``, with production's caching rules), and one Celery worker with
beat, started as ``make worker`` starts it. It stops only what it started (each in a
process group of its own) and removes the folder.

Settings are production's (DEBUG off, static files collected with their manifest,
confirmation required), with the sign form's defences against one client address
switched off as ``bench/bench_sign.py`` does: all the load comes from 127.0.0.1, so
the per-address rate limits and mail cap would hold it, and a browser's proof-of-work
is not what is being tested. ``Cluster.start`` runs ``migrate``, ``seed_demo`` and
``SETUP`` (a petition to sign, and one with ``PACK_SIGNATURES`` confirmed signatures
for a delivery pack long enough to kill a worker in the middle of).

Used by ``python -m bench.cluster_test`` (``make cluster-test``) and
``make bench ARGS="faults"`` / ``ARGS="soak"``.
"""

import contextlib
import grp
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import psycopg

from . import common
from .mail_sink import MailSink

SIGN_SLUG = "cluster-sign"
PACK_SLUG = "cluster-pack"
PACK_SIGNATURES = 30_000
CAMPAIGN = "reform-the-national-security-law"
DEMO_PETITION = "free-the-prisoners-of-conscience"
STAFF_EMAIL = "staff@sori.example"  # accounts/demo.py
HEALTHZ_TOKEN = "cluster-test-healthz-token"
UNPRIVILEGED = "nobody"

SETUP = f"""
from django.db import transaction
from django.utils import timezone
from accounts.models import Supporter
from campaigns.models import Campaign
from lib.text import email_key
from petitions import signatures
from petitions.models import Petition, Signature

campaign = Campaign.objects.get(slug={CAMPAIGN!r})
common = dict(campaign=campaign, summary="Cluster test.", status="open", goal=1_000_000)
Petition.objects.update_or_create(
    slug={SIGN_SLUG!r},
    defaults=dict(common, title="Cluster test: sign here", requires_confirmation=True),
)
pack, _ = Petition.objects.update_or_create(
    slug={PACK_SLUG!r}, defaults=dict(common, title="Cluster test: a petition to deliver")
)
now = timezone.now()
with transaction.atomic():
    addresses = [f"pack-{{n}}@signers.example" for n in range({PACK_SIGNATURES})]
    Supporter.objects.bulk_create(
        [Supporter(email=a, email_key=email_key(a), first_name="Pack", country="KR")
         for a in addresses],
        batch_size=5000,
    )
    supporters = Supporter.objects.filter(email__startswith="pack-").order_by("pk")
    Signature.objects.bulk_create(
        [Signature(petition=pack, supporter=s, status=Signature.Status.CONFIRMED,
                   first_name="Pack", last_name=f"Signer {{s.pk}}", country="KR",
                   display=Signature.Display.FULL, created_at=now, confirmed_at=now)
         for s in supporters.iterator(chunk_size=5000)],
        batch_size=5000,
    )
signatures.reconcile_counts(fix=True)
"""

START_PACK = f"""
from accounts.models import User
from petitions.models import Petition
from petitions.staff.delivery import start_delivery_pack
pack = start_delivery_pack(
    petition=Petition.objects.get(slug={PACK_SLUG!r}),
    user=User.objects.get(email={STAFF_EMAIL!r}),
)
print("RESULT", pack.pk)
"""


def _postgres_bin() -> Path:
    """Debian's newest PostgreSQL server programs, else whatever PATH has."""
    found = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: int(p.parent.parent.name)
    )
    if found:
        return found[-1].parent
    initdb = shutil.which("initdb")
    if initdb is None:
        raise SystemExit("The cluster test needs PostgreSQL's server: apt-get install postgresql")
    return Path(initdb).parent


def _need(program: str, package: str) -> str:
    path = shutil.which(program) or (f"/usr/sbin/{program}" if program == "nginx" else None)
    if path is None or not Path(path).exists():
        raise SystemExit(f"The cluster test needs {program}: apt-get install {package}")
    return path


# INFO logs every task, and every reconnection: for chasing a fault (the default keeps
# the logs short enough to print their ends when a check fails).
WORKER_LOGLEVEL = os.environ.get("CLUSTER_WORKER_LOGLEVEL", "WARNING")
# As deploy/systemd/sori-worker.service and `make worker` run it: without gossip, mingle
# and the event heartbeat, which Sori does not use (celery/celery#8030 reports workers
# that stop consuming after a Redis outage with them on). The outage fault that did stop
# this test's worker is mended in lib/broker.py.
WORKER_FLAGS = ("--without-gossip", "--without-mingle", "--without-heartbeat")


@dataclass
class Process:
    """One started program, in a process group of its own (so it dies whole)."""

    name: str
    popen: subprocess.Popen
    log: Path

    def alive(self) -> bool:
        return self.popen.poll() is None

    def kill(self) -> None:
        """SIGKILL the whole group: master and workers, as a crash would.

        Returns once every process of the group has exited, children too: the master
        is reaped first, while a worker can still hold the listening socket for a few
        milliseconds (a request nginx passes it then is reset, a 502).
        """
        family = common.process_family(self.popen.pid)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.popen.pid, signal.SIGKILL)
        self.popen.wait(timeout=30)
        deadline = time.monotonic() + 30
        while any(_running(pid) for pid in family) and time.monotonic() < deadline:
            time.sleep(0.005)

    def stop(self, timeout: float = 30) -> None:
        if not self.alive():
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.popen.pid, signal.SIGTERM)
        try:
            self.popen.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.kill()


@dataclass
class Ports:
    postgres: int = field(default_factory=common.free_port)
    redis: int = field(default_factory=common.free_port)
    smtp: int = field(default_factory=common.free_port)
    nginx: int = field(default_factory=common.free_port)
    nodes: tuple[int, int] = field(default_factory=lambda: (common.free_port(), common.free_port()))


class Cluster:
    """Start with ``with Cluster() as cluster:``; everything stops when the block ends."""

    def __init__(
        self,
        *,
        workers: int | None = None,
        keep: bool = False,
        extra_env: dict[str, str] | None = None,
    ) -> None:
        """``workers``: gunicorn workers per node (deploy/gunicorn.conf.py's default, two
        per core and one, when None); ``keep``: leave the folder (logs, data)."""
        self.workers = workers
        self.keep = keep
        self.ports = Ports()
        self.folder = Path(tempfile.mkdtemp(prefix="sori-cluster-"))
        self.pg_bin = _postgres_bin()
        self.nginx_bin = _need("nginx", "nginx")
        self.redis_bin = _need("redis-server", "redis-server")
        self.as_root = os.geteuid() == 0
        self.sink = MailSink(self.ports.smtp)
        self.nodes: list[Process | None] = [None, None]
        self.worker: Process | None = None
        self.redis: Process | None = None
        self.nginx: Process | None = None
        self._started: list[Process] = []
        self.pg_data = self.folder / "pg" / "data"
        self.url = f"http://127.0.0.1:{self.ports.nginx}"
        self.database_url = f"postgres://sori@127.0.0.1:{self.ports.postgres}/sori"
        self.env = common.bench_env(
            DATABASE_URL=self.database_url,
            REDIS_URL=f"redis://127.0.0.1:{self.ports.redis}/0",
            CELERY_QUEUE="celery",
            CACHE_KEY_PREFIX="sori",
            SITE_URL=self.url,
            ALLOWED_HOSTS="127.0.0.1,localhost",
            TRUSTED_PROXY_COUNT="1",
            STATIC_MANIFEST="1",
            VAR_DIR=str(self.folder / "var"),
            MAIL_BACKEND="smtp",
            SMTP_HOST="127.0.0.1",
            SMTP_PORT=str(self.ports.smtp),
            SMTP_STARTTLS="0",
            HEALTHZ_TOKEN=HEALTHZ_TOKEN,
            LOG_LEVEL="WARNING",
            # One client address sends all the load (see the module docstring).
            PETITIONS_CHALLENGE="0",
            PETITIONS_MAIL_PER_CLIENT_PER_DAY="0",
            PETITIONS_RATE_IP_BURST="0",
            PETITIONS_RATE_IP_SUSTAINED="0",
            PETITIONS_RATE_PETITION_BURST="0",
            PETITIONS_RATE_PETITION_SUSTAINED="0",
            **(extra_env or {}),
        )
        self.timings: dict[str, float] = {}

    # The whole cluster ---------------------------------------------------------------

    def __enter__(self) -> "Cluster":
        # Stopped from outside (CI's timeout, `timeout make bench ARGS=soak`), it still
        # stops what it started, as on Ctrl-C.
        self._sigterm = signal.signal(signal.SIGTERM, _exit_on_sigterm)
        try:
            self.start()
        except BaseException:
            self.__exit__()
            raise
        return self

    def __exit__(self, *exc) -> None:
        try:
            self.stop()
        finally:
            signal.signal(signal.SIGTERM, self._sigterm)

    def start(self) -> None:
        if self.as_root:
            user = pwd.getpwnam(UNPRIVILEGED)
            os.chown(self.folder, user.pw_uid, user.pw_gid)
        for name, step in (
            ("postgres", self._init_postgres),
            ("redis", self.start_redis),
            ("smtp sink", self.sink.start),
            ("collectstatic", lambda: self.manage("collectstatic", "--noinput", "-v", "0")),
            ("migrate", lambda: self.manage("migrate", "--noinput", "-v", "0")),
            ("seed", self._seed),
            ("nodes", self._start_nodes),
            ("nginx", self._start_nginx),
            ("worker", self.start_worker),
        ):
            began = time.monotonic()
            step()
            self.timings[name] = time.monotonic() - began
        common.wait_for(f"{self.url}/healthz")

    def stop(self) -> None:
        for process in reversed(self._started):
            process.stop()
        with contextlib.suppress(Exception):
            self.sink.stop()
        if self.pg_data.exists():
            self._pg_ctl("stop", "-m", "fast", check=False)
        if self.keep:
            print(f"  cluster folder kept: {self.folder}")
        else:
            shutil.rmtree(self.folder, ignore_errors=True)

    def manage(self, *args: str, **kwargs) -> subprocess.CompletedProcess:
        kwargs.setdefault("stdout", subprocess.DEVNULL)
        return common.manage(self.env, *args, **kwargs)

    def shell(self, script: str) -> str:
        """Run ``script`` in ``manage.py shell``; what it printed after ``RESULT``."""
        output = common.manage(self.env, "shell", "-c", script, capture_output=True, text=True)
        return next(x[7:] for x in output.stdout.splitlines() if x.startswith("RESULT "))

    def sql(self, query: str, *params) -> list[tuple]:
        """Rows of one query, on a connection of its own (the database may have been away)."""
        with psycopg.connect(self.database_url, connect_timeout=5) as connection:
            return connection.execute(query, params).fetchall()

    def _seed(self) -> None:
        self.manage("seed_demo", "--force")
        self.manage("shell", "-c", SETUP)

    def _spawn(self, name: str, command: list[str], *, env=None, user: bool = False) -> Process:
        """Start ``command`` in a new session (its own process group), output to a log."""
        if user:
            command = self._as_user(command)
        log = self.folder / f"{name}.log"
        with log.open("ab") as out:
            popen = subprocess.Popen(
                command,
                env=env or self.env,
                cwd=common.ROOT,
                stdout=out,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
            )
        process = Process(name, popen, log)
        self._started.append(process)
        return process

    def _as_user(self, command: list[str]) -> list[str]:
        """``command`` run as the unprivileged user when we are root (PostgreSQL refuses
        root; nginx then needs no privileges to drop)."""
        if not self.as_root:
            return command
        group = grp.getgrgid(pwd.getpwnam(UNPRIVILEGED).pw_gid).gr_name
        return ["setpriv", "--reuid", UNPRIVILEGED, "--regid", group, "--clear-groups", *command]

    # PostgreSQL ----------------------------------------------------------------------

    def _pg_ctl(self, *args: str, check: bool = True) -> None:
        command = self._as_user([str(self.pg_bin / "pg_ctl"), "-D", str(self.pg_data), *args])
        quiet = {"cwd": self.folder, "stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
        subprocess.run(command, check=check, **quiet)

    def _init_postgres(self) -> None:
        folder = self.folder / "pg"
        folder.mkdir()
        if self.as_root:
            user = pwd.getpwnam(UNPRIVILEGED)
            os.chown(folder, user.pw_uid, user.pw_gid)
        command = [str(self.pg_bin / "initdb"), "-D", str(self.pg_data), "-U", "sori",
                   "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8"]  # fmt: skip
        quiet = {"cwd": self.folder, "stdout": subprocess.DEVNULL}
        subprocess.run(self._as_user(command), check=True, **quiet)
        self.start_postgres()
        admin = f"postgres://sori@127.0.0.1:{self.ports.postgres}/postgres"
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute("CREATE DATABASE sori")

    def start_postgres(self) -> None:
        options = (
            f"-p {self.ports.postgres} -c listen_addresses=127.0.0.1 "
            f"-c unix_socket_directories={self.folder / 'pg'}"
        )
        self._pg_ctl("start", "-w", "-t", "60", "-l", str(self.folder / "pg" / "server.log"),
                     "-o", options)  # fmt: skip

    def stop_postgres(self) -> None:
        self._pg_ctl("stop", "-w", "-m", "fast")

    # Redis ---------------------------------------------------------------------------

    def start_redis(self) -> None:
        """Redis with production's persistence (append-only file), so a restart keeps the
        broker's queue; started again on the same port with the same files."""
        folder = self.folder / "redis"
        folder.mkdir(exist_ok=True)
        command = [self.redis_bin, "--port", str(self.ports.redis), "--bind", "127.0.0.1",
                   "--dir", str(folder), "--appendonly", "yes", "--appendfsync", "everysec",
                   "--save", "", "--daemonize", "no"]  # fmt: skip
        self.redis = self._spawn("redis", command)
        deadline = time.monotonic() + 30
        while not _redis_ready(self.ports.redis):
            if time.monotonic() > deadline or not self.redis.alive():
                raise RuntimeError(f"redis-server did not start; see {self.redis.log}")
            time.sleep(0.05)

    def stop_redis(self) -> None:
        """SIGTERM: Redis writes its append-only file and exits, as on a clean stop."""
        self.redis.stop()

    # Web nodes, nginx, worker ----------------------------------------------------------

    def _start_nodes(self) -> None:
        for index in range(2):
            self.start_node(index, wait=False)
        for index in range(2):
            self.wait_for_node(index)

    def start_node(self, index: int, *, wait: bool = True) -> None:
        port = self.ports.nodes[index]
        env = {
            **self.env,
            "SORI_BIND": f"127.0.0.1:{port}",
            "SORI_ACCESS_LOG": "",
            "SORI_ERROR_LOG": "-",
            "SORI_LOG_LEVEL": "warning",
        }
        if self.workers:
            env["SORI_WORKERS"] = str(self.workers)
        config = common.ROOT / "deploy" / "gunicorn.conf.py"
        command = [common.PYTHON, "-m", "gunicorn", "-c", str(config)]
        self.nodes[index] = self._spawn(f"node{index + 1}", command, env=env)
        if wait:
            self.wait_for_node(index)

    def wait_for_node(self, index: int, timeout: float = 60) -> None:
        common.wait_for(f"http://127.0.0.1:{self.ports.nodes[index]}/healthz", timeout=timeout)

    def kill_node(self, index: int) -> None:
        self.nodes[index].kill()

    def _start_nginx(self) -> None:
        prefix = self.folder / "nginx"
        prefix.mkdir()
        source = common.ROOT / "deploy" / "nginx"
        # The included files are copied beside the configuration: the checkout may be in
        # a folder the unprivileged user cannot read.
        for name in ("sori-maps.conf", "sori-locations.conf"):
            shutil.copy(source / name, prefix / name)
        values = {
            "SORI_NGINX_PREFIX": str(prefix),
            "SORI_NGINX_PORT": str(self.ports.nginx),
            "SORI_UPSTREAM_PORT_1": str(self.ports.nodes[0]),
            "SORI_UPSTREAM_PORT_2": str(self.ports.nodes[1]),
            "SORI_NGINX_CONF_DIR": str(prefix),
        }
        # What `envsubst '${SORI_...}'` does (the template's header): only these names.
        text = (source / "cluster.conf.template").read_text()
        for name, value in values.items():
            text = text.replace("${" + name + "}", value)
        conf = prefix / "nginx.conf"
        conf.write_text(text)
        if self.as_root:
            user = pwd.getpwnam(UNPRIVILEGED)
            for path in (prefix, *prefix.iterdir()):
                os.chown(path, user.pw_uid, user.pw_gid)
        command = [self.nginx_bin, "-p", str(prefix), "-c", str(conf), "-e",
                   str(prefix / "error.log"), "-g", "daemon off;"]  # fmt: skip
        check = subprocess.run(
            self._as_user([*command[:-2], "-t"]), capture_output=True, text=True, cwd=prefix
        )
        if check.returncode:
            raise RuntimeError(f"nginx refused its configuration:\n{check.stderr}")
        self.nginx = self._spawn("nginx", command, user=True)
        common.wait_for(f"{self.url}/healthz")

    def start_worker(self) -> None:
        """One worker with beat, as `make worker` starts it (one process per core)."""
        command = [common.PYTHON, "-m", "celery", "-A", "config", "worker", "-B",
                   "--schedule", str(self.folder / "celerybeat-schedule"),
                   "--loglevel", WORKER_LOGLEVEL, "--hostname", "cluster@%h",
                   *WORKER_FLAGS]  # fmt: skip
        self.worker = self._spawn("worker", command)

    def kill_worker(self) -> None:
        self.worker.kill()

    # Looking inside ------------------------------------------------------------------

    def start_pack(self) -> int:
        return int(self.shell(START_PACK))

    def health(self) -> str:
        request = urllib.request.Request(
            f"{self.url}/healthz?full=1", headers={"Authorization": f"Bearer {HEALTHZ_TOKEN}"}
        )
        try:
            with urllib.request.urlopen(request, timeout=5) as response:
                return response.read().decode()
        except urllib.error.HTTPError as error:
            return error.read().decode()

    def groups(self) -> dict[str, list[int]]:
        """The process ids of each part, for memory figures (children included)."""
        parts: dict[str, list[int]] = {}
        for process in (*self.nodes, self.worker, self.nginx, self.redis):
            if process is not None and process.alive():
                parts[process.name] = common.process_family(process.popen.pid)
        pid_file = self.pg_data / "postmaster.pid"
        if pid_file.exists():
            parts["postgres"] = common.process_family(int(pid_file.read_text().split()[0]))
        return parts

    def tail(self, lines: int = 15) -> str:
        """The end of every log, for a failure message."""
        out = []
        for log in [*sorted(self.folder.glob("*.log")), self.folder / "nginx" / "error.log"]:
            if log.exists():
                text = log.read_text(errors="replace").splitlines()
                if log.name == "error.log":  # at level info: keep nginx's warnings and errors
                    text = [line for line in text if "[warn]" in line or "[error]" in line]
                text = text[-lines:]
                out.append(f"--- {log.name}\n" + "\n".join(text))
        return "\n".join(out)


def _running(pid: int) -> bool:
    """Not exited: a zombie (state Z) has exited and closed its sockets."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def _redis_ready(port: int) -> bool:
    """PONG, not LOADING: Redis answers only once it has read its append-only file."""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(64).startswith(b"+PONG")
    except OSError:
        return False


def _exit_on_sigterm(signum, frame) -> None:
    sys.exit("Cluster stopped (SIGTERM)")
