from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from accounts import notices
from accounts.models import ConsentRecord, Supporter
from accounts.services import erase_supporter
from lib.states import TransitionNotAllowed
from petitions import signatures
from petitions.models import Petition, Signature
from petitions.signing import services as sign_services
from petitions.signing.services import SignerDetails
from tests.factories import PetitionFactory, SignatureFactory, SupporterFactory


@pytest.fixture
def sign(django_capture_on_commit_callbacks):
    """sign_petition, with its after-commit work (mail) run as a real commit would."""

    def sign(petition, **overrides):
        details = {
            "email": "jiwoo@example.org",
            "first_name": "Ji-woo",
            "last_name": "Kim",
            "country": "KR",
        }
        others = {name: overrides.pop(name) for name in SIGNING_OPTIONS if name in overrides}
        signer = SignerDetails(**{**details, **overrides})
        with django_capture_on_commit_callbacks(execute=True):
            return sign_services.sign_petition(petition=petition, signer=signer, **others)

    return sign


# Arguments of sign_petition besides the petition and the signer's details.
SIGNING_OPTIONS = ("ip_hash", "language", "verified_supporter", "review_reason")


def count_of(petition) -> int:
    petition.refresh_from_db()
    return petition.signature_count


# Signing.


def test_sign_petition_stores_supporter_pending_signature_and_consent(petition, sign):
    result = sign(
        petition,
        email=" JiWoo@Example.org ",
        display="full",
        comment="For my father.",
        source="x",
        ip_hash="abc123",
        language="ko",
    )

    signature = result.signature
    supporter = Supporter.objects.get()
    assert result.created is True
    assert supporter.email == "jiwoo@example.org"
    assert (supporter.first_name, supporter.last_name, supporter.language) == (
        "Ji-woo",
        "Kim",
        "ko",
    )
    assert signature.supporter == supporter
    assert signature.status == Signature.Status.PENDING
    assert signature.confirmed_at is None
    assert (signature.display, signature.comment, signature.source) == (
        "full",
        "For my father.",
        "x",
    )
    assert signature.ip_hash == "abc123"
    assert signature.wants_updates is False
    consent = ConsentRecord.objects.get()
    assert consent.purpose == ConsentRecord.Purpose.PETITION
    assert consent.granted is True
    assert consent.notice_text == str(notices.PETITION.text)
    assert consent.notice_version == notices.PETITION.version
    assert consent.source == "petition:free-them"
    assert consent.language == "ko"
    assert count_of(petition) == 0


def test_sign_petition_sends_the_confirmation_email_after_commit(petition, sign):
    sign(petition)

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["jiwoo@example.org"]
    assert message.subject == "Please confirm your signature: Free them now"
    assert "http://testserver/en/petitions/confirm/" in message.body
    assert "http://testserver/en/petitions/withdraw/" in message.body


def test_confirmation_email_greets_without_the_typed_name_and_escapes_the_title(campaign, sign):
    petition = PetitionFactory(campaign=campaign, title="Workers' rights <now>")

    sign(petition, first_name="Cheap pills", last_name="Buy now")

    message = mail.outbox[0]
    html = message.alternatives[0][0]
    assert message.subject == "Please confirm your signature: Workers' rights <now>"
    assert message.body.startswith(
        "Hello,\n\nThank you for signing “Workers' rights <now>”. Your signature"
    )
    assert "<p>Hello,</p>\n<p>Thank you for signing “Workers&#x27; rights &lt;now&gt;”." in html
    for typed in ("Cheap pills", "Buy now"):
        assert typed not in message.body
        assert typed not in html


def test_sign_petition_with_updates_ticked_records_both_consents(petition, sign):
    result = sign(petition, wants_updates=True)

    purposes = sorted(ConsentRecord.objects.values_list("purpose", flat=True))
    assert purposes == [ConsentRecord.Purpose.PETITION, ConsentRecord.Purpose.UPDATES]
    updates = ConsentRecord.objects.get(purpose=ConsentRecord.Purpose.UPDATES)
    assert updates.notice_version == notices.UPDATES.version
    assert result.signature.wants_updates is True


def test_sign_petition_without_confirmation_counts_at_once(petition, sign):
    petition.requires_confirmation = False
    petition.save()

    result = sign(petition)

    assert result.signature.status == Signature.Status.CONFIRMED
    assert result.signature.confirmed_at is not None
    assert count_of(petition) == 1
    assert mail.outbox == []


