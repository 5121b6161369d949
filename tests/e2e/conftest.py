"""Browser tests: Playwright drives Debian's Chromium against pytest-django's live server.

They skip, saying why, when /usr/bin/chromium is missing (``apt-get install chromium``).
A failing test leaves a screenshot under var/e2e/.
"""

import os
import re
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "e2e"
# Flags that keep Chromium from reaching for the network at start-up (this machine's
# network is closed) and let it run as root in a container.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

# Playwright's sync API runs an event loop in this thread; the ORM calls that tests
# make between browser steps are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call":
        item.rep_call = report
    return report


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        reason = f"no Chromium at {CHROMIUM}: install Debian's chromium to run browser tests"
        if os.environ.get("SORI_REQUIRE_BROWSER"):
            pytest.fail(reason)  # CI must run them
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def new_page(browser, request, live_server):
    """A factory of pages, each in its own browser context (a separate person)."""
    contexts = []

    def make():
        context = browser.new_context(base_url=live_server.url, locale="en-GB")
        context.set_default_timeout(15_000)
        contexts.append(context)
        page = context.new_page()
        page.external_requests = []
        page.on("request", lambda req: _note_external(page, req, live_server.url))
        return page

    yield make
    failed = getattr(request.node, "rep_call", None) is not None and request.node.rep_call.failed
    for number, context in enumerate(contexts):
        if failed:
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            for index, page in enumerate(context.pages):
                name = re.sub(r"[^\w.-]", "_", request.node.name)
                page.screenshot(path=SCREENSHOTS / f"{name}-{number}-{index}.png", full_page=True)
        context.close()


def _note_external(page, req, base_url):
    if not (req.url.startswith(base_url) or req.url.startswith("data:")):
        page.external_requests.append(req.url)


@pytest.fixture
def page(new_page):
    return new_page()


@pytest.fixture
def dev_mailbox(settings, tmp_path):
    """Route mail to the development mailbox (as with DEBUG on) and open /dev/mail/."""
    directory = tmp_path / "mail"
    settings.MAILERS = {
        "default": {
            "BACKEND": "lib.mail.DevMailboxBackend",
            "OPTIONS": {"directory": str(directory)},
        }
    }
    settings.DEV_MAIL_DIR = directory
    settings.DEV_MAILBOX = True
    return directory
