import pytest
from django.core import mail
from django.urls import reverse

from accounts import roles
from accounts.models import AuditEntry
from letters import services
from letters.models import Letter, LetterAction, PrintBatch
from tests.factories import (
    CampaignFactory,
    LetterActionFactory,
    LetterFactory,
    TargetFactory,
    UserFactory,
)

FORM = {
    "language": "auto",
    "first_name": "Ji-woo",
    "last_name": "Kim",
    "email": "jiwoo@example.org",
    "city": "Busan",
    "country": "KR",
    "postal_address": "",
    "consent": "on",
}


@pytest.fixture
def action(campaign):
    return LetterActionFactory(
        campaign=campaign,
        slug="write-to-the-minister",
        title="Write to the Minister",
        targets=[TargetFactory(name="The Minister of Justice", preferred_language="en")],
        paragraph_max_length=100,
    )


def text_of(response) -> str:
    return response.content.decode()


# The action page ----------------------------------------------------------------------


@pytest.mark.django_db
def test_letters_page_lists_open_actions_only(client, action):
    LetterActionFactory(title="Not yet", status=LetterAction.Status.DRAFT)

    response = client.get(reverse("letters:list"))

    assert response.status_code == 200
    assert "Write to the Minister" in text_of(response)
    assert "Not yet" not in text_of(response)


@pytest.mark.django_db
def test_a_draft_action_is_hidden_from_the_public_and_other_managers(client, bob, mallory):
    draft = LetterActionFactory(
        status=LetterAction.Status.DRAFT, campaign=CampaignFactory(managers=[bob])
    )
    url = draft.get_absolute_url()

    anonymous = client.get(url)
    client.force_login(mallory)
    other_manager = client.get(url)
    client.force_login(bob)
    own_manager = client.get(url)

    assert anonymous.status_code == 404
    assert other_manager.status_code == 404
    assert own_manager.status_code == 200
    assert "Preview for managers" in text_of(own_manager)


@pytest.mark.django_db
def test_action_page_shows_the_form_and_the_filled_template(client, action):
    response = client.get(action.get_absolute_url())

    page = text_of(response)
    assert response.status_code == 200
    assert 'name="personal_paragraph"' in page
    assert 'maxlength="100"' in page
    assert "I am writing from [your town]" in page
    assert 'data-hx-post="/en/letters/write-to-the-minister/"' in page


@pytest.mark.django_db
def test_writing_a_letter_leads_to_its_private_page(client, action):
    response = client.post(action.get_absolute_url(), {**FORM, "personal_paragraph": "Free them."})

    letter = Letter.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/en/letters/l/{letter.token}/"
    assert letter.personal_paragraph == "Free them."
    assert client.session["sori_letters"] == [letter.token]


@pytest.mark.django_db
def test_the_private_page_asks_for_a_gift_when_donations_are_on(client, action, settings):
    settings.STRIPE_SECRET_KEY = "sk_test_x"
    settings.STRIPE_PUBLISHABLE_KEY = "pk_test_x"
    settings.STRIPE_WEBHOOK_SECRET = "whsec_x"
    written = client.post(action.get_absolute_url(), {**FORM, "personal_paragraph": "Free them."})

    page = text_of(client.get(written["Location"]))

    assert "Will you also give?" in page
    assert f"/en/donate/?campaign={action.campaign.slug}" in page


@pytest.mark.django_db
def test_over_long_paragraph_is_refused_with_the_limit_and_saves_nothing(client, action):
    response = client.post(action.get_absolute_url(), {**FORM, "personal_paragraph": "x" * 101})

    assert response.status_code == 400
    assert "Keep this to 100 characters or fewer; it has 101." in text_of(response)
    assert Letter.objects.count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        (
            "first_name",
            "bit.ly/3abc",
            "Please enter just your name, without web addresses or email addresses.",
        ),
        (
            "last_name",
            "Kim\u202e",
            "Your name contains invisible or control characters. "
            "Please type it again without them.",
        ),
        ("city", "evil.c\u043em", "Please leave web addresses out of your name and town."),
    ],
)
def test_names_and_towns_that_are_not_are_refused(client, action, field, value, message):
    response = client.post(action.get_absolute_url(), {**FORM, field: value})

    assert response.status_code == 400
    assert response.context["form"].errors[field] == [message]
    assert Letter.objects.count() == 0