def test_sign_petition_by_verified_supporter_counts_at_once_and_updates_their_name(
    petition, alice, sign
):
    supporter = alice.supporter

    result = sign(
        petition,
        email="ignored@example.org",
        first_name="Alice",
        last_name="Kim-Lee",
        verified_supporter=supporter,
    )

    supporter.refresh_from_db()
    assert result.signature.supporter == supporter
    assert result.signature.status == Signature.Status.CONFIRMED
    assert supporter.last_name == "Kim-Lee"
    assert count_of(petition) == 1
    assert mail.outbox == []
    assert Supporter.objects.count() == 1


def test_sign_petition_with_review_reason_holds_it_uncounted_and_mails_nobody(petition, sign):
    result = sign(petition, review_reason=Signature.ReviewReason.RATE_IP)

    assert result.signature.status == Signature.Status.REVIEW
    assert result.signature.review_reason == "rate_ip"
    assert count_of(petition) == 0
    assert mail.outbox == []


def test_sign_petition_honeypot_hit_is_held_without_mail(petition, sign):
    result = sign(petition, review_reason=Signature.ReviewReason.HONEYPOT)

    assert result.signature.status == Signature.Status.REVIEW
    assert mail.outbox == []


def test_sign_petition_review_on_petition_without_confirmation_is_not_counted(petition, sign):
    petition.requires_confirmation = False
    petition.save()

    result = sign(petition, review_reason=Signature.ReviewReason.RATE_PETITION)

    assert result.signature.status == Signature.Status.REVIEW
    assert result.signature.confirmed_at is None
    assert result.signature.release_status() == Signature.Status.CONFIRMED
    assert count_of(petition) == 0


@pytest.mark.parametrize(
    "status",
    [Petition.Status.DRAFT, Petition.Status.CLOSED, Petition.Status.DELIVERED],
)
def test_sign_petition_refuses_a_petition_that_is_not_open(campaign, status, sign):
    petition = PetitionFactory(campaign=campaign, status=status)

    with pytest.raises(sign_services.PetitionNotOpen):
        sign(petition)

    assert Signature.objects.count() == 0
    assert Supporter.objects.count() == 0


def test_sign_petition_refuses_after_closing_time(campaign, sign):
    petition = PetitionFactory(campaign=campaign, closes_at=timezone.now() - timedelta(minutes=1))

    with pytest.raises(sign_services.PetitionNotOpen):
        sign(petition)

    assert Signature.objects.count() == 0


def test_sign_petition_keeps_a_known_supporters_name(petition, sign):
    known = SupporterFactory(email="jiwoo@example.org", first_name="Jiwoo", last_name="", city="")

    sign(petition, first_name="Impostor", last_name="Smith", city="Busan")

    known.refresh_from_db()
    assert known.first_name == "Jiwoo"
    assert known.last_name == "Smith"  # blank details are filled in
    assert Supporter.objects.count() == 1


# Repeat signers.


@pytest.mark.parametrize(
    ("first", "again"),
    [
        ("jiwoo@example.org", "jiwoo@example.org"),
        ("jiwoo@example.org", "  JIWOO@example.ORG "),
        ("ji.woo.kim@gmail.com", "jiwookim@gmail.com"),
        ("jiwookim@gmail.com", "ji.woo.kim+petition@googlemail.com"),
        ("jiwoo@outlook.com", "jiwoo+nsl@outlook.com"),
    ],
)
def test_repeat_signer_is_never_stored_twice(petition, first, again, sign):
    sign(petition, email=first)
    mail.outbox.clear()

    result = sign(petition, email=again, first_name="Someone", comment="again")

    assert result.created is False
    assert Signature.objects.count() == 1
    assert Supporter.objects.count() == 1
    assert ConsentRecord.objects.count() == 1
    assert Signature.objects.get().comment == ""
    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject == "You have already signed: Free them now"
    assert mail.outbox[0].to == [Supporter.objects.get().email]
    assert mail.outbox[0].body.startswith("Hello,\n\nSomeone, we hope you, just tried to sign")
    assert "<p>Hello,</p>" in mail.outbox[0].alternatives[0][0]


def test_plus_tag_at_an_unknown_provider_is_a_different_person(petition, sign):
    sign(petition, email="team@example.org")

    result = sign(petition, email="team+nsl@example.org")

    assert result.created is True
    assert Signature.objects.count() == 2


def test_repeat_signer_is_mailed_at_most_once_a_day(petition, sign):
    first = sign(petition).signature
    mail.outbox.clear()

    sign(petition)
    sign(petition)
    sign(petition)

    assert len(mail.outbox) == 1
    Signature.objects.filter(pk=first.pk).update(
        repeat_mailed_at=timezone.now() - timedelta(days=1, minutes=1)
    )
    sign(petition)
    assert len(mail.outbox) == 2


