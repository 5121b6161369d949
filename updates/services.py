"""Writing, starting and stopping updates, and unsubscribing from them."""

from django.conf import settings
from django.db import transaction
from django.db.models import Count
from django.utils import translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from accounts import notices
from accounts.models import ConsentRecord, Supporter
from accounts.services import record_audit, record_consent
from campaigns.models import Campaign
from letters.models import LetterAction
from lib.emails import deliver
from lib.tasks import after_commit
from lib.translated import LANGUAGE_CODES
from petitions.models import Petition, Response

from . import messages
from .audience import audience, latest_consent
from .models import Update, UpdateSend


class UpdateError(Exception):
    """An update that cannot be sent (already sent, nothing written)."""


def write_update(
    *,
    user,
    petition: Petition | None = None,
    letter_action: LetterAction | None = None,
    campaign: Campaign | None = None,
    subject_en: str = "",
    body_en: str = "",
    subject_ko: str = "",
    body_ko: str = "",
) -> Update:
    """Save a new update for a petition, a letter action or a whole campaign.

    Side effects: one Update row. Raises ``django.core.exceptions.ValidationError`` when
    no language is written whole (``Translatable.clean``).
    """
    scope = petition or letter_action
    update = Update(
        campaign=scope.campaign if scope is not None else campaign,
        petition=petition,
        letter_action=letter_action,
        subject_en=subject_en.strip(),
        body_en=body_en.strip(),
        subject_ko=subject_ko.strip(),
        body_ko=body_ko.strip(),
        created_by=user,
    )
    update.full_clean()
    update.save()
    return update


@transaction.atomic
def start_update(
    *,
    user,
    update: Update | None = None,
    petition: Petition | None = None,
    letter_action: LetterAction | None = None,
    campaign: Campaign | None = None,
    subject_en: str = "",
    body_en: str = "",
    subject_ko: str = "",
    body_ko: str = "",
    via: str = "web",
) -> UpdateSend:
    """Send ``update`` (or a new one written from the other arguments) to its audience.

    Side effects: the Update when written here; an UpdateSend job (pending); an audit
    entry (``updates.send``, with the audience size at the start); after commit, the
    ``updates.tasks.send_update`` task that sends it. Raises UpdateError when the update
    has been sent already (or is being sent).
    """
    if update is None:
        update = write_update(
            user=user,
            petition=petition,
            letter_action=letter_action,
            campaign=campaign,
            subject_en=subject_en,
            body_en=body_en,
            subject_ko=subject_ko,
            body_ko=body_ko,
        )
    update = Update.objects.select_for_update().select_related("campaign").get(pk=update.pk)
    if UpdateSend.objects.filter(update=update).exists():
        raise UpdateError(_("This update has been sent already."))
    size = audience(update).count()
    send = UpdateSend.objects.create(update=update, created_by=user, expected=size)
    record_audit(
        actor=user,
        action="updates.send",
        subject=f"update:{update.pk} {_scope_label(update)}",
        filters={"via": via, "languages": update.languages_written()},
        rows=size,
    )
    after_commit("updates.tasks.send_update", send.pk)
    return send


def send_response(*, response: Response, user) -> UpdateSend:
    """Tell the petition's signers what an official answered, in one step: an update
    quoting the response in each language it was recorded in, sent at once.

    Side effects: those of ``write_update`` and ``start_update``.
    """
    petition = response.petition
    texts = {}
    for language in LANGUAGE_CODES:
        body = response.text("body", language)
        if not body:
            continue
        with translation.override(language):
            official = response.target.display_name(language)
            texts[f"subject_{language}"] = _("%(official)s responded to “%(title)s”") % {
                "official": official,
                "title": petition.text("title", language) or petition.title,
            }
            texts[f"body_{language}"] = "\n\n".join(
                [
                    _("%(official)s responded on %(date)s:")
                    % {"official": official, "date": date_format(response.responded_on)},
                    "\n".join(f"> {line}" for line in body.splitlines()),
                    _("Read it on the petition's page: %(url)s")
                    % {"url": settings.SITE_URL + response.get_absolute_url()},
                ]
            )
    update = write_update(user=user, petition=petition, **texts)
    return start_update(user=user, update=update, via="response")


def _scope_label(update: Update) -> str:
    if update.petition_id:
        return f"petition:{update.petition.slug}"
    if update.letter_action_id:
        return f"letter:{update.letter_action.slug}"
    return f"campaign:{update.campaign.slug}"


def send_test(*, update: Update, user) -> list[str]:
    """Mail the update to the manager's own address, once in each language written, as
    supporters will receive it (the unsubscribe link leads to a page saying it was a
    test). Returns the languages sent. Raises lib.emails.MailNotSent / MailRefused."""
    languages = update.languages_written() or list(LANGUAGE_CODES[:1])
    token = messages.unsubscribe_token(update_id=update.pk, supporter_id=None)
    for language in languages:
        rendered = messages.render_update(update, language, test=True)
        deliver(messages.address(rendered, to=user.email, token=token), name="update_test")
    return languages


def unsubscribe(*, token: str) -> Supporter | None:
    """Record that the person named by an update's unsubscribe token wants no more
    updates of its campaign. Idempotent: a second press adds no row.

    Side effects: a ConsentRecord (updates, withdrawn, source ``update:<id>``) unless
    the latest consent for the campaign already says no. Returns the supporter, or None
    for a bad token, a test message's token or a supporter who has been erased.
    """
    data = messages.read_token(token)
    if not data or data.get("s") is None:
        return None
    supporter = Supporter.objects.filter(pk=data["s"]).first()
    update = Update.objects.select_related("campaign").filter(pk=data["u"]).first()
    if supporter is None or update is None:
        return None
    if is_subscribed(supporter, update.campaign):
        record_consent(
            supporter=supporter,
            purpose=ConsentRecord.Purpose.UPDATES,
            granted=False,
            notice=notices.UPDATES,
            source=f"update:{update.pk}",
            language=supporter.language,
        )
    return supporter


def is_subscribed(supporter: Supporter, campaign: Campaign) -> bool:
    return bool(
        Supporter.objects.filter(pk=supporter.pk)
        .annotate(wants=latest_consent(campaign))
        .values_list("wants", flat=True)
        .first()
    )


def dashboard(update: Update) -> dict[str, int]:
    """Sent, failed, bounced, skipped and unsubscribed (through this update's links)."""
    counts = dict(
        update.recipients.order_by()
        .values_list("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
    unsubscribed = ConsentRecord.objects.filter(
        purpose=ConsentRecord.Purpose.UPDATES, granted=False, source=f"update:{update.pk}"
    ).count()
    return {
        "recipients": sum(counts.values()),
        "sent": counts.get("sent", 0),
        "failed": counts.get("failed", 0),
        "bounced": counts.get("bounced", 0),
        "skipped": counts.get("skipped", 0),
        "waiting": counts.get("queued", 0) + counts.get("sending", 0),
        "unsubscribed": unsubscribed,
        "throttle": settings.UPDATES_PER_MINUTE,
    }
