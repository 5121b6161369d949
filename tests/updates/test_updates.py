"""Updates to supporters, sent through a real SMTP server: a local aiosmtpd sink that
refuses the addresses it is told to with 550 and keeps everything else (the network
edge; nothing of ours is faked)."""

import datetime
import email
import email.policy
import re
import socket
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone, translation

from accounts import notices
from accounts.models import AuditEntry, ConsentRecord
from accounts.services import record_consent
from petitions import thresholds
from petitions.models import Milestone, Response, Signature
from tests.factories import (
    LetterActionFactory,
    LetterFactory,
    PetitionFactory,
    SignatureFactory,
    SupporterFactory,
    TargetFactory,
)
from updates import sending, services
from updates.forms import UpdateForm
from updates.models import Update, UpdateRecipient, UpdateSend


class Sink:
    def __init__(self, refuse=()):
        self.refuse = set(refuse)
        self.messages: list[email.message.EmailMessage] = []

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return "550 5.1.1 No such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(
            email.message_from_bytes(envelope.content, policy=email.policy.default)
        )
        return "250 Message accepted for delivery"

    def to(self) -> list[str]:
        return sorted(m["To"] for m in self.messages)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def sink(settings):
    settings.UPDATES_PER_MINUTE = 0
    controllers = []

    def start(refuse=()):
        handler = Sink(refuse)
        controller = Controller(handler, hostname="127.0.0.1", port=free_port())
        controller.start()
        controllers.append(controller)
        settings.MAILERS = {
            "default": {
                "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                "OPTIONS": {"host": "127.0.0.1", "port": controller.port, "timeout": 5},
            }
        }
        return handler

    yield start
    for controller in controllers:
        controller.stop()