def test_repeat_mail_carries_a_confirm_link_only_while_unconfirmed(petition, sign):
    signature = sign(petition).signature
    mail.outbox.clear()

    sign(petition)
    sign_services.confirm_signature(signature=signature)
    Signature.objects.filter(pk=signature.pk).update(repeat_mailed_at=None)
    sign(petition)

    assert "/en/petitions/confirm/" in mail.outbox[0].body
    assert "/en/petitions/confirm/" not in mail.outbox[1].body


def test_repeat_signer_is_recognised_on_a_supporter_from_another_action(petition, sign):
    alias = SupporterFactory(email="ji.woo@gmail.com")
    SignatureFactory(petition=petition, supporter=alias, status=Signature.Status.PENDING)

    result = sign(petition, email="jiwoo@gmail.com")

    assert result.created is False
    assert Supporter.objects.count() == 1


def test_verified_supporter_repeating_confirms_their_waiting_signature(petition, alice, sign):
    pending = sign(petition, email="alice@example.org").signature
    assert pending.supporter == alice.supporter
    mail.outbox.clear()

    result = sign(petition, verified_supporter=alice.supporter)

    pending.refresh_from_db()
    assert result.created is False
    assert pending.status == Signature.Status.CONFIRMED
    assert count_of(petition) == 1
    assert mail.outbox == []


def test_signing_one_petition_does_not_block_another(petition, campaign, sign):
    other = PetitionFactory(campaign=campaign)
    sign(petition)

    result = sign(other)

    assert result.created is True
    assert Supporter.objects.count() == 1


# Confirming and status changes.


def test_confirm_signature_counts_it_once_and_stamps_milestones(petition, sign):
    signatures = [sign(petition, email=f"s{i}@example.org").signature for i in range(2)]

    sign_services.confirm_signature(signature=signatures[0])
    sign_services.confirm_signature(signature=signatures[0])
    assert count_of(petition) == 1
    assert petition.milestones.get(threshold=2).reached_at is None
    sign_services.confirm_signature(signature=signatures[1])

    signatures[0].refresh_from_db()
    assert signatures[0].status == Signature.Status.CONFIRMED
    assert signatures[0].confirmed_at is not None
    assert count_of(petition) == 2
    assert petition.count_updated_at is not None
    assert petition.milestones.get(threshold=2).reached_at is not None
    assert petition.milestones.get(threshold=5).reached_at is None


def test_confirm_signature_in_review_records_confirmation_but_stays_held(petition, sign):
    signature = sign(petition, review_reason="rate_ip").signature

    sign_services.confirm_signature(signature=signature)

    signature.refresh_from_db()
    assert signature.status == Signature.Status.REVIEW
    assert signature.confirmed_at is not None
    assert signature.release_status() == Signature.Status.CONFIRMED
    assert count_of(petition) == 0


def test_confirm_signature_that_was_invalidated_changes_nothing(petition, sign):
    signature = sign(petition).signature
    signatures.change_signature_status(signature=signature, status="invalidated")

    sign_services.confirm_signature(signature=signature)

    signature.refresh_from_db()
    assert signature.status == Signature.Status.INVALIDATED
    assert count_of(petition) == 0


@pytest.mark.parametrize(
    ("start", "end", "count_after"),
    [
        ("pending", "confirmed", 1),
        ("pending", "review", 0),
        ("pending", "invalidated", 0),
        ("review", "confirmed", 1),
        ("review", "pending", 0),
        ("review", "invalidated", 0),
        ("confirmed", "review", 0),
        ("confirmed", "invalidated", 0),
        ("invalidated", "confirmed", 1),
        ("invalidated", "pending", 0),
        ("invalidated", "review", 0),
    ],
)
def test_change_signature_status_keeps_the_count_exact(petition, start, end, count_after):
    signature = SignatureFactory(petition=petition, status=start)
    Petition.objects.filter(pk=petition.pk).update(signature_count=int(start == "confirmed"))

    signatures.change_signature_status(signature=signature, status=end)

    signature.refresh_from_db()
    assert signature.status == end
    assert count_of(petition) == count_after
    assert signatures.reconcile_counts(fix=False) == []


@pytest.mark.parametrize(("start", "end"), [("confirmed", "pending"), ("pending", "pending")])
def test_change_signature_status_refuses_moves_outside_the_map(petition, start, end):
    signature = SignatureFactory(petition=petition, status=start)

    with pytest.raises(TransitionNotAllowed):
        signatures.change_signature_status(signature=signature, status=end)

    signature.refresh_from_db()
    assert signature.status == start


