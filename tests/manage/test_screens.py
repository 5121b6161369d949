"""Manager and staff screens (issue 14, part 4): one move per status, an honest
"signatures per 100 views", the moderation queue's email states and whole hashes, and
an audit log in words."""

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from accounts.services import record_audit
from letters.models import LetterAction
from petitions import signatures
from petitions.manage import stats
from petitions.models import PageViewCount, Petition, Signature
from petitions.staff.forms import BulkModerationForm
from tests.factories import PetitionFactory, SignatureFactory, SupporterFactory, UserFactory

HASH = "0123456789abcdef0123456789abcdef"


def _moves(html: str) -> list[str]:
    """The status moves a dashboard offers, by the name in their address."""
    return re.findall(r'href="/en/manage/(?:petitions|letters/actions)/\d+/status/(\w+)/"', html)


# One move per status ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "offered"),
    [
        (Petition.Status.DRAFT, ["publish"]),
        (Petition.Status.OPEN, ["close"]),
        (Petition.Status.CLOSED, ["reopen", "deliver"]),
        (Petition.Status.DELIVERED, ["undeliver"]),
    ],
)
def test_a_petition_dashboard_offers_one_move_to_each_status(
    client, bob, petition, status, offered
):
    Petition.objects.filter(pk=petition.pk).update(status=status)
    client.force_login(bob)

    html = client.get(f"/en/manage/petitions/{petition.pk}/").content.decode()

    assert _moves(html) == offered


@pytest.mark.parametrize(
    ("status", "offered"),
    [
        (LetterAction.Status.DRAFT, ["publish"]),
        (LetterAction.Status.OPEN, ["close"]),
        (LetterAction.Status.CLOSED, ["reopen"]),
    ],
)
def test_a_letter_action_dashboard_offers_one_move_to_each_status(
    client, bob, letter_action, status, offered
):
    LetterAction.objects.filter(pk=letter_action.pk).update(status=status)
    client.force_login(bob)

    html = client.get(f"/en/manage/letters/actions/{letter_action.pk}/").content.decode()

    assert _moves(html) == offered


def test_a_draft_cannot_be_opened_again_nor_a_closed_petition_published(client, bob, petition):
    client.force_login(bob)
    Petition.objects.filter(pk=petition.pk).update(status=Petition.Status.DRAFT)

    reopen_draft = client.post(f"/en/manage/petitions/{petition.pk}/status/reopen/")
    Petition.objects.filter(pk=petition.pk).update(status=Petition.Status.CLOSED)
    publish_closed = client.post(f"/en/manage/petitions/{petition.pk}/status/publish/")

    assert (reopen_draft.status_code, publish_closed.status_code) == (409, 409)
    petition.refresh_from_db()
    assert petition.status == Petition.Status.CLOSED


def test_a_delivered_petition_can_be_marked_as_not_delivered(client, bob, petition):
    petition.set_status(Petition.Status.CLOSED)
    petition.set_status(Petition.Status.DELIVERED)
    client.force_login(bob)

    page = client.get(f"/en/manage/petitions/{petition.pk}/status/undeliver/").content.decode()
    client.post(f"/en/manage/petitions/{petition.pk}/status/undeliver/")

    assert "Its page no longer says it was delivered; it stays closed." in page
    petition.refresh_from_db()
    assert petition.status == Petition.Status.CLOSED


# Signatures per 100 views ---------------------------------------------------------------


def _sign(petition, count: int, *, days_ago: int = 0, status: str = "confirmed") -> None:
    when = timezone.now() - timedelta(days=days_ago)
    for _ in range(count):
        SignatureFactory(petition=petition, status=status, created_at=when)
    signatures.reconcile_counts()