@pytest.fixture
def start(django_capture_on_commit_callbacks):
    """start_update, with its after-commit task run as a commit would run it."""

    def run(**kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return services.start_update(**kwargs)

    return run


def opt_in(supporter, petition, granted=True):
    record_consent(
        supporter=supporter,
        purpose=ConsentRecord.Purpose.UPDATES,
        granted=granted,
        notice=notices.UPDATES,
        source=f"petition:{petition.slug}",
    )


@pytest.fixture
def people(campaign):
    """Signers of one petition: who should get an update, and who should not."""
    petition = PetitionFactory(campaign=campaign, slug="free-them")
    other = PetitionFactory(campaign=campaign, slug="other")
    cast = {}

    def signer(name, *, language="en", status=Signature.Status.CONFIRMED, on=petition, **kw):
        supporter = SupporterFactory(email=f"{name}@example.org", language=language, **kw)
        SignatureFactory(petition=on, supporter=supporter, status=status)
        cast[name] = supporter
        return supporter

    opt_in(signer("jiwoo", language="ko"), petition)
    opt_in(signer("amy"), petition)
    opt_in(signer("pending", status=Signature.Status.PENDING), petition)
    signer("silent")  # never opted in
    changed = signer("changed")
    opt_in(changed, petition)
    opt_in(changed, other, granted=False)  # a later "no" for the same campaign
    from django.utils import timezone

    opt_in(signer("bouncing", bouncing_since=timezone.now()), petition)
    elsewhere = signer("elsewhere", on=other)  # acted on another petition only
    opt_in(elsewhere, other)
    return petition, cast


def write(petition, user):
    return services.write_update(
        user=user,
        petition=petition,
        subject_en="We delivered 5,000 signatures",
        body_en="The Minister's office **took** the list.",
        subject_ko="서명 5,000명분을 전달했습니다",
        body_ko="장관실에서 명단을 **받았습니다**.",
    )


def test_update_reaches_exactly_the_audience_once_each_in_their_language(start, sink, people, bob):
    server = sink()
    petition, _cast = people

    send = start(user=bob, update=write(petition, bob))

    assert server.to() == ["amy@example.org", "jiwoo@example.org"]
    by_to = {m["To"]: m for m in server.messages}
    assert by_to["amy@example.org"]["Subject"] == "We delivered 5,000 signatures"
    assert by_to["jiwoo@example.org"]["Subject"] == "서명 5,000명분을 전달했습니다"
    korean = by_to["jiwoo@example.org"].get_body(("plain",)).get_content()
    assert "장관실에서 명단을 **받았습니다**." in korean
    send.refresh_from_db()
    assert (send.status, send.expected, send.progress) == ("done", 2, 2)
    assert services.dashboard(send.update)["sent"] == 2
    entry = AuditEntry.objects.get(action="updates.send")
    assert (entry.actor, entry.rows, entry.subject) == (
        bob,
        2,
        f"update:{send.update_id} petition:free-them",
    )


def test_every_message_has_one_click_unsubscribe_headers(start, sink, people, bob):
    server = sink()
    petition, _cast = people

    start(user=bob, update=write(petition, bob))

    message = next(m for m in server.messages if m["To"] == "amy@example.org")
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    https, mailto = re.fullmatch(r"<([^>]+)>, <([^>]+)>", message["List-Unsubscribe"]).groups()
    assert https.startswith("http://testserver/updates/unsubscribe/")
    assert mailto.startswith("mailto:info@sori.example?subject=unsubscribe%20")
    assert https in message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert "<strong>took</strong>" in html
    assert "<img" not in html  # no tracking pixel


def test_one_click_unsubscribe_by_post_without_a_session(start, sink, people, bob, client):
    server = sink()
    petition, cast = people
    start(user=bob, update=write(petition, bob))
    message = next(m for m in server.messages if m["To"] == "amy@example.org")
    url = re.match(r"<([^>]+)>", message["List-Unsubscribe"]).group(1)
    path = url.removeprefix("http://testserver")

    response = client.post(
        path, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )

    assert response.status_code == 200
    assert client.cookies.get("sessionid") is None
    latest = cast["amy"].latest_consent(ConsentRecord.Purpose.UPDATES)
    assert (latest.granted, latest.source) == (False, f"update:{Update.objects.get().pk}")
    assert services.dashboard(Update.objects.get())["unsubscribed"] == 1
    # Takes effect at once: the next update skips her.
    server.messages.clear()
    start(user=bob, update=write(petition, bob))
    assert server.to() == ["jiwoo@example.org"]


def test_unsubscribe_page_get_changes_nothing_and_offers_a_button(start, sink, people, bob, client):
    server = sink()
    petition, cast = people
    start(user=bob, update=write(petition, bob))
    message = next(m for m in server.messages if m["To"] == "jiwoo@example.org")
    path = (
        re.match(r"<([^>]+)>", message["List-Unsubscribe"])
        .group(1)
        .removeprefix("http://testserver")
    )

    response = client.get(path)

    assert response.status_code == 200
    assert "수신 거부" in response.text
    assert cast["jiwoo"].has_consent(ConsentRecord.Purpose.UPDATES)


def test_bad_unsubscribe_token_is_404(client, db):
    response = client.post("/updates/unsubscribe/nonsense/")

    assert response.status_code == 404


def test_permanent_refusal_marks_bouncing_and_later_sends_skip(start, sink, people, bob):
    server = sink(refuse={"amy@example.org"})
    petition, cast = people

    send = start(user=bob, update=write(petition, bob))

    assert server.to() == ["jiwoo@example.org"]
    cast["amy"].refresh_from_db()
    assert cast["amy"].bouncing_since is not None
    assert services.dashboard(send.update)["bounced"] == 1
    later = write(petition, bob)
    assert list(services.audience(later).order_by("email")) == [cast["jiwoo"]]


def test_resumes_after_a_worker_dies_and_never_sends_twice(sink, people, bob, settings):
    server = sink()
    petition, _cast = people
    more = [SupporterFactory(email=f"s{i}@example.org") for i in range(5)]
    for supporter in more:
        SignatureFactory(petition=petition, supporter=supporter)
        opt_in(supporter, petition)
    update = write(petition, bob)
    settings.CELERY_TASK_ALWAYS_EAGER = True
    send = UpdateSend.objects.create(update=update, created_by=bob)

    sending.run_update_send(send_id=send.pk, stop_after=3)  # the worker dies here
    send.refresh_from_db()
    assert (send.status, len(server.messages)) == ("running", 3)
    # A message claimed when the worker died: whether it left is unknowable.
    claimed = UpdateRecipient.objects.filter(status="queued").order_by("pk").first()
    UpdateRecipient.objects.filter(pk=claimed.pk).update(status="sending")
    sending.run_update_send(send_id=send.pk)

    send.refresh_from_db()
    assert (send.status, send.attempts) == ("done", 2)
    everyone = sorted(["amy@example.org", "jiwoo@example.org", *(s.email for s in more)])
    claimed_email = claimed.supporter.email
    assert server.to() == [address for address in everyone if address != claimed_email]
    assert UpdateRecipient.objects.get(pk=claimed.pk).status == "failed"
    assert UpdateRecipient.objects.filter(update=update).count() == 7


def test_letter_update_goes_to_confirmed_writers(start, sink, campaign, bob):
    server = sink()
    action = LetterActionFactory(campaign=campaign, slug="write-now")
    from django.utils import timezone

    writer = SupporterFactory(email="writer@example.org")
    LetterFactory(action=action, supporter=writer, confirmed_at=timezone.now(), status="queued")
    unconfirmed = SupporterFactory(email="draft@example.org")
    LetterFactory(action=action, supporter=unconfirmed)
    for supporter in (writer, unconfirmed):
        record_consent(
            supporter=supporter,
            purpose=ConsentRecord.Purpose.UPDATES,
            granted=True,
            notice=notices.UPDATES,
            source=f"letter:{action.slug}",
        )

    start(user=bob, letter_action=action, subject_en="Thanks", body_en="Sent.")

    assert server.to() == ["writer@example.org"]


def test_command_sends_and_is_audited(
    django_capture_on_commit_callbacks, sink, people, bob, tmp_path: Path
):
    server = sink()
    body = tmp_path / "body.md"
    body.write_text("The Minister answered.", encoding="utf-8")

    with django_capture_on_commit_callbacks(execute=True):
        call_command(
            "send_update",
            "--petition",
            "free-them",
            "--subject",
            "The Minister answered",
            "--body-file",
            str(body),
            "--as",
            bob.email,
            "--no-wait",  # the task runs when the capture below "commits"
        )

    assert server.to() == ["amy@example.org", "jiwoo@example.org"]
    assert AuditEntry.objects.get(action="updates.send").filters["via"] == "command"


def test_command_refuses_a_manager_of_another_campaign(people, mallory, tmp_path):
    body = tmp_path / "body.md"
    body.write_text("x", encoding="utf-8")
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="No petition 'free-them'"):
        call_command(
            "send_update", "--petition", "free-them", "--subject", "x",
            "--body-file", str(body), "--as", mallory.email,
        )  # fmt: skip


