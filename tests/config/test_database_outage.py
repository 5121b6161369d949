"""An unreachable database answers 503 "try again", keeping what the person typed."""

import html
import logging
import re
from contextlib import contextmanager

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import translation

from config import outage
from petitions.models import Signature
from tests.factories import PetitionFactory
from tests.petitions.conftest import form_data


@contextmanager
def database_unreachable():
    """New connections fail (a port nobody listens on; a directory that does not exist).

    The open connection is set aside, not closed: SQLite's in-memory test database
    would vanish with it. It is put back, with the real settings, afterwards.
    """
    saved_settings = dict(connection.settings_dict)
    saved_connection = connection.connection
    connection.connection = None
    if connection.vendor == "sqlite":
        connection.settings_dict["NAME"] = "/nonexistent-sori-dir/sori.sqlite3"
    else:
        connection.settings_dict["HOST"] = "127.0.0.1"
        connection.settings_dict["PORT"] = "1"
    try:
        yield
    finally:
        if connection.connection is not None:
            connection.connection.close()
        connection.settings_dict.clear()
        connection.settings_dict.update(saved_settings)
        connection.connection = saved_connection


TYPED_NAME = 'Ji-woo <b>"Kim"</b>'
TYPED_COMMENT = "Free them <script>alert(1)</script>\nnow & forever"


@pytest.fixture(autouse=True)
def _quiet(settings):
    settings.PETITIONS_CHALLENGE = False
    outage.outage_log.reset()
    yield
    outage.outage_log.reset()


@pytest.fixture
def open_petition(campaign):
    return PetitionFactory(campaign=campaign, slug="free-them", title="Free them now", goal=10)


def csrf_client(**headers) -> tuple[Client, str]:
    """A browser that has loaded a page: it holds the CSRF cookie and a token."""
    client = Client(enforce_csrf_checks=True, headers=headers)
    page = client.get("/en/petitions/free-them/").content.decode()
    return client, re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)


def hidden_fields(page: str) -> dict[str, str]:
    return {
        name: value
        for name, value in re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', page)
    }


def signed_form(token: str) -> dict:
    return {
        **form_data(first_name=TYPED_NAME, comment=TYPED_COMMENT),
        "csrfmiddlewaretoken": token,
        "website": "",
        "altcha": "solved-challenge",
        "new_password": "hunter2-secret",
    }


@pytest.mark.django_db(transaction=True)
def test_sign_during_outage_answers_503_keeping_the_typed_form_and_retry_succeeds(
    open_petition,
):
    client, token = csrf_client()
    url = reverse("petitions:sign", args=[open_petition.slug])

    with database_unreachable():
        response = client.post(url, signed_form(token))

    page = response.content.decode()
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "no-store" in response["Cache-Control"]
    assert "Our database is not answering at the moment, so nothing was saved." in page
    assert "Ji-woo &lt;b&gt;&quot;Kim&quot;&lt;/b&gt;" in page
    assert "Free them &lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<script>" not in page and "<b>" not in page
    assert token not in page
    assert "hunter2-secret" not in page
    assert "solved-challenge" not in page
    assert f'<form method="post" action="{url}" class="outage-retry">' in page
    fields = hidden_fields(page)
    assert set(fields) == {
        "csrfmiddlewaretoken", "first_name", "last_name", "email", "country", "display",
        "comment", "source", "sensitive_consent",
    }  # fmt: skip
    assert fields["csrfmiddlewaretoken"] not in ("", token)
    assert fields["first_name"] == "Ji-woo &lt;b&gt;&quot;Kim&quot;&lt;/b&gt;"
    assert Signature.objects.count() == 0

    # The database is back: the one press the page offers posts the same fields again.
    again = client.post(url, {name: html.unescape(value) for name, value in fields.items()})

    assert again.status_code == 302
    assert again["Location"] == "/en/petitions/free-them/thanks/"
    signature = Signature.objects.get()  # tasks run inline: the stored form is signed
    assert signature.first_name == 'Ji-woo <b>"Kim"</b>'
    assert signature.comment == "Free them <script>alert(1)</script>\nnow & forever"


@pytest.mark.django_db(transaction=True)
def test_the_outage_page_is_korean_for_korean_readers(open_petition):
    client, token = csrf_client(accept_language="ko-KR,ko;q=0.9")
    with translation.override("ko"):
        url = reverse("petitions:sign", args=[open_petition.slug])

    with database_unreachable():
        response = client.post(url, signed_form(token))

    page = response.content.decode()
    assert response.status_code == 503
    assert '<html lang="ko">' in page
    assert "<h1>일시적인 서비스 장애</h1>" in page
    assert "지금 데이터베이스가 응답하지 않아 아무것도 저장하지 못했습니다." in page
    assert "30초 정도 기다린 뒤 \u2018다시 시도\u2019를 눌러 다시 보내 주세요." in page
    assert '<button type="submit">다시 시도</button>' in page


@pytest.mark.django_db(transaction=True)
def test_a_get_during_outage_answers_503_without_a_form(open_petition):
    client = Client()

    with database_unreachable():
        response = client.get(reverse("petitions:list"))

    page = response.content.decode()
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "Please wait 30 seconds, then reload this page." in page
    assert "<form" not in page


@pytest.mark.django_db(transaction=True)
def test_an_outage_is_logged_once_per_interval_not_per_request(open_petition, caplog):
    client = Client()

    with caplog.at_level(logging.ERROR), database_unreachable():
        statuses = [client.get(reverse("petitions:list")).status_code for _ in range(3)]

    assert statuses == [503, 503, 503]
    outage_records = [record for record in caplog.records if record.levelno >= logging.ERROR]
    assert [record.name for record in outage_records] == ["config.outage"]
    assert outage_records[0].getMessage().startswith("Database unreachable (OperationalError: ")
    assert (
        outage_records[0]
        .getMessage()
        .endswith("at GET /en/petitions/; answering 503 (0 more since the last report)")
    )


def test_other_errors_are_not_taken_for_an_outage(rf):
    middleware = outage.DatabaseOutageMiddleware(lambda request: None)

    assert middleware.process_exception(rf.get("/en/"), ValueError("not the database")) is None
