"""Signers and readers at a steady rate through nginx, every answer counted by phase.

Each signer opens the petition page once, as a browser does (CSRF cookie and token),
then POSTs the sign form with a new address each time; a 302 to the thanks page is an
acknowledged signature, whose address is kept for the checks. Each reader goes round
the public pages (the petition page with its CSRF cookie, as a returning visitor,
``count.json``, another petition, a campaign page, the home page). Both keep their
connection to nginx open, as browsers do, and pace themselves to a fixed rate (an
answer that comes late is followed at once by the next, never by a burst); there are
enough of them that slow answers do not lower the rate (``Load``).

The scenario names the current phase (``load.phase = "Redis stopped"``); each answer is
counted under the phase in which its request began: status, latency, whether the page
was a stale copy (``Warning: 110`` from the application; nginx's micro-cache answering
from an old copy is counted apart) and whether a 503 carried ``Retry-After``. The
times of 502s, 504s and failed connections are kept, to tell the requests in flight
when a node died from any others.
"""

import collections
import http.client
import math
import re
import threading
import time
from dataclasses import dataclass, field
from urllib.parse import urlencode, urlsplit

from . import cluster, common

# Pages carry their language in the address; count.json has one address for all.
SIGN_PATH = f"/en/petitions/{cluster.SIGN_SLUG}/"
READ_PATHS = (
    SIGN_PATH,
    f"/petitions/{cluster.SIGN_SLUG}/count.json",
    f"/ko/petitions/{cluster.DEMO_PETITION}/",
    f"/en/campaigns/{cluster.CAMPAIGN}/",
    "/en/",
)
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
COOKIE = re.compile(r"csrftoken=([^;]+)")


@dataclass
class Tally:
    """The answers of one kind (sign or page) in one phase."""

    statuses: collections.Counter = field(default_factory=collections.Counter)
    seconds: list[float] = field(default_factory=list)
    stale: int = 0  # the application's stale copies (Warning: 110)
    nginx_stale: int = 0  # nginx's micro-cache answering with an old copy, upstream failing
    retry_after: int = 0  # 503s with Retry-After

    @property
    def total(self) -> int:
        return sum(self.statuses.values())

    def count(self, *codes: int) -> int:
        return sum(self.statuses[code] for code in codes)

    def p(self, percent: float) -> float:
        return 1000 * common.percentile(self.seconds, percent)


