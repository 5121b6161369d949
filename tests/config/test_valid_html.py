"""Every key public page is valid HTML in English and Korean, as the Nu HTML Checker
(vnu.jar, the W3C validator's engine) judges it: zero errors.

The checker is Java. ``make test`` installs it from npm into var/vnu (``VNU_JAR``
overrides the path); without Java or the jar the test skips and says why, unless
``SORI_REQUIRE_HTML_CHECKER`` is set, as CI sets it.
"""

import io
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import translation

from campaigns.models import Campaign
from letters.models import LetterAction
from petitions.models import Petition
from petitions.signing import tokens
from tests.factories import LetterFactory, SignatureFactory

ROOT = Path(__file__).resolve().parents[2]
VNU_JAR = Path(
    os.environ.get("VNU_JAR") or ROOT / "var/vnu/node_modules/vnu-jar/build/dist/vnu.jar"
)


def checker() -> list[str]:
    """The command that runs the Nu checker, or a skip (a failure in CI) saying why."""
    java = shutil.which("java")
    missing = (
        "no java on PATH (apt-get install default-jre-headless)"
        if java is None
        else f"no Nu checker at {VNU_JAR} (make test installs it with npm)"
        if not VNU_JAR.exists()
        else ""
    )
    if missing:
        if os.environ.get("SORI_REQUIRE_HTML_CHECKER"):
            pytest.fail(missing)
        pytest.skip(missing)
    return [java, "-jar", str(VNU_JAR), "--errors-only", "--format", "json"]


def checker_errors(command: list[str], folder: Path, files: dict[str, str]) -> tuple[list, int]:
    """Run the checker over ``files`` (file name in ``folder`` -> what to call it):
    its errors as "<name>:<line>: <message>", sorted, and its exit status."""
    run = subprocess.run(
        [*command, *sorted(str(folder / name) for name in files)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    messages = json.loads(run.stderr or '{"messages": []}')["messages"]
    errors = sorted(
        f"{files[Path(m['url']).name]}:{m.get('lastLine', '?')}: {m['message']}"
        for m in messages
        if m["type"] == "error" or m.get("subType") == "fatal"
    )
    return errors, run.returncode


def public_pages() -> list[str]:
    """The key public pages, by name (their addresses carry the language), with a
    pending signature's confirmation page and a letter's own page."""
    petition = Petition.objects.filter(status=Petition.Status.OPEN).first()
    action = LetterAction.objects.filter(status=LetterAction.Status.OPEN).first()
    campaign = Campaign.objects.filter(status=Campaign.Status.LIVE).first()
    signature = SignatureFactory(petition=petition, status="pending", confirmed_at=None)
    letter = LetterFactory(action=action, target=action.targets.first())
    return [
        reverse("campaigns:home"),
        reverse("petitions:list"),
        petition.get_absolute_url(),
        reverse("petitions:thanks", args=[petition.slug]),
        reverse("letters:list"),
        action.get_absolute_url(),
        campaign.get_absolute_url(),
        reverse("donations:donate"),
        reverse("about"),
        reverse("privacy"),
        reverse("accounts:data_request"),
        reverse("petitions:confirm", args=[tokens.make_confirm_token(signature)]),
        letter.get_absolute_url(),
        "/accounts/login/",
        "/accounts/signup/",
    ]


def test_key_pages_have_no_nu_checker_errors(db, settings, tmp_path):
    command = checker()
    settings.DEBUG = True  # seed_demo refuses to run otherwise
    call_command("seed_demo", stdout=io.StringIO())
    settings.DEBUG = False
    files = {}
    for language in ("en", "ko"):
        client = Client(HTTP_ACCEPT_LANGUAGE=language)
        with translation.override(language):
            paths = public_pages()
        for path in paths:
            response = client.get(path, follow=True)
            assert response.status_code == 200, (language, path, response.status_code)
            name = f"{language}{path.replace('/', '_')}.html"
            (tmp_path / name).write_bytes(response.content)
            files[name] = f"{language} {path}"

    errors, status = checker_errors(command, tmp_path, files)

    assert errors == [], "\n".join(errors)
    assert status == 0
