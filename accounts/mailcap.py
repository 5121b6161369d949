"""Daily caps on the mail one mailbox receives, counted in the database.

Anyone can type anyone's address into a form, so Sori caps how much mail each kind of
form may send one mailbox a day (petition confirmations, letter confirmations, "my data"
links). Those caps are promises to strangers, so they are counted here rather than in
``lib.ratelimit``'s cache windows: exactly, through a Redis outage (when the cache's
counts fall back to one per process), and without a cache key for every address mailed
that day (about 200 bytes of Redis each, growing with a day's signers). Per-client limits
and short windows stay in ``lib.ratelimit``.

One row per kind and mailbox (``lib.text.email_key``, so aliases share a cap), keyed by
a keyed hash of the mailbox; a new day starts its count again in the same row. Rows of
earlier days are deleted by the daily retention run (``RETENTION``).
"""

from datetime import UTC, date, datetime, time

from django.db import connection
from django.db.models import F
from django.utils import timezone

from lib.ratelimit import subject_hash
from lib.text import email_key

from .models import MailAllowance
from .retention import RetentionReport


def _key(kind: str, address: str) -> str:
    return f"{kind}:{subject_hash(email_key(address))}"


def _today() -> date:
    return timezone.now().astimezone(UTC).date()


# One upsert: a first mail today inserts, or starts a new day's count, or adds one while
# under the limit; past the limit nothing is changed and nothing returned.
_TAKE = """INSERT INTO accounts_mailallowance (subject, day, sent) VALUES (%s, %s, 1)
ON CONFLICT (subject) DO UPDATE SET
    sent = CASE WHEN accounts_mailallowance.day = excluded.day
        THEN accounts_mailallowance.sent + 1 ELSE 1 END,
    day = excluded.day
WHERE accounts_mailallowance.day <> excluded.day OR accounts_mailallowance.sent < %s
RETURNING sent
"""


def take(kind: str, address: str, limit: int) -> bool:
    """Count one mail of ``kind`` to ``address``'s mailbox today; False, counting nothing,
    once ``limit`` were counted today. ``limit <= 0`` means no cap.

    One statement, so concurrent callers never pass the cap between them. Inside a
    transaction, the count is undone with it (a mail scheduled on commit that never was).
    """
    if limit <= 0:
        return True
    with connection.cursor() as cursor:
        cursor.execute(_TAKE, [_key(kind, address), _today(), limit])
        return cursor.fetchone() is not None


def give_back(kind: str, address: str) -> None:
    """Undo one ``take`` of today: for a mail the server did not take, so retries during
    a mail outage never use up the mailbox's allowance."""
    MailAllowance.objects.filter(subject=_key(kind, address), day=_today(), sent__gt=0).update(
        sent=F("sent") - 1
    )


def sent_today(kind: str, address: str) -> int:
    """How many mails of ``kind`` were counted for ``address``'s mailbox today."""
    row = MailAllowance.objects.filter(subject=_key(kind, address), day=_today()).first()
    return row.sent if row else 0


class MailCapRetention:
    """Deletes the counts of earlier days: the accounts step of ``manage.py
    apply_retention`` (``accounts.retention``)."""

    app = "accounts"

    def apply(self, *, now: datetime, dry_run: bool) -> RetentionReport:
        today = now.astimezone(UTC).date()
        cutoff = datetime.combine(today, time(), tzinfo=UTC)
        report = RetentionReport(app=self.app, days=1, cutoff=cutoff)
        earlier = MailAllowance.objects.filter(day__lt=today)
        deleted = earlier.count() if dry_run else earlier.delete()[0]
        report.add_deleted("daily mail counts of earlier days", deleted)
        return report


RETENTION = MailCapRetention()
