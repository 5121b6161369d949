import re
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from accounts.models import ConsentRecord, Supporter
from letters import emails, services
from letters.models import Letter, LetterAction, LetterDelivery, PrintBatch
from letters.services import LetterError, SenderDetails, write_letter
from tests.factories import (
    LetterActionFactory,
    LetterFactory,
    SupporterFactory,
    TargetFactory,
)
from tests.lib.test_pdf import pdf_text
from tests.tamper import tampered

SENDER = SenderDetails(
    email="Ji-woo.Kim@Example.org",
    first_name="Ji-woo",
    last_name="Kim",
    city="Busan",
    country="KR",
)


def write(action, *, capture=None, sender=SENDER, **kwargs):
    arguments = {"targets": list(action.targets.all()), "sender": sender, **kwargs}
    if capture is None:
        return write_letter(action=action, **arguments)
    with capture(execute=True):
        return write_letter(action=action, **arguments)


def read(field_file) -> bytes:
    with field_file.open("rb") as handle:
        return handle.read()


def refusing_mail(settings):
    settings.MAILERS = {"default": {"BACKEND": "tests.letters.mail_backends.RefusingBackend"}}


def working_mail(settings):
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}


def queued_letter(action=None, **kwargs) -> Letter:
    """A confirmed letter in the queue (outside on_commit capture, nothing is sent yet)."""
    letter = LetterFactory(action=action or LetterActionFactory(), **kwargs)
    services.confirm_delivery(letter=letter, revision=letter.revision, method="email")
    letter.refresh_from_db()
    return letter


# Writing ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_write_letter_fills_the_template_records_consent_and_stores_the_pdf(
    django_capture_on_commit_callbacks,
):
    action = LetterActionFactory(
        targets=[TargetFactory(preferred_language="en", name="The Minister of Justice")],
        editing="paragraph",
    )

    result = write(
        action,
        capture=django_capture_on_commit_callbacks,
        personal_paragraph="  My uncle was jailed.\r\n\r\n\r\nFree them.  ",
        interface_language="en",
    )

    [letter] = result.letters
    letter.refresh_from_db()
    assert letter.status == "draft"
    assert letter.supporter.email == "ji-woo.kim@example.org"
    assert letter.language == "en"
    assert letter.subject == "Free the prisoners of conscience"
    assert letter.body == "I am writing from Busan, South Korea.\n\nPlease free them."
    assert letter.personal_paragraph == "My uncle was jailed.\n\nFree them."
    assert len(letter.token) >= 43
    assert letter.pdf_is_current
    assert "My uncle was jailed." in pdf_text(read(letter.pdf))
    consent = ConsentRecord.objects.get(supporter=letter.supporter)
    assert (consent.purpose, consent.granted, consent.notice_version) == (
        "letter",
        True,
        "2026-12-letter-v3",
    )
    assert LetterAction.objects.get(pk=action.pk).letter_count == 1


@pytest.mark.django_db
def test_letters_go_in_korean_when_the_official_or_the_supporter_prefers_it():
    korean_official = TargetFactory(preferred_language="ko")
    english_official = TargetFactory(preferred_language="en")
    action = LetterActionFactory(targets=[korean_official, english_official])

    by_official = write(action, interface_language="en").letters
    by_supporter = write(
        action,
        sender=SenderDetails("b@example.org", "B", "C", "Seoul", "KR"),
        interface_language="ko",
    ).letters
    chosen = write(
        action, sender=SenderDetails("c@example.org", "C", "D", "Leeds", "GB"), language_choice="en"
    ).letters

    assert {letter.target: letter.language for letter in by_official} == {
        korean_official: "ko",
        english_official: "en",
    }
    assert [letter.language for letter in by_supporter] == ["ko", "ko"]
    assert [letter.language for letter in chosen] == ["en", "en"]
    korean = next(letter for letter in by_official if letter.language == "ko")
    assert korean.subject == "양심수를 석방해 주십시오"
    assert korean.body == "Busan에서 편지를 드립니다.\n\n석방해 주십시오."


@pytest.mark.django_db
def test_a_second_visit_from_the_same_browser_edits_the_same_letter():
    action = LetterActionFactory()
    [first] = write(action, personal_paragraph="First thoughts.").letters

    [second] = write(
        action, personal_paragraph="Second thoughts.", known_tokens=[first.token]
    ).letters

    assert second.pk == first.pk
    assert second.token == first.token
    assert second.revision == 2
    assert Letter.objects.get().personal_paragraph == "Second thoughts."
    assert LetterAction.objects.get(pk=action.pk).letter_count == 1