def test_change_signature_status_to_review_records_the_reason(petition):
    signature = SignatureFactory(petition=petition, status="pending")

    signatures.change_signature_status(signature=signature, status="review")

    signature.refresh_from_db()
    assert signature.review_reason == Signature.ReviewReason.STAFF


def test_change_signature_statuses_moves_many_and_fixes_each_count(petition, campaign):
    other = PetitionFactory(campaign=campaign)
    held = [SignatureFactory(petition=petition, status="review") for _ in range(3)]
    SignatureFactory(petition=other, status="review")
    confirmed = SignatureFactory(petition=other, status="confirmed")
    Petition.objects.filter(pk=other.pk).update(signature_count=1)

    moved = signatures.change_signature_statuses(
        signatures=Signature.objects.all(), status=Signature.Status.CONFIRMED
    )

    assert moved == 4  # the confirmed one cannot move to confirmed
    assert count_of(petition) == 3
    assert count_of(other) == 2
    assert {s.status for s in Signature.objects.filter(pk__in=[h.pk for h in held])} == {
        "confirmed"
    }
    confirmed.refresh_from_db()
    assert confirmed.status == "confirmed"
    assert signatures.reconcile_counts(fix=False) == []


def test_change_signature_statuses_invalidating_counted_ones_lowers_the_count(petition):
    for _ in range(3):
        SignatureFactory(petition=petition, status="confirmed")
    Petition.objects.filter(pk=petition.pk).update(signature_count=3)

    moved = signatures.change_signature_statuses(
        signatures=petition.signatures.all()[:2], status="invalidated"
    )

    assert moved == 2
    assert count_of(petition) == 1


# Withdrawing and erasing.


def test_withdraw_signature_deletes_it_lowers_the_count_and_records_withdrawal(petition, sign):
    signature = sign(petition).signature
    sign_services.confirm_signature(signature=signature)

    withdrawn = signatures.withdraw_signature(signature=signature)

    assert withdrawn is True
    assert Signature.objects.count() == 0
    assert count_of(petition) == 0
    withdrawals = ConsentRecord.objects.filter(granted=False).order_by("pk")
    assert [(c.purpose, c.source) for c in withdrawals] == [
        ("petition", "petition:free-them"),
        ("sensitive", "petition:free-them"),
    ]


def test_withdraw_signature_twice_is_harmless(petition, sign):
    signature = sign(petition).signature
    signatures.withdraw_signature(signature=signature)

    assert signatures.withdraw_signature(signature=signature) is False

    assert count_of(petition) == 0


def test_withdrawn_signer_can_sign_again(petition, sign):
    signature = sign(petition).signature
    signatures.withdraw_signature(signature=signature)

    result = sign(petition)

    assert result.created is True


def test_erase_supporter_withdraws_their_signatures_and_keeps_counts_exact(petition, campaign):
    other = PetitionFactory(campaign=campaign)
    keeper = SignatureFactory(petition=petition)
    supporter = SupporterFactory()
    SignatureFactory(petition=petition, supporter=supporter)
    SignatureFactory(petition=other, supporter=supporter)
    SignatureFactory(petition=other, supporter=SupporterFactory(), status="pending")
    signatures.reconcile_counts()
    assert (count_of(petition), count_of(other)) == (2, 1)

    erase_supporter(supporter=supporter)

    assert list(Signature.objects.filter(petition=petition)) == [keeper]
    assert (count_of(petition), count_of(other)) == (1, 0)
    assert not Supporter.objects.filter(pk=supporter.pk).exists()


# Reconciling.


def test_reconcile_counts_reports_and_fixes_drift(petition):
    for _ in range(3):
        SignatureFactory(petition=petition)
    SignatureFactory(petition=petition, status="pending")
    Petition.objects.filter(pk=petition.pk).update(signature_count=7)

    drifts = signatures.reconcile_counts()

    assert [(d.petition.pk, d.stored, d.actual) for d in drifts] == [(petition.pk, 7, 3)]
    assert count_of(petition) == 3
    assert petition.milestones.get(threshold=2).reached_at is not None
    assert signatures.reconcile_counts() == []


def test_reconcile_counts_without_fix_changes_nothing(petition):
    SignatureFactory(petition=petition)

    drifts = signatures.reconcile_counts(fix=False)

    assert [(d.stored, d.actual) for d in drifts] == [(0, 1)]
    assert count_of(petition) == 0


def test_a_drifted_count_never_goes_below_zero(petition):
    signature = SignatureFactory(petition=petition)

    signatures.withdraw_signature(signature=signature)

    assert count_of(petition) == 0