@pytest.mark.django_db
def test_missing_consent_is_refused(client, action):
    response = client.post(action.get_absolute_url(), {**FORM, "consent": ""})

    assert response.status_code == 400
    assert "Please agree to the notice" in text_of(response)
    assert Letter.objects.count() == 0


@pytest.mark.django_db
def test_preview_button_shows_the_letter_without_saving_or_errors(client, action):
    data = {**FORM, "consent": "", "personal_paragraph": "My words <b>bold</b>", "preview": "1"}

    response = client.post(action.get_absolute_url(), data)

    page = text_of(response)
    assert response.status_code == 200
    assert "My words &lt;b&gt;bold&lt;/b&gt;" in page
    assert "There is a problem" not in page
    assert Letter.objects.count() == 0


@pytest.mark.django_db
def test_htmx_preview_returns_only_the_letter_and_saves_nothing(client, action):
    response = client.post(
        action.get_absolute_url(),
        {**FORM, "city": "Daegu", "personal_paragraph": "<img src=x onerror=alert(1)>"},
        headers={"HX-Request": "true"},
    )

    page = text_of(response)
    assert response.status_code == 200
    assert "<html" not in page
    assert "I am writing from Daegu, South Korea." in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page
    assert Letter.objects.count() == 0


@pytest.mark.django_db
def test_rewrite_with_an_unknown_placeholder_is_refused_naming_it(client, campaign):
    action = LetterActionFactory(campaign=campaign, editing="full")

    response = client.post(
        action.get_absolute_url(),
        {**FORM, "subject": "Hello", "body": "Dear {minister}, from {city}."},
    )

    assert response.status_code == 400
    assert "Your letter uses {minister}, which is not a placeholder Sori can fill." in text_of(
        response
    )
    assert Letter.objects.count() == 0


@pytest.mark.django_db
def test_supporters_choose_officials_when_the_action_lets_them(client, campaign):
    first, second = TargetFactory(name="A Minister"), TargetFactory(name="B Speaker")
    action = LetterActionFactory(campaign=campaign, targets=[first, second], target_mode="choose")

    missing = client.post(action.get_absolute_url(), FORM)
    chosen = client.post(action.get_absolute_url(), {**FORM, "targets": [second.pk]})

    assert missing.status_code == 400
    assert "Choose at least one official." in text_of(missing)
    assert chosen.status_code == 302
    assert list(Letter.objects.values_list("target", flat=True)) == [second.pk]


@pytest.mark.django_db
def test_a_closed_action_shows_no_form_and_accepts_no_letter(client, action):
    action.set_status(LetterAction.Status.CLOSED)

    page = client.get(action.get_absolute_url())
    post = client.post(action.get_absolute_url(), FORM)

    assert "This letter action has closed." in text_of(page)
    assert 'name="first_name"' not in text_of(page)
    assert post.status_code == 400
    assert Letter.objects.count() == 0


@pytest.mark.django_db
def test_the_campaign_page_lists_its_letter_action(client, action):
    response = client.get(action.campaign.get_absolute_url())

    assert "Write to the Minister" in text_of(response)
    assert "Write a letter" in text_of(response)


# The private letter page ---------------------------------------------------------------


@pytest.mark.django_db
def test_letter_page_opens_by_token_and_escapes_supporter_text(client):
    letter = LetterFactory(first_name="<script>alert(1)</script>", personal_paragraph="<b>hi</b>")

    response = client.get(letter.get_absolute_url())

    page = text_of(response)
    assert response.status_code == 200
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "Written, not sent" in page
    assert response["Cache-Control"].startswith("max-age=0")


