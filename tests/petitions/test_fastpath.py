"""Cached anonymous petition pages and count.json answered before most middleware."""

import json
import re
from wsgiref.util import setup_testing_defaults
from wsgiref.validate import validator

from django.core.cache import cache
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.middleware.csrf import CSRF_ALLOWED_CHARS
from django.test import Client
from django.urls import reverse
from django.utils import translation

from campaigns.models import Campaign
from lib.fastpage import content_security_policy, mask_secret, random_string
from petitions.hotpath import page_cache, page_views
from tests.petitions.conftest import form_data
from tests.tamper import tampered

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def without_tokens(html: str) -> str:
    return TOKEN.sub('name="csrfmiddlewaretoken" value="-"', html)


def test_the_second_visitor_is_served_before_sessions_and_auth_run(petition):
    url = petition.get_absolute_url()
    rendered = Client().get(url)  # renders through the whole stack and stores the page

    fast = Client().get(url)

    assert hasattr(rendered.wsgi_request, "user")  # went through AuthenticationMiddleware
    assert not hasattr(fast.wsgi_request, "user")  # answered before it
    assert without_tokens(fast.content.decode()) == without_tokens(rendered.content.decode())


def test_fast_answers_carry_the_headers_the_skipped_middleware_would_add(petition):
    url = petition.get_absolute_url()
    rendered = Client().get(url)

    fast = Client().get(url)

    for header in [
        "Content-Security-Policy",
        "X-Frame-Options",
        "Content-Language",
        "X-Content-Type-Options",
        "Referrer-Policy",
    ]:
        assert fast.headers[header] == rendered.headers[header], header
    assert fast.headers["Vary"] == rendered.headers["Vary"] == "Cookie"
    assert fast.headers["Cache-Control"] == "private, no-cache"
    assert fast.cookies["csrftoken"]["samesite"] == "Lax"


def test_a_fast_page_form_signs_under_django_csrf_checks(
    petition, django_capture_on_commit_callbacks
):
    Client().get(petition.get_absolute_url())
    visitor = Client(enforce_csrf_checks=True)
    html = visitor.get(petition.get_absolute_url()).content.decode()
    token = TOKEN.search(html).group(1)

    with django_capture_on_commit_callbacks(execute=True):  # the task that signs
        signed = visitor.post(
            f"/en/petitions/{petition.slug}/sign/", form_data(csrfmiddlewaretoken=token)
        )
    forger = Client(enforce_csrf_checks=True)
    forger.cookies["csrftoken"] = visitor.cookies["csrftoken"].value
    refused = forger.post(
        f"/en/petitions/{petition.slug}/sign/",
        form_data(email="other@example.org", csrfmiddlewaretoken=tampered(token)),
    )

    assert signed.status_code == 302
    assert refused.status_code == 403
    assert petition.signatures.count() == 1


def test_a_visitor_keeps_their_csrf_cookie_and_gets_a_fresh_mask(petition):
    Client().get(petition.get_absolute_url())
    visitor = Client(enforce_csrf_checks=True)
    first = visitor.get(petition.get_absolute_url())
    secret = visitor.cookies["csrftoken"].value

    second = visitor.get(petition.get_absolute_url())

    assert "csrftoken" in first.cookies and "csrftoken" not in second.cookies
    first_token = TOKEN.search(first.content.decode()).group(1)
    second_token = TOKEN.search(second.content.decode()).group(1)
    assert first_token != second_token
    assert visitor.cookies["csrftoken"].value == secret
    data = form_data(csrfmiddlewaretoken=second_token)
    assert visitor.post(f"/en/petitions/{petition.slug}/sign/", data).status_code == 302


def test_the_ref_code_is_filled_in_and_other_queries_take_the_long_way(petition):
    Client().get(petition.get_absolute_url())

    with_ref = Client().get(petition.get_absolute_url(), {"ref": "kakao"})
    other = Client().get(petition.get_absolute_url(), {"utm_source": "x"})

    assert not hasattr(with_ref.wsgi_request, "user")
    assert 'name="source" value="kakao"' in with_ref.content.decode()
    assert hasattr(other.wsgi_request, "user")


def test_korean_readers_get_the_korean_copy(petition):
    with translation.override("ko"):
        korean_url = petition.get_absolute_url()
    Client().get(korean_url)

    fast = Client().get(korean_url)

    assert not hasattr(fast.wsgi_request, "user")
    assert fast.headers["Content-Language"] == "ko"
    assert '<html lang="ko">' in fast.content.decode()


