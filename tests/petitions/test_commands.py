import io
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from petitions.models import Petition, Signature
from tests.factories import SignatureFactory


def run(*args) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_reconcile_counts_reports_drift_and_fixes_it(petition):
    SignatureFactory(petition=petition)
    SignatureFactory(petition=petition)
    Petition.objects.filter(pk=petition.pk).update(signature_count=5)

    output = run("reconcile_counts")

    petition.refresh_from_db()
    assert "free-them: stored 5, counted 2 (-3) - fixed" in output
    assert "Fixed 1 petition count(s)." in output
    assert petition.signature_count == 2
    assert "Every petition count matches its rows." in run("reconcile_counts")


def test_reconcile_counts_check_fails_on_drift_and_changes_nothing(petition):
    SignatureFactory(petition=petition)

    with pytest.raises(CommandError, match=r"1 petition count\(s\) drifted\."):
        run("reconcile_counts", "--check")

    petition.refresh_from_db()
    assert petition.signature_count == 0


def test_seed_demo_adds_open_petitions_with_exact_counts_and_is_idempotent(db):
    run("seed_demo", "--force")
    first = {p.slug: p.signature_count for p in Petition.objects.all()}

    run("seed_demo", "--force")

    assert first == {
        "free-the-prisoners-of-conscience": 140,
        "drop-the-charges-against-union-leaders": 90,
        "an-independent-commission-now": 60,
    }
    assert {p.slug: p.signature_count for p in Petition.objects.all()} == first
    assert Signature.objects.count() == 290
    assert set(Petition.objects.values_list("status", flat=True)) == {"open"}
    assert "Every petition count matches its rows." in run("reconcile_counts", "--check")


def test_clear_ip_hashes_blanks_old_hashes_except_of_signatures_held_for_review(petition, settings):
    settings.PETITIONS_IP_HASH_DAYS = 30
    now = timezone.now()
    old = SignatureFactory(petition=petition, ip_hash="a" * 32, created_at=now - timedelta(31))
    held = SignatureFactory(
        petition=petition,
        ip_hash="b" * 32,
        status="review",
        confirmed_at=None,
        created_at=now - timedelta(31),
    )
    recent = SignatureFactory(petition=petition, ip_hash="c" * 32, created_at=now - timedelta(29))

    output = run("clear_ip_hashes")

    assert output == "Blanked 1 address hashes older than 30 days.\n"
    assert dict(Signature.objects.values_list("pk", "ip_hash")) == {
        old.pk: "",
        held.pk: "b" * 32,
        recent.pk: "c" * 32,
    }


def test_beat_clears_ip_hashes_daily(settings):
    assert settings.CELERY_BEAT_SCHEDULE["petitions-clear-ip-hashes"] == {
        "task": "petitions.tasks.clear_ip_hashes",
        "schedule": 86400.0,
    }
