"""SITE_URL, the address every link in mail points to: `make run` and check --deploy."""

import os
import subprocess
from pathlib import Path

import pytest

from config.checks import site_url_check

ROOT = Path(__file__).resolve().parents[2]


def test_make_run_on_another_port_points_mail_links_at_that_port(tmp_path):
    # A stand-in for Python that prints the SITE_URL each command runs with, so the
    # recipe runs without installing, migrating or serving anything.
    python = tmp_path / "python"
    python.write_text('#!/bin/sh\necho "SITE_URL=$SITE_URL $*"\n')
    python.chmod(0o755)
    env = {key: value for key, value in os.environ.items() if key != "SITE_URL"}
    overrides = ["PORT=8001", f"PY={python}", f"STAMP={tmp_path / 'installed'}"]

    result = subprocess.run(
        ["make", "--no-print-directory", "run", *overrides],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.returncode == 0, result.stderr
    assert "SITE_URL=http://127.0.0.1:8001 manage.py runserver 127.0.0.1:8001" in (
        result.stdout.splitlines()
    )


@pytest.mark.parametrize(
    ("site_url", "expected"),
    [
        ("https://sori.example", []),
        ("https://www.sori.example:8443/", []),
        ("http://sori.example", ["config.W001"]),
        ("https://elsewhere.example", ["config.W002"]),
        ("http://127.0.0.1:8000", ["config.W001", "config.W002"]),
    ],
)
def test_check_deploy_warns_about_a_site_url_mail_links_cannot_use(settings, site_url, expected):
    settings.DEBUG = False
    settings.ALLOWED_HOSTS = ["sori.example", ".sori.example"]
    settings.SITE_URL = site_url

    messages = site_url_check(None)

    assert [message.id for message in messages] == expected


def test_development_is_not_warned_about_its_local_site_url(settings):
    settings.DEBUG = True
    settings.ALLOWED_HOSTS = ["localhost"]
    settings.SITE_URL = "http://127.0.0.1:8001"

    assert site_url_check(None) == []
