"""Letter actions in the manager area: create, edit, preview (page and PDF), publish, copy."""

import pytest
from django.contrib.messages import get_messages

from letters.models import LetterAction
from tests.factories import LetterActionFactory, LetterFactory, TargetFactory
from tests.letters.test_pdf import flat
from tests.lib.test_pdf import pdf_text
from tests.manage.conftest import letter_data


def errors(response) -> dict:
    return {name: [str(e) for e in errs] for name, errs in response.context["form"].errors.items()}


def test_a_manager_creates_a_draft_letter_action(client, bob, campaign, minister):
    client.force_login(bob)

    response = client.post("/en/manage/letters/actions/new/", letter_data(campaign, [minister]))

    action = LetterAction.objects.get(slug="write-to-the-speaker")
    assert response.url == f"/en/manage/letters/actions/{action.pk}/"
    assert (action.campaign, action.status, action.editing) == (campaign, "draft", "paragraph")
    assert list(action.targets.all()) == [minister]
    assert action.intro_html == "<p>A letter <strong>in your words</strong> counts.</p>"
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "The letter action is saved as a draft. Preview it, then publish it."
    ]


PLACEHOLDER_HINT = (
    "Use only {first_name}, {last_name}, {full_name}, {city}, {country}, {target_name}, "
    "{target_salutation}, {date}, or write {{ and }} for literal braces."
)


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        (
            {"body_en": "Dear {target_salutaton},\n\nI live in {town}."},
            "body_en",
            "Letter (English) uses {target_salutaton}, {town}, which is not a placeholder "
            "Sori can fill. " + PLACEHOLDER_HINT,
        ),
        (
            {"subject_ko": "{이름} 드림"},
            "subject_ko",
            "Subject (Korean) uses {이름}, which is not a placeholder Sori can fill. "
            + PLACEHOLDER_HINT,
        ),
        ({"targets": []}, "targets", "Choose at least one official to write to."),
        ({"goal": "0"}, "goal", "The goal must be at least 1 letter, or empty."),
        (
            {"deliver_download": None, "deliver_email": None},
            "deliver_download",
            "Choose at least one way for letters to reach the official.",
        ),
        (
            {"paragraph_max_length": "50"},
            "paragraph_max_length",
            "Ensure this value is greater than or equal to 100.",
        ),
        (
            {"slug": "write-to-the-minister"},
            "slug",
            "Letter action with this Address already exists.",
        ),
        (
            {"intro_en": "<iframe src=https://evil.example></iframe>"},
            "intro_en",
            "Sori shows Markdown only and would remove <iframe> from the page. "
            "Take it out, or write it as Markdown (**bold**, [link](https://…)).",
        ),
    ],
)
def test_bad_letter_action_input_shows_the_error_and_saves_nothing(
    client, bob, campaign, minister, letter_action, overrides, field, message
):
    client.force_login(bob)
    before = list(LetterAction.objects.values_list("pk", flat=True))

    response = client.post(
        "/en/manage/letters/actions/new/", letter_data(campaign, [minister], **overrides)
    )

    assert response.status_code == 400
    assert list(LetterAction.objects.values_list("pk", flat=True)) == before
    assert errors(response) == {field: [message]}


def test_inactive_officials_are_not_offered(client, bob, campaign, minister):
    retired = TargetFactory(name="A retired minister", active=False)
    client.force_login(bob)

    response = client.post(
        "/en/manage/letters/actions/new/", letter_data(campaign, [minister, retired])
    )

    assert response.status_code == 400
    assert list(errors(response)) == ["targets"]


def test_editing_keeps_letters_already_written(client, bob, campaign, minister, letter_action):
    letter = LetterFactory(action=letter_action, body="I wrote this myself.")
    client.force_login(bob)

    response = client.post(
        f"/en/manage/letters/actions/{letter_action.pk}/edit/",
        letter_data(campaign, [minister], body_en="A new template from {city}."),
    )

    assert response.status_code == 302
    letter_action.refresh_from_db()
    letter.refresh_from_db()
    assert letter_action.body_en == "A new template from {city}."
    assert letter_action.slug == "write-to-the-minister"  # fixed once published
    assert letter.body == "I wrote this myself."


def test_the_letter_pdf_preview_fills_the_template_for_a_sample_writer(client, bob, letter_action):
    client.force_login(bob)

    response = client.get(f"/en/manage/letters/actions/{letter_action.pk}/letter.pdf")

    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'inline; filename="preview-write-to-the-minister.pdf"'
    text = flat(pdf_text(response.content))
    assert "Dear Minister" in text
    # The writer's paragraph goes before the letter's last paragraph.
    assert (
        "I am writing from Manchester, United Kingdom. (Here comes the writer's own paragraph, "
        "if they add one.) Please free them."
    ) in text
    assert "Alex Morgan" in text
    assert "(Here comes the writer's own paragraph, if they add one.)" in text
    assert "장관님께" in text
    assert "부산에서 편지를 드립니다." in text
    assert "김지우 올림" in text


