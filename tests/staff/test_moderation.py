"""Moderation: the queue, bulk preview/apply/undo with exact counts, the trending report."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from accounts.models import AuditEntry
from petitions.models import ModerationAction, Signature
from tests.factories import PetitionFactory
from tests.staff.conftest import at, recount, sign

QUEUE = "/en/manage/moderation/"
BULK = "/en/manage/moderation/bulk/"
APPLY = "/en/manage/moderation/bulk/apply/"
BOT = "b" * 32


@pytest.fixture
def held(petition):
    """Three held by the bot's address (one had confirmed its email), one real signer."""
    rows = [
        sign(
            petition,
            "Bot",
            "One",
            email="x1@spam.example",
            status="review",
            review_reason="rate_ip",
            ip_hash=BOT,
            created_at=at(1, 10),
        ),
        sign(
            petition,
            "Bot",
            "Two",
            email="x2@spam.example",
            status="review",
            review_reason="rate_ip",
            ip_hash=BOT,
            created_at=at(1, 11),
            confirmed_at=at(1, 11, 5),
        ),
        sign(
            petition,
            "Bot",
            "Three",
            email="x3@spam.example",
            status="confirmed",
            ip_hash=BOT,
            created_at=at(1, 12),
        ),
        sign(
            petition,
            "Ji-woo",
            "Kim",
            email="jiwoo@example.org",
            status="review",
            review_reason="challenge",
            created_at=at(2, 9),
        ),
    ]
    recount()
    return rows


def statuses(rows):
    return [Signature.objects.get(pk=row.pk).status for row in rows]


def count_is_exact(petition) -> bool:
    petition.refresh_from_db()
    call_command("reconcile_counts", "--check")  # raises CommandError on any drift
    return petition.signature_count == petition.signatures.filter(status="confirmed").count()


def preview(client, **query):
    return client.get(BULK, {"preview": "1", **query})


def apply(client, response):
    data = {k: v for k, v in response.context["form"].data.items() if k != "preview"}
    return client.post(APPLY, {**data, "fingerprint": response.context["preview"].fingerprint})


def test_queue_lists_held_signatures_with_their_reason(client, carol, held):
    client.force_login(carol)

    response = client.get(QUEUE)

    assert [s.pk for s in response.context["page"]] == [held[3].pk, held[1].pk, held[0].pk]
    page = response.content.decode()
    assert "Browser check missing or failed" in page and "Many signatures from one address" in page
    assert "jiwoo@example.org" not in page and "example.org" in page


def test_preview_shows_how_many_and_which_and_is_audited(client, carol, held):
    client.force_login(carol)

    response = preview(client, action="release", ip_hash=BOT)

    shown = response.context["preview"]
    assert (shown.count, [s.pk for s in shown.sample]) == (2, [held[0].pk, held[1].pk])
    assert "2 held signatures match and would be released." in response.content.decode()
    entry = AuditEntry.objects.get()
    assert (entry.action, entry.rows, entry.filters) == (
        "moderation.preview",
        2,
        {"action": "release", "ip_hash": BOT},
    )
    assert statuses(held) == ["review", "review", "confirmed", "review"]


def test_release_sends_each_where_release_status_says_and_counts_stay_exact(
    client, carol, petition, held
):
    client.force_login(carol)

    response = apply(client, preview(client, action="release", ip_hash=BOT))

    action = ModerationAction.objects.get()
    assert (
        response.status_code == 302
        and response.url == f"/en/manage/moderation/actions/{action.pk}/"
    )
    # Unconfirmed -> waits for its email confirmation; confirmed its email -> counts.
    assert statuses(held) == ["pending", "confirmed", "confirmed", "review"]
    assert count_is_exact(petition) and petition.signature_count == 2
    assert AuditEntry.objects.filter(action="moderation.release", rows=2).count() == 1


def test_invalidate_uncounts_confirmed_and_undo_restores_exactly(client, carol, petition, held):
    client.force_login(carol)
    apply(client, preview(client, action="invalidate", email_domain="spam.example"))
    assert statuses(held) == ["invalidated", "invalidated", "invalidated", "review"]
    assert count_is_exact(petition) and petition.signature_count == 0
    action = ModerationAction.objects.get()

    response = client.post(f"/en/manage/moderation/actions/{action.pk}/undo/", follow=True)

    assert statuses(held) == ["review", "review", "confirmed", "review"]
    assert [Signature.objects.get(pk=s.pk).review_reason for s in held[:2]] == [
        "rate_ip",
        "rate_ip",
    ]
    assert count_is_exact(petition) and petition.signature_count == 1
    assert "3 signatures put back as they were." in response.content.decode()
    assert AuditEntry.objects.filter(action="moderation.undo", rows=3).count() == 1
    action.refresh_from_db()
    assert (action.restored, action.undone_by) == (3, carol)


