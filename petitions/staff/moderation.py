"""Moderation by staff: which signatures match, bulk release or invalidation, undo, trends.

A bulk action is always previewed first: the preview shows how many signatures match and
a sample of them, and carries a fingerprint of exactly which ones. Applying re-selects
the matches under row locks and refuses if they are no longer the ones previewed, so
nobody moves signatures they have not seen counted. Moves go through
``signatures.change_signature_statuses``, which keeps every petition's count exact, and
each moved signature is recorded (``ModerationMove``) so that the action can be undone
exactly: back to the status and review reason it had, if nobody moved it since.
Previews, actions and undos are all written to the audit log (a preview shows who
signed, so it is a look at personal data too).
"""

import hashlib
import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Count, F, Lookup, Max, Min, Q, QuerySet, Value
from django.db.models.functions import Concat, StrIndex, Substr, Trim
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.services import record_audit

from .. import signatures
from ..models import ModerationAction, ModerationMove, Petition, Signature

SAMPLE_SIZE = 25


class ModerationError(Exception):
    """A bulk action that cannot go ahead; the message says why, nothing was changed."""


@dataclass(frozen=True)
class Criteria:
    """Which signatures a bulk action is about. At least one criterion is set."""

    kind: str  # ModerationAction.Kind
    petition: Petition | None = None
    ip_hash: str = ""
    email_domain: str = ""
    signed_after: datetime | None = None
    signed_before: datetime | None = None
    name_pattern: str = ""
    review_reason: str = ""

    def as_dict(self) -> dict:
        """The criteria as the audit log and the action record keep them."""
        recorded = {"action": self.kind}
        if self.petition:
            recorded["petition"] = self.petition.slug
        for key in ("ip_hash", "email_domain", "name_pattern", "review_reason"):
            if getattr(self, key):
                recorded[key] = getattr(self, key)
        if self.signed_after:
            recorded["signed_after"] = self.signed_after.isoformat()
        if self.signed_before:
            recorded["signed_before"] = self.signed_before.isoformat()
        return recorded

    def subject(self) -> str:
        return f"petition:{self.petition.slug}" if self.petition else "all petitions"


def name_like(pattern: str) -> str:
    """A name pattern (``*`` any characters, ``?`` one) as a ``LIKE`` pattern escaped with
    ``\\``: ``%`` and ``_`` typed by staff are literal. Runs of ``*`` become one ``%``."""
    escaped = pattern.strip().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return re.sub(r"\*+", "%", escaped).replace("?", "_")


class _Like(Lookup):
    """``lhs LIKE rhs ESCAPE '\\'``, both sides lowercased. Unlike the regular expression it
    replaced (ten ``*`` took half a minute on SQLite), LIKE does not backtrack over every
    way to split the name, and the form bounds how many ``*`` a pattern has."""

    lookup_name = "like"

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"LOWER({lhs}) LIKE LOWER({rhs}) ESCAPE '\\'", (*lhs_params, *rhs_params)


def matching(criteria: Criteria) -> QuerySet:
    """The signatures a bulk action would move (release: held ones; invalidate: any not
    already invalidated), oldest first."""
    if criteria.kind == ModerationAction.Kind.RELEASE:
        rows = Signature.objects.filter(status=Signature.Status.REVIEW)
    else:
        rows = Signature.objects.exclude(status=Signature.Status.INVALIDATED)
    if criteria.petition:
        rows = rows.filter(petition=criteria.petition)
    if criteria.ip_hash:
        rows = rows.filter(ip_hash=criteria.ip_hash)
    if criteria.email_domain:
        rows = rows.filter(supporter__email__endswith="@" + criteria.email_domain)
    if criteria.signed_after:
        rows = rows.filter(created_at__gte=criteria.signed_after)
    if criteria.signed_before:
        rows = rows.filter(created_at__lt=criteria.signed_before)
    if criteria.review_reason:
        rows = rows.filter(review_reason=criteria.review_reason)
    if criteria.name_pattern:
        full_name = Trim(Concat("first_name", Value(" "), "last_name"))
        rows = rows.filter(_Like(full_name, Value(name_like(criteria.name_pattern))))
    return rows.order_by("created_at", "pk")


