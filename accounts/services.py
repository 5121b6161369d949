"""Account and supporter workflows with side effects."""

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.utils import timezone

from lib import ratelimit
from lib.tasks import after_commit
from lib.text import canonical_email

from . import emails, mailcap, personal_data
from .models import AuditEntry, ConsentRecord, Supporter, User

MY_DATA_SALT = "sori.accounts.my-data"
MY_DATA_MAX_AGE = 60 * 60 * 24


def get_or_create_supporter(*, email: str, defaults: dict | None = None) -> tuple[Supporter, bool]:
    """The one Supporter for an address, created if new; safe under concurrent calls."""
    address = canonical_email(email)
    try:
        with transaction.atomic():
            return Supporter.objects.get_or_create(email=address, defaults=defaults or {})
    except IntegrityError:
        return Supporter.objects.get(email=address), False


@transaction.atomic
def link_supporter(*, user: User, email: str) -> Supporter:
    """Attach the Supporter for a verified address to its account.

    Called when allauth confirms an email address, so everything the person did
    before signing up ("my activity") appears in their account. An account keeps the
    first supporter it was linked to; a supporter already linked elsewhere is left alone.
    """
    supporter, _ = get_or_create_supporter(email=email)
    existing = Supporter.objects.filter(user=user).first()
    if existing is None and supporter.user_id is None:
        supporter.user = user
        supporter.save(update_fields=["user", "updated_at"])
        return supporter
    return existing or supporter


def record_consent(
    *,
    supporter: Supporter,
    purpose: str,
    granted: bool,
    notice,
    source: str = "",
    language: str = "en",
) -> ConsentRecord:
    """Append one consent record holding the exact text of the notice shown."""
    return ConsentRecord.objects.create(
        supporter=supporter,
        purpose=purpose,
        granted=granted,
        notice_text=str(notice.text),
        notice_version=notice.version,
        language=language,
        source=source[:200],
    )


def make_data_token(supporter: Supporter) -> str:
    return signing.dumps({"s": supporter.pk}, salt=MY_DATA_SALT, compress=True)


def supporter_from_data_token(token: str) -> Supporter | None:
    try:
        data = signing.loads(token, salt=MY_DATA_SALT, max_age=MY_DATA_MAX_AGE)
    except signing.BadSignature:
        return None
    return Supporter.objects.filter(pk=data.get("s")).first()


def request_data_link(*, email: str, language: str, client: str) -> bool:
    """Count a request for a "my data" link and, within the limits, send it after commit.

    ``client`` is the hashed network address of the requester. Returns False when that
    client is over ``MY_DATA_REQUESTS_PER_CLIENT_PER_HOUR`` (the caller says to try
    later, which tells nothing about the address). Over
    ``MY_DATA_LINKS_PER_ADDRESS_PER_DAY`` for the address, nothing is sent but True is
    returned, so the answer looks the same as for any address.

    Side effect: after commit, the task ``accounts.tasks.send_data_link``, which mails
    only if the address is known. The supporter is looked up there, not here, so the
    request does the same work (and takes the same time) for a known and an unknown
    address.
    """
    client_ok = ratelimit.allow(
        f"my-data:client:{client}",
        ratelimit.Limit(settings.MY_DATA_REQUESTS_PER_CLIENT_PER_HOUR, 60 * 60),
    )
    if not client_ok:
        return False
    if mailcap.take("my-data", email, settings.MY_DATA_LINKS_PER_ADDRESS_PER_DAY):
        after_commit("accounts.tasks.send_data_link", email, language)
    return True


def send_data_link(*, email: str, language: str = "en") -> None:
    """Mail a one-day link to "my data" to the owner of an address, if we know them.

    Runs in a task (``request_data_link`` schedules it). Side effect: one email, only
    when a Supporter exists for the address.
    """
    supporter = Supporter.objects.for_email(email).first()
    if supporter is None:
        return
    emails.send_data_link(supporter, token=make_data_token(supporter), language=language)


def export_supporter(supporter: Supporter) -> dict:
    """Everything Sori holds about one supporter, as plain data (the right of access)."""
    data: dict = {
        "exported_at": timezone.now().isoformat(),
        "supporter": {
            "email": supporter.email,
            "first_name": supporter.first_name,
            "last_name": supporter.last_name,
            "country": str(supporter.country),
            "postcode": supporter.postcode,
            "city": supporter.city,
            "language": supporter.language,
            "created_at": supporter.created_at.isoformat(),
            "has_account": supporter.user_id is not None,
        },
        "consents": [
            {
                "purpose": c.purpose,
                "granted": c.granted,
                "notice_version": c.notice_version,
                "notice_text": c.notice_text,
                "source": c.source,
                "time": c.created_at.isoformat(),
            }
            for c in supporter.consents.order_by("created_at", "pk")
        ],
    }
    for provider in personal_data.providers():
        data.update(provider.export(supporter))
    return data


@transaction.atomic
def erase_supporter(*, supporter: Supporter) -> None:
    """Erase a supporter and everything they gave (the right to erasure).

    Side effects: every app's provider erases or anonymises its rows first (a
    petition's count goes down for each confirmed signature removed); then the
    supporter and their consent records are deleted. Their account, if any, stays:
    the person deletes it separately.
    """
    personal_data.each_provider(lambda provider: provider.erase(supporter))
    supporter.delete()


def record_audit(
    *, actor: User, action: str, subject: str = "", filters: dict | None = None, rows: int = 0
) -> AuditEntry:
    """Append one entry to the audit log (exports of personal data, moderation moves)."""
    return AuditEntry.objects.create(
        actor=actor,
        actor_email=actor.email,
        action=action,
        subject=subject[:200],
        filters=filters or {},
        rows=rows,
    )