@pytest.mark.django_db
def test_unknown_or_guessed_tokens_are_404(client):
    letter = LetterFactory()

    for token in ["nope", letter.token[:-1], str(letter.pk)]:
        assert client.get(reverse("letters:letter", args=[token])).status_code == 404
        assert client.get(reverse("letters:pdf", args=[token])).status_code == 404
        assert client.get(reverse("letters:edit", args=[token])).status_code == 404
        assert client.post(reverse("letters:deliver", args=[token])).status_code == 404


@pytest.mark.django_db
def test_letter_pdf_is_served_inline_or_as_a_download(client):
    letter = LetterFactory()
    url = reverse("letters:pdf", args=[letter.token])

    inline = client.get(url)
    download = client.get(url, {"download": "1"})

    assert inline["Content-Type"] == "application/pdf"
    assert inline.content.startswith(b"%PDF-")
    assert inline["Content-Disposition"] == f'inline; filename="{letter.pdf_filename()}"'
    assert inline["X-Frame-Options"] == "SAMEORIGIN"
    policy = inline["Content-Security-Policy"]
    assert "frame-ancestors 'self'" in policy  # our own page may frame it
    assert "default-src 'self'" in policy and "object-src 'none'" in policy  # nothing else
    assert download["Content-Disposition"].startswith("attachment;")


@pytest.mark.django_db
def test_editing_a_draft_updates_the_same_letter(client):
    letter = LetterFactory(action=LetterActionFactory(editing="paragraph"))
    url = reverse("letters:edit", args=[letter.token])

    page = client.get(url)
    response = client.post(url, {**FORM, "personal_paragraph": "Changed my mind."})

    letter.refresh_from_db()
    assert page.status_code == 200
    assert 'name="email"' not in text_of(page)
    assert response.status_code == 302
    assert (letter.personal_paragraph, letter.revision) == ("Changed my mind.", 2)
    assert Letter.objects.count() == 1


@pytest.mark.django_db
def test_a_letter_on_its_way_cannot_be_edited(client):
    letter = LetterFactory(status="queued")

    response = client.post(
        reverse("letters:edit", args=[letter.token]), {**FORM, "first_name": "X"}
    )

    assert response.status_code == 302
    assert Letter.objects.get(pk=letter.pk).first_name == "Ji-woo"


@pytest.mark.django_db
def test_the_envelope_pdf_is_rendered_once_stored_and_served_again(client, private_files):
    letter = LetterFactory()
    url = reverse("letters:pdf", args=[letter.token])

    first = client.get(url, {"envelope": "1"})
    letter.refresh_from_db()
    stored = letter.envelope_pdf.name
    second = client.get(url, {"envelope": "1"})

    letter.refresh_from_db()
    assert first.content.startswith(b"%PDF-")
    assert (letter.envelope_pdf.name, letter.envelope_pdf_revision) == (stored, letter.revision)
    assert (private_files / stored).read_bytes() == first.content == second.content
    assert [p.name for p in private_files.rglob("*.pdf")] == [stored.rsplit("/", 1)[-1]]


@pytest.mark.django_db
def test_asking_for_email_delivery_mails_a_confirmation(client, django_capture_on_commit_callbacks):
    letter = LetterFactory()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("letters:deliver", args=[letter.token]), {"method": "email"})
    page = client.get(letter.get_absolute_url())

    assert response.status_code == 302
    [message] = mail.outbox
    assert message.to == [letter.supporter.email]
    assert "Check your email" in text_of(page)


@pytest.mark.django_db
def test_delivery_needs_a_valid_choice(client):
    letter = LetterFactory()
    url = reverse("letters:deliver", args=[letter.token])

    get = client.get(url)
    bad = client.post(url, {"method": "pigeon"})

    assert get.status_code == 405
    assert bad.status_code == 400
    assert mail.outbox == []


