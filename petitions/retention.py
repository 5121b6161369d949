"""Retention: signatures forget who made them PETITIONS_RETENTION_DAYS after the end.

A petition ends when it closes (by status, or when its closing time passes) or is
delivered, whichever is later; an official's response does not restart the clock. Past
retention each of its signatures loses everything that says who signed it: the link to
the supporter, the name, the comment, the postcode, the town and the address hash (and
the time the owner of the address was told of a repeat); its name is no longer shown.
It keeps what the figures are made of: status, review reason, the times it was signed
and confirmed, country, region, source and the updates choice. So the count, count.json,
the dashboard and the open data stay exactly as they were, and ``reconcile_counts``
still agrees. Sign forms still waiting for such a petition are deleted, and so are the
files of its delivery packs (their records stay, saying why).

The supporter rows themselves are not touched: they hold the person's consents and may
be linked to their account, and leave only when the person erases their data.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q

from accounts.retention import RetentionReport

from .models import DeliveryPack, Petition, Signature, SignatureRequest

# Signatures anonymised per UPDATE (and per transaction): large enough to be quick,
# small enough that a run over a million rows holds neither locks nor memory for long.
BATCH = 5_000

ANONYMISED = {
    "supporter": None,
    "first_name": "",
    "last_name": "",
    "display": Signature.Display.HIDDEN,
    "comment": "",
    "postcode": "",
    "city": "",
    "ip_hash": "",
    "repeat_mailed_at": None,
}

PACK_FILES_DELETED = (
    "The files were deleted when the petition's signatures passed their retention period."
)


def ended_at(petition: Petition) -> datetime | None:
    """When the petition stopped taking signatures or was delivered; None while open."""
    if petition.status == Petition.Status.DRAFT:
        return None
    if petition.status == Petition.Status.OPEN:
        return petition.closes_at if petition.has_closed else None
    known = [moment for moment in (petition.closed_at, petition.delivered_at) if moment]
    if known:
        return max(known)
    # Ended before closed_at was stamped (the migration stamped those; a safety net):
    # the closing time, else the last change, the closest moments known.
    return petition.closes_at or petition.updated_at


def petitions_past(cutoff: datetime) -> list[Petition]:
    """The petitions that ended before ``cutoff``."""
    candidates = Petition.objects.exclude(status=Petition.Status.DRAFT).only(
        "pk", "status", "closes_at", "closed_at", "delivered_at", "updated_at"
    )
    return [p for p in candidates if (end := ended_at(p)) is not None and end < cutoff]


def anonymise_signatures(petition_ids: list[int], *, batch: int = BATCH) -> int:
    """Anonymise the signatures of these petitions that still say who signed, in
    batches, each committed on its own (a run cut short is finished by the next).

    Side effects: the fields in ``ANONYMISED`` overwritten. Returns how many rows.
    """
    done = 0
    last = 0
    rows = Signature.objects.filter(petition_id__in=petition_ids, supporter__isnull=False)
    while True:
        ids = list(rows.filter(pk__gt=last).order_by("pk").values_list("pk", flat=True)[:batch])
        if not ids:
            return done
        with transaction.atomic():
            done += Signature.objects.filter(pk__in=ids).update(**ANONYMISED)
        last = ids[-1]


@transaction.atomic
def delete_pack_files(petition_ids: list[int]) -> int:
    """Delete the files of these petitions' delivery packs (the records stay, saying
    why). Packs still being built start again (``lib.jobs``), now without names.

    Side effects: files deleted from private storage after commit; ``file``,
    ``manifest`` and ``error`` of the packs updated. Returns how many packs lost files.
    """
    return DeliveryPack.forget(
        petition_ids=petition_ids,
        finished=Q(petition_id__in=petition_ids),
        reason=PACK_FILES_DELETED,
    )


class PetitionRetention:
    """The petitions app's step of ``manage.py apply_retention`` (``accounts.retention``)."""

    app = "petitions"

    def apply(self, *, now: datetime, dry_run: bool) -> RetentionReport:
        days = settings.PETITIONS_RETENTION_DAYS
        cutoff = now - timedelta(days=days)
        report = RetentionReport(app=self.app, days=days, cutoff=cutoff)
        ids = [petition.pk for petition in petitions_past(cutoff)]
        if not ids:
            return report
        waiting = SignatureRequest.objects.filter(petition_id__in=ids)
        if dry_run:
            report.add_anonymised(
                "signatures",
                Signature.objects.filter(petition_id__in=ids, supporter__isnull=False).count(),
            )
            report.add_deleted("waiting sign forms", waiting.count())
            packs = DeliveryPack.objects.filter(petition_id__in=ids).exclude(file="", manifest="")
            report.add_deleted("delivery packs' files", packs.count())
            return report
        report.add_deleted("waiting sign forms", waiting.delete()[0])
        report.add_anonymised("signatures", anonymise_signatures(ids))
        report.add_deleted("delivery packs' files", delete_pack_files(ids))
        return report