def test_manager_writes_previews_tests_and_sends(
    django_capture_on_commit_callbacks, sink, people, bob, client
):
    server = sink()
    _petition, _cast = people
    client.force_login(bob)

    response = client.post(
        reverse("updates:create", args=["petition", "free-them"]),
        {"subject_en": "News", "body_en": "It **worked**.", "subject_ko": "", "body_ko": ""},
    )
    update = Update.objects.get()
    assert response.status_code == 302
    page = client.get(update.get_absolute_url())
    assert "<strong>worked</strong>" in page.text
    client.post(reverse("updates:test", args=[update.pk]))
    assert server.to() == ["bob@example.org"]
    assert server.messages[0]["Subject"] == "[Test] News"
    server.messages.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("updates:send", args=[update.pk]))

    assert server.to() == ["amy@example.org", "jiwoo@example.org"]
    assert update.send.status == "done"
    assert "<dd>2</dd>" in client.get(update.get_absolute_url()).text


def test_other_managers_and_anonymous_cannot_see_or_send(people, bob, mallory, client):
    petition, _cast = people
    update = write(petition, bob)

    client.force_login(mallory)
    assert client.get(update.get_absolute_url()).status_code == 404
    assert client.post(reverse("updates:send", args=[update.pk])).status_code == 404
    assert client.get(reverse("updates:create", args=["petition", "free-them"])).status_code == 404
    client.logout()
    assert client.get(update.get_absolute_url()).status_code == 302
    assert not UpdateSend.objects.exists()


def test_staff_may_open_any_update(people, bob, carol, client):
    petition, _cast = people
    update = write(petition, bob)
    client.force_login(carol)

    assert client.get(update.get_absolute_url()).status_code == 200


def test_sent_updates_show_on_the_petition_page_and_feed(start, sink, people, bob, client):
    sink()
    petition, _cast = people
    start(user=bob, update=write(petition, bob))

    with translation.override("ko"):
        feed = client.get(reverse("updates:petition_feed", args=["free-them"]))
        page = client.get(petition.get_absolute_url())

    assert feed["Content-Type"].startswith("application/atom+xml")
    assert "<title>서명 5,000명분을 전달했습니다</title>" in feed.text
    assert "서명 5,000명분을 전달했습니다" in page.text