def fingerprint(pks) -> str:
    """Names exactly which signatures matched, so applying can check they still do."""
    digest = hashlib.sha256()
    for pk in sorted(pks):
        digest.update(b"%d," % pk)
    return digest.hexdigest()[:32]


@dataclass(frozen=True)
class Preview:
    criteria: Criteria
    count: int
    sample: list[Signature]
    fingerprint: str
    by_status: dict[str, int]


def preview(*, criteria: Criteria, actor) -> Preview:
    """How many and which signatures a bulk action would move.

    Side effect: an audit entry (``moderation.preview``), because it shows who signed.
    """
    rows = matching(criteria)
    pks = list(rows.values_list("pk", flat=True))
    sample = list(rows.select_related("supporter", "petition")[:SAMPLE_SIZE])
    labels = dict(Signature.Status.choices)
    by_status = {
        str(labels[status]): n
        for status, n in rows.order_by()
        .values_list("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
        .order_by("status")
    }
    record_audit(
        actor=actor,
        action="moderation.preview",
        subject=criteria.subject(),
        filters=criteria.as_dict(),
        rows=len(pks),
    )
    return Preview(criteria, len(pks), sample, fingerprint(pks), by_status)


@transaction.atomic
def apply_bulk_action(*, criteria: Criteria, expected: str, actor) -> ModerationAction:
    """Release or invalidate the previewed signatures, all or none.

    Release sends each held signature where ``Signature.release_status()`` says
    (confirmed, counted; or pending, waiting for its signer's email confirmation).
    Invalidate uncounts confirmed ones. Side effects: the status moves with exact
    counts (``signatures.change_signature_statuses``); a ModerationAction with one
    ModerationMove per signature; an audit entry (``moderation.release`` or
    ``moderation.invalidate``). Raises ModerationError, changing nothing, when nothing
    matches or the matches are not those previewed (``expected`` fingerprint).
    """
    rows = list(
        Signature.objects.filter(pk__in=matching(criteria).values("pk"))
        .select_for_update()
        .values_list(
            "pk", "status", "review_reason", "confirmed_at", "petition__requires_confirmation"
        )
    )
    if not rows:
        raise ModerationError(_("No signature matches these criteria, so nothing was changed."))
    if fingerprint(row[0] for row in rows) != expected:
        raise ModerationError(
            _(
                "The signatures matching these criteria have changed since the preview "
                "(%(count)d match now). Nothing was changed: check the new preview."
            )
            % {"count": len(rows)}
        )
    targets: dict[str, list] = defaultdict(list)
    for pk, status, reason, confirmed_at, needs_confirmation in rows:
        if criteria.kind == ModerationAction.Kind.RELEASE:
            counted = confirmed_at is not None or not needs_confirmation
            to_status = Signature.Status.CONFIRMED if counted else Signature.Status.PENDING
        else:
            to_status = Signature.Status.INVALIDATED
        targets[to_status].append((pk, status, reason, confirmed_at))
    action = ModerationAction.objects.create(
        kind=criteria.kind,
        actor=actor,
        petition=criteria.petition,
        criteria=criteria.as_dict(),
        moved=len(rows),
    )
    moves = []
    for to_status, group in targets.items():
        signatures.change_signature_statuses(
            signatures=Signature.objects.filter(pk__in=[row[0] for row in group]),
            status=to_status,
        )
        moves += [
            ModerationMove(
                action=action,
                signature_id=pk,
                from_status=status,
                from_reason=reason,
                to_status=to_status,
                stamped_confirmation=(
                    to_status == Signature.Status.CONFIRMED and confirmed_at is None
                ),
            )
            for pk, status, reason, confirmed_at in group
        ]
    ModerationMove.objects.bulk_create(moves, batch_size=1000)
    record_audit(
        actor=actor,
        action=f"moderation.{criteria.kind}",
        subject=criteria.subject(),
        filters={**criteria.as_dict(), "moderation_action": action.pk},
        rows=len(rows),
    )
    return action


@transaction.atomic
def undo_action(*, action: ModerationAction, actor) -> int:
    """Put back every signature a bulk action moved, where nobody has moved it since.

    Side effects: each such signature returns to its former status and review reason
    (a confirmation the action stamped is cleared), counts kept exact; the action is
    marked undone; an audit entry (``moderation.undo``). A signature moved since (its
    signer confirmed, or staff moved it again) is left alone. Returns how many were
    restored. Raises ModerationError if the action was already undone.
    """
    action = ModerationAction.objects.select_for_update().get(pk=action.pk)
    if action.undone_at is not None:
        raise ModerationError(_("This action has already been undone."))
    moves = list(
        ModerationMove.objects.filter(action=action, signature__status=F("to_status")).values_list(
            "signature_id", "from_status", "from_reason", "to_status", "stamped_confirmation"
        )
    )
    # Lock what we are about to move, then keep only what is still where we left it.
    locked = dict(
        Signature.objects.filter(pk__in=[m[0] for m in moves])
        .select_for_update()
        .values_list("pk", "status")
    )
    groups: dict[tuple[str, str], list[int]] = defaultdict(list)
    stamped = []
    for pk, from_status, from_reason, to_status, stamped_confirmation in moves:
        if locked.get(pk) == to_status:
            groups[(from_status, from_reason)].append(pk)
            if stamped_confirmation:
                stamped.append(pk)
    restored = 0
    for (status, reason), pks in groups.items():
        restored += signatures.change_signature_statuses(
            signatures=Signature.objects.filter(pk__in=pks), status=status, reason=reason
        )
        if status != Signature.Status.REVIEW:
            Signature.objects.filter(pk__in=pks).update(review_reason=reason)
    if stamped:
        Signature.objects.filter(pk__in=stamped).update(confirmed_at=None)
    action.undone_at = timezone.now()
    action.undone_by = actor
    action.restored = restored
    action.save(update_fields=["undone_at", "undone_by", "restored"])
    record_audit(
        actor=actor,
        action="moderation.undo",
        subject=f"moderation_action:{action.pk}",
        filters={**action.criteria, "moderation_action": action.pk},
        rows=restored,
    )
    return restored


# The trending report ------------------------------------------------------------------


def trending(*, since: datetime, ip_threshold: int, domain_threshold: int) -> dict:
    """IP hashes and email domains with at least the threshold of signatures since ``since``."""
    recent = Signature.objects.filter(created_at__gte=since)
    by_status = {
        f"{status}_count": Count("pk", filter=Q(status=status)) for status in Signature.Status
    }
    figures = {
        "total": Count("pk"),
        "petitions": Count("petition", distinct=True),
        "first": Min("created_at"),
        "last": Max("created_at"),
        **by_status,
    }
    addresses = (
        recent.exclude(ip_hash="")
        .values("ip_hash")
        .annotate(**figures)
        .filter(total__gte=ip_threshold)
        .order_by("-total", "ip_hash")
    )
    email = "supporter__email"
    domains = (
        recent.annotate(domain=Substr(email, StrIndex(email, Value("@")) + 1))
        .values("domain")
        .annotate(**figures)
        .filter(total__gte=domain_threshold)
        .order_by("-total", "domain")
    )
    return {"addresses": list(addresses[:100]), "domains": list(domains[:100])}


def last_hour() -> datetime:
    return timezone.now() - timedelta(hours=1)


def email_state(signature: Signature) -> str:
    """What is known about a held signature's email address, in words for the queue.

    Released, a held signature counts at once if its address was confirmed (or the
    petition asks for no confirmation) and otherwise waits for its signer: staff need to
    know which, and how it was confirmed. ``confirmed_at`` is stamped at signing for a
    signer signed in with a verified address (the same instant as ``created_at``), and
    later by the emailed link, or by signing in and signing again; only an account lets
    the second happen. Signatures held by the form's defences were never mailed.
    Expects ``petition`` and ``supporter`` selected with the signature.
    """
    if not signature.petition.requires_confirmation:
        return _("Not required by this petition")
    if signature.confirmed_at is None:
        if signature.review_reason in Signature.ABUSE_REASONS:
            return _("Not asked yet: no mail while held (sent on release)")
        return _("Waiting for the emailed link")
    if signature.confirmed_at == signature.created_at:
        return _("Confirmed: signed in with a verified address")
    # No supporter: past retention, nobody is known to have confirmed it (by an account).
    if signature.supporter is None or signature.supporter.user_id is None:
        return _("Confirmed by the emailed link")
    return _("Confirmed by the emailed link or by signing in")