@pytest.mark.django_db
def test_a_rewrite_from_elsewhere_replaces_the_draft_and_counts_like_a_new_letter():
    action = LetterActionFactory()
    [first] = write(action, personal_paragraph="The owner's words.").letters
    first.delivery = "email"
    first.save()

    [second] = write(action, personal_paragraph="Someone else's words.").letters

    second.refresh_from_db()
    assert second.pk == first.pk
    assert second.personal_paragraph == "Someone else's words."
    assert second.delivery == ""
    assert LetterAction.objects.get(pk=action.pk).letter_count == 2


@pytest.mark.django_db
def test_after_delivery_the_owner_sees_the_sent_letter_and_others_get_a_new_draft():
    action = LetterActionFactory()
    sent = queued_letter(action=action, supporter=SupporterFactory(email="ji-woo.kim@example.org"))

    mine = write(action, known_tokens=[sent.token])
    elsewhere = write(action)

    assert mine.letters == []
    assert mine.unchanged == [sent]
    [draft] = elsewhere.letters
    assert draft.pk != sent.pk
    assert draft.status == "draft"
    assert Letter.objects.get(pk=sent.pk).status == "queued"


@pytest.mark.django_db
def test_writing_to_a_closed_action_is_refused_and_changes_nothing():
    action = LetterActionFactory(status=LetterAction.Status.CLOSED)

    with pytest.raises(LetterError, match="closed"):
        write(action)

    assert Supporter.objects.count() == 0
    assert Letter.objects.count() == 0


@pytest.mark.django_db
def test_rewriting_the_whole_letter_fills_the_supporters_placeholders():
    action = LetterActionFactory(
        editing="full", targets=[TargetFactory(salutation_en="Dear Minister")]
    )

    [letter] = write(
        action,
        subject="From {city}",
        body="{target_salutation}, this is {first_name}. {{Braces}} stay.",
        language_choice="en",
    ).letters

    assert letter.subject == "From Busan"
    assert letter.body == "Dear Minister, this is Ji-woo. {Braces} stay."


# Asking for delivery and confirming -------------------------------------------------


@pytest.mark.django_db
def test_request_delivery_mails_a_confirmation_link_and_sends_nothing_yet(
    django_capture_on_commit_callbacks,
):
    letter = LetterFactory(supporter=SupporterFactory(email="owner@example.org"))

    with django_capture_on_commit_callbacks(execute=True):
        confirmed = services.request_delivery(
            letter=letter, method="email", reply_to_supporter=True
        )

    letter.refresh_from_db()
    assert confirmed is False
    assert (letter.status, letter.delivery, letter.reply_to_supporter) == ("draft", "email", True)
    [message] = mail.outbox
    assert message.to == ["owner@example.org"]
    # An office inside a sentence: "to the Minister of …", not "to The Minister of …".
    assert message.subject == (
        "Confirm: email your letter to " + letter.target.name.replace("The ", "the ", 1)
    )
    assert "/en/letters/confirm/" in message.body
    assert LetterDelivery.objects.count() == 0


@pytest.mark.django_db
def test_confirmation_mail_names_action_and_official_but_nothing_the_writer_typed(
    django_capture_on_commit_callbacks,
):
    target = TargetFactory(name="Minister of Labour & Employment")
    letter = LetterFactory(
        action=LetterActionFactory(title="Workers' rights", targets=[target]),
        first_name="Cheap pills",
        last_name="Buy now",
        subject="You won a prize: reply with your bank details",
        body="Send money.",
        personal_paragraph="Call 010-0000-0000.",
    )

    with django_capture_on_commit_callbacks(execute=True):
        services.request_delivery(letter=letter, method="post")

    [message] = mail.outbox
    html = message.alternatives[0][0]
    link = re.search(r"http://testserver/en/letters/confirm/\S+/", message.body).group(0)
    assert message.subject == "Confirm: post your letter to Minister of Labour & Employment"
    assert message.body == (
        "Hello,\n\n"
        "You asked us to print your letter for “Workers' rights” and post it to "
        "Minister of Labour & Employment.\n\n"
        "Open this link and press the button to confirm (the link works for 7 days):\n"
        f"{link}\n\n"
        "If you did not write this letter, ignore this email: nothing is sent without your "
        "confirmation.\n\n"
        "Sori Human Rights Network\n\n"
    )
    assert "Workers&#x27; rights" in html and "Labour &amp; Employment" in html
    for typed in ("Cheap pills", "Buy now", "prize", "Send money", "010-0000-0000"):
        assert typed not in message.body
        assert typed not in html