class Load:
    """``sign_rate`` sign POSTs and ``page_rate`` page GETs a second, until ``stop()``."""

    def __init__(
        self,
        base_url: str,
        *,
        sign_rate: float,
        page_rate: float,
        signers: int | None = None,
        readers: int | None = None,
    ) -> None:
        """Each signer or reader has one request in flight at a time, so the rates hold
        only while answers come faster than its share of them: by default a signer sends
        at most two a second (answers up to 0.5 s keep the rate) and a reader eight."""
        parts = urlsplit(base_url)
        self.host, self.port = parts.hostname, parts.port
        self.sign_rate, self.page_rate = sign_rate, page_rate
        self.signers = signers or max(2, math.ceil(sign_rate / 2))
        self.readers = readers or max(2, math.ceil(page_rate / 8))
        self.run = f"c{time.time_ns() // 1_000_000}"
        self.phase = "warm-up"
        self.phases: list[str] = []  # in the order they began
        self.tallies: dict[tuple[str, str], Tally] = {}
        self.acknowledged: set[str] = set()
        self.refused: dict[str, int] = {}  # address -> status, for every other answer
        # (began, ended, status, phase, kind) of every 502, 504 or failed connection.
        self.failures: list[tuple[float, float, int, str, str]] = []
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []

    @property
    def connections(self) -> int:
        return self.signers + self.readers

    def start(self) -> None:
        for number in range(self.signers):
            self._spawn(self._signer, number, self.sign_rate / self.signers)
        for number in range(self.readers):
            self._spawn(self._reader, number, self.page_rate / self.readers)

    def stop(self) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=120)

    def tally(self, phase: str, kind: str) -> Tally:
        return self.tallies.get((phase, kind), Tally())

    def _spawn(self, target, number: int, rate: float) -> None:
        if rate <= 0:
            return
        thread = threading.Thread(target=target, args=(number, 1 / rate), daemon=True)
        thread.start()
        self._threads.append(thread)

    def _record(self, phase: str, kind: str, status: int, seconds: float, headers) -> None:
        ended = time.monotonic()
        with self._lock:
            if phase not in self.phases:
                self.phases.append(phase)
            tally = self.tallies.setdefault((phase, kind), Tally())
            tally.statuses[status] += 1
            tally.seconds.append(seconds)
            tally.stale += "110" in headers.get("Warning", "")
            tally.nginx_stale += headers.get("X-Cache-Status") == "STALE"
            tally.retry_after += status == 503 and bool(headers.get("Retry-After"))
            if status in (0, 502, 504):
                self.failures.append((ended - seconds, ended, status, phase, kind))

    def _paced(self, interval: float):
        """Yield at ``interval`` seconds apart, until stopped."""
        due = time.monotonic()
        while not self._stop.is_set():
            now = time.monotonic()
            if due > now:
                self._stop.wait(due - now)
                continue
            yield
            due = max(due + interval, time.monotonic() - interval)

    def _request(self, client: "_Client", kind: str, method: str, path: str, body=None):
        phase = self.phase
        began = time.monotonic()
        status, headers, text = client.request(method, path, body)
        self._record(phase, kind, status, time.monotonic() - began, headers)
        return status, headers, text

    def _signer(self, number: int, interval: float) -> None:
        client = _Client(self.host, self.port)
        token = ""
        sent = 0
        for _ in self._paced(interval):
            if not token:  # the page a browser shows before its first POST
                status, _headers, text = client.request("GET", SIGN_PATH)
                found = TOKEN.search(text)
                token = found.group(1) if status == 200 and found and client.csrf else ""
                continue
            sent += 1
            address = f"{self.run}-{number}-{sent}@example.org"
            form = {
                "csrfmiddlewaretoken": token,
                "first_name": "Cluster",
                "last_name": "Signer",
                "email": address,
                "country": "KR",
                "display": "initials",
                "comment": "",
                "sensitive_consent": "on",
                "source": "cluster",
            }
            status, headers, _text = self._request(
                client, "sign", "POST", f"{SIGN_PATH}sign/", urlencode(form)
            )
            acknowledged = status == 302 and "/thanks/" in headers.get("Location", "")
            with self._lock:
                if acknowledged:
                    self.acknowledged.add(address)
                else:
                    self.refused[address] = status
        client.close()

    def _reader(self, number: int, interval: float) -> None:
        client = _Client(self.host, self.port)
        turn = number
        for _ in self._paced(interval):
            path = READ_PATHS[turn % len(READ_PATHS)]
            turn += 1
            self._request(client, "page", "GET", path)
        client.close()


class _Client:
    """One keep-alive connection to nginx and a browser's CSRF cookie. Answers the
    status, the headers (looked up case-insensitively) and the body; status 0 for a
    failed connection (reconnected on the next request)."""

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.csrf = ""
        self._connection: http.client.HTTPConnection | None = None

    def request(self, method: str, path: str, body: str | None = None):
        headers = {"User-Agent": "sori-cluster-test", "Accept-Language": "en"}
        if self.csrf:
            headers["Cookie"] = f"csrftoken={self.csrf}"
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            if self._connection is None:
                self._connection = http.client.HTTPConnection(self.host, self.port, timeout=120)
            self._connection.request(method, path, body=body, headers=headers)
            response = self._connection.getresponse()
            text = response.read().decode("utf-8", "replace")
        except (OSError, http.client.HTTPException):
            self.close()
            return 0, http.client.HTTPMessage(), ""
        for value in response.msg.get_all("Set-Cookie") or ():
            cookie = COOKIE.search(value)
            if cookie:
                self.csrf = cookie.group(1)
        if response.will_close:
            self.close()
        return response.status, response.msg, text

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None