def test_one_view_after_fourteen_older_signatures_shows_no_rate(client, bob, petition):
    # The demo's "1400.0": signatures from days before any view was counted, one view.
    _sign(petition, 14, days_ago=3)
    Client().get(petition.get_absolute_url())
    client.force_login(bob)

    response = client.get(f"/en/manage/petitions/{petition.pk}/")

    figures = response.context["stats"]
    assert (figures.views_total, figures.views_since, figures.signed_since_views) == (
        1,
        timezone.localdate(),
        0,
    )
    assert (figures.conversion_total, figures.days_conversion) == (None, None)
    html = response.content.decode()
    assert "Not enough views yet" in html
    assert "1400" not in html


def test_the_rate_counts_only_signatures_since_views_were_counted(client, bob, petition):
    today = timezone.localdate()
    _sign(petition, 14, days_ago=3)  # before counting began: left out
    _sign(petition, 2, days_ago=1)
    _sign(petition, 3)
    _sign(petition, 1, status="invalidated")  # invalidated: left out
    PageViewCount.objects.create(petition=petition, day=today - timedelta(days=1), views=60)
    PageViewCount.objects.create(petition=petition, day=today, views=40)
    client.force_login(bob)

    response = client.get(f"/en/manage/petitions/{petition.pk}/")

    figures = response.context["stats"]
    assert (figures.views_total, figures.signed_since_views) == (100, 5)
    assert figures.conversion_total == 5.0
    assert figures.days_conversion == 5.0
    assert [day.conversion for day in figures.days if day.views] == [None, None]  # < 100 each
    html = response.content.decode()
    assert "<dd>5.0</dd>" in html
    assert "Not enough views yet" not in html


def test_below_the_threshold_there_is_no_rate_and_at_it_there_is(petition):
    today = timezone.localdate()
    _sign(petition, 2)
    PageViewCount.objects.create(petition=petition, day=today, views=stats.MIN_VIEWS_FOR_RATE - 1)

    below = stats.petition_stats(petition)
    PageViewCount.objects.filter(petition=petition).update(views=stats.MIN_VIEWS_FOR_RATE)
    at = stats.petition_stats(petition)

    assert stats.MIN_VIEWS_FOR_RATE == 100
    assert (below.conversion_total, below.days[-1].conversion) == (None, None)
    assert (at.conversion_total, at.days[-1].conversion) == (2.0, 2.0)


def test_the_dashboard_explains_signatures_per_100_views(client, bob, petition):
    client.force_login(bob)

    html = client.get(f"/en/manage/petitions/{petition.pk}/").content.decode()

    assert "<summary>What “signatures per 100 views” means</summary>" in html
    assert "It is shown from 100 views on, for the whole petition and for each day" in html
    assert "No view of this page has been counted yet." in html


def test_the_sources_table_scrolls_inside_its_own_panel(client, bob, petition):
    SignatureFactory(petition=petition, source="a-very-long-newsletter-code-2026")
    client.force_login(bob)

    html = client.get(f"/en/manage/petitions/{petition.pk}/").content.decode()

    region = (
        '<div class="table-scroll" tabindex="0" role="region" aria-labelledby="sources-caption">'
    )
    assert region in html
    assert html.index(region) < html.index("<code>a-very-long-newsletter-code-2026</code>")


# The review queue ------------------------------------------------------------------------


def _held(petition, **fields) -> Signature:
    fields.setdefault("review_reason", Signature.ReviewReason.STAFF)
    return SignatureFactory(petition=petition, status=Signature.Status.REVIEW, **fields)


def _queue_states(html: str) -> dict[str, str]:
    """Each held signer's name and the queue's last column, "Email confirmation"."""
    rows = re.findall(r"<tr>\s*<td>.*?</tr>", html, flags=re.S)
    return {
        re.search(r'<td class="break-anywhere">([^<]*)</td>', row).group(1): re.findall(
            r"<td>([^<]*)</td>", row
        )[-1]
        for row in rows
    }