@pytest.mark.django_db
def test_official_email_subject_is_the_writers_subject_unescaped_on_one_line():
    letter = LetterFactory(subject="Workers' rights & <fair pay>\r\nBcc: everyone@example.org")

    message = emails.build_official_email(letter, to="minister@officials.example", pdf=b"%PDF")

    assert message.subject == "Workers' rights & <fair pay> Bcc: everyone@example.org"
    assert message.bcc == []
    assert "Bcc" not in message.message()


@pytest.mark.django_db
def test_confirmation_mails_are_limited_per_letter(django_capture_on_commit_callbacks):
    letter = LetterFactory()

    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(3):
            services.request_delivery(letter=letter, method="email")

    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_confirmation_mails_to_one_mailbox_are_capped_across_letters(
    django_capture_on_commit_callbacks,
):
    supporter = SupporterFactory(email="ji.woo@gmail.com")
    alias = SupporterFactory(email="jiwoo+letters@gmail.com")  # the same mailbox
    letters = [LetterFactory(supporter=supporter) for _ in range(6)]
    letters += [LetterFactory(supporter=alias) for _ in range(6)]

    with django_capture_on_commit_callbacks(execute=True):
        for letter in letters:
            services.request_delivery(letter=letter, method="email")

    assert len(mail.outbox) == services.MAILS_PER_ADDRESS_PER_DAY == 10


@pytest.mark.django_db
def test_confirming_queues_and_emails_the_letter_to_the_official_with_the_pdf(
    django_capture_on_commit_callbacks,
):
    target = TargetFactory(email="minister@officials.example", salutation_en="Dear Minister")
    letter = LetterFactory(
        action=LetterActionFactory(targets=[target]),
        supporter=SupporterFactory(email="owner@example.org"),
        personal_paragraph="My own words.",
        reply_to_supporter=True,
    )
    token = services.make_confirm_token(letter, "email")

    confirmation = services.read_confirm_token(token)
    with django_capture_on_commit_callbacks(execute=True):
        services.confirm_delivery(
            letter=confirmation.letter, revision=confirmation.revision, method=confirmation.method
        )

    letter.refresh_from_db()
    assert letter.status == "sent"
    assert letter.confirmed_at is not None
    assert letter.email_delivery.status == "sent"
    assert letter.email_delivery.attempts == 1
    [message] = mail.outbox
    assert message.to == ["minister@officials.example"]
    assert message.reply_to == ["owner@example.org"]
    assert message.subject == "Free the prisoners of conscience"
    # The writer's paragraph comes before the action's last one; the line below says
    # that we deliver it and that the added part is the writer's own view.
    assert message.body.startswith(
        "Dear Minister,\n\nI am writing from Busan, South Korea.\n\nMy own words.\n\n"
        "Please free them.\n"
    )
    assert (
        "This letter was written by a person who took part in Sori Human Rights Network's "
        "online letter-writing, and Sori Human Rights Network delivers it at the writer's "
        "request. The part the writer added in their own words is the writer's own view."
    ) in message.body
    [(filename, content, mimetype)] = message.attachments
    assert (filename, mimetype) == (letter.pdf_filename(), "application/pdf")
    assert "My own words." in pdf_text(content)


@pytest.mark.django_db
def test_without_agreement_replies_do_not_go_to_the_supporter(django_capture_on_commit_callbacks):
    letter = LetterFactory(reply_to_supporter=False)

    with django_capture_on_commit_callbacks(execute=True):
        services.confirm_delivery(letter=letter, revision=letter.revision, method="email")

    [message] = mail.outbox
    assert message.reply_to == ["info@sori.example"]
    assert letter.supporter.email not in message.message().as_string()


@pytest.mark.django_db
def test_a_signed_in_owner_is_confirmed_at_once(alice, django_capture_on_commit_callbacks):
    letter = LetterFactory(supporter=alice.supporter)

    with django_capture_on_commit_callbacks(execute=True):
        confirmed = services.request_delivery(letter=letter, method="post", user=alice)

    letter.refresh_from_db()
    assert confirmed is True
    assert letter.status == "ready"
    assert mail.outbox == []


@pytest.mark.django_db
def test_confirming_a_letter_changed_since_the_link_was_sent_is_refused():
    letter = LetterFactory()
    token = services.make_confirm_token(letter, "email")
    Letter.objects.filter(pk=letter.pk).update(revision=2)

    confirmation = services.read_confirm_token(token)
    with pytest.raises(LetterError, match="changed after we sent this link"):
        services.confirm_delivery(
            letter=confirmation.letter, revision=confirmation.revision, method="email"
        )

    assert Letter.objects.get(pk=letter.pk).status == "draft"


