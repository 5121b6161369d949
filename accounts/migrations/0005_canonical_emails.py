"""Re-key addresses with the new lib.text.canonical_email and merge supporters it joins.

Before, canonical_email only trimmed and lower-cased, so one mailbox spelt several ways
(fullwidth letters, soft hyphens, quotes) became several supporters, each able to
sign once. Each set of supporters that now share an address becomes its oldest member:
the others' consents, letters, donations and signatures move to it, where two signed
the same petition (or wrote the same letter) the earliest is kept, counts are recounted
from the signatures, and each merge is written to the audit log.

Addresses that cannot be made canonical are left as they are and printed; so are
accounts whose canonical address another account already has (a unique constraint).
"""

from collections import defaultdict

from django.db import migrations

from lib.text import InvalidEmail, canonical_email, email_key


def _say(message):
    print(f"\n  {message}", end="")


def _keep_earliest(rows, key):
    """Rows grouped by key: the earliest of each group (created_at, pk) and the rest."""
    groups = defaultdict(list)
    for row in sorted(rows, key=lambda row: (row.created_at, row.pk)):
        groups[key(row)].append(row)
    kept = [group[0] for group in groups.values()]
    dropped = [row for group in groups.values() for row in group[1:]]
    return kept, dropped


def _merge(apps, kept_pk, merged_pks, petitions_touched):
    """Everything of merged_pks moves to kept_pk; returns how many rows moved."""
    Supporter = apps.get_model("accounts", "Supporter")
    ConsentRecord = apps.get_model("accounts", "ConsentRecord")
    Signature = apps.get_model("petitions", "Signature")
    Letter = apps.get_model("letters", "Letter")
    Donation = apps.get_model("donations", "Donation")
    everyone = [kept_pk, *merged_pks]

    signatures = list(Signature.objects.filter(supporter_id__in=everyone))
    petitions_touched.update(s.petition_id for s in signatures if s.supporter_id != kept_pk)
    kept, dropped = _keep_earliest(signatures, key=lambda s: s.petition_id)
    Signature.objects.filter(pk__in=[s.pk for s in dropped]).delete()
    moved = Signature.objects.filter(
        pk__in=[s.pk for s in kept if s.supporter_id != kept_pk]
    ).update(supporter_id=kept_pk)

    # One draft and one sent letter per official and action (two unique constraints).
    letters = list(Letter.objects.filter(supporter_id__in=everyone))
    kept, dropped = _keep_earliest(
        letters, key=lambda letter: (letter.action_id, letter.target_id, letter.status == "draft")
    )
    if dropped:
        _say(f"Supporter {kept_pk}: deleted duplicate letters {sorted(x.pk for x in dropped)}")
    Letter.objects.filter(pk__in=[x.pk for x in dropped]).delete()
    moved += Letter.objects.filter(
        pk__in=[x.pk for x in kept if x.supporter_id != kept_pk]
    ).update(supporter_id=kept_pk)

    moved += ConsentRecord.objects.filter(supporter_id__in=merged_pks).update(supporter_id=kept_pk)
    moved += Donation.objects.filter(supporter_id__in=merged_pks).update(supporter_id=kept_pk)

    # An account link survives the merge if the kept supporter has none.
    user_ids = [
        pk
        for pk in Supporter.objects.filter(pk__in=merged_pks)
        .exclude(user=None)
        .order_by("pk")
        .values_list("user_id", flat=True)
    ]
    Supporter.objects.filter(pk__in=merged_pks).delete()
    if user_ids and not Supporter.objects.filter(pk=kept_pk).exclude(user=None).exists():
        Supporter.objects.filter(pk=kept_pk).update(user_id=user_ids.pop(0))
    if user_ids:
        _say(f"Supporter {kept_pk}: accounts {user_ids} lost their supporter link")
    return moved


def _recount(apps, petition_ids):
    """A petition's count is its confirmed signatures; shards are folded back to zero."""
    Petition = apps.get_model("petitions", "Petition")
    Signature = apps.get_model("petitions", "Signature")
    CountShard = apps.get_model("petitions", "CountShard")
    for petition_id in sorted(petition_ids):
        confirmed = Signature.objects.filter(petition_id=petition_id, status="confirmed").count()
        Petition.objects.filter(pk=petition_id).update(signature_count=confirmed)
    CountShard.objects.filter(petition_id__in=petition_ids).update(delta=0)


def canonicalise_supporters(apps, schema_editor):
    Supporter = apps.get_model("accounts", "Supporter")
    AuditEntry = apps.get_model("accounts", "AuditEntry")

    groups = defaultdict(list)
    for pk, address in Supporter.objects.order_by("pk").values_list("pk", "email"):
        try:
            groups[canonical_email(address)].append(pk)
        except InvalidEmail as error:
            _say(f"Supporter {pk}: {address!r} left as it is ({error})")

    # Merge first: re-keying a row to an address another row still holds would break
    # the unique constraint on Supporter.email.
    petitions_touched = set()
    for pks in groups.values():
        kept_pk, *merged_pks = pks
        if not merged_pks:
            continue
        moved = _merge(apps, kept_pk, merged_pks, petitions_touched)
        AuditEntry.objects.create(
            actor=None,
            actor_email="system@sori",
            action="supporter.merge",
            subject=str(kept_pk),
            filters={"merged": merged_pks},
            rows=moved,
        )
        _say(f"Supporter {kept_pk}: merged {merged_pks} ({moved} rows moved)")
    _recount(apps, petitions_touched)

    for address, pks in groups.items():
        key = email_key(address)
        Supporter.objects.filter(pk=pks[0]).exclude(email=address, email_key=key).update(
            email=address, email_key=key
        )


def canonicalise_users(apps, schema_editor):
    User = apps.get_model("accounts", "User")

    groups = defaultdict(list)
    for pk, address in User.objects.order_by("pk").values_list("pk", "email"):
        try:
            groups[canonical_email(address)].append((pk, address))
        except InvalidEmail as error:
            _say(f"User {pk}: {address!r} left as it is ({error})")

    for address, users in groups.items():
        # The account that already has the canonical address keeps it; otherwise the
        # oldest gets it. The others would break the unique constraint: left alone.
        users.sort(key=lambda user: (user[1].lower() != address, user[0]))
        (pk, current), *others = users
        if current != address:
            User.objects.filter(pk=pk).update(email=address)
        for other_pk, other_address in others:
            _say(f"User {other_pk}: {other_address!r} left as it is (user {pk} has {address!r})")


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0004_supporter_indexes"),
        ("petitions", "0007_signature_name"),
        ("letters", "0002_group_permissions"),
        ("donations", "0002_group_permissions"),
    ]

    operations = [
        migrations.RunPython(canonicalise_supporters, migrations.RunPython.noop),
        migrations.RunPython(canonicalise_users, migrations.RunPython.noop),
    ]