def test_fast_pages_are_counted_as_page_views(petition, settings):
    settings.PETITIONS_PAGE_VIEWS = True
    Client().get(petition.get_absolute_url())

    Client().get(petition.get_absolute_url())
    page_views.flush()

    assert page_views.total_views(petition) == 2


def test_signed_in_people_and_htmx_requests_take_the_long_way(petition, alice, client):
    Client().get(petition.get_absolute_url())
    client.force_login(alice)

    own = client.get(petition.get_absolute_url())
    htmx = Client().get(petition.get_absolute_url(), headers={"HX-Request": "true"})

    assert hasattr(own.wsgi_request, "user") and hasattr(htmx.wsgi_request, "user")


def test_count_json_is_served_fast_once_cached_with_the_same_body(petition):
    url = f"/petitions/{petition.slug}/count.json"
    rendered = Client().get(url)

    fast = Client().get(url)

    assert not hasattr(fast.wsgi_request, "user")
    assert json.loads(fast.content) == json.loads(rendered.content)
    assert fast.headers["Content-Type"] == "application/json"
    assert fast.headers["Cache-Control"] == rendered.headers["Cache-Control"]


def test_nothing_cached_means_the_whole_stack(petition):
    cache.clear()

    response = Client().get(f"/petitions/{petition.slug}/count.json")

    assert hasattr(response.wsgi_request, "user")


def test_a_campaign_taken_back_to_draft_takes_its_cached_petition_pages_down(
    petition, django_capture_on_commit_callbacks
):
    url = petition.get_absolute_url()
    assert Client().get(url).status_code == 200  # rendered and cached
    assert Client().get(url).status_code == 200  # served from the cache

    with django_capture_on_commit_callbacks(execute=True):
        petition.campaign.set_status(Campaign.Status.DRAFT)
    page_cache.clear_local()  # this test is one worker; others' copies expire in seconds

    assert Client().get(url).status_code == 404


def test_random_strings_use_the_csrf_alphabet():
    values = {random_string(32) for _ in range(200)}

    assert len(values) == 200
    assert all(len(v) == 32 and set(v) <= set(CSRF_ALLOWED_CHARS) for v in values)
    assert set("".join(values)) == set(CSRF_ALLOWED_CHARS)  # every character turns up


def test_mask_secret_round_trips_through_django():
    from django.middleware.csrf import _unmask_cipher_token

    secret = random_string(32)

    masked = mask_secret(secret)

    assert len(masked) == 64
    assert _unmask_cipher_token(masked) == secret


def test_a_policy_with_a_nonce_is_left_to_django_and_a_changed_policy_is_rebuilt(
    petition, settings
):
    from django.utils.csp import CSP

    url = petition.get_absolute_url()
    Client().get(url)  # rendered and cached

    settings.SECURE_CSP = {"default-src": [CSP.SELF], "script-src": [CSP.SELF, CSP.NONCE]}
    nonce_policy = content_security_policy()
    with_nonce = Client().get(url)
    settings.SECURE_CSP = {"default-src": [CSP.NONE]}
    changed = Client().get(url)

    assert nonce_policy is None
    # Django's middleware wrote it (a page that uses no nonce gets none).
    assert with_nonce.headers["Content-Security-Policy"] == "default-src 'self'; script-src 'self'"
    assert changed.headers["Content-Security-Policy"] == "default-src 'none'"


def _serve_validated(path: str) -> tuple[str, bytes]:
    """One GET through Django's WSGI handler under wsgiref's validator, as runserver runs it.

    The validator insists, as runserver's handler does, that header names and values
    are plain ``str``. The request_started and request_finished hooks that close
    database connections are held back, as Django's test client holds them back, so the
    test's transaction survives.
    """
    environ: dict = {"PATH_INFO": path, "SCRIPT_NAME": "", "QUERY_STRING": ""}
    setup_testing_defaults(environ)
    started = []
    app = validator(WSGIHandler())
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        result = app(environ, lambda status, headers, exc_info=None: started.append(status))
        body = b"".join(result)
        result.close()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
    return started[0], body


def test_cached_page_and_count_json_pass_the_wsgi_validator_on_every_view(petition):
    page = petition.get_absolute_url()
    count = reverse("petition_count", args=[petition.slug])

    statuses = [_serve_validated(path)[0] for path in (page, page, count, count)]

    assert statuses == ["200 OK", "200 OK", "200 OK", "200 OK"]