@pytest.mark.django_db
def test_confirming_twice_is_harmless(django_capture_on_commit_callbacks):
    letter = LetterFactory()

    with django_capture_on_commit_callbacks(execute=True):
        services.confirm_delivery(letter=letter, revision=1, method="email")
        services.confirm_delivery(letter=letter, revision=1, method="email")

    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_a_second_letter_to_the_same_official_is_never_delivered():
    action = LetterActionFactory()
    supporter = SupporterFactory()
    queued_letter(action=action, supporter=supporter)
    [draft] = write(action, sender=SenderDetails(supporter.email, "A", "B", "Seoul", "KR")).letters

    with pytest.raises(LetterError, match="You already sent a letter to"):
        services.confirm_delivery(letter=draft, revision=draft.revision, method="email")

    assert Letter.objects.get(pk=draft.pk).status == "draft"


@pytest.mark.django_db
def test_expired_or_forged_links_are_refused(settings):
    letter = LetterFactory()
    token = services.make_confirm_token(letter, "email")
    settings.LETTERS_CONFIRM_MAX_AGE_DAYS = -1

    with pytest.raises(LetterError, match="expired"):
        services.read_confirm_token(token)
    with pytest.raises(LetterError, match="not valid"):
        services.read_confirm_token(tampered(token))


@pytest.mark.django_db
def test_email_delivery_needs_the_action_to_allow_it_and_an_official_address():
    letter = LetterFactory(target=TargetFactory(email=""))

    with pytest.raises(LetterError, match="cannot be delivered that way"):
        services.request_delivery(letter=letter, method="email")

    assert Letter.objects.get(pk=letter.pk).delivery == ""


# The queue: throttling and retries ---------------------------------------------------


@pytest.mark.django_db
def test_each_official_gets_at_most_the_hourly_allowance_and_the_queue_drains(settings):
    settings.LETTERS_EMAILS_PER_OFFICIAL_PER_HOUR = 2
    busy, quiet = TargetFactory(), TargetFactory()
    busy_action, quiet_action = (
        LetterActionFactory(targets=[busy]),
        LetterActionFactory(targets=[quiet]),
    )
    busy_letters = [queued_letter(action=busy_action) for _ in range(3)]
    quiet_letter = queued_letter(action=quiet_action)
    now = timezone.now()

    first = services.send_queued_letters(now=now)
    second = services.send_queued_letters(now=now + timedelta(minutes=5))
    third = services.send_queued_letters(now=now + timedelta(minutes=61))

    assert first == {"sent": 3}
    assert second == {}
    assert third == {"sent": 1}
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [busy.email, busy.email, quiet.email, busy.email]
    )
    assert {Letter.objects.get(pk=letter.pk).status for letter in busy_letters} == {"sent"}
    assert Letter.objects.get(pk=quiet_letter.pk).status == "sent"


@pytest.mark.django_db
def test_a_refused_email_is_retried_with_back_off_then_fails_visibly(settings):
    settings.LETTERS_EMAIL_MAX_ATTEMPTS = 3
    settings.LETTERS_EMAIL_RETRY_SECONDS = 60
    refusing_mail(settings)
    letter = queued_letter()
    first = services.send_queued_letters()
    delivery = LetterDelivery.objects.get(letter=letter)
    first_retry_at = delivery.next_attempt_at

    too_early = services.send_queued_letters(now=first_retry_at - timedelta(seconds=1))
    second = services.send_queued_letters(now=first_retry_at)
    delivery.refresh_from_db()
    second_retry_at = delivery.next_attempt_at
    third = services.send_queued_letters(now=second_retry_at)

    delivery.refresh_from_db()
    letter.refresh_from_db()
    assert first == {"retry": 1}
    assert too_early == {}
    assert second == {"retry": 1}
    assert round((second_retry_at - first_retry_at).total_seconds()) >= 120
    assert third == {"failed": 1}
    assert (delivery.status, delivery.attempts) == ("failed", 3)
    assert delivery.last_error.startswith("SMTPRecipientsRefused")
    assert letter.status == "failed"
    assert letter.last_delivery_error.startswith("SMTPRecipientsRefused")


