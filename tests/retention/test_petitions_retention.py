"""Signatures forget who signed PETITIONS_RETENTION_DAYS after their petition ended, and
every figure stays the same."""

import json
from datetime import date

import pytest
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.forms.models import model_to_dict
from django.test import Client

from accounts import notices
from accounts.models import ConsentRecord, Supporter, User
from accounts.retention import apply_retention
from accounts.services import record_consent
from lib.storage import private_files
from petitions.hotpath import page_cache
from petitions.manage.stats import petition_stats
from petitions.models import DeliveryPack, Petition, Signature, SignatureRequest
from petitions.retention import ended_at
from petitions.signatures import reconcile_counts
from tests.factories import PetitionFactory, SignatureFactory, SupporterFactory, UserFactory

from .conftest import NOW, days_ago

# Every field of a signature is either personal (gone after retention) or kept (the
# figures need it); a new field must be put in one of them, or this test fails.
PERSONAL = {
    "supporter": None,
    "first_name": "",
    "last_name": "",
    "comment": "",
    "postcode": "",
    "city": "",
    "ip_hash": "",
    "repeat_mailed_at": None,
    "display": Signature.Display.HIDDEN,
}
KEPT = {
    "id",
    "petition",
    "status",
    "review_reason",
    "country",
    "region",
    "source",
    "wants_updates",
    "created_at",
    "confirmed_at",
}


def fields_of(signature: Signature) -> dict:
    signature.refresh_from_db()
    return {field.name: field.value_from_object(signature) for field in Signature._meta.fields}


def sign(petition, name, *, country="KR", region="", postcode="", **extra):
    supporter = SupporterFactory(first_name=name, last_name="Kim")
    return SignatureFactory(
        petition=petition,
        supporter=supporter,
        country=country,
        region=region,
        postcode=postcode,
        city="Busan",
        comment=f"{name} cares",
        ip_hash="0123456789abcdef",
        source="newsletter",
        display=Signature.Display.FULL,
        repeat_mailed_at=days_ago(300),
        created_at=days_ago(400),
        confirmed_at=days_ago(399),
        **extra,
    )


@pytest.fixture
def ended(campaign):
    """A petition delivered 181 days before NOW, with signatures from three places."""
    petition = PetitionFactory(
        campaign=campaign,
        slug="ended",
        status=Petition.Status.DELIVERED,
        closed_at=days_ago(200),
        delivered_at=days_ago(181),
    )
    sign(petition, "Ji-woo", region="11", postcode="04524")
    sign(petition, "Min-jun", region="26", postcode="48058", wants_updates=True)
    sign(petition, "Seo-yeon", country="GB")
    sign(petition, "Do-hyun", status=Signature.Status.REVIEW, review_reason="rate_ip")
    sign(petition, "Ha-eun", status=Signature.Status.INVALIDATED)
    reconcile_counts(fix=True)
    petition.refresh_from_db()
    return petition


@pytest.fixture
def recent(campaign):
    """A petition closed 179 days before NOW: still within retention."""
    petition = PetitionFactory(
        campaign=campaign, slug="recent", status=Petition.Status.CLOSED, closed_at=days_ago(179)
    )
    sign(petition, "Ye-jin")
    reconcile_counts(fix=True)
    return petition


def figures(petition) -> dict:
    """Everything a reader or manager sees counted about the petition."""
    cache.clear()
    page_cache.clear_local()
    petition.refresh_from_db()
    stats = petition_stats(petition, today=date(2027, 6, 1))
    return {
        "signature_count": petition.signature_count,
        "current_count": petition.current_count,
        "count.json": json.loads(Client().get(f"/petitions/{petition.slug}/count.json").content),
        "stats": stats,
        "countries": [(share.label, share.count, share.percent) for share in stats.countries],
        "sources": [(share.label, share.count, share.confirmed) for share in stats.sources],
        "by_status": dict(stats.by_status),
    }


def test_retention_keeps_every_figure_of_the_petition(ended):
    before = figures(ended)

    apply_retention(now=NOW)

    assert figures(ended) == before
    assert before["signature_count"] == 3
    assert before["by_status"] == {"pending": 0, "confirmed": 3, "review": 1, "invalidated": 1}


def test_no_personal_field_survives_and_the_rest_is_kept(ended):
    signatures = list(ended.signatures.order_by("pk"))
    before = [fields_of(signature) for signature in signatures]
    assert set(before[0]) == set(PERSONAL) | KEPT

    apply_retention(now=NOW)

    for signature, old in zip(signatures, before, strict=True):
        new = fields_of(signature)
        assert {name: new[name] for name in PERSONAL} == PERSONAL
        assert {name: new[name] for name in KEPT} == {name: old[name] for name in KEPT}


def test_petitions_within_retention_or_open_are_untouched(ended, recent, campaign):
    still_open = PetitionFactory(campaign=campaign, slug="open")
    sign(still_open, "Ji-ho")
    kept = list(Signature.objects.exclude(petition=ended).order_by("pk"))
    before = [fields_of(signature) for signature in kept]

    apply_retention(now=NOW)

    assert [fields_of(signature) for signature in kept] == before
    assert Signature.objects.filter(petition=ended, supporter__isnull=False).count() == 0