@pytest.mark.django_db
def test_confirmation_page_asks_first_and_only_the_post_confirms(
    client, django_capture_on_commit_callbacks
):
    letter = LetterFactory()
    url = reverse("letters:confirm", args=[services.make_confirm_token(letter, "email")])

    page = client.get(url)
    letter.refresh_from_db()
    status_after_get = letter.status
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url)

    letter.refresh_from_db()
    assert page.status_code == 200
    assert "Yes, send my letter" in text_of(page)
    assert status_after_get == "draft"
    assert response.status_code == 302
    assert response["Location"] == letter.get_absolute_url()
    assert letter.status == "sent"
    assert [m.to for m in mail.outbox] == [[letter.target.email]]


@pytest.mark.django_db
def test_a_forged_confirmation_link_is_refused(client):
    response = client.get(reverse("letters:confirm", args=["not-a-signed-value"]))

    assert response.status_code == 400
    assert "This link is not valid." in text_of(response)


@pytest.mark.django_db
def test_signed_in_supporters_see_their_letters_on_their_account_page(client, alice):
    mine = LetterFactory(supporter=alice.supporter)
    LetterFactory(action=LetterActionFactory(title="Someone else's"))
    client.force_login(alice)

    response = client.get(reverse("accounts:activity"))

    page = text_of(response)
    assert mine.action.title in page
    assert mine.get_absolute_url() in page
    assert "Someone else" not in page


# Staff area ----------------------------------------------------------------------------


@pytest.fixture
def ready_letters():
    target = TargetFactory(name="The Minister of Labour")
    action = LetterActionFactory(targets=[target])
    return [LetterFactory(action=action, status="ready") for _ in range(2)]


STAFF_URLS = [
    ("get", "letters:manage_index", False),
    ("post", "letters:manage_batch_create", False),
    ("get", "letters:manage_batch", True),
    ("get", "letters:manage_batch_pdf", True),
    ("post", "letters:manage_batch_posted", True),
    ("post", "letters:manage_batch_cancel", True),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("method", "name", "needs_batch"), STAFF_URLS)
def test_staff_area_is_for_staff_with_mfa_only(client, alice, bob, method, name, needs_batch):
    batch = PrintBatch.objects.create(target=TargetFactory())
    url = reverse(name, args=[batch.pk] if needs_batch else [])
    staff_without_mfa = UserFactory(groups=[roles.STAFF])

    anonymous = getattr(client, method)(url)
    client.force_login(alice)
    supporter = getattr(client, method)(url)
    client.force_login(bob)
    manager = getattr(client, method)(url)
    client.force_login(staff_without_mfa)
    no_mfa = getattr(client, method)(url)

    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith("/accounts/login/")
    assert supporter.status_code == 403
    assert manager.status_code == 403
    assert no_mfa.status_code == 302
    assert no_mfa["Location"].startswith("/en/account/security/required/")


@pytest.mark.django_db
def test_staff_cancel_a_waiting_batch_and_its_letters_wait_for_the_next(
    client, carol, ready_letters, django_capture_on_commit_callbacks
):
    client.force_login(carol)
    target = ready_letters[0].target
    client.post(reverse("letters:manage_batch_create"), {"target": target.pk})  # not run
    batch = PrintBatch.objects.get()
    waiting = set(batch.letters.values_list("pk", flat=True))

    cancelled = client.post(reverse("letters:manage_batch_cancel", args=[batch.pk]), follow=True)
    again = client.post(reverse("letters:manage_batch_cancel", args=[batch.pk]), follow=True)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("letters:manage_batch_create"), {"target": target.pk})

    batch.refresh_from_db()
    assert (batch.status, batch.file.name or "") == ("cancelled", "")
    assert "The print batch is cancelled; its letters wait for the next." in text_of(cancelled)
    assert "This print batch had already finished." in text_of(again)
    second = PrintBatch.objects.exclude(pk=batch.pk).get()
    assert set(second.letters.values_list("pk", flat=True)) == waiting
    assert second.status == "done"


