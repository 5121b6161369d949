"""A partner's page with a strict CSP, on another origin, embeds a petition and a letter.

The host is a small http.server on 127.0.0.1 (another site than the live server's
localhost, so the frame is third-party as on a real partner's page). Its policy is
``default-src 'self'; frame-src <sori>; script-src 'self'``: the resize snippet is
served by the host itself, copied as it is from static/embed/resize.js.
"""

import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.contrib.staticfiles import finders
from django.core import mail
from playwright.sync_api import expect

from letters.models import Letter, LetterAction
from petitions.hotpath import page_cache
from petitions.models import Signature
from tests.factories import CampaignFactory, LetterActionFactory, PetitionFactory, TargetFactory

HOST_JS = """
document.addEventListener("sori:completed", function (event) {
  var line = document.createElement("li");
  line.textContent = event.detail.type + " " + event.detail.action + " " + event.detail.slug;
  document.getElementById("events").appendChild(line);
});
"""


def host_page(frame_src: str, title: str) -> str:
    return (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>Partner</title>"
        "<script src='/host.js' defer></script><script src='/resize.js' defer></script>"
        "</head><body><h1>A partner's article</h1>"
        f"<iframe src='{frame_src}' title='{title}' width='100%' height='200' "
        "loading='lazy' frameborder='0'></iframe><ul id='events'></ul></body></html>"
    )


class Host:
    """A partner's site on its own origin, serving one page that frames ``frame_src``."""

    def __init__(self, sori_origin: str):
        self.sori_origin = sori_origin
        self.page = ""
        with open(finders.find("embed/resize.js"), encoding="utf-8") as file:
            resize = file.read()
        host = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                files = {
                    "/": ("text/html", host.page),
                    "/resize.js": ("text/javascript", resize),
                    "/host.js": ("text/javascript", HOST_JS),
                    "/favicon.ico": ("image/x-icon", ""),
                }
                if self.path not in files:
                    self.send_error(404)
                    return
                kind, body = files[self.path]
                self.send_response(200)
                self.send_header("Content-Type", f"{kind}; charset=utf-8")
                self.send_header(
                    "Content-Security-Policy",
                    f"default-src 'self'; frame-src {host.sori_origin}; script-src 'self'",
                )
                self.end_headers()
                self.wfile.write(body.encode())

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.origin = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def hosts(live_server):
    started = []

    def start() -> Host:
        host = Host(live_server.url)
        started.append(host)
        return host

    yield start
    for host in started:
        host.close()


@pytest.fixture(autouse=True)
def _fresh_page_copies():
    page_cache.clear_local()  # the live server shares this process's page copies


@pytest.fixture
def private_files(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "private")},
        },
    }


def test_strict_csp_host_embeds_a_petition_signed_without_cookies(
    browser, hosts, live_server, settings
):
    settings.SITE_URL = live_server.url  # the confirmation link in the mail points here
    host = hosts()
    campaign = CampaignFactory(slug="free-speech", embed_origins=host.origin)
    petition = PetitionFactory(campaign=campaign, slug="free-them", title="Free them now")
    host.page = host_page(f"{live_server.url}/en/petitions/free-them/embed/", "Free them now")
    context = browser.new_context(locale="en-GB")
    context.set_default_timeout(15_000)
    page = context.new_page()
    host_errors = []
    page.on("console", lambda m: m.type == "error" and host_errors.append(m.text))

    page.goto(host.origin + "/")
    frame = page.frame_locator("iframe")
    expect(frame.get_by_role("heading", level=1)).to_have_text("Free them now")
    iframe = page.locator("iframe")
    expect(iframe).not_to_have_attribute("height", "200")  # resized by the snippet
    first_height = int(iframe.get_attribute("height"))
    assert first_height > 600

    frame.get_by_label("First name").fill("Ji-woo")
    frame.get_by_label("Email address", exact=True).fill("jiwoo@example.org")
    frame.get_by_label("Country").select_option("KR")
    frame.get_by_label("I agree to the processing of my details").check()
    frame.get_by_role("button", name="Sign the petition").click()

    expect(frame.get_by_role("heading", level=1)).to_have_text("One more step: check your email")
    expect(page.locator("#events li")).to_have_text(["sori:completed petition free-them"])
    expect(iframe).not_to_have_attribute("height", str(first_height))  # shorter now
    assert context.cookies() == []  # nothing stored for Sori (or anyone)
    signature = Signature.objects.get()
    # The frame solved the proof-of-work challenge: nothing is held for review.
    assert (signature.status, signature.review_reason, signature.source) == (
        "pending",
        "",
        "embed",
    )
    assert host_errors == []

    link = re.search(r"https?://[^/\s]+(/en/petitions/confirm/[^/\s]+/)", mail.outbox[0].body)
    mailbox = browser.new_context(base_url=live_server.url)
    confirming = mailbox.new_page()
    confirming.goto(link.group(1))
    confirming.get_by_role("button", name="Confirm my signature").click()
    expect(confirming.locator(".message")).to_have_text(
        "Thank you! Your signature is confirmed and counted."
    )
    petition.refresh_from_db()
    assert petition.signature_count == 1
    mailbox.close()
    context.close()


def test_a_host_off_the_allowlist_is_refused_by_the_browser(browser, hosts, live_server):
    allowed, other = hosts(), hosts()
    campaign = CampaignFactory(slug="free-speech", embed_origins=allowed.origin)
    PetitionFactory(campaign=campaign, slug="free-them", title="Free them now")
    other.page = host_page(f"{live_server.url}/en/petitions/free-them/embed/", "Free them now")
    context = browser.new_context()
    page = context.new_page()
    blocked = []
    page.on("console", lambda m: "frame-ancestors" in m.text and blocked.append(m.text))

    page.goto(other.origin + "/", wait_until="load")

    frame = page.frames[1]
    expect(page.locator("iframe")).to_have_attribute("height", "200")
    assert "Free them now" not in frame.content()
    assert blocked  # Chromium says why: the frame-ancestors directive
    context.close()


def test_strict_csp_host_embeds_a_letter_action(browser, hosts, live_server, private_files):
    host = hosts()
    campaign = CampaignFactory(slug="write-in", embed_origins=host.origin)
    target = TargetFactory(name="The Minister of Justice", email="minister@officials.example")
    action = LetterActionFactory(
        campaign=campaign, slug="write-now", title="Write to the Minister", targets=[target]
    )
    host.page = host_page(f"{live_server.url}/en/letters/write-now/embed/", "Write")
    context = browser.new_context(locale="en-GB")
    context.set_default_timeout(15_000)
    page = context.new_page()

    page.goto(host.origin + "/")
    frame = page.frame_locator("iframe")
    expect(frame.get_by_role("heading", level=1)).to_have_text("Write to the Minister")
    frame.get_by_label("First name").fill("Ji-woo")
    frame.get_by_label("Last name").fill("Kim")
    frame.get_by_label("Email address", exact=True).fill("jiwoo@example.org")
    frame.get_by_label("Town or city").fill("Busan")
    frame.get_by_label("Country").select_option("KR")
    frame.get_by_label("Email my letter to the official for me").check()
    frame.locator("input[name=consent]").check()
    frame.get_by_role("button", name="Write my letter").click()

    expect(frame.get_by_role("heading", level=1)).to_have_text("Thank you for writing")
    expect(page.locator("#events li")).to_have_text(["sori:completed letter write-now"])
    assert context.cookies() == []
    letter = Letter.objects.get()
    assert (letter.action_id, letter.delivery) == (action.pk, Letter.Delivery.EMAIL)
    assert LetterAction.objects.get().letter_count == 1
    context.close()
