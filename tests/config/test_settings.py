"""Settings are read from the environment; bad values stop start-up by name."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from lib.env import env_bool, env_int, env_list, parse_database_url, parse_redis_url

ROOT = Path(__file__).resolve().parents[2]


def run_python(args: list[str], **env: str) -> subprocess.CompletedProcess:
    """Start Python with config.settings and only the given variables (plus PATH)."""
    clean = {
        "PATH": os.environ["PATH"],
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "VAR_DIR": env.pop("VAR_DIR", "/tmp/sori-settings-test"),
        **env,
    }
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=clean, capture_output=True, text=True, timeout=60
    )


def run_django(code: str, **env: str) -> subprocess.CompletedProcess:
    return run_python(["-c", f"import django; django.setup(); {code}"], **env)


def run_module(args: list[str], **env: str) -> subprocess.CompletedProcess:
    return run_python(["-m", *args], **env)


def test_env_bool_reads_words_and_refuses_others(monkeypatch):
    monkeypatch.setenv("FLAG", "yes")
    assert env_bool("FLAG") is True
    monkeypatch.setenv("FLAG", "off")
    assert env_bool("FLAG", True) is False
    monkeypatch.setenv("FLAG", "maybe")
    with pytest.raises(ImproperlyConfigured, match="FLAG must be one of"):
        env_bool("FLAG")


def test_env_int_and_list(monkeypatch):
    monkeypatch.setenv("N", "12")
    monkeypatch.setenv("HOSTS", " a.example, b.example ,,")
    assert env_int("N", 3) == 12
    assert env_list("HOSTS") == ["a.example", "b.example"]
    monkeypatch.setenv("N", "twelve")
    with pytest.raises(ImproperlyConfigured, match="N must be a whole number"):
        env_int("N", 3)


def test_parse_database_url_reads_postgres():
    config = parse_database_url("postgres://sori:s3cret@db.internal:5433/sori")

    assert (config["ENGINE"], config["NAME"], config["USER"], config["HOST"], config["PORT"]) == (
        "django.db.backends.postgresql",
        "sori",
        "sori",
        "db.internal",
        5433,
    )


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("mysql://root@localhost/sori", "DATABASE_URL must start with postgres:// or sqlite:///"),
        ("postgres://sori:pw@localhost:5432", "DATABASE_URL names no database"),
        ("not a url", "DATABASE_URL must start with"),
    ],
)
def test_parse_database_url_refuses_malformed_urls_by_name(url, message):
    with pytest.raises(ImproperlyConfigured, match=message):
        parse_database_url(url)


def test_database_url_errors_never_print_the_password():
    with pytest.raises(ImproperlyConfigured) as error:
        parse_database_url("mysql://sori:hunter2@localhost/sori")

    assert "hunter2" not in str(error.value)


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("http://localhost:6379", "REDIS_URL must start with redis://"),
        ("redis://localhost:notaport/0", "REDIS_URL has an invalid port"),
        ("redis:///0", "REDIS_URL names no host"),
    ],
)
def test_parse_redis_url_refuses_malformed_urls_by_name(url, message):
    with pytest.raises(ImproperlyConfigured, match=message):
        parse_redis_url(url)


@pytest.mark.parametrize("module", ["config.wsgi", "config.asgi"])
def test_production_without_secret_key_refuses_to_start(module):
    result = run_django(f"import {module}; print('started')", DEBUG="0")

    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr
    assert "started" not in result.stdout


def test_a_worker_without_secret_key_refuses_to_start():
    result = run_module(["celery", "-A", "config", "worker", "--pool=solo"], DEBUG="0")

    assert result.returncode == 1
    assert "Sori's worker does not start: SECRET_KEY is not set" in result.stderr


def test_check_deploy_reports_a_missing_secret_key():
    result = run_module(["django", "check", "--deploy"], DEBUG="0")

    assert result.returncode != 0
    assert "(config.E001) SECRET_KEY is not set" in result.stderr


def test_the_migrations_check_needs_no_environment():
    result = run_module(["django", "makemigrations", "--check", "--dry-run"])

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "No changes detected"


def test_development_runs_with_the_default_key():
    result = run_django("from django.conf import settings; print(settings.DEBUG)", DEBUG="1")

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "True"


@pytest.mark.parametrize(
    ("variable", "value"),
    [("DATABASE_URL", "mysql://x@y/z"), ("REDIS_URL", "http://localhost:6379")],
)
def test_malformed_service_urls_stop_start_up_naming_the_setting(variable, value):
    result = run_django("print('started')", DEBUG="1", **{variable: value})

    assert result.returncode != 0
    assert f"{variable} must start with" in result.stderr


def test_default_sqlite_uses_wal_and_immediate_transactions(tmp_path):
    code = (
        "from django.db import connection; c = connection.cursor();"
        "c.execute('PRAGMA journal_mode'); print(c.fetchone()[0]);"
        "print(connection.transaction_mode)"
    )

    result = run_django(code, DEBUG="1", VAR_DIR=str(tmp_path))

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["wal", "IMMEDIATE"]


def test_redis_url_switches_cache_and_celery_to_redis():
    code = (
        "from django.conf import settings;"
        "print(settings.CACHES['default']['BACKEND']);"
        "print(settings.CELERY_BROKER_URL, settings.CELERY_TASK_ALWAYS_EAGER)"
    )

    with_redis = run_django(code, DEBUG="1", REDIS_URL="redis://127.0.0.1:6379/5")
    without = run_django(code, DEBUG="1")

    assert with_redis.stdout.split() == [
        "lib.cache.RedisCache",
        "redis://127.0.0.1:6379/5",
        "False",
    ]
    assert without.stdout.split() == [
        "django.core.cache.backends.locmem.LocMemCache",
        "memory://",
        "True",
    ]


def test_check_deploy_is_clean_with_production_values(tmp_path):
    env = {
        "PATH": os.environ["PATH"],
        "DEBUG": "0",
        "SECRET_KEY": "Zk8xq0W3n_Qm7y2Lp9Rt5Vb1Hc6Jd4Fg8Ks0Nw2Ex7Uy3Ia5Oz9Pl1Mr6Tq4Sv0",
        "ALLOWED_HOSTS": "sori.example",
        "SITE_URL": "https://sori.example",
        "MAIL_BACKEND": "smtp",
        "STRIPE_SECRET_KEY": "sk_test_x",
        "STRIPE_PUBLISHABLE_KEY": "pk_test_x",
        "STRIPE_WEBHOOK_SECRET": "whsec_x",
        "VAR_DIR": str(tmp_path),
    }

    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_csp_header_is_strict(client, db):
    response = client.get("/en/")

    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "style-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy


def test_hsts_preload_is_opt_in():
    code = "from django.conf import settings; print(settings.SECURE_HSTS_PRELOAD)"
    production = {"DEBUG": "0", "SECRET_KEY": "x" * 50}

    default = run_django(code, **production)
    opted_in = run_django(code, HSTS_PRELOAD="1", **production)

    assert (default.stdout.strip(), opted_in.stdout.strip()) == ("False", "True")


@pytest.mark.parametrize(("value", "expected"), [(None, True), ("1", True), ("0", False)])
def test_petitions_fastpath_setting_puts_the_middleware_in_or_takes_it_out(value, expected):
    code = (
        "from django.conf import settings;"
        "print(any(m.endswith('.PetitionFastPathMiddleware') for m in settings.MIDDLEWARE),"
        " 'lib.pagecache.PageCacheMiddleware' in settings.MIDDLEWARE)"
    )

    result = run_django(code, DEBUG="1", **({"PETITIONS_FASTPATH": value} if value else {}))

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [str(expected), "True"]


def test_pages_cache_seconds_is_read_from_the_environment():
    code = "from django.conf import settings; print(settings.PAGES_CACHE_SECONDS)"

    default = run_django(code, DEBUG="1")
    off = run_django(code, DEBUG="1", PAGES_CACHE_SECONDS="0")

    assert (default.stdout.strip(), off.stdout.strip()) == ("10", "0")