@pytest.mark.django_db
def test_a_failed_letter_can_be_sent_again_or_posted_instead(
    settings, django_capture_on_commit_callbacks
):
    settings.LETTERS_EMAIL_MAX_ATTEMPTS = 1
    refusing_mail(settings)
    first, second = queued_letter(), queued_letter()
    assert services.send_queued_letters() == {"failed": 2}
    working_mail(settings)

    with django_capture_on_commit_callbacks(execute=True):
        services.retry_delivery(letter=first, method="email")
    services.retry_delivery(letter=second, method="post")

    assert Letter.objects.get(pk=first.pk).status == "sent"
    assert Letter.objects.get(pk=second.pk).status == "ready"
    assert len(mail.outbox) == 1


def test_retry_delay_doubles_up_to_six_hours(settings):
    settings.LETTERS_EMAIL_RETRY_SECONDS = 300

    delays = [services.retry_delay(n).total_seconds() for n in (1, 2, 3, 10)]

    assert delays == [300, 600, 1200, 6 * 3600]


@pytest.mark.django_db
def test_a_claim_abandoned_by_a_dead_worker_goes_back_to_the_queue():
    letter = queued_letter()
    now = timezone.now()
    LetterDelivery.objects.filter(letter=letter).update(
        status="sending", claimed_at=now - timedelta(minutes=20), next_attempt_at=now
    )

    outcome = services.send_queued_letters(now=now)

    assert outcome == {"sent": 1}
    assert Letter.objects.get(pk=letter.pk).status == "sent"


# Print batches ----------------------------------------------------------------------


@pytest.mark.django_db
def test_print_batch_merges_ready_letters_and_marks_them_posted(
    carol, django_capture_on_commit_callbacks
):
    target = TargetFactory()
    action = LetterActionFactory(targets=[target])
    ready = [
        LetterFactory(action=action, status="ready", first_name=f"Writer{n}") for n in range(3)
    ]
    LetterFactory(action=action)  # a draft stays out
    LetterFactory(action=LetterActionFactory(), status="ready")  # another official

    with django_capture_on_commit_callbacks(execute=True):
        batch = services.start_print_batch(target=target, user=carol, envelopes=True)
    batch.refresh_from_db()

    assert (batch.status, batch.total, batch.progress, batch.page_count) == ("done", 3, 3, 6)
    assert set(batch.letters.all()) == set(ready)
    text = pdf_text(read(batch.file))
    assert all(f"Writer{n}" in text for n in range(3))

    posted = services.mark_batch_posted(batch=batch)

    assert posted == 3
    assert {letter.status for letter in Letter.objects.filter(print_batch=batch)} == {"posted"}
    assert PrintBatch.objects.get(pk=batch.pk).status == "posted"


@pytest.mark.django_db
def test_a_letter_is_never_in_two_batches(carol, django_capture_on_commit_callbacks):
    target = TargetFactory()
    LetterFactory(action=LetterActionFactory(targets=[target]), status="ready")
    with django_capture_on_commit_callbacks(execute=True):
        services.start_print_batch(target=target, user=carol)

    with pytest.raises(LetterError, match="No letters to"):
        services.start_print_batch(target=target, user=carol)

    assert PrintBatch.objects.filter(total__gt=0).count() == 1


# Personal data ----------------------------------------------------------------------


@pytest.mark.django_db
def test_erasing_a_supporter_deletes_letters_pdfs_and_batch_files(
    carol, django_capture_on_commit_callbacks, private_files
):
    from accounts.services import erase_supporter

    target = TargetFactory()
    action = LetterActionFactory(targets=[target])
    supporter = SupporterFactory()
    with django_capture_on_commit_callbacks(execute=True):
        [letter] = write(
            action, sender=SenderDetails(supporter.email, "A", "B", "Seoul", "KR")
        ).letters
    Letter.objects.filter(pk=letter.pk).update(status="ready")
    with django_capture_on_commit_callbacks(execute=True):
        batch = services.start_print_batch(target=target, user=carol)
    services.letter_pdf_bytes(Letter.objects.get(pk=letter.pk), envelope=True)
    files_before = sorted(p.name for p in private_files.rglob("*.pdf"))

    with django_capture_on_commit_callbacks(execute=True):
        erase_supporter(supporter=supporter)

    assert len(files_before) == 3
    assert list(private_files.rglob("*.pdf")) == []
    assert Letter.objects.count() == 0
    assert PrintBatch.objects.get(pk=batch.pk).file.name == ""
    assert LetterAction.objects.get(pk=action.pk).letter_count == 0


@pytest.mark.django_db
def test_export_holds_the_supporters_letters():
    from accounts.services import export_supporter

    letter = LetterFactory(personal_paragraph="Mine.")

    data = export_supporter(letter.supporter)

    [exported] = data["letters"]
    assert exported["official"] == letter.target.name
    assert exported["personal_paragraph"] == "Mine."
    assert exported["status"] == "draft"