def test_staff_print_a_batch_download_it_and_mark_it_posted(
    client, carol, ready_letters, django_capture_on_commit_callbacks
):
    client.force_login(carol)
    target = ready_letters[0].target

    index = client.get(reverse("letters:manage_index"))
    with django_capture_on_commit_callbacks(execute=True):
        created = client.post(reverse("letters:manage_batch_create"), {"target": target.pk})
    batch = PrintBatch.objects.get()
    progress = client.get(batch.get_absolute_url(), headers={"HX-Request": "true"})
    pdf = client.get(reverse("letters:manage_batch_pdf", args=[batch.pk]))
    posted = client.post(reverse("letters:manage_batch_posted", args=[batch.pk]))

    assert "Print 2 letters" in text_of(index)
    assert created["Location"] == batch.get_absolute_url()
    assert "2 of 2 letters" in text_of(progress)
    assert "<html" not in text_of(progress)
    assert pdf["Content-Type"] == "application/pdf"
    assert b"".join(pdf.streaming_content).startswith(b"%PDF-")
    assert posted.status_code == 302
    assert {letter.status for letter in Letter.objects.all()} == {"posted"}
    audit = AuditEntry.objects.get()
    assert (audit.actor, audit.action, audit.subject, audit.rows) == (
        carol,
        "export.letters.print_batch",
        f"official:{target.pk} batch:{batch.pk}",
        2,
    )


@pytest.mark.django_db
def test_a_batch_with_nothing_to_print_is_refused(client, carol):
    client.force_login(carol)

    response = client.post(
        reverse("letters:manage_batch_create"), {"target": TargetFactory().pk}, follow=True
    )

    assert "are waiting to be printed" in text_of(response)
    assert PrintBatch.objects.count() == 0


@pytest.mark.django_db
def test_admin_refuses_a_template_with_an_unknown_placeholder(client, carol, campaign):
    client.force_login(carol)
    target = TargetFactory()
    data = {
        "campaign": campaign.pk,
        "title": "Write now",
        "slug": "write-now",
        "summary": "Write.",
        "intro": "",
        "goal": "",
        "position": "0",
        "targets": [target.pk],
        "target_mode": "all",
        "subject_en": "Hello",
        "body_en": "Dear {official}, from {city}.",
        "subject_ko": "안녕하세요",
        "body_ko": "{city}에서",
        "editing": "paragraph",
        "paragraph_max_length": "1500",
        "body_max_length": "6000",
        "deliver_download": "on",
    }

    response = client.post(reverse("admin:letters_letteraction_add"), data)

    assert response.status_code == 200
    assert "Letter (English) uses {official}, which is not a placeholder Sori can fill." in text_of(
        response
    )
    assert LetterAction.objects.count() == 0


@pytest.mark.django_db
def test_letters_from_one_network_address_are_capped_per_hour(client, action, settings):
    settings.LETTERS_WRITES_PER_HOUR_PER_ADDRESS = 2

    codes = [
        client.post(action.get_absolute_url(), {**FORM, "email": f"w{n}@example.org"}).status_code
        for n in range(3)
    ]

    assert codes == [302, 302, 429]
    assert Letter.objects.count() == 2


@pytest.mark.django_db
def test_an_action_without_an_active_official_accepts_no_letter(client, campaign):
    action = LetterActionFactory(campaign=campaign, targets=[TargetFactory(active=False)])

    response = client.post(action.get_absolute_url(), FORM)

    assert response.status_code == 400
    assert "no official to go to" in text_of(response)
    assert Letter.objects.count() == 0


@pytest.mark.django_db
def test_a_confirmation_link_for_a_changed_or_sent_letter_offers_no_button(client):
    changed = LetterFactory()
    changed_url = reverse("letters:confirm", args=[services.make_confirm_token(changed, "email")])
    Letter.objects.filter(pk=changed.pk).update(revision=2)
    sent = LetterFactory(status="sent")
    sent_url = reverse("letters:confirm", args=[services.make_confirm_token(sent, "email")])

    stale = client.get(changed_url)
    done = client.get(sent_url)

    assert stale.status_code == 409
    assert "changed after we sent this link" in text_of(stale)
    assert "Yes, send my letter" not in text_of(stale)
    assert done.status_code == 409
    assert "already on its way" in text_of(done)
