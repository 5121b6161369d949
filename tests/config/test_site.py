"""Site-wide views: health check, error pages, the development mailbox."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core import mail
from django.core.mail import EmailMultiAlternatives
from django.urls import reverse

from lib.emails import send_templated
from lib.mail import DevMailboxBackend, list_mailbox, read_mail

ROOT = Path(__file__).resolve().parents[2]


def test_healthz_answers_ok_when_the_database_answers(client, db, settings):
    response = client.get("/healthz")

    expected = {"database": "ok", **({"redis": "ok"} if settings.REDIS_URL else {})}
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": expected, "failing": []}
    assert "no-cache" in response.headers["Cache-Control"]


@pytest.mark.parametrize(
    "database_url",
    ["sqlite:////nonexistent-dir/sori.sqlite3", "postgres://root@127.0.0.1:1/nowhere"],
)
def test_healthz_answers_503_naming_the_database_when_it_is_unreachable(database_url):
    code = (
        "import django, json; django.setup();"
        "from django.test import Client;"
        "r = Client().get('/healthz');"
        "print(r.status_code); print(r.content.decode())"
    )
    env = {
        "PATH": os.environ["PATH"],
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "DATABASE_URL": database_url,
        "PYTHONPATH": str(ROOT),
    }

    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )

    status, body = result.stdout.strip().split("\n", 1)
    assert status == "503", result.stderr
    data = json.loads(body)
    assert data["status"] == "error"
    assert data["failing"] == ["database"]
    assert data["checks"]["database"].startswith("error: OperationalError")


def test_unknown_page_gets_the_friendly_404(client, db):
    response = client.get("/no-such-page/")

    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_server_error_page_is_self_contained():
    html = (ROOT / "templates" / "500.html").read_text()

    assert "Something went wrong" in html
    assert "{%" not in html  # renders even when the template engine is what failed


def _mail(to="a@example.org", subject="Hello") -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        subject=subject, body="Open https://sori.example/x now", to=[to]
    )
    message.attach("note.pdf", b"%PDF-1.7 test", "application/pdf")
    return message


def test_dev_mailbox_backend_writes_one_eml_file_per_message(tmp_path):
    backend = DevMailboxBackend(directory=str(tmp_path), alias="default")

    sent = backend.send_messages([_mail(subject="First"), _mail(subject="Second")])

    assert sent == 2
    stored = list_mailbox(tmp_path)
    assert [m.subject for m in stored] == ["Second", "First"]  # newest first
    assert all(p.suffix == ".eml" for p in tmp_path.iterdir())


@pytest.fixture
def dev_mail(settings, tmp_path):
    settings.MAILERS = {
        "default": {
            "BACKEND": "lib.mail.DevMailboxBackend",
            "OPTIONS": {"directory": str(tmp_path)},
        }
    }
    settings.DEV_MAIL_DIR = tmp_path
    settings.DEV_MAILBOX = True
    return tmp_path


def test_dev_mailbox_lists_and_shows_messages_with_clickable_links(client, db, dev_mail):
    _mail(to="signer@example.org", subject="Please confirm").send()
    name = list_mailbox(dev_mail)[0].name

    listing = client.get(reverse("dev_mailbox")).content.decode()
    detail = client.get(reverse("dev_mail_detail", args=[name])).content.decode()
    attachment = client.get(reverse("dev_mail_attachment", args=[name, 0]))

    assert "Please confirm" in listing and "signer@example.org" in listing
    assert '<a href="https://sori.example/x"' in detail
    assert "note.pdf" in detail
    assert attachment.status_code == 200
    assert b"".join(attachment.streaming_content) == b"%PDF-1.7 test"


def test_dev_mailbox_refuses_odd_names(client, db, dev_mail):
    (dev_mail / "secret.txt").write_text("x")

    response = client.get(reverse("dev_mail_detail", args=["secret.txt"]))

    assert response.status_code == 404
    with pytest.raises(FileNotFoundError):
        read_mail(dev_mail, "../settings.py")


def test_dev_mailbox_is_off_unless_enabled(client, db, settings):
    settings.DEV_MAILBOX = False

    assert client.get(reverse("dev_mailbox")).status_code == 404


def test_templated_mail_renders_subject_text_and_html_in_the_recipients_language(db):
    send_templated(
        "my_data_link",
        to=["a@example.org"],
        context={"url": "https://sori.example/my-data/t/"},
        language="en",
    )

    message = mail.outbox[0]
    assert message.subject == "Your link to see or erase your data"
    assert "https://sori.example/my-data/t/" in message.body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert '<a href="https://sori.example/my-data/t/">' in html


def test_healthz_names_redis_when_it_is_unreachable_and_stays_up():
    code = (
        "import django; django.setup();"
        "from django.test import Client;"
        "r = Client().get('/healthz'); print(r.status_code); print(r.content.decode())"
    )
    env = {
        "PATH": os.environ["PATH"],
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "VAR_DIR": "/tmp/sori-healthz-test",
        "REDIS_URL": "redis://127.0.0.1:1/0",
        "PYTHONPATH": str(ROOT),
    }

    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )

    status, body = result.stdout.strip().split("\n", 1)
    # Sori serves without Redis: the node stays in the load balancer, named degraded.
    assert status == "200", result.stderr
    assert json.loads(body)["failing"] == ["redis"]
    assert json.loads(body)["status"] == "degraded"
