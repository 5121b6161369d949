"""Account and supporter workflows with side effects."""

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from lib.emails import send_templated
from lib.text import canonical_email

from . import personal_data
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


def send_data_link(*, email: str, language: str = "en") -> None:
    """Mail a one-day link to "my data" to the owner of an address, if we know them.

    Side effect: one email, only when a Supporter exists for the address. Callers
    show the same message either way, so nobody learns whether an address is known.
    """
    supporter = Supporter.objects.for_email(email).first()
    if supporter is None:
        return
    token = make_data_token(supporter)
    url = settings.SITE_URL + reverse("accounts:data", args=[token])
    transaction.on_commit(
        lambda: send_templated(
            "my_data_link",
            to=[supporter.email],
            context={"url": url, "supporter": supporter},
            language=language,
        )
    )


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
