from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from letters.models import Letter, LetterAction, PrintBatch, letter_date
from lib.states import TransitionNotAllowed
from tests.factories import LetterActionFactory, LetterFactory, TargetFactory


@pytest.mark.django_db
def test_action_with_unknown_placeholder_is_refused_naming_it():
    action = LetterActionFactory.build(
        campaign=LetterActionFactory().campaign,
        body_en="Dear {salutation}, I live in {city}.",
        subject_ko="{이름} 드림",
    )

    with pytest.raises(ValidationError) as caught:
        action.full_clean()

    errors = caught.value.message_dict
    assert sorted(errors) == ["body_en", "subject_ko"]
    assert errors["body_en"][0].startswith(
        "Letter (English) uses {salutation}, which is not a placeholder Sori can fill."
    )
    assert "{이름}" in errors["subject_ko"][0]


@pytest.mark.django_db
def test_action_with_known_placeholders_and_literal_braces_is_accepted():
    action = LetterActionFactory.build(
        campaign=LetterActionFactory().campaign,
        slug="fine",
        body_en="{target_salutation} {full_name} {first_name} {last_name} {{not one}} {date}",
    )

    action.full_clean()


@pytest.mark.django_db
def test_action_needs_a_way_to_deliver():
    action = LetterActionFactory.build(
        campaign=LetterActionFactory().campaign,
        slug="nowhere",
        deliver_download=False,
        deliver_email=False,
        deliver_print=False,
    )

    with pytest.raises(ValidationError) as caught:
        action.full_clean()

    assert caught.value.message_dict == {
        "deliver_download": ["Choose at least one way for letters to reach the official."]
    }


@pytest.mark.django_db
def test_action_status_moves_only_along_its_transitions():
    action = LetterActionFactory(status=LetterAction.Status.DRAFT)

    action.set_status(LetterAction.Status.OPEN)
    action.set_status(LetterAction.Status.CLOSED)

    action.refresh_from_db()
    assert action.status == "closed"
    assert action.published_at is not None
    with pytest.raises(TransitionNotAllowed):
        action.set_status(LetterAction.Status.DRAFT)


@pytest.mark.django_db
def test_open_actions_are_open_in_a_live_campaign():
    open_action = LetterActionFactory()
    LetterActionFactory(status=LetterAction.Status.DRAFT)
    LetterActionFactory(campaign__status="draft")

    assert list(LetterAction.objects.open()) == [open_action]


@pytest.mark.django_db
def test_letter_status_transitions_are_checked():
    letter = LetterFactory()

    with pytest.raises(TransitionNotAllowed):
        letter.set_status(Letter.Status.SENT)
    letter.set_status(Letter.Status.QUEUED)
    letter.mark_failed("SMTPRecipientsRefused")
    letter.set_status(Letter.Status.READY)
    letter.mark_posted(timezone.now())

    letter.refresh_from_db()
    assert letter.status == "posted"
    assert letter.last_delivery_error == "SMTPRecipientsRefused"
    with pytest.raises(TransitionNotAllowed):
        letter.set_status(Letter.Status.QUEUED)


@pytest.mark.django_db
def test_print_batch_transitions_are_checked():
    batch = PrintBatch.objects.create(target=TargetFactory())

    with pytest.raises(TransitionNotAllowed):
        batch.set_status(PrintBatch.Status.POSTED)


@pytest.mark.django_db
def test_a_letter_signs_a_hangul_name_family_name_first_in_either_language():
    english = LetterFactory(first_name="지우", last_name="김", language="en")
    korean = LetterFactory(first_name="Ji-woo", last_name="Kim", language="ko")

    assert english.full_name == "김지우"
    assert korean.full_name == "Ji-woo Kim"


def test_letter_dates_follow_the_letter_language():
    day = date(2026, 3, 1)

    assert letter_date(day, "en") == "1 March 2026"
    assert letter_date(day, "ko") == "2026년 3월 1일"


@pytest.mark.django_db
def test_fill_uses_the_letters_own_details_and_official():
    target = TargetFactory(salutation_en="Dear Minister", name="The Minister of Justice")
    letter = LetterFactory.build(
        target=target,
        first_name="Ji-woo",
        last_name="Kim",
        city="Busan",
        country="KR",
        written_at=timezone.make_aware(timezone.datetime(2026, 5, 1, 12)),
    )

    letter.fill(
        "{target_name}: a letter from {full_name}",
        "{target_salutation}, I am {first_name} {last_name} of {city}, {country}, on {date}.",
    )

    assert letter.subject == "The Minister of Justice: a letter from Ji-woo Kim"
    assert letter.body == ("Dear Minister, I am Ji-woo Kim of Busan, South Korea, on 1 May 2026.")