def test_undo_leaves_alone_what_moved_since_and_clears_stamped_confirmations(
    client, carol, petition, held
):
    type(petition).objects.filter(pk=petition.pk).update(requires_confirmation=False)
    client.force_login(carol)
    apply(client, preview(client, action="release", name_pattern="bot *"))
    assert statuses(held) == ["confirmed", "confirmed", "confirmed", "review"]
    moved_since = Signature.objects.get(pk=held[1].pk)
    from petitions.signatures import change_signature_status

    change_signature_status(signature=moved_since, status="invalidated")

    client.post(f"/en/manage/moderation/actions/{ModerationAction.objects.get().pk}/undo/")

    assert statuses(held) == ["review", "invalidated", "confirmed", "review"]
    assert Signature.objects.get(pk=held[0].pk).confirmed_at is None
    assert count_is_exact(petition) and petition.signature_count == 1


def test_an_action_is_undone_once(client, carol, held):
    client.force_login(carol)
    apply(client, preview(client, action="release", ip_hash=BOT))
    action = ModerationAction.objects.get()
    client.post(f"/en/manage/moderation/actions/{action.pk}/undo/")

    again = client.post(f"/en/manage/moderation/actions/{action.pk}/undo/", follow=True)

    assert "This action has already been undone." in again.content.decode()
    assert AuditEntry.objects.filter(action="moderation.undo").count() == 1


def test_criteria_by_petition_time_window_and_name(client, carol, petition, held):
    other = PetitionFactory(slug="other")
    sign(other, "Bot", "Elsewhere", status="review", created_at=at(1, 10, 30))
    client.force_login(carol)

    by_petition = preview(client, action="release", petition="other").context["preview"]
    by_window = preview(
        client, action="release", signed_after="2026-11-01T10:15", signed_before="2026-11-02T00:00"
    ).context["preview"]
    by_name = preview(client, action="invalidate", name_pattern="JI-WOO k?m").context["preview"]

    assert by_petition.count == 1
    assert [s.supporter.last_name for s in by_window.sample] == ["Elsewhere", "Two"]
    assert [s.pk for s in by_name.sample] == [held[3].pk]


def test_a_name_pattern_of_ten_stars_matches_without_backtracking(client, carol, petition):
    # As a regular expression, this pattern took seconds per name that did not match.
    long_name = sign(petition, "Aaaaaaaaaaaaaaaa", "Aaaaaaaaaaaaaaaaaaaaaa", status="review")
    client.force_login(carol)

    none = preview(client, action="release", name_pattern="a*a*a*a*a*a*a*a*a*a*!")
    every_a = preview(client, action="release", name_pattern="a*a*a*a*a*a*a*a*a*a*")
    all_stars = preview(client, action="release", name_pattern="*" * 10)

    assert none.context["preview"].count == 0
    assert [s.pk for s in every_a.context["preview"].sample] == [long_name.pk]
    assert [s.pk for s in all_stars.context["preview"].sample] == [long_name.pk]


def test_percent_and_underscore_in_a_name_pattern_are_literal(client, carol, petition):
    percent = sign(petition, "100%", "Kim", status="review")
    underscore = sign(petition, "Ji_woo", "Kim", status="review")
    sign(petition, "100x", "Kim", status="review")
    sign(petition, "Jiwwoo", "Kim", status="review")
    client.force_login(carol)

    by_percent = preview(client, action="release", name_pattern="100% kim")
    by_underscore = preview(client, action="release", name_pattern="ji_woo *")
    by_question_mark = preview(client, action="release", name_pattern="ji?woo kim")

    assert [s.pk for s in by_percent.context["preview"].sample] == [percent.pk]
    assert [s.pk for s in by_underscore.context["preview"].sample] == [underscore.pk]
    assert by_question_mark.context["preview"].count == 2