def test_the_pdf_preview_of_unsaved_text_keeps_nothing(
    client, bob, campaign, minister, letter_action
):
    client.force_login(bob)

    response = client.post(
        f"/en/manage/letters/actions/{letter_action.pk}/letter.pdf",
        letter_data(
            campaign,
            [minister],
            subject_en="Halt the executions",
            body_en="{full_name} of {city} asks you, {target_name}, to act.",
            editing="fixed",
        ),
    )

    text = flat(pdf_text(response.content))
    assert "Halt the executions" in text
    assert "Alex Morgan of Manchester asks you, The Minister of Justice, to act." in text
    assert "own paragraph" not in text
    letter_action.refresh_from_db()
    assert letter_action.subject_en == "Free the prisoners of conscience"
    assert letter_action.editing == "paragraph"


def test_the_pdf_preview_names_an_unknown_placeholder_instead(
    client, bob, campaign, minister, letter_action
):
    client.force_login(bob)

    response = client.post(
        f"/en/manage/letters/actions/{letter_action.pk}/letter.pdf",
        letter_data(campaign, [minister], body_en="From {hometown}."),
    )

    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    assert "uses {hometown}, which is not a placeholder" in response.content.decode()


def test_the_pdf_preview_of_a_new_action_saves_nothing(client, bob, campaign, minister):
    client.force_login(bob)

    response = client.post(
        "/en/manage/letters/actions/new/letter.pdf", letter_data(campaign, [minister])
    )

    assert "I write from Manchester, United Kingdom." in flat(pdf_text(response.content))
    assert not LetterAction.objects.filter(slug="write-to-the-speaker").exists()


def test_the_page_preview_shows_the_unsaved_action(client, bob, campaign, minister, letter_action):
    client.force_login(bob)

    response = client.post(
        f"/en/manage/letters/actions/{letter_action.pk}/preview/",
        letter_data(
            campaign, [minister], title_en="Write to the Minister today", intro_en="**Now.**"
        ),
    )

    html = response.content.decode()
    assert "<h1>Write to the Minister today</h1>" in html
    assert "<p><strong>Now.</strong></p>" in html
    assert "[your town]" in html  # the letter as a supporter first sees it
    assert "letters.js" not in html
    letter_action.refresh_from_db()
    assert letter_action.title == "Write to the Minister"


def test_publishing_asks_first_then_opens_the_action(client, bob, campaign, minister):
    draft = LetterActionFactory(
        campaign=campaign, status="draft", slug="draft-letter", targets=[minister]
    )
    client.force_login(bob)
    url = f"/en/manage/letters/actions/{draft.pk}/status/publish/"

    question = client.get(url)
    draft.refresh_from_db()
    assert draft.status == "draft"
    assert question.context["move"].effects == [
        "The letter action will be public at /en/letters/draft-letter/."
    ]

    client.post(url)

    draft.refresh_from_db()
    assert draft.status == "open"
    assert draft.published_at is not None


def test_an_action_without_an_active_official_cannot_be_published(client, bob, campaign):
    draft = LetterActionFactory(
        campaign=campaign, status="draft", targets=[TargetFactory(active=False)]
    )
    client.force_login(bob)

    response = client.post(f"/en/manage/letters/actions/{draft.pk}/status/publish/")

    assert response.status_code == 409
    assert "It has no active official to write to: choose one first." in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == "draft"


def test_closing_asks_first_then_closes(client, bob, letter_action):
    client.force_login(bob)
    url = f"/en/manage/letters/actions/{letter_action.pk}/status/close/"

    question = client.get(url).content.decode()
    letter_action.refresh_from_db()
    assert letter_action.status == "open"
    assert "Letters already written can still be delivered." in question

    client.post(url)

    letter_action.refresh_from_db()
    assert letter_action.status == "closed"


def test_duplicating_copies_the_templates_and_officials_but_no_letters(
    client, bob, campaign, letter_action
):
    LetterFactory(action=letter_action)
    client.force_login(bob)

    response = client.post(
        f"/en/manage/letters/actions/{letter_action.pk}/duplicate/", {"campaign": campaign.pk}
    )

    copy = LetterAction.objects.get(slug="write-to-the-minister-copy")
    assert response.url == f"/en/manage/letters/actions/{copy.pk}/edit/"
    assert (copy.status, copy.title, copy.letter_count, copy.published_at) == (
        "draft",
        "Write to the Minister",
        0,
        None,
    )
    assert (copy.subject_en, copy.body_ko, copy.deliver_print) == (
        letter_action.subject_en,
        letter_action.body_ko,
        True,
    )
    assert list(copy.targets.values_list("name", flat=True)) == ["The Minister of Justice"]
    assert copy.letters.count() == 0


def test_an_action_without_officials_has_no_pdf_to_preview(client, bob, letter_action):
    letter_action.targets.clear()
    client.force_login(bob)

    response = client.get(f"/en/manage/letters/actions/{letter_action.pk}/letter.pdf")
    dashboard = client.get(f"/en/manage/letters/actions/{letter_action.pk}/").content.decode()

    assert response.status_code == 404
    assert "Letter as PDF (sample writer)" not in dashboard