def test_the_queue_says_what_is_known_of_each_email_address(client, carol, petition, campaign):
    now = timezone.now()
    earlier = now - timedelta(hours=2)
    not_required = PetitionFactory(campaign=campaign, requires_confirmation=False)
    _held(petition, first_name="A", last_name="Mailed", confirmed_at=None)
    _held(
        petition,
        first_name="B",
        last_name="Bot",
        confirmed_at=None,
        review_reason=Signature.ReviewReason.HONEYPOT,
    )
    _held(petition, first_name="C", last_name="Signedin", created_at=now, confirmed_at=now)
    _held(petition, first_name="D", last_name="Linked", created_at=earlier, confirmed_at=now)
    _held(
        petition,
        first_name="E",
        last_name="Account",
        supporter=SupporterFactory(user=UserFactory()),
        created_at=earlier,
        confirmed_at=now,
    )
    _held(not_required, first_name="F", last_name="Free", confirmed_at=None)
    client.force_login(carol)

    html = client.get("/en/manage/moderation/").content.decode()

    assert _queue_states(html) == {
        "A Mailed": "Waiting for the emailed link",
        "B Bot": "Not asked yet: no mail while held (sent on release)",
        "C Signedin": "Confirmed: signed in with a verified address",
        "D Linked": "Confirmed by the emailed link",
        "E Account": "Confirmed by the emailed link or by signing in",
        "F Free": "Not required by this petition",
    }
    assert "maybe" not in html
    assert '<th scope="col">Email confirmation</th>' in html


def test_the_queue_shows_the_whole_hash_the_bulk_form_asks_for(client, carol, petition):
    _held(petition, ip_hash=HASH)
    client.force_login(carol)

    html = client.get("/en/manage/moderation/").content.decode()
    shown = re.search(r"<code>([0-9a-f…]+)</code>", html).group(1)

    assert shown == HASH
    form = BulkModerationForm({"action": "release", "ip_hash": shown})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["ip_hash"] == HASH


def test_the_bulk_preview_shows_whole_hashes(client, carol, petition):
    _held(petition, ip_hash=HASH)
    client.force_login(carol)

    html = client.get(
        "/en/manage/moderation/bulk/", {"preview": "1", "action": "release", "ip_hash": HASH}
    ).content.decode()

    assert f'<td class="break-anywhere"><code>{HASH}</code></td>' in html


# The audit log ---------------------------------------------------------------------------


def test_the_audit_log_names_each_action_in_words(client, carol):
    for code in ("export.signatures.csv", "moderation.undo", "export.something.new"):
        record_audit(actor=carol, action=code, subject="petition:free-them", rows=3)
    client.force_login(carol)

    html = client.get("/en/manage/audit/").content.decode()

    cells = re.findall(r"<td>([^<]*)</td><td class=\"break-anywhere\">petition:free-them", html)
    assert cells == [
        "export.something.new",
        "Moderation action undone",
        "Signatures exported (CSV)",
    ]
    options = re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>', html)
    assert options == [
        ("", "All actions"),
        ("moderation.undo", "Moderation action undone"),
        ("export.signatures.csv", "Signatures exported (CSV)"),
        ("export.something.new", "export.something.new"),
    ]


def test_the_audit_log_speaks_korean(client, carol):
    record_audit(actor=carol, action="export.signatures.csv", rows=1)
    client.force_login(carol)

    html = client.get("/ko/manage/audit/").content.decode()

    assert "<td>서명 내보내기(CSV)</td>" in html
    assert "export.signatures.csv</td>" not in html


def test_every_audit_code_in_the_code_base_has_words():
    from pathlib import Path

    from accounts.audit import ACTION_LABELS

    root = Path(__file__).resolve().parents[2]
    found = set()
    for path in root.glob("*/**/*.py"):
        if ".venv" in path.parts or "tests" in path.parts or "migrations" in path.parts:
            continue
        text = path.read_text(encoding="utf-8")
        if "record_audit(" not in text:
            continue
        found |= set(re.findall(r'action="((?:export|moderation|supporter)\.[a-z_.]+)"', text))
        for prefix in re.findall(r'action=f"((?:export|moderation)\.[a-z_.]*)\{', text):
            found |= {code for code in ACTION_LABELS if code.startswith(prefix)}
    assert found - set(ACTION_LABELS) == set()
    assert "export.signatures.csv" in found