def test_a_bulk_action_that_matches_nothing_says_so_and_changes_nothing(client, carol, held):
    client.force_login(carol)

    response = preview(client, action="release", email_domain="nobody.example")
    applied = client.post(
        APPLY,
        {"action": "release", "email_domain": "nobody.example", "fingerprint": "x"},
        follow=True,
    )

    assert "No signature matches these criteria. Nothing would change." in response.content.decode()
    assert "No signature matches these criteria, so nothing was changed." in (
        applied.content.decode()
    )
    assert not ModerationAction.objects.exists()
    assert statuses(held) == ["review", "review", "confirmed", "review"]


def test_apply_refuses_when_the_matches_changed_since_the_preview(client, carol, petition, held):
    client.force_login(carol)
    shown = preview(client, action="release", ip_hash=BOT)
    sign(petition, "Bot", "Four", status="review", ip_hash=BOT, created_at=at(3))

    response = apply(client, shown)

    assert response.status_code == 302
    assert not ModerationAction.objects.exists()
    assert statuses(held) == ["review", "review", "confirmed", "review"]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"action": "release"}, "Choose at least one criterion"),
        (
            {
                "action": "release",
                "signed_after": "2026-11-02T10:00",
                "signed_before": "2026-11-01T10:00",
            },
            "“Signed at or after” must be earlier than “Signed before”",
        ),
        ({"action": "release", "ip_hash": "not-a-hash"}, "An address hash is 32 characters"),
        ({"action": "release", "email_domain": "no domain"}, "Enter a domain such as example.org."),
        (
            {"action": "release", "name_pattern": "*" * 11},
            "A name pattern can have at most 10 “*”; this one has 11.",
        ),
    ],
)
def test_bad_criteria_are_refused_with_a_message(client, carol, held, query, message):
    client.force_login(carol)

    response = preview(client, **query)

    assert response.status_code == 400
    assert message in response.content.decode()
    assert not AuditEntry.objects.exists()


@pytest.mark.parametrize(
    ("time_zone", "query"),
    [
        # Each is a valid local time whose UTC equivalent lies outside Python's dates.
        ("Asia/Seoul", {"signed_after": "0001-01-01T00:00"}),
        ("America/New_York", {"signed_before": "9999-12-31T23:59"}),
    ],
)
def test_times_at_the_ends_of_the_calendar_are_refused_not_a_crash(
    client, carol, held, settings, time_zone, query
):
    settings.TIME_ZONE = time_zone
    client.force_login(carol)

    response = preview(client, action="release", **query)

    assert response.status_code == 400
    assert "Enter a date between 1900-01-01 and 9000-12-31." in response.content.decode()
    assert not AuditEntry.objects.exists()


def test_trending_lists_addresses_and_domains_over_the_thresholds(client, carol, petition):
    now = timezone.now()
    for n in range(3):
        sign(
            petition,
            "Bot",
            str(n),
            email=f"b{n}@flood.example",
            ip_hash=BOT,
            created_at=now - timedelta(minutes=n),
        )
    sign(
        petition,
        "Old",
        "One",
        email="o@flood.example",
        ip_hash=BOT,
        created_at=now - timedelta(hours=2),
    )
    sign(petition, "Ji-woo", "Kim", email="jiwoo@example.org", ip_hash="c" * 32, created_at=now)
    client.force_login(carol)

    response = client.get("/en/manage/moderation/trending/", {"ip": 3, "domain": 2})

    report = response.context["report"]
    assert [(r["ip_hash"], r["total"], r["confirmed_count"]) for r in report["addresses"]] == [
        (BOT, 3, 3)
    ]
    assert [(r["domain"], r["total"]) for r in report["domains"]] == [("flood.example", 3)]
    assert f"ip_hash={BOT}" in response.content.decode()


def test_trending_uses_the_configured_thresholds(client, carol, petition, settings):
    settings.MODERATION_TRENDING_IP = 1
    settings.MODERATION_TRENDING_DOMAIN = 1
    sign(
        petition, "Ji-woo", "Kim", email="jiwoo@example.org", ip_hash=BOT, created_at=timezone.now()
    )
    client.force_login(carol)

    report = client.get("/en/manage/moderation/trending/").context["report"]

    assert [r["ip_hash"] for r in report["addresses"]] == [BOT]
    assert [r["domain"] for r in report["domains"]] == ["example.org"]
