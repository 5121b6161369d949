"""Public pages through gunicorn (4 workers) against a bare "hello" view in the same run."""

from . import common


def main(argv: list[str]) -> None:
    env = common.bench_env()
    common.reset_database(env)
    common.manage(env, "seed_demo", "--force", stdout=common.subprocess.DEVNULL)
    seconds = 10
    rows = []
    info: dict = {}
    with common.gunicorn(env, "bench.reference_wsgi:application", info=info) as base:
        common.wrk(f"{base}/hello", seconds=1)  # every worker booted before measuring
        before = common.workers_cpu_seconds(info["pid"])
        reference = common.wrk(f"{base}/hello", seconds=seconds)
        reference["cpu_s"] = common.workers_cpu_seconds(info["pid"]) - before
    rows.append({"endpoint": "reference: bare hello view", **_figures(reference)})
    with common.gunicorn(env, "bench.floor_wsgi:application", info=info) as base:
        for label, path in [
            ("floor: hello through Sori's middleware", "/hello"),
            ("floor: the same, handing out a CSRF token", "/hello-token"),
        ]:
            common.wrk(f"{base}{path}", seconds=1)
            before = common.workers_cpu_seconds(info["pid"])
            result = common.wrk(f"{base}{path}", seconds=seconds)
            result["cpu_s"] = common.workers_cpu_seconds(info["pid"]) - before
            rows.append(
                {"endpoint": label, **_figures(result), "ratio": result["rps"] / reference["rps"]}
            )
    with common.gunicorn(env, info=info) as base:
        for label, path in [
            ("home page", "/"),
            ("campaign page", "/campaigns/reform-the-national-security-law/"),
            # A first-time visitor (no cookies): the shared copy, with a fresh CSRF
            # token punched in.
            ("petition page", "/petitions/free-the-prisoners-of-conscience/"),
            ("count.json", "/petitions/free-the-prisoners-of-conscience/count.json"),
        ]:
            common.wrk(f"{base}{path}", seconds=1)  # warm: first renders, caches
            before = common.workers_cpu_seconds(info["pid"])
            result = common.wrk(f"{base}{path}", seconds=seconds)
            result["cpu_s"] = common.workers_cpu_seconds(info["pid"]) - before
            rows.append(
                {"endpoint": label, **_figures(result), "ratio": result["rps"] / reference["rps"]}
            )
    # The same petition page without counting its views, for the cost of counting them
    # (one more cache round trip per view; never a database write).
    with common.gunicorn({**env, "PETITIONS_PAGE_VIEWS": "0"}, info=info) as base:
        path = "/petitions/free-the-prisoners-of-conscience/"
        common.wrk(f"{base}{path}", seconds=1)
        before = common.workers_cpu_seconds(info["pid"])
        result = common.wrk(f"{base}{path}", seconds=seconds)
        result["cpu_s"] = common.workers_cpu_seconds(info["pid"]) - before
        rows.append(
            {
                "endpoint": "petition page, views not counted",
                **_figures(result),
                "ratio": result["rps"] / reference["rps"],
            }
        )
    db = "PostgreSQL" if common.is_postgres(env) else "SQLite"
    common.table(f"Pages, gunicorn 4 workers, {db}, {seconds}s each, 16 connections", rows)


def _figures(result: dict) -> dict:
    requests = result["requests"] or 1
    return {
        "req/s": result["rps"],
        "p50 ms": result["p50_ms"],
        "p99 ms": result["p99_ms"],
        "non-2xx": result["non2xx"],
        "worker CPU ms/req": 1000 * result["cpu_s"] / requests,
    }
