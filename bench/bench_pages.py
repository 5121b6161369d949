"""Public pages through gunicorn (4 workers) against a bare "hello" view in the same run.

Every server runs at once and wrk goes round the endpoints in short rounds (see
``common.alternate``), so that load from elsewhere on a shared machine falls on all of
them alike. Options: --seconds=N per endpoint (default 12), --rounds=N (default 3).
"""

import contextlib

from . import common

PETITION = "/en/petitions/free-the-prisoners-of-conscience/"
LETTER_ACTION = "/en/letters/write-to-the-minister-of-justice/"


def main(argv: list[str]) -> None:
    options = dict(a.lstrip("-").split("=", 1) for a in argv if "=" in a)
    seconds = int(options.get("seconds", 12))
    rounds = int(options.get("rounds", 3))
    env = common.bench_env()
    common.reset_database(env)
    common.manage(env, "seed_demo", "--force", stdout=common.subprocess.DEVNULL)
    servers = {
        "reference": (env, "bench.reference_wsgi:application"),
        "floor": (env, "bench.floor_wsgi:application"),
        "sori": (env, "config.wsgi"),
        # The petition page without counting its views, for the cost of counting them
        # (held in each worker, passed to the cache once a second; never a database
        # write).
        "sori, no views": ({**env, "PETITIONS_PAGE_VIEWS": "0"}, "config.wsgi"),
        # The petition page through the whole middleware stack (still from its cache),
        # for what the fast path buys.
        "sori, no fast path": ({**env, "PETITIONS_FASTPATH": "0"}, "config.wsgi"),
    }
    endpoints = [
        ("reference: bare hello view", "reference", "/hello"),
        ("floor: hello through Sori's middleware", "floor", "/hello"),
        ("floor: the same, handing out a CSRF token", "floor", "/hello-token"),
        # The shared copy for visitors without a session (lib/pagecache.py), a fresh
        # CSRF token punched in.
        ("home page", "sori", "/en/"),
        ("campaign page", "sori", "/en/campaigns/reform-the-national-security-law/"),
        # A first-time visitor (no cookies): the shared copy, with a fresh CSRF token
        # punched in.
        ("petition page", "sori", PETITION),
        ("count.json", "sori", f"{PETITION.removeprefix('/en')}count.json"),
        # What other sites load (issue 13): the embed in a partner's iframe, and the
        # petition's open data.
        ("petition embed", "sori", f"{PETITION}embed/"),
        ("letter action embed", "sori", f"{LETTER_ACTION}embed/"),
        ("petition open data (.json)", "sori", f"{PETITION.removeprefix('/en').rstrip('/')}.json"),
        ("petition page, views not counted", "sori, no views", PETITION),
        ("petition page, no fast path", "sori, no fast path", PETITION),
    ]
    with contextlib.ExitStack() as stack:
        targets = {}
        bases: dict[str, tuple[str, int]] = {}
        for name, (server_env, app) in servers.items():
            info: dict = {}
            base = stack.enter_context(common.gunicorn(server_env, app, info=info))
            bases[name] = (base, info["pid"])
        for label, server, path in endpoints:
            base, pid = bases[server]
            common.wrk(f"{base}{path}", seconds=1)  # warm: workers booted, caches filled
            targets[label] = common.Target(f"{base}{path}", pid)
        results = common.alternate(targets, seconds=seconds, rounds=rounds)
    reference = results["reference: bare hello view"]
    rows = []
    for label, result in results.items():
        row = {"endpoint": label, **_figures(result)}
        if result is not reference:
            row["ratio"] = result["rps"] / reference["rps"]
        rows.append(row)
    db = "PostgreSQL" if common.is_postgres(env) else "SQLite"
    common.table(
        f"Pages, gunicorn 4 workers, {db}, {seconds}s each in {rounds} alternating rounds, "
        "16 connections",
        rows,
    )
    print(
        "  Targets: petition page >= 0.8x the bare hello view (count.json, the petition "
        "embed and its open data likewise); home and campaign pages >= 0.5x."
    )


def _figures(result: dict) -> dict:
    requests = result["requests"] or 1
    return {
        "req/s": result["rps"],
        "p50 ms": result["p50_ms"],
        "p99 ms": result["p99_ms"],
        "non-2xx": result["non2xx"],
        "worker CPU ms/req": 1000 * result["cpu_s"] / requests,
    }