def test_dry_run_changes_nothing_and_says_what_it_would_do(ended, capsys):
    rows = [fields_of(signature) for signature in ended.signatures.order_by("pk")]

    call_command("apply_retention", "--dry-run", "--as-of", NOW.isoformat())

    assert [fields_of(s) for s in ended.signatures.order_by("pk")] == rows
    assert capsys.readouterr().out.splitlines() == [
        "accounts: 1 day, for what ended before 2027-06-01 00:00 UTC",
        "  nothing to do",
        "letters: 180 days, for what ended before 2026-12-03 12:00 UTC",
        "  nothing to do",
        "petitions: 180 days, for what ended before 2026-12-03 12:00 UTC",
        "  5 signatures would be anonymised",
        "Dry run: nothing was changed.",
    ]


def test_the_command_says_what_it_did_and_a_second_run_finds_nothing(ended, capsys):
    call_command("apply_retention", "--as-of", "2027-06-01T12:00")
    call_command("apply_retention", "--as-of", "2027-06-01T12:00")

    assert capsys.readouterr().out.splitlines() == [
        "accounts: 1 day, for what ended before 2027-06-01 00:00 UTC",
        "  nothing to do",
        "letters: 180 days, for what ended before 2026-12-03 12:00 UTC",
        "  nothing to do",
        "petitions: 180 days, for what ended before 2026-12-03 12:00 UTC",
        "  5 signatures anonymised",
        "accounts: 1 day, for what ended before 2027-06-01 00:00 UTC",
        "  nothing to do",
        "letters: 180 days, for what ended before 2026-12-03 12:00 UTC",
        "  nothing to do",
        "petitions: 180 days, for what ended before 2026-12-03 12:00 UTC",
        "  nothing to do",
    ]


def test_delivery_pack_files_and_waiting_forms_are_deleted(
    ended, recent, django_capture_on_commit_callbacks
):
    storage = private_files
    old = DeliveryPack.objects.create(
        petition=ended,
        status=DeliveryPack.Status.DONE,
        file=storage.save("packs/ended.pdf", ContentFile(b"%PDF names")),
        manifest=storage.save("packs/ended.csv", ContentFile(b"number,name\n1,Ji-woo Kim\n")),
    )
    kept = DeliveryPack.objects.create(
        petition=recent,
        status=DeliveryPack.Status.DONE,
        file=storage.save("packs/recent.pdf", ContentFile(b"%PDF")),
    )
    SignatureRequest.objects.create(
        petition=ended, data={"first_name": "Late"}, language="en", email_key="late@example.org"
    )
    SignatureRequest.objects.create(
        petition=recent, data={"first_name": "Kept"}, language="en", email_key="kept@example.org"
    )

    with django_capture_on_commit_callbacks(execute=True):
        reports = {r.app: r for r in apply_retention(now=NOW)}

    old.refresh_from_db()
    assert (old.file.name, old.manifest.name) == ("", "")
    assert old.error == (
        "The files were deleted when the petition's signatures passed their retention period."
    )
    assert not storage.exists("packs/ended.pdf")
    assert not storage.exists("packs/ended.csv")
    assert storage.exists(kept.file.name)
    assert list(SignatureRequest.objects.values_list("petition__slug", flat=True)) == ["recent"]
    assert reports["petitions"].deleted == {"waiting sign forms": 1, "delivery packs' files": 1}


def test_supporters_consents_and_accounts_are_untouched(ended):
    user = UserFactory(email="owner@example.org", name="Owner")
    owner = SupporterFactory(email=user.email, user=user, first_name="Owner")
    SignatureFactory(petition=ended, supporter=owner, created_at=days_ago(400))
    for supporter in Supporter.objects.all():
        record_consent(
            supporter=supporter, purpose="petition", granted=True, notice=notices.PETITION
        )
    supporters = [model_to_dict(s) for s in Supporter.objects.order_by("pk")]
    consents = [model_to_dict(c) for c in ConsentRecord.objects.order_by("pk")]
    users = [model_to_dict(u) for u in User.objects.order_by("pk")]

    apply_retention(now=NOW)

    assert [model_to_dict(s) for s in Supporter.objects.order_by("pk")] == supporters
    assert [model_to_dict(c) for c in ConsentRecord.objects.order_by("pk")] == consents
    assert [model_to_dict(u) for u in User.objects.order_by("pk")] == users
    assert len(consents) == 6


def test_counts_still_reconcile_after_retention(ended):
    apply_retention(now=NOW)

    call_command("reconcile_counts", "--check")  # raises CommandError on any drift
    ended.refresh_from_db()
    assert ended.signature_count == 3


def test_the_clock_starts_at_the_latest_end(campaign, settings):
    settings.PETITIONS_RETENTION_DAYS = 180
    closed_then_delivered = PetitionFactory(
        campaign=campaign, status="delivered", closed_at=days_ago(300), delivered_at=days_ago(100)
    )
    open_past_its_close = PetitionFactory(campaign=campaign, closes_at=days_ago(181))
    open_until_later = PetitionFactory(campaign=campaign, closes_at=days_ago(-5))

    assert ended_at(closed_then_delivered) == days_ago(100)
    assert ended_at(open_past_its_close) == days_ago(181)
    assert ended_at(open_until_later) is None


def test_closing_a_petition_stamps_when(campaign):
    petition = PetitionFactory(campaign=campaign)

    petition.set_status(Petition.Status.CLOSED)

    petition.refresh_from_db()
    assert petition.closed_at is not None
    assert ended_at(petition) == petition.closed_at


def test_a_longer_period_keeps_them_for_longer(ended, settings):
    settings.PETITIONS_RETENTION_DAYS = 400

    reports = {r.app: r for r in apply_retention(now=NOW)}

    assert reports["petitions"].anonymised == {}
    assert Signature.objects.filter(supporter__isnull=True).count() == 0