def test_a_cancelled_send_stops_before_its_next_message(sink, people, bob, client, settings):
    server = sink()
    petition, _cast = people
    update = write(petition, bob)
    settings.CELERY_TASK_ALWAYS_EAGER = True
    send = UpdateSend.objects.create(update=update, created_by=bob)
    sending.run_update_send(send_id=send.pk, stop_after=1)  # one sent, then the worker dies
    client.force_login(bob)

    client.post(reverse("updates:cancel", args=[update.pk]))
    sending.run_update_send(send_id=send.pk)  # the outbox hands the job over again

    send.refresh_from_db()
    assert send.status == "cancelled"
    assert len(server.messages) == 1
    assert not send.cancel()  # already ended


def test_a_response_goes_to_the_signers_in_one_step_in_their_language(
    sink, people, bob, client, django_capture_on_commit_callbacks
):
    server = sink()
    petition, _cast = people
    target = petition.targets.first() or TargetFactory()
    petition.targets.add(target)
    response = Response.objects.create(
        petition=petition,
        target=target,
        responded_on=datetime.date(2026, 12, 1),
        body_en="We will review **Article 7**.",
        body_ko="제7조를 **검토하겠습니다**.",
    )
    client.force_login(bob)

    with django_capture_on_commit_callbacks(execute=True):
        sent = client.post(reverse("updates:from_response", args=[response.pk]))

    update = Update.objects.get()
    assert sent["Location"] == update.get_absolute_url()
    assert update.petition == petition and update.send.status == "done"
    assert server.to() == ["amy@example.org", "jiwoo@example.org"]
    by_address = {message["To"]: message for message in server.messages}
    english = by_address["amy@example.org"].get_body(("plain",)).get_content()
    korean = by_address["jiwoo@example.org"].get_body(("plain",)).get_content()
    assert by_address["amy@example.org"]["Subject"] == (
        f"{target.display_name('en')} responded to “{petition.text('title', 'en')}”"
    )
    assert "> We will review **Article 7**." in english
    assert "responded on 1 December 2026:" in english
    assert "> 제7조를 **검토하겠습니다**." in korean
    assert f"/ko/petitions/{petition.slug}/#response-{response.pk}" in korean


def test_only_the_petitions_managers_may_send_its_response(people, mallory, client):
    petition, _cast = people
    target = TargetFactory()
    petition.targets.add(target)
    response = Response.objects.create(
        petition=petition, target=target, responded_on=datetime.date(2026, 12, 1), body_en="No."
    )
    client.force_login(mallory)

    refused = client.post(reverse("updates:from_response", args=[response.pk]))

    assert refused.status_code in (403, 404)
    assert Update.objects.count() == 0


def test_an_update_prepared_for_a_threshold_goes_out_once_when_it_is_reached(
    sink, people, bob, django_capture_on_commit_callbacks
):
    server = sink()
    petition, _cast = people
    milestone = Milestone.objects.create(petition=petition, threshold=5_000)
    update = write(petition, bob)
    form = UpdateForm(
        {**{f: getattr(update, f) for f in ("subject_en", "body_en", "subject_ko", "body_ko")},
         "send_at_threshold": milestone.pk},
        instance=update,
        petition=petition,
    )  # fmt: skip
    assert form.is_valid(), form.errors
    form.save()
    before = len(server.messages)

    Milestone.objects.filter(pk=milestone.pk).update(reached_at=timezone.now())
    with django_capture_on_commit_callbacks(execute=True):
        announced = thresholds.announce_thresholds(petition_id=petition.pk)
    with django_capture_on_commit_callbacks(execute=True):
        again = thresholds.announce_thresholds(petition_id=petition.pk)

    assert (before, announced, again) == (0, [5_000], [])
    subjects = {"We delivered 5,000 signatures", "서명 5,000명분을 전달했습니다"}
    got_update = sorted(m["To"] for m in server.messages if m["Subject"] in subjects)
    assert got_update == ["amy@example.org", "jiwoo@example.org"]
    assert UpdateSend.objects.get(update=update).status == "done"


def test_only_thresholds_not_yet_reached_may_be_chosen(people, bob):
    petition, _cast = people
    reached = Milestone.objects.create(petition=petition, threshold=10, reached_at=timezone.now())
    waiting = Milestone.objects.create(petition=petition, threshold=50_000)

    form = UpdateForm(petition=petition)

    assert list(form.fields["send_at_threshold"].queryset) == [waiting]
    assert reached not in form.fields["send_at_threshold"].queryset
    assert "send_at_threshold" not in UpdateForm(petition=None).fields
