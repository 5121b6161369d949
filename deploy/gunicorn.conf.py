"""Gunicorn settings for Sori's web nodes: `gunicorn -c deploy/gunicorn.conf.py`.

Every value can be changed from the environment (systemd's EnvironmentFile, or the
cluster test), so one file serves production and tests:

    SORI_BIND                 where to listen, comma-separated   (default 127.0.0.1:8000)
    SORI_WORKERS              number of worker processes          (default 2 x cores + 1)
    SORI_WORKERS_MAX          cap on the computed default          (default 12)
    SORI_TIMEOUT              seconds a request may take          (default 60)
    SORI_GRACEFUL_TIMEOUT     seconds to finish requests on stop  (default 30)
    SORI_MAX_REQUESTS         recycle a worker after this many    (default 2000; 0 = never)
    SORI_MAX_REQUESTS_JITTER  random extra, so workers recycle apart (default 10%)
    SORI_FORWARDED_ALLOW_IPS  proxies whose X-Forwarded-Proto is trusted (default 127.0.0.1,::1)
    SORI_ACCESS_LOG           "-" (stdout, journald), a file, or "" for none (default "-")
    SORI_ERROR_LOG            "-" (stderr, journald) or a file     (default "-")
    SORI_LOG_LEVEL            gunicorn's own log level             (default info)
    SORI_WORKER_TMP_DIR       workers' heartbeat files             (default /dev/shm)

A command-line flag still wins over this file (`--bind 0.0.0.0:8001`).
"""

import multiprocessing
import os
import re

from gunicorn import glogging


def _int(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        return int(raw)
    except ValueError:
        raise SystemExit(f"{name} must be a whole number; got {raw!r}.") from None


def _list(name: str, default: str) -> list[str]:
    return [part.strip() for part in os.environ.get(name, default).split(",") if part.strip()]


wsgi_app = "config.wsgi:application"

# Where to listen. A web node behind a separate nginx host binds its private address
# (SORI_BIND=10.0.0.11:8000); with nginx on the same machine, loopback is enough.
bind = _list("SORI_BIND", "127.0.0.1:8000")

# Sync workers, 2 x cores + 1, capped: Sori's requests are short and mostly wait on
# PostgreSQL and Redis, so one extra process per core keeps the CPU busy while others
# wait. The cap keeps PostgreSQL's connection count in bounds on big machines (each
# worker holds one connection; see deploy/postgresql.conf.d/sori.conf) and memory too
# (a worker rendering a letter batch with WeasyPrint can reach a few hundred MB).
workers = _int(
    "SORI_WORKERS", min(2 * multiprocessing.cpu_count() + 1, _int("SORI_WORKERS_MAX", 12))
)
worker_class = "sync"

# A sync worker busy longer than this is killed and the client gets a 502 from nginx.
# Normal pages take milliseconds; the long ones are streamed signature exports (a
# million rows: about ten seconds, docs/architecture.md) and delivery-pack downloads.
# Keep it above the longest export you expect and below nginx's proxy_read_timeout.
timeout = _int("SORI_TIMEOUT", 60)
graceful_timeout = _int("SORI_GRACEFUL_TIMEOUT", 30)
# Sync workers close the connection after each response, so this only matters for
# other worker classes; nginx's upstream keepalive is harmless either way.
keepalive = 5

# Recycle each worker after about this many requests, with jitter so that they do not
# all restart at the same moment: bounds the memory that WeasyPrint, fontTools and
# Python's allocator keep after big PDFs.
max_requests = _int("SORI_MAX_REQUESTS", 2000)
max_requests_jitter = _int("SORI_MAX_REQUESTS_JITTER", max(max_requests // 10, 0))

# preload_app stays off: each worker imports Django after the fork. Preloading would
# save some memory and start faster, but
#  - a `systemctl reload` (HUP) would not pick up new code: with preload the master keeps
#    the modules it loaded, so a deploy would need a full restart and drop connections;
#  - anything opened at import (a database or Redis connection, the redis-py pool that
#    lib/cache.py reuses, random state) would be shared by every forked worker, which is
#    how sockets end up crossed between processes;
#  - a worker that fails to import (say, a missing SECRET_KEY, which config/wsgi.py
#    refuses) fails in the worker and is reported per worker rather than taking the
#    master down before it binds: the same behaviour as `make run`.
preload_app = False

# Workers' heartbeat files in memory, not on a disk that may stall (gunicorn's FAQ;
# systemd's PrivateTmp gives /tmp a disk-backed directory).
worker_tmp_dir = os.environ.get("SORI_WORKER_TMP_DIR", "/dev/shm")  # noqa: S108 (gunicorn's advice)

# The proxy in front (nginx) sets X-Forwarded-Proto; gunicorn believes it only from
# these addresses. Django reads the same header when PROXY_SSL_HEADER=1, and the client
# address for rate limits from X-Forwarded-For with TRUSTED_PROXY_COUNT (lib/http.py).
forwarded_allow_ips = ",".join(_list("SORI_FORWARDED_ALLOW_IPS", "127.0.0.1,::1"))
secure_scheme_headers = {"X-FORWARDED-PROTO": "https"}

# Logs to stdout/stderr by default: systemd's journal keeps and rotates them
# (docs/deploy.md, "Logs"). Sori stores no client addresses (only keyed hashes), so the
# access line has none either: time, request, status, bytes, duration in microseconds
# and the user agent. Links mailed to people carry secret tokens in their paths
# (/petitions/confirm/<token>/, /my-data/<token>/, /letters/l/<token>/ ...), so the path
# is logged with those segments replaced by ":token" (RedactingLogger below) and the
# query string is never logged (%(U)s is the path alone).
accesslog = os.environ.get("SORI_ACCESS_LOG", "-") or None
errorlog = os.environ.get("SORI_ERROR_LOG", "-")
loglevel = os.environ.get("SORI_LOG_LEVEL", "info")
access_log_format = '%(t)s "%(m)s %(U)s" %(s)s %(B)s %(D)sus "%(a)s"'

# The same list as deploy/nginx/*.conf's $sori_log_uri map.
_TOKEN_PATH = re.compile(
    r"^/(my-data|letters/l|letters/confirm|petitions/confirm|petitions/withdraw"
    r"|donate/thanks|donate/monthly)/[^/]+"
)


class RedactingLogger(glogging.Logger):
    """Gunicorn's logger, with secret tokens taken out of logged paths."""

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        atoms["U"] = _TOKEN_PATH.sub(r"/\1/:token", atoms["U"])
        atoms["r"] = f"{atoms['m']} {atoms['U']} {atoms['H']}"
        return atoms


logger_class = RedactingLogger
# Application logs (Django's LOGGING writes to stderr) go to the same place.
capture_output = False

proc_name = "sori-web"

# Gunicorn 24+ opens a control socket under ~/.gunicorn by default: unused here, it would
# be refused by ProtectSystem=strict, and two servers on one machine (the cluster test)
# would fight over the same path.
control_socket_disable = True
